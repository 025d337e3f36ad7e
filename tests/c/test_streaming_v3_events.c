/* Universal Streaming v3 as the official SDK 1.8.2 has it, through the C ABI against the local
   server: the Heartbeat, Silence, SpeakerRevision and LLMGatewayResponse events (typed fields of
   aai_streaming_event), Begin's configuration, word speakers, the compressed encodings (opus,
   ogg_opus, aac: sent as given, counted by the server), and handshake retries (a server that
   refuses the first N upgrades with 503 / 429, then accepts; what is never retried). */
#include "harness.h"
#include <curl/curl.h>
#include <math.h>
#include <stdint.h>

_Static_assert(AAI_STREAMING_EVENT_HEARTBEAT == 12 && AAI_STREAMING_EVENT_SILENCE == 13 &&
               AAI_STREAMING_EVENT_SPEAKER_REVISION == 14 && AAI_STREAMING_EVENT_LLM_GATEWAY_RESPONSE == 15,
               "new event types are appended after CLOSED (11)");
/* The fields that existed before keep their offsets (new ones are appended). */
_Static_assert(offsetof(aai_streaming_event, received_ns) < offsetof(aai_streaming_event, word_speakers),
               "new fields come after received_ns");

/* ---- a recorder that copies what these tests look at ---- */
#define MAXEV 512
typedef struct ev {
    aai_streaming_event_type type;
    char text[256], model[64], mode[32], api_version[32], data[1024], speaker[16];
    char word_speakers[8][16];
    size_t word_count;
    int has_word_speakers;
    int64_t turn_order, audio_start, audio_end, total_audio, total_duration;
    double realtime_factor, max_speech, audio_duration;
    int end_of_turn, close_code;
    aai_status status;
    /* SPEAKER_REVISION: the first revision */
    size_t revision_count;
    int64_t rev_turn_order;
    char rev_label[16], rev_word_text[32], rev_word_speaker[16];
    size_t rev_word_count;
} ev;

typedef struct rec {
    pthread_mutex_t lock;
    ev e[MAXEV];
    int n, closed;
} rec;

static void rec_init(rec *r) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static void on_event(const aai_streaming_event *e, void *user) {
    rec *r = user;
    pthread_mutex_lock(&r->lock);
    if (r->n < MAXEV) {
        ev *x = &r->e[r->n++];
        x->type = e->type;
        COPY(x->text, e->text);
        COPY(x->model, e->model);
        COPY(x->mode, e->mode);
        COPY(x->api_version, e->api_version);
        COPY(x->speaker, e->speaker_label);
        if (e->data_json) {
            COPY(x->data, e->data_json);
            if (strlen(e->data_json) != e->data_json_length) x->data[0] = '!';  /* length must match */
        }
        x->word_count = e->word_count;
        x->has_word_speakers = e->word_speakers != NULL;
        for (size_t i = 0; e->word_speakers && i < e->word_count && i < 8; i++) COPY(x->word_speakers[i], e->word_speakers[i]);
        x->turn_order = e->turn_order;
        x->audio_start = e->audio_start;
        x->audio_end = e->audio_end;
        x->total_audio = e->total_audio_received_ms;
        x->total_duration = e->total_duration_ms;
        x->realtime_factor = e->realtime_factor;
        x->max_speech = e->max_speech_probability;
        x->audio_duration = e->audio_duration_seconds;
        x->end_of_turn = e->end_of_turn;
        x->close_code = e->close_code;
        x->status = e->status;
        x->revision_count = e->revision_count;
        if (e->revisions && e->revision_count > 0) {
            const aai_streaming_speaker_revision *rv = &e->revisions[0];
            x->rev_turn_order = rv->turn_order;
            COPY(x->rev_label, rv->speaker_label);
            x->rev_word_count = rv->word_count;
            if (rv->words && rv->word_count > 0) COPY(x->rev_word_text, rv->words[0].text);
            if (rv->word_speakers && rv->word_count > 0) COPY(x->rev_word_speaker, rv->word_speakers[0]);
        }
    }
    if (e->type == AAI_STREAMING_EVENT_CLOSED) r->closed = 1;
    pthread_mutex_unlock(&r->lock);
}

