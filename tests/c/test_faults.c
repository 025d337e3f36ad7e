/* The fault matrix: every public call that talks HTTP x every fault the local server can inject
   (docs/local-server.md, "Fault injection"), and streaming sessions whose server misbehaves
   (a scripted WebSocket peer in this file, and the local server's session limits).

   For each case the test checks what issue 10 asks:
   - the call returns within its time limit plus a margin, with the right status and a message
     that says what happened (never a crash, never a hang);
   - requests that are safe to repeat (GET, DELETE, uploads from a file or memory) are retried
     and succeed when the fault is transient; Retry-After is honoured;
   - nothing is lost or duplicated: POST /v2/transcript (and the other create calls) reach the
     server once unless refused with 429 (counted in the server's /_local/requests), a retried
     upload sends the whole source again (body_size of every attempt, and the stored bytes), a
     wait that gives up hands back the transcript, a streaming session that dies reports its
     close code and delivers every transcript the server sent before.

   The matrix runs on several local servers at once (one per worker thread; faults are global to
   a server), so it stays short: AAI_FAULT_WORKERS (default 8), AAI_FAULT_TIMEOUT_MS (the HTTP
   timeout of the clients, default 400). */
#include "harness.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <regex.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/stat.h>

static long T_MS = 400;          /* HTTP timeout of the clients under test */
static const long UPLOAD_STALL_MS = 1000;  /* uploads: curl's low-speed limit, whole seconds (>= 1 s) */

/* ======================================================================================
 * Talking to a local server's admin endpoints (plain libcurl, not the library under test)
 * ==================================================================================== */
/* method, base+path, optional body; returns the body (malloc'ed, "" on failure), *status. */
static char *adm(const char *base, const char *method, const char *path, const char *body, long *status) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    return h_http(method, url, body, status, NULL);
}

static int adm_ok(const char *base, const char *method, const char *path, const char *body) {
    long st = 0;
    free(adm(base, method, path, body, &st));
    return st == 200 ? 0 : -1;
}

/* One recorded request (GET /_local/requests: objects with sorted keys). */
typedef struct rec { char method[8]; char path[256]; long body_size; } rec;

/* Reads the server's request record into recs (at most max); returns the count. */
static int read_requests(const char *base, rec *recs, int max) {
    char *j = adm(base, "GET", "/_local/requests", NULL, NULL);
    int n = 0;
    const char *p = j;
    while (n < max && (p = strstr(p, "\"body_size\":")) != NULL) {
        rec *r = &recs[n];
        r->body_size = strtol(p + 12, NULL, 10);
        const char *m = strstr(p, "\"method\":\"");
        if (!m) break;
        m += 10;
        size_t ml = strcspn(m, "\"");
        snprintf(r->method, sizeof r->method, "%.*s", (int)ml, m);
        const char *q = strstr(m, "\"path\":\"");
        if (!q) break;
        q += 8;
        size_t ql = strcspn(q, "\"");
        snprintf(r->path, sizeof r->path, "%.*s", (int)ql, q);
        n++;
        p = q + ql;
    }
    free(j);
    return n;
}

static int path_matches(const char *regex, const char *path) {
    regex_t re;
    if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) != 0) return 0;
    int ok = regexec(&re, path, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/* ======================================================================================
 * Local servers, one per worker
 * ==================================================================================== */
typedef struct server { pid_t pid; char url[128]; } server;

static int server_start(server *s, const char *extra) {
    char args[512];
    snprintf(args, sizeof args, "--queued-ms 30 --processing-ms 60 %s", extra ? extra : "");
    FILE *f = h_spawn_server("build/bin/assemblyai-server", args, &s->pid, s->url, sizeof s->url);
    if (!f) return -1;
    fclose(f);
    return 0;
}

static void server_stop(server *s) {
    if (s->pid > 0) { kill(s->pid, SIGTERM); waitpid(s->pid, NULL, 0); s->pid = 0; }
}

/* ======================================================================================
 * The matrix: calls (with the requests they make: "legs"), faults, modes
 * ==================================================================================== */
enum rclass { IDEM, CREATE, NOREPEAT };

typedef struct leg {
    const char *method;
    const char *regex;       /* the path (POSIX ERE and the fault's path_regex) */
    enum rclass cls;
    int json;                /* the answer is JSON (a cut body is detectable) */
    int upload;              /* an upload: every attempt must carry the whole source */
    int poll;                /* a wait's polling GET: how many happen depends on timing */
    int llm;                 /* timed by the LLM timeout (set equal to the HTTP one here) */
    int download;            /* a redacted-audio download (no API key, no JSON; not in the server's record) */
    int gone_after_delete;   /* a repeated DELETE of it answers 404 */
} leg;

typedef struct worker worker;
typedef struct result {
    char transcript_id[64];      /* a transcript handed back by the call, if any */
    char transcript_status[16];
    char upload_url[256];
    int file_exists;             /* save_redacted_audio: the destination exists afterwards */
    int file_mode;
    int stray_files;             /* files other than the destination left in its folder */
} result;

typedef struct op {
    const char *name;
    aai_status (*run)(worker *w, result *r);
    void (*prep)(worker *w);
    leg legs[3];
} op;

struct worker {
    int index;
    server srv;
    aai_client *client;
    aai_transcriber *tr;
    char done_id[64];        /* a completed transcript (with redacted audio) */
    char lemur_id[64];       /* a LeMUR request id */
    char audio_url[256];     /* an uploaded file the server can transcribe */
    char case_id[64];        /* per-case: a transcript made by the case's prep */
    char case_lemur[64];
    aai_transcript_group *done_group;   /* a group of done_id */
    aai_transcript_group *case_group;   /* per-case: a group with a queued transcript */
    char page_url[512];
    char dir[64];            /* a private scratch folder */
    char wav_path[128];
    unsigned char *wav;
    size_t wav_size;
    size_t stream_pos;
    pthread_t thread;
};

/* ---- the calls ---- */
static void keep_transcript(result *r, aai_transcript *t) {
    if (!t) return;
    snprintf(r->transcript_id, sizeof r->transcript_id, "%s", aai_transcript_id(t) ? aai_transcript_id(t) : "");
    snprintf(r->transcript_status, sizeof r->transcript_status, "%s",
             aai_transcript_status_text(t) ? aai_transcript_status_text(t) : "");
    aai_transcript_free(t);
}

static aai_status keep_upload(result *r, char *url, aai_status s) {
    if (url) snprintf(r->upload_url, sizeof r->upload_url, "%s", url);
    aai_string_free(url);
    return s;
}
static aai_status op_upload_file(worker *w, result *r) {
    char *url = NULL;
    aai_status s = aai_transcriber_upload_file(w->tr, w->wav_path, &url);
    return keep_upload(r, url, s);
}
static aai_status op_upload_bytes(worker *w, result *r) {
    char *url = NULL;
    aai_status s = aai_transcriber_upload_bytes(w->tr, w->wav, w->wav_size, &url);
    return keep_upload(r, url, s);
}
static int64_t stream_read(void *dst, size_t cap, void *u) {
    worker *w = u;
    size_t n = w->wav_size - w->stream_pos < cap ? w->wav_size - w->stream_pos : cap;
    memcpy(dst, w->wav + w->stream_pos, n);
    w->stream_pos += n;
    return (int64_t)n;
}
static aai_status op_upload_stream(worker *w, result *r) {
    char *url = NULL;
    w->stream_pos = 0;
    aai_status s = aai_transcriber_upload_stream(w->tr, stream_read, w, w->wav_size, &url);
    return keep_upload(r, url, s);
}
/* A call that hands back a transcript (kept in the result); `call` sets `t`. */
#define TRANSCRIPT_OP(name, call) static aai_status name(worker *w, result *r) { \
    aai_transcript *t = NULL; \
    aai_status s = call; \
    keep_transcript(r, t); \
    return s; \
}
TRANSCRIPT_OP(op_submit_url, aai_transcriber_submit_url(w->tr, w->audio_url, NULL, &t))
TRANSCRIPT_OP(op_submit_file, aai_transcriber_submit_file(w->tr, w->wav_path, NULL, &t))
TRANSCRIPT_OP(op_submit_bytes, aai_transcriber_submit_bytes(w->tr, w->wav, w->wav_size, NULL, &t))
TRANSCRIPT_OP(op_transcribe_url, aai_transcriber_transcribe_url(w->tr, w->audio_url, NULL, &t))
TRANSCRIPT_OP(op_transcribe_file, aai_transcriber_transcribe_file(w->tr, w->wav_path, NULL, &t))
TRANSCRIPT_OP(op_transcribe_bytes, aai_transcriber_transcribe_bytes(w->tr, w->wav, w->wav_size, NULL, &t))
TRANSCRIPT_OP(op_wait, aai_transcriber_wait(w->tr, w->case_id, &t))
TRANSCRIPT_OP(op_get, aai_transcriber_get(w->tr, w->done_id, &t))
TRANSCRIPT_OP(op_delete, aai_transcriber_delete(w->tr, w->case_id, &t))
/* A call whose result is not looked at: `call` sets `out`, freed with `free_fn`. */
#define DISCARD_OP(name, type, free_fn, call) static aai_status name(worker *w, result *r) { \
    (void)r; \
    type *out = NULL; \
    aai_status s = call; \
    free_fn(out); \
    return s; \
}
DISCARD_OP(op_export_srt, char, aai_string_free, aai_transcriber_export_subtitles(w->tr, w->done_id, AAI_SUBTITLES_SRT, 0, &out))
DISCARD_OP(op_sentences, aai_segments, aai_segments_free, aai_transcriber_get_sentences(w->tr, w->done_id, &out))
DISCARD_OP(op_paragraphs, aai_segments, aai_segments_free, aai_transcriber_get_paragraphs(w->tr, w->done_id, &out))
DISCARD_OP(op_word_search, aai_word_search, aai_word_search_free,
           aai_transcriber_word_search(w->tr, w->done_id, (const char *[]){"hello", "you"}, 2, &out))
