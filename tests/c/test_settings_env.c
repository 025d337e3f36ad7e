/* aai_client_new reads the ASSEMBLYAI_* environment variables as the official Python SDK's
   Settings does: a program pointed at the local server by ASSEMBLYAI_BASE_URL talks to it, and a
   bad value is an error naming the variable, never silently ignored. */
#include "harness.h"

static const char *const VARS[] = {
    "ASSEMBLYAI_API_KEY", "ASSEMBLYAI_BASE_URL", "ASSEMBLYAI_HTTP_TIMEOUT", "ASSEMBLYAI_POLLING_INTERVAL",
    "ASSEMBLYAI_LLM_GATEWAY_BASE_URL", "ASSEMBLYAI_LLM_GATEWAY_HTTP_TIMEOUT", "ASSEMBLYAI_STREAMING_BASE_URL",
    "ASSEMBLYAI_POLLING_TIMEOUT", "ASSEMBLYAI_MAX_RETRIES", "assemblyai_base_url",
    "ASSEMBLYAI_SYNC_BASE_URL", "ASSEMBLYAI_SYNC_HTTP_TIMEOUT", "ASSEMBLYAI_SYNC_LIVE_HTTP_TIMEOUT",
    "ASSEMBLYAI_DICTATION_BASE_URL", "ASSEMBLYAI_DICTATION_HTTP_TIMEOUT", "ASSEMBLYAI_TTS_BASE_URL",
    "ASSEMBLYAI_TTS_HTTP_TIMEOUT", "ASSEMBLYAI_TTS_SYNTHESIZE_HTTP_TIMEOUT",
};

static void clear_env(void) {
    for (size_t i = 0; i < sizeof VARS / sizeof VARS[0]; i++) unsetenv(VARS[i]);
}

/* The variable's error: aai_client_new fails, *out is NULL, the message names the variable. */
static void expect_rejected(const char *name, const char *value) {
    clear_env();
    setenv(name, value, 1);
    aai_client *c = (aai_client *)1;
    CHECK_STATUS(aai_client_new(&c), AAI_ERR_INVALID_ARGUMENT);
    CHECK(c == NULL);
    CHECK_CONTAINS(aai_last_error_message(), name);
    aai_client_free(c);
    clear_env();
}

/* Lists transcripts through `c` (freed here): only the local server knows the test key, so
   an answer proves the client used its base URL and key. */
