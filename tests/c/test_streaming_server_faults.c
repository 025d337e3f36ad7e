/* libassemblyai streaming sessions (v2 and v3) against the local server's own WebSocket faults
   (docs/local-server.md, "Fault injection", the ws_* kinds), where test_faults.c uses a scripted
   peer. For each kind: the callbacks get every message the server recorded as sent before the
   fault, in order (compared byte for byte with GET /_local/streaming/sessions), then ERROR with
   the right status and a message that says what happened, then CLOSED (1006 when no close frame
   came, else the server's code) as the last event; the client's own close frame (recorded by the
   server) carries 1002 / 1007 as RFC 6455 says; aai_streaming_close() returns the failure at
   once. Also: a reset while the client writes audio, each fault before the session began, and a
   server that stops reading (sends time out within the send timeout, close gives up within its
   timeout; an idle client's keep-alive finds it). A watchdog (SIGALRM) ends the suite if
   anything hangs. */
#include "harness.h"
#include <curl/curl.h>
#include <stdint.h>

/* ---- audio whose streaming transcript is TEXT (docs/local-server-streaming.md) ---- */
static const char *TEXT = "Hello world. How are you?";
enum { RATE = 16000, SECONDS = 3, CHUNK = 3200 /* 100 ms */, AFTER = 5 /* messages before the fault */ };
static unsigned char audio[RATE * SECONDS * 2];

/* Little-endian PCM16 whatever the host's byte order. */
static void make_audio(void) {
    int16_t *s = h_stream_samples(TEXT, 2000, sizeof audio / 2);
    for (size_t i = 0; i < sizeof audio / 2; i++) {
        audio[2 * i] = (unsigned char)s[i];
        audio[2 * i + 1] = 0;
    }
    free(s);
}

/* ---- the server's test hooks ---- */
/* The answer's body (malloc'ed, "" on failure). */
static char *adm(const char *method, const char *path, const char *body) {
    char url[256];
    snprintf(url, sizeof url, "%s%s", h_server_url, path);
    return h_http(method, url, body, NULL, NULL);
}

/* The session record (each case clears the record first, so it holds one session). */
static char *last_session(void) { return adm("GET", "/_local/streaming/sessions", NULL); }

/* The record without its "headers" (they hold the API key; failure output must not). */
static const char *without_headers(char *record) {
    char *h = strstr(record, "\"headers\":{");
    char *end = h ? strchr(h, '}') : NULL;
    if (end) memmove(h, end + 1, strlen(end + 1) + 1);
    return record;
}

/* ---- events ---- */
#define MAX_EV 512
typedef struct ev {
    aai_streaming_event_type type;
    aai_status status;
    int close_code;
    char *json;
    char text[512], reason[128];
} ev;

typedef struct rec {
    pthread_mutex_t lock;
    ev e[MAX_EV];
    int n, closed, after_closed;
} rec;

static void on_event(const aai_streaming_event *e, void *u) {
    rec *r = u;
    pthread_mutex_lock(&r->lock);
    if (r->closed) r->after_closed++;
    if (r->n < MAX_EV) {
        ev *x = &r->e[r->n++];
        x->type = e->type;
        x->status = e->status;
        x->close_code = e->close_code;
        x->json = e->json ? strdup(e->json) : NULL;
        snprintf(x->text, sizeof x->text, "%s", e->text ? e->text : "");
        snprintf(x->reason, sizeof x->reason, "%s", e->close_reason ? e->close_reason : "");
    }
    if (e->type == AAI_STREAMING_EVENT_CLOSED) r->closed = 1;
    pthread_mutex_unlock(&r->lock);
}

static int wait_closed(rec *r, int ms) {
    double end = h_now_ms() + ms;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        int c = r->closed;
        pthread_mutex_unlock(&r->lock);
        if (c || h_now_ms() > end) return c;
        usleep(2000);
    }
}

static void rec_free(rec *r) {
    for (int i = 0; i < r->n; i++) free(r->e[i].json);
    pthread_mutex_destroy(&r->lock);
}

/* `"sent":[...]` as the server's record writes it, built from the messages the client got
   (every event with a json, in order): equal means nothing was lost, added or reordered. */
