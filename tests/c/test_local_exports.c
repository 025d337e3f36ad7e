/* The exports computed locally (aai_transcript_*) equal the server's (aai_transcriber_*) for
   the same transcript and settings: captions at several lengths, sentences, paragraphs and
   word search, on a WAV with quotes and abbreviations and on a synthetic multi-speaker one. */
#include "harness.h"

static aai_client *client;
static aai_transcriber *tr;

static aai_transcript *make(const char *audio_url, const char *wav_text) {
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    aai_config_set_speaker_labels(cfg, 1);
    aai_transcript *t = NULL;
    aai_status s;
    if (wav_text) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/aai-local-%d.wav", (int)getpid());
        h_write_wav(path, wav_text, 20.0);
        s = aai_transcriber_transcribe_file(tr, path, cfg, &t);
        unlink(path);
    } else {
        s = aai_transcriber_transcribe_url(tr, audio_url, cfg, &t);
    }
    aai_config_free(cfg);
    if (s != AAI_OK) fprintf(stderr, "transcription failed: %s\n", aai_last_error_message());
    return t;
}

static void same_subtitles(aai_transcript *t) {
    int lengths[] = {0, 1, 16, 32, 70, 500};
    for (int f = 0; f < 2; f++)
        for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
            char *remote = NULL, *local = NULL;
            CHECK_STATUS(aai_transcriber_export_subtitles(tr, aai_transcript_id(t), (aai_subtitle_format)f, lengths[i], &remote), AAI_OK);
            CHECK_STATUS(aai_transcript_export_subtitles(t, (aai_subtitle_format)f, lengths[i], &local), AAI_OK);
            if (remote && local && strcmp(remote, local) != 0) {
                fprintf(stderr, "  subtitles differ (format %d, chars %d):\n--- server\n%.400s\n--- local\n%.400s\n", f, lengths[i], remote, local);
                CHECK(0);
            }
            aai_string_free(remote);
            aai_string_free(local);
        }
}

static void same_segments(aai_segments *a, aai_segments *b) {
    const aai_segment *x = NULL, *y = NULL;
    size_t n = 0, m = 0;
    CHECK_STATUS(aai_segments_get(a, &x, &n), AAI_OK);
    CHECK_STATUS(aai_segments_get(b, &y, &m), AAI_OK);
    CHECK(n == m && n > 0);
    for (size_t i = 0; i < n && i < m; i++) {
        if (strcmp(x[i].text, y[i].text) != 0 || x[i].start != y[i].start || x[i].end != y[i].end ||
            x[i].confidence != y[i].confidence || x[i].word_count != y[i].word_count ||
            (x[i].speaker == NULL) != (y[i].speaker == NULL) || (x[i].speaker && strcmp(x[i].speaker, y[i].speaker) != 0)) {
            fprintf(stderr, "  segment %zu differs: \"%s\" vs \"%s\"\n", i, x[i].text, y[i].text);
            CHECK(0);
            break;
        }
        for (size_t w = 0; w < x[i].word_count; w++)
            CHECK(strcmp(x[i].words[w].text, y[i].words[w].text) == 0 && x[i].words[w].start == y[i].words[w].start);
    }
}

static void same_sentences_and_paragraphs(aai_transcript *t) {
    aai_segments *remote = NULL, *local = NULL;
    CHECK_STATUS(aai_transcriber_get_sentences(tr, aai_transcript_id(t), &remote), AAI_OK);
    CHECK_STATUS(aai_transcript_sentences(t, &local), AAI_OK);
    same_segments(remote, local);
    aai_segments_free(remote);
    aai_segments_free(local);
    CHECK_STATUS(aai_transcriber_get_paragraphs(tr, aai_transcript_id(t), &remote), AAI_OK);
    CHECK_STATUS(aai_transcript_paragraphs(t, &local), AAI_OK);
    same_segments(remote, local);
    aai_segments_free(remote);
    aai_segments_free(local);
}

static void same_word_search(aai_transcript *t, const char **terms, size_t n_terms) {
    aai_word_search *remote = NULL, *local = NULL;
    CHECK_STATUS(aai_transcriber_word_search(tr, aai_transcript_id(t), terms, n_terms, &remote), AAI_OK);
    CHECK_STATUS(aai_transcript_word_search(t, terms, n_terms, &local), AAI_OK);
    const aai_word_match *x = NULL, *y = NULL;
    size_t n = 0, m = 0;
    int64_t tx = 0, ty = 0;
    aai_word_search_matches(remote, &x, &n, &tx);
    aai_word_search_matches(local, &y, &m, &ty);
    CHECK(n == m && tx == ty);
    for (size_t i = 0; i < n && i < m; i++) {
        CHECK_STR(x[i].text, y[i].text);
        CHECK(x[i].count == y[i].count && x[i].index_count == y[i].index_count);
        for (size_t j = 0; j < x[i].index_count && j < y[i].index_count; j++) {
            CHECK(x[i].indexes[j] == y[i].indexes[j]);
            CHECK(x[i].timestamps[j].start == y[i].timestamps[j].start && x[i].timestamps[j].end == y[i].timestamps[j].end);
        }
    }
    aai_word_search_free(remote);
    aai_word_search_free(local);
}

static void test_wav_with_quotes_and_abbreviations(void) {
    aai_transcript *t = make(NULL,
        "A: Mr. Smith said \"Hello there!\" to Dr. Jones. (It was late.) Was it? Yes! "
        "B: I think so... really. An extraordinarily-long-hyphenated-word-that-exceeds-sixteen characters here. "
        "A: Fine, thanks, bye.");
    CHECK(t != NULL);
    if (!t) return;
    same_subtitles(t);
    same_sentences_and_paragraphs(t);
    const char *terms[] = {"hello", "mr smith", "THANKS", "was it", "zebra", "so, bye"};
    same_word_search(t, terms, 6);
    aai_transcript_free(t);
}

static void test_synthetic_three_speakers(void) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/synthetic?words=3000&speakers=3&sentence_words=7&turn_sentences=2", h_server_url);
    aai_transcript *t = make(url, NULL);
    CHECK(t != NULL);
    if (!t) return;
    same_subtitles(t);
    same_sentences_and_paragraphs(t);
    const char *terms[] = {"the quick brown", "fox", "river bank", "Field."};
    same_word_search(t, terms, 4);
    aai_transcript_free(t);
}

static void test_local_views_outlive_the_transcript(void) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/synthetic?words=50&speakers=2", h_server_url);
    aai_transcript *t = make(url, NULL);
    if (!t) { CHECK(0); return; }
    aai_segments *s = NULL;
    CHECK_STATUS(aai_transcript_sentences(t, &s), AAI_OK);
    aai_transcript_free(t);
    const aai_segment *seg = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_segments_get(s, &seg, &n), AAI_OK);
    CHECK(n > 0 && seg[0].word_count > 0 && strlen(seg[0].words[0].text) > 0);
    const char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(aai_segments_json(s, &json, &len), AAI_OK);
    CHECK_CONTAINS(json, "\"sentences\":[");
    aai_segments_free(s);
    char *srt = NULL;
    CHECK_STATUS(aai_transcript_export_subtitles(t, AAI_SUBTITLES_SRT, 0, &srt), AAI_ERR_INVALID_ARGUMENT);  /* freed */
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    client = h_client();
    aai_transcriber_new(client, NULL, &tr);
    RUN(test_wav_with_quotes_and_abbreviations);
    RUN(test_synthetic_three_speakers);
    RUN(test_local_views_outlive_the_transcript);
    aai_transcriber_free(tr);
    aai_client_free(client);
    return h_finish();
}
