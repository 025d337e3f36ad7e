/* Text-to-Speech through the C ABI against the local server (espeak-ng speech): synthesize,
   stream (first audio before the clip is complete), word timings over the events route,
   asynchronous calls and cancel, bad input, refusals with the API's envelope, and faults (a
   stream cut after its first audio is an error, never a short clip presented as whole). */
#include "harness.h"

static aai_client *tts_client(void) {
    aai_client *c = h_client();
    if (c) aai_client_set_tts_base_url(c, h_server_url);
    return c;
}

static const char *SENTENCE = "Hello from the local server. This is a longer sentence, spoken to test streaming.";

/* Mean square of 16-bit little-endian PCM (silence is 0; speech is well above 300^2). */
static double meansq16(const unsigned char *p, size_t n) {
    double sum = 0;
    size_t count = n / 2;
    for (size_t i = 0; i < count; i++) {
        int16_t s = (int16_t)(p[2 * i] | (p[2 * i + 1] << 8));
        sum += (double)s * s;
    }
    return count ? sum / count : 0;
}

static void test_synthesize_wav(void) {
    aai_client *c = tts_client();
    aai_tts_config *cfg = NULL;
    CHECK_STATUS(aai_tts_config_new(&cfg), AAI_OK);
    CHECK_STATUS(aai_tts_config_set_voice_id(cfg, "aai-jane"), AAI_OK);
    CHECK_STATUS(aai_tts_config_set_container(cfg, "wav"), AAI_OK);
    aai_tts_result *r = NULL;
    CHECK_STATUS(aai_tts_synthesize(c, "Hello from AssemblyAI.", cfg, &r), AAI_OK);
    const void *data = NULL;
    size_t size = 0;
    CHECK_STATUS(aai_tts_result_audio(r, &data, &size), AAI_OK);
    CHECK(size > 44);
    CHECK(data && memcmp(data, "RIFF", 4) == 0 && memcmp((const char *)data + 8, "WAVE", 4) == 0);
    const aai_tts_info *info = aai_tts_result_info(r);
    CHECK(info != NULL);
    if (info) {
        CHECK_STR(info->voice_id, "aai-jane");
        CHECK_STR(info->model, "assemblyai-tts-1");
        CHECK_STR(info->container, "wav");
        CHECK(info->sample_rate == 24000);
        CHECK(info->request_id != NULL);
        CHECK(info->billed_characters == (int64_t)strlen("Hello from AssemblyAI."));
        /* Real speech, of a plausible length: 0.7 to 4 s for four words, and not silence. */
        CHECK(info->audio_duration_ms > 700 && info->audio_duration_ms < 4000);
        CHECK((int64_t)(size - 44) == info->audio_duration_ms * 48 || llabs((int64_t)(size - 44) - info->audio_duration_ms * 48) < 96);
        CHECK(meansq16((const unsigned char *)data + 44, size - 44) > 300.0 * 300.0);
    }
    const char *json = NULL;
    CHECK_STATUS(aai_tts_result_info_json(r, &json), AAI_OK);
    CHECK_CONTAINS(json, "\"sample_rate\":24000");
    CHECK(aai_tts_result_error_json(r) == NULL);
    CHECK(aai_tts_result_http_status(r) == 200);
    char path[] = "/tmp/aai-tts-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    CHECK_STATUS(aai_tts_result_save(r, path), AAI_OK);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    CHECK((size_t)ftell(f) == size);
    fclose(f);
    unlink(path);
    aai_tts_result_free(r);
    aai_tts_config_free(cfg);
    aai_client_free(c);
}

typedef struct sink {
    size_t bytes;
    int calls;
    double first_ms;
    int64_t info_duration;
    int sample_rate;
    int stop_after;   /* non-zero: return 1 after this many calls */
} sink;

static int on_audio(const aai_tts_info *info, const void *audio, size_t size, void *user) {
    sink *s = user;
    (void)audio;
    if (s->calls == 0) {
        s->first_ms = h_now_ms();
        s->info_duration = info ? info->audio_duration_ms : -2;
        s->sample_rate = info ? info->sample_rate : -2;
    }
    s->calls++;
    s->bytes += size;
    return s->stop_after && s->calls >= s->stop_after;
}

