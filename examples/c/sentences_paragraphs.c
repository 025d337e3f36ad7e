/* sentences_paragraphs: transcribe a file, then print its sentences and paragraphs with times.
 *   ASSEMBLYAI_API_KEY=... ./sentences_paragraphs FILE */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

static void print(const char *title, aai_segments *segments) {
    const aai_segment *s;
    size_t n;
    aai_segments_get(segments, &s, &n);
    printf("%s: %zu\n", title, n);
    for (size_t i = 0; i < n; i++)
        printf("  [%lld-%lld ms] %s\n", (long long)s[i].start, (long long)s[i].end, s[i].text);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 2; }
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    aai_segments *sentences = NULL, *paragraphs = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_transcriber_new(client, NULL, &transcriber);
    aai_status s = aai_transcriber_transcribe_file(transcriber, argv[1], NULL, &transcript);
    if (s == AAI_OK) s = aai_transcriber_get_sentences(transcriber, aai_transcript_id(transcript), &sentences);
    if (s == AAI_OK) s = aai_transcriber_get_paragraphs(transcriber, aai_transcript_id(transcript), &paragraphs);
    if (s == AAI_OK) {
        print("sentences", sentences);
        print("paragraphs", paragraphs);
    } else {
        fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    }
    aai_segments_free(sentences);
    aai_segments_free(paragraphs);
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return s != AAI_OK;
}
