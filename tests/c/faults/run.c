/* test_faults, part 6: running the matrix: every row of every OPS_* table x every leg x every
   fault, once (count 1, up to 2 retries) and persistently (every request, 1 retry), on
   AAI_FAULT_WORKERS servers at once; each case checks status, message, time and the requests
   that reached the server. A new table of rows (a rows_*.c of a new API) is added to
   OP_TABLES below. Included by test_faults.c. */

/* Every table of rows, in the order the cases are made. */
static const struct { const op *ops; size_t n; } OP_TABLES[] = {
    {OPS_HTTP, sizeof OPS_HTTP / sizeof *OPS_HTTP},
    {OPS_LEMUR_LLM, sizeof OPS_LEMUR_LLM / sizeof *OPS_LEMUR_LLM},
    {OPS_ASYNC, sizeof OPS_ASYNC / sizeof *OPS_ASYNC},
    {OPS_TOKENS, sizeof OPS_TOKENS / sizeof *OPS_TOKENS},
    {OPS_AUDIO_APIS, sizeof OPS_AUDIO_APIS / sizeof *OPS_AUDIO_APIS},
};
#define N_TABLES (sizeof OP_TABLES / sizeof *OP_TABLES)

/* ---- running a case ---- */
typedef struct kase {
    const op *op;
    int leg;
    enum fkind fault;
    int persistent;
    char name[128];
    int failed;
    char why[1024];
    double ms;
} kase;

static void fail(kase *k, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t used = strlen(k->why);
    if (used < sizeof k->why - 4) {
        if (used) { strcat(k->why, "; "); used += 2; }
        vsnprintf(k->why + used, sizeof k->why - used, fmt, ap);
    }
    va_end(ap);
    k->failed = 1;
}

static int bytes_equal_upload(worker *w, const char *upload_url) {
    const char *p = strstr(upload_url, "/_local/uploads/");
    if (!p) return 0;
    char url[512];
    snprintf(url, sizeof url, "%s%s", w->srv.url, p);
    long status = 0;
    size_t n = 0;
    char *got = h_http("GET", url, NULL, &status, &n);
    int ok = status != 0 && n == w->wav_size && memcmp(got, w->wav, n) == 0;
    free(got);
    return ok;
}

static void run_case(worker *w, kase *k) {
    const leg *l = &k->op->legs[k->leg];
    int max_retries = k->persistent ? 1 : 2;
    expect e = expected(k->fault, l, k->persistent, max_retries);
    if (k->op->prep) k->op->prep(w);
    if (adm_ok(w->srv.url, "DELETE", "/_local/faults", NULL) || adm_ok(w->srv.url, "DELETE", "/_local/requests", NULL)) {
        fail(k, "could not reset the server");
        return;
    }
    char fj[512];
    fault_json(k->fault, l, k->persistent ? -1 : 1, fj, sizeof fj);
    if (adm_ok(w->srv.url, "POST", "/_local/faults", fj)) { fail(k, "could not arm %s", fj); return; }
    aai_client_set_max_retries(w->client, max_retries);
    result r;
    memset(&r, 0, sizeof r);
    double t0 = h_now_ms();
    aai_status s = k->op->run(w, &r);
    k->ms = h_now_ms() - t0;
    const char *msg = aai_last_error_message();
    adm_ok(w->srv.url, "DELETE", "/_local/faults", NULL);

    if (s != e.status)
        fail(k, "status %s, want %s (%s)", aai_status_name(s), aai_status_name(e.status), s ? msg : "");
    double budget = budget_ms(l, &e, l->poll || k->op->legs[1].method != NULL);
    if (k->ms > budget) fail(k, "took %.0f ms, budget %.0f ms", k->ms, budget);
    if (s != AAI_OK) {
        if (!msg || !*msg) fail(k, "empty error message");
        else if (e.message && !strcasestr(msg, e.message)) fail(k, "message \"%s\" does not say \"%s\"", msg, e.message);
        if (msg && strstr(msg, h_api_key)) fail(k, "the message contains the API key");
        if (e.may_have_received && msg && !strstr(msg, "may have")) fail(k, "message \"%s\" does not warn that the request may have been received", msg);
        char what[64];
        snprintf(what, sizeof what, "%s ", l->method);
        if (msg && !l->download && !strstr(msg, what)) fail(k, "message \"%s\" does not name the request", msg);
        if (l->download && msg && !strstr(msg, "redacted-audio")) fail(k, "message \"%s\" does not name the download", msg);
    }
    /* Count what reached the server on this leg (and check every upload attempt's size). */
    static __thread rec recs[512];
    int n = read_requests(w->srv.url, recs, 512), hits = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(recs[i].method, l->method) || !path_matches(l->regex, recs[i].path)) continue;
        hits++;
        if (l->upload && recs[i].body_size != (long)w->wav_size)
            fail(k, "upload attempt %d carried %ld bytes, want %zu", hits, recs[i].body_size, w->wav_size);
    }
    if (l->download) hits = e.attempts;   /* downloads are not in the record */
    if (l->poll ? hits < e.attempts : hits != e.attempts)
        fail(k, "%d %s requests reached the server, want %s%d", hits, l->method, l->poll ? ">= " : "", e.attempts);
    /* Nothing lost: a call that made a transcript and then failed waiting hands it back. */
    if (l->poll && s != AAI_OK && k->op->run != op_wait && k->op->run != op_wait_async && k->op->run != op_group_wait &&
        !r.transcript_id[0]) fail(k, "the wait gave up without handing back the transcript");
    if (l->poll && s == AAI_OK && strcmp(r.transcript_status, "completed")) fail(k, "transcript %s", r.transcript_status);
    if ((k->op->run == op_upload_file || k->op->run == op_upload_bytes) && s == AAI_OK && !bytes_equal_upload(w, r.upload_url))
        fail(k, "the stored upload differs from the source");
    if (k->op->run == op_save_redacted) {
        if (s == AAI_OK && (!r.file_exists || r.file_mode != 0600))
            fail(k, "saved file exists=%d mode %o, want 0600", r.file_exists, r.file_mode);
        if (s != AAI_OK && r.file_exists) fail(k, "a failed download left the destination file");
        if (r.stray_files) fail(k, "%d temporary files left beside the destination", r.stray_files);
    }
}

