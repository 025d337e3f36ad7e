/* Security probe for tests/security/test_no_key_leak.sh. With the API key from $AAI_TEST_API_KEY
   (a distinctive canary) it:
   1. drives every kind of failure the library reports (the server refusing the key, a server
      that echoes the key back in its error text, broken connections, timeouts, bad JSON,
      streaming refusals) and PRINTS every error message, so that the calling script's grep
      for the key covers them;
   2. checks that plain http:// (and ws://) to a host that is not loopback is refused, also
      when the URL is written to look like loopback;
   3. checks that aai_transcriber_save_redacted_audio() writes atomically with mode 0600: a
      failed download leaves an existing file untouched and no temporary file behind.
   Prints "ok - ..." / "not ok - ..." lines and the C suites' closing line. */
#include "../c/harness.h"
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static void show(const char *what, aai_status s) {
    /* Everything the thread's last error holds, for the grep. */
    printf("  [%s] %s: %s | http %d | server text: %s\n", what, aai_status_name(s), aai_last_error_message(),
           aai_last_error_http_status(), aai_last_error_server_text() ? aai_last_error_server_text() : "(none)");
}

static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }
static int adm(const char *method, const char *path, const char *body) {
    char url[256];
    snprintf(url, sizeof url, "%s%s", h_server_url, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    CURLcode rc = curl_easy_perform(c);
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    curl_easy_cleanup(c);
    return rc == CURLE_OK && st == 200 ? 0 : -1;
}

/* 1. Error paths, each message printed. */
static void test_error_messages_carry_no_key(void) {
    const char *key = h_api_key;
    char echo[1024];
    /* A server that quotes the key back in its error body (a misbehaving proxy could). */
    char body[400];
    snprintf(body, sizeof body, "{\"error\": \"Invalid API key: %s\"}", key);
    snprintf(echo, sizeof echo, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n%s", strlen(body), body);
    const char *responses[] = {echo};
    h_raw_server raw;
    CHECK(h_raw_start(&raw, responses, 1) == 0);
    aai_client *c = h_raw_client(&raw);
    aai_client_set_api_key(c, key);
    aai_client_set_max_retries(c, 0);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    aai_transcript *tr = NULL;
    aai_status s = aai_transcriber_get(t, "abc", &tr);
    show("server echoes the key", s);
    CHECK(s == AAI_ERR_AUTH);
    CHECK(!strstr(aai_last_error_message(), key));
    CHECK(!aai_last_error_server_text() || !strstr(aai_last_error_server_text(), key));
    aai_transcriber_free(t);
    aai_client_free(c);
    h_raw_stop(&raw);

    /* The local server: a wrong key, then the right key with faults. */
    aai_client *bad = h_client();
    char wrong[256];
    snprintf(wrong, sizeof wrong, "%sX", key);   /* contains the key as a prefix */
    aai_client_set_api_key(bad, wrong);
    aai_transcriber_new(bad, NULL, &t);
    s = aai_transcriber_get(t, "abc", &tr);
    show("wrong key", s);
    CHECK(s == AAI_ERR_AUTH);
    aai_transcriber_free(t);
    aai_client_free(bad);

    aai_client *good = h_client();
    aai_client_set_http_timeout_ms(good, 300);
    aai_client_set_max_retries(good, 0);
    aai_transcriber_new(good, NULL, &t);
    static const char *faults[] = {
        "{\"kind\":\"status\",\"status\":500,\"count\":-1}",
        "{\"kind\":\"status\",\"status\":429,\"count\":-1}",
        "{\"kind\":\"reset\",\"count\":-1}",
        "{\"kind\":\"truncate\",\"count\":-1}",
        "{\"kind\":\"malformed_json\",\"count\":-1}",
        "{\"kind\":\"hang\",\"delay_ms\":1000,\"count\":-1}",
    };
    char wav[] = "/tmp/aai-leak-probe.wav";
    h_write_wav(wav, "Hello there.", 0.3);
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
        adm("DELETE", "/_local/faults", NULL);
        CHECK(adm("POST", "/_local/faults", faults[i]) == 0);
        char *url = NULL;
        show(faults[i], aai_transcriber_upload_file(t, wav, &url));
        show(faults[i], aai_transcriber_submit_url(t, "https://example.org/a.wav", NULL, &tr));
        show(faults[i], aai_transcriber_get(t, "abc", &tr));
        show(faults[i], aai_transcriber_delete(t, "abc", &tr));
        char *tok = NULL;
        show(faults[i], aai_streaming_create_token_v3(good, NULL, 60, 0, &tok));
        aai_lemur_response *lr = NULL;
        show(faults[i], aai_lemur_get_response(good, "abc", &lr));
    }
    adm("DELETE", "/_local/faults", NULL);
    /* A transcript that fails on the server, and a file that does not exist. */
    s = aai_transcriber_transcribe_url(t, "https://example.org/missing.wav", NULL, &tr);
    show("failed transcript", s);
    aai_transcript_free(tr);
    tr = NULL;
    show("missing file", aai_transcriber_transcribe_file(t, "/nonexistent/a.wav", NULL, &tr));
    aai_transcriber_free(t);
    aai_client_free(good);

    /* Streaming: refused with the wrong key (v2 4001, v3 1008), and a temporary token. */
    for (int p = 2; p <= 3; p++) {
        aai_client *sc = h_client();
        aai_client_set_api_key(sc, wrong);
        aai_streaming *ss = NULL;
        aai_streaming_new(sc, p == 3 ? AAI_STREAMING_V3 : AAI_STREAMING_V2, &ss);
        s = aai_streaming_connect(ss);
        show(p == 3 ? "v3 wrong key" : "v2 wrong key", s);
        CHECK(s == AAI_ERR_AUTH);
        char *u = NULL;
        aai_streaming_url(ss, &u);
        printf("  [streaming url] %s\n", u ? u : "");
        CHECK(u && !strstr(u, key));
        aai_string_free(u);
        aai_streaming_free(ss);
        aai_client_free(sc);
    }
    aai_client *tc = h_client();
    char *tok = NULL;
    if (aai_streaming_create_token_v3(tc, NULL, 60, 0, &tok) == AAI_OK) {
        aai_streaming *ss = NULL;
        aai_streaming_new(tc, AAI_STREAMING_V3, &ss);
        aai_streaming_set_token(ss, tok);
        char *u = NULL;
        aai_streaming_url(ss, &u);
        printf("  [streaming url with token] %s\n", u ? u : "");
        CHECK(u && !strstr(u, tok));      /* the token is shown as *** */
        aai_string_free(u);
        aai_streaming_free(ss);
    }
    aai_string_free(tok);
    aai_client_free(tc);
    unlink(wav);
}

/* 2. Plain http:// (ws://) only to loopback. */
static void test_plain_http_only_to_loopback(void) {
    static const char *refused[] = {
        "http://example.com", "http://api.assemblyai.com", "http://10.0.0.1:8080", "http://192.168.1.1",
        "http://127.0.0.1.evil.com", "http://localhost.evil.com", "http://evil.com/127.0.0.1",
        "http://127.0.0.1@evil.com", "http://localhost:80@evil.com", "http://[::1]@evil.com",
        "http://evil.com#@127.0.0.1", "http://evil.com?@127.0.0.1", "http://0x7f000001", "http://127.1",
        "http://[::ffff:10.0.0.1]", "HTTP://EXAMPLE.COM", "ftp://127.0.0.1", "file:///etc/passwd", "http://",
        "http:/127.0.0.1", "httpx://127.0.0.1", "",
    };
    static const char *accepted[] = {"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.0.0.2",
                                     "https://example.com", "HTTP://127.0.0.1:1"};
    aai_client *c = NULL;
    aai_client_new(&c);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        aai_status s = aai_client_set_base_url(c, refused[i]);
        if (s != AAI_ERR_INVALID_ARGUMENT) { h_current_failed = 1; fprintf(stderr, "  FAIL base URL %s accepted\n", refused[i]); }
        s = aai_client_set_llm_gateway_base_url(c, refused[i]);
        if (s != AAI_ERR_INVALID_ARGUMENT) { h_current_failed = 1; fprintf(stderr, "  FAIL gateway URL %s accepted\n", refused[i]); }
    }
    for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++)
        CHECK_STATUS(aai_client_set_base_url(c, accepted[i]), AAI_OK);
    /* ws:// likewise, for streaming sessions. */
    aai_streaming *ss = NULL;
    aai_client_set_api_key(c, h_api_key);
    aai_streaming_new(c, AAI_STREAMING_V3, &ss);
    static const char *ws_refused[] = {"ws://example.com", "ws://127.0.0.1.evil.com", "ws://127.0.0.1@evil.com",
                                       "http://example.com", "ws://evil.com#@127.0.0.1"};
    for (size_t i = 0; i < sizeof ws_refused / sizeof *ws_refused; i++) {
        aai_status s = aai_streaming_set_url(ss, ws_refused[i]);
        if (s != AAI_ERR_INVALID_ARGUMENT) { h_current_failed = 1; fprintf(stderr, "  FAIL streaming URL %s accepted\n", ws_refused[i]); }
    }
    CHECK_STATUS(aai_streaming_set_url(ss, "ws://127.0.0.1:1"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_url(ss, "wss://example.com"), AAI_OK);
    aai_streaming_free(ss);
    aai_client_free(c);

    /* A list page URL on another host is refused (the key would go there). */
    aai_client *lc = h_client();
    aai_transcriber *t = NULL;
    aai_transcriber_new(lc, NULL, &t);
    aai_transcript_list *l = NULL;
    aai_status s = aai_transcriber_list_page(t, "https://example.com/v2/transcript?limit=1", &l);
    show("list page on another host", s);
    CHECK(s == AAI_ERR_INVALID_ARGUMENT);
    aai_transcriber_free(t);
    aai_client_free(lc);

    /* A redacted-audio URL with plain http to another host is refused before connecting. */
    char body[] = "{\"status\": \"redacted_audio_ready\", \"redacted_audio_url\": \"http://example.com/a.wav\"}";
    char resp[512];
    snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    const char *responses[] = {resp};
    h_raw_server raw;
    CHECK(h_raw_start(&raw, responses, 1) == 0);
    aai_client *rc = h_raw_client(&raw);
    aai_client_set_api_key(rc, h_api_key);
    aai_transcriber_new(rc, NULL, &t);
    char dir[] = "/tmp/aai-leak-dl-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/out.wav", dir);
    s = aai_transcriber_save_redacted_audio(t, "abc", path);
    show("redacted audio over plain http", s);
    CHECK(s == AAI_ERR_INVALID_ARGUMENT);
    CHECK(access(path, F_OK) != 0);
    rmdir(dir);
    aai_transcriber_free(t);
    aai_client_free(rc);
    h_raw_stop(&raw);
}

