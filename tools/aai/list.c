/* aai list: transcripts, newest first, one line each (or the API's JSON pages). */
#include "aai.h"

const char cli_list_help[] =
    "usage: aai list [--limit N] [--status S] [--all] [--json]\n"
    "\n"
    "Lists your transcripts, newest first, one per line, tab-separated:\n"
    "  ID  STATUS  CREATED  AUDIO_URL\n"
    "\n"
    "  --limit N    how many (1 to 200; default: the API's, 10); with --all, the page size\n"
    "  --status S   only those with this status: queued, processing, completed or error\n"
    "  --all        every transcript, page after page\n"
    "  --json       the API's answer instead: one JSON page per line\n"
    "\n"
    "Exit status: 0, 2 usage, 3 auth, 4 network, 5 other API error.\n";

int cmd_list(int argc, char **argv, const cli_globals *globals) {
    const char *status = NULL, *value = NULL;
    long limit = 0;
    int all = 0, json = 0, rc = AAI_EXIT_OK, r;
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript_list *page = NULL;

    for (int i = 0; i < argc; i++) {
        if (cli_is(argv[i], "--all")) all = 1;
        else if (cli_is(argv[i], "--json")) json = 1;
        else if ((r = cli_option(argc, argv, &i, "--limit", &value)) != 0) {
            if (r < 0 || !cli_parse_long("list", "--limit", value, 1, 200, &limit)) return AAI_EXIT_USAGE;
        } else if ((r = cli_option(argc, argv, &i, "--status", &value)) != 0) {
            if (r < 0) return AAI_EXIT_USAGE;
            status = value;
        } else if (argv[i][0] == '-') return cli_usage_error("list", "unknown option '%s'", argv[i]);
        else return cli_usage_error("list", "unexpected argument '%s'", argv[i]);
    }
    if ((rc = cli_open(globals, NULL, &client, &transcriber)) != AAI_EXIT_OK) goto done;

    aai_status s = aai_transcriber_list(transcriber, all && !limit ? 200 : (int)limit, status, NULL, NULL, NULL, -1, &page);
    if (s != AAI_OK) { rc = cli_fail("list", s); goto done; }
    while (page) {
        if (json) {
            const char *body;
            size_t length;
            if ((s = aai_transcript_list_json(page, &body, &length)) != AAI_OK) { rc = cli_fail("list JSON", s); goto done; }
            fwrite(body, 1, length, stdout);
            fputc('\n', stdout);
        } else {
            const aai_transcript_list_item *items;
            size_t count;
            if ((s = aai_transcript_list_items(page, &items, &count)) != AAI_OK) { rc = cli_fail("list", s); goto done; }
            for (size_t k = 0; k < count; k++)
                printf("%s\t%s\t%s\t%s\n", items[k].id, items[k].status, items[k].created ? items[k].created : "",
                       items[k].audio_url ? items[k].audio_url : "");
        }
        /* prev_url leads to older transcripts; NULL on the last page. */
        const char *older = all ? aai_transcript_list_prev_url(page) : NULL;
        aai_transcript_list *next = NULL;
        if (older && (s = aai_transcriber_list_page(transcriber, older, &next)) != AAI_OK) {
            rc = cli_fail("next page", s);
            goto done;
        }
        aai_transcript_list_free(page);
        page = next;
    }

done:
    aai_transcript_list_free(page);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    if (fflush(stdout) != 0 && rc == AAI_EXIT_OK) rc = AAI_EXIT_FILE;
    return rc;
}