DISCARD_OP(op_redacted_url, char, aai_string_free, aai_transcriber_get_redacted_audio_url(w->tr, w->done_id, &out))
static aai_status op_save_redacted(worker *w, result *r) {
    char path[160];
    snprintf(path, sizeof path, "%s/redacted.wav", w->dir);
    unlink(path);
    aai_status s = aai_transcriber_save_redacted_audio(w->tr, w->done_id, path);
    struct stat st;
    r->file_exists = stat(path, &st) == 0;
    r->file_mode = r->file_exists ? (int)(st.st_mode & 0777) : 0;
    DIR *d = opendir(w->dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "redacted.wav") &&
            strcmp(e->d_name, "audio.wav"))
            r->stray_files++;
    if (d) closedir(d);
    unlink(path);
    return s;
}
DISCARD_OP(op_list, aai_transcript_list, aai_transcript_list_free,
           aai_transcriber_list(w->tr, 2, NULL, NULL, NULL, NULL, -1, &out))
DISCARD_OP(op_list_page, aai_transcript_list, aai_transcript_list_free, aai_transcriber_list_page(w->tr, w->page_url, &out))
static aai_lemur_params *lemur_params(worker *w) {
    aai_lemur_params *p = NULL;
    aai_lemur_params_new(&p);
    aai_lemur_params_add_transcript_id(p, w->done_id);
    return p;
}
static aai_status lemur_done(aai_status s, aai_lemur_response *resp, aai_lemur_params *p) {
    aai_lemur_response_free(resp);
    aai_lemur_params_free(p);
    return s;
}
static aai_status op_lemur_task(worker *w, result *r) {
    (void)r;
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    return lemur_done(aai_lemur_task(w->client, p, "What is said?", &resp), resp, p);
}
static aai_status op_lemur_summary(worker *w, result *r) {
    (void)r;
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    return lemur_done(aai_lemur_summary(w->client, p, NULL, &resp), resp, p);
}
static aai_status op_lemur_action_items(worker *w, result *r) {
    (void)r;
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    return lemur_done(aai_lemur_action_items(w->client, p, NULL, &resp), resp, p);
}
static aai_status op_lemur_qa(worker *w, result *r) {
    (void)r;
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    aai_lemur_question q = {"Who speaks?", NULL, NULL, NULL, 0};
    return lemur_done(aai_lemur_question_answer(w->client, p, &q, 1, &resp), resp, p);
}
DISCARD_OP(op_lemur_get, aai_lemur_response, aai_lemur_response_free, aai_lemur_get_response(w->client, w->lemur_id, &out))
static aai_status op_lemur_purge(worker *w, result *r) {
    (void)r;
    int deleted = 0;
    return aai_lemur_purge_request_data(w->client, w->case_lemur, &deleted);
}
static aai_status op_llm_chat(worker *w, result *r) {
    (void)r;
    aai_llm_request *q = NULL;
    aai_llm_request_new("claude-sonnet-4-5-20250929", &q);
    aai_llm_request_add_message(q, "user", "Say hi");
    aai_llm_response *resp = NULL;
    aai_status s = aai_llm_chat_completion(w->client, q, &resp);
    aai_llm_response_free(resp);
    aai_llm_request_free(q);
    return s;
}
DISCARD_OP(op_llm_understanding, aai_llm_response, aai_llm_response_free,
           aai_llm_understanding(w->client, w->done_id,
                                 "{\"request\": {\"translation\": {\"target_languages\": [\"de\"]}}}", &out))
DISCARD_OP(op_token_v2, char, aai_string_free, aai_streaming_create_token_v2(w->client, 60, &out))
DISCARD_OP(op_token_v3, char, aai_string_free, aai_streaming_create_token_v3(w->client, NULL, 60, 0, &out))

