/* The C ABI's promises that need no AssemblyAI server: versions, argument checks, handle
   safety, settings validation, config JSON, and transport failures against a scripted raw
   server (silence, garbage, retried statuses). */
#include "harness.h"

static const char *TRANSCRIPT_JSON =
    "{\"id\":\"abc\",\"status\":\"completed\",\"text\":\"hi there\",\"audio_url\":\"u\","
    "\"words\":[{\"text\":\"hi\",\"start\":0,\"end\":100,\"confidence\":0.5,\"speaker\":null}],"
    "\"audio_duration\":1,\"confidence\":0.5}";

static char *http_response(const char *status_line, const char *extra_headers, const char *body) {
    static char bufs[8][4096];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, 4096, "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n%s",
             status_line, strlen(body), extra_headers ? extra_headers : "", body);
    return b;
}

static void test_version(void) {
    CHECK_STR(aai_version(), AAI_VERSION);
    CHECK(aai_version_number() == AAI_VERSION_NUMBER);
    CHECK_STR(aai_status_name(AAI_ERR_TIMEOUT), "AAI_ERR_TIMEOUT");
    CHECK_STR(aai_status_name((aai_status)12345), "AAI_ERR_UNKNOWN");
}

static void test_null_arguments(void) {
    CHECK_STATUS(aai_client_new(NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "NULL");
    CHECK_STATUS(aai_client_set_api_key(NULL, "k"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "client is NULL");
    aai_client *c = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    CHECK_STATUS(aai_client_set_api_key(c, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_client_set_api_key(c, ""), AAI_ERR_INVALID_ARGUMENT);
    aai_transcriber *t = NULL;
    CHECK_STATUS(aai_transcriber_new(NULL, NULL, &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_new(c, NULL, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_new(c, NULL, &t), AAI_OK);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_url(t, NULL, NULL, &tr), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "audio_url");
    CHECK_STATUS(aai_transcriber_transcribe_file(t, NULL, NULL, &tr), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_transcribe_bytes(t, NULL, 10, NULL, &tr), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_upload_stream(t, NULL, NULL, 0, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_get(t, "", &tr), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_wait(t, "x", NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK(tr == NULL);
    /* Getters: documented fallbacks, no crash. */
    CHECK(aai_transcript_id(NULL) == NULL);
    CHECK(aai_transcript_text(NULL) == NULL);
    CHECK(aai_transcript_get_status(NULL) == AAI_TRANSCRIPT_UNKNOWN);
    CHECK(aai_transcript_audio_duration(NULL) == -1);
    const aai_word *w; size_t n;
    CHECK_STATUS(aai_transcript_words(NULL, &w, &n), AAI_ERR_INVALID_ARGUMENT);
    /* Frees of NULL are no-ops. */
    aai_client_free(NULL); aai_transcriber_free(NULL); aai_transcript_free(NULL); aai_config_free(NULL);
    aai_string_free(NULL);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_freed_and_foreign_handles(void) {
    aai_client *c = NULL;
    aai_config *cfg = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    CHECK_STATUS(aai_config_new(&cfg), AAI_OK);
    /* A handle of another type. */
    CHECK_STATUS(aai_client_set_api_key((aai_client *)cfg, "k"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "not a live client");
    /* A pointer the library never gave out. */
    int local = 0;
    CHECK_STATUS(aai_client_set_api_key((aai_client *)&local, "k"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_punctuate((aai_config *)(uintptr_t)0xdeadbeef, 1), AAI_ERR_INVALID_ARGUMENT);
    /* Use after free, and a second free. */
    aai_client_free(c);
    CHECK_STATUS(aai_client_set_api_key(c, "k"), AAI_ERR_INVALID_ARGUMENT);
    aai_transcriber *t = NULL;
    CHECK_STATUS(aai_transcriber_new(c, NULL, &t), AAI_ERR_INVALID_ARGUMENT);
    aai_client_free(c);
    aai_config_free(cfg);
    CHECK_STATUS(aai_config_set_json(cfg, "{}"), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_transcript_id((aai_transcript *)cfg) == NULL);
}

static void test_objects_outlive_their_client(void) {
    aai_client *c = NULL;
    aai_transcriber *t = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    CHECK_STATUS(aai_client_set_api_key(c, "k"), AAI_OK);
    CHECK_STATUS(aai_client_set_base_url(c, "http://127.0.0.1:9"), AAI_OK);
    CHECK_STATUS(aai_client_set_max_retries(c, 0), AAI_OK);
    CHECK_STATUS(aai_transcriber_new(c, NULL, &t), AAI_OK);
    aai_client_free(c);
    aai_transcript *tr = NULL;
    /* The transcriber still works (and fails only because nothing listens on port 9). */
    CHECK_STATUS(aai_transcriber_get(t, "x", &tr), AAI_ERR_CONNECTION);
    aai_transcriber_free(t);
}

static void test_settings_validation(void) {
    aai_client *c = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    CHECK_STATUS(aai_client_set_base_url(c, "http://example.com"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "not loopback");
    CHECK_STATUS(aai_client_set_base_url(c, "ftp://example.com"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_client_set_base_url(c, "https://api.eu.assemblyai.com/"), AAI_OK);
    CHECK_STATUS(aai_client_set_base_url(c, "http://localhost:8080"), AAI_OK);
    CHECK_STATUS(aai_client_set_base_url(c, "http://127.0.0.1:8080/"), AAI_OK);
    CHECK_STATUS(aai_client_set_base_url(c, "http://127.0.0.1.evil.com"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_client_set_http_timeout_ms(c, 0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_client_set_polling_interval_ms(c, -5), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_client_set_polling_timeout_ms(c, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_client_set_max_retries(c, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_client_set_max_retries(c, 2), AAI_OK);
    aai_client_free(c);
}

static void test_config_json(void) {
    aai_config *cfg = NULL;
    char *json = NULL;
    CHECK_STATUS(aai_config_new(&cfg), AAI_OK);
    CHECK_STATUS(aai_config_to_json(cfg, &json), AAI_OK);
    CHECK_STR(json, "{}");
    aai_string_free(json);
    CHECK_STATUS(aai_config_set_speaker_labels(cfg, 1), AAI_OK);
    CHECK_STATUS(aai_config_set_language_code(cfg, "de"), AAI_OK);
    CHECK_STATUS(aai_config_set_json(cfg, "{\"future_field\": {\"a\": [1, 2.5, \"x\"]}, \"language_code\": \"fr\"}"), AAI_OK);
    CHECK_STATUS(aai_config_to_json(cfg, &json), AAI_OK);
    CHECK_STR(json, "{\"speaker_labels\":true,\"language_code\":\"fr\",\"future_field\":{\"a\":[1,2.5,\"x\"]}}");
    aai_string_free(json);
    /* null removes, NULL typed value removes */
    CHECK_STATUS(aai_config_set_json(cfg, "{\"future_field\": null}"), AAI_OK);
    CHECK_STATUS(aai_config_set_language_code(cfg, NULL), AAI_OK);
    CHECK_STATUS(aai_config_to_json(cfg, &json), AAI_OK);
    CHECK_STR(json, "{\"speaker_labels\":true}");
    aai_string_free(json);
    CHECK_STATUS(aai_config_set_json(cfg, "[1]"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "object");
    CHECK_STATUS(aai_config_set_json(cfg, "{\"a\": tru}"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_json(cfg, NULL), AAI_ERR_INVALID_ARGUMENT);
    /* Nothing is silently resolved: duplicate keys, numbers beyond a double, invalid UTF-8. */
    CHECK_STATUS(aai_config_set_json(cfg, "{\"punctuate\": true, \"punctuate\": false}"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "twice");
    CHECK_STATUS(aai_config_set_json(cfg, "{\"a\": [1, {\"b\": 1e400}]}"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "a[1].b");
    CHECK_STATUS(aai_config_set_language_code(cfg, "d\xff"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "UTF-8");
    /* ...and a rejected merge leaves the config as it was. */
    CHECK_STATUS(aai_config_set_json(cfg, "{\"x\": 1, \"x\": 2}"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_to_json(cfg, &json), AAI_OK);
    CHECK_STR(json, "{\"speaker_labels\":true}");
    aai_string_free(json);
    aai_config_free(cfg);
}

static void test_server_unreachable(void) {
    aai_client *c = NULL;
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", h_free_port());
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    aai_client_set_api_key(c, "k");
    aai_client_set_base_url(c, url);
    aai_client_set_max_retries(c, 1);
    aai_transcriber_new(c, NULL, &t);
    double t0 = h_now_ms();
    CHECK_STATUS(aai_transcriber_transcribe_url(t, "https://example.org/a.wav", NULL, &tr), AAI_ERR_CONNECTION);
    CHECK(h_now_ms() - t0 < 5000);
    CHECK_CONTAINS(aai_last_error_message(), "could not connect");
    CHECK(aai_last_error_retryable() == 1);
    CHECK(aai_last_error_http_status() == 0);
    CHECK(tr == NULL);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_no_api_key(void) {
    unsetenv("ASSEMBLYAI_API_KEY");
    aai_client *c = NULL;
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_client_new(&c);
    aai_client_set_base_url(c, "http://127.0.0.1:9");
    aai_transcriber_new(c, NULL, &t);
    CHECK_STATUS(aai_transcriber_get(t, "abc", &tr), AAI_ERR_AUTH);
    CHECK_CONTAINS(aai_last_error_message(), "API key");
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_api_key_from_environment(void) {
    const char *responses[] = { http_response("200 OK", NULL, TRANSCRIPT_JSON) };
    h_raw_server s;
    CHECK(h_raw_start(&s, responses, 1) == 0);
    setenv("ASSEMBLYAI_API_KEY", "env-key", 1);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    aai_client *c = NULL;
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_client_new(&c);
    unsetenv("ASSEMBLYAI_API_KEY");
    aai_client_set_base_url(c, url);
    aai_transcriber_new(c, NULL, &t);
    CHECK_STATUS(aai_transcriber_get(t, "abc", &tr), AAI_OK);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
    h_raw_stop(&s);
}

static void test_timeout(void) {
    const char *responses[] = { NULL };  /* read the request, never answer */
    h_raw_fixture f;
    CHECK(h_raw_open(&f, responses, 1) == 0);
    f.s.hold_ms = 2000;
    aai_client_set_http_timeout_ms(f.c, 300);
    aai_client_set_max_retries(f.c, 0);
    aai_transcript *tr = NULL;
    double t0 = h_now_ms();
    CHECK_STATUS(aai_transcriber_get(f.t, "abc", &tr), AAI_ERR_TIMEOUT);
    double took = h_now_ms() - t0;
    CHECK(took >= 250 && took < 1500);
    CHECK_CONTAINS(aai_last_error_message(), "timed out");
    CHECK(aai_last_error_retryable() == 1);
    h_raw_close(&f);
}

static void test_malformed_json(void) {
    const char *responses[] = { http_response("200 OK", NULL, "{\"id\": \"abc\", \"status\": ") };
    h_raw_fixture f;
    CHECK(h_raw_open(&f, responses, 1) == 0);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_get(f.t, "abc", &tr), AAI_ERR_PROTOCOL);
    CHECK_CONTAINS(aai_last_error_message(), "malformed JSON");
    CHECK(tr == NULL);
    /* Valid JSON that is not a transcript. */
    f.s.responses[0] = http_response("200 OK", NULL, "[1,2,3]");
    CHECK_STATUS(aai_transcriber_get(f.t, "abc", &tr), AAI_ERR_PROTOCOL);
    h_raw_close(&f);
}

static void test_http_error_text(void) {
    const char *responses[] = { http_response("400 Bad Request", NULL, "{\"error\": \"Invalid endpoint schema\"}") };
    h_raw_fixture f;
    CHECK(h_raw_open(&f, responses, 1) == 0);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_submit_url(f.t, "https://x/a.wav", NULL, &tr), AAI_ERR_HTTP);
    CHECK(aai_last_error_http_status() == 400);
    CHECK_STR(aai_last_error_server_text(), "Invalid endpoint schema");
    CHECK_CONTAINS(aai_last_error_message(), "HTTP 400 from POST /v2/transcript: Invalid endpoint schema");
    CHECK(aai_last_error_retryable() == 0);
    CHECK(f.s.served == 1);
    h_raw_close(&f);
}

static void test_get_retried_after_503(void) {
    const char *responses[] = {
        http_response("503 Service Unavailable", NULL, "{\"error\": \"busy\"}"),
        http_response("502 Bad Gateway", NULL, "<html>bad gateway</html>"),
        http_response("200 OK", NULL, TRANSCRIPT_JSON),
    };
    h_raw_fixture f;
    CHECK(h_raw_open(&f, responses, 3) == 0);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_get(f.t, "abc", &tr), AAI_OK);
    CHECK(f.s.served == 3);
    CHECK_STR(aai_transcript_text(tr), "hi there");
    aai_transcript_free(tr);
    /* With retries off, the first 5xx is the answer, with its (non-JSON) body as server text. */
    f.s.served = 1;
    aai_client_set_max_retries(f.c, 0);
    CHECK_STATUS(aai_transcriber_get(f.t, "abc", &tr), AAI_ERR_SERVER);
    CHECK(aai_last_error_http_status() == 502);
    CHECK_CONTAINS(aai_last_error_server_text(), "bad gateway");
    CHECK(aai_last_error_retryable() == 1);
    h_raw_close(&f);
}

static void test_create_not_repeated_after_500(void) {
    const char *responses[] = {
        http_response("500 Internal Server Error", NULL, "{\"error\": \"oops\"}"),
        http_response("200 OK", NULL, TRANSCRIPT_JSON),
    };
    h_raw_fixture f;
    CHECK(h_raw_open(&f, responses, 2) == 0);
    aai_transcript *tr = NULL;
    /* The server may have created the transcript before failing: sending again could make two. */
    CHECK_STATUS(aai_transcriber_submit_url(f.t, "https://x/a.wav", NULL, &tr), AAI_ERR_SERVER);
    CHECK(f.s.served == 1);
    h_raw_close(&f);
}

static void test_retry_after_honoured(void) {
    const char *responses[] = {
        http_response("429 Too Many Requests", "Retry-After: 1\r\n", "{\"error\": \"slow down\"}"),
        http_response("200 OK", NULL, TRANSCRIPT_JSON),
    };
    h_raw_fixture f;
    CHECK(h_raw_open(&f, responses, 2) == 0);
    aai_transcript *tr = NULL;
    double t0 = h_now_ms();
    /* 429 means the request was refused, so even a create is repeated. */
    CHECK_STATUS(aai_transcriber_submit_url(f.t, "https://x/a.wav", NULL, &tr), AAI_OK);
    CHECK(h_now_ms() - t0 >= 950);
    CHECK(f.s.served == 2);
    aai_transcript_free(tr);
    h_raw_close(&f);
}

static void *fail_in_thread(void *arg) {
    (void)arg;
    aai_client_new(NULL);
    return (void *)(intptr_t)aai_last_error_status();
}

static void test_last_error_is_per_thread(void) {
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    CHECK_STATUS(aai_config_set_json(cfg, "{oops"), AAI_ERR_INVALID_ARGUMENT);
    char mine[256];
    snprintf(mine, sizeof mine, "%s", aai_last_error_message());
    pthread_t th;
    void *other = NULL;
    pthread_create(&th, NULL, fail_in_thread, NULL);
    pthread_join(th, &other);
    CHECK((aai_status)(intptr_t)other == AAI_ERR_INVALID_ARGUMENT);
    CHECK_STR(aai_last_error_message(), mine);
    /* A successful call does not clear the last error. */
    CHECK_STATUS(aai_config_set_punctuate(cfg, 1), AAI_OK);
    CHECK_STR(aai_last_error_message(), mine);
    aai_config_free(cfg);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    RUN(test_version);
    RUN(test_null_arguments);
    RUN(test_freed_and_foreign_handles);
    RUN(test_objects_outlive_their_client);
    RUN(test_settings_validation);
    RUN(test_config_json);
    RUN(test_server_unreachable);
    RUN(test_no_api_key);
    RUN(test_api_key_from_environment);
    RUN(test_timeout);
    RUN(test_malformed_json);
    RUN(test_http_error_text);
    RUN(test_get_retried_after_503);
    RUN(test_create_not_repeated_after_500);
    RUN(test_retry_after_honoured);
    RUN(test_last_error_is_per_thread);
    return h_finish();
}
