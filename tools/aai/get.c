/* aai get ID: one transcript, as a short summary, its text, or the API's JSON. */
#include "aai.h"

const char cli_get_help[] =
    "usage: aai get ID [--json | --text]\n"
    "\n"
    "Shows the transcript with this id, whatever its status. By default one \"field: value\"\n"
    "line each for id, status, audio_url, audio_duration (seconds), confidence, error and\n"
    "text (those the transcript has).\n"
    "\n"
    "  --json   the whole transcript as the API returns it\n"
    "  --text   only the text (an empty line while the transcript is not completed)\n"
    "\n"
    "Exit status: 0 found, 1 found but its status is \"error\", 2 usage, 3 auth, 4 network,\n"
    "5 other API error (e.g. no such transcript: HTTP 404).\n";

int cmd_get(int argc, char **argv, const cli_globals *globals) {
    const char *id = NULL;
    int json = 0, text_only = 0, rc;
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *t = NULL;

    for (int i = 0; i < argc; i++) {
        if (cli_is(argv[i], "--json")) json = 1;
        else if (cli_is(argv[i], "--text")) text_only = 1;
        else if (argv[i][0] == '-') return cli_usage_error("get", "unknown option '%s'", argv[i]);
        else if (id) return cli_usage_error("get", "one ID at a time");
        else id = argv[i];
    }
    if (!id) return cli_usage_error("get", "missing transcript ID");
    if ((rc = cli_open(globals, NULL, &client, &transcriber)) != AAI_EXIT_OK) goto done;

    aai_status s = aai_transcriber_get(transcriber, id, &t);
    if (s != AAI_OK) {
        rc = cli_fail(id, s);
        goto done;
    }
    if (json) {
        const char *body;
        size_t length;
        if ((s = aai_transcript_json(t, &body, &length)) != AAI_OK) { rc = cli_fail("transcript JSON", s); goto done; }
        fwrite(body, 1, length, stdout);
        fputc('\n', stdout);
    } else if (text_only) {
        const char *text = aai_transcript_text(t);
        printf("%s\n", text ? text : "");
    } else {
        const char *v;
        printf("id: %s\n", aai_transcript_id(t));
        printf("status: %s\n", aai_transcript_status_text(t));
        if ((v = aai_transcript_audio_url(t))) printf("audio_url: %s\n", v);
        if (aai_transcript_audio_duration(t) >= 0) printf("audio_duration: %g\n", aai_transcript_audio_duration(t));
        if (aai_transcript_confidence(t) >= 0) printf("confidence: %.4f\n", aai_transcript_confidence(t));
        if ((v = aai_transcript_error(t))) printf("error: %s\n", v);
        if ((v = aai_transcript_text(t))) printf("text: %s\n", v);
    }
    rc = aai_transcript_get_status(t) == AAI_TRANSCRIPT_ERROR ? AAI_EXIT_TRANSCRIPT_FAILED : AAI_EXIT_OK;

done:
    aai_transcript_free(t);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return rc;
}
