/* Fuzz target: a transcript's JSON (aai_transcript_from_json) and everything computed from it
   locally: every accessor, every result array (walked to the last string, so a bad pointer
   or a missing NUL is caught by ASan), the local exports (captions, sentences, paragraphs,
   word search), JSON Pointer lookups, and the LLM Gateway's transcript context.
   Input: transcript JSON, optionally followed by a NUL and a JSON Pointer to look up. */
#include "assemblyai.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static volatile size_t sink;
static void touch(const char *s) { if (s) sink += strlen(s); }
static void touch_d(double d) { uint64_t b; memcpy(&b, &d, sizeof b); sink += (size_t)b; }

static void walk_words(const aai_word *w, size_t n) {
    for (size_t i = 0; i < n; i++) { touch(w[i].text); touch(w[i].speaker); touch(w[i].channel); sink += (size_t)w[i].start; }
}

static void walk_segments(aai_segments *g) {
    const aai_segment *s = NULL;
    size_t n = 0;
    if (aai_segments_get(g, &s, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) { touch(s[i].text); touch(s[i].speaker); walk_words(s[i].words, s[i].word_count); }
    const char *json = NULL;
    size_t len = 0;
    if (aai_segments_json(g, &json, &len) == AAI_OK && json) sink += strlen(json) + len;
    aai_segments_free(g);
}

static void walk_search(aai_word_search *ws) {
    const aai_word_match *m = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (aai_word_search_matches(ws, &m, &n, &total) == AAI_OK)
        for (size_t i = 0; i < n; i++) {
            touch(m[i].text);
            for (size_t j = 0; j < m[i].timestamp_count; j++) sink += (size_t)m[i].timestamps[j].end;
            for (size_t j = 0; j < m[i].index_count; j++) sink += (size_t)m[i].indexes[j];
        }
    aai_word_search_free(ws);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nul = memchr(data, 0, size);
    size_t json_len = nul ? (size_t)(nul - data) : size;
    aai_transcript *t = NULL;
    if (aai_transcript_from_json((const char *)data, json_len, &t) != AAI_OK) {
        touch(aai_last_error_message());
        return 0;
    }
    touch(aai_transcript_id(t));
    touch(aai_transcript_status_text(t));
    touch(aai_transcript_text(t));
    touch(aai_transcript_error(t));
    touch(aai_transcript_audio_url(t));
    sink += (size_t)aai_transcript_get_status(t);
    touch_d(aai_transcript_audio_duration(t));
    touch_d(aai_transcript_confidence(t));
    touch_d(aai_transcript_language_confidence(t));
    const char *json = NULL;
    size_t len = 0;
    if (aai_transcript_json(t, &json, &len) == AAI_OK) sink += strlen(json) + len;

    const aai_word *words = NULL;
    size_t nw = 0;
    if (aai_transcript_words(t, &words, &nw) == AAI_OK) walk_words(words, nw);
    const aai_utterance *u = NULL;
    size_t n = 0;
    if (aai_transcript_utterances(t, &u, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) { touch(u[i].text); touch(u[i].speaker); touch(u[i].channel); walk_words(u[i].words, u[i].word_count); }
    const aai_chapter *ch = NULL;
    if (aai_transcript_chapters(t, &ch, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) { touch(ch[i].gist); touch(ch[i].headline); touch(ch[i].summary); }
    const aai_sentiment *se = NULL;
    if (aai_transcript_sentiment_analysis(t, &se, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) { touch(se[i].text); touch(se[i].sentiment); touch(se[i].speaker); touch(se[i].channel); }
    const aai_entity *en = NULL;
    if (aai_transcript_entities(t, &en, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) { touch(en[i].entity_type); touch(en[i].text); }
    const aai_auto_highlight *ah = NULL;
    if (aai_transcript_auto_highlights(t, &ah, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) {
            touch(ah[i].text);
            for (size_t j = 0; j < ah[i].timestamp_count; j++) sink += (size_t)ah[i].timestamps[j].start;
        }
    touch(aai_transcript_auto_highlights_status(t));
    const aai_content_safety_result *cs = NULL;
    if (aai_transcript_content_safety(t, &cs, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) {
            touch(cs[i].text);
            for (size_t j = 0; j < cs[i].label_count; j++) touch(cs[i].labels[j].label);
        }
    const aai_label_score *ls = NULL;
    if (aai_transcript_content_safety_summary(t, &ls, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) touch(ls[i].label);
    const aai_severity_score_summary *ss = NULL;
    if (aai_transcript_content_safety_severity_scores(t, &ss, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) touch(ss[i].label);
    touch(aai_transcript_content_safety_status(t));
    const aai_iab_result *iab = NULL;
    if (aai_transcript_iab_categories(t, &iab, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) {
            touch(iab[i].text);
            for (size_t j = 0; j < iab[i].label_count; j++) touch(iab[i].labels[j].label);
        }
    if (aai_transcript_iab_categories_summary(t, &ls, &n) == AAI_OK)
        for (size_t i = 0; i < n; i++) touch(ls[i].label);
    touch(aai_transcript_iab_categories_status(t));
    touch(aai_transcript_summary(t));
    touch(aai_transcript_language_code(t));

    /* Local exports. */
    static const int widths[] = {0, 1, 32};
    for (int f = 0; f <= 1; f++)
        for (size_t k = 0; k < sizeof widths / sizeof *widths; k++) {
            char *out = NULL;
            if (aai_transcript_export_subtitles(t, (aai_subtitle_format)f, widths[k], &out) == AAI_OK) touch(out);
            aai_string_free(out);
        }
    aai_segments *g = NULL;
    if (aai_transcript_sentences(t, &g) == AAI_OK) walk_segments(g);
    g = NULL;
    if (aai_transcript_paragraphs(t, &g) == AAI_OK) walk_segments(g);
    const char *terms[4] = {"hello", "you are", "A", NULL};
    size_t nt = 3;
    if (nw > 0 && words[0].text && words[0].text[0]) terms[nt++] = words[0].text;
    aai_word_search *ws = NULL;
    if (aai_transcript_word_search(t, terms, nt, &ws) == AAI_OK) walk_search(ws);

    /* JSON Pointer lookups: fixed ones, and the one after the NUL. */
    static const char *ptrs[] = {"", "/words/0/text", "/utterances/0/words/0", "/id", "/a~1b", "/words/-", "/~2"};
    for (size_t k = 0; k < sizeof ptrs / sizeof *ptrs; k++) {
        char *out = NULL;
        if (aai_transcript_get_json(t, ptrs[k], &out) == AAI_OK) touch(out);
        aai_string_free(out);
    }
    if (nul) {
        size_t plen = size - json_len - 1;
        char *p = malloc(plen + 1);
        memcpy(p, nul + 1, plen);
        p[plen] = 0;
        char *out = NULL;
        if (aai_transcript_get_json(t, p, &out) == AAI_OK) touch(out);
        aai_string_free(out);
        free(p);
    }

    /* The transcript as LLM context (text or speaker lines). */
    aai_llm_request *r = NULL;
    if (aai_llm_request_new("m", &r) == AAI_OK) {
        aai_llm_request_add_transcript(r, t, 0);
        aai_llm_request_add_transcript(r, t, 1);
        aai_llm_request_free(r);
    }
    aai_transcript_free(t);
    return 0;
}
