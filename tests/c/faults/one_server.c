/* test_faults, part 7: tests outside the matrix, on one server (main_srv): Retry-After, the
   polling deadline, creates that must not be repeated, a lying Content-Length, slow uploads.
   A new test of an HTTP failure that the matrix cannot express goes here (and a RUN line in
   test_faults.c's main). Included by test_faults.c. */

static server main_srv;
static aai_client *main_client(long timeout_ms, int retries) {
    aai_client *c = NULL;
    aai_client_new(&c);
    aai_client_set_api_key(c, h_api_key);
    aai_client_set_base_url(c, main_srv.url);
    aai_client_set_llm_gateway_base_url(c, main_srv.url);
    aai_client_set_polling_interval_ms(c, 20);
    aai_client_set_http_timeout_ms(c, timeout_ms);
    aai_client_set_max_retries(c, retries);
    return c;
}

static int count_hits(const char *method, const char *regex) {
    static rec recs[512];
    int n = read_requests(main_srv.url, recs, 512), hits = 0;
    for (int i = 0; i < n; i++) hits += !strcmp(recs[i].method, method) && path_matches(regex, recs[i].path);
    return hits;
}

static void arm(const char *json) {
    adm_ok(main_srv.url, "DELETE", "/_local/faults", NULL);
    adm_ok(main_srv.url, "DELETE", "/_local/requests", NULL);
    CHECK(adm_ok(main_srv.url, "POST", "/_local/faults", json) == 0);
}

