/* The Sync API from C against the local server: whole clips (file, bytes, PCM), the config part
   sent, warm, live sessions (write from another thread, cancel from another thread), the reader
   and fd variants, bad input refused before anything is sent, and server faults (429/503 with
   Retry-After, a connection dropped mid-upload). */
#include "harness.h"
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/wait.h>

static char wav_path[256], long_path[256], text_path[256], pcm_path[256];
static const char *TEXT = "Book a flight to Denver.";

static char *admin(const char *method, const char *path, const char *body, long *status) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", h_server_url, path);
    return h_http(method, url, body, status, NULL);
}

static void clear_server(void) {
    free(admin("DELETE", "/_local/faults", NULL, NULL));
    free(admin("DELETE", "/_local/requests", NULL, NULL));
}

static aai_sync_transcriber *new_transcriber(aai_client **client) {
    *client = h_client();
    aai_client_set_sync_base_url(*client, h_server_url);
    aai_sync_transcriber *t = NULL;
    aai_sync_transcriber_new(*client, &t);
    return t;
}

static long requests_to(const char *path) {
    char *j = admin("GET", "/_local/requests", NULL, NULL);
    long n = 0;
    char needle[300];
    snprintf(needle, sizeof needle, "\"path\":\"%s\"", path);
    for (const char *p = j; (p = strstr(p, needle)) != NULL; p++) n++;
    free(j);
    return n;
}