/* ---- the non-blocking calls: the same legs, the outcome read from the future ---- */
static aai_status finish_future(aai_status started, aai_future *f, result *r) {
    if (started != AAI_OK) return started;
    aai_status outcome = AAI_ERR_INTERNAL;
    if (aai_future_wait(f, 60000, &outcome) != AAI_OK) {
        aai_future_free(f);
        return AAI_ERR_INTERNAL;   /* a hang: the case fails on the status */
    }
    aai_transcript *t = NULL;
    aai_status s = aai_future_transcript(f, &t);   /* sets this thread's last error */
    if (s != outcome) { aai_transcript_free(t); aai_future_free(f); return AAI_ERR_INTERNAL; }
    keep_transcript(r, t);
    aai_future_free(f);
    return s;
}
/* A non-blocking call for a transcript; `call` starts it and sets `f`. */
#define FUTURE_OP(name, call) static aai_status name(worker *w, result *r) { \
    aai_future *f = NULL; \
    aai_status started = call; \
    return finish_future(started, f, r); \
}
FUTURE_OP(op_submit_url_async, aai_transcriber_submit_url_async(w->tr, w->audio_url, NULL, NULL, NULL, &f))
FUTURE_OP(op_submit_file_async, aai_transcriber_submit_file_async(w->tr, w->wav_path, NULL, NULL, NULL, &f))
FUTURE_OP(op_submit_bytes_async, aai_transcriber_submit_bytes_async(w->tr, w->wav, w->wav_size, NULL, NULL, NULL, &f))
FUTURE_OP(op_transcribe_url_async, aai_transcriber_transcribe_url_async(w->tr, w->audio_url, NULL, NULL, NULL, &f))
FUTURE_OP(op_transcribe_file_async, aai_transcriber_transcribe_file_async(w->tr, w->wav_path, NULL, NULL, NULL, &f))
FUTURE_OP(op_transcribe_bytes_async, aai_transcriber_transcribe_bytes_async(w->tr, w->wav, w->wav_size, NULL, NULL, NULL, &f))
FUTURE_OP(op_wait_async, aai_transcriber_wait_async(w->tr, w->case_id, NULL, NULL, &f))
FUTURE_OP(op_get_async, aai_transcriber_get_async(w->tr, w->done_id, NULL, NULL, &f))
static aai_status op_list_async(worker *w, result *r) {
    (void)r;
    aai_future *f = NULL;
    aai_status s = aai_transcriber_list_async(w->tr, 2, NULL, NULL, NULL, NULL, -1, NULL, NULL, &f);
    if (s != AAI_OK) return s;
    aai_status outcome = AAI_ERR_INTERNAL;
    if (aai_future_wait(f, 60000, &outcome) != AAI_OK) { aai_future_free(f); return AAI_ERR_INTERNAL; }
    aai_transcript_list *l = NULL;
    s = aai_future_transcript_list(f, &l);
    aai_transcript_list_free(l);
    aai_future_free(f);
    return s == outcome ? s : AAI_ERR_INTERNAL;
}
/* Groups of one item: the group call's status is the item's; the item keeps its transcript. */
static aai_status finish_group(aai_status s, aai_transcript_group *g, result *r) {
    if (g && aai_transcript_group_count(g) == 1) {
        aai_transcript *t = NULL;
        aai_status item = AAI_OK;
        aai_transcript_group_item(g, 0, &t, &item);
        keep_transcript(r, t);
    }
    aai_transcript_group_free(g);
    return s;
}
static aai_status op_transcribe_group(worker *w, result *r) {
    const char *audio[] = {w->wav_path};
    aai_transcript_group *g = NULL;
    aai_status st = aai_transcriber_transcribe_group(w->tr, audio, 1, NULL, 0, 0, &g);
    return finish_group(st, g, r);
}
static aai_status op_submit_group(worker *w, result *r) {
    const char *audio[] = {w->audio_url};
    aai_transcript_group *g = NULL;
    aai_status st = aai_transcriber_submit_group(w->tr, audio, 1, NULL, 0, 0, &g);
    return finish_group(st, g, r);
}
static aai_status op_transcribe_group_async(worker *w, result *r) {
    const char *audio[] = {w->wav_path};
    aai_future *f = NULL;
    aai_status s = aai_transcriber_transcribe_group_async(w->tr, audio, 1, NULL, 0, 0, NULL, NULL, &f);
    if (s != AAI_OK) return s;
    aai_status outcome = AAI_ERR_INTERNAL;
    if (aai_future_wait(f, 60000, &outcome) != AAI_OK) { aai_future_free(f); return AAI_ERR_INTERNAL; }
    aai_transcript_group *g = NULL;
    s = aai_future_group(f, &g);
    aai_future_free(f);
    return finish_group(s == outcome ? s : AAI_ERR_INTERNAL, g, r);
}
static aai_status op_group_from_ids(worker *w, result *r) {
    const char *ids[] = {w->done_id};
    aai_transcript_group *g = NULL;
    aai_status st = aai_transcriber_group_from_ids(w->tr, ids, 1, 0, &g);
    return finish_group(st, g, r);
}
static aai_status op_group_wait(worker *w, result *r) {
    /* A group whose transcript is still queued (made by the prep, before the fault is armed). */
    aai_transcript_group *g = NULL;
    if (!w->case_group) return AAI_ERR_INTERNAL;
    aai_status st = aai_transcriber_group_wait(w->tr, w->case_group, 0, &g);
    return finish_group(st, g, r);
}
static aai_status op_group_refresh(worker *w, result *r) {
    aai_transcript_group *g = NULL;
    aai_status st = aai_transcriber_group_refresh(w->tr, w->done_group, 0, &g);
    return finish_group(st, g, r);
}

/* ---- preparation that needs a fresh object per case (done before the fault is armed) ---- */
/* Text-to-Speech: one POST, never repeated by the library (as the official SDK). */
static int tts_discard(const aai_tts_info *info, const void *audio, size_t size, void *user) {
    (void)info; (void)audio; (void)size; (void)user;
    return 0;
}
static aai_status tts_done(aai_status s, aai_tts_result *res) {
    aai_tts_result_free(res);
    return s;
}
static aai_status op_tts_synthesize(worker *w, result *r) {
    (void)r;
    aai_tts_result *res = NULL;
    return tts_done(aai_tts_synthesize(w->client, "Hello from the fault matrix.", NULL, &res), res);
}
static aai_status op_tts_stream(worker *w, result *r) {
    (void)r;
    aai_tts_result *res = NULL;
    return tts_done(aai_tts_stream(w->client, "Hello from the fault matrix.", NULL, tts_discard, NULL, &res), res);
}
static aai_status op_tts_events(worker *w, result *r) {
    (void)r;
    aai_tts_result *res = NULL;
    return tts_done(aai_tts_stream_events(w->client, "Hello from the fault matrix.", NULL, tts_discard, NULL, NULL, &res), res);
}
static aai_status op_tts_stream_async(worker *w, result *r) {
    (void)r;
    aai_future *f = NULL;
    aai_status s = aai_tts_start_async(w->client, AAI_TTS_STREAM, "Hello from the fault matrix.", NULL, tts_discard, NULL,
                                       NULL, NULL, NULL, &f);
    if (s != AAI_OK) return s;
    aai_future_wait(f, -1, NULL);
    aai_tts_result *res = NULL;
    s = aai_future_tts_result(f, &res);
    aai_future_free(f);
    return tts_done(s, res);
}

static void prep_new_transcript(worker *w) {
    aai_transcript *t = NULL;
    w->case_id[0] = 0;
    if (aai_transcriber_submit_url(w->tr, w->audio_url, NULL, &t) == AAI_OK)
        snprintf(w->case_id, sizeof w->case_id, "%s", aai_transcript_id(t));
    aai_transcript_free(t);
}
static void prep_done_transcript(worker *w) {
    /* Its own upload: deleting a transcript deletes its audio on the server. */
    aai_transcript *t = NULL;
    w->case_id[0] = 0;
    if (aai_transcriber_transcribe_file(w->tr, w->wav_path, NULL, &t) == AAI_OK)
        snprintf(w->case_id, sizeof w->case_id, "%s", aai_transcript_id(t));
    aai_transcript_free(t);
}
static void prep_new_group(worker *w) {
    const char *audio[] = {w->audio_url};
    aai_transcript_group_free(w->case_group);
    w->case_group = NULL;
    aai_transcriber_submit_group(w->tr, audio, 1, NULL, 0, 0, &w->case_group);
}
static void prep_lemur(worker *w) {
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    w->case_lemur[0] = 0;
    if (aai_lemur_task(w->client, p, "Anything?", &resp) == AAI_OK)
        snprintf(w->case_lemur, sizeof w->case_lemur, "%s", aai_lemur_response_request_id(resp));
    lemur_done(AAI_OK, resp, p);
}

/* The Sync and Dictation APIs: one chunked multipart POST, never repeated (its audio is gone once
   sent), timed by the client's sync / dictation timeouts (set to T_MS in worker_setup). */
static aai_status sync_result_status(aai_status s, aai_sync_result *res) { aai_sync_result_free(res); return s; }
static aai_status op_sync_file(worker *w, result *r) {
    (void)r;
    aai_sync_transcriber *t = NULL;
    aai_sync_transcriber_new(w->client, &t);
    aai_sync_result *res = NULL;
    aai_status s = sync_result_status(aai_sync_transcribe_file(t, w->wav_path, NULL, &res), res);
    aai_sync_transcriber_free(t);
    return s;
}
static aai_status op_sync_bytes(worker *w, result *r) {
    (void)r;
    aai_sync_transcriber *t = NULL;
    aai_sync_transcriber_new(w->client, &t);
    aai_sync_result *res = NULL;
    aai_status s = sync_result_status(aai_sync_transcribe_bytes(t, w->wav, w->wav_size, NULL, &res), res);
    aai_sync_transcriber_free(t);
    return s;
}
static aai_status op_sync_live(worker *w, result *r) {
    (void)r;
    aai_sync_transcriber *t = NULL;
    aai_sync_transcriber_new(w->client, &t);
    aai_sync_live *live = NULL;
    aai_sync_result *res = NULL;
    aai_status s = aai_sync_live_open(t, NULL, NULL, NULL, NULL, &live);
    if (s == AAI_OK) {
        for (size_t off = 0; off < w->wav_size; off += 4000)
            aai_sync_live_write(live, w->wav + off, w->wav_size - off < 4000 ? w->wav_size - off : 4000);
        s = sync_result_status(aai_sync_live_result(live, &res), res);
    }
    aai_sync_live_free(live);
    aai_sync_transcriber_free(t);
    return s;
}
static aai_status op_dictation_file(worker *w, result *r) {
    (void)r;
    aai_sync_transcriber *t = NULL;
    aai_dictation_transcriber_new(w->client, &t);
    aai_sync_result *res = NULL;
    aai_status s = sync_result_status(aai_sync_transcribe_file(t, w->wav_path, NULL, &res), res);
    aai_sync_transcriber_free(t);
    return s;
}
#define SYNC_LEG {"POST", "^/v1/transcribe/live$", NOREPEAT, 1, 0, 0, 0, 0, 0}
#define DICTATION_LEG {"POST", "^/dictation/v1/transcribe/live$", NOREPEAT, 1, 0, 0, 0, 0, 0}

