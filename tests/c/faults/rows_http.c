/* test_faults, part 3: matrix rows for the blocking pre-recorded (transcript) calls: uploads,
   submit, transcribe, wait, get, delete, the exports, listing.
   A NEW ROW for such a call goes here: its op function (TRANSCRIPT_OP / DISCARD_OP from
   matrix.c, or a function of its own), a prep function if it needs a fresh object per case, and
   one line in OPS_HTTP below with its legs. Rows of other APIs: rows_lemur_llm.c (LeMUR, LLM
   Gateway, streaming tokens), rows_async.c (futures and groups). Included by test_faults.c. */

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
TRANSCRIPT_OP(op_submit_url, aai_transcriber_submit_url(w->tr, w->audio_url, NULL, &t))
TRANSCRIPT_OP(op_submit_file, aai_transcriber_submit_file(w->tr, w->wav_path, NULL, &t))
TRANSCRIPT_OP(op_submit_bytes, aai_transcriber_submit_bytes(w->tr, w->wav, w->wav_size, NULL, &t))
TRANSCRIPT_OP(op_transcribe_url, aai_transcriber_transcribe_url(w->tr, w->audio_url, NULL, &t))
TRANSCRIPT_OP(op_transcribe_file, aai_transcriber_transcribe_file(w->tr, w->wav_path, NULL, &t))
TRANSCRIPT_OP(op_transcribe_bytes, aai_transcriber_transcribe_bytes(w->tr, w->wav, w->wav_size, NULL, &t))
TRANSCRIPT_OP(op_wait, aai_transcriber_wait(w->tr, w->case_id, &t))
TRANSCRIPT_OP(op_get, aai_transcriber_get(w->tr, w->done_id, &t))
TRANSCRIPT_OP(op_delete, aai_transcriber_delete(w->tr, w->case_id, &t))
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

/* ---- preparation that needs a fresh object per case (done before the fault is armed) ---- */
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

static const op OPS_HTTP[] = {
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
};
