/* aai transcribe FILE|URL: upload (a file), submit, poll until done, print the result. */
#include "aai.h"

#include <stdlib.h>
#include <string.h>

const char cli_transcribe_help[] =
    "usage: aai transcribe FILE|URL [OPTIONS]\n"
    "\n"
    "Transcribes a local audio file (uploaded first) or audio at a URL, waits until the\n"
    "transcript is done, and prints it on stdout.\n"
    "\n"
    "Output (one of):\n"
    "  --text                the transcript's text (default); with --speaker-labels one\n"
    "                        line per utterance: \"Speaker A: ...\"\n"
    "  --srt, --vtt          subtitles\n"
    "  --json                the whole transcript as the API returns it\n"
    "  --chars-per-caption N maximum characters per subtitle caption\n"
    "\n"
    "Transcription config:\n"
    "  --speaker-labels      label speakers (speaker_labels)\n"
    "  --language CODE       language_code, e.g. en_us, de, fr\n"
    "  --config-json JSON    merge a JSON object of request fields, e.g.\n"
    "                        '{\"punctuate\": false, \"keyterms_prompt\": [\"aai\"]}'\n"
    "  --set FIELD=VALUE     set one request field; VALUE is read as JSON when it is a\n"
    "                        JSON literal (true, 2, [\"a\"], ...), else as a string.\n"
    "                        Repeatable; applied in order with the options above.\n"
    "\n"
    "Waiting:\n"
    "  --poll-interval MS    how often to ask for the transcript's status (default\n"
    "                        $ASSEMBLYAI_POLLING_INTERVAL seconds, else 3000 ms)\n"
    "  --timeout SECONDS     stop waiting after this long (exit 4; the transcript goes on)\n"
    "\n"
    "On a terminal, stderr shows the upload's progress (bytes, rate, ETA) and a spinner with\n"
    "the transcript's status; not when stderr is a pipe or a file, nor with --no-progress.\n"
    "Ctrl-C stops waiting (exit 130) and prints the transcript's id.\n"
    "\n"
    "Exit status: 0 done, 1 the transcript failed, 2 usage, 3 auth, 4 network or timeout,\n"
    "5 other API error, 6 the file cannot be read, 130 interrupted (see aai --help).\n"
    "\n"
    "Examples:\n"
    "  aai transcribe meeting.wav --speaker-labels\n"
    "  aai transcribe https://example.com/talk.mp3 --srt > talk.srt\n"
    "  aai transcribe call.wav --set redact_pii=true --set 'redact_pii_policies=[\"person_name\"]'\n";

enum output { OUT_TEXT, OUT_SRT, OUT_VTT, OUT_JSON };

static int is_url(const char *s) { return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0; }

static int print_result(aai_transcriber *transcriber, const aai_transcript *transcript, enum output output,
                        int speaker_labels, long chars_per_caption) {
    aai_status s;
    if (output == OUT_JSON) {
        const char *json;
        size_t length;
        if ((s = aai_transcript_json(transcript, &json, &length)) != AAI_OK) return cli_fail("transcript JSON", s);
        fwrite(json, 1, length, stdout);
        fputc('\n', stdout);
        return AAI_EXIT_OK;
    }
    if (output == OUT_SRT || output == OUT_VTT) {
        char *subtitles = NULL;
        s = aai_transcriber_export_subtitles(transcriber, aai_transcript_id(transcript),
                                             output == OUT_SRT ? AAI_SUBTITLES_SRT : AAI_SUBTITLES_VTT,
                                             (int)chars_per_caption, &subtitles);
        if (s != AAI_OK) return cli_fail("subtitles", s);
        fputs(subtitles, stdout);
        if (*subtitles && subtitles[strlen(subtitles) - 1] != '\n') fputc('\n', stdout);
        aai_string_free(subtitles);
        return AAI_EXIT_OK;
    }
    const aai_utterance *utterances = NULL;
    size_t count = 0;
    if (speaker_labels && aai_transcript_utterances(transcript, &utterances, &count) == AAI_OK && count > 0) {
        for (size_t i = 0; i < count; i++)
            printf("Speaker %s: %s\n", utterances[i].speaker ? utterances[i].speaker : "?", utterances[i].text);
        return AAI_EXIT_OK;
    }
    const aai_word *words = NULL;
    if (speaker_labels && aai_transcript_words(transcript, &words, &count) == AAI_OK && count > 0 && words[0].speaker) {
        /* No utterances in the answer: group the words by speaker. */
        const char *speaker = NULL;
        for (size_t i = 0; i < count; i++) {
            const char *s = words[i].speaker ? words[i].speaker : "?";
            if (!speaker || strcmp(speaker, s) != 0) printf("%sSpeaker %s:", speaker ? "\n" : "", s);
            printf(" %s", words[i].text);
            speaker = s;
        }
        printf("\n");
        return AAI_EXIT_OK;
    }
    const char *text = aai_transcript_text(transcript);
    printf("%s\n", text ? text : "");
    return AAI_EXIT_OK;
}

