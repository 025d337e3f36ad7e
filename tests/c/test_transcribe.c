/* Transcription through the C ABI against the local AssemblyAI-compatible server: upload from a
   file, memory and a stream, submit/wait/get/delete, words and JSON, and the failures a user
   meets (missing file, wrong key, failed transcript, unknown id, polling deadline). */
#include "harness.h"
#include <curl/curl.h>
#include <sys/stat.h>

static char wav_path[256], noise_path[256];
static const char *TEXT = "the quick brown fox jumps over the lazy dog";

/* The server's record of the requests it received (GET /_local/requests), malloc'ed; clearing it. */
static char *recorded_requests(void) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/requests", h_server_url);
    return h_http("GET", url, NULL, NULL, NULL);
}
static void clear_recorded_requests(void) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/requests", h_server_url);
    free(h_http("DELETE", url, NULL, NULL, NULL));
}

static void check_words(aai_transcript *tr) {
    const aai_word *w = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_words(tr, &w, &n), AAI_OK);
    CHECK(n == 9);
    if (n != 9) return;
    CHECK_STR(w[0].text, "the");
    CHECK_STR(w[8].text, "dog");
    /* docs/local-server.md: start = i*D/N, end = (i+1)*D/N - 10, confidence from the bytes. */
    CHECK(w[0].start == 0 && w[0].end == 323);
    CHECK(w[1].start == 333 && w[1].end == 656);
    CHECK(w[8].start == 2666 && w[8].end == 2990);
    CHECK(w[0].confidence == 0.81 && w[8].confidence == 0.94);
    double duration_ms = aai_transcript_audio_duration(tr) * 1000;
    for (size_t i = 0; i < n; i++) {
        CHECK(w[i].start < w[i].end);
        CHECK(i == 0 || w[i].start >= w[i - 1].end);
        CHECK(w[i].end <= duration_ms);
        CHECK(w[i].confidence > 0 && w[i].confidence <= 1);
    }
    /* The same array comes back on the second call (built once). */
    const aai_word *again = NULL;
    aai_transcript_words(tr, &again, &n);
    CHECK(again == w);
}

static void test_transcribe_file(void) {
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_new(c, NULL, &t), AAI_OK);
    CHECK_STATUS(aai_transcriber_transcribe_file(t, wav_path, NULL, &tr), AAI_OK);
    CHECK(aai_transcript_get_status(tr) == AAI_TRANSCRIPT_COMPLETED);
    CHECK_STR(aai_transcript_status_text(tr), "completed");
    CHECK_STR(aai_transcript_text(tr), TEXT);
    CHECK(aai_transcript_error(tr) == NULL);
    CHECK(aai_transcript_audio_duration(tr) == 3);
    CHECK(aai_transcript_confidence(tr) > 0 && aai_transcript_confidence(tr) <= 1);
    CHECK(aai_transcript_id(tr) != NULL && strlen(aai_transcript_id(tr)) > 0);
    CHECK_CONTAINS(aai_transcript_audio_url(tr), "http://127.0.0.1");
    check_words(tr);
    const char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(aai_transcript_json(tr, &json, &len), AAI_OK);
    CHECK(json && json[0] == '{' && json[len] == 0 && strlen(json) == len);
    char *value = NULL;
    CHECK_STATUS(aai_transcript_get_json(tr, "/words/3/text", &value), AAI_OK);
    CHECK_STR(value, "\"fox\"");
    aai_string_free(value);
    CHECK_STATUS(aai_transcript_get_json(tr, "/no_such_field", &value), AAI_ERR_NOT_FOUND);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_transcribe_bytes_and_requests_sent(void) {
    size_t size = 0;
    unsigned char *wav = h_read_file(wav_path, &size);
    aai_client *c = h_client();
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    aai_config_set_speaker_labels(cfg, 1);
    aai_config_set_language_code(cfg, "en_us");
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(c, cfg, &t);
    clear_recorded_requests();
    CHECK_STATUS(aai_transcriber_transcribe_bytes(t, wav, size, NULL, &tr), AAI_OK);
    CHECK_STR(aai_transcript_text(tr), TEXT);
    const aai_word *w = NULL;
    size_t n = 0;
    aai_transcript_words(tr, &w, &n);
    CHECK(n == 9 && w[0].speaker != NULL);
    if (n && w[0].speaker) CHECK_STR(w[0].speaker, "A");
    char *log = recorded_requests();
    CHECK_CONTAINS(log, "\"method\":\"POST\",\"path\":\"/v2/upload\"");
    CHECK_CONTAINS(log, "\"audio_url\":");
    CHECK_CONTAINS(log, "\"speaker_labels\":true");
    CHECK_CONTAINS(log, "\"language_code\":\"en_us\"");
    char auth[160];
    snprintf(auth, sizeof auth, "\"authorization\":\"%s\"", h_api_key);
    CHECK(strstr(log, auth) != NULL);   /* not CHECK_CONTAINS: it would print the log, key included */
    CHECK_CONTAINS(log, "\"user-agent\":\"libassemblyai/" AAI_VERSION);
    free(log);
    free(wav);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_config_free(cfg);
    aai_client_free(c);
}

