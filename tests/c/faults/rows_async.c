/* test_faults, part 5: matrix rows for the non-blocking calls (*_async, read through their
   aai_future) and the transcript groups: the same legs as the blocking calls.
   A NEW ROW for such a call goes here: its op function (FUTURE_OP below, or a function of its
   own), a prep function if it needs a fresh object per case, and one line in OPS_ASYNC below.
   Included by test_faults.c. */

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

/* A group whose transcript is still queued (made before the fault is armed). */
static void prep_new_group(worker *w) {
    const char *audio[] = {w->audio_url};
    aai_transcript_group_free(w->case_group);
    w->case_group = NULL;
    aai_transcriber_submit_group(w->tr, audio, 1, NULL, 0, 0, &w->case_group);
}

static const op OPS_ASYNC[] = {
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
};