/* Retry-After is honoured on GET and on a refused create: the wait is at least what it says. */
static void test_retry_after_honoured(void) {
    aai_client *c = main_client(T_MS, 2);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    char path[] = "/tmp/aai-faults-ra.wav";
    h_write_wav(path, "Hello.", 0.3);
    char *url = NULL;
    CHECK_STATUS(aai_transcriber_upload_file(t, path, &url), AAI_OK);
    aai_transcript *tr = NULL;
    arm("{\"kind\":\"status\",\"status\":429,\"retry_after\":1,\"method\":\"POST\",\"path\":\"/v2/transcript\",\"path_regex\":\"^/v2/transcript$\"}");
    double t0 = h_now_ms();
    CHECK_STATUS(aai_transcriber_submit_url(t, url, NULL, &tr), AAI_OK);
    double took = h_now_ms() - t0;
    CHECK(took >= 990 && took < 1000 + 1500);
    CHECK(count_hits("POST", "^/v2/transcript$") == 2);
    char id[64] = "";
    if (tr) snprintf(id, sizeof id, "%s", aai_transcript_id(tr));
    aai_transcript_free(tr);
    tr = NULL;
    arm("{\"kind\":\"status\",\"status\":503,\"retry_after\":2,\"method\":\"GET\",\"path_regex\":\"^/v2/transcript/[^/]+$\"}");
    t0 = h_now_ms();
    CHECK_STATUS(aai_transcriber_get(t, id, &tr), AAI_OK);
    took = h_now_ms() - t0;
    CHECK(took >= 1990 && took < 2000 + 1500);
    aai_transcript_free(tr);
    tr = NULL;
    /* Two 429s in a row: each wait honours its own Retry-After. */
    arm("{\"kind\":\"status\",\"status\":429,\"retry_after\":1,\"count\":2,\"method\":\"GET\",\"path_regex\":\"^/v2/transcript/[^/]+$\"}");
    t0 = h_now_ms();
    CHECK_STATUS(aai_transcriber_get(t, id, &tr), AAI_OK);
    took = h_now_ms() - t0;
    CHECK(took >= 1990 && took < 2000 + 2000);
    CHECK(count_hits("GET", "^/v2/transcript/[^/]+$") == 3);
    aai_transcript_free(tr);
    adm_ok(main_srv.url, "DELETE", "/_local/faults", NULL);
    aai_string_free(url);
    unlink(path);
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* A wait that reaches the polling deadline returns AAI_ERR_TIMEOUT with the transcript. */
static void test_wait_deadline_returns_transcript(void) {
    aai_client *c = main_client(T_MS, 1);
    aai_client_set_polling_timeout_ms(c, 150);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    char path[] = "/tmp/aai-faults-deadline.wav";
    h_write_wav(path, "Hello.", 0.3);
    /* The transcript stays queued: every poll is answered late but within the HTTP timeout. */
    arm("{\"kind\":\"delay\",\"delay_ms\":100,\"count\":-1,\"method\":\"GET\",\"path_regex\":\"^/v2/transcript/[^/]+$\"}");
    aai_transcript *tr = NULL;
    double t0 = h_now_ms();
    aai_status s = aai_transcriber_transcribe_file(t, path, NULL, &tr);
    double took = h_now_ms() - t0;
    CHECK(s == AAI_ERR_TIMEOUT || s == AAI_OK);
    CHECK(took < 150 + 2 * T_MS + 1500);
    CHECK(tr != NULL && aai_transcript_id(tr) && *aai_transcript_id(tr));
    if (s == AAI_ERR_TIMEOUT) CHECK_CONTAINS(aai_last_error_message(), "polling timeout");
    CHECK(count_hits("POST", "^/v2/transcript$") == 1);
    aai_transcript_free(tr);
    adm_ok(main_srv.url, "DELETE", "/_local/faults", NULL);
    unlink(path);
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* A create that times out after the server handled it: one transcript on the server, an error
   that says so, and no second POST (the server's list has exactly one more transcript). */
static void test_create_timeout_not_duplicated(void) {
    aai_client *c = main_client(T_MS, 3);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    aai_transcript_list *before = NULL, *after = NULL;
    CHECK_STATUS(aai_transcriber_list(t, 200, NULL, NULL, NULL, NULL, -1, &before), AAI_OK);
    arm("{\"kind\":\"hang\",\"phase\":\"after\",\"delay_ms\":3000,\"method\":\"POST\",\"path_regex\":\"^/v2/transcript$\"}");
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_transcriber_submit_url(t, "https://example.org/a.wav", NULL, &tr), AAI_ERR_TIMEOUT);
    CHECK_CONTAINS(aai_last_error_message(), "may have received");
    CHECK(aai_last_error_retryable() == 1);
    CHECK(tr == NULL);
    CHECK(count_hits("POST", "^/v2/transcript$") == 1);
    adm_ok(main_srv.url, "DELETE", "/_local/faults", NULL);
    CHECK_STATUS(aai_transcriber_list(t, 200, NULL, NULL, NULL, NULL, -1, &after), AAI_OK);
    CHECK(aai_transcript_list_result_count(after) == aai_transcript_list_result_count(before) + 1);
    aai_transcript_list_free(before);
    aai_transcript_list_free(after);
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* A create on a kept-alive connection that the server closes without answering, after it
   created the transcript: libcurl would re-send the POST by itself on a new connection (it does
   so for any request on a reused connection that died before an answer), making a second
   transcript. The library uses a fresh connection for creates, so it reaches the server once. */
static void test_create_not_resent_on_reused_connection(void) {
    aai_client *c = main_client(2000, 0);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    for (int round = 0; round < 2; round++) {
        aai_transcript_list *l = NULL;
        CHECK_STATUS(aai_transcriber_list(t, 1, NULL, NULL, NULL, NULL, -1, &l), AAI_OK);   /* a connection to reuse */
        aai_transcript_list_free(l);
        arm("{\"kind\":\"hang\",\"phase\":\"after\",\"delay_ms\":100,\"method\":\"POST\",\"path_regex\":\"^/v2/transcript$\"}");
        aai_transcript *tr = NULL;
        aai_status s = round == 0 ? aai_transcriber_submit_url(t, "https://example.org/a.wav", NULL, &tr)
                                  : (aai_client_set_max_retries(c, 3), aai_transcriber_submit_url(t, "https://example.org/a.wav", NULL, &tr));
        CHECK_STATUS(s, AAI_ERR_CONNECTION);
        CHECK_CONTAINS(aai_last_error_message(), "may have received");
        CHECK(count_hits("POST", "^/v2/transcript$") == 1);
        aai_transcript_free(tr);
    }
    adm_ok(main_srv.url, "DELETE", "/_local/faults", NULL);
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* The create call is repeated when the first attempt provably never reached a server. */
static void test_create_repeated_only_when_never_sent(void) {
    /* A port nobody listens on: connection refused, retried (max_retries + 1 attempts, quickly). */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", h_free_port());
    aai_client *c = NULL;
    aai_client_new(&c);
    aai_client_set_api_key(c, h_api_key);
    aai_client_set_base_url(c, url);
    aai_client_set_max_retries(c, 2);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    aai_transcript *tr = NULL;
    double t0 = h_now_ms();
    CHECK_STATUS(aai_transcriber_submit_url(t, "https://example.org/a.wav", NULL, &tr), AAI_ERR_CONNECTION);
    double took = h_now_ms() - t0;
    CHECK(took >= 125 + 250 && took < 3000);   /* two backoffs: it was retried */
    CHECK_CONTAINS(aai_last_error_message(), "could not connect");
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* A Content-Length the body never backs (the server's word, untrusted) makes no large
   allocation: the process's peak virtual size does not jump by the announced gigabyte. */
static long vm_peak_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmPeak:", 7) == 0) kb = atol(line + 7);
    if (f) fclose(f);
    return kb;
}
static void test_lying_content_length_bounded(void) {
    static const char *responses[] = {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\nConnection: close\r\n\r\n{\"id\": ",
    };
    h_raw_server raw;
    CHECK(h_raw_start(&raw, responses, 1) == 0);
    aai_client *c = h_raw_client(&raw);
    aai_client_set_max_retries(c, 0);
    aai_client_set_http_timeout_ms(c, 2000);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    aai_transcript *tr = NULL;
    long before = vm_peak_kb();
    CHECK_STATUS(aai_transcriber_get(t, "abc", &tr), AAI_ERR_CONNECTION);
    long after = vm_peak_kb();
    CHECK(after - before < 256 * 1024);
    if (after - before >= 256 * 1024) fprintf(stderr, "  VmPeak grew by %ld KiB\n", after - before);
    aai_transcriber_free(t);
    aai_client_free(c);
    h_raw_stop(&raw);
}

/* Slow uploads are not cut off by the HTTP timeout (it bounds stalls, not the whole upload). */
static int64_t slow_read(void *dst, size_t cap, void *u) {
    int *left = u;
    if (*left <= 0) return 0;
    usleep(150 * 1000);
    size_t n = cap < 4000 ? cap : 4000;
    memset(dst, 0, n);
    (*left)--;
    return (int64_t)n;
}
static void test_slow_stream_upload_not_cut_off(void) {
    aai_client *c = main_client(300, 0);
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    adm_ok(main_srv.url, "DELETE", "/_local/faults", NULL);
    int left = 6;   /* ~0.9 s in all, 3x the timeout */
    char *url = NULL;
    CHECK_STATUS(aai_transcriber_upload_stream(t, slow_read, &left, 0, &url), AAI_OK);
    aai_string_free(url);
    aai_transcriber_free(t);
    aai_client_free(c);
}