struct progress { uint64_t last, total, calls; int monotonic; };
static int on_progress(uint64_t sent, uint64_t total, void *user) {
    struct progress *p = user;
    if (sent < p->last) p->monotonic = 0;
    p->last = sent;
    p->total = total;
    p->calls++;
    return 0;
}
static int64_t read_file_cb(void *buf, size_t cap, void *user) {
    return (int64_t)fread(buf, 1, cap, (FILE *)user);
}

static void test_upload_stream_with_progress(void) {
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    struct progress p = {0, 0, 0, 1};
    CHECK_STATUS(aai_transcriber_set_progress_callback(t, on_progress, &p), AAI_OK);
    struct stat st;
    stat(wav_path, &st);
    FILE *f = fopen(wav_path, "rb");
    char *url = NULL;
    CHECK_STATUS(aai_transcriber_upload_stream(t, read_file_cb, f, (uint64_t)st.st_size, &url), AAI_OK);
    fclose(f);
    CHECK(p.calls >= 1 && p.monotonic);
    CHECK(p.last == (uint64_t)st.st_size && p.total == (uint64_t)st.st_size);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_url(t, url, NULL, &tr), AAI_OK);
    CHECK_STR(aai_transcript_text(tr), TEXT);
    aai_string_free(url);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* A stream's total_size goes out as Content-Length: a stream longer or shorter than it must
   fail the upload (never a silently cut upload, never a server left waiting), and 0 (unknown
   length, sent chunked) must upload it whole. */
static void test_upload_stream_total_size_must_match(void) {
    aai_client *c = h_client();
    aai_client_set_http_timeout_ms(c, 5000);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    struct stat st;
    stat(wav_path, &st);
    const uint64_t sizes[] = {(uint64_t)st.st_size / 2, (uint64_t)st.st_size * 2, (uint64_t)st.st_size + 1,
                              (uint64_t)st.st_size - 1};
    const char *says[] = {"more than the", "ended after", "ended after", "more than the"};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        FILE *f = fopen(wav_path, "rb");
        char *url = NULL;
        double t0 = h_now_ms();
        CHECK_STATUS(aai_transcriber_upload_stream(t, read_file_cb, f, sizes[i], &url), AAI_ERR_INVALID_ARGUMENT);
        CHECK(h_now_ms() - t0 < 4000);   /* caught at once, not by the server's or the client's timeout */
        CHECK_CONTAINS(aai_last_error_message(), says[i]);
        CHECK_CONTAINS(aai_last_error_message(), "total_size");
        CHECK(url == NULL);
        fclose(f);
    }
    FILE *f = fopen(wav_path, "rb");
    char *url = NULL;
    CHECK_STATUS(aai_transcriber_upload_stream(t, read_file_cb, f, 0, &url), AAI_OK);
    fclose(f);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_url(t, url, NULL, &tr), AAI_OK);
    CHECK_STR(aai_transcript_text(tr), TEXT);
    aai_string_free(url);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static int cancel_at_once(uint64_t sent, uint64_t total, void *user) {
    (void)sent; (void)total; (void)user;
    return 1;
}