static int count(rec *r, aai_streaming_event_type t) {
    int n = 0;
    for (int i = 0; i < r->n; i++) n += r->e[i].type == t;
    return n;
}

static const ev *nth(rec *r, aai_streaming_event_type t, int k) {
    for (int i = 0; i < r->n; i++)
        if (r->e[i].type == t && k-- == 0) return &r->e[i];
    return NULL;
}

static int server_call(const char *method, const char *path, const char *json) {
    char url[256];
    snprintf(url, sizeof url, "%s%s", h_server_url, path);
    long status = 0;
    free(h_http(method, url, json, &status, NULL));
    return status == 200 ? 0 : -1;
}

/* The last recorded session's JSON record (caller frees), or NULL. */
static char *last_session_record(void) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/streaming/sessions", h_server_url);
    long status = 0;
    return h_http("GET", url, NULL, &status, NULL);
}

static aai_streaming *v3(aai_client *c, rec *r) {
    aai_streaming *s = NULL;
    if (aai_streaming_new(c, AAI_STREAMING_V3, &s) != AAI_OK) return NULL;
    if (r) aai_streaming_set_callback(s, on_event, r);
    return s;
}

/* Streams `seconds` of audio saying `text` (spread over span_ms) in 100 ms pieces. */
static void send_text_audio(aai_streaming *s, const char *text, int span_ms, double seconds) {
    size_t n = (size_t)(seconds * 16000);
    int16_t *pcm = h_stream_samples(text, span_ms, n);
    for (size_t at = 0; at < n; at += 1600) {
        size_t k = n - at < 1600 ? n - at : 1600;
        CHECK_STATUS(aai_streaming_send_audio(s, pcm + at, k * 2), AAI_OK);
    }
    free(pcm);
}

/* ---- events ---- */

