/* Streaming sessions through the C ABI, against the local server: realtime v2 and Universal
   Streaming v3 from WAV files and a file-fed ALSA "microphone", connect/close semantics, close
   codes, tokens, threading (callbacks on their own thread, close and free from a callback,
   many sessions at once), and the latency from a server message to the callback. */
#include "harness.h"
#include "proc_counts.h"
#include <curl/curl.h>
#include <stdint.h>
#include <dirent.h>

/* test_streaming_inline.c builds this file again with AAI_TEST_INLINE: every test below then
   runs with 0 callback threads (the I/O thread runs the callbacks), plus the checks only that
   callback model has (connect refused in a callback, a full queue failing at once). */
#ifndef AAI_TEST_INLINE
#define AAI_TEST_INLINE 0
#endif
/* The thread every callback runs on, by name. */
static const char *CALLBACK_THREAD = AAI_TEST_INLINE ? "aai-stream-io" : "aai-stream-cb";

/* ---- audio whose streaming transcript is `text` (harness.h) ---- */
static int16_t *stream_samples(const char *text, int span_ms, double seconds, int rate, size_t *count) {
    *count = (size_t)(seconds * rate);
    return h_stream_samples(text, span_ms, *count);
}

static int write_stream_wav(const char *path, const char *text, int span_ms, double seconds, int rate, int channels, int bits) {
    size_t n;
    int16_t *s = stream_samples(text, span_ms, seconds, rate, &n);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    unsigned bytes_per = (unsigned)(bits / 8 * channels), data = (unsigned)n * bytes_per;
    fwrite("RIFF", 1, 4, f); h_le32(f, 4 + 24 + 8 + data); fwrite("WAVE", 1, 4, f);
    fwrite("fmt ", 1, 4, f); h_le32(f, 16); h_le16(f, 1); h_le16(f, (unsigned)channels); h_le32(f, (unsigned)rate);
    h_le32(f, (unsigned)rate * bytes_per); h_le16(f, bytes_per); h_le16(f, (unsigned)bits);
    fwrite("data", 1, 4, f); h_le32(f, data);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < channels; c++) {
            if (bits == 16) h_le16(f, (unsigned)(uint16_t)s[i]);
            else fputc(128 | (s[i] & 1), f);
        }
    free(s);
    return fclose(f);
}

/* ---- an event recorder ---- */
#define MAX_EVENTS 4096
typedef struct rec_event {
    aai_streaming_event_type type;
    char text[256];
    char language[8], speaker[16];
    int end_of_turn, turn_is_formatted, close_code;
    int64_t turn_order, audio_end;
    aai_status status;
    size_t word_count;
    double audio_duration, latency_ms;
    int64_t received_ns, callback_ns;  /* event->received_ns; CLOCK_MONOTONIC at the callback */
    pthread_t thread;
    char thread_name[16];  /* the thread the callback ran on (PR_GET_NAME) */
} rec_event;

typedef struct recorder {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    rec_event events[MAX_EVENTS];
    int count;
    int closed;
    int after_free;            /* callbacks seen after free returned */
    int freed;
    aai_streaming *close_in_callback;   /* close this session from the first TURN/PARTIAL */
    aai_status close_in_callback_status;
    aai_streaming *free_in_callback;
    int callback_sleep_ms;
} recorder;

static void rec_init(recorder *r) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    r->close_in_callback_status = (aai_status)-1;
}

/* v2 `created` ("YYYY-MM-DDTHH:MM:SS.ffffff", UTC) to ms since the epoch. */
static double created_ms(const char *json) {
    const char *p = json ? strstr(json, "\"created\":\"") : NULL;
    if (!p) return 0;
    struct tm t = {0};
    int us = 0;
    if (sscanf(p + 11, "%4d-%2d-%2dT%2d:%2d:%2d.%6d", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min, &t.tm_sec, &us) != 7)
        return 0;
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    return (double)timegm(&t) * 1000.0 + us / 1000.0;
}

static void on_event(const aai_streaming_event *e, void *user_data) {
    recorder *r = user_data;
    struct timespec now, mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &now);
    double now_ms = now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
    pthread_mutex_lock(&r->lock);
    if (r->freed) r->after_free++;
    if (r->count < MAX_EVENTS) {
        rec_event *x = &r->events[r->count++];
        x->type = e->type;
        snprintf(x->text, sizeof x->text, "%s", e->text ? e->text : "");
        snprintf(x->language, sizeof x->language, "%s", e->language_code ? e->language_code : "");
        snprintf(x->speaker, sizeof x->speaker, "%s", e->speaker_label ? e->speaker_label : "");
        x->end_of_turn = e->end_of_turn;
        x->turn_is_formatted = e->turn_is_formatted;
        x->turn_order = e->turn_order;
        x->audio_end = e->audio_end;
        x->close_code = e->close_code;
        x->status = e->status;
        x->word_count = e->word_count;
        x->audio_duration = e->audio_duration_seconds;
        x->thread = pthread_self();
        prctl(PR_GET_NAME, x->thread_name, 0, 0, 0);
        x->received_ns = e->received_ns;
        x->callback_ns = (int64_t)mono.tv_sec * 1000000000 + mono.tv_nsec;
        double c = created_ms(e->json);
        x->latency_ms = c > 0 ? now_ms - c : -1;
        if (e->type == AAI_STREAMING_EVENT_ERROR) x->close_code = e->close_code;
    }
    if (e->type == AAI_STREAMING_EVENT_CLOSED) r->closed = 1;
    aai_streaming *to_close = NULL, *to_free = NULL;
    if (r->close_in_callback && (e->type == AAI_STREAMING_EVENT_TURN || e->type == AAI_STREAMING_EVENT_PARTIAL_TRANSCRIPT)) {
        to_close = r->close_in_callback;
        r->close_in_callback = NULL;
    }
    if (r->free_in_callback && e->type != AAI_STREAMING_EVENT_OPENED) {
        to_free = r->free_in_callback;
        r->free_in_callback = NULL;
    }
    pthread_cond_broadcast(&r->cond);
    int sleep_ms = r->callback_sleep_ms;
    pthread_mutex_unlock(&r->lock);
    if (to_close) {
        aai_status s = aai_streaming_close(to_close, 5000);
        pthread_mutex_lock(&r->lock);
        r->close_in_callback_status = s;
        pthread_mutex_unlock(&r->lock);
    }
    if (to_free) aai_streaming_free(to_free);
    if (sleep_ms) usleep((useconds_t)sleep_ms * 1000);
}

/* Waits until CLOSED was delivered (or timeout); returns 1 if it was. */
static int rec_wait_closed(recorder *r, int timeout_ms) {
    double end = h_now_ms() + timeout_ms;
    pthread_mutex_lock(&r->lock);
    while (!r->closed && h_now_ms() < end) {
        pthread_mutex_unlock(&r->lock);
        usleep(2000);
        pthread_mutex_lock(&r->lock);
    }
    int c = r->closed;
    pthread_mutex_unlock(&r->lock);
    return c;
}

static int rec_count(recorder *r, aai_streaming_event_type t) {
    int n = 0;
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < r->count; i++) n += r->events[i].type == t;
    pthread_mutex_unlock(&r->lock);
    return n;
}