static char *expected_sent(rec *r) {
    size_t cap = 64;
    for (int i = 0; i < r->n; i++) cap += r->e[i].json ? 2 * strlen(r->e[i].json) + 3 : 0;
    char *out = malloc(cap), *o = out;
    o += sprintf(o, "\"sent\":[");
    int first = 1;
    for (int i = 0; i < r->n; i++) {
        if (!r->e[i].json) continue;
        if (!first) *o++ = ',';
        first = 0;
        *o++ = '"';
        for (const char *s = r->e[i].json; *s; s++) {
            if (*s == '"' || *s == '\\') *o++ = '\\';
            *o++ = *s;
        }
        *o++ = '"';
    }
    strcpy(o, "]");
    return out;
}

/* ---- the watchdog ---- */
static const char *watchdog_case = "";
static void on_alarm(int sig) {
    (void)sig;
    static const char m[] = "  FAIL watchdog: this case hung: ";
    if (write(2, m, sizeof m - 1) < 0 || write(2, watchdog_case, strlen(watchdog_case)) < 0 || write(2, "\n", 1) < 0) _exit(4);
    _exit(3);
}

/* Starts a case: names it for the watchdog (`label` must outlive the case), clears the server's
   faults and sessions, arms `fault`; the server's answer (malloc'ed). */
static char *begin_case(const char *label, unsigned seconds, const char *fault) {
    watchdog_case = label;
    alarm(seconds);
    free(adm("DELETE", "/_local/faults", NULL));
    free(adm("DELETE", "/_local/streaming/sessions", NULL));
    return adm("POST", "/_local/faults", fault);
}

/* A session of protocol `proto` (2 or 3) whose events `r` records (reset here). */
static aai_streaming *open_session(aai_client *c, int proto, rec *r) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    aai_streaming *s = NULL;
    aai_streaming_new(c, proto == 3 ? AAI_STREAMING_V3 : AAI_STREAMING_V2, &s);
    aai_streaming_set_callback(s, on_event, r);
    return s;
}

/* ---- one fault case ---- */
typedef struct kase {
    const char *name;
    const char *fields;     /* the fault's fields besides path and after_messages */
    aai_status want;        /* the ERROR event's and aai_streaming_close()'s status (AAI_OK: no ERROR) */
    const char *message;    /* ERROR's text contains this */
    const char *message2;   /* ... or this (NULL: only the first) */
    int closed_code;        /* CLOSED and aai_streaming_close_code() */
    const char *reason;     /* CLOSED's reason (NULL: not checked) */
    int client_code;        /* the client's close frame, as the server recorded it (0: none, -1: not checked) */
} kase;