static void test_begin_configuration(void) {
    aai_client *c = h_client();
    static rec r;
    rec_init(&r);
    aai_streaming *s = v3(c, &r);
    CHECK_STATUS(aai_streaming_set_speech_model(s, "u3-rt-pro"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_MODE, "balanced"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    const ev *b = nth(&r, AAI_STREAMING_EVENT_OPENED, 0);
    CHECK(b && strcmp(b->model, "u3-rt-pro") == 0 && strcmp(b->mode, "balanced") == 0);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_heartbeat(void) {
    CHECK(server_call("POST", "/_local/streaming/settings", "{\"heartbeat_interval_ms\": 150}") == 0);
    aai_client *c = h_client();
    static rec r;
    rec_init(&r);
    aai_streaming *s = v3(c, &r);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_SESSION_HEARTBEAT, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    send_text_audio(s, "Hello there.", 800, 1.0);
    usleep(700 * 1000);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    /* one every 150 ms of the session: at least 3 in the 700 ms waited after the audio */
    int beats = count(&r, AAI_STREAMING_EVENT_HEARTBEAT);
    CHECK(beats >= 3);
    for (int k = 0; k < beats; k++) {
        const ev *b = nth(&r, AAI_STREAMING_EVENT_HEARTBEAT, k);
        CHECK(b->total_duration >= 150 * (k + 1));
        CHECK(b->total_audio >= 0 && b->total_audio <= 1000);
    }
    const ev *last = nth(&r, AAI_STREAMING_EVENT_HEARTBEAT, beats - 1);
    /* after 700 ms of waiting, the last heartbeat saw all 1000 ms of audio */
    CHECK(last && last->total_audio == 1000);
    double want_factor = last ? (double)last->total_audio / (double)last->total_duration : 0;
    CHECK(last && last->realtime_factor - want_factor < 0.01 && want_factor - last->realtime_factor < 0.01);
    /* speech was heard in the interval that got the audio, none after it */
    int with_speech = 0;
    for (int k = 0; k < beats; k++) with_speech += nth(&r, AAI_STREAMING_EVENT_HEARTBEAT, k)->max_speech == 1.0;
    CHECK(with_speech == 1);
    CHECK(last && last->max_speech == 0.0);
    /* the event's other fields stay 0/NULL */
    CHECK(last && last->text[0] == 0 && last->word_count == 0 && last->revision_count == 0);
    aai_streaming_free(s);
    aai_client_free(c);
    server_call("POST", "/_local/streaming/settings", "{\"heartbeat_interval_ms\": 1000}");
}

static void test_no_heartbeat_unless_asked(void) {
    CHECK(server_call("POST", "/_local/streaming/settings", "{\"heartbeat_interval_ms\": 100}") == 0);
    aai_client *c = h_client();
    static rec r;
    rec_init(&r);
    aai_streaming *s = v3(c, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    usleep(400 * 1000);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(count(&r, AAI_STREAMING_EVENT_HEARTBEAT) == 0);
    aai_streaming_free(s);
    aai_client_free(c);
    server_call("POST", "/_local/streaming/settings", "{\"heartbeat_interval_ms\": 1000}");
}

static void test_silence(void) {
    aai_client *c = h_client();
    static rec r;
    rec_init(&r);
    aai_streaming *s = v3(c, &r);
    CHECK_STATUS(aai_streaming_set_speech_model(s, "u3-rt-pro"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_ACKNOWLEDGE_SILENCE, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    send_text_audio(s, "Hello there.", 800, 3.5);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    int n = count(&r, AAI_STREAMING_EVENT_SILENCE);
    CHECK(n >= 2);
    int64_t prev_end = -1;
    for (int k = 0; k < n; k++) {
        const ev *x = nth(&r, AAI_STREAMING_EVENT_SILENCE, k);
        CHECK(x->audio_end - x->audio_start == 1000);
        CHECK(k > 0 || x->audio_start == 790);     /* from the end of the last word ("there." ends at 790) */
        CHECK(x->audio_end <= 3500);               /* within the audio sent */
        CHECK(prev_end < 0 || x->audio_start == prev_end);
        prev_end = x->audio_end;
    }
    aai_streaming_free(s);
    /* not asked for: none */
    rec_init(&r);
    s = v3(c, &r);
    CHECK_STATUS(aai_streaming_set_speech_model(s, "u3-rt-pro"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    send_text_audio(s, "Hello there.", 800, 3.5);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(count(&r, AAI_STREAMING_EVENT_SILENCE) == 0);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_speaker_revision_and_word_speakers(void) {
    aai_client *c = h_client();
    static rec r;
    rec_init(&r);
    aai_streaming *s = v3(c, &r);
    CHECK_STATUS(aai_streaming_set_speaker_labels(s, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    send_text_audio(s, "A: Hi. A: Good morning everyone, it is nice to see you all here.", 3000, 4.5);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    const ev *t0 = NULL, *t1 = NULL;
    for (int i = 0; i < r.n; i++)
        if (r.e[i].type == AAI_STREAMING_EVENT_TURN && r.e[i].end_of_turn) { if (!t0) t0 = &r.e[i]; else if (!t1) t1 = &r.e[i]; }
    CHECK(t0 && strcmp(t0->speaker, "UNKNOWN") == 0 && t0->has_word_speakers && strcmp(t0->word_speakers[0], "UNKNOWN") == 0);
    CHECK(t1 && strcmp(t1->speaker, "A") == 0 && t1->has_word_speakers && strcmp(t1->word_speakers[0], "A") == 0);
    CHECK(count(&r, AAI_STREAMING_EVENT_SPEAKER_REVISION) == 1);
    const ev *rv = nth(&r, AAI_STREAMING_EVENT_SPEAKER_REVISION, 0);
    CHECK(rv && rv->revision_count == 1 && rv->rev_turn_order == 0 && strcmp(rv->rev_label, "A") == 0);
    CHECK(rv && rv->rev_word_count == 1 && strcmp(rv->rev_word_text, "hi") == 0 && strcmp(rv->rev_word_speaker, "A") == 0);
    aai_streaming_free(s);
    /* without speaker labels: no speakers, no revisions */
    rec_init(&r);
    s = v3(c, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    send_text_audio(s, "A: Hi. A: Good morning everyone, it is nice to see you all here.", 3000, 4.5);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(count(&r, AAI_STREAMING_EVENT_SPEAKER_REVISION) == 0);
    const ev *t = nth(&r, AAI_STREAMING_EVENT_TURN, 0);
    CHECK(t && !t->has_word_speakers);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_llm_gateway_response(void) {
    aai_client *c = h_client();
    static rec r;
    rec_init(&r);
    aai_streaming *s = v3(c, &r);
    CHECK_STATUS(aai_streaming_set_json_param(s, AAI_STREAMING_PARAM_LLM_GATEWAY,
        "{\"model\": \"claude-sonnet-4-5-20250929\", \"messages\": [{\"role\": \"user\", \"content\": \"Summarize\"}], \"max_tokens\": 2}"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    send_text_audio(s, "Hello world. How are you?", 2000, 3.0);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(count(&r, AAI_STREAMING_EVENT_LLM_GATEWAY_RESPONSE) == 2);
    const ev *a = nth(&r, AAI_STREAMING_EVENT_LLM_GATEWAY_RESPONSE, 0), *b = nth(&r, AAI_STREAMING_EVENT_LLM_GATEWAY_RESPONSE, 1);
    CHECK(a && a->turn_order == 0 && strcmp(a->text, "hello world") == 0);
    CHECK(b && b->turn_order == 1 && strcmp(b->text, "how are you") == 0);
    CHECK_CONTAINS(a ? a->data : NULL, "\"model\":\"claude-sonnet-4-5-20250929\"");
    CHECK_CONTAINS(a ? a->data : NULL, "\"content\":\"hello world\"");
    CHECK_CONTAINS(b ? b->data : NULL, "\"finish_reason\":\"length\"");   /* 3 words, max_tokens 2 */
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_new_params_checked_by_server(void) {
    /* The setters check their values; the escape hatch does not, so the server's check shows. */
    aai_client *c = h_client();
    aai_streaming *s = v3(c, NULL);
    CHECK_STATUS(aai_streaming_set_param(s, "mode", "fastest"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_streaming_close_code(s) == 3006);
    CHECK_CONTAINS(aai_streaming_close_reason(s), "mode");
    aai_streaming_free(s);
    s = v3(c, NULL);
    CHECK_STATUS(aai_streaming_set_param(s, "llm_gateway", "{\"model\": \"m\"}"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_streaming_close_reason(s), "llm_gateway");
    aai_streaming_free(s);
    s = v3(c, NULL);
    CHECK_STATUS(aai_streaming_set_param(s, "redact_pii_policies", "[\"person_name\", \"shoe_size\"]"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_streaming_close_reason(s), "redact_pii_policies");
    aai_streaming_free(s);
    /* every 1.8.2 parameter, set through the typed setters, is accepted by the server */
    static rec r;
    rec_init(&r);
    s = v3(c, &r);
    const char *codes[] = {"en", "es"}, *policies[] = {"person_name", "phone_number"};
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_MODE, "min_latency"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_DOMAIN, "medical-v1"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_VOICE_FOCUS, "near-field"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_double_param(s, AAI_STREAMING_PARAM_VOICE_FOCUS_THRESHOLD, 0.5), AAI_OK);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_INCLUDE_PARTIAL_TURNS, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_CONTINUOUS_PARTIALS, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_FILTER_PROFANITY, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_set_strings_param(s, AAI_STREAMING_PARAM_LANGUAGE_CODES, codes, 2), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_AGENT_CONTEXT, "a support agent"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_int_param(s, AAI_STREAMING_PARAM_INTERRUPTION_DELAY, 200), AAI_OK);
    CHECK_STATUS(aai_streaming_set_int_param(s, AAI_STREAMING_PARAM_TURN_LEFT_PAD_MS, 100), AAI_OK);
    CHECK_STATUS(aai_streaming_set_int_param(s, AAI_STREAMING_PARAM_SPEAKER_LABELS_REVISION_INTERVAL_MS, 5000), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_WEBHOOK_URL, "https://example.com/hook"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_REDACT_PII, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_set_strings_param(s, AAI_STREAMING_PARAM_REDACT_PII_POLICIES, policies, 2), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_REDACT_PII_SUB, "entity_name"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(count(&r, AAI_STREAMING_EVENT_ERROR) == 0);
    aai_streaming_free(s);
    aai_client_free(c);
}

/* ---- compressed encodings ---- */

/* Sends `chunks` and closes; returns the TERMINATED event's audio_duration_seconds (-1 if none). */
static double run_compressed(const char *encoding, const unsigned char *data, const size_t *sizes, int chunks, rec *r,
                             aai_status *close_status) {
    aai_client *c = h_client();
    rec_init(r);
    aai_streaming *s = v3(c, r);
    CHECK_STATUS(aai_streaming_set_encoding(s, encoding), AAI_OK);
    char *url = NULL;
    CHECK_STATUS(aai_streaming_url(s, &url), AAI_OK);
    CHECK(url && !strstr(url, "sample_rate"));   /* a self-describing stream: no rate unless set */
    aai_string_free(url);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    size_t at = 0;
    for (int i = 0; i < chunks; i++) {
        aai_streaming_send_audio(s, data + at, sizes[i]);
        at += sizes[i];
    }
    *close_status = aai_streaming_close(s, 5000);
    uint64_t queued = 0, written = 0;
    aai_streaming_audio_bytes(s, &queued, &written);
    CHECK(queued == at);
    const ev *t = nth(r, AAI_STREAMING_EVENT_TERMINATED, 0);
    aai_streaming_free(s);
    aai_client_free(c);
    return t ? t->audio_duration : -1;
}

static void test_opus_packets(void) {
    /* 50 packets of TOC 0x08 (SILK 20 ms, one frame) plus 20 payload bytes: 1000 ms */
    static unsigned char data[50 * 21];
    size_t sizes[50];
    for (int i = 0; i < 50; i++) {
        data[i * 21] = 0x08;
        memset(data + i * 21 + 1, i, 20);
        sizes[i] = 21;
    }
    static rec r;
    aai_status st;
    server_call("DELETE", "/_local/streaming/sessions", NULL);
    double seconds = run_compressed("opus", data, sizes, 50, &r, &st);
    CHECK_STATUS(st, AAI_OK);
    CHECK(seconds == 1);
    /* each call went out as one message, unchanged */
    char *rec_json = last_session_record();
    CHECK_CONTAINS(rec_json, "\"audio_messages\":50");
    CHECK_CONTAINS(rec_json, "\"audio_bytes\":1050");
    free(rec_json);
}

/* An Ogg page: header, one segment table, body. Returns its size. */
static size_t ogg_page(unsigned char *out, int64_t granule, uint32_t seq, const unsigned char *body, size_t n) {
    memcpy(out, "OggS", 4);
    out[4] = 0;
    out[5] = seq == 0 ? 2 : 0;
    for (int i = 0; i < 8; i++) out[6 + i] = (unsigned char)((uint64_t)granule >> (8 * i));
    memset(out + 14, 0, 4);            /* serial */
    for (int i = 0; i < 4; i++) out[18 + i] = (unsigned char)(seq >> (8 * i));
    memset(out + 22, 0, 4);            /* CRC (not checked by the server) */
    size_t segs = n / 255 + 1;
    out[26] = (unsigned char)segs;
    for (size_t i = 0; i < segs; i++) out[27 + i] = (unsigned char)(i + 1 < segs ? 255 : n % 255);
    memcpy(out + 27 + segs, body, n);
    return 27 + segs + n;
}

static void test_ogg_opus_stream(void) {
    static unsigned char data[4096];
    unsigned char head[19] = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1, 0x38, 0x01, 0x80, 0x3E, 0, 0, 0, 0, 0};  /* pre-skip 312 */
    unsigned char tags[16] = {'O', 'p', 'u', 's', 'T', 'a', 'g', 's', 0, 0, 0, 0, 0, 0, 0, 0};
    unsigned char audio[300];
    memset(audio, 0x55, sizeof audio);
    size_t n = 0;
    n += ogg_page(data + n, 0, 0, head, sizeof head);
    n += ogg_page(data + n, 0, 1, tags, sizeof tags);
    n += ogg_page(data + n, 48000, 2, audio, sizeof audio);
    n += ogg_page(data + n, 96000 + 312, 3, audio, 100);   /* 2 s after the pre-skip */
    /* cut anywhere: pieces of 7, 100, the rest */
    size_t sizes[3] = {7, 100, n - 107};
    static rec r;
    aai_status st;
    double seconds = run_compressed("ogg_opus", data, sizes, 3, &r, &st);
    CHECK_STATUS(st, AAI_OK);
    CHECK(seconds == 2);
    /* not an Ogg stream: the server closes with 3006 naming the problem */
    unsigned char junk[64];
    memset(junk, 0x11, sizeof junk);
    size_t jsize[1] = {sizeof junk};
    run_compressed("ogg_opus", junk, jsize, 1, &r, &st);
    CHECK_STATUS(st, AAI_ERR_INVALID_ARGUMENT);
    const ev *e = nth(&r, AAI_STREAMING_EVENT_ERROR, 0);
    CHECK(e && e->close_code == 3006);
    CHECK_CONTAINS(e ? e->text : NULL, "OggS");
}

static void test_aac_adts_stream(void) {
    /* 16 ADTS frames at 16 kHz (index 8), 1024 samples each: 1024 ms; 40 bytes per frame */
    static unsigned char data[16 * 40];
    for (int i = 0; i < 16; i++) {
        unsigned char *f = data + i * 40;
        unsigned len = 40;
        f[0] = 0xFF; f[1] = 0xF1; f[2] = (unsigned char)((1 << 6) | (8 << 2)); f[3] = (unsigned char)((1 << 6) | ((len >> 11) & 3));
        f[4] = (unsigned char)(len >> 3); f[5] = (unsigned char)(((len & 7) << 5) | 0x1F); f[6] = 0xFC;
        memset(f + 7, 0x21, 33);
    }
    size_t sizes[5] = {3, 50, 200, 300, 16 * 40 - 553};
    static rec r;
    aai_status st;
    double seconds = run_compressed("aac", data, sizes, 5, &r, &st);
    CHECK_STATUS(st, AAI_OK);
    CHECK(seconds == 1);
}

static void test_compressed_encoding_checks(void) {
    aai_client *c = h_client();
    aai_streaming *s = NULL;
    CHECK_STATUS(aai_streaming_new(c, AAI_STREAMING_V2, &s), AAI_OK);
    CHECK_STATUS(aai_streaming_set_encoding(s, "opus"), AAI_ERR_INVALID_ARGUMENT);   /* v3 only */
    CHECK_CONTAINS(aai_last_error_message(), "realtime v2");
    aai_streaming_free(s);
    s = v3(c, NULL);
    CHECK_STATUS(aai_streaming_set_encoding(s, "flac"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "ogg_opus");
    CHECK_STATUS(aai_streaming_set_encoding(s, "aac"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_sample_rate(s, 48000), AAI_OK);   /* set: then sent */
    char *url = NULL;
    CHECK_STATUS(aai_streaming_url(s, &url), AAI_OK);
    CHECK_CONTAINS(url, "sample_rate=48000&encoding=aac");
    aai_string_free(url);
    aai_streaming_free(s);
    aai_client_free(c);
}

/* ---- handshake retries ---- */

typedef struct retries {
    pthread_mutex_t lock;
    int n;
    int attempt[8], max_attempts[8], http[8];
    aai_status status[8];
    long delay[8];
    char message[8][200];
    pthread_t thread[8];
} retries;

static void on_retry(int attempt, int max_attempts, aai_status status, int http_status, long delay_ms, const char *message, void *user) {
    retries *r = user;
    pthread_mutex_lock(&r->lock);
    if (r->n < 8) {
        int i = r->n++;
        r->attempt[i] = attempt; r->max_attempts[i] = max_attempts; r->status[i] = status; r->http[i] = http_status;
        r->delay[i] = delay_ms; r->thread[i] = pthread_self();
        COPY(r->message[i], message);
    }
    pthread_mutex_unlock(&r->lock);
}

static void arm(const char *fault_json) {
    CHECK(server_call("POST", "/_local/faults", fault_json) == 0);
}

static void test_retry_503_then_accept(void) {
    server_call("DELETE", "/_local/faults", NULL);
    arm("{\"kind\": \"ws_refuse\", \"status\": 503, \"path\": \"/v3/ws\", \"count\": 2}");
    aai_client *c = h_client();
    static retries rt;
    memset(&rt, 0, sizeof rt);
    pthread_mutex_init(&rt.lock, NULL);
    static rec r;
    rec_init(&r);
    aai_streaming *s = v3(c, &r);
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 2, 50, 2.0), AAI_OK);
    CHECK_STATUS(aai_streaming_set_connect_retry_callback(s, on_retry, &rt), AAI_OK);
    double t0 = h_now_ms();
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK(h_now_ms() - t0 >= 150);   /* 50 ms, then 100 ms (backoff 2) */
    CHECK(rt.n == 2);
    CHECK(rt.attempt[0] == 1 && rt.attempt[1] == 2 && rt.max_attempts[0] == 3);
    CHECK(rt.http[0] == 503 && rt.status[0] == AAI_ERR_SERVER);
    CHECK(rt.delay[0] == 50 && rt.delay[1] == 100);
    CHECK(pthread_equal(rt.thread[0], pthread_self()));   /* on the connecting thread */
    CHECK_CONTAINS(rt.message[0], "503");
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(r.n >= 2 && r.e[0].type == AAI_STREAMING_EVENT_OPENED);   /* no event for the refused attempts */
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_retry_429_honours_retry_after(void) {
    server_call("DELETE", "/_local/faults", NULL);
    arm("{\"kind\": \"ws_refuse\", \"status\": 429, \"retry_after\": 1, \"path\": \"/v3/ws\", \"count\": 1}");
    aai_client *c = h_client();
    static retries rt;
    memset(&rt, 0, sizeof rt);
    pthread_mutex_init(&rt.lock, NULL);
    aai_streaming *s = v3(c, NULL);
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 2, 10, 1.0), AAI_OK);
    CHECK_STATUS(aai_streaming_set_connect_retry_callback(s, on_retry, &rt), AAI_OK);
    double t0 = h_now_ms();
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK(h_now_ms() - t0 >= 1000);
    CHECK(rt.n == 1 && rt.http[0] == 429 && rt.status[0] == AAI_ERR_RATE_LIMITED && rt.delay[0] == 1000);
    aai_streaming_close(s, 5000);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_retries_exhausted_and_not_retried(void) {
    server_call("DELETE", "/_local/faults", NULL);
    aai_client *c = h_client();
    static retries rt;
    /* refused more often than retried: the last refusal is connect's error */
    arm("{\"kind\": \"ws_refuse\", \"status\": 503, \"path\": \"/v3/ws\", \"count\": 3}");
    memset(&rt, 0, sizeof rt);
    pthread_mutex_init(&rt.lock, NULL);
    aai_streaming *s = v3(c, NULL);
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 2, 10, 1.0), AAI_OK);
    CHECK_STATUS(aai_streaming_set_connect_retry_callback(s, on_retry, &rt), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_SERVER);
    CHECK(aai_last_error_http_status() == 503);
    CHECK(rt.n == 2);
    aai_streaming_free(s);
    /* 401 is never retried */
    arm("{\"kind\": \"ws_refuse\", \"status\": 401, \"path\": \"/v3/ws\", \"count\": 1}");
    memset(&rt, 0, sizeof rt);
    s = v3(c, NULL);
    aai_streaming_set_connect_retry_callback(s, on_retry, &rt);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_AUTH);
    CHECK(rt.n == 0);
    aai_streaming_free(s);
    /* a close code after the upgrade (bad key: 1008) is never retried */
    aai_client *bad = h_client();
    aai_client_set_api_key(bad, "wrong-key");
    memset(&rt, 0, sizeof rt);
    s = v3(bad, NULL);
    aai_streaming_set_connect_retry_callback(s, on_retry, &rt);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_AUTH);
    CHECK(aai_streaming_close_code(s) == 1008);
    CHECK(rt.n == 0);
    aai_streaming_free(s);
    aai_client_free(bad);
    /* no server at all: retried (the default: 2 retries) */
    memset(&rt, 0, sizeof rt);
    s = v3(c, NULL);
    aai_streaming_set_url(s, "ws://127.0.0.1:1");
    aai_streaming_set_connect_retries(s, 2, 0, 1.0);
    aai_streaming_set_connect_retry_callback(s, on_retry, &rt);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_CONNECTION);
    CHECK(rt.n == 2 && rt.status[0] == AAI_ERR_CONNECTION && rt.http[0] == 0);
    aai_streaming_free(s);
    /* retries 0: one attempt */
    memset(&rt, 0, sizeof rt);
    s = v3(c, NULL);
    aai_streaming_set_url(s, "ws://127.0.0.1:1");
    aai_streaming_set_connect_retries(s, 0, 0, 1.0);
    aai_streaming_set_connect_retry_callback(s, on_retry, &rt);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_CONNECTION);
    CHECK(rt.n == 0);
    aai_streaming_free(s);
    server_call("DELETE", "/_local/faults", NULL);
    aai_client_free(c);
}

static void test_retry_argument_checks(void) {
    aai_client *c = h_client();
    aai_streaming *s = v3(c, NULL);
    CHECK_STATUS(aai_streaming_set_connect_retries(NULL, 2, 500, 1.0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_connect_retries(s, -1, 500, 1.0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "max_retries");
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 101, 500, 1.0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 2, -1, 1.0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "delay_ms");
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 2, 60001, 1.0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 2, 500, 0.5), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "backoff");
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 2, 500, NAN), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 2, 500, 11), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_connect_retry_callback(NULL, on_retry, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_connect_retry_callback(s, NULL, NULL), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_set_connect_retries(s, 1, 100, 1.0), AAI_ERR_STATE);   /* only before connect */
    aai_streaming_close(s, 5000);
    aai_streaming_free(s);
    aai_client_free(c);
}

/* aai_streaming_set_low_latency(0) (main calls it before any session): the streaming threads
   keep the scheduler's default slice, the one this (non-library) thread has. */
static void test_low_latency_off(void) {
    CHECK_STATUS(aai_streaming_set_low_latency(0), AAI_ERR_STATE);   /* sessions ran: too late to change */
    int io = 0, cbs = 0, named = 0, default_slice = 0;
    CHECK_STATUS(aai_streaming_threads(&io, &cbs, NULL), AAI_OK);
    h_stream_thread_slices(h_slice_ns(0), &named, &default_slice);
    CHECK(io == 1 && named == io + cbs);
    CHECK(default_slice == named);
    if (h_kernel_takes_slices()) {
        int short_slice = 0;
        h_stream_thread_slices(100000, &named, &short_slice);
        CHECK(short_slice == 0);
    }
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CHECK_STATUS(aai_streaming_set_low_latency(1), AAI_OK);   /* settable until a session connects */
    CHECK_STATUS(aai_streaming_set_low_latency(0), AAI_OK);   /* this suite runs with it off */
    RUN(test_begin_configuration);
    RUN(test_heartbeat);
    RUN(test_no_heartbeat_unless_asked);
    RUN(test_silence);
    RUN(test_speaker_revision_and_word_speakers);
    RUN(test_llm_gateway_response);
    RUN(test_new_params_checked_by_server);
    RUN(test_opus_packets);
    RUN(test_ogg_opus_stream);
    RUN(test_aac_adts_stream);
    RUN(test_compressed_encoding_checks);
    RUN(test_retry_503_then_accept);
    RUN(test_retry_429_honours_retry_after);
    RUN(test_retries_exhausted_and_not_retried);
    RUN(test_retry_argument_checks);
    RUN(test_low_latency_off);
    return h_finish();
}
