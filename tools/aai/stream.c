/* aai stream FILE.wav | --mic: live transcription over the streaming API (Universal Streaming
 * v3 by default, realtime v2 with --v2). Final turns go to stdout as they come; on a terminal
 * the turn in progress is drawn on stderr.
 *
 * The session part needs the header's streaming section. The Makefile defines AAI_CLI_STREAMING
 * when include/assemblyai.h has it; without it, `aai stream` checks its arguments and then says
 * "not implemented in this build" (exit status 5). */
#include "aai.h"

#include <stdlib.h>
#include <string.h>

const char cli_stream_help[] =
    "usage: aai stream FILE.wav [OPTIONS]\n"
    "       aai stream --mic [--device NAME] [--seconds N] [OPTIONS]\n"
    "\n"
    "Transcribes live audio through the streaming API and prints each finished turn (v3) or\n"
    "final transcript (v2) on its own line as it arrives. A WAV file must be 16-bit PCM mono;\n"
    "it is sent at its own speed, as a live source would be (--fast: as fast as allowed).\n"
    "The microphone (ALSA) records until Ctrl-C or --seconds.\n"
    "\n"
    "  --mic               record from the microphone instead of a file\n"
    "  --device NAME       ALSA capture device (default: \"default\")\n"
    "  --seconds N         stop recording after N seconds\n"
    "  --sample-rate HZ    microphone sample rate (default 16000; a file gives its own)\n"
    "  --fast              send a file without pacing it at real time\n"
    "  --v2                use realtime v2 instead of Universal Streaming v3\n"
    "  --speech-model M    v3 speech_model, e.g. universal-streaming-multilingual\n"
    "  --format-turns      v3: print the formatted text of each turn\n"
    "  --set NAME=VALUE    any connection parameter, sent as given (repeatable)\n"
    "  --url URL           the streaming server (default: derived from the base URL)\n"
    "  --json              print every message from the server as received (JSON lines)\n"
    "\n"
    "v3 events beyond turns: with --set llm_gateway='{...}' each LLMGatewayResponse's answer is\n"
    "printed on stdout as \"[llm turn N] TEXT\"; on a terminal, Heartbeat (--set\n"
    "session_heartbeat=true), Silence (--set acknowledge_silence=true, u3-rt-pro) and\n"
    "SpeakerRevision (--set speaker_labels=true) are noted on stderr. A connection attempt that is\n"
    "retried is reported on stderr.\n"
    "\n"
    "Exit status: 0 the session ended normally (also after Ctrl-C with --mic), 2 usage or\n"
    "parameters refused, 3 auth, 4 network or timeout, 5 other error, 6 the file cannot be\n"
    "read, 130 interrupted.\n";

typedef struct stream_options {
    const char *file, *device, *speech_model, *url;
    const char *params[64];     /* NAME=VALUE */
    size_t param_count;
    int mic, fast, v2, json, format_turns;
    long seconds, sample_rate;
} stream_options;

/* The sample rate from a WAV file's fmt chunk, or 0 (the library then says what is wrong). */
static int wav_sample_rate(const char *path) {
    unsigned char b[12];
    FILE *f = fopen(path, "rb");
    int rate = 0;
    if (!f) return 0;
    if (fread(b, 1, 12, f) == 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WAVE", 4)) {
        unsigned char h[8];
        while (fread(h, 1, 8, f) == 8) {
            unsigned long size = h[4] | (h[5] << 8) | ((unsigned long)h[6] << 16) | ((unsigned long)h[7] << 24);
            if (!memcmp(h, "fmt ", 4)) {
                unsigned char fmt[8];
                if (size >= 8 && fread(fmt, 1, 8, f) == 8)
                    rate = (int)(fmt[4] | (fmt[5] << 8) | ((unsigned long)fmt[6] << 16) | ((unsigned long)fmt[7] << 24));
                break;
            }
            if (fseek(f, (long)(size + (size & 1)), SEEK_CUR) != 0) break;
        }
    }
    fclose(f);
    return rate;
}

#ifdef AAI_CLI_STREAMING

typedef struct stream_state {
    int json;
    int format_turns;
    cli_display *display;
    aai_status error_status;   /* from the first ERROR event */
    char error[512];
    volatile int closed;       /* the CLOSED event arrived */
} stream_state;

/* The answer of an LLMGatewayResponse's data (choices[0].message.content), decoded into out
   (\uXXXX escapes outside ASCII become '?'); the whole data JSON when there is none. */
static void llm_answer(const char *data, char *out, size_t size) {
    const char *p = data ? strstr(data, "\"content\":\"") : NULL;
    size_t n = 0;
    if (!p) {
        snprintf(out, size, "%s", data ? data : "");
        return;
    }
    for (p += 11; *p && *p != '"' && n + 1 < size; p++) {
        char c = *p;
        if (c == '\\' && p[1]) {
            p++;
            switch (*p) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': case 'f': c = ' '; break;
            case 'u': {
                unsigned v = 0;
                int k = 0;
                for (; k < 4 && p[1]; k++) {
                    char h = *++p;
                    v = v * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
                }
                c = v < 0x80 ? (char)v : '?';
                break;
            }
            default: c = *p; break;   /* \" \\ \/ */
            }
        }
        out[n++] = c;
    }
    out[n] = '\0';
}