static void test_transcribe_file(void) {
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_OK);
    CHECK_STR(aai_sync_result_text(r), TEXT);
    CHECK(aai_sync_result_word_count(r) == 5);
    CHECK(aai_sync_result_audio_duration_ms(r) == 3000);
    CHECK(aai_sync_result_confidence(r) > 0.79 && aai_sync_result_confidence(r) < 1.0);
    CHECK(strlen(aai_sync_result_session_id(r)) == 36);
    aai_sync_word w;
    CHECK_STATUS(aai_sync_result_word(r, 0, &w), AAI_OK);
    CHECK_STR(w.text, "Book");
    CHECK(w.start_ms == -1 && w.end_ms == -1);  /* no timestamps unless asked */
    CHECK_STATUS(aai_sync_result_word(r, 5, &w), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_sync_result_json(r), "\"session_id\"");
    aai_sync_result_free(r);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void test_config_part_and_headers(void) {
    clear_server();
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    aai_sync_config *cfg = NULL;
    CHECK_STATUS(aai_sync_config_new(&cfg), AAI_OK);
    const char *terms[] = {" AssemblyAI ", "", "Universal"};
    CHECK_STATUS(aai_sync_config_set_strings(cfg, "keyterms_prompt", terms, 3), AAI_OK);
    CHECK_STATUS(aai_sync_config_set_bool(cfg, "timestamps", 1), AAI_OK);
    CHECK_STATUS(aai_sync_config_set_string(cfg, "prompt", "Transcribe verbatim."), AAI_OK);
    char *json = NULL;
    CHECK_STATUS(aai_sync_config_to_json(cfg, 0, &json), AAI_OK);
    CHECK_STR(json, "{\"prompt\": \"Transcribe verbatim.\", \"keyterms_prompt\": [\"AssemblyAI\", \"Universal\"], \"timestamps\": true}");
    aai_string_free(json);
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg, &r), AAI_OK);
    aai_sync_word w;
    CHECK_STATUS(aai_sync_result_word(r, 1, &w), AAI_OK);
    CHECK(w.start_ms == 600 && w.end_ms == 1190);
    aai_sync_result_free(r);
    char *rec = admin("GET", "/_local/requests", NULL, NULL);
    CHECK_CONTAINS(rec, "\"path\":\"/v1/transcribe/live\"");
    CHECK_CONTAINS(rec, "\"x-aai-model\":\"universal-3-5-pro\"");
    CHECK_CONTAINS(rec, "\"transfer-encoding\":\"chunked\"");
    CHECK_CONTAINS(rec, "multipart/form-data; boundary=");
    CHECK_CONTAINS(rec, "\"filename\":\"aai-sync-test");
    CHECK_CONTAINS(rec, "\"content_type\":\"audio/wav\"");
    free(rec);
    aai_sync_config_free(cfg);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void test_bytes_and_pcm(void) {
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    size_t size = 0;
    unsigned char *wav = h_read_file(wav_path, &size);
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_bytes(t, wav, size, NULL, &r), AAI_OK);
    CHECK_STR(aai_sync_result_text(r), TEXT);
    aai_sync_result_free(r);
    /* 1 s of 8 kHz stereo PCM: no comment, so no words, but the duration is the PCM's. */
    short *pcm = calloc(8000 * 2, sizeof(short));
    CHECK_STATUS(aai_sync_transcribe_pcm(t, pcm, 8000 * 2 * sizeof(short), 8000, 2, NULL, &r), AAI_OK);
    CHECK(aai_sync_result_audio_duration_ms(r) == 1000);
    CHECK_STR(aai_sync_result_text(r), "");
    aai_sync_result_free(r);
    free(pcm);
    free(wav);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void test_bad_input_sends_nothing(void) {
    clear_server();
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    aai_sync_result *r = NULL;
    /* Over the 120 s limit. */
    CHECK_STATUS(aai_sync_transcribe_file(t, long_path, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "at most 120 s");
    /* Not WAV, no rate/channels. */
    CHECK_STATUS(aai_sync_transcribe_file(t, text_path, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "unsupported audio format");
    /* .pcm without rate and channels; rate without channels. */
    CHECK_STATUS(aai_sync_transcribe_file(t, pcm_path, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "requires both sample_rate and channels");
    aai_sync_config *cfg = NULL;
    aai_sync_config_new(&cfg);
    aai_sync_config_set_int(cfg, "sample_rate", 16000);
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "requires both sample_rate and channels");
    aai_sync_live *live = NULL;
    CHECK_STATUS(aai_sync_live_open(t, NULL, cfg, NULL, NULL, &live), AAI_ERR_INVALID_ARGUMENT);
    CHECK(live == NULL);
    /* PCM of zero rate; a prompt over 6000 characters; empty audio; URLs. */
    CHECK_STATUS(aai_sync_transcribe_pcm(t, "ab", 2, 0, 1, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    char *big = malloc(6002);
    memset(big, 'x', 6001);
    big[6001] = 0;
    aai_sync_config *cfg2 = NULL;
    aai_sync_config_new(&cfg2);
    aai_sync_config_set_string(cfg2, "prompt", big);
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg2, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "at most 6000");
    CHECK_STATUS(aai_sync_transcribe_bytes(t, "", 0, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_sync_transcribe_file(t, "https://example.com/a.wav", NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_sync_transcribe_file(t, NULL, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_sync_transcribe_file(NULL, wav_path, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK(requests_to("/v1/transcribe/live") == 0);
    free(big);
    aai_sync_config_free(cfg);
    aai_sync_config_free(cfg2);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void test_server_errors_carry_code_and_retry_after(void) {
    clear_server();
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    long st = 0;
    free(admin("POST", "/_local/faults", "{\"path\":\"/v1/transcribe/live\",\"kind\":\"status\",\"status\":429,\"retry_after\":7}", &st));
    CHECK(st == 200);
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_ERR_RATE_LIMITED);
    CHECK(aai_last_error_http_status() == 429);
    CHECK(aai_last_error_retry_after() == 7);
    CHECK_STR(aai_last_error_api_code(), "too_many_requests");
    CHECK(requests_to("/v1/transcribe/live") == 1);  /* never retried: the audio is gone once sent */
    free(admin("POST", "/_local/faults", "{\"path\":\"/v1/transcribe/live\",\"kind\":\"status\",\"status\":503,\"retry_after\":3}", &st));
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_ERR_SERVER);
    CHECK(aai_last_error_retry_after() == 3);
    /* The server's own problem details: a model it does not know. */
    aai_sync_config *cfg = NULL;
    aai_sync_config_new(&cfg);
    aai_sync_config_set_model(cfg, "no-such-model");
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg, &r), AAI_ERR_HTTP);
    CHECK(aai_last_error_http_status() == 400);
    CHECK_STR(aai_last_error_api_code(), "unknown_model");
    CHECK(aai_last_error_retry_after() == -1);
    CHECK_CONTAINS(aai_last_error_server_text(), "no-such-model");
    aai_sync_config_free(cfg);
    /* Wrong key. */
    aai_client_set_api_key(c, "wrong-key");
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_ERR_AUTH);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void test_dropped_connection_is_an_error(void) {
    clear_server();
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    free(admin("POST", "/_local/faults", "{\"path\":\"/v1/transcribe/live\",\"kind\":\"reset\",\"at_byte\":10}", NULL));
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_ERR_CONNECTION);
    CHECK(r == NULL);
    CHECK_CONTAINS(aai_last_error_message(), "no transcript");
    free(admin("POST", "/_local/faults", "{\"path\":\"/v1/transcribe/live\",\"kind\":\"malformed_json\"}", NULL));
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_ERR_PROTOCOL);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void test_warm(void) {
    clear_server();
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    CHECK_STATUS(aai_sync_warm(t), AAI_OK);
    CHECK(requests_to("/v1/warm") == 1);
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_OK);
    aai_sync_result_free(r);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
    /* Nothing listening: an error, quickly. */
    aai_client *c2 = h_client();
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", h_free_port());
    aai_client_set_sync_base_url(c2, url);
    aai_sync_transcriber *t2 = NULL;
    aai_sync_transcriber_new(c2, &t2);
    CHECK_STATUS(aai_sync_warm(t2), AAI_ERR_CONNECTION);
    aai_sync_transcriber_free(t2);
    aai_client_free(c2);
}

typedef struct writer_args { aai_sync_live *live; const unsigned char *data; size_t size; } writer_args;

static void *writer(void *p) {
    writer_args *a = p;
    for (size_t off = 0; off < a->size; off += 1000) {
        size_t n = a->size - off < 1000 ? a->size - off : 1000;
        if (aai_sync_live_write(a->live, a->data + off, n) != AAI_OK) break;
    }
    aai_sync_live_close(a->live);
    return NULL;
}

static atomic_int done_calls;
static aai_status done_status;
static void on_done(aai_sync_live *s, aai_status status, void *user) {
    (void)s;
    CHECK(user == (void *)&done_calls);
    done_status = status;
    atomic_fetch_add(&done_calls, 1);
}

static void test_live_session(void) {
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    size_t size = 0;
    unsigned char *wav = h_read_file(wav_path, &size);
    aai_sync_live *live = NULL;
    atomic_store(&done_calls, 0);
    CHECK_STATUS(aai_sync_live_open(t, NULL, NULL, on_done, &done_calls, &live), AAI_OK);
    writer_args a = {live, wav, size};
    pthread_t th;
    pthread_create(&th, NULL, writer, &a);
    pthread_join(th, NULL);  /* result() ends the audio (as 1.8.2's): the writer closes first */
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_live_result(live, &r), AAI_OK);
    CHECK_STR(aai_sync_result_text(r), TEXT);
    aai_sync_result_free(r);
    for (int i = 0; i < 200 && atomic_load(&done_calls) == 0; i++) usleep(5000);
    CHECK(atomic_load(&done_calls) == 1 && done_status == AAI_OK);
    CHECK_STATUS(aai_sync_live_write(live, wav, 10), AAI_ERR_STATE);
    aai_sync_live_free(live);
    free(wav);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void *cancel_later(void *p) {
    usleep(100 * 1000);
    aai_sync_live_cancel(p);
    return NULL;
}

static void test_live_cancel_from_another_thread(void) {
    clear_server();
    /* The server holds its answer for 5 s: the result() below waits until the cancel. */
    free(admin("POST", "/_local/faults", "{\"path\":\"/v1/transcribe/live\",\"kind\":\"delay\",\"delay_ms\":5000}", NULL));
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    aai_sync_config *cfg = NULL;
    aai_sync_config_new(&cfg);
    aai_sync_config_set_int(cfg, "sample_rate", 16000);
    aai_sync_config_set_int(cfg, "channels", 1);
    aai_sync_live *live = NULL;
    CHECK_STATUS(aai_sync_live_open(t, NULL, cfg, NULL, NULL, &live), AAI_OK);
    short silence[1600] = {0};
    CHECK_STATUS(aai_sync_live_write(live, silence, sizeof silence), AAI_OK);
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, live);
    double t0 = h_now_ms();
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_live_result(live, &r), AAI_ERR_CANCELLED);
    CHECK(h_now_ms() - t0 < 1000);
    CHECK(r == NULL);
    pthread_join(th, NULL);
    CHECK_STATUS(aai_sync_live_write(live, silence, sizeof silence), AAI_ERR_CANCELLED);
    aai_sync_live_free(live);
    aai_sync_config_free(cfg);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
    clear_server();
}

static void test_live_over_limit_and_bad_format(void) {
    clear_server();
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    aai_sync_config *cfg = NULL;
    aai_sync_config_new(&cfg);
    aai_sync_config_set_int(cfg, "sample_rate", 8000);
    aai_sync_config_set_int(cfg, "channels", 1);
    aai_sync_live *live = NULL;
    CHECK_STATUS(aai_sync_live_open(t, NULL, cfg, NULL, NULL, &live), AAI_OK);
    static short second[8000];
    for (int i = 0; i < 121; i++) aai_sync_live_write(live, second, sizeof second);
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_live_result(live, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "at most 120 s");
    aai_sync_live_free(live);
    /* A WAV whose header says 121 s: refused on its header, before the body leaves. */
    clear_server();
    size_t long_size = 0;
    unsigned char *long_wav = h_read_file(long_path, &long_size);
    CHECK_STATUS(aai_sync_live_open(t, NULL, NULL, NULL, NULL, &live), AAI_OK);
    aai_sync_live_write(live, long_wav, 4096);
    CHECK_STATUS(aai_sync_live_result(live, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "121.0 s long");
    CHECK(requests_to("/v1/transcribe/live") == 1);  /* the request line went out ... */
    char *rec = admin("GET", "/_local/requests", NULL, NULL);
    CHECK(strstr(rec, "\"multipart\"") == NULL);    /* ... but no part of the body */
    free(rec);
    free(long_wav);
    aai_sync_live_free(live);
    /* Without rate/channels the audio must be WAV: text is refused before the body leaves. */
    CHECK_STATUS(aai_sync_live_open(t, NULL, NULL, NULL, NULL, &live), AAI_OK);
    aai_sync_live_write(live, "this is not audio at all", 24);
    CHECK_STATUS(aai_sync_live_result(live, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "unsupported audio format");
    aai_sync_live_free(live);
    aai_sync_config_free(cfg);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

typedef struct reader_state { const unsigned char *data; size_t size, off; int fail_at; } reader_state;
static int64_t read_some(void *buf, size_t cap, void *user) {
    reader_state *s = user;
    if (s->fail_at >= 0 && s->off >= (size_t)s->fail_at) return -1;
    size_t n = s->size - s->off < 777 ? s->size - s->off : 777;
    if (n > cap) n = cap;
    memcpy(buf, s->data + s->off, n);
    s->off += n;
    return (int64_t)n;
}

static void test_reader_and_fd(void) {
    aai_client *c;
    aai_sync_transcriber *t = new_transcriber(&c);
    size_t size = 0;
    unsigned char *wav = h_read_file(wav_path, &size);
    reader_state s = {wav, size, 0, -1};
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_reader(t, read_some, &s, NULL, NULL, &r), AAI_OK);
    CHECK_STR(aai_sync_result_text(r), TEXT);
    aai_sync_result_free(r);
    reader_state s2 = {wav, size, 0, 5000};
    CHECK_STATUS(aai_sync_transcribe_reader(t, read_some, &s2, NULL, NULL, &r), AAI_ERR_IO);
    /* A pipe filled by another process while the request runs. */
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        for (size_t off = 0; off < size; off += 4096) {
            size_t n = size - off < 4096 ? size - off : 4096;
            if (write(fds[1], wav + off, n) < 0) _exit(1);
            usleep(2000);
        }
        _exit(0);
    }
    close(fds[1]);
    CHECK_STATUS(aai_sync_transcribe_fd(t, fds[0], "rec.wav", NULL, &r), AAI_OK);
    CHECK_STR(aai_sync_result_text(r), TEXT);
    aai_sync_result_free(r);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    free(wav);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    snprintf(wav_path, sizeof wav_path, "/tmp/aai-sync-test-%d.wav", (int)getpid());
    snprintf(long_path, sizeof long_path, "/tmp/aai-sync-long-%d.wav", (int)getpid());
    snprintf(text_path, sizeof text_path, "/tmp/aai-sync-text-%d.wav", (int)getpid());
    snprintf(pcm_path, sizeof pcm_path, "/tmp/aai-sync-raw-%d.pcm", (int)getpid());
    h_write_wav(wav_path, TEXT, 3.0);
    h_write_wav(long_path, "too long", 121.0);
    FILE *f = fopen(text_path, "w");
    fputs("this file is text, not audio\n", f);
    fclose(f);
    f = fopen(pcm_path, "wb");
    fwrite("\0\0\0\0", 1, 4, f);
    fclose(f);
    RUN(test_transcribe_file);
    RUN(test_config_part_and_headers);
    RUN(test_bytes_and_pcm);
    RUN(test_bad_input_sends_nothing);
    RUN(test_server_errors_carry_code_and_retry_after);
    RUN(test_dropped_connection_is_an_error);
    RUN(test_warm);
    RUN(test_live_session);
    RUN(test_live_cancel_from_another_thread);
    RUN(test_live_over_limit_and_bad_format);
    RUN(test_reader_and_fd);
    unlink(wav_path);
    unlink(long_path);
    unlink(text_path);
    unlink(pcm_path);
    return h_finish();
}