static void test_stream_first_audio_before_end(void) {
    aai_client *c = tts_client();
    sink s = {0};
    aai_tts_result *r = NULL;
    double t0 = h_now_ms();
    CHECK_STATUS(aai_tts_stream(c, SENTENCE, NULL, on_audio, &s, &r), AAI_OK);
    double end = h_now_ms();
    CHECK(s.calls > 1);                   /* several pieces, as the server produced them */
    CHECK(s.bytes > 24000 * 2);           /* more than a second of 24 kHz 16-bit audio */
    CHECK(s.first_ms - t0 < end - t0);    /* the first audio came before the call returned */
    CHECK(s.info_duration == -1);         /* a stream with audio does not know its duration up front */
    CHECK(s.sample_rate == 24000);
    CHECK(r != NULL);
    if (r) CHECK(aai_tts_result_info(r)->request_id != NULL);
    aai_tts_result_free(r);
    aai_client_free(c);
}

static void test_stream_stop_from_callback(void) {
    aai_client *c = tts_client();
    sink s = {0};
    s.stop_after = 1;
    CHECK_STATUS(aai_tts_stream(c, SENTENCE, NULL, on_audio, &s, NULL), AAI_ERR_CANCELLED);
    CHECK(s.calls == 1);
    aai_client_free(c);
}

typedef struct words_sink {
    char text[1024];
    int count;
    int64_t last_start;
    int ordered;
    int batches;
} words_sink;

static int on_words(const aai_tts_word *words, size_t count, void *user) {
    words_sink *w = user;
    w->batches++;
    for (size_t i = 0; i < count; i++) {
        if (w->count) strncat(w->text, " ", sizeof w->text - strlen(w->text) - 1);
        strncat(w->text, words[i].word, sizeof w->text - strlen(w->text) - 1);
        if (words[i].start_ms < w->last_start || words[i].end_ms < words[i].start_ms) w->ordered = 0;
        w->last_start = words[i].start_ms;
        w->count++;
    }
    return 0;
}

static void test_events_word_timings(void) {
    aai_client *c = tts_client();
    words_sink w = {.ordered = 1};
    aai_tts_result *r = NULL;
    CHECK_STATUS(aai_tts_stream_events(c, SENTENCE, NULL, NULL, on_words, &w, &r), AAI_OK);
    CHECK_STR(w.text, SENTENCE);    /* every whitespace-delimited token, verbatim, in order */
    CHECK(w.ordered);
    CHECK(w.batches > 1);           /* timings arrive as they are known, not all at the end */
    const aai_tts_word *words = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_tts_result_words(r, &words, &n), AAI_OK);
    CHECK((int)n == w.count);
    const aai_tts_info *info = aai_tts_result_info(r);
    CHECK(info && info->audio_duration_ms > 2000);
    if (n > 1 && info) {
        CHECK(words[0].start_ms < 500);
        CHECK(words[n - 1].end_ms <= info->audio_duration_ms);
        CHECK(words[n - 1].start_ms > info->audio_duration_ms / 2);
    }
    aai_tts_result_free(r);
    aai_client_free(c);
}

static void test_telephony_encodings(void) {
    aai_client *c = tts_client();
    aai_tts_config *cfg = NULL;
    aai_tts_config_new(&cfg);
    CHECK_STATUS(aai_tts_config_set_encoding(cfg, "pcm_mulaw"), AAI_OK);
    CHECK_STATUS(aai_tts_config_set_sample_rate(cfg, 8000), AAI_OK);
    aai_tts_result *r = NULL;
    CHECK_STATUS(aai_tts_synthesize(c, "Your appointment is confirmed.", cfg, &r), AAI_OK);
    const void *data = NULL;
    size_t size = 0;
    aai_tts_result_audio(r, &data, &size);
    const aai_tts_info *info = aai_tts_result_info(r);
    CHECK(info && info->sample_rate == 8000);
    CHECK_STR(info ? info->encoding : NULL, "pcm_mulaw");
    /* One byte per sample at 8 kHz. */
    if (info) CHECK(llabs((int64_t)size - info->audio_duration_ms * 8) <= 16);
    aai_tts_result_free(r);
    aai_tts_config_free(cfg);
    aai_client_free(c);
}

