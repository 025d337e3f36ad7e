/* aai speak TEXT -o FILE: Text-to-Speech. The audio is streamed into a temporary file beside
   FILE as the API generates it and moved into place only when it is complete, so a cut
   stream never leaves a short clip under FILE. */
#include "aai.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char cli_speak_help[] =
    "usage: aai speak TEXT -o FILE [OPTIONS]\n"
    "       aai speak - -o FILE      (the text from stdin)\n"
    "\n"
    "Speaks TEXT (1 to 5000 characters) with the Text-to-Speech API and writes the audio to FILE\n"
    "(\"-\": stdout) as it is generated. A FILE ending in .wav gets a WAV file; any other name\n"
    "the raw codec bytes (16-bit PCM by default).\n"
    "\n"
    "  -o, --output FILE     where the audio goes (required)\n"
    "  --voice ID            the voice: aai-jane (default), aai-alba, aai-anna, aai-charles,\n"
    "                        aai-eve, aai-george, aai-jean, aai-mary, aai-michael, aai-paul,\n"
    "                        aai-vera, or a voice's UUID\n"
    "  --language NAME       english, spanish, german, french, italian or portuguese\n"
    "  --sample-rate HZ      8000, 16000, 22050, 24000 (default), 44100 or 48000\n"
    "  --encoding NAME       pcm_s16le (default), pcm_mulaw, pcm_alaw or mp3\n"
    "  --model ID            the model (default assemblyai-tts-1)\n"
    "  --words               print the word timings (\"START END WORD\", ms) on stdout\n"
    "  --tts-url URL         the Text-to-Speech host (default $ASSEMBLYAI_TTS_BASE_URL, else\n"
    "                        https://tts.us.assemblyai.com); --region eu for the EU data zone\n"
    "  --region us|eu        https://tts.us.assemblyai.com or https://tts.eu.assemblyai.com\n"
    "\n"
    "On a terminal, stderr shows how much audio has arrived. Exit status: 0 written, 2 usage,\n"
    "3 auth, 4 network (also a stream cut before the audio was complete: FILE is not written),\n"
    "5 other API error (e.g. an unknown voice: HTTP 422), 6 FILE cannot be written, 130 Ctrl-C.\n";

typedef struct speak_state {
    FILE *out;
    int write_failed;
    uint64_t bytes;          /* written by the worker thread, read by the display */
    int bytes_per_second;
    int sample_rate;         /* as the API reports it */
    char encoding[16];
    int print_words;
} speak_state;

static int on_audio(const aai_tts_info *info, const void *audio, size_t size, void *user) {
    speak_state *s = user;
    if (s->bytes_per_second == 0 && info && info->sample_rate > 0) {
        s->sample_rate = info->sample_rate;
        snprintf(s->encoding, sizeof s->encoding, "%s", info->encoding ? info->encoding : "pcm_s16le");
        s->bytes_per_second = info->sample_rate * (strcmp(s->encoding, "pcm_s16le") ? 1 : 2);
    }
    if (fwrite(audio, 1, size, s->out) != size) { s->write_failed = 1; return 1; }
    __atomic_add_fetch(&s->bytes, (uint64_t)size, __ATOMIC_RELAXED);
    return 0;
}

static int on_words(const aai_tts_word *words, size_t count, void *user) {
    speak_state *s = user;
    if (!s->print_words) return 0;
    for (size_t i = 0; i < count; i++)
        printf("%lld %lld %s\n", (long long)words[i].start_ms, (long long)words[i].end_ms, words[i].word);
    fflush(stdout);
    return 0;
}

/* A WAV header for `data_bytes` of audio (patched in once the size is known). */
static void wav_header(unsigned char h[44], const char *encoding, int rate, uint32_t data_bytes) {
    int format = 1, bits = 16;
    if (encoding && !strcmp(encoding, "pcm_mulaw")) { format = 7; bits = 8; }
    if (encoding && !strcmp(encoding, "pcm_alaw")) { format = 6; bits = 8; }
    uint32_t v[] = {36 + data_bytes, 16, (uint32_t)rate, (uint32_t)(rate * bits / 8), data_bytes};
    memcpy(h, "RIFF", 4);
    for (int i = 0; i < 4; i++) h[4 + i] = (unsigned char)(v[0] >> (8 * i));
    memcpy(h + 8, "WAVEfmt ", 8);
    for (int i = 0; i < 4; i++) h[16 + i] = (unsigned char)(v[1] >> (8 * i));
    h[20] = (unsigned char)format; h[21] = 0;
    h[22] = 1; h[23] = 0;
    for (int i = 0; i < 4; i++) h[24 + i] = (unsigned char)(v[2] >> (8 * i));
    for (int i = 0; i < 4; i++) h[28 + i] = (unsigned char)(v[3] >> (8 * i));
    h[32] = (unsigned char)(bits / 8); h[33] = 0;
    h[34] = (unsigned char)bits; h[35] = 0;
    memcpy(h + 36, "data", 4);
    for (int i = 0; i < 4; i++) h[40 + i] = (unsigned char)(v[4] >> (8 * i));
}