/* Polls until completed or error, drawing the spinner; *transcript is replaced by each new
   answer. Returns AAI_EXIT_OK when the transcript finished (either way), else an exit code. */
static int wait_for(aai_transcriber *transcriber, aai_transcript **transcript, const char *id, long interval_ms,
                    long timeout_s, cli_display *display) {
    double start = cli_now();
    for (;;) {
        aai_transcript_status st = aai_transcript_get_status(*transcript);
        if (st == AAI_TRANSCRIPT_COMPLETED || st == AAI_TRANSCRIPT_ERROR) return AAI_EXIT_OK;
        const char *status = aai_transcript_status_text(*transcript);
        double next = cli_now() + (double)interval_ms / 1000.0;
        while (cli_now() < next) {
            cli_display_spinner(display, status, id);
            if (cli_sleep_ms(next - cli_now() > 0.1 ? 100 : (long)((next - cli_now()) * 1000) + 1)) {
                cli_display_clear(display);
                fprintf(stderr, "aai: interrupted; transcript %s goes on on the server: aai get %s\n", id, id);
                return AAI_EXIT_INTERRUPTED;
            }
        }
        if (timeout_s > 0 && cli_now() - start >= (double)timeout_s) {
            cli_display_clear(display);
            fprintf(stderr, "aai: gave up waiting after %ld s; transcript %s is %s: aai get %s\n", timeout_s, id,
                    status ? status : "not done", id);
            return AAI_EXIT_NETWORK;
        }
        aai_transcript *next_answer = NULL;
        aai_status s = aai_transcriber_get(transcriber, id, &next_answer);
        if (s != AAI_OK) {
            cli_display_clear(display);
            fprintf(stderr, "aai: transcript %s: ", id);
            return cli_fail("polling", s);
        }
        aai_transcript_free(*transcript);
        *transcript = next_answer;
    }
}