/* The text of the n-th event of type t (""), and whether it exists. */
static const rec_event *rec_nth(recorder *r, aai_streaming_event_type t, int n) {
    for (int i = 0; i < r->count; i++)
        if (r->events[i].type == t && n-- == 0) return &r->events[i];
    return NULL;
}

/* The formatted end-of-turn texts of a v3 session joined by " | ". */
static void v3_final_turns(recorder *r, char *out, size_t size) {
    out[0] = 0;
    for (int i = 0; i < r->count; i++) {
        rec_event *e = &r->events[i];
        if (e->type == AAI_STREAMING_EVENT_TURN && e->end_of_turn && e->turn_is_formatted) {
            if (out[0]) strncat(out, " | ", size - strlen(out) - 1);
            strncat(out, e->text, size - strlen(out) - 1);
        }
    }
}

static void v2_finals(recorder *r, char *out, size_t size) {
    out[0] = 0;
    for (int i = 0; i < r->count; i++) {
        rec_event *e = &r->events[i];
        if (e->type == AAI_STREAMING_EVENT_FINAL_TRANSCRIPT) {
            if (out[0]) strncat(out, " | ", size - strlen(out) - 1);
            strncat(out, e->text, size - strlen(out) - 1);
        }
    }
}

/* ---- the local server's test hooks ---- */
static int server_post(const char *path, const char *json) {
    char url[256];
    snprintf(url, sizeof url, "%s%s", h_server_url, path);
    long status = 0;
    free(h_http("POST", url, json, &status, NULL));
    return status == 200 ? 0 : -1;
}

static aai_streaming *new_session(aai_client *c, aai_streaming_protocol p, recorder *r) {
    aai_streaming *s = NULL;
    if (aai_streaming_new(c, p, &s) != AAI_OK) return NULL;
    if (r) aai_streaming_set_callback(s, on_event, r);
    return s;
}

static const char *WAV_HELLO = "/tmp/aai_stream_hello.wav";
static const char *TEXT_HELLO = "Hello world. How are you?";

/* ---- tests ---- */

