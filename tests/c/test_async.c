/* Non-blocking calls, groups and webhooks through the C ABI, against the local server: callbacks
   fire once with the operation's status on a worker thread; a wait with a timeout returns
   AAI_ERR_TIMEOUT and the operation still completes; cancel stops a polling wait and a request
   in flight promptly; freeing a running future; 32 threads submitting through one transcriber;
   groups with a failing item, with and without return_failures; webhook bodies and auth. */
#include "harness.h"

static char wav_a[256], wav_b[256], noise_path[256], missing_path[256];
static const char *TEXT_A = "hello from the first file";
static const char *TEXT_B = "and this is the second one";

/* ---- a callback that records what it saw (read by the main thread afterwards) ---- */
typedef struct record {
    int calls;                 /* __atomic */
    aai_status status;
    aai_future *future;
    pthread_t thread;
    char message[256];
    int sleep_ms;              /* how long the callback blocks */
    int done;                  /* __atomic: set when the callback returns */
    int free_itself;           /* call aai_future_free on its own future */
    aai_status transcript_status;
    char transcript_id[64];
} record;

static void on_done(aai_future *future, aai_status status, void *user_data) {
    record *r = user_data;
    r->status = status;
    __atomic_store_n(&r->future, future, __ATOMIC_SEQ_CST);   /* read atomically by the main thread */
    r->thread = pthread_self();
    snprintf(r->message, sizeof r->message, "%s", status == AAI_OK ? "" : aai_last_error_message());
    aai_transcript *t = NULL;
    r->transcript_status = aai_future_transcript(future, &t);
    if (t) snprintf(r->transcript_id, sizeof r->transcript_id, "%s", aai_transcript_id(t));
    aai_transcript_free(t);
    if (r->sleep_ms) usleep((useconds_t)r->sleep_ms * 1000);
    if (r->free_itself) aai_future_free(future);
    __atomic_fetch_add(&r->calls, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
}

static int calls(record *r) { return __atomic_load_n(&r->calls, __ATOMIC_SEQ_CST); }

static aai_transcriber *new_transcriber(aai_client *c) {
    aai_transcriber *t = NULL;
    aai_transcriber_new(c, NULL, &t);
    return t;
}

/* ---- futures ---- */

static void test_callback_fires_once_with_ok(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    record r = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_file_async(t, wav_a, NULL, on_done, &r, &f), AAI_OK);
    CHECK(f != NULL);
    aai_status result = AAI_ERR_INTERNAL;
    CHECK_STATUS(aai_future_wait(f, -1, &result), AAI_OK);
    CHECK(result == AAI_OK);
    /* wait returns only after the callback returned */
    CHECK(calls(&r) == 1);
    CHECK(r.status == AAI_OK);
    CHECK(r.future == f);
    CHECK(!pthread_equal(r.thread, pthread_self()));
    CHECK(r.transcript_status == AAI_OK);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_future_transcript(f, &tr), AAI_OK);
    CHECK_STR(aai_transcript_text(tr), TEXT_A);
    CHECK(aai_transcript_get_status(tr) == AAI_TRANSCRIPT_COMPLETED);
    CHECK_STR(aai_transcript_id(tr), r.transcript_id);
    /* waiting again and cancelling a finished future change nothing */
    CHECK_STATUS(aai_future_wait(f, 0, &result), AAI_OK);
    CHECK_STATUS(aai_future_cancel(f), AAI_OK);
    usleep(100 * 1000);
    CHECK(calls(&r) == 1);
    CHECK_STATUS(aai_future_wait(f, 0, &result), AAI_OK);
    CHECK(result == AAI_OK);
    aai_transcript_free(tr);
    aai_future_free(f);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_failed_transcript_and_submit(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    size_t size = 0;
    unsigned char *noise = h_read_file(noise_path, &size);
    record r = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_bytes_async(t, noise, size, NULL, on_done, &r, &f), AAI_OK);
    memset(noise, 0, size);   /* the bytes were copied */
    free(noise);
    aai_status result = AAI_OK;
    CHECK_STATUS(aai_future_wait(f, 10000, &result), AAI_OK);
    CHECK(result == AAI_ERR_TRANSCRIPT);
    CHECK(r.status == AAI_ERR_TRANSCRIPT && calls(&r) == 1);
    CHECK_CONTAINS(r.message, "failed");
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_future_transcript(f, &tr), AAI_ERR_TRANSCRIPT);
    CHECK(tr != NULL);
    CHECK(aai_transcript_get_status(tr) == AAI_TRANSCRIPT_ERROR);
    CHECK(aai_last_error_server_text() != NULL);
    aai_transcript_free(tr);
    aai_future_free(f);

    /* submit: the transcript in its first state, no callback */
    CHECK_STATUS(aai_transcriber_submit_file_async(t, wav_b, NULL, NULL, NULL, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, -1, &result), AAI_OK);
    CHECK(result == AAI_OK);
    tr = NULL;
    CHECK_STATUS(aai_future_transcript(f, &tr), AAI_OK);
    CHECK(aai_transcript_get_status(tr) == AAI_TRANSCRIPT_QUEUED);
    aai_future_free(f);

    /* wait_async and get_async on its id */
    CHECK_STATUS(aai_transcriber_wait_async(t, aai_transcript_id(tr), NULL, NULL, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, -1, &result), AAI_OK);
    aai_transcript *done = NULL;
    CHECK_STATUS(aai_future_transcript(f, &done), AAI_OK);
    CHECK_STR(aai_transcript_text(done), TEXT_B);
    aai_transcript_free(done);
    aai_future_free(f);
    CHECK_STATUS(aai_transcriber_get_async(t, "00000000-0000-0000-0000-000000000000", NULL, NULL, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, -1, &result), AAI_OK);
    CHECK(result == AAI_ERR_NOT_FOUND);
    done = NULL;
    CHECK_STATUS(aai_future_transcript(f, &done), AAI_ERR_NOT_FOUND);
    CHECK(done == NULL);
    CHECK(aai_last_error_http_status() == 404);
    aai_future_free(f);

    /* submit from memory and from a URL */
    size = 0;
    unsigned char *wav = h_read_file(wav_a, &size);
    CHECK_STATUS(aai_transcriber_submit_bytes_async(t, wav, size, NULL, NULL, NULL, &f), AAI_OK);
    free(wav);
    CHECK_STATUS(aai_future_wait(f, -1, &result), AAI_OK);
    CHECK(result == AAI_OK);
    aai_future_free(f);
    char *url = NULL;
    CHECK_STATUS(aai_transcriber_upload_file(t, wav_b, &url), AAI_OK);
    CHECK_STATUS(aai_transcriber_submit_url_async(t, url, NULL, NULL, NULL, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, -1, &result), AAI_OK);
    CHECK(result == AAI_OK);
    aai_future_free(f);
    CHECK_STATUS(aai_transcriber_transcribe_url_async(t, url, NULL, NULL, NULL, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, -1, &result), AAI_OK);
    done = NULL;
    CHECK_STATUS(aai_future_transcript(f, &done), AAI_OK);
    CHECK_STR(aai_transcript_text(done), TEXT_B);
    aai_transcript_free(done);
    aai_future_free(f);
    aai_string_free(url);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_list_async(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    record r = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_list_async(t, 5, NULL, NULL, NULL, NULL, -1, on_done, &r, &f), AAI_OK);
    aai_status result = AAI_ERR_INTERNAL;
    CHECK_STATUS(aai_future_wait(f, 10000, &result), AAI_OK);
    CHECK(result == AAI_OK && calls(&r) == 1);
    aai_transcript_list *page = NULL;
    CHECK_STATUS(aai_future_transcript_list(f, &page), AAI_OK);
    const aai_transcript_list_item *items = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_list_items(page, &items, &n), AAI_OK);
    CHECK(n >= 1 && n <= 5);   /* the earlier tests made transcripts */
    CHECK(aai_transcript_list_limit(page) == 5);
    aai_transcript *none = NULL;
    CHECK_STATUS(aai_future_transcript(f, &none), AAI_ERR_INVALID_ARGUMENT);
    aai_transcript_list_free(page);
    aai_future_free(f);
    /* a bad filter is the operation's outcome */
    CHECK_STATUS(aai_transcriber_list_async(t, 500, NULL, NULL, NULL, NULL, -1, NULL, NULL, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, 10000, &result), AAI_OK);
    CHECK(result == AAI_ERR_INVALID_ARGUMENT);
    page = NULL;
    CHECK_STATUS(aai_future_transcript_list(f, &page), AAI_ERR_INVALID_ARGUMENT);
    CHECK(page == NULL);
    aai_future_free(f);
    CHECK_STATUS(aai_transcriber_list_async(t, -1, NULL, NULL, NULL, NULL, -1, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_wait_timeout_then_completes(void) {
    aai_client *c = h_client();
    aai_client_set_polling_interval_ms(c, 400);   /* the first poll comes 400 ms after submitting */
    aai_transcriber *t = new_transcriber(c);
    record r = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_file_async(t, wav_a, NULL, on_done, &r, &f), AAI_OK);
    aai_status result = AAI_ERR_INTERNAL;
    double t0 = h_now_ms();
    CHECK_STATUS(aai_future_wait(f, 50, &result), AAI_ERR_TIMEOUT);
    double waited = h_now_ms() - t0;
    CHECK(waited >= 40 && waited < 2000);
    CHECK(result == AAI_ERR_INTERNAL);   /* untouched */
    CHECK_CONTAINS(aai_last_error_message(), "still running");
    CHECK(calls(&r) == 0);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_future_transcript(f, &tr), AAI_ERR_STATE);
    CHECK(tr == NULL);
    CHECK_STATUS(aai_future_wait(f, 0, NULL), AAI_ERR_TIMEOUT);
    /* ... and it completes later all the same */
    CHECK_STATUS(aai_future_wait(f, 20000, &result), AAI_OK);
    CHECK(result == AAI_OK);
    CHECK(calls(&r) == 1 && r.status == AAI_OK);
    CHECK_STATUS(aai_future_transcript(f, &tr), AAI_OK);
    CHECK_STR(aai_transcript_text(tr), TEXT_A);
    aai_transcript_free(tr);
    aai_future_free(f);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_polling_deadline_async(void) {
    aai_client *c = h_client();
    aai_client_set_polling_timeout_ms(c, 30);   /* shorter than queued + processing */
    aai_transcriber *t = new_transcriber(c);
    aai_future *f = NULL;
    aai_status result = AAI_OK;
    CHECK_STATUS(aai_transcriber_transcribe_file_async(t, wav_a, NULL, NULL, NULL, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, -1, &result), AAI_OK);
    CHECK(result == AAI_ERR_TIMEOUT);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_future_transcript(f, &tr), AAI_ERR_TIMEOUT);
    CHECK(tr != NULL && aai_transcript_id(tr) != NULL);
    CHECK_CONTAINS(aai_last_error_message(), "polling timeout");
    aai_transcript_free(tr);
    aai_future_free(f);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_cancel_during_polling(void) {
    aai_client *c = h_client();
    aai_client_set_polling_interval_ms(c, 10000);   /* a long sleep between polls */
    aai_transcriber *t = new_transcriber(c);
    record r = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_file_async(t, wav_a, NULL, on_done, &r, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, 300, NULL), AAI_ERR_TIMEOUT);   /* submitted by now, sleeping */
    double t0 = h_now_ms();
    CHECK_STATUS(aai_future_cancel(f), AAI_OK);
    aai_status result = AAI_OK;
    CHECK_STATUS(aai_future_wait(f, 5000, &result), AAI_OK);
    double took = h_now_ms() - t0;
    fprintf(stderr, "  (cancel during a polling sleep finished in %.1f ms)\n", took);
    CHECK(took < 2000);
    CHECK(result == AAI_ERR_CANCELLED);
    CHECK(calls(&r) == 1 && r.status == AAI_ERR_CANCELLED);
    aai_transcript *tr = NULL;
    CHECK_STATUS(aai_future_transcript(f, &tr), AAI_ERR_CANCELLED);
    CHECK(tr != NULL);   /* the transcript as last seen: its id is not lost */
    CHECK(aai_transcript_id(tr) != NULL && strlen(aai_transcript_id(tr)) > 0);
    CHECK_CONTAINS(aai_last_error_message(), "cancelled");
    aai_transcript_free(tr);
    aai_future_free(f);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_cancel_request_in_flight(void) {
    /* A server that accepts the connection and never answers. */
    h_raw_server raw;
    const char *silence[] = {NULL};
    CHECK(h_raw_start(&raw, silence, 1) == 0);
    aai_client *c = h_raw_client(&raw);
    aai_transcriber *t = new_transcriber(c);
    record r = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_get_async(t, "some-id", on_done, &r, &f), AAI_OK);
    usleep(300 * 1000);
    CHECK(calls(&r) == 0);
    double t0 = h_now_ms();
    CHECK_STATUS(aai_future_cancel(f), AAI_OK);
    aai_status result = AAI_OK;
    CHECK_STATUS(aai_future_wait(f, 5000, &result), AAI_OK);
    double took = h_now_ms() - t0;
    fprintf(stderr, "  (cancel during a request finished in %.1f ms)\n", took);
    CHECK(took < 2500);
    CHECK(result == AAI_ERR_CANCELLED && r.status == AAI_ERR_CANCELLED);
    aai_future_free(f);
    /* the worker is free again soon: libcurl's progress function aborted the transfer */
    aai_transcriber_free(t);
    aai_client_free(c);
    h_raw_stop(&raw);
}