static void run_case(int proto, const kase *k) {
    char label[128];
    snprintf(label, sizeof label, "v%d %s", proto, k->name);
    const char *path = proto == 3 ? "/v3/ws" : "/v2/realtime/ws";
    char fault[512];
    snprintf(fault, sizeof fault, "{\"path\":\"%s\",\"after_messages\":%d,%s}", path, AFTER, k->fields);
    char *armed = begin_case(label, 30, fault);
    int armed_ok = strstr(armed, "\"armed\"") != NULL;
    free(armed);

    static rec r;
    aai_client *c = h_client();
    aai_streaming *s = open_session(c, proto, &r);
    aai_status connected = aai_streaming_connect(s);
    aai_status send_status = AAI_OK;
    for (size_t off = 0; connected == AAI_OK && off < sizeof audio && send_status == AAI_OK; off += CHUNK)
        send_status = aai_streaming_send_audio(s, audio + off, CHUNK);
    int closed = wait_closed(&r, 10000);
    double t0 = h_now_ms();
    aai_status cs = aai_streaming_close(s, 2000);
    double close_ms = h_now_ms() - t0;
    int close_code = aai_streaming_close_code(s);
    const char *close_reason = aai_streaming_close_reason(s);
    char reason[128];
    snprintf(reason, sizeof reason, "%s", close_reason ? close_reason : "");
    t0 = h_now_ms();
    aai_streaming_free(s);
    double free_ms = h_now_ms() - t0;
    aai_client_free(c);

    /* The server reads the client's close frame a moment after the client sent it. */
    char want_client[64] = "\"client_close_code\":null";
    if (k->client_code > 0) snprintf(want_client, sizeof want_client, "\"client_close_code\":%d", k->client_code);
    char *session = last_session();
    for (int i = 0; i < 100 && k->client_code > 0 && !strstr(session, want_client); i++) {
        usleep(20000);
        free(session);
        session = last_session();
    }
    char *sent = expected_sent(&r);
    char want_fault[64];
    snprintf(want_fault, sizeof want_fault, "\"fault\":{\"after_messages\":%d,", AFTER);

    /* The events: OPENED, AFTER - 1 messages, [ERROR], CLOSED. */
    int n_json = 0, n_error = 0;
    const ev *error = NULL, *last = r.n ? &r.e[r.n - 1] : NULL;
    for (int i = 0; i < r.n; i++) {
        if (r.e[i].json) n_json++;
        if (r.e[i].type == AAI_STREAMING_EVENT_ERROR) { n_error++; error = &r.e[i]; }
    }
    int bad = !armed_ok || connected != AAI_OK || !closed || r.after_closed;
    if (send_status != AAI_OK && send_status != AAI_ERR_STATE) bad = 1;
    if (r.n < 2 || r.e[0].type != AAI_STREAMING_EVENT_OPENED || n_json != AFTER) bad = 1;
    if (!last || last->type != AAI_STREAMING_EVENT_CLOSED || last->close_code != k->closed_code || last->status != k->want) bad = 1;
    if (k->reason && (!last || strcmp(last->reason, k->reason) || strcmp(reason, k->reason))) bad = 1;
    if (k->want == AAI_OK ? n_error != 0 : (n_error != 1 || error != &r.e[r.n - 2] || error->status != k->want)) bad = 1;
    if (error && !strstr(error->text, k->message) && !(k->message2 && strstr(error->text, k->message2))) bad = 1;
    if (error && strstr(error->text, h_api_key)) bad = 1;
    if (cs != k->want || close_ms > 500 || free_ms > 500 || close_code != k->closed_code) bad = 1;
    if (!strstr(session, sent) || !strstr(session, want_fault)) bad = 1;
    if (k->client_code >= 0 && !strstr(session, want_client)) bad = 1;
    if (bad) {
        h_current_failed = 1;
        fprintf(stderr, "  FAIL %s: connect %s, sends %s, %d events (%d messages, want %d), ERROR x%d %s \"%s\" (want %s ~ \"%s\"), "
                "CLOSED %s code %d (want %d) reason \"%s\", close() %s in %.0f ms, free %.0f ms\n    client: %s\n    server: %.600s\n",
                label, aai_status_name(connected), aai_status_name(send_status), r.n, n_json, AFTER, n_error,
                error ? aai_status_name(error->status) : "-", error ? error->text : "", aai_status_name(k->want), k->message,
                last ? aai_status_name(last->status) : "-", last ? last->close_code : 0, k->closed_code,
                last ? last->reason : "", aai_status_name(cs), close_ms, free_ms, sent, without_headers(session));
    }
    free(sent);
    free(session);
    rec_free(&r);
    alarm(0);
}

/* ---- tests ---- */

/* The close codes: the code and reason arrive with the mapped status; 1000 is a normal end. */
static void test_close_codes(void) {
    static const kase v2[] = {
        {"ws_close 4008", "\"kind\":\"ws_close\",\"close_code\":4008,\"reason\":\"Session Expired\"", AAI_ERR_TIMEOUT, "4008", NULL, 4008, "Session Expired", 4008},
        {"ws_close 1011", "\"kind\":\"ws_close\",\"close_code\":1011,\"reason\":\"Injected failure\"", AAI_ERR_SERVER, "1011", NULL, 1011, "Injected failure", 1011},
        {"ws_close 4001", "\"kind\":\"ws_close\",\"close_code\":4001,\"reason\":\"Not Authorized\"", AAI_ERR_AUTH, "4001", NULL, 4001, "Not Authorized", 4001},
        {"ws_close 1000", "\"kind\":\"ws_close\",\"close_code\":1000", AAI_OK, "", NULL, 1000, "", 1000},
    };
    static const kase v3[] = {
        {"ws_close 3005", "\"kind\":\"ws_close\",\"close_code\":3005,\"reason\":\"Session Cancelled: injected\"", AAI_ERR_SERVER, "3005", NULL, 3005, "Session Cancelled: injected", 3005},
        {"ws_close 1008", "\"kind\":\"ws_close\",\"close_code\":1008,\"reason\":\"Unauthorized Connection\"", AAI_ERR_AUTH, "1008", NULL, 1008, "Unauthorized Connection", 1008},
        {"ws_close 3009", "\"kind\":\"ws_close\",\"close_code\":3009,\"reason\":\"Too many concurrent sessions\"", AAI_ERR_RATE_LIMITED, "3009", NULL, 3009, "Too many concurrent sessions", 3009},
        {"ws_close 1000", "\"kind\":\"ws_close\",\"close_code\":1000", AAI_OK, "", NULL, 1000, "", 1000},
    };
    for (size_t i = 0; i < sizeof v2 / sizeof *v2; i++) run_case(2, &v2[i]);
    for (size_t i = 0; i < sizeof v3 / sizeof *v3; i++) run_case(3, &v3[i]);
}