/* ---- the workers ---- */
static kase *cases;
static int n_cases, next_case;
static pthread_mutex_t case_lock = PTHREAD_MUTEX_INITIALIZER;

static int worker_setup(worker *w) {
    char extra[64];
    snprintf(extra, sizeof extra, "--redacted-audio-ms 10");
    if (server_start(&w->srv, extra) != 0) return -1;
    snprintf(w->dir, sizeof w->dir, "/tmp/aai-faults-%d-%d", (int)getpid(), w->index);
    mkdir(w->dir, 0700);
    snprintf(w->wav_path, sizeof w->wav_path, "%s/audio.wav", w->dir);
    if (h_write_wav(w->wav_path, "A: Hello there. How are you? B: I am fine.", 0.5) != 0) return -1;
    w->wav = h_read_file(w->wav_path, &w->wav_size);
    if (aai_client_new(&w->client) != AAI_OK) return -1;
    aai_client_set_api_key(w->client, h_api_key);
    aai_client_set_base_url(w->client, w->srv.url);
    aai_client_set_llm_gateway_base_url(w->client, w->srv.url);
    aai_client_set_polling_interval_ms(w->client, 20);
    aai_client_set_http_timeout_ms(w->client, T_MS);
    aai_client_set_llm_timeout_ms(w->client, T_MS);
    aai_client_set_sync_base_url(w->client, w->srv.url);
    aai_client_set_sync_timeouts_ms(w->client, T_MS, T_MS);
    char dictation_url[192];
    snprintf(dictation_url, sizeof dictation_url, "%s/dictation", w->srv.url);
    aai_client_set_dictation_base_url(w->client, dictation_url);
    aai_client_set_dictation_timeout_ms(w->client, T_MS);
    aai_client_set_tts_base_url(w->client, w->srv.url);
    aai_client_set_tts_timeouts_ms(w->client, T_MS, T_MS);
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    const char *policies[] = {"person_name"};
    aai_config_set_redact_pii(cfg, 1, policies, 1, "hash", 1, "wav");
    aai_transcriber_new(w->client, NULL, &w->tr);
    aai_transcript *t = NULL;
    if (aai_transcriber_transcribe_file(w->tr, w->wav_path, cfg, &t) != AAI_OK) {
        fprintf(stderr, "worker %d: setup transcription failed: %s\n", w->index, aai_last_error_message());
        return -1;
    }
    snprintf(w->done_id, sizeof w->done_id, "%s", aai_transcript_id(t));
    snprintf(w->audio_url, sizeof w->audio_url, "%s", aai_transcript_audio_url(t));
    aai_transcript_free(t);
    aai_config_free(cfg);
    prep_new_transcript(w);
    prep_new_transcript(w);
    aai_transcript_list *l = NULL;
    if (aai_transcriber_list(w->tr, 1, NULL, NULL, NULL, NULL, -1, &l) != AAI_OK || !aai_transcript_list_prev_url(l)) return -1;
    snprintf(w->page_url, sizeof w->page_url, "%s", aai_transcript_list_prev_url(l));
    aai_transcript_list_free(l);
    prep_lemur(w);
    snprintf(w->lemur_id, sizeof w->lemur_id, "%s", w->case_lemur);
    const char *ids[] = {w->done_id};
    if (aai_transcriber_group_from_ids(w->tr, ids, 1, 0, &w->done_group) != AAI_OK) return -1;
    /* The redacted audio becomes ready shortly after completion. */
    char path[160];
    snprintf(path, sizeof path, "%s/redacted.wav", w->dir);
    aai_status s = aai_transcriber_save_redacted_audio(w->tr, w->done_id, path);
    unlink(path);
    return w->lemur_id[0] && s == AAI_OK ? 0 : -1;
}

