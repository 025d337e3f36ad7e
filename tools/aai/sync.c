/* aai sync FILE / aai dictate FILE|-|--mic: one request to the Sync or Dictation API, the
   transcript on stdout. The audio goes through a live session (aai_sync_live_*), the request the
   official SDK sends, so a file, standard input and the microphone travel the same way; a
   spinner shows on a terminal while the answer is on its way. */
#include "aai.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cli_sync_help[] =
    "usage: aai sync FILE [options]\n"
    "\n"
    "Transcribes a clip of up to 120 s with the Sync API in one request and prints the text.\n"
    "FILE is a WAV file, raw 16-bit PCM (.pcm/.raw, or with --sample-rate and --channels), or -\n"
    "for standard input.\n"
    "\n"
    "options:\n"
    "  --json                print the whole answer as JSON\n"
    "  --timestamps          ask for word timings (shown with --words)\n"
    "  --words               print one word per line: start end confidence text\n"
    "  --prompt TEXT         transcription instruction (at most 6000 characters)\n"
    "  --keyterm TERM        bias the decoder towards TERM (repeatable)\n"
    "  --language CODE       language of the audio, ISO 639-1 (repeatable)\n"
    "  --sample-rate HZ      raw PCM's sample rate (with --channels)\n"
    "  --channels N          raw PCM's channel count (with --sample-rate)\n"
    "  --config-json JSON    merge JSON into the config part\n"
    "  --sync-url URL        the Sync API's base URL (default $ASSEMBLYAI_SYNC_BASE_URL,\n"
    "                        else https://sync.assemblyai.com)\n"
    "\n"
    "Exit status: 0 done, 2 usage or audio refused before sending (format, over 120 s),\n"
    "3 auth, 4 network or timeout, 5 refused by the API, 6 FILE unreadable, 130 interrupted.\n";

const char cli_dictate_help[] =
    "usage: aai dictate FILE|-|--mic [options]\n"
    "\n"
    "Transcribes a spoken note with the Dictation API and prints it: the LLM rewrite when\n"
    "--instruction asked for one, the transcript otherwise. FILE is a WAV file or raw PCM as for\n"
    "`aai sync`, - reads standard input, --mic records 16 kHz mono from the default ALSA device\n"
    "(through arecord) until Enter, Ctrl-D or --seconds.\n"
    "\n"
    "options:\n"
    "  --instruction TEXT    LLM pass over the transcript (at most 2048 characters)\n"
    "  --rewrite-mode MODE   fast (default) or smart\n"
    "  --prompt TEXT         what the audio is about (stt_prompt, at most 6000 characters)\n"
    "  --keyterm TERM        bias the decoder towards TERM (repeatable)\n"
    "  --language CODE       language of the audio (repeatable)\n"
    "  --sample-rate HZ, --channels N   raw PCM's format\n"
    "  --seconds N           --mic: stop after N seconds (at most 120)\n"
    "  --json                print the whole answer as JSON\n"
    "  --dictation-url URL   the Dictation API's base URL (default $ASSEMBLYAI_DICTATION_BASE_URL,\n"
    "                        else https://dictation.assemblyai.com)\n"
    "\n"
    "Exit status: 0 done, 2 usage or audio refused before sending, 3 auth, 4 network or\n"
    "timeout, 5 refused by the API, 6 FILE unreadable or arecord missing, 130 interrupted (FILE:\n"
    "with --mic, Ctrl-C ends the recording and the note is transcribed).\n";

static atomic_int done_flag;

static void on_done(aai_sync_live *session, aai_status status, void *user_data) {
    (void)session;
    (void)status;
    (void)user_data;
    atomic_store(&done_flag, 1);
}