int cmd_transcribe(int argc, char **argv, const cli_globals *globals) {
    const char *source = NULL, *value = NULL;
    enum output output = OUT_TEXT;
    int speaker_labels = 0, rc = AAI_EXIT_OK, r;
    long interval_ms = -1, timeout_s = 0, chars_per_caption = 0;
    aai_config *config = NULL;
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    char *id = NULL;
    cli_display display;

    if (aai_config_new(&config) != AAI_OK) return cli_fail("config", aai_last_error_status());
    for (int i = 0; i < argc && rc == AAI_EXIT_OK; i++) {
        if (cli_is(argv[i], "--text")) output = OUT_TEXT;
        else if (cli_is(argv[i], "--srt")) output = OUT_SRT;
        else if (cli_is(argv[i], "--vtt")) output = OUT_VTT;
        else if (cli_is(argv[i], "--json")) output = OUT_JSON;
        else if ((r = cli_config_option("transcribe", argc, argv, &i, config)) != 0) {
            if (r < 0) rc = -r;
            else if (cli_is(argv[i], "--speaker-labels")) speaker_labels = 1;
        } else if ((r = cli_option(argc, argv, &i, "--poll-interval", &value)) != 0) {
            if (r < 0 || !cli_parse_long("transcribe", "--poll-interval", value, 1, 3600000, &interval_ms))
                rc = AAI_EXIT_USAGE;
        } else if ((r = cli_option(argc, argv, &i, "--timeout", &value)) != 0) {
            if (r < 0 || !cli_parse_long("transcribe", "--timeout", value, 0, 86400 * 7, &timeout_s)) rc = AAI_EXIT_USAGE;
        } else if ((r = cli_option(argc, argv, &i, "--chars-per-caption", &value)) != 0) {
            if (r < 0 || !cli_parse_long("transcribe", "--chars-per-caption", value, 1, 100000, &chars_per_caption))
                rc = AAI_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0' && !cli_is(argv[i], "--")) {
            rc = cli_usage_error("transcribe", "unknown option '%s'", argv[i]);
        } else if (cli_is(argv[i], "--")) {
            continue;
        } else if (source) {
            rc = cli_usage_error("transcribe", "one FILE or URL at a time ('%s' and '%s')", source, argv[i]);
        } else {
            source = argv[i];
        }
    }
    if (rc == AAI_EXIT_OK && !source) rc = cli_usage_error("transcribe", "missing FILE or URL");
    if (rc == AAI_EXIT_OK) {
        aai_status s = aai_config_validate(config);
        if (s != AAI_OK) rc = cli_fail("config", s);
    }
    if (rc == AAI_EXIT_OK) rc = cli_open(globals, config, &client, &transcriber);
    if (rc != AAI_EXIT_OK) goto done;
    /* Without --poll-interval: $ASSEMBLYAI_POLLING_INTERVAL (seconds; aai_client_new in
       cli_open has already refused a bad value), else 3 s. */
    if (interval_ms < 0) interval_ms = cli_env_seconds_ms("ASSEMBLYAI_POLLING_INTERVAL", 3000);

    cli_display_init(&display, globals);
    cli_catch_interrupt();
    /* Always set: besides drawing, the callback cancels the upload on Ctrl-C. */
    aai_transcriber_set_progress_callback(transcriber, cli_upload_progress, &display);
    aai_status s = is_url(source) ? aai_transcriber_submit_url(transcriber, source, NULL, &transcript)
                                  : aai_transcriber_submit_file(transcriber, source, NULL, &transcript);
    if (s != AAI_OK) {
        cli_display_clear(&display);
        if (s == AAI_ERR_CANCELLED) {
            fputs("aai: interrupted during the upload; nothing was submitted\n", stderr);
            rc = AAI_EXIT_INTERRUPTED;
        } else {
            rc = cli_fail(is_url(source) ? "submitting the URL" : source, s);
        }
        goto done;
    }
    cli_display_keep(&display);
    id = strdup(aai_transcript_id(transcript) ? aai_transcript_id(transcript) : "?");
    if (!id) { rc = AAI_EXIT_API; goto done; }

    rc = wait_for(transcriber, &transcript, id, interval_ms, timeout_s, &display);
    if (rc != AAI_EXIT_OK) goto done;
    cli_display_clear(&display);
    if (aai_transcript_get_status(transcript) == AAI_TRANSCRIPT_ERROR) {
        const char *error = aai_transcript_error(transcript);
        fprintf(stderr, "aai: transcript %s failed: %s\n", id, error ? error : "(no error text)");
        if (output == OUT_JSON) print_result(transcriber, transcript, output, speaker_labels, chars_per_caption);
        rc = AAI_EXIT_TRANSCRIPT_FAILED;
        goto done;
    }
    cli_display_note(&display, "Transcript %s completed.", id);
    rc = print_result(transcriber, transcript, output, speaker_labels, chars_per_caption);

done:
    free(id);
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    aai_config_free(config);
    if (fflush(stdout) != 0 && rc == AAI_EXIT_OK) rc = AAI_EXIT_FILE;
    return rc;
}