static void test_bad_input(void) {
    aai_client *c = tts_client();
    aai_tts_result *r = NULL;
    CHECK_STATUS(aai_tts_synthesize(c, "", NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "empty");
    CHECK(r == NULL);
    char *longtext = malloc(5002);
    memset(longtext, 'a', 5001);
    longtext[5001] = 0;
    CHECK_STATUS(aai_tts_synthesize(c, longtext, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "5000");
    free(longtext);
    CHECK_STATUS(aai_tts_synthesize(NULL, "hi", NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_synthesize(c, NULL, NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_synthesize(c, "hi", NULL, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_stream(c, "hi", NULL, NULL, NULL, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_synthesize(c, "\xff\xfe", NULL, &r), AAI_ERR_INVALID_ARGUMENT);
    aai_tts_config *cfg = NULL;
    aai_tts_config_new(&cfg);
    CHECK_STATUS(aai_tts_config_set_sample_rate(cfg, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_config_set_voice_id(cfg, ""), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_config_set_json(cfg, "[1]"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_config_set_json(cfg, "{\"text\": \"x\"}"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_config_set_json(cfg, "{\"voice_id\": \"aai-alba\", \"language\": \"spanish\"}"), AAI_OK);
    char *json = NULL;
    CHECK_STATUS(aai_tts_config_json(cfg, &json), AAI_OK);
    CHECK_CONTAINS(json, "\"voice_id\":\"aai-alba\"");
    aai_string_free(json);
    CHECK_STATUS(aai_tts_config_set_voice_id(NULL, "aai-jane"), AAI_ERR_INVALID_ARGUMENT);
    aai_tts_config_free(cfg);
    CHECK_STATUS(aai_tts_config_set_voice_id(cfg, "aai-jane"), AAI_ERR_INVALID_ARGUMENT);  /* freed */
    aai_future *f = NULL;
    CHECK_STATUS(aai_tts_start_async(c, (aai_tts_mode)7, "hi", NULL, NULL, NULL, NULL, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_start_async(c, AAI_TTS_STREAM, "", NULL, NULL, NULL, NULL, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK(f == NULL);
    CHECK(aai_tts_result_info(NULL) == NULL);
    CHECK(aai_tts_result_error_json(NULL) == NULL);
    aai_tts_result_free(NULL);
    CHECK_STATUS(aai_client_set_tts_base_url(c, "http://example.com"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_client_set_tts_timeouts_ms(c, -1, 0), AAI_ERR_INVALID_ARGUMENT);
    aai_client_free(c);
}

static void test_unknown_voice_refused_with_envelope(void) {
    aai_client *c = tts_client();
    aai_tts_config *cfg = NULL;
    aai_tts_config_new(&cfg);
    aai_tts_config_set_voice_id(cfg, "aai-nobody");
    aai_tts_result *r = NULL;
    CHECK_STATUS(aai_tts_synthesize(c, "Hello.", cfg, &r), AAI_ERR_HTTP);
    CHECK(aai_last_error_http_status() == 422);
    CHECK_CONTAINS(aai_last_error_server_text(), "aai-nobody");
    CHECK_CONTAINS(aai_last_error_message(), "voice_not_found");
    CHECK(r != NULL);
    if (r) {
        CHECK_CONTAINS(aai_tts_result_error_json(r), "\"code\":\"voice_not_found\"");
        CHECK_CONTAINS(aai_tts_result_error_json(r), "\"param\":\"voice_id\"");
        CHECK(aai_tts_result_http_status(r) == 422);
    }
    aai_tts_result_free(r);
    /* The same over the streaming calls: the refusal comes before any audio. */
    sink s = {0};
    CHECK_STATUS(aai_tts_stream(c, "Hello.", cfg, on_audio, &s, NULL), AAI_ERR_HTTP);
    CHECK(s.calls == 0);
    CHECK_STATUS(aai_tts_stream_events(c, "Hello.", cfg, on_audio, NULL, &s, NULL), AAI_ERR_HTTP);
    aai_tts_config_free(cfg);
    /* A wrong key. */
    aai_client_set_api_key(c, "wrong-key");
    CHECK_STATUS(aai_tts_synthesize(c, "Hello.", NULL, &r), AAI_ERR_AUTH);
    CHECK(aai_last_error_http_status() == 401);
    aai_tts_result_free(r);
    aai_client_free(c);
}

static void test_async_and_cancel(void) {
    aai_client *c = tts_client();
    sink s = {0};
    aai_future *f = NULL;
    CHECK_STATUS(aai_tts_start_async(c, AAI_TTS_STREAM, SENTENCE, NULL, on_audio, NULL, &s, NULL, NULL, &f), AAI_OK);
    aai_status result = AAI_OK;
    CHECK_STATUS(aai_future_wait(f, 20000, &result), AAI_OK);
    CHECK(result == AAI_OK);
    CHECK(s.bytes > 24000);
    aai_tts_result *r = NULL;
    CHECK_STATUS(aai_future_tts_result(f, &r), AAI_OK);
    aai_tts_result_free(r);
    aai_future_free(f);

    /* Cancel from this thread while the server holds the answer: returns at once, and the call
       ends with AAI_ERR_CANCELLED well before the server would answer. */
    char url[256];
    snprintf(url, sizeof url, "%s/_local/faults", h_server_url);
    free(h_http("POST", url, "{\"method\": \"POST\", \"path\": \"/v1/speech\", \"kind\": \"delay\", \"delay_ms\": 5000}", NULL, NULL));
    f = NULL;
    CHECK_STATUS(aai_tts_start_async(c, AAI_TTS_SYNTHESIZE, SENTENCE, NULL, NULL, NULL, NULL, NULL, NULL, &f), AAI_OK);
    usleep(200 * 1000);
    double t0 = h_now_ms();
    CHECK_STATUS(aai_future_cancel(f), AAI_OK);
    CHECK(h_now_ms() - t0 < 50);
    CHECK_STATUS(aai_future_wait(f, 3000, &result), AAI_OK);
    CHECK(result == AAI_ERR_CANCELLED);
    CHECK(h_now_ms() - t0 < 2500);
    CHECK_STATUS(aai_future_tts_result(f, &r), AAI_ERR_CANCELLED);
    aai_future_free(f);
    free(h_http("DELETE", url, NULL, NULL, NULL));
    aai_client_free(c);
}

static void test_cut_stream_is_an_error(void) {
    aai_client *c = tts_client();
    char url[256];
    snprintf(url, sizeof url, "%s/_local/faults", h_server_url);
    /* The server sends the head and part of the body, then closes the connection. */
    free(h_http("POST", url, "{\"method\": \"POST\", \"path\": \"/v1/speech\", \"kind\": \"truncate\", \"at_byte\": 20000}", NULL, NULL));
    sink s = {0};
    aai_tts_result *r = NULL;
    CHECK_STATUS(aai_tts_stream(c, SENTENCE, NULL, on_audio, &s, &r), AAI_ERR_CONNECTION);
    CHECK(aai_last_error_http_status() == 200);
    CHECK(aai_last_error_retryable() == 1);
    CHECK_CONTAINS(aai_last_error_message(), "cut");
    CHECK(s.bytes > 0 && s.bytes <= 20000);
    aai_tts_result_free(r);
    /* synthesize: the same cut is an error too, never a short clip. */
    free(h_http("POST", url, "{\"method\": \"POST\", \"path\": \"/v1/speech\", \"kind\": \"reset\", \"at_byte\": 1000}", NULL, NULL));
    r = NULL;
    aai_status st = aai_tts_synthesize(c, SENTENCE, NULL, &r);
    CHECK(st == AAI_ERR_CONNECTION);
    aai_tts_result_free(r);
    /* The events route cut mid-stream. */
    free(h_http("POST", url, "{\"method\": \"POST\", \"path\": \"/v1/speech/events\", \"kind\": \"truncate\", \"at_byte\": 3000}", NULL, NULL));
    words_sink w = {.ordered = 1};
    CHECK_STATUS(aai_tts_stream_events(c, SENTENCE, NULL, NULL, on_words, &w, NULL), AAI_ERR_CONNECTION);
    /* A 503 from a proxy (no envelope): AAI_ERR_SERVER, retryable. */
    free(h_http("POST", url, "{\"method\": \"POST\", \"path\": \"/v1/speech\", \"kind\": \"status\", \"status\": 503}", NULL, NULL));
    r = NULL;
    CHECK_STATUS(aai_tts_synthesize(c, "Hello.", NULL, &r), AAI_ERR_SERVER);
    CHECK(aai_last_error_retryable() == 1);
    aai_tts_result_free(r);
    free(h_http("DELETE", url, NULL, NULL, NULL));
    aai_client_free(c);
}

static void test_requests_recorded(void) {
    aai_client *c = tts_client();
    char url[256];
    snprintf(url, sizeof url, "%s/_local/requests", h_server_url);
    free(h_http("DELETE", url, NULL, NULL, NULL));
    aai_tts_config *cfg = NULL;
    aai_tts_config_new(&cfg);
    aai_tts_config_set_voice_id(cfg, "aai-alba");
    aai_tts_result *r = NULL;
    CHECK_STATUS(aai_tts_synthesize(c, "Recorded.", cfg, &r), AAI_OK);
    aai_tts_result_free(r);
    char *rec = h_http("GET", url, NULL, NULL, NULL);
    CHECK_CONTAINS(rec, "\"path\":\"/v1/speech\"");
    CHECK_CONTAINS(rec, "\"stream\":false");
    CHECK_CONTAINS(rec, "\"voice_id\":\"aai-alba\"");
    CHECK_CONTAINS(rec, "\"text\":\"Recorded.\"");
    free(rec);
    aai_tts_config_free(cfg);
    aai_client_free(c);
}


/* ---- WebSocket sessions ---- */
typedef struct sess_log {
    pthread_mutex_t lock;
    int begun, flush_done[8], words[8], cancelled, terminated, errors;
    size_t audio[8];
    int64_t last_word_start;
    int words_ordered;
    int close_code;
    aai_status error_status;
    char error_message[256];
    aai_tts_session *self;
    int flush_in_callback;   /* flush from the callback (allowed) */
    aai_status terminate_in_callback;
} sess_log;

static void on_session(const aai_tts_session_event *e, void *user) {
    sess_log *l = user;
    /* Calls from the callback first, their results recorded under the lock with the event, so
       the test thread sees them once it sees the FLUSH_DONE (no unlocked field: TSan clean). */
    aai_status terminate = AAI_OK;
    int called = 0;
    if (e->type == AAI_TTS_SESSION_FLUSH_DONE && l->self) {
        called = 1;
        terminate = aai_tts_session_terminate(l->self, 1000);
        pthread_mutex_lock(&l->lock);
        int again = l->flush_in_callback;
        l->flush_in_callback = 0;
        pthread_mutex_unlock(&l->lock);
        if (again) { aai_tts_session_generate(l->self, "Again."); aai_tts_session_flush(l->self, NULL); }
    }
    pthread_mutex_lock(&l->lock);
    if (called) l->terminate_in_callback = terminate;
    switch (e->type) {
    case AAI_TTS_SESSION_BEGIN: l->begun++; break;
    case AAI_TTS_SESSION_AUDIO: if (e->flush_id >= 0 && e->flush_id < 8) l->audio[e->flush_id] += e->audio_size; break;
    case AAI_TTS_SESSION_FLUSH_DONE: if (e->flush_id >= 0 && e->flush_id < 8) l->flush_done[e->flush_id]++; break;
    case AAI_TTS_SESSION_WORD_BOUNDARIES:
        if (e->flush_id >= 0 && e->flush_id < 8) l->words[e->flush_id] += (int)e->word_count;
        for (size_t i = 0; i < e->word_count; i++) {
            if (e->words[i].start_ms < l->last_word_start) l->words_ordered = 0;
            l->last_word_start = e->words[i].start_ms;
        }
        break;
    case AAI_TTS_SESSION_CANCELLED: l->cancelled++; break;
    case AAI_TTS_SESSION_TERMINATION: l->terminated++; break;
    case AAI_TTS_SESSION_ERROR:
        l->errors++;
        l->close_code = e->close_code;
        l->error_status = e->status;
        snprintf(l->error_message, sizeof l->error_message, "%s", e->message ? e->message : "");
        break;
    }
    pthread_mutex_unlock(&l->lock);
}

static int wait_for(sess_log *l, int *field, int want, int ms) {
    for (int i = 0; i < ms / 10; i++) {
        pthread_mutex_lock(&l->lock);
        int v = *field;
        pthread_mutex_unlock(&l->lock);
        if (v >= want) return 1;
        usleep(10 * 1000);
    }
    return 0;
}

static void test_session_speaks_in_order(void) {
    aai_client *c = tts_client();
    sess_log l = {.lock = PTHREAD_MUTEX_INITIALIZER, .words_ordered = 1};
    aai_tts_session *s = NULL;
    CHECK_STATUS(aai_tts_session_new(c, NULL, 1, 0, NULL, on_session, &l, &s), AAI_OK);
    CHECK_STATUS(aai_tts_session_generate(s, "not yet"), AAI_ERR_STATE);
    CHECK_STATUS(aai_tts_session_connect(s, 5000), AAI_OK);
    CHECK(l.begun == 1);
    int64_t id = -1;
    CHECK_STATUS(aai_tts_session_generate(s, "Hello there, "), AAI_OK);
    CHECK_STATUS(aai_tts_session_generate(s, "general session."), AAI_OK);
    CHECK_STATUS(aai_tts_session_flush(s, &id), AAI_OK);
    CHECK(id == 0);
    CHECK_STATUS(aai_tts_session_generate(s, "A second request, pipelined."), AAI_OK);
    CHECK_STATUS(aai_tts_session_flush(s, &id), AAI_OK);
    CHECK(id == 1);
    CHECK(wait_for(&l, &l.flush_done[1], 1, 15000));
    CHECK(l.flush_done[0] == 1 && l.audio[0] > 24000 && l.audio[1] > 24000);
    CHECK(wait_for(&l, &l.words[1], 4, 3000));
    CHECK(l.words[0] == 4 && l.words[1] == 4 && l.words_ordered);  /* one timeline for the session */
    CHECK_STATUS(aai_tts_session_keep_alive(s), AAI_OK);
    CHECK_STATUS(aai_tts_session_terminate(s, 5000), AAI_OK);
    CHECK(l.terminated == 1 && l.errors == 0);
    CHECK_STATUS(aai_tts_session_generate(s, "after the end"), AAI_ERR_STATE);
    aai_tts_session_free(s);
    aai_client_free(c);
}

static void test_session_cancel_and_callback_rules(void) {
    aai_client *c = tts_client();
    sess_log l = {.lock = PTHREAD_MUTEX_INITIALIZER, .words_ordered = 1, .flush_in_callback = 1};
    aai_tts_session *s = NULL;
    CHECK_STATUS(aai_tts_session_new(c, NULL, 0, 30, NULL, on_session, &l, &s), AAI_OK);
    l.self = s;
    CHECK_STATUS(aai_tts_session_connect(s, 5000), AAI_OK);
    int64_t id = -1;
    aai_tts_session_generate(s, "This is a long request that will be cut short by a barge in from the user. It goes on and on.");
    aai_tts_session_flush(s, &id);
    CHECK(wait_for(&l, &l.flush_done[0], 1, 15000));   /* the callback then flushes request 1 and tries terminate */
    pthread_mutex_lock(&l.lock);
    aai_status terminate_in_callback = l.terminate_in_callback;
    pthread_mutex_unlock(&l.lock);
    CHECK(terminate_in_callback == AAI_ERR_STATE);
    CHECK_STATUS(aai_tts_session_cancel(s, &id), AAI_OK);
    CHECK(id == 2);   /* flush 0, flush 1 (from the callback), cancel 2 */
    CHECK(wait_for(&l, &l.cancelled, 1, 5000));
    aai_tts_session_generate(s, "After the cancel.");
    aai_tts_session_flush(s, &id);
    CHECK(id == 3);
    CHECK(wait_for(&l, &l.flush_done[3], 1, 15000));
    CHECK_STATUS(aai_tts_session_close(s), AAI_OK);
    aai_tts_session_free(s);
    aai_client_free(c);
}

static void test_session_refusals(void) {
    aai_client *c = tts_client();
    sess_log l = {.lock = PTHREAD_MUTEX_INITIALIZER};
    aai_tts_session *s = NULL;
    aai_tts_config *cfg = NULL;
    aai_tts_config_new(&cfg);
    aai_tts_config_set_container(cfg, "wav");
    CHECK_STATUS(aai_tts_session_new(c, cfg, 0, 0, NULL, on_session, &l, &s), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_session_new(c, NULL, 0, 3, NULL, on_session, &l, &s), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_tts_session_new(c, NULL, 0, 0, NULL, NULL, &l, &s), AAI_ERR_INVALID_ARGUMENT);
    aai_tts_config_set_container(cfg, NULL);
    aai_tts_config_set_voice_id(cfg, "aai-nobody");
    CHECK_STATUS(aai_tts_session_new(c, cfg, 0, 0, NULL, on_session, &l, &s), AAI_OK);
    CHECK_STATUS(aai_tts_session_connect(s, 5000), AAI_ERR_NOT_FOUND);
    CHECK_CONTAINS(aai_last_error_message(), "aai-nobody");
    CHECK(l.errors == 1 && l.close_code == 3004);
    aai_tts_session_free(s);
    aai_tts_config_free(cfg);
    /* A wrong key. */
    aai_client_set_api_key(c, "wrong-key");
    s = NULL;
    memset(&l, 0, sizeof l);
    pthread_mutex_init(&l.lock, NULL);
    CHECK_STATUS(aai_tts_session_new(c, NULL, 0, 0, NULL, on_session, &l, &s), AAI_OK);
    CHECK_STATUS(aai_tts_session_connect(s, 5000), AAI_ERR_AUTH);
    aai_tts_session_free(s);
    /* Text over the frame limit is refused before sending. */
    aai_client_set_api_key(c, h_api_key);
    s = NULL;
    CHECK_STATUS(aai_tts_session_new(c, NULL, 0, 0, NULL, on_session, &l, &s), AAI_OK);
    CHECK_STATUS(aai_tts_session_connect(s, 5000), AAI_OK);
    char *big = malloc(2002);
    memset(big, 'a', 2001);
    big[2001] = 0;
    CHECK_STATUS(aai_tts_session_generate(s, big), AAI_ERR_INVALID_ARGUMENT);
    free(big);
    CHECK_STATUS(aai_tts_session_generate(NULL, "x"), AAI_ERR_INVALID_ARGUMENT);
    aai_tts_session_free(s);
    aai_tts_session_free(NULL);
    aai_client_free(c);
}

static void test_session_dropped_connection_is_an_error(void) {
    aai_client *c = tts_client();
    char url[256];
    snprintf(url, sizeof url, "%s/_local/faults", h_server_url);
    free(h_http("POST", url, "{\"path\": \"/v1/ws\", \"kind\": \"ws_drop\", \"after_messages\": 3}", NULL, NULL));
    sess_log l = {.lock = PTHREAD_MUTEX_INITIALIZER};
    aai_tts_session *s = NULL;
    CHECK_STATUS(aai_tts_session_new(c, NULL, 0, 0, NULL, on_session, &l, &s), AAI_OK);
    CHECK_STATUS(aai_tts_session_connect(s, 5000), AAI_OK);
    aai_tts_session_generate(s, SENTENCE);
    aai_tts_session_flush(s, NULL);
    CHECK(wait_for(&l, &l.errors, 1, 10000));
    CHECK(l.flush_done[0] == 0);   /* never presented as complete */
    CHECK(l.close_code == 1006);
    CHECK(l.error_status == AAI_ERR_CONNECTION);
    aai_status st = aai_tts_session_generate(s, "more");
    CHECK(st == AAI_ERR_CONNECTION || st == AAI_ERR_STATE);
    CHECK(aai_tts_session_terminate(s, 1000) != AAI_OK);
    aai_tts_session_free(s);
    free(h_http("DELETE", url, NULL, NULL, NULL));
    aai_client_free(c);
}

int main(void) {
    if (h_start_server(NULL) != 0) return 1;
    RUN(test_synthesize_wav);
    RUN(test_stream_first_audio_before_end);
    RUN(test_stream_stop_from_callback);
    RUN(test_events_word_timings);
    RUN(test_telephony_encodings);
    RUN(test_bad_input);
    RUN(test_unknown_voice_refused_with_envelope);
    RUN(test_async_and_cancel);
    RUN(test_cut_stream_is_an_error);
    RUN(test_requests_recorded);
    RUN(test_session_speaks_in_order);
    RUN(test_session_cancel_and_callback_rules);
    RUN(test_session_refusals);
    RUN(test_session_dropped_connection_is_an_error);
    return h_finish();
}