static void test_free_while_running(void) {
    aai_client *c = h_client();
    aai_client_set_polling_interval_ms(c, 10000);
    aai_transcriber *t = new_transcriber(c);
    record r = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_file_async(t, wav_a, NULL, on_done, &r, &f), AAI_OK);
    usleep(200 * 1000);
    aai_future_free(f);                 /* cancels it; its callback must never run */
    CHECK_STATUS(aai_future_wait(f, 0, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_future_cancel(f), AAI_ERR_INVALID_ARGUMENT);
    aai_future_free(f);                 /* harmless */
    /* free right after starting, before anything happened */
    record r2 = {0};
    CHECK_STATUS(aai_transcriber_transcribe_file_async(t, wav_a, NULL, on_done, &r2, &f), AAI_OK);
    aai_future_free(f);
    usleep(600 * 1000);
    CHECK(calls(&r) == 0);
    CHECK(calls(&r2) == 0);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_free_waits_for_running_callback(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    record r = {0};
    r.sleep_ms = 400;
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_get_async(t, "00000000-0000-0000-0000-000000000000", on_done, &r, &f), AAI_OK);
    /* wait until the callback started (it sets `future` first thing) */
    double t0 = h_now_ms();
    while (__atomic_load_n(&r.future, __ATOMIC_SEQ_CST) == NULL && h_now_ms() - t0 < 5000) usleep(1000);
    CHECK(r.future == f);
    aai_future_free(f);
    /* when free returns the callback has returned: user_data may be released now */
    CHECK(__atomic_load_n(&r.done, __ATOMIC_SEQ_CST) == 1);
    CHECK(calls(&r) == 1);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_free_inside_callback(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    record r = {0};
    r.free_itself = 1;
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_file_async(t, wav_b, NULL, on_done, &r, &f), AAI_OK);
    double t0 = h_now_ms();
    while (!__atomic_load_n(&r.done, __ATOMIC_SEQ_CST) && h_now_ms() - t0 < 20000) usleep(2000);
    CHECK(r.done == 1 && calls(&r) == 1);
    CHECK(r.status == AAI_OK && r.transcript_status == AAI_OK);
    CHECK_STATUS(aai_future_wait(f, 0, NULL), AAI_ERR_INVALID_ARGUMENT);   /* freed by the callback */
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* A callback that waits (blocking) for other operations: must not starve the 4 workers. */
typedef struct nested { aai_transcriber *t; int ok; int done; } nested;
static void on_done_nested(aai_future *future, aai_status status, void *user_data) {
    nested *n = user_data;
    aai_transcript *tr = NULL;
    if (status == AAI_OK && aai_future_transcript(future, &tr) == AAI_OK) {
        aai_transcript *again = NULL;
        /* a blocking group call inside a callback: runs on the same pool */
        const char *ids[1] = {aai_transcript_id(tr)};
        aai_transcript_group *g = NULL;
        if (aai_transcriber_group_from_ids(n->t, ids, 1, 0, &g) == AAI_OK && aai_transcript_group_count(g) == 1 &&
            aai_transcript_group_item(g, 0, &again, NULL) == AAI_OK && again)
            __atomic_fetch_add(&n->ok, 1, __ATOMIC_SEQ_CST);
        aai_transcript_free(again);
        aai_transcript_group_free(g);
    }
    aai_transcript_free(tr);
    __atomic_fetch_add(&n->done, 1, __ATOMIC_SEQ_CST);
}

static void test_blocking_calls_inside_callbacks(void) {
    aai_client *c = h_client();
    nested n = {new_transcriber(c), 0, 0};
    aai_future *f[8];
    for (int i = 0; i < 8; i++)
        CHECK_STATUS(aai_transcriber_transcribe_file_async(n.t, wav_a, NULL, on_done_nested, &n, &f[i]), AAI_OK);
    for (int i = 0; i < 8; i++) CHECK_STATUS(aai_future_wait(f[i], 30000, NULL), AAI_OK);
    CHECK(__atomic_load_n(&n.done, __ATOMIC_SEQ_CST) == 8);
    CHECK(__atomic_load_n(&n.ok, __ATOMIC_SEQ_CST) == 8);
    for (int i = 0; i < 8; i++) aai_future_free(f[i]);
    aai_transcriber_free(n.t);
    aai_client_free(c);
}

/* ---- 32 threads through one transcriber ---- */
static aai_transcriber *shared;
static record thread_records[32];

static void *submit_in_thread(void *arg) {
    int i = (int)(intptr_t)arg;
    aai_future *f = NULL;
    const char *path = i % 2 ? wav_b : wav_a;
    if (aai_transcriber_transcribe_file_async(shared, path, NULL, on_done, &thread_records[i], &f) != AAI_OK) return NULL;
    aai_status result = AAI_ERR_INTERNAL;
    int ok = aai_future_wait(f, 60000, &result) == AAI_OK && result == AAI_OK;
    aai_transcript *tr = NULL;
    ok = ok && aai_future_transcript(f, &tr) == AAI_OK && strcmp(aai_transcript_text(tr), i % 2 ? TEXT_B : TEXT_A) == 0;
    aai_transcript_free(tr);
    aai_future_free(f);
    return (void *)(intptr_t)ok;
}

static void test_32_threads_one_transcriber(void) {
    aai_client *c = h_client();
    shared = new_transcriber(c);
    memset(thread_records, 0, sizeof thread_records);
    pthread_t th[32];
    double t0 = h_now_ms();
    for (int i = 0; i < 32; i++) pthread_create(&th[i], NULL, submit_in_thread, (void *)(intptr_t)i);
    int ok = 0;
    for (int i = 0; i < 32; i++) { void *res; pthread_join(th[i], &res); ok += (int)(intptr_t)res; }
    fprintf(stderr, "  (32 transcriptions through 4 workers in %.0f ms)\n", h_now_ms() - t0);
    CHECK(ok == 32);
    int once = 0;
    for (int i = 0; i < 32; i++) once += calls(&thread_records[i]) == 1 && thread_records[i].status == AAI_OK;
    CHECK(once == 32);
    aai_transcriber_free(shared);
    aai_client_free(c);
}

/* ---- groups ---- */

static void test_group_all_ok_from_ids_refresh_wait(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    const char *audio[3] = {wav_a, wav_b, wav_a};
    aai_transcript_group *g = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_group(t, audio, 3, NULL, 2, 0, &g), AAI_OK);
    CHECK(aai_transcript_group_count(g) == 3);
    CHECK(aai_transcript_group_status(g) == AAI_TRANSCRIPT_COMPLETED);
    const char *ids[3];
    aai_transcript *items[3] = {0};
    for (size_t i = 0; i < 3; i++) {
        aai_status st = AAI_ERR_INTERNAL;
        CHECK_STATUS(aai_transcript_group_item(g, i, &items[i], &st), AAI_OK);
        CHECK(st == AAI_OK);
        CHECK(aai_transcript_group_item_error(g, i) == NULL);
        ids[i] = aai_transcript_id(items[i]);
    }
    CHECK_STR(aai_transcript_text(items[0]), TEXT_A);   /* the order given */
    CHECK_STR(aai_transcript_text(items[1]), TEXT_B);
    CHECK_STR(aai_transcript_text(items[2]), TEXT_A);

    aai_transcript_group *again = NULL;
    CHECK_STATUS(aai_transcriber_group_from_ids(t, ids, 3, 0, &again), AAI_OK);
    CHECK(aai_transcript_group_count(again) == 3);
    CHECK(aai_transcript_group_status(again) == AAI_TRANSCRIPT_COMPLETED);
    aai_transcript *second = NULL;
    CHECK_STATUS(aai_transcript_group_item(again, 1, &second, NULL), AAI_OK);
    CHECK_STR(aai_transcript_id(second), ids[1]);
    aai_transcript_free(second);
    aai_transcript_group_free(again);

    /* fresh submissions: queued, then waited for as a group */
    aai_transcript *s1 = NULL, *s2 = NULL;
    CHECK_STATUS(aai_transcriber_submit_file(t, wav_a, NULL, &s1), AAI_OK);
    CHECK_STATUS(aai_transcriber_submit_file(t, wav_b, NULL, &s2), AAI_OK);
    const char *fresh[2] = {aai_transcript_id(s1), aai_transcript_id(s2)};
    aai_transcript_group *pending = NULL;
    CHECK_STATUS(aai_transcriber_group_from_ids(t, fresh, 2, 0, &pending), AAI_OK);
    aai_transcript_status ps = aai_transcript_group_status(pending);
    CHECK(ps == AAI_TRANSCRIPT_QUEUED || ps == AAI_TRANSCRIPT_PROCESSING);
    aai_transcript_group *waited = NULL;
    CHECK_STATUS(aai_transcriber_group_wait(t, pending, 0, &waited), AAI_OK);
    CHECK(aai_transcript_group_status(waited) == AAI_TRANSCRIPT_COMPLETED);
    CHECK(aai_transcript_group_status(pending) == ps);   /* unchanged: groups are immutable */
    aai_transcript_group *refreshed = NULL;
    CHECK_STATUS(aai_transcriber_group_refresh(t, pending, 0, &refreshed), AAI_OK);
    CHECK(aai_transcript_group_status(refreshed) == AAI_TRANSCRIPT_COMPLETED);
    aai_transcript *w1 = NULL;
    CHECK_STATUS(aai_transcript_group_item(waited, 1, &w1, NULL), AAI_OK);
    CHECK_STR(aai_transcript_text(w1), TEXT_B);
    aai_transcript_free(w1);

    /* an unknown id is a failing item */
    const char *with_unknown[2] = {ids[0], "00000000-0000-0000-0000-000000000000"};
    aai_transcript_group *mixed = NULL;
    CHECK_STATUS(aai_transcriber_group_from_ids(t, with_unknown, 2, 1, &mixed), AAI_OK);
    aai_status st = AAI_OK;
    aai_transcript *none = (aai_transcript *)1;
    CHECK_STATUS(aai_transcript_group_item(mixed, 1, &none, &st), AAI_OK);
    CHECK(st == AAI_ERR_NOT_FOUND && none == NULL);
    CHECK(aai_transcript_group_status(mixed) == AAI_TRANSCRIPT_ERROR);
    aai_transcript_group *failed = NULL;
    CHECK_STATUS(aai_transcriber_group_from_ids(t, with_unknown, 2, 0, &failed), AAI_ERR_NOT_FOUND);
    CHECK_CONTAINS(aai_last_error_message(), "item 1");
    CHECK(failed != NULL);

    /* an empty group */
    aai_transcript_group *empty = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_group(t, NULL, 0, NULL, 0, 0, &empty), AAI_OK);
    CHECK(aai_transcript_group_count(empty) == 0);
    CHECK(aai_transcript_group_status(empty) == AAI_TRANSCRIPT_COMPLETED);

    for (int i = 0; i < 3; i++) aai_transcript_free(items[i]);
    aai_transcript_free(s1);
    aai_transcript_free(s2);
    aai_transcript_group_free(g);
    aai_transcript_group_free(pending);
    aai_transcript_group_free(waited);
    aai_transcript_group_free(refreshed);
    aai_transcript_group_free(mixed);
    aai_transcript_group_free(failed);
    aai_transcript_group_free(empty);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_group_with_failures_returned(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    const char *audio[4] = {wav_a, missing_path, noise_path, wav_b};
    aai_transcript_group *g = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_group(t, audio, 4, NULL, 0, 1, &g), AAI_OK);
    CHECK(aai_transcript_group_count(g) == 4);
    CHECK(aai_transcript_group_status(g) == AAI_TRANSCRIPT_ERROR);
    aai_status st[4];
    aai_transcript *tr[4] = {0};
    for (size_t i = 0; i < 4; i++) CHECK_STATUS(aai_transcript_group_item(g, i, &tr[i], &st[i]), AAI_OK);
    CHECK(st[0] == AAI_OK && st[3] == AAI_OK);
    CHECK_STR(aai_transcript_text(tr[0]), TEXT_A);
    CHECK_STR(aai_transcript_text(tr[3]), TEXT_B);
    CHECK(st[1] == AAI_ERR_IO && tr[1] == NULL);            /* the upload never happened */
    CHECK_CONTAINS(aai_transcript_group_item_error(g, 1), missing_path);
    CHECK(st[2] == AAI_ERR_TRANSCRIPT && tr[2] != NULL);    /* not audio: the transcript failed */
    CHECK(aai_transcript_get_status(tr[2]) == AAI_TRANSCRIPT_ERROR);
    CHECK_CONTAINS(aai_transcript_group_item_error(g, 2), "failed");
    CHECK(aai_transcript_group_item_error(g, 0) == NULL);
    for (int i = 0; i < 4; i++) aai_transcript_free(tr[i]);

    /* bad indexes */
    CHECK_STATUS(aai_transcript_group_item(g, 4, NULL, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_transcript_group_item_error(g, 99) == NULL);
    aai_transcript_group_free(g);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_group_fails_on_first_failure(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    const char *audio[4] = {wav_a, missing_path, wav_b, wav_a};
    aai_transcript_group *g = NULL;
    /* one at a time, so that the failure of item 1 stops items 2 and 3 before they start */
    CHECK_STATUS(aai_transcriber_transcribe_group(t, audio, 4, NULL, 1, 0, &g), AAI_ERR_IO);
    CHECK_CONTAINS(aai_last_error_message(), "item 1");
    CHECK_CONTAINS(aai_last_error_message(), missing_path);
    CHECK(g != NULL);   /* the group as far as it got */
    CHECK(aai_transcript_group_count(g) == 4);
    CHECK(aai_transcript_group_status(g) == AAI_TRANSCRIPT_ERROR);
    aai_status st[4];
    aai_transcript *tr[4] = {0};
    for (size_t i = 0; i < 4; i++) CHECK_STATUS(aai_transcript_group_item(g, i, &tr[i], &st[i]), AAI_OK);
    /* item 0 was submitted before item 1 failed: completed, or cancelled while waiting, but
       in both cases its transcript (and id) is there */
    CHECK(st[0] == AAI_OK || st[0] == AAI_ERR_CANCELLED);
    CHECK(tr[0] != NULL && aai_transcript_id(tr[0]) != NULL);
    CHECK(st[1] == AAI_ERR_IO);
    CHECK(st[2] == AAI_ERR_CANCELLED && tr[2] == NULL);
    CHECK(st[3] == AAI_ERR_CANCELLED && tr[3] == NULL);
    CHECK_CONTAINS(aai_transcript_group_item_error(g, 3), "not started");
    for (int i = 0; i < 4; i++) aai_transcript_free(tr[i]);
    aai_transcript_group_free(g);

    /* a transcript that ends in error fails the group too */
    const char *bad[2] = {noise_path, wav_a};
    g = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_group(t, bad, 2, NULL, 1, 0, &g), AAI_ERR_TRANSCRIPT);
    CHECK(aai_last_error_server_text() != NULL);
    CHECK(g != NULL && aai_transcript_group_count(g) == 2);
    aai_transcript_group_free(g);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_group_async_and_cancel(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    const char *audio[3] = {wav_a, wav_b, missing_path};
    record r = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_group_async(t, audio, 3, NULL, 3, 1, on_done, &r, &f), AAI_OK);
    aai_status result = AAI_ERR_INTERNAL;
    CHECK_STATUS(aai_future_wait(f, 30000, &result), AAI_OK);
    CHECK(result == AAI_OK && calls(&r) == 1 && r.status == AAI_OK);
    CHECK(r.transcript_status == AAI_ERR_INVALID_ARGUMENT);   /* a group future has no transcript */
    aai_transcript_group *g = NULL;
    CHECK_STATUS(aai_future_group(f, &g), AAI_OK);
    CHECK(aai_transcript_group_count(g) == 3);
    CHECK(aai_transcript_group_status(g) == AAI_TRANSCRIPT_ERROR);
    aai_transcript_group_free(g);
    aai_future_free(f);

    /* cancel a group whose transcripts are waited for: the ids are kept */
    aai_client_set_polling_interval_ms(c, 10000);
    const char *two[2] = {wav_a, wav_b};
    record r2 = {0};
    CHECK_STATUS(aai_transcriber_transcribe_group_async(t, two, 2, NULL, 0, 1, on_done, &r2, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, 400, NULL), AAI_ERR_TIMEOUT);
    double t0 = h_now_ms();
    CHECK_STATUS(aai_future_cancel(f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, 5000, &result), AAI_OK);
    CHECK(h_now_ms() - t0 < 2000);
    CHECK(result == AAI_ERR_CANCELLED && r2.status == AAI_ERR_CANCELLED);
    g = NULL;
    CHECK_STATUS(aai_future_group(f, &g), AAI_ERR_CANCELLED);
    CHECK(g != NULL && aai_transcript_group_count(g) == 2);
    for (size_t i = 0; i < 2; i++) {
        aai_transcript *tr = NULL;
        aai_status st = AAI_OK;
        CHECK_STATUS(aai_transcript_group_item(g, i, &tr, &st), AAI_OK);
        CHECK(st == AAI_ERR_CANCELLED && tr != NULL);
        aai_transcript_free(tr);
    }
    aai_transcript_group_free(g);
    aai_future_free(f);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_submit_group_then_wait(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    const char *audio[3] = {wav_a, wav_b, missing_path};
    aai_transcript_group *g = NULL;
    CHECK_STATUS(aai_transcriber_submit_group(t, audio, 3, NULL, 0, 1, &g), AAI_OK);
    CHECK(aai_transcript_group_count(g) == 3);
    aai_transcript *first = NULL;
    aai_status st = AAI_ERR_INTERNAL;
    CHECK_STATUS(aai_transcript_group_item(g, 0, &first, &st), AAI_OK);
    CHECK(st == AAI_OK && aai_transcript_get_status(first) == AAI_TRANSCRIPT_QUEUED);
    CHECK_STATUS(aai_transcript_group_item(g, 2, NULL, &st), AAI_OK);
    CHECK(st == AAI_ERR_IO);
    CHECK(aai_transcript_group_status(g) == AAI_TRANSCRIPT_ERROR);
    aai_transcript_group *done = NULL;
    CHECK_STATUS(aai_transcriber_group_wait(t, g, 1, &done), AAI_OK);
    aai_transcript *second = NULL;
    CHECK_STATUS(aai_transcript_group_item(done, 1, &second, &st), AAI_OK);
    CHECK(st == AAI_OK);
    CHECK_STR(aai_transcript_text(second), TEXT_B);
    CHECK_STATUS(aai_transcript_group_item(done, 2, NULL, &st), AAI_OK);
    CHECK(st == AAI_ERR_IO);   /* an item without a transcript is carried over as it was */
    aai_transcript *w0 = NULL;
    CHECK_STATUS(aai_transcript_group_item(done, 0, &w0, NULL), AAI_OK);
    CHECK_STR(aai_transcript_id(w0), aai_transcript_id(first));
    aai_transcript_free(w0);
    aai_transcript_free(first);
    aai_transcript_free(second);
    aai_transcript_group_free(g);
    aai_transcript_group_free(done);
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* The child of fork() has none of the parent's worker threads: it starts its own. */
static void test_async_after_fork(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    aai_future *f = NULL;
    CHECK_STATUS(aai_transcriber_get_async(t, "00000000-0000-0000-0000-000000000000", NULL, NULL, &f), AAI_OK);
    CHECK_STATUS(aai_future_wait(f, 10000, NULL), AAI_OK);   /* the pool runs in the parent */
    aai_future_free(f);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        aai_client *cc = h_client();
        aai_transcriber *tt = new_transcriber(cc);
        aai_future *ff = NULL;
        aai_status result = AAI_ERR_INTERNAL;
        int ok = aai_transcriber_transcribe_file_async(tt, wav_a, NULL, NULL, NULL, &ff) == AAI_OK &&
                 aai_future_wait(ff, 15000, &result) == AAI_OK && result == AAI_OK;
        _exit(ok ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* ---- argument checks ---- */

static void test_bad_arguments(void) {
    aai_client *c = h_client();
    aai_transcriber *t = new_transcriber(c);
    aai_future *f = (aai_future *)0x1;
    CHECK_STATUS(aai_transcriber_transcribe_url_async(NULL, "http://x", NULL, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK(f == (aai_future *)0x1);
    CHECK_STATUS(aai_transcriber_transcribe_url_async(t, NULL, NULL, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_transcribe_url_async(t, "", NULL, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_transcribe_url_async(t, "http://x", NULL, NULL, NULL, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_transcribe_bytes_async(t, NULL, 10, NULL, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_submit_bytes_async(t, "x", 0, NULL, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_wait_async(t, "", NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK(f == (aai_future *)0x1);
    /* a config that fails validation is refused before anything starts */
    aai_config *bad = NULL;
    aai_config_new(&bad);
    aai_config_set_json(bad, "{\"audio_start_from\": 5000, \"audio_end_at\": 1000}");
    CHECK_STATUS(aai_transcriber_transcribe_file_async(t, wav_a, bad, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    aai_transcript_group *g = (aai_transcript_group *)0x1;
    CHECK_STATUS(aai_transcriber_transcribe_group(t, NULL, 2, NULL, 0, 0, &g), AAI_ERR_INVALID_ARGUMENT);
    const char *with_null[2] = {wav_a, NULL};
    CHECK_STATUS(aai_transcriber_transcribe_group(t, with_null, 2, NULL, 0, 0, &g), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "audio[1]");
    CHECK_STATUS(aai_transcriber_transcribe_group(t, with_null, 1, NULL, -1, 0, &g), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_transcribe_group(t, with_null, 1, bad, 0, 0, &g), AAI_ERR_INVALID_ARGUMENT);
    CHECK(g == (aai_transcript_group *)0x1);
    CHECK_STATUS(aai_transcriber_group_wait(t, NULL, 0, &g), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcriber_group_refresh(t, (aai_transcript_group *)t, 0, &g), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_transcript_group_count(NULL) == 0);
    CHECK(aai_transcript_group_status(NULL) == AAI_TRANSCRIPT_UNKNOWN);
    CHECK_STATUS(aai_future_wait(NULL, 0, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_future_cancel((aai_future *)t), AAI_ERR_INVALID_ARGUMENT);
    aai_future_free(NULL);
    aai_future_free((aai_future *)t);   /* a handle of another type: ignored */
    aai_transcript_group_free(NULL);
    aai_config_free(bad);
    aai_transcriber_free(t);
    aai_client_free(c);
}

/* ---- webhooks ---- */

static aai_status parse(const char *body, const char *received, const char *expected, char **id,
                        aai_transcript_status *st) {
    return aai_webhook_parse(body, strlen(body), received, expected, id, st);
}

static void test_webhook_parse(void) {
    const char *good = "{\"transcript_id\": \"9ea68fd3-f953-42c1-9742-976c447fb463\", \"status\": \"completed\"}";
    char *id = NULL;
    aai_transcript_status st = AAI_TRANSCRIPT_UNKNOWN;
    CHECK_STATUS(parse(good, NULL, NULL, &id, &st), AAI_OK);
    CHECK_STR(id, "9ea68fd3-f953-42c1-9742-976c447fb463");
    CHECK(st == AAI_TRANSCRIPT_COMPLETED);
    aai_string_free(id);
    id = NULL;
    CHECK_STATUS(parse("{\"status\":\"error\",\"transcript_id\":\"abc-123\"}", NULL, NULL, &id, &st), AAI_OK);
    CHECK_STR(id, "abc-123");
    CHECK(st == AAI_TRANSCRIPT_ERROR);
    aai_string_free(id);

    /* authentication: checked first, in constant time */
    id = NULL;
    CHECK_STATUS(parse(good, "s3cret-value", "s3cret-value", &id, &st), AAI_OK);
    aai_string_free(id);
    id = NULL;
    CHECK_STATUS(parse(good, "s3cret-valuf", "s3cret-value", &id, &st), AAI_ERR_AUTH);
    CHECK(id == NULL);
    CHECK_STATUS(parse(good, "s3cret", "s3cret-value", &id, &st), AAI_ERR_AUTH);
    CHECK_STATUS(parse(good, "s3cret-value-and-more", "s3cret-value", &id, &st), AAI_ERR_AUTH);
    CHECK_STATUS(parse(good, "", "s3cret-value", &id, &st), AAI_ERR_AUTH);
    CHECK_STATUS(parse(good, NULL, "s3cret-value", &id, &st), AAI_ERR_AUTH);
    CHECK_CONTAINS(aai_last_error_message(), "no auth header");
    CHECK_STATUS(parse("not json", "wrong", "s3cret-value", &id, &st), AAI_ERR_AUTH);   /* body not read */
    CHECK(id == NULL);

    /* bodies that are not the documented shape */
    const char *bad[] = {
        "", "not json", "[]", "\"completed\"", "{}",
        "{\"transcript_id\": \"abc\"}",
        "{\"status\": \"completed\"}",
        "{\"transcript_id\": 5, \"status\": \"completed\"}",
        "{\"transcript_id\": \"abc\", \"status\": \"queued\"}",
        "{\"transcript_id\": \"abc\", \"status\": \"processing\"}",
        "{\"transcript_id\": \"abc\", \"status\": \"done\"}",
        "{\"transcript_id\": \"abc\", \"status\": null}",
        "{\"transcript_id\": \"\", \"status\": \"completed\"}",
        "{\"transcript_id\": \"../etc\", \"status\": \"completed\"}",
        "{\"transcript_id\": \"abc\", \"status\": \"completed\", \"extra\": 1}",
        "{\"transcript_id\": \"abc\", \"status\": \"completed\", \"status\": \"error\"}",
        "{\"transcript_id\": \"abc\", \"status\": \"completed\"} trailing",
        "{\"status\": \"redacted_audio_ready\", \"redacted_audio_url\": \"https://x/y.mp3\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        aai_status s = parse(bad[i], NULL, NULL, &id, &st);
        if (s != AAI_ERR_PROTOCOL) fprintf(stderr, "  body %zu: %s -> %s\n", i, bad[i], aai_status_name(s));
        CHECK(s == AAI_ERR_PROTOCOL);
    }
    CHECK(id == NULL);
    CHECK_CONTAINS(aai_last_error_message(), "redacted");

    /* the length counts, not a NUL */
    char buf[128];
    snprintf(buf, sizeof buf, "%sGARBAGE", good);
    CHECK_STATUS(aai_webhook_parse(buf, strlen(good), NULL, NULL, &id, &st), AAI_OK);
    aai_string_free(id);
    id = NULL;
    CHECK_STATUS(aai_webhook_parse(buf, strlen(buf), NULL, NULL, &id, &st), AAI_ERR_PROTOCOL);
    CHECK_STATUS(aai_webhook_parse(NULL, 0, NULL, NULL, &id, &st), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_webhook_parse(good, strlen(good), NULL, NULL, NULL, &st), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_webhook_parse(good, strlen(good), NULL, NULL, &id, NULL), AAI_ERR_INVALID_ARGUMENT);

    /* the redacted-audio notification */
    const char *redacted = "{\"status\": \"redacted_audio_ready\", \"redacted_audio_url\": \"https://x/y.mp3\"}";
    char *url = NULL;
    CHECK_STATUS(aai_webhook_parse_redacted_audio(redacted, strlen(redacted), "k", "k", &url), AAI_OK);
    CHECK_STR(url, "https://x/y.mp3");
    aai_string_free(url);
    url = NULL;
    CHECK_STATUS(aai_webhook_parse_redacted_audio(redacted, strlen(redacted), "j", "k", &url), AAI_ERR_AUTH);
    CHECK_STATUS(aai_webhook_parse_redacted_audio(good, strlen(good), NULL, NULL, &url), AAI_ERR_PROTOCOL);
    CHECK(url == NULL);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    int pid = (int)getpid();
    snprintf(wav_a, sizeof wav_a, "/tmp/aai-c-async-%d-a.wav", pid);
    snprintf(wav_b, sizeof wav_b, "/tmp/aai-c-async-%d-b.wav", pid);
    snprintf(noise_path, sizeof noise_path, "/tmp/aai-c-async-%d.txt", pid);
    snprintf(missing_path, sizeof missing_path, "/tmp/aai-c-async-%d-missing.wav", pid);
    h_write_wav(wav_a, TEXT_A, 1.0);
    h_write_wav(wav_b, TEXT_B, 1.0);
    FILE *f = fopen(noise_path, "w");
    fputs("this file is text, not audio\n", f);
    fclose(f);
    RUN(test_callback_fires_once_with_ok);
    RUN(test_failed_transcript_and_submit);
    RUN(test_list_async);
    RUN(test_wait_timeout_then_completes);
    RUN(test_polling_deadline_async);
    RUN(test_cancel_during_polling);
    RUN(test_cancel_request_in_flight);
    RUN(test_free_while_running);
    RUN(test_free_waits_for_running_callback);
    RUN(test_free_inside_callback);
    RUN(test_blocking_calls_inside_callbacks);
    RUN(test_32_threads_one_transcriber);
    RUN(test_group_all_ok_from_ids_refresh_wait);
    RUN(test_group_with_failures_returned);
    RUN(test_group_fails_on_first_failure);
    RUN(test_group_async_and_cancel);
    RUN(test_submit_group_then_wait);
    RUN(test_async_after_fork);
    RUN(test_bad_arguments);
    RUN(test_webhook_parse);
    unlink(wav_a);
    unlink(wav_b);
    unlink(noise_path);
    return h_finish();
}