/* The connection ends without a close frame: FIN or RST. The client sends no close frame then. */
static void test_abrupt_close(void) {
    static const kase K[] = {
        {"ws_drop", "\"kind\":\"ws_drop\"", AAI_ERR_CONNECTION, "without a close frame", NULL, 1006, "", 0},
        /* The RST meets the client reading, or writing if it still had audio to send. */
        {"ws_reset", "\"kind\":\"ws_reset\"", AAI_ERR_CONNECTION, "receiving failed", "sending failed", 1006, "", 0},
    };
    for (int proto = 2; proto <= 3; proto++)
        for (size_t i = 0; i < sizeof K / sizeof *K; i++) run_case(proto, &K[i]);
}

/* Frames that break RFC 6455: the client fails the connection with 1002 / 1007 (its close frame
   reaches the server) and reports 1006, since no close frame came from the server. */
static void test_protocol_errors(void) {
    static const kase K[] = {
        {"rsv", "\"kind\":\"ws_malformed_frame\",\"frame\":\"rsv\"", AAI_ERR_PROTOCOL, "reserved bits", NULL, 1006, NULL, 1002},
        {"opcode", "\"kind\":\"ws_malformed_frame\",\"frame\":\"opcode\"", AAI_ERR_PROTOCOL, "unknown opcode", NULL, 1006, NULL, 1002},
        {"masked", "\"kind\":\"ws_malformed_frame\",\"frame\":\"masked\"", AAI_ERR_PROTOCOL, "server frame is masked", NULL, 1006, NULL, 1002},
        {"control", "\"kind\":\"ws_malformed_frame\",\"frame\":\"control\"", AAI_ERR_PROTOCOL, "control frame payload of 126 bytes", NULL, 1006, NULL, 1002},
        {"ws_invalid_utf8", "\"kind\":\"ws_invalid_utf8\"", AAI_ERR_PROTOCOL, "not valid UTF-8", NULL, 1006, NULL, 1007},
        /* 1005 means "no code" and must never be sent in a close frame (RFC 6455 7.4.1). */
        {"ws_close 1005", "\"kind\":\"ws_close\",\"close_code\":1005", AAI_ERR_PROTOCOL, "invalid code 1005", NULL, 1006, NULL, 1002},
        /* The client refuses the frame from its header and closes with 16 MiB unread, so its
           kernel answers with RST and the server may drop the 1009 close frame unread
           (test_faults.c checks 1009 against a peer that sends the header only). */
        {"ws_oversized_frame", "\"kind\":\"ws_oversized_frame\"", AAI_ERR_PROTOCOL, "exceeds the limit of 16777216 bytes", NULL, 1006, NULL, -1},
    };
    for (int proto = 2; proto <= 3; proto++)
        for (size_t i = 0; i < sizeof K / sizeof *K; i++) run_case(proto, &K[i]);
}

/* A server that stops reading after the session began: sends back up and time out within the
   send timeout, close gives up within its timeout, free returns at once. */