static void check_reaches_local_server(aai_client *c) {
    aai_transcriber *t = NULL;
    aai_transcript_list *page = NULL;
    CHECK_STATUS(aai_transcriber_new(c, NULL, &t), AAI_OK);
    CHECK_STATUS(aai_transcriber_list(t, 1, NULL, NULL, NULL, NULL, -1, &page), AAI_OK);
    CHECK(page != NULL);
    aai_transcript_list_free(page);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_base_url_and_key_from_env_reach_the_local_server(void) {
    clear_env();
    setenv("ASSEMBLYAI_API_KEY", h_api_key, 1);
    setenv("ASSEMBLYAI_BASE_URL", h_server_url, 1);
    aai_client *c = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    check_reaches_local_server(c);
    clear_env();
}

static void test_names_match_in_any_case(void) {
    clear_env();
    setenv("ASSEMBLYAI_API_KEY", h_api_key, 1);
    setenv("assemblyai_base_url", h_server_url, 1);
    aai_client *c = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    check_reaches_local_server(c);
    clear_env();
}

static void test_setters_override_the_environment(void) {
    clear_env();
    setenv("ASSEMBLYAI_BASE_URL", "https://example.invalid", 1);
    aai_client *c = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    CHECK_STATUS(aai_client_set_api_key(c, h_api_key), AAI_OK);
    CHECK_STATUS(aai_client_set_base_url(c, h_server_url), AAI_OK);
    check_reaches_local_server(c);
    clear_env();
}

/* ASSEMBLYAI_HTTP_TIMEOUT (seconds) bounds a request to a server that never answers, and
   ASSEMBLYAI_MAX_RETRIES=0 sends it once. */
static void test_http_timeout_and_retries_from_env(void) {
    const char *responses[] = {NULL};
    h_raw_server s;
    CHECK(h_raw_start(&s, responses, 1) == 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    clear_env();
    setenv("ASSEMBLYAI_API_KEY", "raw-key", 1);
    setenv("ASSEMBLYAI_BASE_URL", url, 1);
    setenv("ASSEMBLYAI_HTTP_TIMEOUT", "0.3", 1);
    setenv("ASSEMBLYAI_MAX_RETRIES", "0", 1);
    aai_client *c = NULL;
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    CHECK_STATUS(aai_transcriber_new(c, NULL, &t), AAI_OK);
    double t0 = h_now_ms();
    CHECK_STATUS(aai_transcriber_get(t, "abc", &tr), AAI_ERR_TIMEOUT);
    double took = h_now_ms() - t0;
    CHECK(took < 2500);   /* 0.3 s, not the default 30 s (the server holds for 3 s) */
    CHECK(s.served == 1);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
    h_raw_stop(&s);
    clear_env();
}

static void test_empty_variables_keep_defaults(void) {
    clear_env();
    setenv("ASSEMBLYAI_BASE_URL", "", 1);
    setenv("ASSEMBLYAI_HTTP_TIMEOUT", "", 1);
    aai_client *c = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    CHECK(c != NULL);
    aai_client_free(c);
    clear_env();
}

static void test_bad_values_name_the_variable(void) {
    expect_rejected("ASSEMBLYAI_BASE_URL", "api.assemblyai.com");              /* no scheme */
    expect_rejected("ASSEMBLYAI_BASE_URL", "http://api.assemblyai.com");       /* plain http, not loopback */
    expect_rejected("assemblyai_base_url", "ftp://127.0.0.1");
    expect_rejected("ASSEMBLYAI_HTTP_TIMEOUT", "thirty");
    expect_rejected("ASSEMBLYAI_HTTP_TIMEOUT", "0");
    expect_rejected("ASSEMBLYAI_HTTP_TIMEOUT", "-1");
    expect_rejected("ASSEMBLYAI_HTTP_TIMEOUT", "nan");
    expect_rejected("ASSEMBLYAI_POLLING_INTERVAL", "1e99");
    expect_rejected("ASSEMBLYAI_LLM_GATEWAY_BASE_URL", "llm-gateway.assemblyai.com");
    expect_rejected("ASSEMBLYAI_LLM_GATEWAY_HTTP_TIMEOUT", "10s");
    expect_rejected("ASSEMBLYAI_STREAMING_BASE_URL", "wss://streaming.assemblyai.com/v3/ws");  /* a path */
    expect_rejected("ASSEMBLYAI_POLLING_TIMEOUT", "-5");
    expect_rejected("ASSEMBLYAI_MAX_RETRIES", "101");
    expect_rejected("ASSEMBLYAI_MAX_RETRIES", "2.5");
    expect_rejected("ASSEMBLYAI_SYNC_BASE_URL", "sync.assemblyai.com");
    expect_rejected("ASSEMBLYAI_DICTATION_BASE_URL", "http://dictation.assemblyai.com");
    expect_rejected("ASSEMBLYAI_TTS_BASE_URL", "tts.us.assemblyai.com");
    expect_rejected("ASSEMBLYAI_SYNC_HTTP_TIMEOUT", "0");
    expect_rejected("ASSEMBLYAI_SYNC_LIVE_HTTP_TIMEOUT", "soon");
    expect_rejected("ASSEMBLYAI_DICTATION_HTTP_TIMEOUT", "-3");
    expect_rejected("ASSEMBLYAI_TTS_HTTP_TIMEOUT", "nan");
    expect_rejected("ASSEMBLYAI_TTS_SYNTHESIZE_HTTP_TIMEOUT", "1 minute");
}

static void test_api_key_never_in_a_message(void) {
    clear_env();
    setenv("ASSEMBLYAI_API_KEY", "secret-key-12345", 1);
    setenv("ASSEMBLYAI_HTTP_TIMEOUT", "x", 1);
    aai_client *c = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_ERR_INVALID_ARGUMENT);
    CHECK(strstr(aai_last_error_message(), "secret-key-12345") == NULL);
    clear_env();
}

/* The Text-to-Speech host comes from the same table as every other variable: a synthesis with
   only the environment pointing at the local server reaches it (the default host would not). */
static void test_tts_host_from_env_reaches_the_local_server(void) {
    clear_env();
    setenv("ASSEMBLYAI_API_KEY", h_api_key, 1);
    setenv("ASSEMBLYAI_TTS_BASE_URL", h_server_url, 1);
    setenv("ASSEMBLYAI_TTS_HTTP_TIMEOUT", "10", 1);
    aai_client *c = NULL;
    CHECK_STATUS(aai_client_new(&c), AAI_OK);
    aai_tts_result *res = NULL;
    CHECK_STATUS(aai_tts_synthesize(c, "Hello from the environment.", NULL, &res), AAI_OK);
    CHECK(res != NULL);
    aai_tts_result_free(res);
    aai_client_free(c);
    clear_env();
}

int main(void) {
    if (h_start_server(NULL) != 0) return 1;
    RUN(test_base_url_and_key_from_env_reach_the_local_server);
    RUN(test_names_match_in_any_case);
    RUN(test_setters_override_the_environment);
    RUN(test_http_timeout_and_retries_from_env);
    RUN(test_empty_variables_keep_defaults);
    RUN(test_bad_values_name_the_variable);
    RUN(test_tts_host_from_env_reaches_the_local_server);
    RUN(test_api_key_never_in_a_message);
    return h_finish();
}
