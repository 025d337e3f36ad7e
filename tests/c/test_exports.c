/* Exports, lookups and listing through the C ABI against the local server: SRT/VTT,
   sentences, paragraphs, word search, redacted audio, and list pagination. */
#include "harness.h"

static aai_client *client;
static aai_transcriber *tr;
static char done_id[64];
static const char *TEXT = "A: Hello there. How are you today? B: I am fine. Thanks for asking.";

static void make_transcript(void) {
    char path[] = "/tmp/aai-exports-test.wav";
    h_write_wav(path, TEXT, 4.0);
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    aai_config_set_speaker_labels(cfg, 1);
    const char *policies[] = {"person_name"};
    aai_config_set_redact_pii(cfg, 1, policies, 1, "hash", 1, "wav");
    aai_transcript *t = NULL;
    if (aai_transcriber_transcribe_file(tr, path, cfg, &t) == AAI_OK)
        snprintf(done_id, sizeof done_id, "%s", aai_transcript_id(t));
    aai_transcript_free(t);
    aai_config_free(cfg);
    unlink(path);
}

static void test_list_and_pages(void) {
    /* Make a few more transcripts so that pages of 2 have a previous page. */
    aai_transcript *t = NULL;
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(aai_transcriber_submit_url(tr, "https://example.org/missing.wav", NULL, &t), AAI_OK);
        aai_transcript_free(t);
    }
    aai_transcript_list *page = NULL;
    CHECK_STATUS(aai_transcriber_list(tr, 2, NULL, NULL, NULL, NULL, -1, &page), AAI_OK);
    CHECK(aai_transcript_list_limit(page) == 2);
    CHECK(aai_transcript_list_result_count(page) == 2);
    const aai_transcript_list_item *items = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_list_items(page, &items, &n), AAI_OK);
    CHECK(n == 2);
    for (size_t i = 0; i < n; i++) CHECK(items[i].id && items[i].status && items[i].resource_url);
    CHECK_CONTAINS(aai_transcript_list_current_url(page), "/v2/transcript?");
    CHECK(aai_transcript_list_prev_url(page) != NULL);
    CHECK(aai_transcript_list_before_id_of_prev_url(page) != NULL);
    /* Walk every page through prev_url: each transcript once, newest first, no repeats. */
    int total = 0, pages = 0;
    char seen[64][64];
    while (page && pages < 20) {
        aai_transcript_list_items(page, &items, &n);
        for (size_t i = 0; i < n; i++) {
            for (int j = 0; j < total; j++) CHECK(strcmp(seen[j], items[i].id) != 0);
            if (total < 64) snprintf(seen[total++], 64, "%s", items[i].id);
        }
        pages++;
        const char *prev = aai_transcript_list_prev_url(page);
        aai_transcript_list *next = NULL;
        if (prev) CHECK_STATUS(aai_transcriber_list_page(tr, prev, &next), AAI_OK);
        aai_transcript_list_free(page);
        page = next;
    }
    CHECK(total >= 4 && pages >= 2);
    /* Filters reach the server; bad ones are refused before sending. */
    CHECK_STATUS(aai_transcriber_list(tr, 200, "completed", NULL, NULL, NULL, 0, &page), AAI_OK);
    aai_transcript_list_items(page, &items, &n);
    CHECK(n >= 1);
    for (size_t i = 0; i < n; i++) CHECK_STR(items[i].status, "completed");
    aai_transcript_list_free(page);
    CHECK_STATUS(aai_transcriber_list(tr, 201, NULL, NULL, NULL, NULL, -1, &page), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_list(tr, 0, "done", NULL, NULL, NULL, -1, &page), AAI_ERR_INVALID_ARGUMENT);
    /* A page URL on another host is refused: the API key would go there. */
    CHECK_STATUS(aai_transcriber_list_page(tr, "https://evil.example/v2/transcript?limit=1", &page), AAI_ERR_INVALID_ARGUMENT);
}

static void test_subtitles(void) {
    char *srt = NULL, *vtt = NULL;
    CHECK_STATUS(aai_transcriber_export_subtitles(tr, done_id, AAI_SUBTITLES_SRT, 0, &srt), AAI_OK);
    CHECK(srt && strncmp(srt, "1\n00:00:00,000 --> ", 19) == 0);
    CHECK_CONTAINS(srt, "Hello there.");
    CHECK_STATUS(aai_transcriber_export_subtitles(tr, done_id, AAI_SUBTITLES_VTT, 16, &vtt), AAI_OK);
    CHECK(vtt && strncmp(vtt, "WEBVTT", 6) == 0);
    aai_string_free(srt);
    aai_string_free(vtt);
    CHECK_STATUS(aai_transcriber_export_subtitles(tr, done_id, (aai_subtitle_format)7, 0, &srt), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_export_subtitles(tr, "6a0d6b4e-0000-4000-8000-000000000000", AAI_SUBTITLES_SRT, 0, &srt),
                 AAI_ERR_NOT_FOUND);
}