static void test_server_stops_reading(void) {
    for (int proto = 2; proto <= 3; proto++) {
        char label[64];
        snprintf(label, sizeof label, "v%d ws_stop_reading", proto);
        char fault[256];
        snprintf(fault, sizeof fault, "{\"kind\":\"ws_stop_reading\",\"path\":\"%s\",\"after_messages\":1,\"delay_ms\":60000}",
                 proto == 3 ? "/v3/ws" : "/v2/realtime/ws");
        free(begin_case(label, 60, fault));
        static rec r;
        aai_client *c = h_client();
        aai_streaming *s = open_session(c, proto, &r);
        aai_streaming_set_queue_capacity(s, 64 * 1024);
        aai_streaming_set_send_timeout_ms(s, 200);
        aai_streaming_set_keepalive_ms(s, 0);
        CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
        static unsigned char second[32000];   /* 1 s of 16 kHz PCM16 (silence) */
        aai_status st = AAI_OK;
        double t_send = 0, t0 = h_now_ms();
        int sends = 0;
        while (st == AAI_OK && sends < 4000 && h_now_ms() - t0 < 20000) {
            double ts = h_now_ms();
            st = aai_streaming_send_audio(s, second, sizeof second);
            t_send = h_now_ms() - ts;
            sends++;
        }
        CHECK(st == AAI_ERR_TIMEOUT);
        CHECK(t_send >= 200 && t_send < 200 + 500);
        if (!(t_send >= 200 && t_send < 700)) fprintf(stderr, "   t_send %.1f ms after %d sends\n", t_send, sends);
        CHECK_CONTAINS(aai_last_error_message(), "the audio queue is full");
        double tc = h_now_ms();
        CHECK_STATUS(aai_streaming_close(s, 300), AAI_ERR_TIMEOUT);
        CHECK(h_now_ms() - tc < 300 + 700);
        CHECK_CONTAINS(aai_last_error_message(), proto == 3 ? "no Termination within 300 ms" : "no SessionTerminated within 300 ms");
        CHECK(wait_closed(&r, 1000));
        CHECK(aai_streaming_close_code(s) == 1006);
        double tf = h_now_ms();
        aai_streaming_free(s);
        CHECK(h_now_ms() - tf < 500);
        aai_client_free(c);
        /* OPENED, ERROR (timeout), CLOSED; the server sent only the Begin and received far less
           than the client queued. */
        CHECK(r.n == 3 && r.e[0].type == AAI_STREAMING_EVENT_OPENED && r.e[1].type == AAI_STREAMING_EVENT_ERROR &&
              r.e[1].status == AAI_ERR_TIMEOUT && r.e[2].type == AAI_STREAMING_EVENT_CLOSED && r.after_closed == 0);
        char *session = last_session(), *sent = expected_sent(&r);
        CHECK(strstr(session, sent) != NULL);
        CHECK(strstr(session, "\"kind\":\"ws_stop_reading\"") != NULL);
        free(sent);
        free(session);
        rec_free(&r);
        alarm(0);
    }
}

/* A reset that meets the client while it writes audio: the messages the server sent before it
   are still in the client's socket and must all be delivered (the send fails first here). */
static void test_reset_while_sending(void) {
    int send_failures = 0;
    for (int round = 0; round < 16; round++) {
        int proto = 2 + round % 2;
        char label[64];
        snprintf(label, sizeof label, "v%d reset while sending, round %d", proto, round);
        char fault[128];
        snprintf(fault, sizeof fault, "{\"kind\":\"ws_reset\",\"path\":\"%s\",\"after_messages\":%d}",
                 proto == 3 ? "/v3/ws" : "/v2/realtime/ws", AFTER);
        free(begin_case(label, 30, fault));
        static rec r;
        aai_client *c = h_client();
        aai_streaming *s = open_session(c, proto, &r);
        CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
        /* The words, then 1 s chunks of silence as fast as they go, until the session ends. */
        static unsigned char second[32000];
        aai_status st = aai_streaming_send_audio(s, audio, sizeof audio > 32000 ? 32000 : sizeof audio);
        for (size_t off = 32000; st == AAI_OK && off < sizeof audio; off += 32000) st = aai_streaming_send_audio(s, audio + off, 32000);
        for (int i = 0; st == AAI_OK && i < 2000; i++) st = aai_streaming_send_audio(s, second, sizeof second);
        CHECK(wait_closed(&r, 10000));
        aai_streaming_close(s, 1000);
        aai_streaming_free(s);
        aai_client_free(c);
        int n_json = 0;
        const ev *error = NULL;
        for (int i = 0; i < r.n; i++) {
            if (r.e[i].json) n_json++;
            if (r.e[i].type == AAI_STREAMING_EVENT_ERROR) error = &r.e[i];
        }
        if (error && strstr(error->text, "sending failed")) send_failures++;
        char *session = last_session(), *sent = expected_sent(&r);
        if (n_json != AFTER || !strstr(session, sent) || !error || error->status != AAI_ERR_CONNECTION) {
            h_current_failed = 1;
            fprintf(stderr, "  FAIL %s: %d messages delivered (want %d), error %s\n", label, n_json, AFTER, error ? error->text : "none");
        }
        free(sent);
        free(session);
        rec_free(&r);
        alarm(0);
    }
    printf("# reset while sending: the send failed first in %d of 16 rounds\n", send_failures);
}

/* Faults before the session began (after_messages 0): aai_streaming_connect() fails with the
   mapped status, the close code is kept, no event is delivered. */