#define UPLOAD_LEG {"POST", "^/v2/upload$", IDEM, 1, 1, 0, 0, 0, 0}
#define STREAM_LEG {"POST", "^/v2/upload$", NOREPEAT, 1, 1, 0, 0, 0, 0}
#define CREATE_LEG {"POST", "^/v2/transcript$", CREATE, 1, 0, 0, 0, 0, 0}
#define POLL_LEG {"GET", "^/v2/transcript/[^/]+$", IDEM, 1, 0, 1, 0, 0, 0}
#define GET_LEG(re) {"GET", re, IDEM, 1, 0, 0, 0, 0, 0}

static const op OPS[] = {
    {"upload_file", op_upload_file, NULL, {UPLOAD_LEG}},
    {"upload_bytes", op_upload_bytes, NULL, {UPLOAD_LEG}},
    {"upload_stream", op_upload_stream, NULL, {STREAM_LEG}},
    {"submit_url", op_submit_url, NULL, {CREATE_LEG}},
    {"submit_file", op_submit_file, NULL, {UPLOAD_LEG, CREATE_LEG}},
    {"submit_bytes", op_submit_bytes, NULL, {UPLOAD_LEG, CREATE_LEG}},
    {"transcribe_url", op_transcribe_url, NULL, {CREATE_LEG, POLL_LEG}},
    {"transcribe_file", op_transcribe_file, NULL, {UPLOAD_LEG, CREATE_LEG, POLL_LEG}},
    {"transcribe_bytes", op_transcribe_bytes, NULL, {UPLOAD_LEG, CREATE_LEG, POLL_LEG}},
    {"wait", op_wait, prep_new_transcript, {POLL_LEG}},
    {"get", op_get, NULL, {GET_LEG("^/v2/transcript/[^/]+$")}},
    {"delete", op_delete, prep_done_transcript, {{"DELETE", "^/v2/transcript/[^/]+$", IDEM, 1, 0, 0, 0, 0, 0}}},
    {"export_subtitles", op_export_srt, NULL, {{"GET", "^/v2/transcript/[^/]+/srt$", IDEM, 0, 0, 0, 0, 0, 0}}},
    {"get_sentences", op_sentences, NULL, {GET_LEG("^/v2/transcript/[^/]+/sentences$")}},
    {"get_paragraphs", op_paragraphs, NULL, {GET_LEG("^/v2/transcript/[^/]+/paragraphs$")}},
    {"word_search", op_word_search, NULL, {GET_LEG("^/v2/transcript/[^/]+/word-search$")}},
    {"get_redacted_audio_url", op_redacted_url, NULL, {GET_LEG("^/v2/transcript/[^/]+/redacted-audio$")}},
    {"save_redacted_audio", op_save_redacted, NULL,
     {GET_LEG("^/v2/transcript/[^/]+/redacted-audio$"),
      {"GET", "^/_local/redacted-audio/", IDEM, 0, 0, 0, 0, 1, 0}}},
    {"list", op_list, NULL, {GET_LEG("^/v2/transcript$")}},
    {"list_page", op_list_page, NULL, {GET_LEG("^/v2/transcript$")}},
    {"lemur_task", op_lemur_task, NULL, {{"POST", "^/lemur/v3/generate/task$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"lemur_summary", op_lemur_summary, NULL, {{"POST", "^/lemur/v3/generate/summary$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"lemur_action_items", op_lemur_action_items, NULL, {{"POST", "^/lemur/v3/generate/action-items$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"lemur_question_answer", op_lemur_qa, NULL, {{"POST", "^/lemur/v3/generate/question-answer$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"lemur_get_response", op_lemur_get, NULL, {{"GET", "^/lemur/v3/[^/]+$", IDEM, 1, 0, 0, 1, 0, 0}}},
    {"lemur_purge_request_data", op_lemur_purge, prep_lemur, {{"DELETE", "^/lemur/v3/[^/]+$", IDEM, 1, 0, 0, 0, 0, 1}}},
    {"llm_chat_completion", op_llm_chat, NULL, {{"POST", "^/v1/chat/completions$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"llm_understanding", op_llm_understanding, NULL, {{"POST", "^/v1/understanding$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"submit_url_async", op_submit_url_async, NULL, {CREATE_LEG}},
    {"submit_file_async", op_submit_file_async, NULL, {UPLOAD_LEG, CREATE_LEG}},
    {"submit_bytes_async", op_submit_bytes_async, NULL, {UPLOAD_LEG, CREATE_LEG}},
    {"transcribe_url_async", op_transcribe_url_async, NULL, {CREATE_LEG, POLL_LEG}},
    {"transcribe_file_async", op_transcribe_file_async, NULL, {UPLOAD_LEG, CREATE_LEG, POLL_LEG}},
    {"transcribe_bytes_async", op_transcribe_bytes_async, NULL, {UPLOAD_LEG, CREATE_LEG, POLL_LEG}},
    {"wait_async", op_wait_async, prep_new_transcript, {POLL_LEG}},
    {"get_async", op_get_async, NULL, {GET_LEG("^/v2/transcript/[^/]+$")}},
    {"list_async", op_list_async, NULL, {GET_LEG("^/v2/transcript$")}},
    {"transcribe_group", op_transcribe_group, NULL, {UPLOAD_LEG, CREATE_LEG, POLL_LEG}},
    {"submit_group", op_submit_group, NULL, {CREATE_LEG}},
    {"transcribe_group_async", op_transcribe_group_async, NULL, {UPLOAD_LEG, CREATE_LEG, POLL_LEG}},
    {"group_from_ids", op_group_from_ids, NULL, {GET_LEG("^/v2/transcript/[^/]+$")}},
    {"group_refresh", op_group_refresh, NULL, {GET_LEG("^/v2/transcript/[^/]+$")}},
    {"group_wait", op_group_wait, prep_new_group, {POLL_LEG}},
    {"streaming_create_token_v2", op_token_v2, NULL, {{"POST", "^/v2/realtime/token$", CREATE, 1, 0, 0, 0, 0, 0}}},
    {"streaming_create_token_v3", op_token_v3, NULL, {GET_LEG("^/v3/token$")}},
    {"sync_transcribe_file", op_sync_file, NULL, {SYNC_LEG}},
    {"sync_transcribe_bytes", op_sync_bytes, NULL, {SYNC_LEG}},
    {"sync_live", op_sync_live, NULL, {SYNC_LEG}},
    {"dictation_transcribe_file", op_dictation_file, NULL, {DICTATION_LEG}},
    {"tts_synthesize", op_tts_synthesize, NULL, {{"POST", "^/v1/speech$", NOREPEAT, 1, 0, 0, 0, 0, 0}}},
    {"tts_stream", op_tts_stream, NULL, {{"POST", "^/v1/speech$", NOREPEAT, 1, 0, 0, 0, 0, 0}}},
    {"tts_stream_events", op_tts_events, NULL, {{"POST", "^/v1/speech/events$", NOREPEAT, 1, 0, 0, 0, 0, 0}}},
    {"tts_start_async", op_tts_stream_async, NULL, {{"POST", "^/v1/speech$", NOREPEAT, 1, 0, 0, 0, 0, 0}}},
};
#define N_OPS (sizeof OPS / sizeof OPS[0])

/* ---- the faults ---- */
enum fkind { F_429, F_500, F_502, F_503, F_504, F_500_AFTER, F_RESET, F_TRUNCATE, F_MALFORMED, F_SLOW, F_DELAY, F_HANG };
static const char *FAULT_NAMES[] = {"429", "500", "502", "503", "504", "500_after_handling", "reset", "truncate",
                                    "malformed_json", "slow", "delay_past_timeout", "hang"};

/* A fault's JSON for a leg (the caller adds count). */
static void fault_json(enum fkind f, const leg *l, int count, char *out, size_t size) {
    long t = l->upload ? UPLOAD_STALL_MS : T_MS;
    char kind[160];
    switch (f) {
    case F_429: snprintf(kind, sizeof kind, "\"kind\":\"status\",\"status\":429,\"retry_after\":0"); break;
    case F_500: snprintf(kind, sizeof kind, "\"kind\":\"status\",\"status\":500"); break;
    case F_502: snprintf(kind, sizeof kind, "\"kind\":\"status\",\"status\":502"); break;
    case F_503: snprintf(kind, sizeof kind, "\"kind\":\"status\",\"status\":503"); break;
    case F_504: snprintf(kind, sizeof kind, "\"kind\":\"status\",\"status\":504"); break;
    case F_500_AFTER: snprintf(kind, sizeof kind, "\"kind\":\"status\",\"status\":500,\"phase\":\"after\""); break;
    case F_RESET: snprintf(kind, sizeof kind, "\"kind\":\"reset\""); break;
    case F_TRUNCATE: snprintf(kind, sizeof kind, "\"kind\":\"truncate\""); break;
    case F_MALFORMED: snprintf(kind, sizeof kind, "\"kind\":\"malformed_json\""); break;
    case F_SLOW: snprintf(kind, sizeof kind, "\"kind\":\"delay\",\"delay_ms\":%ld", T_MS / 4); break;
    case F_DELAY: snprintf(kind, sizeof kind, "\"kind\":\"delay\",\"delay_ms\":%ld", 3 * t + 2000); break;
    case F_HANG: snprintf(kind, sizeof kind, "\"kind\":\"hang\",\"delay_ms\":%ld", 3 * t + 2000); break;
    }
    /* Uploads: let the server take (and record) every attempt's body, then fail the answer. */
    if (l->upload && (f <= F_504 || f == F_DELAY || f == F_HANG)) strcat(kind, ",\"phase\":\"after\"");
    snprintf(out, size, "{%s,\"method\":\"%s\",\"path\":\"/\",\"path_regex\":\"%s\",\"count\":%d}", kind, l->method,
             l->regex, count);
}

/* What a case expects. */
typedef struct expect {
    aai_status status;
    const char *message;     /* a piece of the message, NULL when OK */
    int attempts;            /* requests on the leg: exact, or at least (poll legs) */
    int may_have_received;   /* the message must warn that the request may have been received */
} expect;

static expect expected(enum fkind f, const leg *l, int persistent, int max_retries) {
    expect e = {AAI_OK, NULL, 1, 0};
    int is_status = f <= F_500_AFTER;
    int retriable_fault = f != F_MALFORMED && f != F_SLOW;   /* what the policy retries (for IDEM) */
    int fails_once = 1;
    if (f == F_SLOW) fails_once = 0;
    if (f == F_MALFORMED && !l->json) fails_once = 0;          /* a cut text/audio body is not detectable */
    if (!fails_once) return e;
    aai_status st;
    const char *msg;
    switch (f) {
    case F_429: st = AAI_ERR_RATE_LIMITED; msg = "HTTP 429"; break;
    case F_502: st = AAI_ERR_SERVER; msg = "HTTP 502"; break;
    case F_503: st = AAI_ERR_SERVER; msg = "HTTP 503"; break;
    case F_504: st = AAI_ERR_SERVER; msg = "HTTP 504"; break;
    case F_500: case F_500_AFTER: st = AAI_ERR_SERVER; msg = "HTTP 500"; break;
    case F_RESET: case F_TRUNCATE: st = AAI_ERR_CONNECTION; msg = "connection"; break;
    case F_MALFORMED: st = AAI_ERR_PROTOCOL; msg = "malformed JSON"; break;
    default: st = AAI_ERR_TIMEOUT; msg = "timed out"; break;
    }
    if (l->download && is_status) msg = "HTTP 5";             /* refined below for 429 */
    if (l->download && f == F_429) msg = "HTTP 429";
    int retried;
    if (l->cls == IDEM) retried = retriable_fault;
    else if (l->cls == CREATE) retried = f == F_429;
    else retried = 0;
    int attempts = retried ? max_retries + 1 : 1;
    if (!persistent && retried) {                               /* the second attempt succeeds */
        e.attempts = 2;
        if (l->gone_after_delete && (f == F_RESET || f == F_TRUNCATE)) {
            /* The first attempt deleted it and its answer was lost: the retry finds nothing. */
            e.status = AAI_ERR_NOT_FOUND;
            e.message = "earlier attempt";
        }
        return e;
    }
    e.status = st;
    e.message = msg;
    e.attempts = attempts;
    e.may_have_received = l->cls == CREATE && f != F_429;
    return e;
}

/* The longest a case may take: every attempt up to its time limit, the backoffs, a margin. */
static double budget_ms(const leg *l, const expect *e, int polls) {
    long t = l->upload ? (T_MS > UPLOAD_STALL_MS ? T_MS : UPLOAD_STALL_MS) + 1000 : T_MS;
    double b = e->attempts * (t + 300.0);
    for (int i = 0; i < e->attempts - 1; i++) b += 250.0 * (1 << i);
    b += 2500;                   /* the other legs of the call, process scheduling */
    if (polls) b += 1500;        /* the transcript's own processing time */
    return b;
}

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
    for (size_t o = 0; o < N_OPS; o++)
        for (int l = 0; l < 3 && OPS[o].legs[l].method; l++) cap += (int)(sizeof TRANSIENT / sizeof *TRANSIENT + sizeof PERSISTENT / sizeof *PERSISTENT);
    cases = calloc((size_t)cap, sizeof *cases);
    for (size_t o = 0; o < N_OPS; o++)
        for (int l = 0; l < 3 && OPS[o].legs[l].method; l++)
            for (int mode = 0; mode < 2; mode++) {
                const enum fkind *fs = mode ? PERSISTENT : TRANSIENT;
                size_t nf = mode ? sizeof PERSISTENT / sizeof *PERSISTENT : sizeof TRANSIENT / sizeof *TRANSIENT;
                for (size_t f = 0; f < nf; f++) {
                    const leg *lg = &OPS[o].legs[l];
                    /* 500 after handling differs from 500 before only where the request creates something. */
                    if (fs[f] == F_500_AFTER && lg->cls != CREATE) continue;
                    kase *k = &cases[n_cases];
                    k->op = &OPS[o];
                    k->leg = l;
                    k->fault = fs[f];
                    k->persistent = mode;
                    snprintf(k->name, sizeof k->name, "%s [%s %s] x %s %s", OPS[o].name, lg->method, lg->regex,
                             FAULT_NAMES[fs[f]], mode ? "every time" : "once");
                    if (only && !strstr(k->name, only)) continue;
                    n_cases++;
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

/* ======================================================================================
 * Tests outside the matrix, on one server
 * ==================================================================================== */
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

/* ======================================================================================
 * Streaming: a scripted WebSocket peer (handshake, frames, then a fault)
 * ==================================================================================== */

/* SHA-1 (FIPS 180-1) and base64, for Sec-WebSocket-Accept. */
static uint32_t rol(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }
static void sha1(const unsigned char *msg, size_t len, unsigned char out[20]) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    size_t total = ((len + 8) / 64 + 1) * 64;
    unsigned char *m = calloc(total, 1);
    memcpy(m, msg, len);
    m[len] = 0x80;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) m[total - 1 - i] = (unsigned char)(bits >> (8 * i));
    for (size_t off = 0; off < total; off += 64) {
        uint32_t w[80];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)m[off + 4 * i] << 24 | (uint32_t)m[off + 4 * i + 1] << 16 | (uint32_t)m[off + 4 * i + 2] << 8 | m[off + 4 * i + 3];
        for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; i++) {
            uint32_t f, k;
            if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
            else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
            else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
            else { f = b ^ c ^ d; k = 0xCA62C1D6; }
            uint32_t tmp = rol(a, 5) + f + e + k + w[i];
            e = d; d = c; c = rol(b, 30); b = a; a = tmp;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
    }
    free(m);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) out[4 * i + j] = (unsigned char)(h[i] >> (24 - 8 * j));
}
static void base64(const unsigned char *in, size_t n, char *out) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = t[v >> 18 & 63];
        out[o++] = t[v >> 12 & 63];
        out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? t[v & 63] : '=';
    }
    out[o] = 0;
}

enum ws_fault { WS_FIN, WS_RST, WS_CLOSE_CODE, WS_RSV_BITS, WS_OVERSIZED, WS_BAD_UTF8, WS_STOP_READING, WS_BAD_OPCODE,
                WS_MASKED, WS_HUGE_CONTROL };

typedef struct ws_peer {
    int fd, port;
    enum ws_fault fault;
    int protocol;             /* 2 or 3 */
    int turns;                /* transcripts sent before the fault */
    int close_code;
    char close_reason[64];
    int client_close_code;    /* the close code the client sent back (0: none seen) */
    long bytes_from_client;
    atomic_int done;
    pthread_t thread;
} ws_peer;

static void ws_send_frame(int c, int opcode_byte, const void *payload, size_t n) {
    unsigned char h[10];
    size_t hl;
    h[0] = (unsigned char)opcode_byte;
    if (n < 126) { h[1] = (unsigned char)n; hl = 2; }
    else if (n <= 0xFFFF) { h[1] = 126; h[2] = (unsigned char)(n >> 8); h[3] = (unsigned char)n; hl = 4; }
    else { h[1] = 127; for (int i = 0; i < 8; i++) h[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i)); hl = 10; }
    send(c, h, hl, MSG_NOSIGNAL);
    if (n) send(c, payload, n, MSG_NOSIGNAL);
}
static void ws_send_text(int c, const char *s) { ws_send_frame(c, 0x81, s, strlen(s)); }

/* Reads the client's frames for up to ms; records its close code. */
static void ws_read_client(ws_peer *p, int c, int ms) {
    unsigned char b[65536];
    size_t have = 0;
    double end = h_now_ms() + ms;
    while (h_now_ms() < end) {
        struct pollfd pf = {c, POLLIN, 0};
        if (poll(&pf, 1, 20) <= 0) continue;
        ssize_t n = recv(c, b + have, sizeof b - have, 0);
        if (n <= 0) return;
        p->bytes_from_client += n;
        have += (size_t)n;
        /* Parse whole frames (client frames are masked). */
        for (;;) {
            if (have < 2) break;
            uint64_t len = b[1] & 0x7F;
            size_t hl = 2;
            if (len == 126) { if (have < 4) break; len = (uint64_t)b[2] << 8 | b[3]; hl = 4; }
            else if (len == 127) { if (have < 10) break; len = 0; for (int i = 0; i < 8; i++) len = len << 8 | b[2 + i]; hl = 10; }
            hl += 4;
            if (len > sizeof b) { have = 0; break; }   /* audio larger than our buffer: skip it */
            if (have < hl + len) {
                if (hl + len > sizeof b) { have = 0; }
                break;
            }
            if ((b[0] & 0x0F) == 0x8 && len >= 2) {
                unsigned char k[4] = {b[hl - 4], b[hl - 3], b[hl - 2], b[hl - 1]};
                p->client_close_code = ((b[hl] ^ k[0]) << 8) | (b[hl + 1] ^ k[1]);
                return;
            }
            memmove(b, b + hl + len, have - hl - len);
            have -= hl + (size_t)len;
        }
    }
}

static void *ws_peer_main(void *arg) {
    ws_peer *p = arg;
    int c = accept(p->fd, NULL, NULL);
    if (c < 0) return NULL;
    char req[8192];
    size_t have = 0;
    while (have < sizeof req - 1) {
        ssize_t n = recv(c, req + have, sizeof req - 1 - have, 0);
        if (n <= 0) { close(c); return NULL; }
        have += (size_t)n;
        req[have] = 0;
        if (strstr(req, "\r\n\r\n")) break;
    }
    char *k = strcasestr(req, "Sec-WebSocket-Key:");
    char key[128] = "";
    if (k) sscanf(k + 18, " %100s", key);
    strcat(key, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    unsigned char digest[20];
    sha1((unsigned char *)key, strlen(key), digest);
    char accept_key[40];
    base64(digest, 20, accept_key);
    char resp[256];
    snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: %s\r\n\r\n", accept_key);
    send(c, resp, strlen(resp), MSG_NOSIGNAL);
    if (p->protocol == 3) ws_send_text(c, "{\"type\":\"Begin\",\"id\":\"sess-1\",\"expires_at\":2000000000}");
    else ws_send_text(c, "{\"message_type\":\"SessionBegins\",\"session_id\":\"sess-1\",\"expires_at\":\"2033-05-18T03:33:20.000000\"}");
    if (p->fault == WS_STOP_READING) {
        /* Never read again: the client's writes fill the socket buffers. */
        while (!atomic_load(&p->done)) usleep(10000);
        close(c);
        return NULL;
    }
    for (int i = 0; i < p->turns; i++) {
        char m[256];
        if (p->protocol == 3)
            snprintf(m, sizeof m, "{\"type\":\"Turn\",\"turn_order\":%d,\"turn_is_formatted\":true,\"end_of_turn\":true,"
                     "\"transcript\":\"turn %d\",\"end_of_turn_confidence\":1.0,\"words\":[]}", i, i);
        else
            snprintf(m, sizeof m, "{\"message_type\":\"FinalTranscript\",\"text\":\"turn %d\",\"audio_start\":0,\"audio_end\":1,"
                     "\"confidence\":1,\"words\":[],\"punctuated\":true,\"text_formatted\":true,\"created\":\"2025-01-01T00:00:00.000000\"}", i);
        ws_send_text(c, m);
    }
    usleep(20000);
    switch (p->fault) {
    case WS_FIN:
        shutdown(c, SHUT_WR);
        ws_read_client(p, c, 300);
        break;
    case WS_RST: {
        struct linger lg = {1, 0};
        setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        break;
    }
    case WS_CLOSE_CODE: {
        unsigned char pl[128];
        size_t rl = strlen(p->close_reason);
        pl[0] = (unsigned char)(p->close_code >> 8);
        pl[1] = (unsigned char)p->close_code;
        memcpy(pl + 2, p->close_reason, rl);
        ws_send_frame(c, 0x88, pl, 2 + rl);
        ws_read_client(p, c, 1000);
        break;
    }
    case WS_RSV_BITS: ws_send_frame(c, 0x81 | 0x40, "{}", 2); ws_read_client(p, c, 1000); break;
    case WS_BAD_OPCODE: ws_send_frame(c, 0x83, "{}", 2); ws_read_client(p, c, 1000); break;
    case WS_MASKED: {
        unsigned char f[8] = {0x81, 0x82, 1, 2, 3, 4, '{' ^ 1, '}' ^ 2};
        send(c, f, sizeof f, MSG_NOSIGNAL);
        ws_read_client(p, c, 1000);
        break;
    }
    case WS_HUGE_CONTROL: {
        unsigned char f[4] = {0x89, 126, 0x01, 0x00};   /* a ping of 256 bytes (max 125) */
        send(c, f, sizeof f, MSG_NOSIGNAL);
        ws_read_client(p, c, 1000);
        break;
    }
    case WS_OVERSIZED: {
        /* A text frame that announces 1 GiB: refused from its header, nothing allocated. */
        unsigned char f[10] = {0x81, 127, 0, 0, 0, 0, 0x40, 0, 0, 0};
        send(c, f, sizeof f, MSG_NOSIGNAL);
        ws_read_client(p, c, 1000);
        break;
    }
    case WS_BAD_UTF8: {
        const char bad[] = "{\"type\":\"Turn\",\"transcript\":\"\xff\xfe\"}";
        ws_send_frame(c, 0x81, bad, sizeof bad - 1);
        ws_read_client(p, c, 1000);
        break;
    }
    case WS_STOP_READING: break;
    }
    close(c);
    return NULL;
}

static int ws_peer_start(ws_peer *p) {
    p->fd = h_listen_loopback(4, &p->port);
    if (p->fd < 0) return -1;
    return pthread_create(&p->thread, NULL, ws_peer_main, p);
}
static void ws_peer_stop(ws_peer *p) {
    atomic_store(&p->done, 1);
    shutdown(p->fd, SHUT_RDWR);
    close(p->fd);
    pthread_join(p->thread, NULL);
}

/* Events seen by a session. */
typedef struct seen {
    pthread_mutex_t lock;
    int opened, turns, errors, closed, after_closed;
    int error_close_code, closed_code;
    aai_status error_status, closed_status;
    char error_text[512], closed_reason[128];
    char last_turn[64];
    int turns_in_order;
} seen;

static void on_ws_event(const aai_streaming_event *e, void *u) {
    seen *s = u;
    pthread_mutex_lock(&s->lock);
    if (s->closed) s->after_closed++;
    switch (e->type) {
    case AAI_STREAMING_EVENT_OPENED: s->opened++; break;
    case AAI_STREAMING_EVENT_TURN:
    case AAI_STREAMING_EVENT_FINAL_TRANSCRIPT: {
        char want[32];
        snprintf(want, sizeof want, "turn %d", s->turns);
        if (e->text && strcmp(e->text, want) == 0) s->turns_in_order++;
        s->turns++;
        break;
    }
    case AAI_STREAMING_EVENT_ERROR:
        s->errors++;
        s->error_status = e->status;
        s->error_close_code = e->close_code;
        snprintf(s->error_text, sizeof s->error_text, "%s", e->text ? e->text : "");
        break;
    case AAI_STREAMING_EVENT_CLOSED:
        s->closed++;
        s->closed_code = e->close_code;
        s->closed_status = e->status;
        snprintf(s->closed_reason, sizeof s->closed_reason, "%s", e->close_reason ? e->close_reason : "");
        break;
    default: break;
    }
    pthread_mutex_unlock(&s->lock);
}

static int wait_closed(seen *s, int ms) {
    double end = h_now_ms() + ms;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        int c = s->closed;
        pthread_mutex_unlock(&s->lock);
        if (c || h_now_ms() > end) return c;
        usleep(2000);
    }
}

/* One session against the peer; returns the status of aai_streaming_close(). */
static aai_status ws_session(ws_peer *p, seen *s, int *close_code_out, double *close_ms) {
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    aai_client *c = NULL;
    aai_client_new(&c);
    aai_client_set_api_key(c, h_api_key);
    aai_streaming *ss = NULL;
    aai_streaming_new(c, p->protocol == 3 ? AAI_STREAMING_V3 : AAI_STREAMING_V2, &ss);
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", p->port);
    aai_streaming_set_url(ss, url);
    aai_streaming_set_connect_timeout_ms(ss, 2000);
    aai_streaming_set_callback(ss, on_ws_event, s);
    aai_status st = aai_streaming_connect(ss);
    CHECK_STATUS(st, AAI_OK);
    wait_closed(s, 3000);
    double t0 = h_now_ms();
    aai_status cs = aai_streaming_close(ss, 1000);
    *close_ms = h_now_ms() - t0;
    *close_code_out = aai_streaming_close_code(ss);
    aai_streaming_free(ss);
    aai_client_free(c);
    return cs;
}

/* Every way a streaming server can break the connection: the transcripts sent before arrive,
   then ERROR (with the right status and a message that says what happened) and CLOSED, and
   aai_streaming_close() reports the same failure without waiting. */
static void test_streaming_connection_faults(void) {
    static const struct { enum ws_fault f; aai_status st; int close_code; int client_code; const char *msg; } F[] = {
        {WS_FIN, AAI_ERR_CONNECTION, 1006, 0, "without a close frame"},
        {WS_RST, AAI_ERR_CONNECTION, 1006, 0, "receiving failed"},
        {WS_RSV_BITS, AAI_ERR_PROTOCOL, 1006, 1002, "reserved bits"},
        {WS_BAD_OPCODE, AAI_ERR_PROTOCOL, 1006, 1002, "opcode"},
        {WS_MASKED, AAI_ERR_PROTOCOL, 1006, 1002, "masked"},
        {WS_HUGE_CONTROL, AAI_ERR_PROTOCOL, 1006, 1002, "control frame"},
        {WS_OVERSIZED, AAI_ERR_PROTOCOL, 1006, 1009, "exceeds the limit"},
        {WS_BAD_UTF8, AAI_ERR_PROTOCOL, 1006, 1007, "UTF-8"},
    };
    static const char *names[] = {"FIN", "RST", "", "RSV", "oversized", "UTF-8", "", "opcode", "masked", "control"};
    for (int proto = 2; proto <= 3; proto++)
        for (size_t i = 0; i < sizeof F / sizeof *F; i++) {
            ws_peer p;
            memset(&p, 0, sizeof p);
            p.fault = F[i].f;
            p.protocol = proto;
            p.turns = 3;
            if (ws_peer_start(&p) != 0) { CHECK(0); continue; }
            seen s;
            int code = 0;
            double close_ms = 0;
            aai_status cs = ws_session(&p, &s, &code, &close_ms);
            ws_peer_stop(&p);
            int bad = 0;
            if (s.opened != 1 || s.turns != 3 || s.turns_in_order != 3) bad = 1;
            if (s.errors != 1 || s.error_status != F[i].st || !strstr(s.error_text, F[i].msg)) bad = 1;
            if (s.closed != 1 || s.after_closed || s.closed_code != F[i].close_code || code != F[i].close_code) bad = 1;
            if (cs != F[i].st || close_ms > 500) bad = 1;
            if (F[i].client_code && p.client_close_code != F[i].client_code) bad = 1;
            if (strstr(s.error_text, h_api_key)) bad = 1;
            if (bad) {
                h_current_failed = 1;
                fprintf(stderr, "  FAIL v%d %s: opened %d turns %d/%d errors %d (%s: %s, want %s: ...%s...) closed %d code %d/%d "
                        "(want %d) close() %s in %.0f ms, client sent close %d (want %d)\n",
                        proto, names[F[i].f], s.opened, s.turns_in_order, s.turns, s.errors, aai_status_name(s.error_status),
                        s.error_text, aai_status_name(F[i].st), F[i].msg, s.closed, s.closed_code, code, F[i].close_code,
                        aai_status_name(cs), close_ms, p.client_close_code, F[i].client_code);
            }
        }
}

/* Every documented close code of both protocols, sent after some transcripts: they all arrive,
   the CLOSED event and aai_streaming_close_code() report the code and reason, and the status
   is the documented one. */
static aai_status close_code_status(int proto, int code) {
    if (code == 1000 || code == 1005) return AAI_OK;
    if ((proto == 2 && (code == 4001 || code == 4002 || code == 4003)) || (proto == 3 && code == 1008)) return AAI_ERR_AUTH;
    if ((proto == 2 && (code == 4008 || code == 4031)) || (proto == 3 && code == 3008)) return AAI_ERR_TIMEOUT;
    if ((proto == 2 && code == 4102) || (proto == 3 && code == 3009)) return AAI_ERR_RATE_LIMITED;
    if ((proto == 2 && (code == 4029 || code == 4000 || code == 4032 || code == 4033 || code == 4034 || code == 4100 ||
                        code == 4101 || code == 4104)) || (proto == 3 && (code == 3006 || code == 3007)))
        return AAI_ERR_INVALID_ARGUMENT;
    if (proto == 2 && (code == 4004 || code == 4010 || code == 4030 || code == 4103)) return AAI_ERR_STATE;
    if (code == 1013 || code == 1011 || (proto == 3 && code == 3005)) return AAI_ERR_SERVER;
    if (code == 1002 || code == 1003 || code == 1007 || code == 1009) return AAI_ERR_PROTOCOL;
    return AAI_ERR_CONNECTION;
}

static void test_streaming_close_codes(void) {
    int tried = 0;
    for (int proto = 2; proto <= 3; proto++)
        for (int code = 1000; code < 5000; code++) {
            if (code == 1005 || code == 1006) continue;             /* never sent in a close frame */
            if (!aai_streaming_close_code_meaning(proto == 3 ? AAI_STREAMING_V3 : AAI_STREAMING_V2, code)) continue;
            tried++;
            ws_peer p;
            memset(&p, 0, sizeof p);
            p.fault = WS_CLOSE_CODE;
            p.protocol = proto;
            p.turns = 2;
            p.close_code = code;
            snprintf(p.close_reason, sizeof p.close_reason, "reason %d \xe2\x9c\x93", code);
            if (ws_peer_start(&p) != 0) { CHECK(0); continue; }
            seen s;
            int got = 0;
            double close_ms = 0;
            aai_status cs = ws_session(&p, &s, &got, &close_ms);
            ws_peer_stop(&p);
            aai_status want = close_code_status(proto, code);
            char code_text[16];
            snprintf(code_text, sizeof code_text, "%d", code);
            int bad = s.opened != 1 || s.turns_in_order != 2 || s.turns != 2 || s.closed != 1 || s.after_closed ||
                      s.closed_code != code || got != code || strcmp(s.closed_reason, p.close_reason) || cs != want ||
                      close_ms > 500 || p.client_close_code != code;
            if (want != AAI_OK && (s.errors != 1 || s.error_status != want || s.error_close_code != code ||
                                   !strstr(s.error_text, code_text)))
                bad = 1;
            if (want == AAI_OK && s.errors) bad = 1;
            if (bad) {
                h_current_failed = 1;
                fprintf(stderr, "  FAIL v%d close %d: turns %d/%d errors %d (%s, code %d: %s) closed %d code %d/%d reason '%s' "
                        "close() %s (want %s) in %.0f ms, client echoed %d\n", proto, code, s.turns_in_order, s.turns, s.errors,
                        aai_status_name(s.error_status), s.error_close_code, s.error_text, s.closed, s.closed_code, got,
                        s.closed_reason, aai_status_name(cs), aai_status_name(want), close_ms, p.client_close_code);
            }
        }
    CHECK(tried >= 25);
}

/* A server that stops reading: sends block, then time out within the send timeout; close()
   gives up within its timeout; free returns at once. Nothing hangs. */
static void test_streaming_server_stops_reading(void) {
    ws_peer p;
    memset(&p, 0, sizeof p);
    p.fault = WS_STOP_READING;
    p.protocol = 3;
    if (ws_peer_start(&p) != 0) { CHECK(0); return; }
    seen s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.lock, NULL);
    aai_client *c = NULL;
    aai_client_new(&c);
    aai_client_set_api_key(c, h_api_key);
    aai_streaming *ss = NULL;
    aai_streaming_new(c, AAI_STREAMING_V3, &ss);
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", p.port);
    aai_streaming_set_url(ss, url);
    aai_streaming_set_callback(ss, on_ws_event, &s);
    aai_streaming_set_queue_capacity(ss, 64 * 1024);
    aai_streaming_set_send_timeout_ms(ss, 200);
    aai_streaming_set_keepalive_ms(ss, 0);
    CHECK_STATUS(aai_streaming_connect(ss), AAI_OK);
    static unsigned char chunk[32000];   /* 1 s of 16 kHz PCM16 */
    aai_status st = AAI_OK;
    int sent = 0;
    double t0 = h_now_ms(), t_send = 0;
    while (sent < 4000 && h_now_ms() - t0 < 20000) {
        double ts = h_now_ms();
        st = aai_streaming_send_audio(ss, chunk, sizeof chunk);
        t_send = h_now_ms() - ts;
        if (st != AAI_OK) break;
        sent++;
    }
    CHECK(st == AAI_ERR_TIMEOUT);
    CHECK(t_send < 200 + 500);
    CHECK_CONTAINS(aai_last_error_message(), "");
    uint64_t queued = 0, written = 0;
    aai_streaming_audio_bytes(ss, &queued, &written);
    CHECK(queued >= written);
    double tc = h_now_ms();
    CHECK_STATUS(aai_streaming_close(ss, 300), AAI_ERR_TIMEOUT);
    CHECK(h_now_ms() - tc < 300 + 700);
    CHECK(wait_closed(&s, 1000));
    double tf = h_now_ms();
    aai_streaming_free(ss);
    CHECK(h_now_ms() - tf < 500);
    aai_client_free(c);
    ws_peer_stop(&p);
    CHECK(s.errors == 1 && s.closed == 1 && s.after_closed == 0);
}

