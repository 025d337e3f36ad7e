/* word_search: transcribe a file, then find words or phrases in it.
 *   ASSEMBLYAI_API_KEY=... ./word_search FILE WORD [WORD ...] */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s FILE WORD [WORD ...]\n", argv[0]); return 2; }
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    aai_word_search *search = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_transcriber_new(client, NULL, &transcriber);
    aai_status s = aai_transcriber_transcribe_file(transcriber, argv[1], NULL, &transcript);
    if (s == AAI_OK)
        s = aai_transcriber_word_search(transcriber, aai_transcript_id(transcript), (const char *const *)argv + 2,
                                        (size_t)argc - 2, &search);
    if (s == AAI_OK) {
        const aai_word_match *m;
        size_t n;
        int64_t total;
        aai_word_search_matches(search, &m, &n, &total);
        printf("%lld matches\n", (long long)total);
        for (size_t i = 0; i < n; i++) {
            printf("%s: %lld", m[i].text, (long long)m[i].count);
            for (size_t j = 0; j < m[i].timestamp_count; j++)
                printf(" [%lld-%lld ms]", (long long)m[i].timestamps[j].start, (long long)m[i].timestamps[j].end);
            printf("\n");
        }
    } else {
        fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    }
    aai_word_search_free(search);
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return s != AAI_OK;
}