static int run(int argc, char **argv, const cli_globals *globals, int dictation) {
    const char *cmd = dictation ? "dictate" : "sync";
    const char *file = NULL, *url = NULL, *value = NULL;
    int json = 0, words = 0, mic = 0;
    long rate = 0, channels = 0, seconds = 120;
    const char *keyterms[100], *languages[20];
    size_t nkeyterms = 0, nlanguages = 0;
    aai_sync_config *config = NULL;
    if (aai_sync_config_new(&config) != AAI_OK) return cli_fail("cannot create a config", aai_last_error_status());
    int rc = AAI_EXIT_OK;
    for (int i = 0; i < argc; i++) {
        int r;
        if (cli_is(argv[i], "--json")) json = 1;
        else if (!dictation && cli_is(argv[i], "--words")) words = 1;
        else if (!dictation && cli_is(argv[i], "--timestamps")) aai_sync_config_set_bool(config, "timestamps", 1);
        else if (dictation && cli_is(argv[i], "--mic")) mic = 1;
        else if ((r = cli_option(argc, argv, &i, "--prompt", &value)) != 0) {
            if (r < 0) { rc = AAI_EXIT_USAGE; goto out; }
            aai_sync_config_set_string(config, dictation ? "stt_prompt" : "prompt", value);
        } else if (dictation && (r = cli_option(argc, argv, &i, "--instruction", &value)) != 0) {
            if (r < 0) { rc = AAI_EXIT_USAGE; goto out; }
            aai_sync_config_set_string(config, "llm_instruction", value);
        } else if (dictation && (r = cli_option(argc, argv, &i, "--rewrite-mode", &value)) != 0) {
            if (r < 0) { rc = AAI_EXIT_USAGE; goto out; }
            aai_sync_config_set_string(config, "rewrite_mode", value);
        } else if ((r = cli_option(argc, argv, &i, "--keyterm", &value)) != 0) {
            if (r < 0 || nkeyterms == 100) { rc = r < 0 ? AAI_EXIT_USAGE : cli_usage_error(cmd, "at most 100 --keyterm"); goto out; }
            keyterms[nkeyterms++] = value;
        } else if ((r = cli_option(argc, argv, &i, "--language", &value)) != 0) {
            if (r < 0 || nlanguages == 20) { rc = r < 0 ? AAI_EXIT_USAGE : cli_usage_error(cmd, "at most 20 --language"); goto out; }
            languages[nlanguages++] = value;
        } else if ((r = cli_option(argc, argv, &i, "--sample-rate", &value)) != 0) {
            if (r < 0 || !cli_parse_long(cmd, "--sample-rate", value, 1, 1000000, &rate)) { rc = AAI_EXIT_USAGE; goto out; }
        } else if ((r = cli_option(argc, argv, &i, "--channels", &value)) != 0) {
            if (r < 0 || !cli_parse_long(cmd, "--channels", value, 1, 32, &channels)) { rc = AAI_EXIT_USAGE; goto out; }
        } else if (dictation && (r = cli_option(argc, argv, &i, "--seconds", &value)) != 0) {
            if (r < 0 || !cli_parse_long(cmd, "--seconds", value, 1, 120, &seconds)) { rc = AAI_EXIT_USAGE; goto out; }
        } else if ((r = cli_option(argc, argv, &i, "--config-json", &value)) != 0) {
            if (r < 0) { rc = AAI_EXIT_USAGE; goto out; }
            aai_status s = aai_sync_config_set_json(config, value);
            if (s != AAI_OK) { rc = cli_fail("--config-json", s); goto out; }
        } else if ((r = cli_option(argc, argv, &i, dictation ? "--dictation-url" : "--sync-url", &url)) != 0) {
            if (r < 0) { rc = AAI_EXIT_USAGE; goto out; }
        } else if (argv[i][0] == '-' && argv[i][1] != 0) {
            rc = cli_usage_error(cmd, "unknown option %s", argv[i]);
            goto out;
        } else if (file) {
            rc = cli_usage_error(cmd, "one FILE only");
            goto out;
        } else {
            file = argv[i];
        }
    }
    if (!file && !mic) { rc = cli_usage_error(cmd, "give a FILE%s", dictation ? ", - or --mic" : " or -"); goto out; }
    if (file && mic) { rc = cli_usage_error(cmd, "give a FILE or --mic, not both"); goto out; }
    if (mic) { rate = 16000; channels = 1; }
    if (rate) aai_sync_config_set_int(config, "sample_rate", rate);
    if (channels) aai_sync_config_set_int(config, "channels", channels);
    if (nkeyterms) aai_sync_config_set_strings(config, "keyterms_prompt", keyterms, nkeyterms);
    if (nlanguages) aai_sync_config_set_strings(config, "language_codes", languages, nlanguages);

    aai_client *client = NULL;
    aai_sync_transcriber *t = NULL;
    aai_sync_live *live = NULL;
    aai_sync_result *result = NULL;
    FILE *in = NULL;
    int is_pipe = 0;
    if ((rc = cli_open(globals, NULL, &client, NULL)) != AAI_EXIT_OK) goto done;
    if (url) {
        aai_status s = dictation ? aai_client_set_dictation_base_url(client, url) : aai_client_set_sync_base_url(client, url);
        if (s != AAI_OK) { rc = cli_fail(dictation ? "--dictation-url" : "--sync-url", s); goto done; }
    }
    aai_status s = dictation ? aai_dictation_transcriber_new(client, &t) : aai_sync_transcriber_new(client, &t);
    if (s != AAI_OK) { rc = cli_fail("cannot create a transcriber", s); goto done; }

    if (mic) {
        char command[128];
        snprintf(command, sizeof command, "arecord -q -t raw -f S16_LE -r 16000 -c 1 -d %ld", seconds);
        in = popen(command, "r");
        is_pipe = 1;
        if (!in) { fprintf(stderr, "aai %s: cannot run arecord: %s\n", cmd, strerror(errno)); rc = AAI_EXIT_FILE; goto done; }
    } else if (strcmp(file, "-") == 0) {
        in = stdin;
    } else if (!(in = fopen(file, "rb"))) {
        fprintf(stderr, "aai %s: cannot read '%s': %s\n", cmd, file, strerror(errno));
        rc = AAI_EXIT_FILE;
        goto done;
    }
    const char *slash = file ? strrchr(file, '/') : NULL;
    const char *name = mic || (file && strcmp(file, "-") == 0) ? NULL : (slash ? slash + 1 : file);
    atomic_store(&done_flag, 0);
    if ((s = aai_sync_live_open(t, name, config, on_done, NULL, &live)) != AAI_OK) { rc = cli_fail(cmd, s); goto done; }
    cli_catch_interrupt();
    cli_display display;
    cli_display_init(&display, globals);
    if (mic) cli_display_note(&display, "Recording (16 kHz mono, at most %ld s): press Ctrl-C to stop", seconds);
    unsigned char buffer[16384];
    size_t n;
    while (!cli_interrupted() && !atomic_load(&done_flag) && (n = fread(buffer, 1, sizeof buffer, in)) > 0) {
        if ((s = aai_sync_live_write(live, buffer, n)) != AAI_OK) break;
        if (mic) cli_display_spinner(&display, "Recording", NULL);
    }
    if (cli_interrupted() && !mic) {
        aai_sync_live_cancel(live);
        cli_display_clear(&display);
        fprintf(stderr, "aai %s: interrupted; nothing was transcribed\n", cmd);
        rc = AAI_EXIT_INTERRUPTED;
        goto done;
    }
    aai_sync_live_close(live);
    while (!atomic_load(&done_flag)) {
        cli_display_spinner(&display, "Transcribing", NULL);
        if (cli_sleep_ms(50) && !mic) {
            aai_sync_live_cancel(live);
            cli_display_clear(&display);
            fprintf(stderr, "aai %s: interrupted; nothing was transcribed\n", cmd);
            rc = AAI_EXIT_INTERRUPTED;
            goto done;
        }
    }
    cli_display_clear(&display);
    if ((s = aai_sync_live_result(live, &result)) != AAI_OK) {
        rc = cli_fail(dictation ? "dictation failed" : "sync transcription failed", s);
        /* The message names the API's error_code already; Retry-After is said here. */
        if (aai_last_error_retry_after() >= 0) fprintf(stderr, "aai %s: retry after %ld s\n", cmd, aai_last_error_retry_after());
        goto done;
    }
    if (json) {
        puts(aai_sync_result_json(result));
    } else if (words) {
        size_t count = aai_sync_result_word_count(result);
        for (size_t i = 0; i < count; i++) {
            aai_sync_word w;
            if (aai_sync_result_word(result, i, &w) != AAI_OK) break;
            printf("%lld\t%lld\t%.2f\t%s\n", (long long)w.start_ms, (long long)w.end_ms, w.confidence, w.text);
        }
    } else {
        puts(dictation ? aai_dictation_result_final_text(result) : aai_sync_result_text(result));
    }
done:
    if (in && in != stdin) { if (is_pipe) pclose(in); else fclose(in); }
    aai_sync_result_free(result);
    aai_sync_live_free(live);
    aai_sync_transcriber_free(t);
    aai_client_free(client);
out:
    aai_sync_config_free(config);
    return rc;
}

int cmd_sync(int argc, char **argv, const cli_globals *globals) { return run(argc, argv, globals, 0); }
int cmd_dictate(int argc, char **argv, const cli_globals *globals) { return run(argc, argv, globals, 1); }