static void test_progress_can_cancel(void) {
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    aai_transcriber_set_progress_callback(t, cancel_at_once, NULL);
    char *url = NULL;
    CHECK_STATUS(aai_transcriber_upload_file(t, wav_path, &url), AAI_ERR_CANCELLED);
    CHECK(url == NULL);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_submit_wait_get_delete(void) {
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    aai_transcript *sub = NULL, *done = NULL, *got = NULL, *del = NULL;
    CHECK_STATUS(aai_transcriber_submit_file(t, wav_path, NULL, &sub), AAI_OK);
    CHECK(aai_transcript_get_status(sub) == AAI_TRANSCRIPT_QUEUED);
    CHECK(aai_transcript_text(sub) == NULL);
    const char *id = aai_transcript_id(sub);
    CHECK_STATUS(aai_transcriber_wait(t, id, &done), AAI_OK);
    CHECK_STR(aai_transcript_id(done), id);
    CHECK_STR(aai_transcript_text(done), TEXT);
    CHECK_STATUS(aai_transcriber_get(t, id, &got), AAI_OK);
    CHECK_STR(aai_transcript_text(got), TEXT);
    CHECK_STATUS(aai_transcriber_delete(t, id, &del), AAI_OK);
    CHECK_STR(aai_transcript_id(del), id);
    CHECK(aai_transcript_text(del) == NULL || strcmp(aai_transcript_text(del), TEXT) != 0);
    CHECK_STATUS(aai_transcriber_delete(t, id, NULL), AAI_OK);  /* out may be NULL */
    aai_transcript_free(sub); aai_transcript_free(done); aai_transcript_free(got); aai_transcript_free(del);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_missing_and_unreadable_files(void) {
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(c, NULL, &t);
    CHECK_STATUS(aai_transcriber_transcribe_file(t, "/no/such/dir/audio.wav", NULL, &tr), AAI_ERR_IO);
    CHECK_CONTAINS(aai_last_error_message(), "/no/such/dir/audio.wav");
    CHECK_CONTAINS(aai_last_error_message(), "No such file");
    CHECK(tr == NULL);
    CHECK_STATUS(aai_transcriber_transcribe_file(t, "/tmp", NULL, &tr), AAI_ERR_IO);
    CHECK_CONTAINS(aai_last_error_message(), "directory");
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_wrong_api_key(void) {
    aai_client *c = h_client();
    aai_client_set_api_key(c, "not-the-key-5f3a");
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(c, NULL, &t);
    CHECK_STATUS(aai_transcriber_transcribe_file(t, wav_path, NULL, &tr), AAI_ERR_AUTH);
    CHECK(aai_last_error_http_status() == 401);
    CHECK_CONTAINS(aai_last_error_server_text(), "Authentication error");
    CHECK(aai_last_error_retryable() == 0);
    CHECK(strstr(aai_last_error_message(), "not-the-key-5f3a") == NULL);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_failed_transcript(void) {
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(c, NULL, &t);
    CHECK_STATUS(aai_transcriber_transcribe_file(t, noise_path, NULL, &tr), AAI_ERR_TRANSCRIPT);
    CHECK(tr != NULL);
    CHECK(aai_transcript_get_status(tr) == AAI_TRANSCRIPT_ERROR);
    CHECK_STR(aai_last_error_server_text(), aai_transcript_error(tr));
    CHECK_CONTAINS(aai_last_error_message(), aai_transcript_id(tr));
    CHECK(aai_last_error_retryable() == 0);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_unknown_id(void) {
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(c, NULL, &t);
    CHECK_STATUS(aai_transcriber_get(t, "6a0d6b4e-0000-4000-8000-000000000000", &tr), AAI_ERR_NOT_FOUND);
    CHECK(aai_last_error_http_status() == 404);
    CHECK(aai_last_error_server_text() != NULL);
    /* An id with path characters cannot reach another endpoint. */
    CHECK_STATUS(aai_transcriber_get(t, "../upload", &tr), AAI_ERR_NOT_FOUND);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_polling_deadline_keeps_id(void) {
    aai_client *c = h_client();
    aai_client_set_polling_timeout_ms(c, 10);
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(c, NULL, &t);
    CHECK_STATUS(aai_transcriber_transcribe_file(t, wav_path, NULL, &tr), AAI_ERR_TIMEOUT);
    CHECK(tr != NULL);
    CHECK(aai_transcript_id(tr) != NULL);
    CHECK(aai_transcript_get_status(tr) != AAI_TRANSCRIPT_COMPLETED);
    /* Nothing is lost: the transcript can still be waited for. */
    aai_client_set_polling_timeout_ms(c, 0);
    aai_transcript *done = NULL;
    CHECK_STATUS(aai_transcriber_wait(t, aai_transcript_id(tr), &done), AAI_OK);
    CHECK_STR(aai_transcript_text(done), TEXT);
    aai_transcript_free(done);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static aai_transcriber *shared_transcriber;
static void *transcribe_in_thread(void *arg) {
    (void)arg;
    aai_transcript *tr = NULL;
    aai_status s = aai_transcriber_transcribe_file(shared_transcriber, wav_path, NULL, &tr);
    int ok = s == AAI_OK && strcmp(aai_transcript_text(tr), TEXT) == 0;
    aai_transcript_free(tr);
    return (void *)(intptr_t)ok;
}

static void test_one_transcriber_many_threads(void) {
    aai_client *c = h_client();
    aai_transcriber_new(c, NULL, &shared_transcriber);
    pthread_t th[8];
    for (int i = 0; i < 8; i++) pthread_create(&th[i], NULL, transcribe_in_thread, NULL);
    int ok = 0;
    for (int i = 0; i < 8; i++) { void *r; pthread_join(th[i], &r); ok += (int)(intptr_t)r; }
    CHECK(ok == 8);
    aai_transcriber_free(shared_transcriber);
    aai_client_free(c);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    snprintf(wav_path, sizeof wav_path, "/tmp/aai-c-test-%d.wav", (int)getpid());
    snprintf(noise_path, sizeof noise_path, "/tmp/aai-c-test-%d.txt", (int)getpid());
    h_write_wav(wav_path, TEXT, 3.0);
    FILE *f = fopen(noise_path, "w");
    fputs("this file is text, not audio\n", f);
    fclose(f);
    RUN(test_transcribe_file);
    RUN(test_transcribe_bytes_and_requests_sent);
    RUN(test_upload_stream_with_progress);
    RUN(test_upload_stream_total_size_must_match);
    RUN(test_progress_can_cancel);
    RUN(test_submit_wait_get_delete);
    RUN(test_missing_and_unreadable_files);
    RUN(test_wrong_api_key);
    RUN(test_failed_transcript);
    RUN(test_unknown_id);
    RUN(test_polling_deadline_keeps_id);
    RUN(test_one_transcriber_many_threads);
    unlink(wav_path);
    unlink(noise_path);
    return h_finish();
}
