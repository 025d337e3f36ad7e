/* test_faults, part 4b: matrix rows for the single-request APIs on their own hosts: the Sync and
   Dictation APIs (one chunked multipart POST) and Text-to-Speech (one POST, streamed back).
   None of them is ever repeated by the library: their legs are NOREPEAT.
   A NEW ROW for such a call goes here: its op function and one line in OPS_AUDIO_APIS below.
   The client's hosts for these APIs are set to the case's server in worker_setup (run.c).
   Included by test_faults.c. */

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

static const op OPS_AUDIO_APIS[] = {
    {"sync_transcribe_file", op_sync_file, NULL, {SYNC_LEG}},
    {"sync_transcribe_bytes", op_sync_bytes, NULL, {SYNC_LEG}},
    {"sync_live", op_sync_live, NULL, {SYNC_LEG}},
    {"dictation_transcribe_file", op_dictation_file, NULL, {DICTATION_LEG}},
    {"tts_synthesize", op_tts_synthesize, NULL, {{"POST", "^/v1/speech$", NOREPEAT, 1, 0, 0, 0, 0, 0}}},
    {"tts_stream", op_tts_stream, NULL, {{"POST", "^/v1/speech$", NOREPEAT, 1, 0, 0, 0, 0, 0}}},
    {"tts_stream_events", op_tts_events, NULL, {{"POST", "^/v1/speech/events$", NOREPEAT, 1, 0, 0, 0, 0, 0}}},
    {"tts_start_async", op_tts_stream_async, NULL, {{"POST", "^/v1/speech$", NOREPEAT, 1, 0, 0, 0, 0, 0}}},
};
