/* list_transcripts: every transcript of the account, newest first, following the pages.
 *   ASSEMBLYAI_API_KEY=... ./list_transcripts [STATUS] */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript_list *page = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_transcriber_new(client, NULL, &transcriber);
    aai_status s = aai_transcriber_list(transcriber, 200, argc > 1 ? argv[1] : NULL, NULL, NULL, NULL, -1, &page);
    int total = 0;
    while (s == AAI_OK && page) {
        const aai_transcript_list_item *items;
        size_t n;
        aai_transcript_list_items(page, &items, &n);
        for (size_t i = 0; i < n; i++) printf("%s %-10s %s\n", items[i].id, items[i].status, items[i].created);
        total += (int)n;
        const char *older = aai_transcript_list_prev_url(page);  /* prev_url leads to older transcripts */
        aai_transcript_list *next = NULL;
        if (older) s = aai_transcriber_list_page(transcriber, older, &next);
        aai_transcript_list_free(page);
        page = next;
    }
    if (s != AAI_OK) fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    else printf("%d transcripts\n", total);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return s != AAI_OK;
}