static void test_sentences_and_paragraphs(void) {
    aai_segments *s = NULL;
    const aai_segment *seg = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcriber_get_sentences(tr, done_id, &s), AAI_OK);
    CHECK_STATUS(aai_segments_get(s, &seg, &n), AAI_OK);
    CHECK(n == 4);
    if (n == 4) {
        CHECK_STR(seg[0].text, "Hello there.");
        CHECK_STR(seg[1].text, "How are you today?");
        CHECK(seg[0].word_count == 2 && seg[0].words && strcmp(seg[0].words[1].text, "there.") == 0);
        CHECK(seg[0].start == seg[0].words[0].start && seg[0].end == seg[0].words[1].end);
        CHECK(seg[2].speaker && strcmp(seg[2].speaker, "B") == 0);
    }
    const char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(aai_segments_json(s, &json, &len), AAI_OK);
    CHECK_CONTAINS(json, "\"sentences\"");
    aai_segments_free(s);
    CHECK_STATUS(aai_transcriber_get_paragraphs(tr, done_id, &s), AAI_OK);
    CHECK_STATUS(aai_segments_get(s, &seg, &n), AAI_OK);
    CHECK(n >= 1);
    aai_segments_free(s);
    CHECK_STATUS(aai_segments_get(s, &seg, &n), AAI_ERR_INVALID_ARGUMENT);  /* freed */
}

static void test_word_search(void) {
    const char *words[] = {"hello", "fine", "zebra"};
    aai_word_search *ws = NULL;
    CHECK_STATUS(aai_transcriber_word_search(tr, done_id, words, 3, &ws), AAI_OK);
    const aai_word_match *m = NULL;
    size_t n = 0;
    int64_t total = 0;
    CHECK_STATUS(aai_word_search_matches(ws, &m, &n, &total), AAI_OK);
    /* docs/local-server.md: every term is listed, one without a match with count 0. */
    CHECK(n == 3 && total == 2);
    if (n == 3) {
        CHECK_STR(m[0].text, "hello");
        CHECK(m[0].count == 1 && m[0].timestamp_count == 1 && m[0].index_count == 1 && m[0].indexes[0] == 0);
        CHECK(m[0].timestamps[0].start == 0 && m[0].timestamps[0].end > 0);
        CHECK_STR(m[2].text, "zebra");
        CHECK(m[2].count == 0 && m[2].timestamp_count == 0 && m[2].timestamps == NULL);
    }
    aai_word_search_free(ws);
    CHECK_STATUS(aai_transcriber_word_search(tr, done_id, NULL, 0, &ws), AAI_ERR_INVALID_ARGUMENT);
}

static void test_redacted_audio(void) {
    char path[] = "/tmp/aai-redacted-test.wav";
    unlink(path);
    CHECK_STATUS(aai_transcriber_save_redacted_audio(tr, done_id, path), AAI_OK);
    size_t size = 0;
    unsigned char *data = h_read_file(path, &size);
    CHECK(data && size > 44 && memcmp(data, "RIFF", 4) == 0);
    free(data);
    unlink(path);
    char *url = NULL;
    CHECK_STATUS(aai_transcriber_get_redacted_audio_url(tr, done_id, &url), AAI_OK);
    CHECK_CONTAINS(url, "http");
    aai_string_free(url);
    /* A folder that does not exist: an I/O error, and nothing left behind. */
    CHECK_STATUS(aai_transcriber_save_redacted_audio(tr, done_id, "/no/such/dir/out.wav"), AAI_ERR_IO);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server("--redacted-audio-ms 200") != 0 && h_start_server(NULL) != 0) return 1;
    client = h_client();
    aai_transcriber_new(client, NULL, &tr);
    make_transcript();
    if (!done_id[0]) { fprintf(stderr, "could not make the test transcript: %s\n", aai_last_error_message()); return 1; }
    RUN(test_list_and_pages);
    RUN(test_subtitles);
    RUN(test_sentences_and_paragraphs);
    RUN(test_word_search);
    RUN(test_redacted_audio);
    aai_transcriber_free(tr);
    aai_client_free(client);
    return h_finish();
}