/* 3. Downloads land atomically, mode 0600, and a failure leaves what was there. */
static int count_files(const char *dir) {
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}
static void test_download_atomic_0600(void) {
    aai_client *c = h_client();
    aai_client_set_max_retries(c, 0);
    aai_client_set_http_timeout_ms(c, 500);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    char wav[] = "/tmp/aai-leak-redact.wav";
    h_write_wav(wav, "A: Hello, my name is Bob Smith.", 2.0);
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    const char *policies[] = {"person_name"};
    aai_config_set_redact_pii(cfg, 1, policies, 1, "hash", 1, "wav");
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_file(t, wav, cfg, &tr), AAI_OK);
    char id[64] = "";
    if (tr) snprintf(id, sizeof id, "%s", aai_transcript_id(tr));
    aai_transcript_free(tr);
    char dir[] = "/tmp/aai-leak-dl-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/redacted.wav", dir);
    mode_t old = umask(0);   /* even with a permissive umask */
    CHECK_STATUS(aai_transcriber_save_redacted_audio(t, id, path), AAI_OK);
    umask(old);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size > 44);
    CHECK(count_files(dir) == 1);
    /* A download that breaks in the middle (every attempt) leaves the earlier file as it was. */
    FILE *f = fopen(path, "wb");
    fputs("previous content", f);
    fclose(f);
    static const char *faults[] = {"{\"kind\":\"reset\",\"path\":\"/_local/redacted-audio/\",\"count\":-1,\"at_byte\":100}",
                                   "{\"kind\":\"truncate\",\"path\":\"/_local/redacted-audio/\",\"count\":-1,\"at_byte\":100}",
                                   "{\"kind\":\"status\",\"status\":503,\"path\":\"/_local/redacted-audio/\",\"count\":-1}",
                                   "{\"kind\":\"hang\",\"delay_ms\":2000,\"path\":\"/_local/redacted-audio/\",\"count\":-1}"};
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
        adm("DELETE", "/_local/faults", NULL);
        CHECK(adm("POST", "/_local/faults", faults[i]) == 0);
        aai_status s = aai_transcriber_save_redacted_audio(t, id, path);
        show(faults[i], s);
        CHECK(s != AAI_OK);
        size_t n = 0;
        unsigned char *content = h_read_file(path, &n);
        CHECK(content && n == strlen("previous content") && memcmp(content, "previous content", n) == 0);
        free(content);
        CHECK(count_files(dir) == 1);   /* no temporary file left */
    }
    adm("DELETE", "/_local/faults", NULL);
    /* A folder that cannot be written: an I/O error, nothing created. */
    CHECK_STATUS(aai_transcriber_save_redacted_audio(t, id, "/proc/aai-cannot-write/x.wav"), AAI_ERR_IO);
    unlink(path);
    rmdir(dir);
    unlink(wav);
    aai_config_free(cfg);
    aai_transcriber_free(t);
    aai_client_free(c);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (!getenv("AAI_TEST_API_KEY")) { fprintf(stderr, "set AAI_TEST_API_KEY to a distinctive key\n"); return 2; }
    if (h_start_server("--redacted-audio-ms 10") != 0) return 1;
    RUN(test_error_messages_carry_no_key);
    RUN(test_plain_http_only_to_loopback);
    RUN(test_download_atomic_0600);
    return h_finish();
}
