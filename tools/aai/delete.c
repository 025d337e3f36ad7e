/* aai delete ID: deletes a transcript's content on the server. */
#include "aai.h"

const char cli_delete_help[] =
    "usage: aai delete ID [--json]\n"
    "\n"
    "Deletes the transcript's content on the server (the API keeps the id, with its text and\n"
    "audio URL redacted) and prints \"deleted ID\".\n"
    "\n"
    "  --json   print the transcript as the API returns it after the deletion instead\n"
    "\n"
    "Exit status: 0 deleted, 2 usage, 3 auth, 4 network, 5 other API error (e.g. no such\n"
    "transcript: HTTP 404).\n";

int cmd_delete(int argc, char **argv, const cli_globals *globals) {
    const char *id = NULL;
    int json = 0, rc;
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *t = NULL;

    for (int i = 0; i < argc; i++) {
        if (cli_is(argv[i], "--json")) json = 1;
        else if (argv[i][0] == '-') return cli_usage_error("delete", "unknown option '%s'", argv[i]);
        else if (id) return cli_usage_error("delete", "one ID at a time");
        else id = argv[i];
    }
    if (!id) return cli_usage_error("delete", "missing transcript ID");
    if ((rc = cli_open(globals, NULL, &client, &transcriber)) != AAI_EXIT_OK) goto done;

    aai_status s = aai_transcriber_delete(transcriber, id, json ? &t : NULL);
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
    } else {
        printf("deleted %s\n", id);
    }

done:
    aai_transcript_free(t);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return rc;
}
