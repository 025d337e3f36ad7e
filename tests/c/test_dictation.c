/* The Dictation API from C against the local server (served under /dictation): the LLM rewrite
   and final_text, the config the API takes (anything else refused before sending), live
   sessions, faults. It shares the Sync API's calls, tested in test_sync.c. */
#include "harness.h"
#include <curl/curl.h>

static char wav_path[256], mp3_path[256];
static const char *TEXT = "Dictated note for the visit.";

static char *admin(const char *method, const char *path, const char *body) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", h_server_url, path);
    return h_http(method, url, body, NULL, NULL);
}

static aai_sync_transcriber *new_dictation(aai_client **client) {
    *client = h_client();
    char url[300];
    snprintf(url, sizeof url, "%s/dictation", h_server_url);
    aai_client_set_dictation_base_url(*client, url);
    aai_sync_transcriber *t = NULL;
    aai_dictation_transcriber_new(*client, &t);
    return t;
}

static void test_rewrite_and_final_text(void) {
    free(admin("DELETE", "/_local/requests", NULL));
    aai_client *c;
    aai_sync_transcriber *t = new_dictation(&c);
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_OK);
    CHECK_STR(aai_sync_result_text(r), TEXT);
    CHECK_STR(aai_dictation_result_final_text(r), TEXT);
    CHECK(aai_dictation_result_llm_response(r) == NULL);
    CHECK(aai_dictation_result_llm_error(r) == NULL);
    aai_sync_result_free(r);
    aai_sync_config *cfg = NULL;
    aai_sync_config_new(&cfg);
    CHECK_STATUS(aai_sync_config_set_string(cfg, "llm_instruction", "Make it uppercase."), AAI_OK);
    CHECK_STATUS(aai_sync_config_set_string(cfg, "rewrite_mode", "smart"), AAI_OK);
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg, &r), AAI_OK);
    CHECK_STR(aai_dictation_result_final_text(r), "DICTATED NOTE FOR THE VISIT.");
    CHECK_STR(aai_dictation_result_llm_response(r), "DICTATED NOTE FOR THE VISIT.");
    CHECK_STR(aai_sync_result_text(r), TEXT);
    aai_sync_result_free(r);
    aai_sync_config_set_string(cfg, "llm_instruction", "FAIL_LLM");
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg, &r), AAI_OK);
    CHECK_STR(aai_dictation_result_final_text(r), TEXT);
    CHECK(aai_dictation_result_llm_error(r) != NULL);
    aai_sync_result_free(r);
    char *rec = admin("GET", "/_local/requests", NULL);
    CHECK_CONTAINS(rec, "\"path\":\"/dictation/v1/transcribe/live\"");
    CHECK(strstr(rec, "x-aai-model") == NULL);
    CHECK_CONTAINS(rec, "{\\\"llm_instruction\\\": \\\"Make it uppercase.\\\", \\\"rewrite_mode\\\": \\\"smart\\\"}");
    free(rec);
    aai_sync_config_free(cfg);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void test_config_refused_before_sending(void) {
    free(admin("DELETE", "/_local/requests", NULL));
    aai_client *c;
    aai_sync_transcriber *t = new_dictation(&c);
    aai_sync_config *cfg = NULL;
    aai_sync_config_new(&cfg);
    aai_sync_config_set_bool(cfg, "timestamps", 1);  /* a Sync-only field */
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "no field 'timestamps'");
    aai_sync_config_set_bool(cfg, "timestamps", -1);
    aai_sync_config_set_string(cfg, "rewrite_mode", "slow");
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg, &r), AAI_ERR_INVALID_ARGUMENT);
    aai_sync_config_set_string(cfg, "rewrite_mode", NULL);
    char big[2050];
    memset(big, 'y', 2049);
    big[2049] = 0;
    aai_sync_config_set_string(cfg, "llm_instruction", big);
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, cfg, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "2048");
    /* A compressed format: refused before anything is sent. */
    CHECK_STATUS(aai_sync_transcribe_file(t, mp3_path, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "MP3");
    char *rec = admin("GET", "/_local/requests", NULL);
    CHECK(strstr(rec, "/dictation/v1/transcribe/live") == NULL);
    free(rec);
    aai_sync_config_free(cfg);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

static void test_live_and_faults(void) {
    aai_client *c;
    aai_sync_transcriber *t = new_dictation(&c);
    size_t size = 0;
    unsigned char *wav = h_read_file(wav_path, &size);
    aai_sync_live *live = NULL;
    CHECK_STATUS(aai_sync_live_open(t, "note.wav", NULL, NULL, NULL, &live), AAI_OK);
    for (size_t off = 0; off < size; off += 2048)
        CHECK_STATUS(aai_sync_live_write(live, wav + off, size - off < 2048 ? size - off : 2048), AAI_OK);
    aai_sync_result *r = NULL;
    CHECK_STATUS(aai_sync_live_result(live, &r), AAI_OK);
    CHECK_STR(aai_dictation_result_final_text(r), TEXT);
    aai_sync_result_free(r);
    aai_sync_live_free(live);
    CHECK_STATUS(aai_sync_warm(t), AAI_OK);
    free(admin("POST", "/_local/faults", "{\"path\":\"/dictation/v1/transcribe/live\",\"kind\":\"status\",\"status\":503,\"retry_after\":4}"));
    CHECK_STATUS(aai_sync_transcribe_file(t, wav_path, NULL, &r), AAI_ERR_SERVER);
    CHECK(aai_last_error_http_status() == 503);
    CHECK(aai_last_error_retry_after() == 4);
    CHECK_STR(aai_last_error_api_code(), "service_unavailable");
    /* The connection dropped while a live upload is running: an error, no transcript. */
    free(admin("POST", "/_local/faults", "{\"path\":\"/dictation/v1/transcribe/live\",\"kind\":\"reset\",\"at_byte\":0}"));
    CHECK_STATUS(aai_sync_live_open(t, NULL, NULL, NULL, NULL, &live), AAI_OK);
    aai_sync_live_write(live, wav, size);
    r = NULL;
    CHECK_STATUS(aai_sync_live_result(live, &r), AAI_ERR_CONNECTION);
    CHECK(r == NULL);
    aai_sync_live_free(live);
    free(admin("DELETE", "/_local/faults", NULL));
    free(wav);
    aai_sync_transcriber_free(t);
    aai_client_free(c);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    snprintf(wav_path, sizeof wav_path, "/tmp/aai-dict-test-%d.wav", (int)getpid());
    snprintf(mp3_path, sizeof mp3_path, "/tmp/aai-dict-test-%d.mp3", (int)getpid());
    h_write_wav(wav_path, TEXT, 2.0);
    FILE *f = fopen(mp3_path, "wb");
    fwrite("ID3\3\0\0\0\0\0\0 not really an mp3", 1, 29, f);
    fclose(f);
    RUN(test_rewrite_and_final_text);
    RUN(test_config_refused_before_sending);
    RUN(test_live_and_faults);
    unlink(wav_path);
    unlink(mp3_path);
    return h_finish();
}