static void test_faults_before_begin(void) {
    static const struct { const char *fields; aai_status want; const char *message; int close_code; int client_code; } K[] = {
        {"\"kind\":\"ws_close\",\"close_code\":1011,\"reason\":\"busy\"", AAI_ERR_SERVER, "1011", 1011, 1011},
        {"\"kind\":\"ws_drop\"", AAI_ERR_CONNECTION, "closed the connection before the session began", 1006, 0},
        {"\"kind\":\"ws_reset\"", AAI_ERR_CONNECTION, "failed", 0, 0},
        {"\"kind\":\"ws_malformed_frame\",\"frame\":\"opcode\"", AAI_ERR_PROTOCOL, "unknown opcode", 0, 1002},
        {"\"kind\":\"ws_stop_reading\",\"delay_ms\":60000", AAI_ERR_TIMEOUT, "within 500 ms", 0, 0},
    };
    for (int proto = 2; proto <= 3; proto++)
        for (size_t i = 0; i < sizeof K / sizeof *K; i++) {
            char label[128];
            snprintf(label, sizeof label, "v%d before begin: %s", proto, K[i].fields);
            char fault[256];
            snprintf(fault, sizeof fault, "{\"path\":\"%s\",\"after_messages\":0,%s}", proto == 3 ? "/v3/ws" : "/v2/realtime/ws",
                     K[i].fields);
            free(begin_case(label, 30, fault));
            static rec r;
            aai_client *c = h_client();
            aai_streaming *s = open_session(c, proto, &r);
            aai_streaming_set_connect_timeout_ms(s, 500);
            aai_status st = aai_streaming_connect(s);
            char message[512];
            snprintf(message, sizeof message, "%s", aai_last_error_message());
            int close_code = aai_streaming_close_code(s);
            aai_streaming_free(s);
            aai_client_free(c);
            char want_client[64] = "\"client_close_code\":null";
            if (K[i].client_code) snprintf(want_client, sizeof want_client, "\"client_close_code\":%d", K[i].client_code);
            char *session = last_session();
            for (int n = 0; n < 100 && !strstr(session, want_client); n++) {
                usleep(20000);
                free(session);
                session = last_session();
            }
            usleep(50 * 1000);
            int bad = st != K[i].want || !strstr(message, K[i].message) || close_code != K[i].close_code || r.n != 0 ||
                      !strstr(session, "\"sent\":[]") || !strstr(session, "\"fault\":{\"after_messages\":0,") ||
                      !strstr(session, want_client);
            if (bad) {
                h_current_failed = 1;
                fprintf(stderr, "  FAIL %s: connect %s \"%s\" (want %s ~ \"%s\"), close code %d (want %d), %d events\n    server: %.500s\n",
                        label, aai_status_name(st), message, aai_status_name(K[i].want), K[i].message, close_code, K[i].close_code,
                        r.n, without_headers(session));
            }
            free(session);
            rec_free(&r);
            alarm(0);
        }
}

/* A server that stops reading and a client that has nothing to send: the keep-alive ping goes
   unanswered and the session ends by itself. */
static void test_keepalive_finds_a_silent_server(void) {
    free(begin_case("keep-alive", 30, "{\"kind\":\"ws_stop_reading\",\"path\":\"/v3/ws\",\"after_messages\":1,\"delay_ms\":60000}"));
    static rec r;
    aai_client *c = h_client();
    aai_streaming *s = open_session(c, 3, &r);
    aai_streaming_set_keepalive_ms(s, 300);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK(wait_closed(&r, 10000));
    double t0 = h_now_ms();
    CHECK_STATUS(aai_streaming_close(s, 2000), AAI_ERR_CONNECTION);
    CHECK(h_now_ms() - t0 < 500);
    CHECK_CONTAINS(aai_last_error_message(), "no answer to a keep-alive ping within 300 ms");
    CHECK(r.n == 3 && r.e[1].type == AAI_STREAMING_EVENT_ERROR && r.e[1].status == AAI_ERR_CONNECTION &&
          r.e[2].type == AAI_STREAMING_EVENT_CLOSED && r.e[2].close_code == 1006);
    aai_streaming_free(s);
    aai_client_free(c);
    rec_free(&r);
    alarm(0);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    make_audio();
    if (h_start_server(NULL) != 0) return 1;
    RUN(test_close_codes);
    RUN(test_abrupt_close);
    RUN(test_protocol_errors);
    RUN(test_server_stops_reading);
    RUN(test_reset_while_sending);
    RUN(test_faults_before_begin);
    RUN(test_keepalive_finds_a_silent_server);
    return h_finish();
}