static void test_v3_file_session(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_set_format_turns(s, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK(aai_streaming_session_id(s) != NULL);
    CHECK_STATUS(aai_streaming_send_wav_file(s, WAV_HELLO, 100, 0), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    /* close returned: every event up to CLOSED is in. */
    CHECK(r.closed);
    CHECK(r.count >= 4);
    CHECK(r.events[0].type == AAI_STREAMING_EVENT_OPENED);
    CHECK(r.events[r.count - 1].type == AAI_STREAMING_EVENT_CLOSED);
    CHECK(r.events[r.count - 1].status == AAI_OK);
    CHECK(r.events[r.count - 1].close_code == 1000);
    CHECK(r.events[r.count - 2].type == AAI_STREAMING_EVENT_TERMINATED);
    CHECK(r.events[r.count - 2].audio_duration == 3);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_ERROR) == 0);
    char finals[512];
    v3_final_turns(&r, finals, sizeof finals);
    CHECK_STR(finals, "Hello world. | How are you?");
    /* callbacks run on a library thread: a pool thread, or the I/O thread with 0 callback threads */
    CHECK(!pthread_equal(r.events[0].thread, pthread_self()));
    for (int i = 0; i < r.count; i++) CHECK(strcmp(r.events[i].thread_name, CALLBACK_THREAD) == 0);
    CHECK(aai_streaming_close_code(s) == 1000);
    CHECK_STR(aai_streaming_close_reason(s), "");
    uint64_t queued = 0, written = 0;
    CHECK_STATUS(aai_streaming_audio_bytes(s, &queued, &written), AAI_OK);
    CHECK(queued == 3 * 16000 * 2 && written == queued);
    /* sending after close */
    short pcm[1600] = {0};
    CHECK_STATUS(aai_streaming_send_audio(s, pcm, sizeof pcm), AAI_ERR_STATE);
    CHECK_STATUS(aai_streaming_close(s, 1000), AAI_OK);   /* closing twice is fine */
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_v3_u3_pro_events(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_set_speech_model(s, "u3-rt-pro"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_prompt(s, "Transcribe verbatim."), AAI_OK);
    CHECK_STATUS(aai_streaming_set_speaker_labels(s, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_set_max_speakers(s, 2), AAI_OK);
    CHECK_STATUS(aai_streaming_set_language_detection(s, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    write_stream_wav("/tmp/aai_two_speakers.wav", "A: Good morning everyone. B: Hi.", 2000, 3.5, 16000, 1, 16);
    CHECK_STATUS(aai_streaming_send_wav_file(s, "/tmp/aai_two_speakers.wav", 100, 0), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_SPEECH_STARTED) == 2);
    const rec_event *t0 = NULL, *t1 = NULL;
    for (int i = 0; i < r.count; i++) {
        rec_event *e = &r.events[i];
        if (e->type == AAI_STREAMING_EVENT_TURN && e->end_of_turn) { if (!t0) t0 = e; else if (!t1) t1 = e; }
    }
    /* u3-rt-pro: one formatted message per end of turn */
    CHECK(t0 && strcmp(t0->text, "Good morning everyone.") == 0 && t0->turn_is_formatted);
    CHECK(t0 && strcmp(t0->language, "en") == 0 && strcmp(t0->speaker, "A") == 0);
    CHECK(t1 && strcmp(t1->text, "Hi.") == 0 && strcmp(t1->speaker, "UNKNOWN") == 0);   /* under 1 s */
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_v2_file_session(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V2, &r);
    CHECK_STATUS(aai_streaming_set_enable_extra_session_information(s, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_send_wav_file(s, WAV_HELLO, 250, 0), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    char finals[512];
    v2_finals(&r, finals, sizeof finals);
    CHECK_STR(finals, "Hello world. | How are you?");
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_PARTIAL_TRANSCRIPT) > 0);
    const rec_event *info = rec_nth(&r, AAI_STREAMING_EVENT_SESSION_INFORMATION, 0);
    CHECK(info && info->audio_duration == 3.0);
    CHECK(r.events[r.count - 2].type == AAI_STREAMING_EVENT_TERMINATED);
    CHECK(r.events[r.count - 1].type == AAI_STREAMING_EVENT_CLOSED && r.events[r.count - 1].status == AAI_OK);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_bad_auth(void) {
    aai_client *c = h_client();
    aai_client_set_api_key(c, "wrong-key");
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V2, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_AUTH);
    CHECK_CONTAINS(aai_last_error_message(), "4001");
    CHECK_CONTAINS(aai_last_error_message(), "Not Authorized");
    CHECK(aai_streaming_close_code(s) == 4001);
    CHECK_STR(aai_streaming_close_reason(s), "Not Authorized");
    aai_streaming_free(s);
    s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_AUTH);
    CHECK_CONTAINS(aai_last_error_message(), "1008");
    CHECK(aai_streaming_close_code(s) == 1008);
    aai_streaming_free(s);
    usleep(50 * 1000);
    CHECK(r.count == 0);   /* a failed connect delivers no event */
    aai_client_free(c);
}

static void test_bad_parameters(void) {
    aai_client *c = h_client();
    aai_streaming *s = new_session(c, AAI_STREAMING_V2, NULL);
    CHECK_STATUS(aai_streaming_set_param(s, "encoding", "opus"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_streaming_close_code(s) == 4101);
    aai_streaming_free(s);
    s = new_session(c, AAI_STREAMING_V2, NULL);
    CHECK_STATUS(aai_streaming_set_param(s, "word_boost", "not json"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_streaming_close_code(s) == 4104);
    CHECK_CONTAINS(aai_last_error_message(), "Could not parse word boost parameter");
    aai_streaming_free(s);
    s = new_session(c, AAI_STREAMING_V3, NULL);
    CHECK_STATUS(aai_streaming_set_param(s, "speech_model", "nope"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_streaming_close_code(s) == 3006);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_argument_checks(void) {
    aai_client *c = h_client();
    aai_streaming *s2 = new_session(c, AAI_STREAMING_V2, NULL), *s3 = new_session(c, AAI_STREAMING_V3, NULL), *x = NULL;
    CHECK_STATUS(aai_streaming_new(c, (aai_streaming_protocol)4, &x), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_new(NULL, AAI_STREAMING_V3, &x), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_connect(NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_connect((aai_streaming *)c), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_format_turns(s2, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "Universal Streaming v3 parameter");
    CHECK_STATUS(aai_streaming_set_disable_partial_transcripts(s3, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_end_utterance_silence_threshold(s2, 20001), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_end_utterance_silence_threshold(s2, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_end_utterance_silence_threshold(s2, 20000), AAI_OK);
    CHECK_STATUS(aai_streaming_set_inactivity_timeout(s3, 4), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_max_speakers(s3, 11), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_vad_threshold(s3, 1.5), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_encoding(s3, "mp3"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_sample_rate(s3, 0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_url(s3, "http://example.com"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_url(s3, "wss://streaming.assemblyai.com/v3/ws"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_update_configuration(s3, "{\"min_turn_silence\": -5}"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_update_configuration(s3, "[1]"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_update_configuration(s2, "{\"min_turn_silence\": 5}"), AAI_ERR_INVALID_ARGUMENT);
    const char *terms[] = {"libassemblyai", "Hummingbird"};
    CHECK_STATUS(aai_streaming_set_keyterms_prompt(s3, terms, 2), AAI_OK);
    CHECK_STATUS(aai_streaming_set_min_turn_silence(s3, 200), AAI_OK);
    CHECK_STATUS(aai_streaming_set_param(s3, "future_param", "x y"), AAI_OK);
    char *url = NULL;
    CHECK_STATUS(aai_streaming_url(s3, &url), AAI_OK);
    CHECK_CONTAINS(url, "/v3/ws?sample_rate=16000&keyterms_prompt=%5B%22libassemblyai%22%2C%22Hummingbird%22%5D");
    CHECK_CONTAINS(url, "&min_turn_silence=200&future_param=x%20y");
    CHECK(strncmp(url, "ws://127.0.0.1:", 15) == 0);
    aai_string_free(url);
    /* not connected: sending is a state error, closing is fine */
    short pcm[1600] = {0};
    CHECK_STATUS(aai_streaming_send_audio(s3, pcm, sizeof pcm), AAI_ERR_STATE);
    CHECK_STATUS(aai_streaming_force_endpoint(s3), AAI_ERR_STATE);
    CHECK(aai_streaming_session_id(s3) == NULL);
    CHECK_STR(aai_streaming_close_code_meaning(AAI_STREAMING_V2, 4031), "Session idle for too long");
    CHECK_CONTAINS(aai_streaming_close_code_meaning(AAI_STREAMING_V3, 3007), "50 to 1000 ms");
    CHECK(aai_streaming_close_code_meaning(AAI_STREAMING_V3, 4999) == NULL);
    aai_streaming_free(s2);
    aai_streaming_free(s3);
    aai_streaming_free(NULL);
    aai_client_free(c);
}

static void test_wav_file_checks(void) {
    aai_client *c = h_client();
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, NULL);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    write_stream_wav("/tmp/aai_stereo.wav", "x", 400, 1, 16000, 2, 16);
    CHECK_STATUS(aai_streaming_send_wav_file(s, "/tmp/aai_stereo.wav", 100, 0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "2 channels");
    write_stream_wav("/tmp/aai_8bit.wav", "x", 400, 1, 16000, 1, 8);
    CHECK_STATUS(aai_streaming_send_wav_file(s, "/tmp/aai_8bit.wav", 100, 0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "8-bit");
    write_stream_wav("/tmp/aai_8k.wav", "x", 400, 1, 8000, 1, 16);
    CHECK_STATUS(aai_streaming_send_wav_file(s, "/tmp/aai_8k.wav", 100, 0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "8000 Hz");
    FILE *f = fopen("/tmp/aai_not.wav", "w");
    fputs("hello, I am text", f);
    fclose(f);
    CHECK_STATUS(aai_streaming_send_wav_file(s, "/tmp/aai_not.wav", 100, 0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "not a WAV file");
    CHECK_STATUS(aai_streaming_send_wav_file(s, "/tmp/does/not/exist.wav", 100, 0), AAI_ERR_IO);
    CHECK_STATUS(aai_streaming_send_wav_file(s, WAV_HELLO, -1, 0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_send_audio(s, "", 0), AAI_ERR_INVALID_ARGUMENT);   /* empty */
    CHECK_STATUS(aai_streaming_send_audio(s, NULL, 10), AAI_ERR_INVALID_ARGUMENT);
    uint64_t queued = 1;
    aai_streaming_audio_bytes(s, &queued, NULL);
    CHECK(queued == 0);    /* nothing was sent */
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    aai_streaming_free(s);
    aai_client_free(c);
}

/* Sends `ms` of the samples, in 100 ms chunks, from offset *pos. */
static void send_ms(aai_streaming *s, const int16_t *samples, size_t *pos, int ms) {
    for (int done = 0; done < ms; done += 100) {
        CHECK_STATUS(aai_streaming_send_audio(s, samples + *pos, 1600 * sizeof(int16_t)), AAI_OK);
        *pos += 1600;
    }
}

static void test_v3_force_endpoint_and_update(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    size_t n, pos = 0;
    /* 4 words over 1600 ms, no punctuation: turns end only when forced or at max_turn_silence */
    int16_t *samples = stream_samples("one two three four", 1600, 4, 16000, &n);
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    send_ms(s, samples, &pos, 1200);
    CHECK_STATUS(aai_streaming_force_endpoint(s), AAI_OK);
    /* during the session: an UpdateConfiguration (max_turn_silence 100 ends the last turn soon) */
    CHECK_STATUS(aai_streaming_set_max_turn_silence(s, 100), AAI_OK);
    CHECK_STATUS(aai_streaming_update_configuration(s, "{\"end_of_turn_confidence_threshold\": 0.5}"), AAI_OK);
    send_ms(s, samples, &pos, 800);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    const rec_event *t0 = NULL, *t1 = NULL;
    for (int i = 0; i < r.count; i++) {
        rec_event *e = &r.events[i];
        if (e->type == AAI_STREAMING_EVENT_TURN && e->end_of_turn) { if (!t0) t0 = e; else if (!t1) t1 = e; }
    }
    CHECK(t0 && strcmp(t0->text, "one two three") == 0 && t0->turn_order == 0);
    CHECK(t1 && strcmp(t1->text, "four") == 0 && t1->turn_order == 1);
    free(samples);
    aai_streaming_free(s);
    aai_client_free(c);
}

/* With a threshold of 0 the first utterance ends right at "world." before "bye" is heard; with
   the default 700 ms, "bye" is heard first (and shows in a partial of the same utterance). */
static int v2_threshold_run(int threshold_during, int threshold_before) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    size_t n, pos = 0;
    int16_t *samples = stream_samples("Hello world. Bye now.", 1600, 3, 16000, &n);
    aai_streaming *s = new_session(c, AAI_STREAMING_V2, &r);
    if (threshold_before >= 0) CHECK_STATUS(aai_streaming_set_end_utterance_silence_threshold(s, threshold_before), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    if (threshold_during >= 0) CHECK_STATUS(aai_streaming_set_end_utterance_silence_threshold(s, threshold_during), AAI_OK);
    send_ms(s, samples, &pos, 3000);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    int bye_before_final = 0;
    for (int i = 0; i < r.count; i++) {
        rec_event *e = &r.events[i];
        if (e->type == AAI_STREAMING_EVENT_FINAL_TRANSCRIPT) break;
        if (e->type == AAI_STREAMING_EVENT_PARTIAL_TRANSCRIPT && strstr(e->text, "bye")) bye_before_final = 1;
    }
    char finals[256];
    v2_finals(&r, finals, sizeof finals);
    CHECK_STR(finals, "Hello world. | Bye now.");
    free(samples);
    aai_streaming_free(s);
    aai_client_free(c);
    return bye_before_final;
}

static void test_v2_silence_threshold(void) {
    CHECK(v2_threshold_run(-1, -1) == 1);   /* default 700 ms */
    CHECK(v2_threshold_run(0, -1) == 0);    /* changed during the session */
    CHECK(v2_threshold_run(-1, 0) == 0);    /* set before connect, sent once the session began */
}

static void test_v2_disable_partials_and_word_boost(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V2, &r);
    const char *boost[] = {"hello", "world"};
    CHECK_STATUS(aai_streaming_set_word_boost(s, boost, 2), AAI_OK);
    CHECK_STATUS(aai_streaming_set_disable_partial_transcripts(s, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_send_wav_file(s, WAV_HELLO, 100, 0), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_PARTIAL_TRANSCRIPT) == 0);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_FINAL_TRANSCRIPT) == 2);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_SESSION_INFORMATION) == 0);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_empty_audio_gives_empty_transcript(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    short pcm[1600] = {0};
    for (int i = 0; i < 5; i++) CHECK_STATUS(aai_streaming_send_audio(s, pcm, sizeof pcm), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_TURN) == 1);
    const rec_event *t = rec_nth(&r, AAI_STREAMING_EVENT_TURN, 0);
    CHECK(t && t->end_of_turn && t->text[0] == 0 && t->word_count == 0);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_idle_close_codes(void) {
    CHECK(server_post("/_local/streaming/settings", "{\"v2_idle_timeout_ms\": 300, \"v3_inactivity_unit_ms\": 60}") == 0);
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V2, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK(rec_wait_closed(&r, 3000));
    const rec_event *err = rec_nth(&r, AAI_STREAMING_EVENT_ERROR, 0);
    CHECK(err && err->close_code == 4031 && err->status == AAI_ERR_TIMEOUT);
    CHECK_CONTAINS(err ? err->text : NULL, "Session idle for too long");
    CHECK(r.events[r.count - 1].type == AAI_STREAMING_EVENT_CLOSED && r.events[r.count - 1].close_code == 4031);
    CHECK_STATUS(aai_streaming_close(s, 1000), AAI_ERR_TIMEOUT);   /* the error that ended the session */
    CHECK_CONTAINS(aai_last_error_message(), "4031");
    CHECK(aai_streaming_close_code(s) == 4031);
    aai_streaming_free(s);
    /* v3 inactivity_timeout: the server terminates the session normally */
    rec_init(&r);
    s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_set_inactivity_timeout(s, 5), AAI_OK);   /* 5 x 60 ms here */
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK(rec_wait_closed(&r, 3000));
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_TERMINATED) == 1);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_ERROR) == 0);
    CHECK(r.events[r.count - 1].close_code == 1000 && r.events[r.count - 1].status == AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 1000), AAI_OK);
    aai_streaming_free(s);
    aai_client_free(c);
    CHECK(server_post("/_local/streaming/settings", "{\"v2_idle_timeout_ms\": 30000, \"v3_inactivity_unit_ms\": 1000}") == 0);
}

static void test_v3_invalid_message_type(void) {
    /* A message type the server does not know: closed with 3006 (the escape hatch sends it). */
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_send_json(s, "{\"type\": \"NoSuchMessage\"}"), AAI_OK);
    CHECK(rec_wait_closed(&r, 3000));
    const rec_event *err = rec_nth(&r, AAI_STREAMING_EVENT_ERROR, 0);
    CHECK(err && err->close_code == 3006 && err->status == AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(err ? err->text : NULL, "Invalid Message Type: NoSuchMessage");
    CHECK_STATUS(aai_streaming_close(s, 1000), AAI_ERR_INVALID_ARGUMENT);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_temporary_tokens(void) {
    aai_client *c = h_client();
    char *t2 = NULL, *t3 = NULL;
    CHECK_STATUS(aai_streaming_create_token_v2(c, 30, &t2), AAI_ERR_INVALID_ARGUMENT);   /* >= 60 */
    CHECK_STATUS(aai_streaming_create_token_v2(c, 60, &t2), AAI_OK);
    CHECK_STATUS(aai_streaming_create_token_v3(c, NULL, 601, 0, &t3), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_create_token_v3(c, NULL, 60, 600, &t3), AAI_OK);
    /* a client without a valid key connects with the tokens */
    aai_client *nokey = h_client();
    aai_client_set_api_key(nokey, "not-a-valid-key");
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(nokey, AAI_STREAMING_V2, &r);
    CHECK_STATUS(aai_streaming_set_token(s, t2), AAI_OK);
    char *url = NULL;
    aai_streaming_url(s, &url);
    CHECK_CONTAINS(url, "token=***");
    aai_string_free(url);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    aai_streaming_free(s);
    s = new_session(nokey, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_set_token(s, t3), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    aai_streaming_free(s);
    /* v3 tokens are single-use; a v2 token does not open v3 */
    s = new_session(nokey, AAI_STREAMING_V3, NULL);
    aai_streaming_set_token(s, t3);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_AUTH);
    aai_streaming_free(s);
    s = new_session(nokey, AAI_STREAMING_V3, NULL);
    aai_streaming_set_token(s, t2);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_AUTH);
    aai_streaming_free(s);
    aai_string_free(t2);
    aai_string_free(t3);
    aai_client_free(nokey);
    aai_client_free(c);
}

static void test_close_from_callback(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    pthread_mutex_lock(&r.lock);   /* the callback thread reads it: it runs already */
    r.close_in_callback = s;
    pthread_mutex_unlock(&r.lock);
    aai_status st = aai_streaming_send_wav_file(s, WAV_HELLO, 100, 1);   /* paced: the close lands mid-file */
    CHECK(st == AAI_OK || st == AAI_ERR_STATE);
    CHECK(rec_wait_closed(&r, 5000));
    CHECK(r.close_in_callback_status == AAI_OK);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_TERMINATED) == 1);
    CHECK(r.events[r.count - 1].type == AAI_STREAMING_EVENT_CLOSED && r.events[r.count - 1].status == AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 1000), AAI_OK);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_free_stops_callbacks(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    r.callback_sleep_ms = 5;
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_send_wav_file(s, WAV_HELLO, 100, 0), AAI_OK);
    usleep(20 * 1000);
    aai_streaming_free(s);             /* events are still flowing */
    pthread_mutex_lock(&r.lock);
    r.freed = 1;
    pthread_mutex_unlock(&r.lock);
    usleep(200 * 1000);
    CHECK(r.after_free == 0);
    CHECK_STATUS(aai_streaming_send_audio(s, "xx", 2), AAI_ERR_INVALID_ARGUMENT);   /* a freed handle */
    /* free from inside a callback */
    rec_init(&r);
    s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    pthread_mutex_lock(&r.lock);   /* the callback thread reads it: it runs already */
    r.free_in_callback = s;
    pthread_mutex_unlock(&r.lock);
    aai_status st = aai_streaming_send_wav_file(s, WAV_HELLO, 100, 1);
    CHECK(st == AAI_OK || st == AAI_ERR_STATE || st == AAI_ERR_INVALID_ARGUMENT);
    usleep(100 * 1000);
    pthread_mutex_lock(&r.lock);
    int n = r.count;
    pthread_mutex_unlock(&r.lock);
    usleep(200 * 1000);
    pthread_mutex_lock(&r.lock);
    CHECK(r.count == n);          /* nothing after the freeing callback */
    pthread_mutex_unlock(&r.lock);
    aai_client_free(c);
}

static void test_send_queue_bounded(void) {
    aai_client *c = h_client();
    aai_streaming *s = new_session(c, AAI_STREAMING_V2, NULL);
    CHECK_STATUS(aai_streaming_set_queue_capacity(s, 64 * 1024), AAI_OK);
    CHECK_STATUS(aai_streaming_set_send_timeout_ms(s, 0), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    static char big[48 * 1024];
    int full = 0, ok = 0;
    double t0 = h_now_ms();
    for (int i = 0; i < 2000 && !full; i++) {
        aai_status st = aai_streaming_send_audio(s, big, sizeof big);
        if (st == AAI_OK) ok++;
        else if (st == AAI_ERR_TIMEOUT) full = 1;
        else { CHECK_STATUS(st, AAI_OK); break; }
    }
    /* either the queue filled (and said so at once) or the connection kept up throughout */
    CHECK(ok > 0);
    if (full) CHECK_CONTAINS(aai_last_error_message(), "audio queue is full");
    CHECK(h_now_ms() - t0 < 20000);
    aai_streaming_close(s, 10000);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_mic_from_alsa_file(void) {
    /* An ALSA capture PCM that reads a raw file (build-notes: "filein"). */
    size_t n;
    int16_t *samples = stream_samples("Testing the microphone.", 1200, 3, 16000, &n);
    FILE *raw = fopen("/tmp/aai_mic.raw", "wb");
    fwrite(samples, sizeof(int16_t), n, raw);
    fclose(raw);
    free(samples);
    FILE *conf = fopen("/tmp/aai_asound.conf", "w");
    fputs("pcm.nullcap { type null }\n"
          "pcm.filein { type file; slave.pcm \"nullcap\"; file \"/dev/null\"; infile \"/tmp/aai_mic.raw\"; format \"raw\" }\n", conf);
    fclose(conf);
    setenv("ALSA_CONFIG_PATH", "/tmp/aai_asound.conf", 1);
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    CHECK_STATUS(aai_streaming_set_format_turns(s, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_start_microphone(s, "no-such-device", 100, 0), AAI_ERR_IO);
    CHECK_STATUS(aai_streaming_start_microphone(s, "filein", 100, 3000), AAI_OK);
    CHECK_STATUS(aai_streaming_start_microphone(s, "filein", 100, 3000), AAI_ERR_STATE);   /* one at a time */
    double t0 = h_now_ms();
    uint64_t queued = 0;
    while (queued < 3 * 16000 * 2 && h_now_ms() - t0 < 10000) { usleep(10000); aai_streaming_audio_bytes(s, &queued, NULL); }
    CHECK(queued == 3 * 16000 * 2);
    CHECK_STATUS(aai_streaming_stop_microphone(s), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    char finals[256];
    v3_final_turns(&r, finals, sizeof finals);
    CHECK_STR(finals, "Testing the microphone.");
    aai_streaming_free(s);
    aai_client_free(c);
    unsetenv("ALSA_CONFIG_PATH");
}

typedef struct many_arg { int index; int ok; } many_arg;

static void *many_session(void *p) {
    many_arg *a = p;
    aai_client *c = h_client();
    recorder *r = malloc(sizeof *r);
    rec_init(r);
    aai_streaming *s = new_session(c, a->index % 2 ? AAI_STREAMING_V2 : AAI_STREAMING_V3, r);
    if (a->index % 2 == 0) aai_streaming_set_format_turns(s, 1);
    int ok = aai_streaming_connect(s) == AAI_OK && aai_streaming_send_wav_file(s, WAV_HELLO, 100, 0) == AAI_OK
             && aai_streaming_close(s, 20000) == AAI_OK;
    char finals[512];
    if (a->index % 2) v2_finals(r, finals, sizeof finals); else v3_final_turns(r, finals, sizeof finals);
    a->ok = ok && strcmp(finals, "Hello world. | How are you?") == 0;
    aai_streaming_free(s);
    aai_client_free(c);
    free(r);
    return NULL;
}

static void test_many_sessions_at_once(void) {
    /* 32 by default; AAI_STREAM_SESSIONS=N for a bigger run */
    int N = getenv("AAI_STREAM_SESSIONS") ? atoi(getenv("AAI_STREAM_SESSIONS")) : 32;
    if (N < 1) N = 1;
    pthread_t *t = calloc((size_t)N, sizeof *t);
    many_arg *a = calloc((size_t)N, sizeof *a);
    double t0 = h_now_ms();
    for (int i = 0; i < N; i++) { a[i].index = i; a[i].ok = 0; pthread_create(&t[i], NULL, many_session, &a[i]); }
    int ok = 0;
    for (int i = 0; i < N; i++) { pthread_join(t[i], NULL); ok += a[i].ok; }
    CHECK(ok == N);
    printf("# %d concurrent sessions (v2 and v3, 3 s of audio each): %d ok in %.0f ms\n", N, ok, h_now_ms() - t0);
    free(t);
    free(a);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_latency_server_to_callback(void) {
    /* v2 messages carry `created` (the server's clock, microseconds, when it built the message):
       the time from there to the callback is the library's delivery latency plus the socket. */
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V2, &r);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    size_t n, pos = 0;
    int16_t *samples = stream_samples("a b c d e f g h i j k l m n o p q r s t u v w x y z.", 5200, 6, 16000, &n);
    send_ms(s, samples, &pos, 6000);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    double lat[MAX_EVENTS];
    int k = 0;
    for (int i = 0; i < r.count; i++) if (r.events[i].latency_ms >= 0) lat[k++] = r.events[i].latency_ms;
    CHECK(k >= 20);
    if (k > 0) {
        qsort(lat, (size_t)k, sizeof lat[0], cmp_double);
        printf("# server message -> C callback: %d messages, median %.3f ms, p90 %.3f ms, max %.3f ms\n",
               k, lat[k / 2], lat[k * 9 / 10], lat[k - 1]);
        CHECK(lat[k / 2] < 50);
    }
    free(samples);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_received_ns(void) {
    /* Every event made from a server message carries when its last byte was read (CLOCK_MONOTONIC,
       after connect began, before its callback, in order); CLOSED, which the library makes, 0. */
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int64_t start = (int64_t)t0.tv_sec * 1000000000 + t0.tv_nsec;
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_send_wav_file(s, WAV_HELLO, 100, 0), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    CHECK(r.count >= 4 && r.events[r.count - 1].type == AAI_STREAMING_EVENT_CLOSED);
    int64_t prev = start;
    int ok = 1;
    for (int i = 0; i + 1 < r.count; i++) {
        rec_event *e = &r.events[i];
        ok &= e->received_ns >= prev && e->received_ns <= e->callback_ns;
        prev = e->received_ns;
    }
    CHECK(ok);
    CHECK(r.events[r.count - 1].received_ns == 0);
    aai_streaming_free(s);
    aai_client_free(c);
}

static void test_connect_refused_and_timeout(void) {
    aai_client *c = h_client();
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, NULL);
    CHECK_STATUS(aai_streaming_set_url(s, "ws://127.0.0.1:1"), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_CONNECTION);
    aai_streaming_free(s);
    /* a server that accepts TCP but never answers: connect gives up at its timeout */
    const char *silence[] = {NULL};
    h_raw_server raw;
    h_raw_start(&raw, silence, 1);
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", raw.port);
    s = new_session(c, AAI_STREAMING_V3, NULL);
    aai_streaming_set_url(s, url);
    aai_streaming_set_connect_timeout_ms(s, 300);
    aai_streaming_set_connect_retries(s, 0, 0, 1.0);   /* one attempt (retries: test_streaming_v3_events.c) */
    double t0 = h_now_ms();
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_TIMEOUT);
    CHECK(h_now_ms() - t0 < 2000);
    aai_streaming_free(s);
    /* an HTTP error instead of the upgrade */
    const char *reply[] = {"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 21\r\nConnection: close\r\n\r\n{\"error\": \"no entry\"}"};
    h_raw_server raw2;
    h_raw_start(&raw2, reply, 1);
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", raw2.port);
    s = new_session(c, AAI_STREAMING_V2, NULL);
    aai_streaming_set_url(s, url);
    CHECK_STATUS(aai_streaming_connect(s), AAI_ERR_AUTH);
    CHECK(aai_last_error_http_status() == 403);
    CHECK_STR(aai_last_error_server_text(), "no entry");
    aai_streaming_free(s);
    h_raw_stop(&raw2);
    h_raw_stop(&raw);
    aai_client_free(c);
}

/* ---- audio in any chunk size (the session frames it) ---- */

/* The only session the server recorded since the last clear: its audio message sizes (up to
   `max`) and the last text message the client sent. Returns the message count, -1 on failure. */
static int recorded_chunks(int *sizes, int max, char *last_text, size_t last_size) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/streaming/sessions", h_server_url);
    long status = 0;
    char *body = h_http("GET", url, NULL, &status, NULL);
    if (!body || status != 200) { free(body); return -1; }
    int n = -1;
    const char *p = strstr(body, "\"audio_chunk_bytes\"");
    if (p && (p = strchr(p, '['))) {
        n = 0;
        p++;
        while (*p && *p != ']') {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p) { p++; continue; }
            if (n < max) sizes[n] = (int)v;
            n++;
            p = end;
        }
    }
    last_text[0] = 0;
    const char *t = strstr(body, "\"text_messages\"");
    const char *close = t ? strchr(t, ']') : NULL;
    if (t && close) {
        /* the last string of the array */
        const char *q = close;
        while (q > t && *q != '"') q--;           /* its closing quote */
        const char *e = q;
        q--;
        while (q > t && !(*q == '"' && q[-1] != '\\')) q--;
        size_t len = (size_t)(e - q - 1);
        if (len >= last_size) len = last_size - 1;
        memcpy(last_text, q + 1, len);
        last_text[len] = 0;
    }
    free(body);
    return n;
}

static void clear_recorded_sessions(void) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/streaming/sessions", h_server_url);
    long status = 0;
    free(h_http("DELETE", url, NULL, &status, NULL));
}

/* Streams `bytes` of the hello audio in pieces of `piece` bytes (0: all in one call), closes,
   and checks the transcript, the Terminate, and that every message the server got had a size
   the API accepts and that the audio arrived whole (plus at most one minimum of silence). */
static void stream_in_pieces(aai_streaming_protocol p, size_t piece, size_t extra_bytes) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    clear_recorded_sessions();
    aai_streaming *s = new_session(c, p, &r);
    if (p == AAI_STREAMING_V3) aai_streaming_set_format_turns(s, 1);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    size_t count;
    int16_t *samples = stream_samples(TEXT_HELLO, 2000, 3.0, 16000, &count);
    size_t total = count * 2 + extra_bytes;    /* extra: a tail that is no whole chunk (maybe an odd byte) */
    unsigned char *audio = calloc(1, total);
    memcpy(audio, samples, count * 2);
    free(samples);
    if (piece == 0) piece = total;
    for (size_t i = 0; i < total; i += piece) {
        size_t n = total - i < piece ? total - i : piece;
        aai_status st = aai_streaming_send_audio(s, audio + i, n);
        if (st != AAI_OK) { CHECK_STATUS(st, AAI_OK); break; }
    }
    CHECK_STATUS(aai_streaming_close(s, 10000), AAI_OK);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_TERMINATED) == 1);
    CHECK(rec_count(&r, AAI_STREAMING_EVENT_ERROR) == 0);
    char finals[512];
    if (p == AAI_STREAMING_V3) v3_final_turns(&r, finals, sizeof finals); else v2_finals(&r, finals, sizeof finals);
    CHECK_STR(finals, "Hello world. | How are you?");
    uint64_t queued = 0, written = 0;
    CHECK_STATUS(aai_streaming_audio_bytes(s, &queued, &written), AAI_OK);
    CHECK(queued == total && written == total);
    static int sizes[200000];
    char last[64];
    int n = recorded_chunks(sizes, 200000, last, sizeof last);
    CHECK(n > 0);
    int lo = p == AAI_STREAMING_V3 ? 1600 : 3200, hi = p == AAI_STREAMING_V3 ? 32000 : 64000;
    long sum = 0;
    int bad = 0;
    for (int i = 0; i < n && i < 200000; i++) {
        sum += sizes[i];
        if (sizes[i] < lo || sizes[i] > hi || sizes[i] % 2) bad++;
    }
    CHECK(bad == 0);
    CHECK(sum >= (long)total && sum < (long)total + lo + 2);   /* everything, plus silence up to the minimum */
    if (p == AAI_STREAMING_V3) CHECK_CONTAINS(last, "Terminate"); else CHECK_CONTAINS(last, "terminate_session");
    if (bad || sum < (long)total) fprintf(stderr, "   piece %zu: %d messages, %ld bytes for %zu\n", piece, n, sum, total);
    free(audio);
    aai_streaming_free(s);
    aai_client_free(c);
}

/* The loop people write over a WAV read whole: 3200-byte pieces, the last one 112 bytes. */
static void test_v3_any_chunk_size_3200_loop(void) { stream_in_pieces(AAI_STREAMING_V3, 3200, 112); }
static void test_v3_any_chunk_size_odd(void) {
    stream_in_pieces(AAI_STREAMING_V3, 1, 0);      /* 1 byte at a time */
    stream_in_pieces(AAI_STREAMING_V3, 7, 3);      /* 7 bytes, and an odd byte count in all */
    stream_in_pieces(AAI_STREAMING_V3, 0, 1);      /* 3 s + 1 byte in one call: split */
    stream_in_pieces(AAI_STREAMING_V3, 960, 0);    /* 30 ms pieces: coalesced */
}
static void test_v2_any_chunk_size(void) {
    stream_in_pieces(AAI_STREAMING_V2, 3200, 112);
    stream_in_pieces(AAI_STREAMING_V2, 7, 1);
    stream_in_pieces(AAI_STREAMING_V2, 0, 0);
}

/* 10 s in one call: messages of at most 1000 ms, every byte delivered. */
static void test_v3_ten_seconds_in_one_call(void) {
    aai_client *c = h_client();
    static recorder r;
    rec_init(&r);
    clear_recorded_sessions();
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, &r);
    aai_streaming_set_format_turns(s, 1);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    size_t count;
    int16_t *samples = stream_samples(TEXT_HELLO, 2000, 10.0, 16000, &count);
    CHECK_STATUS(aai_streaming_send_audio(s, samples, count * 2), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 10000), AAI_OK);
    char finals[512];
    v3_final_turns(&r, finals, sizeof finals);
    CHECK_STR(finals, "Hello world. | How are you?");
    static int sizes[64];
    char last[64];
    int n = recorded_chunks(sizes, 64, last, sizeof last);
    CHECK(n == 10);
    for (int i = 0; i < n && i < 64; i++) CHECK(sizes[i] == 32000);
    CHECK_CONTAINS(last, "Terminate");
    free(samples);
    aai_streaming_free(s);
    aai_client_free(c);
}

/* ForceEndpoint sends a short pending tail first (completed with silence). */
static void test_v3_force_endpoint_flushes_tail(void) {
    aai_client *c = h_client();
    clear_recorded_sessions();
    aai_streaming *s = new_session(c, AAI_STREAMING_V3, NULL);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    short pcm[320] = {0};   /* 20 ms: under the minimum, pending */
    CHECK_STATUS(aai_streaming_send_audio(s, pcm, sizeof pcm), AAI_OK);
    CHECK_STATUS(aai_streaming_force_endpoint(s), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 10000), AAI_OK);
    int sizes[8];
    char last[64];
    CHECK(recorded_chunks(sizes, 8, last, sizeof last) == 1);
    CHECK(sizes[0] == 1600);
    uint64_t queued = 0, written = 0;
    aai_streaming_audio_bytes(s, &queued, &written);
    CHECK(queued == 640 && written == 640);
    aai_streaming_free(s);
    aai_client_free(c);
}

/* ---- the process's threads: one I/O loop and a fixed callback pool, whatever the sessions ---- */

static void test_thread_model(void) {
    CHECK_STATUS(aai_streaming_set_callback_threads(-1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_callback_threads(65), AAI_ERR_INVALID_ARGUMENT);
    int io = -1, cbs = -1, live = -1;
    CHECK_STATUS(aai_streaming_threads(&io, &cbs, &live), AAI_OK);
    CHECK(io == 1 && cbs == (AAI_TEST_INLINE ? 0 : 8));   /* earlier tests started the loop and the pool */
    CHECK_STATUS(aai_streaming_set_callback_threads(2), AAI_ERR_STATE);
    CHECK_CONTAINS(aai_last_error_message(), "before the first streaming session");
    /* Low-latency scheduling, on by default: both kinds of streaming thread run with a 100 us
       slice where the kernel keeps one (the I/O thread's yield has no observable trace here:
       scripts/bench's "all sessions send at once" row measures what it is for). */
    CHECK_STATUS(aai_streaming_set_low_latency(2), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_low_latency(0), AAI_ERR_STATE);
    CHECK_CONTAINS(aai_last_error_message(), "before the first streaming session");
    int named = 0, short_slice = 0;
    h_stream_thread_slices(100000, &named, &short_slice);
    CHECK(named == 1 + cbs);   /* the threads are named aai-stream-io / aai-stream-cb */
    if (h_kernel_takes_slices()) CHECK(short_slice == named);
    else printf("# this kernel keeps no per-thread slice: only the setter's checks ran\n");
    aai_client *c = h_client();
    enum { N = 64 };
    static recorder r[N];
    aai_streaming *s[N];
    int threads0 = h_proc_threads(), fds0 = h_proc_fds();
    for (int i = 0; i < N; i++) {
        rec_init(&r[i]);
        s[i] = new_session(c, i % 2 ? AAI_STREAMING_V2 : AAI_STREAMING_V3, &r[i]);
        if (i % 2 == 0) aai_streaming_set_format_turns(s[i], 1);
        CHECK_STATUS(aai_streaming_connect(s[i]), AAI_OK);
    }
    CHECK_STATUS(aai_streaming_threads(&io, &cbs, &live), AAI_OK);
    CHECK(live == N);
    int threads1 = h_proc_threads(), fds1 = h_proc_fds();
    printf("# %d open sessions: %d threads (before: %d), %d descriptors (before: %d)\n", N, threads1, threads0, fds1, fds0);
    CHECK(threads1 == threads0);          /* no thread per session */
    CHECK(fds1 - fds0 <= N + 4);          /* one socket per session (and the loop's own, once) */
    size_t count;
    int16_t *samples = stream_samples(TEXT_HELLO, 2000, 3.0, 16000, &count);
    for (size_t k = 0; k < count; k += 1600)
        for (int i = 0; i < N; i++) CHECK_STATUS(aai_streaming_send_audio(s[i], samples + k, 3200), AAI_OK);
    for (int i = 0; i < N; i++) CHECK_STATUS(aai_streaming_close(s[i], 20000), AAI_OK);
    for (int i = 0; i < N; i++) {
        char finals[512];
        if (i % 2) v2_finals(&r[i], finals, sizeof finals); else v3_final_turns(&r[i], finals, sizeof finals);
        CHECK_STR(finals, "Hello world. | How are you?");
        CHECK(r[i].events[r[i].count - 1].type == AAI_STREAMING_EVENT_CLOSED);
        aai_streaming_free(s[i]);
    }
    free(samples);
    CHECK_STATUS(aai_streaming_threads(&io, &cbs, &live), AAI_OK);
    CHECK(live == 0);
    CHECK(h_proc_threads() == threads0);
    CHECK(h_proc_fds() == fds0);            /* nothing leaked */
    aai_client_free(c);
}

/* A callback that closes ANOTHER session waits for that session's events, which the pool must
   still deliver even when every pool thread is inside such a callback. */
typedef struct { aai_streaming *other; aai_status st; int done; pthread_mutex_t lock; } cross_arg;
static void on_cross(const aai_streaming_event *e, void *user) {
    cross_arg *a = user;
    if (e->type != AAI_STREAMING_EVENT_OPENED || !a->other) return;
    aai_status st = aai_streaming_close(a->other, 10000);
    pthread_mutex_lock(&a->lock);
    a->st = st;
    a->done = 1;
    pthread_mutex_unlock(&a->lock);
}

static void test_close_other_session_from_callback(void) {
    aai_client *c = h_client();
    enum { N = 8 };   /* more than the pool's threads */
    static recorder r[N];
    static cross_arg a[N];
    aai_streaming *other[N], *s[N];
    for (int i = 0; i < N; i++) {
        rec_init(&r[i]);
        other[i] = new_session(c, AAI_STREAMING_V3, &r[i]);
        CHECK_STATUS(aai_streaming_connect(other[i]), AAI_OK);
    }
    for (int i = 0; i < N; i++) {
        a[i] = (cross_arg){other[i], (aai_status)-1, 0, PTHREAD_MUTEX_INITIALIZER};
        CHECK_STATUS(aai_streaming_new(c, AAI_STREAMING_V3, &s[i]), AAI_OK);
        aai_streaming_set_callback(s[i], on_cross, &a[i]);
        CHECK_STATUS(aai_streaming_connect(s[i]), AAI_OK);
    }
    double end = h_now_ms() + 15000;
    int done = 0;
    while (done < N && h_now_ms() < end) {
        done = 0;
        for (int i = 0; i < N; i++) { pthread_mutex_lock(&a[i].lock); done += a[i].done; pthread_mutex_unlock(&a[i].lock); }
        usleep(5000);
    }
    CHECK(done == N);
    for (int i = 0; i < N; i++) {
        CHECK(a[i].st == AAI_OK);
        CHECK(rec_wait_closed(&r[i], 1000));
        aai_streaming_free(s[i]);
        aai_streaming_free(other[i]);
    }
    aai_client_free(c);
}

#if AAI_TEST_INLINE
/* ---- only with 0 callback threads: what a callback on the I/O thread may not wait for ---- */

typedef struct {
    aai_client *client;
    aai_streaming *self;
    aai_status connect_status, send_status;
    char connect_message[256], send_message[256];
    double send_ms;
    int sends_ok, done;
} io_arg;

static void on_io_opened(const aai_streaming_event *e, void *user) {
    io_arg *a = user;
    if (e->type != AAI_STREAMING_EVENT_OPENED) return;
    /* connect would wait for the I/O thread, which is this one: refused at once */
    aai_streaming *other = NULL;
    aai_streaming_new(a->client, AAI_STREAMING_V3, &other);
    a->connect_status = aai_streaming_connect(other);
    snprintf(a->connect_message, sizeof a->connect_message, "%s", aai_last_error_message());
    aai_streaming_free(other);
    /* a full queue cannot drain while this callback runs: the send fails at once, whatever
       the send timeout (5 s here), instead of stopping every session for 5 s */
    static char chunk[32 * 1024];
    double t0 = h_now_ms();
    aai_status st = AAI_OK;
    for (int i = 0; i < 100 && st == AAI_OK; i++) {
        st = aai_streaming_send_audio(a->self, chunk, sizeof chunk);
        a->sends_ok += st == AAI_OK;
    }
    a->send_ms = h_now_ms() - t0;
    a->send_status = st;
    snprintf(a->send_message, sizeof a->send_message, "%s", aai_last_error_message());
    __atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);   /* the test's thread polls it */
}

static void test_inline_callback_cannot_wait(void) {
    aai_client *c = h_client();
    static io_arg a;
    memset(&a, 0, sizeof a);
    a.client = c;
    CHECK_STATUS(aai_streaming_new(c, AAI_STREAMING_V3, &a.self), AAI_OK);
    CHECK_STATUS(aai_streaming_set_queue_capacity(a.self, 64 * 1024), AAI_OK);
    CHECK_STATUS(aai_streaming_set_send_timeout_ms(a.self, 5000), AAI_OK);
    aai_streaming_set_callback(a.self, on_io_opened, &a);
    CHECK_STATUS(aai_streaming_connect(a.self), AAI_OK);
    double end = h_now_ms() + 10000;
    while (!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE) && h_now_ms() < end) usleep(2000);
    CHECK(__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
    CHECK_STATUS(a.connect_status, AAI_ERR_STATE);
    CHECK_CONTAINS(a.connect_message, "I/O thread");
    CHECK(a.sends_ok >= 1);                     /* the queue took what fits */
    CHECK_STATUS(a.send_status, AAI_ERR_TIMEOUT);
    CHECK_CONTAINS(a.send_message, "audio queue is full");
    CHECK(a.send_ms < 1000);                   /* not the 5 s send timeout */
    /* the session goes on: what was queued is sent, and it closes normally */
    CHECK_STATUS(aai_streaming_close(a.self, 10000), AAI_OK);
    uint64_t queued = 0, written = 0;
    aai_streaming_audio_bytes(a.self, &queued, &written);
    CHECK(queued == (uint64_t)a.sends_ok * 32 * 1024 && written == queued);
    aai_streaming_free(a.self);
    aai_client_free(c);
}
#endif

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    write_stream_wav(WAV_HELLO, TEXT_HELLO, 2000, 3.0, 16000, 1, 16);
#if AAI_TEST_INLINE
    if (aai_streaming_set_callback_threads(0) != AAI_OK) {
        printf("not ok - aai_streaming_set_callback_threads(0): %s\n", aai_last_error_message());
        return 1;
    }
    RUN(test_inline_callback_cannot_wait);
#endif
    RUN(test_v3_file_session);
    RUN(test_v3_u3_pro_events);
    RUN(test_v2_file_session);
    RUN(test_bad_auth);
    RUN(test_bad_parameters);
    RUN(test_argument_checks);
    RUN(test_wav_file_checks);
    RUN(test_v3_force_endpoint_and_update);
    RUN(test_v2_silence_threshold);
    RUN(test_v2_disable_partials_and_word_boost);
    RUN(test_empty_audio_gives_empty_transcript);
    RUN(test_idle_close_codes);
    RUN(test_v3_invalid_message_type);
    RUN(test_temporary_tokens);
    RUN(test_close_from_callback);
    RUN(test_free_stops_callbacks);
    RUN(test_send_queue_bounded);
    RUN(test_mic_from_alsa_file);
    RUN(test_connect_refused_and_timeout);
    RUN(test_latency_server_to_callback);
    RUN(test_received_ns);
    RUN(test_many_sessions_at_once);
    RUN(test_v3_any_chunk_size_3200_loop);
    RUN(test_v3_any_chunk_size_odd);
    RUN(test_v2_any_chunk_size);
    RUN(test_v3_ten_seconds_in_one_call);
    RUN(test_v3_force_endpoint_flushes_tail);
    RUN(test_thread_model);
    RUN(test_close_other_session_from_callback);
    return h_finish();
}
