/* test_faults, part 9: streaming sessions whose server misbehaves: every connection fault of
   the scripted peer (ws_peer.c), every documented close code, a server that stops reading, and
   the local server ending sessions mid-stream. A new streaming fault test goes here (and a RUN
   line in test_faults.c's main). Included by test_faults.c. */

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
            /* v3: the Heartbeat, Silence, SpeakerRevision and LLMGatewayResponse sent with each turn */
            int extras = proto == 3 ? 3 : 0;
            if (s.heartbeats != extras || s.silences != extras || s.revisions != extras || s.llm != extras) bad = 1;
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
                fprintf(stderr, "  v3 events in order: heartbeats %d silences %d revisions %d llm %d\n", s.heartbeats, s.silences,
                        s.revisions, s.llm);
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

/* A server that refuses the first N WebSocket upgrades (503, then 429 with Retry-After; `status`
   faults on the v3 path), then accepts: with the default retries (2, as the official SDK 1.8.2)
   the session begins and streams normally, each refused attempt reached the server once (the
   faults fired N times) and no event came before OPENED; one refusal more than the retries is
   connect's error, with the last refusal's status and HTTP status. */
static void test_streaming_handshake_refused_then_accepted(void) {
    static const struct { const char *fault; int refusals; aai_status want; int http; } R[] = {
        {"{\"kind\": \"ws_refuse\", \"status\": 503, \"path\": \"/v3/ws\", \"count\": 2}", 2, AAI_OK, 0},
        {"{\"kind\": \"ws_refuse\", \"status\": 429, \"retry_after\": 0, \"path\": \"/v3/ws\", \"count\": 1}", 1, AAI_OK, 0},
        {"{\"kind\": \"ws_refuse\", \"status\": 502, \"path\": \"/v3/ws\", \"count\": 3}", 3, AAI_ERR_SERVER, 502},
    };
    for (size_t i = 0; i < sizeof R / sizeof *R; i++) {
        adm_ok(main_srv.url, "DELETE", "/_local/faults", NULL);
        CHECK(adm_ok(main_srv.url, "POST", "/_local/faults", R[i].fault) == 0);
        aai_client *c = main_client(2000, 0);
        aai_streaming *ss = NULL;
        seen s;
        memset(&s, 0, sizeof s);
        pthread_mutex_init(&s.lock, NULL);
        aai_streaming_new(c, AAI_STREAMING_V3, &ss);
        aai_streaming_set_callback(ss, on_ws_event, &s);
        aai_status st = aai_streaming_connect(ss);
        int bad = st != R[i].want;
        if (R[i].want != AAI_OK && aai_last_error_http_status() != R[i].http) bad = 1;
        char *j = adm(main_srv.url, "GET", "/_local/faults", NULL, NULL);
        int fired = 0;
        for (const char *q = j; q && (q = strstr(q, "\"kind\":\"ws_refuse\"")) != NULL; q++) fired++;
        free(j);
        if (fired != R[i].refusals) bad = 1;
        if (st == AAI_OK) {
            static unsigned char chunk[3200];
            for (int k = 0; k < 5; k++) aai_streaming_send_audio(ss, chunk, sizeof chunk);
            if (aai_streaming_close(ss, 5000) != AAI_OK || s.opened != 1 || s.errors != 0 || s.closed != 1) bad = 1;
        } else if (s.opened || s.closed) {
            bad = 1;   /* no event for a failed connect */
        }
        if (bad) {
            h_current_failed = 1;
            fprintf(stderr, "  FAIL %s: connect %s (want %s, HTTP %d), fired %d (want %d), opened %d errors %d closed %d\n",
                    R[i].fault, aai_status_name(st), aai_status_name(R[i].want), aai_last_error_http_status(), fired,
                    R[i].refusals, s.opened, s.errors, s.closed);
        }
        aai_streaming_free(ss);
        aai_client_free(c);
    }
    adm_ok(main_srv.url, "DELETE", "/_local/faults", NULL);
}
