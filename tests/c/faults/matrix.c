/* test_faults, part 2: the matrix's vocabulary. A row ("op") is one public call that talks
   HTTP, with the requests it makes ("legs"); each leg is crossed with every fault, once and on
   every request. Here: the types (leg, result, op, worker), the leg shorthands, the helpers the
   rows share (keep_transcript, TRANSCRIPT_OP, DISCARD_OP), the faults and what each case
   expects. New rows do not go here: they go in the rows_*.c part of their API (the map is in
   test_faults.c). Included by tests/c/test_faults.c. */

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

/* ---- helpers for the rows ---- */
static void keep_transcript(result *r, aai_transcript *t) {
    if (!t) return;
    snprintf(r->transcript_id, sizeof r->transcript_id, "%s", aai_transcript_id(t) ? aai_transcript_id(t) : "");
    snprintf(r->transcript_status, sizeof r->transcript_status, "%s",
             aai_transcript_status_text(t) ? aai_transcript_status_text(t) : "");
    aai_transcript_free(t);
}
/* A call that hands back a transcript (kept in the result); `call` sets `t`. */
#define TRANSCRIPT_OP(name, call) static aai_status name(worker *w, result *r) { \
    aai_transcript *t = NULL; \
    aai_status s = call; \
    keep_transcript(r, t); \
    return s; \
}
/* A call whose result is not looked at: `call` sets `out`, freed with `free_fn`. */
#define DISCARD_OP(name, type, free_fn, call) static aai_status name(worker *w, result *r) { \
    (void)r; \
    type *out = NULL; \
    aai_status s = call; \
    free_fn(out); \
    return s; \
}

/* The usual legs: the requests most calls make. */
#define UPLOAD_LEG {"POST", "^/v2/upload$", IDEM, 1, 1, 0, 0, 0, 0}
#define STREAM_LEG {"POST", "^/v2/upload$", NOREPEAT, 1, 1, 0, 0, 0, 0}
#define CREATE_LEG {"POST", "^/v2/transcript$", CREATE, 1, 0, 0, 0, 0, 0}
#define POLL_LEG {"GET", "^/v2/transcript/[^/]+$", IDEM, 1, 0, 1, 0, 0, 0}
#define GET_LEG(re) {"GET", re, IDEM, 1, 0, 0, 0, 0, 0}

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
