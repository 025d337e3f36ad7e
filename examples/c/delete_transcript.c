/* delete_transcript: remove a transcript's content from the service.
 *   ASSEMBLYAI_API_KEY=... ./delete_transcript TRANSCRIPT_ID */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s TRANSCRIPT_ID\n", argv[0]); return 2; }
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *deleted = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_transcriber_new(client, NULL, &transcriber);
    aai_status s = aai_transcriber_delete(transcriber, argv[1], &deleted);
    if (s == AAI_OK) printf("deleted %s (status %s)\n", aai_transcript_id(deleted), aai_transcript_status_text(deleted));
    else fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    aai_transcript_free(deleted);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return s != AAI_OK;
}