static void on_retry(int attempt, int max_attempts, aai_status status, int http_status, long delay_ms, const char *message,
                     void *user_data) {
    (void)status;
    (void)http_status;
    (void)user_data;
    fprintf(stderr, "aai: connect attempt %d/%d failed (%s); retrying in %ld ms\n", attempt, max_attempts, message, delay_ms);
}

static void on_event(const aai_streaming_event *e, void *user_data) {
    stream_state *st = user_data;
    if (st->json && e->json) {
        cli_display_clear(st->display);
        fwrite(e->json, 1, e->json_length, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    }
    switch (e->type) {
    case AAI_STREAMING_EVENT_OPENED:
        cli_display_note(st->display, "Session %s open; listening.", e->session_id ? e->session_id : "");
        break;
    case AAI_STREAMING_EVENT_PARTIAL_TRANSCRIPT:
        if (e->text && *e->text) cli_display_text(st->display, e->text);
        break;
    case AAI_STREAMING_EVENT_FINAL_TRANSCRIPT:
        cli_display_clear(st->display);
        if (!st->json && e->text && *e->text) { printf("%s\n", e->text); fflush(stdout); }
        break;
    case AAI_STREAMING_EVENT_TURN:
        if (!e->end_of_turn || (st->format_turns && !e->turn_is_formatted)) {
            if (e->text && *e->text) cli_display_text(st->display, e->text);
        } else {
            cli_display_clear(st->display);
            if (!st->json && e->text && *e->text) { printf("%s\n", e->text); fflush(stdout); }
        }
        break;
    case AAI_STREAMING_EVENT_LLM_GATEWAY_RESPONSE:
        cli_display_clear(st->display);
        if (!st->json) {
            char answer[4096];
            llm_answer(e->data_json, answer, sizeof answer);
            printf("[llm turn %lld] %s\n", (long long)e->turn_order, answer);
            fflush(stdout);
        }
        break;
    case AAI_STREAMING_EVENT_HEARTBEAT:
        cli_display_note(st->display, "[heartbeat] %.1f s of audio received in %.1f s (realtime factor %.2f)",
                         e->total_audio_received_ms / 1000.0, e->total_duration_ms / 1000.0, e->realtime_factor);
        break;
    case AAI_STREAMING_EVENT_SILENCE:
        cli_display_note(st->display, "[silence] %.1f-%.1f s", e->audio_start / 1000.0, e->audio_end / 1000.0);
        break;
    case AAI_STREAMING_EVENT_SPEAKER_REVISION:
        for (size_t k = 0; k < e->revision_count; k++)
            cli_display_note(st->display, "[speaker revision] turn %lld is speaker %s", (long long)e->revisions[k].turn_order,
                             e->revisions[k].speaker_label ? e->revisions[k].speaker_label : "?");
        break;
    case AAI_STREAMING_EVENT_ERROR:
        if (st->error_status == AAI_OK) {
            st->error_status = e->status != AAI_OK ? e->status : AAI_ERR_SERVER;
            snprintf(st->error, sizeof st->error, "%s", e->text ? e->text : "streaming error");
        }
        break;
    case AAI_STREAMING_EVENT_CLOSED:
        st->closed = 1;
        break;
    default:
        break;
    }
}

static int run_session(const stream_options *o, const cli_globals *globals) {
    int rc;
    stream_state st;
    cli_display display;
    aai_client *client = NULL;
    aai_streaming *session = NULL;
    aai_status s;

    memset(&st, 0, sizeof st);
    st.json = o->json;
    st.format_turns = o->format_turns;
    if ((rc = cli_open(globals, NULL, &client, NULL)) != AAI_EXIT_OK) goto done;
    cli_display_init(&display, globals);
    st.display = &display;
    if ((s = aai_streaming_new(client, o->v2 ? AAI_STREAMING_V2 : AAI_STREAMING_V3, &session)) != AAI_OK) {
        rc = cli_fail("streaming session", s);
        goto done;
    }
    s = AAI_OK;
    if (s == AAI_OK && o->url) s = aai_streaming_set_url(session, o->url);
    if (s == AAI_OK && o->sample_rate > 0) s = aai_streaming_set_sample_rate(session, (int)o->sample_rate);
    if (s == AAI_OK && o->speech_model) s = aai_streaming_set_speech_model(session, o->speech_model);
    if (s == AAI_OK && o->format_turns) s = aai_streaming_set_format_turns(session, 1);
    for (size_t k = 0; s == AAI_OK && k < o->param_count; k++) {
        char name[128];
        size_t n = (size_t)(strchr(o->params[k], '=') - o->params[k]);
        if (n >= sizeof name) n = sizeof name - 1;
        memcpy(name, o->params[k], n);
        name[n] = '\0';
        s = aai_streaming_set_param(session, name, strchr(o->params[k], '=') + 1);
    }
    if (s != AAI_OK) { rc = cli_fail("streaming parameters", s); goto done; }
    aai_streaming_set_callback(session, on_event, &st);
    aai_streaming_set_connect_retry_callback(session, on_retry, NULL);

    cli_catch_interrupt();
    if ((s = aai_streaming_connect(session)) != AAI_OK) { rc = cli_fail("connecting", s); goto done; }

    if (o->file) {
        s = aai_streaming_send_wav_file(session, o->file, 0, !o->fast);
        if (s != AAI_OK) { rc = cli_fail(o->file, s); goto close; }
        if (cli_interrupted()) rc = AAI_EXIT_INTERRUPTED;
    } else {
        if ((s = aai_streaming_start_microphone(session, o->device, 0, o->seconds * 1000)) != AAI_OK) {
            rc = cli_fail(o->device ? o->device : "the microphone", s);
            goto close;
        }
        /* Until --seconds, Ctrl-C (the normal way to stop: exit 0) or the end of the session. */
        double until = cli_now() + (double)o->seconds;
        while (!st.closed && !cli_interrupted() && (o->seconds == 0 || cli_now() < until)) cli_sleep_ms(100);
        aai_streaming_stop_microphone(session);
    }

close:
    s = aai_streaming_close(session, 30000);
    cli_display_clear(&display);
    if (st.error_status != AAI_OK) {        /* the server's reason beats the symptom */
        fprintf(stderr, "aai: streaming: %s\n", st.error);
        if (rc != AAI_EXIT_INTERRUPTED) rc = cli_exit_code(st.error_status);
    } else if (s != AAI_OK && rc == AAI_EXIT_OK) {
        rc = cli_fail("closing the session", s);
    }

done:
    aai_streaming_free(session);
    aai_client_free(client);
    return rc;
}

#else

static int run_session(const stream_options *o, const cli_globals *globals) {
    (void)o;
    (void)globals;
    fputs("aai stream: not implemented in this build (its libassemblyai header has no streaming)\n", stderr);
    return AAI_EXIT_API;
}

#endif /* AAI_CLI_STREAMING */

int cmd_stream(int argc, char **argv, const cli_globals *globals) {
    stream_options o;
    const char *value = NULL;
    int r;

    memset(&o, 0, sizeof o);
    for (int i = 0; i < argc; i++) {
        if (cli_is(argv[i], "--mic")) o.mic = 1;
        else if (cli_is(argv[i], "--fast")) o.fast = 1;
        else if (cli_is(argv[i], "--v2")) o.v2 = 1;
        else if (cli_is(argv[i], "--json")) o.json = 1;
        else if (cli_is(argv[i], "--format-turns")) o.format_turns = 1;
        else if ((r = cli_option(argc, argv, &i, "--device", &value)) != 0) { if (r < 0) return AAI_EXIT_USAGE; o.device = value; }
        else if ((r = cli_option(argc, argv, &i, "--speech-model", &value)) != 0) { if (r < 0) return AAI_EXIT_USAGE; o.speech_model = value; }
        else if ((r = cli_option(argc, argv, &i, "--url", &value)) != 0) { if (r < 0) return AAI_EXIT_USAGE; o.url = value; }
        else if ((r = cli_option(argc, argv, &i, "--seconds", &value)) != 0) {
            if (r < 0 || !cli_parse_long("stream", "--seconds", value, 1, 86400, &o.seconds)) return AAI_EXIT_USAGE;
        } else if ((r = cli_option(argc, argv, &i, "--sample-rate", &value)) != 0) {
            if (r < 0 || !cli_parse_long("stream", "--sample-rate", value, 1, 192000, &o.sample_rate)) return AAI_EXIT_USAGE;
        } else if ((r = cli_option(argc, argv, &i, "--set", &value)) != 0) {
            if (r < 0) return AAI_EXIT_USAGE;
            if (!strchr(value, '=') || value[0] == '=') return cli_usage_error("stream", "--set wants NAME=VALUE, not '%s'", value);
            if (o.param_count == sizeof o.params / sizeof o.params[0]) return cli_usage_error("stream", "too many --set");
            o.params[o.param_count++] = value;
        } else if (argv[i][0] == '-') return cli_usage_error("stream", "unknown option '%s'", argv[i]);
        else if (o.file) return cli_usage_error("stream", "one FILE at a time");
        else o.file = argv[i];
    }
    if (o.mic == (o.file != NULL)) return cli_usage_error("stream", o.mic ? "--mic takes no FILE" : "missing FILE.wav (or --mic)");
    if (!o.mic && (o.device || o.seconds || o.sample_rate))
        return cli_usage_error("stream", "--device, --seconds and --sample-rate go with --mic");
    if (o.mic && o.fast) return cli_usage_error("stream", "--fast goes with a FILE");
    if (o.file) {
        FILE *f = fopen(o.file, "rb");
        if (!f) { fprintf(stderr, "aai: cannot read %s\n", o.file); return AAI_EXIT_FILE; }
        fclose(f);
        o.sample_rate = wav_sample_rate(o.file);
    }
    return run_session(&o, globals);
}