static char *read_stdin(void) {
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, stdin);
        n += got;
        if (got == 0) break;
        if (n + 1 == cap) { char *more = realloc(buf, cap *= 2); if (!more) { free(buf); return NULL; } buf = more; }
    }
    if (buf) {
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
        buf[n] = '\0';
    }
    return buf;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

int cmd_speak(int argc, char **argv, const cli_globals *globals) {
    const char *text = NULL, *output = NULL, *voice = NULL, *language = NULL, *encoding = NULL, *model = NULL;
    const char *tts_url = NULL, *region = NULL, *rate_text = NULL;
    int words = 0, rc = AAI_EXIT_OK, r;
    long rate = 0;
    char *owned_text = NULL, *temp = NULL;
    aai_client *client = NULL;
    aai_tts_config *config = NULL;
    aai_future *future = NULL;
    speak_state state = {0};

    for (int i = 0; i < argc; i++) {
        if ((r = cli_option(argc, argv, &i, "-o", &output)) || (r = cli_option(argc, argv, &i, "--output", &output)) ||
            (r = cli_option(argc, argv, &i, "--voice", &voice)) || (r = cli_option(argc, argv, &i, "--language", &language)) ||
            (r = cli_option(argc, argv, &i, "--sample-rate", &rate_text)) ||
            (r = cli_option(argc, argv, &i, "--encoding", &encoding)) || (r = cli_option(argc, argv, &i, "--model", &model)) ||
            (r = cli_option(argc, argv, &i, "--tts-url", &tts_url)) || (r = cli_option(argc, argv, &i, "--region", &region))) {
            if (r < 0) return AAI_EXIT_USAGE;
        } else if (cli_is(argv[i], "--words")) {
            words = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("speak", "unknown option '%s'", argv[i]);
        } else if (text) {
            return cli_usage_error("speak", "one TEXT at a time (quote it)");
        } else {
            text = argv[i];
        }
    }
    if (!text) return cli_usage_error("speak", "missing TEXT");
    if (!output) return cli_usage_error("speak", "missing -o FILE (\"-\" for stdout)");
    if (rate_text && !cli_parse_long("speak", "--sample-rate", rate_text, 1, 1000000, &rate)) return AAI_EXIT_USAGE;
    if (region && strcmp(region, "us") && strcmp(region, "eu")) return cli_usage_error("speak", "--region must be us or eu");
    if (region && tts_url) return cli_usage_error("speak", "give --region or --tts-url, not both");
    if (!strcmp(text, "-")) {
        if (!(owned_text = read_stdin())) { fputs("aai speak: cannot read the text from stdin\n", stderr); return AAI_EXIT_FILE; }
        text = owned_text;
    }
    int to_stdout = !strcmp(output, "-");
    int wav = !to_stdout && ends_with(output, ".wav");
    if (wav && encoding && !strcmp(encoding, "mp3")) { rc = cli_usage_error("speak", "mp3 cannot go in a .wav file"); goto done; }
    state.print_words = words;

    if ((rc = cli_open(globals, NULL, &client, NULL)) != AAI_EXIT_OK) goto done;
    if (region) tts_url = !strcmp(region, "eu") ? "https://tts.eu.assemblyai.com" : "https://tts.us.assemblyai.com";
    aai_status s;
    if (tts_url && (s = aai_client_set_tts_base_url(client, tts_url)) != AAI_OK) { rc = cli_fail("--tts-url", s); goto done; }
    if ((s = aai_tts_config_new(&config)) != AAI_OK) { rc = cli_fail("config", s); goto done; }
    if ((voice && (s = aai_tts_config_set_voice_id(config, voice)) != AAI_OK) ||
        (language && (s = aai_tts_config_set_language(config, language)) != AAI_OK) ||
        (encoding && (s = aai_tts_config_set_encoding(config, encoding)) != AAI_OK) ||
        (model && (s = aai_tts_config_set_model_id(config, model)) != AAI_OK) ||
        (rate && (s = aai_tts_config_set_sample_rate(config, (int)rate)) != AAI_OK)) {
        rc = cli_fail("option", s);
        goto done;
    }

    /* Into a temporary file beside the output, renamed when complete. */
    if (to_stdout) {
        state.out = stdout;
    } else {
        size_t n = strlen(output) + 16;
        temp = malloc(n);
        snprintf(temp, n, "%s.partXXXXXX", output);
        int fd = mkstemp(temp);
        if (fd < 0 || !(state.out = fdopen(fd, "wb"))) {
            fprintf(stderr, "aai speak: cannot write beside '%s': %s\n", output, strerror(errno));
            if (fd >= 0) close(fd);
            free(temp);
            temp = NULL;
            rc = AAI_EXIT_FILE;
            goto done;
        }
    }
    unsigned char header[44];
    if (wav) {  /* the real sizes are written once the audio is complete */
        wav_header(header, encoding, rate ? (int)rate : 24000, 0);
        fwrite(header, 1, sizeof header, state.out);
    }

    cli_display display;
    cli_display_init(&display, globals);
    cli_catch_interrupt();
    /* The events route when word timings are wanted; audio goes to the file either way. */
    s = aai_tts_start_async(client, words ? AAI_TTS_EVENTS : AAI_TTS_STREAM, text, config, on_audio, on_words, &state,
                            NULL, NULL, &future);
    if (s != AAI_OK) { rc = cli_fail("speak", s); goto done; }
    aai_status result = AAI_OK;
    while (aai_future_wait(future, 100, &result) == AAI_ERR_TIMEOUT) {
        if (cli_interrupted()) {
            aai_future_cancel(future);
            aai_future_wait(future, -1, &result);
            break;
        }
        uint64_t got = __atomic_load_n(&state.bytes, __ATOMIC_RELAXED);
        char line[128];
        if (state.bytes_per_second > 0)
            snprintf(line, sizeof line, "Speaking: %.1f s of audio received", (double)got / state.bytes_per_second);
        else
            snprintf(line, sizeof line, "Speaking: waiting for the first audio");
        cli_display_text(&display, line);
    }
    cli_display_clear(&display);
    if (cli_interrupted()) {
        fputs("aai speak: interrupted; nothing written\n", stderr);
        rc = AAI_EXIT_INTERRUPTED;
        goto done;
    }
    if (state.write_failed) {
        fprintf(stderr, "aai speak: writing '%s' failed: %s\n", output, strerror(errno));
        rc = AAI_EXIT_FILE;
        goto done;
    }
    if (result != AAI_OK) {
        aai_tts_result *res = NULL;
        aai_future_tts_result(future, &res);   /* sets this thread's last error */
        rc = cli_fail("speak", result);
        aai_tts_result_free(res);
        goto done;
    }
    if (wav) {
        wav_header(header, state.encoding[0] ? state.encoding : encoding,
                   state.sample_rate ? state.sample_rate : (rate ? (int)rate : 24000), (uint32_t)state.bytes);
        if (fseek(state.out, 0, SEEK_SET) != 0 || fwrite(header, 1, sizeof header, state.out) != sizeof header) {
            fprintf(stderr, "aai speak: writing '%s' failed: %s\n", output, strerror(errno));
            rc = AAI_EXIT_FILE;
            goto done;
        }
    }
    if (!to_stdout) {
        int closed = fclose(state.out);
        state.out = NULL;
        if (closed != 0 || rename(temp, output) != 0) {
            fprintf(stderr, "aai speak: cannot write '%s': %s\n", output, strerror(errno));
            rc = AAI_EXIT_FILE;
            goto done;
        }
        free(temp);
        temp = NULL;
    } else {
        fflush(stdout);
    }
    if (display.enabled) {
        double seconds = state.bytes_per_second ? (double)state.bytes / state.bytes_per_second : 0;
        cli_display_note(&display, "Wrote %.1f s of audio to %s", seconds, to_stdout ? "stdout" : output);
    }

done:
    if (state.out && state.out != stdout) fclose(state.out);
    if (temp) { unlink(temp); free(temp); }
    aai_future_free(future);
    aai_tts_config_free(config);
    aai_client_free(client);
    free(owned_text);
    return rc;
}
