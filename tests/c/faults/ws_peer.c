/* test_faults, part 8: a scripted WebSocket peer for the streaming tests (handshake, a few
   transcripts, then a fault: FIN, RST, a close code, a broken frame, a peer that stops
   reading), and the session driver the tests share (seen, on_ws_event, ws_session).
   A new misbehaviour of the peer is a new enum ws_fault value handled in ws_peer_main.
   Included by test_faults.c. */

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
        if (p->protocol == 3) {
            /* The v3 events of the official SDK 1.8.2 after each turn: all must arrive before the fault. */
            snprintf(m, sizeof m, "{\"type\":\"Heartbeat\",\"total_audio_received_ms\":%d,\"total_duration_ms\":%d,"
                     "\"realtime_factor\":1.0,\"max_speech_probability\":0.5}", 1000 * (i + 1), 1000 * (i + 1));
            ws_send_text(c, m);
            snprintf(m, sizeof m, "{\"type\":\"Silence\",\"start_ms\":%d,\"end_ms\":%d}", 1000 * i, 1000 * i + 500);
            ws_send_text(c, m);
            snprintf(m, sizeof m, "{\"type\":\"SpeakerRevision\",\"revisions\":[{\"turn_order\":%d,\"speaker_label\":\"B\","
                     "\"words\":[{\"text\":\"turn\",\"start\":0,\"end\":1,\"confidence\":1,\"word_is_final\":true,\"speaker\":\"B\"}]}]}", i);
            ws_send_text(c, m);
            snprintf(m, sizeof m, "{\"type\":\"LLMGatewayResponse\",\"turn_order\":%d,\"transcript\":\"turn %d\","
                     "\"data\":{\"choices\":[]}}", i, i);
            ws_send_text(c, m);
        }
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
    /* v3 Heartbeat, Silence, SpeakerRevision, LLMGatewayResponse (each checked against its turn) */
    int heartbeats, silences, revisions, llm;
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
    case AAI_STREAMING_EVENT_HEARTBEAT:
        if (e->total_audio_received_ms == 1000 * (s->heartbeats + 1) && e->realtime_factor == 1.0) s->heartbeats++;
        break;
    case AAI_STREAMING_EVENT_SILENCE:
        if (e->audio_start == 1000 * s->silences && e->audio_end == 1000 * s->silences + 500) s->silences++;
        break;
    case AAI_STREAMING_EVENT_SPEAKER_REVISION:
        if (e->revision_count == 1 && e->revisions[0].turn_order == s->revisions && e->revisions[0].word_count == 1 &&
            e->revisions[0].word_speakers && strcmp(e->revisions[0].word_speakers[0], "B") == 0) s->revisions++;
        break;
    case AAI_STREAMING_EVENT_LLM_GATEWAY_RESPONSE:
        if (e->turn_order == s->llm && e->data_json && strstr(e->data_json, "choices")) s->llm++;
        break;
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