/* The local server ends a v3 and a v2 session mid-stream (maximum session length): the close
   code and reason arrive, with every transcript the server sent before (its own record). */
static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }
static void test_streaming_session_expires_mid_stream(void) {
    (void)sink;
    for (int proto = 2; proto <= 3; proto++) {
        adm_ok(main_srv.url, "DELETE", "/_local/streaming/sessions", NULL);
        CHECK(adm_ok(main_srv.url, "POST", "/_local/streaming/settings", "{\"max_session_ms\": 1200}") == 0);
        aai_client *c = main_client(2000, 0);
        aai_streaming *ss = NULL;
        seen s;
        memset(&s, 0, sizeof s);
        pthread_mutex_init(&s.lock, NULL);
        aai_streaming_new(c, proto == 3 ? AAI_STREAMING_V3 : AAI_STREAMING_V2, &ss);
        aai_streaming_set_callback(ss, on_ws_event, &s);
        CHECK_STATUS(aai_streaming_connect(ss), AAI_OK);
        /* Silence, paced: the server answers with empty finals/turns on force-endpoint. */
        static unsigned char chunk[3200];
        for (int i = 0; i < 40 && !wait_closed(&s, 0); i++) {
            if (aai_streaming_send_audio(ss, chunk, sizeof chunk) != AAI_OK) break;
            if (i % 4 == 3) aai_streaming_force_endpoint(ss);
            usleep(50 * 1000);
        }
        CHECK(wait_closed(&s, 3000));
        int want = proto == 3 ? 3008 : 4008;
        CHECK(aai_streaming_close_code(ss) == want);
        CHECK(s.closed_code == want);
        CHECK(s.error_status == AAI_ERR_TIMEOUT);
        CHECK_STATUS(aai_streaming_close(ss, 500), AAI_ERR_TIMEOUT);
        /* Every transcript the server sent arrived. */
        char *j = adm(main_srv.url, "GET", "/_local/streaming/sessions", NULL, NULL);
        int sent = 0;
        const char *needle = proto == 3 ? "\\\"type\\\":\\\"Turn\\\"" : "\\\"message_type\\\":\\\"FinalTranscript\\\"";
        for (const char *q = j; (q = strstr(q, needle)) != NULL; q++) sent++;
        if (sent == 0) {   /* the record may keep messages as objects rather than text */
            needle = proto == 3 ? "\"type\":\"Turn\"" : "\"message_type\":\"FinalTranscript\"";
            for (const char *q = j; (q = strstr(q, needle)) != NULL; q++) sent++;
        }
        free(j);
        CHECK(sent > 0);
        if (s.turns != sent) {
            h_current_failed = 1;
            fprintf(stderr, "  FAIL v%d: %d transcripts delivered, the server sent %d\n", proto, s.turns, sent);
        }
        aai_streaming_free(ss);
        aai_client_free(c);
    }
    adm_ok(main_srv.url, "POST", "/_local/streaming/settings", "{\"max_session_ms\": 10800000}");
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (getenv("AAI_FAULT_TIMEOUT_MS")) T_MS = atol(getenv("AAI_FAULT_TIMEOUT_MS"));
    if (getenv("AAI_TEST_API_KEY") && *getenv("AAI_TEST_API_KEY")) h_api_key = getenv("AAI_TEST_API_KEY");
    if (server_start(&main_srv, "--redacted-audio-ms 10") != 0) return 1;
    double t0 = h_now_ms();
    RUN(test_fault_matrix);
    RUN(test_retry_after_honoured);
    RUN(test_wait_deadline_returns_transcript);
    RUN(test_create_timeout_not_duplicated);
    RUN(test_create_not_resent_on_reused_connection);
    RUN(test_create_repeated_only_when_never_sent);
    RUN(test_slow_stream_upload_not_cut_off);
    RUN(test_lying_content_length_bounded);
    RUN(test_streaming_connection_faults);
    RUN(test_streaming_close_codes);
    RUN(test_streaming_server_stops_reading);
    RUN(test_streaming_session_expires_mid_stream);
    server_stop(&main_srv);
    printf("# test_faults took %.1f s\n", (h_now_ms() - t0) / 1000);
    return h_finish();
}