static void *worker_main(void *arg) {
    worker *w = arg;
    for (;;) {
        pthread_mutex_lock(&case_lock);
        int i = next_case < n_cases ? next_case++ : -1;
        pthread_mutex_unlock(&case_lock);
        if (i < 0) break;
        run_case(w, &cases[i]);
    }
    return NULL;
}

static void worker_teardown(worker *w) {
    aai_transcript_group_free(w->done_group);
    aai_transcript_group_free(w->case_group);
    aai_transcriber_free(w->tr);
    aai_client_free(w->client);
    server_stop(&w->srv);
    unlink(w->wav_path);
    rmdir(w->dir);
    free(w->wav);
}

/* Faults of each mode: transient (count 1, up to 2 retries) over all kinds; persistent (every
   request, 1 retry) over one of each family. */
static const enum fkind TRANSIENT[] = {F_429, F_500, F_502, F_503, F_504, F_500_AFTER, F_RESET, F_TRUNCATE,
                                       F_MALFORMED, F_SLOW, F_DELAY, F_HANG};
static const enum fkind PERSISTENT[] = {F_429, F_503, F_500_AFTER, F_RESET, F_TRUNCATE, F_MALFORMED, F_DELAY, F_HANG};

static int matrix_ok;
static void test_fault_matrix(void) {
    const char *only = getenv("AAI_FAULT_ONLY");   /* a substring of case names, to run a few */
    int cap = 0;
    for (size_t t = 0; t < N_TABLES; t++)
        for (size_t o = 0; o < OP_TABLES[t].n; o++)
            for (int l = 0; l < 3 && OP_TABLES[t].ops[o].legs[l].method; l++)
                cap += (int)(sizeof TRANSIENT / sizeof *TRANSIENT + sizeof PERSISTENT / sizeof *PERSISTENT);
    cases = calloc((size_t)cap, sizeof *cases);
    for (size_t t = 0; t < N_TABLES; t++)
        for (size_t o = 0; o < OP_TABLES[t].n; o++) {
            const op *row = &OP_TABLES[t].ops[o];
            for (int l = 0; l < 3 && row->legs[l].method; l++)
                for (int mode = 0; mode < 2; mode++) {
                    const enum fkind *fs = mode ? PERSISTENT : TRANSIENT;
                    size_t nf = mode ? sizeof PERSISTENT / sizeof *PERSISTENT : sizeof TRANSIENT / sizeof *TRANSIENT;
                    for (size_t f = 0; f < nf; f++) {
                        const leg *lg = &row->legs[l];
                        /* 500 after handling differs from 500 before only where the request creates something. */
                        if (fs[f] == F_500_AFTER && lg->cls != CREATE) continue;
                        kase *k = &cases[n_cases];
                        k->op = row;
                        k->leg = l;
                        k->fault = fs[f];
                        k->persistent = mode;
                        snprintf(k->name, sizeof k->name, "%s [%s %s] x %s %s", row->name, lg->method, lg->regex,
                                 FAULT_NAMES[fs[f]], mode ? "every time" : "once");
                        if (only && !strstr(k->name, only)) continue;
                        n_cases++;
                    }
                }
        }
    int nw = getenv("AAI_FAULT_WORKERS") ? atoi(getenv("AAI_FAULT_WORKERS")) : 8;
    if (nw < 1) nw = 1;
    if (nw > n_cases) nw = n_cases > 0 ? n_cases : 1;
    worker *ws = calloc((size_t)nw, sizeof *ws);
    for (int i = 0; i < nw; i++) {
        ws[i].index = i;
        if (worker_setup(&ws[i]) != 0) {
            fprintf(stderr, "  FAIL worker %d setup: %s\n", i, aai_last_error_message());
            h_current_failed = 1;
            for (int j = 0; j <= i; j++) worker_teardown(&ws[j]);
            free(ws);
            return;
        }
    }
    double t0 = h_now_ms();
    for (int i = 0; i < nw; i++) pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]);
    for (int i = 0; i < nw; i++) pthread_join(ws[i].thread, NULL);
    double took = h_now_ms() - t0;
    int failed = 0;
    for (int i = 0; i < n_cases; i++) {
        kase *k = &cases[i];
        if (k->failed) {
            failed++;
            fprintf(stderr, "not ok - %s (%.0f ms): %s\n", k->name, k->ms, k->why);
        } else if (getenv("AAI_FAULT_VERBOSE")) {
            printf("ok - %s (%.0f ms)\n", k->name, k->ms);
        }
    }
    printf("# fault matrix: %d cases on %d servers in %.1f s, %d failed\n", n_cases, nw, took / 1000, failed);
    h_passed += n_cases - failed;   /* each case counts as a test */
    h_failed += failed;
    if (failed) h_current_failed = 1;
    matrix_ok = failed == 0;
    if (failed) h_failed--;          /* RUN() counts this function itself once more */
    else h_passed--;
    for (int i = 0; i < nw; i++) worker_teardown(&ws[i]);
    free(ws);
    free(cases);
}
