/* Transcript results through the C ABI: utterances, chapters, summary, content safety, sentiment,
   entities, IAB categories, key phrases, language; from a hand-written transcript (the spec's own
   example values, read back exactly) and from the local server. Also: absent features, bad input,
   arrays built once and shared between threads, and a 100k-word transcript walked in one call. */
#include "harness.h"

/* A completed transcript with every result, written by hand from the Transcript schema of
   ../shared/spec/openapi.yml (values from its examples). Kept in pieces: C99 compilers need
   not accept string literals longer than 4095 characters. */
static const char *FIXTURE[] = {
    "{\"id\":\"9ea68fd3-f953-42c1-9742-976c447fb463\",\"status\":\"completed\","
    "\"audio_url\":\"https://assembly.ai/wildfires.mp3\",\"text\":\"Smoke from hundreds\","
    "\"language_code\":\"en_us\",\"language_detection\":true,\"language_confidence\":0.9912,"
    "\"words\":[{\"text\":\"Smoke\",\"start\":250,\"end\":650,\"confidence\":0.97465,\"speaker\":\"A\",\"channel\":null},"
    "{\"text\":\"from\",\"start\":730,\"end\":1022,\"confidence\":0.99999,\"speaker\":\"A\",\"channel\":null},"
    "{\"text\":\"hundreds\",\"start\":1076,\"end\":1418,\"confidence\":0.99844,\"speaker\":\"B\",\"channel\":null}],",

    "\"utterances\":[{\"confidence\":0.9359033333333334,\"start\":250,\"end\":1022,\"text\":\"Smoke from\","
    "\"words\":[{\"text\":\"Smoke\",\"start\":250,\"end\":650,\"confidence\":0.97465,\"speaker\":\"A\",\"channel\":null},"
    "{\"text\":\"from\",\"start\":730,\"end\":1022,\"confidence\":0.99999,\"speaker\":\"A\",\"channel\":null}],"
    "\"speaker\":\"A\",\"channel\":null},"
    "{\"confidence\":0.99844,\"start\":1076,\"end\":1418,\"text\":\"hundreds\",\"words\":[{\"text\":\"hundreds\","
    "\"start\":1076,\"end\":1418,\"confidence\":0.99844,\"speaker\":\"B\",\"channel\":\"2\"}],\"speaker\":\"B\",\"channel\":\"2\","
    "\"translated_texts\":{\"de\":\"Hunderte\"}}],",

    "\"auto_highlights\":true,\"auto_highlights_result\":{\"status\":\"success\",\"results\":["
    "{\"count\":1,\"rank\":0.08,\"text\":\"air quality alerts\",\"timestamps\":[{\"start\":3978,\"end\":5114}]},"
    "{\"count\":3,\"rank\":0.07,\"text\":\"weather systems\",\"timestamps\":[{\"start\":47344,\"end\":47958},"
    "{\"start\":205268,\"end\":205818},{\"start\":211588,\"end\":213434}]}]},",

    "\"content_safety\":true,\"content_safety_labels\":{\"status\":\"success\",\"results\":[{\"text\":\"Smoke from "
    "hundreds of wildfires in Canada is triggering air quality alerts throughout the US.\",\"labels\":["
    "{\"label\":\"disasters\",\"confidence\":0.8142836093902588,\"severity\":0.4093044400215149},"
    "{\"label\":\"health_issues\",\"confidence\":0.25,\"severity\":0}],"
    "\"sentences_idx_start\":0,\"sentences_idx_end\":5,\"timestamp\":{\"start\":250,\"end\":28840}}],"
    "\"summary\":{\"disasters\":0.9940800441842205,\"health_issues\":0.9216489289040967},"
    "\"severity_score_summary\":{\"disasters\":{\"low\":0.5733263024656846,\"medium\":0.42667369753431533,\"high\":0.0},"
    "\"health_issues\":{\"low\":0.22863814977924785,\"medium\":0.45014154926938227,\"high\":0.32122030095136983}}},",

    "\"iab_categories\":true,\"iab_categories_result\":{\"status\":\"success\",\"results\":[{\"text\":\"Smoke from "
    "hundreds of wildfires\",\"labels\":[{\"relevance\":0.988274097442627,\"label\":\"Home&Garden>IndoorEnvironmentalQuality\"},"
    "{\"relevance\":0.5821335911750793,\"label\":\"NewsAndPolitics>Weather\"}],\"timestamp\":{\"start\":250,\"end\":28840}},"
    "{\"text\":\"Good morning.\",\"labels\":[]}],"
    "\"summary\":{\"NewsAndPolitics>Weather\":1.0,\"Home&Garden>IndoorEnvironmentalQuality\":0.9043831825256348}},",

    "\"summarization\":true,\"summary_type\":\"bullets\",\"summary_model\":\"informative\","
    "\"summary\":\"- Smoke from hundreds of wildfires in Canada is triggering air quality alerts.\\n- Peter de Carlo says \\\"stay inside\\\".\","
    "\"auto_chapters\":true,\"chapters\":[{\"summary\":\"Smoke from hundreds of wildfires in Canada is triggering air quality alerts.\","
    "\"gist\":\"Smoggy air quality alerts across US\",\"headline\":\"Smoke from hundreds of wildfires in Canada\","
    "\"start\":250,\"end\":28840},{\"summary\":\"Caf\\u00e9 talk.\",\"gist\":\"caf\\u00e9\",\"headline\":\"Caf\\u00e9\","
    "\"start\":29610,\"end\":62640}],",

    "\"sentiment_analysis\":true,\"sentiment_analysis_results\":["
    "{\"text\":\"Smoke from hundreds of wildfires in Canada is triggering air quality alerts throughout the US.\","
    "\"start\":250,\"end\":6350,\"sentiment\":\"NEGATIVE\",\"confidence\":0.8181032538414001,\"speaker\":null},"
    "{\"text\":\"Good morning.\",\"start\":6500,\"end\":7000,\"sentiment\":\"POSITIVE\",\"confidence\":0.75,\"speaker\":\"B\",\"channel\":\"2\"},"
    "{\"text\":\"So what is it?\",\"start\":7100,\"end\":8000,\"sentiment\":\"NEUTRAL\",\"confidence\":0.5,\"speaker\":\"A\"},"
    "{\"text\":\"Hm.\",\"start\":8100,\"end\":8200,\"sentiment\":\"MIXED\",\"confidence\":0.25,\"speaker\":\"A\"}],",

    "\"entity_detection\":true,\"entities\":[{\"entity_type\":\"location\",\"text\":\"Canada\",\"start\":2548,\"end\":3130},"
    "{\"entity_type\":\"person_name\",\"text\":\"Peter de Carlo\",\"start\":18948,\"end\":19930},"
    "{\"entity_type\":\"organization\",\"text\":\"Johns \\\"Hopkins\\\"\",\"start\":23972,\"end\":25490}]}",
};

static char *fixture_text(void) {
    size_t n = 0;
    for (size_t i = 0; i < sizeof FIXTURE / sizeof *FIXTURE; i++) n += strlen(FIXTURE[i]);
    char *s = malloc(n + 1);
    s[0] = 0;
    for (size_t i = 0; i < sizeof FIXTURE / sizeof *FIXTURE; i++) strcat(s, FIXTURE[i]);
    return s;
}

static aai_transcript *from_text(const char *json) {
    aai_transcript *t = NULL;
    CHECK_STATUS(aai_transcript_from_json(json, strlen(json), &t), AAI_OK);
    return t;
}

static aai_transcript *fixture(void) {
    char *json = fixture_text();
    aai_transcript *t = from_text(json);
    free(json);
    return t;
}

static void test_from_json(void) {
    char *json = fixture_text();
    aai_transcript *t = NULL;
    /* Not NUL-terminated inside: only `length` bytes are read. */
    size_t n = strlen(json);
    char *copy = malloc(n + 8);
    memcpy(copy, json, n);
    memcpy(copy + n, "garbage", 8);
    CHECK_STATUS(aai_transcript_from_json(copy, n, &t), AAI_OK);
    free(copy);
    CHECK_STR(aai_transcript_id(t), "9ea68fd3-f953-42c1-9742-976c447fb463");
    CHECK(aai_transcript_get_status(t) == AAI_TRANSCRIPT_COMPLETED);
    CHECK_STR(aai_transcript_text(t), "Smoke from hundreds");
    const aai_word *w = NULL;
    size_t count = 0;
    CHECK_STATUS(aai_transcript_words(t, &w, &count), AAI_OK);
    CHECK(count == 3);
    if (count == 3) CHECK_STR(w[2].text, "hundreds");
    /* The JSON comes back byte for byte. */
    const char *back = NULL;
    size_t len = 0;
    CHECK_STATUS(aai_transcript_json(t, &back, &len), AAI_OK);
    CHECK(len == n && back && memcmp(back, json, n) == 0);
    aai_transcript_free(t);
    free(json);
}

static void test_from_json_rejects_bad_input(void) {
    aai_transcript *t = (aai_transcript *)0x1;   /* must stay untouched on failure */
    const char *not_json = "{\"id\":\"x\",\"status\":";
    CHECK_STATUS(aai_transcript_from_json(not_json, strlen(not_json), &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "not valid JSON");
    CHECK_CONTAINS(aai_last_error_message(), "byte 19");
    CHECK(t == (aai_transcript *)0x1);
    CHECK_STATUS(aai_transcript_from_json("[1]", 3, &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "not an object");
    CHECK_STATUS(aai_transcript_from_json("{\"id\":\"x\"}", 10, &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "\"status\"");
    CHECK_STATUS(aai_transcript_from_json("{\"id\":1,\"status\":\"completed\"}", 29, &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcript_from_json("{\"id\":\"x\",\"status\":\"queued\"}", 5, &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcript_from_json("", 0, &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcript_from_json("{\"id\":\"\xff\",\"status\":\"x\"}", 23, &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcript_from_json(NULL, 3, &t), AAI_ERR_INVALID_ARGUMENT);
    CHECK(t == (aai_transcript *)0x1);
    CHECK_STATUS(aai_transcript_from_json("{}", 2, NULL), AAI_ERR_INVALID_ARGUMENT);
    /* A minimal transcript is enough; every result is then absent. */
    const char *minimal = "{\"id\":\"x\",\"status\":\"queued\"}";
    CHECK_STATUS(aai_transcript_from_json(minimal, strlen(minimal), &t), AAI_OK);
    CHECK(aai_transcript_get_status(t) == AAI_TRANSCRIPT_QUEUED);
    aai_transcript_free(t);
}

static void test_utterances(void) {
    aai_transcript *t = fixture();
    const aai_utterance *u = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_utterances(t, &u, &n), AAI_OK);
    CHECK(n == 2 && u != NULL);
    if (n != 2) { aai_transcript_free(t); return; }
    CHECK_STR(u[0].text, "Smoke from");
    CHECK(u[0].start == 250 && u[0].end == 1022);
    CHECK(u[0].confidence == 0.9359033333333334);
    CHECK_STR(u[0].speaker, "A");
    CHECK(u[0].channel == NULL);
    CHECK(u[0].word_count == 2 && u[0].words != NULL);
    if (u[0].word_count == 2) {
        CHECK_STR(u[0].words[0].text, "Smoke");
        CHECK(u[0].words[0].start == 250 && u[0].words[0].end == 650 && u[0].words[0].confidence == 0.97465);
        CHECK_STR(u[0].words[0].speaker, "A");
        CHECK_STR(u[0].words[1].text, "from");
        CHECK(u[0].words[1].start == 730 && u[0].words[1].end == 1022 && u[0].words[1].confidence == 0.99999);
    }
    CHECK_STR(u[1].text, "hundreds");
    CHECK_STR(u[1].speaker, "B");
    CHECK_STR(u[1].channel, "2");
    CHECK(u[1].word_count == 1);
    if (u[1].word_count == 1) {
        CHECK_STR(u[1].words[0].text, "hundreds");
        CHECK_STR(u[1].words[0].channel, "2");
    }
    /* Fields without a struct member are in the JSON. */
    char *value = NULL;
    CHECK_STATUS(aai_transcript_get_json(t, "/utterances/1/translated_texts/de", &value), AAI_OK);
    CHECK_STR(value, "\"Hunderte\"");
    aai_string_free(value);
    /* Built once: the same memory comes back. */
    const aai_utterance *again = NULL;
    CHECK_STATUS(aai_transcript_utterances(t, &again, &n), AAI_OK);
    CHECK(again == u && n == 2);
    aai_transcript_free(t);
}

static void test_chapters_summary_language(void) {
    aai_transcript *t = fixture();
    const aai_chapter *c = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_chapters(t, &c, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(c[0].gist, "Smoggy air quality alerts across US");
        CHECK_STR(c[0].headline, "Smoke from hundreds of wildfires in Canada");
        CHECK_STR(c[0].summary, "Smoke from hundreds of wildfires in Canada is triggering air quality alerts.");
        CHECK(c[0].start == 250 && c[0].end == 28840);
        CHECK_STR(c[1].gist, "caf\xc3\xa9");   /* \u00e9 unescaped to UTF-8 */
        CHECK_STR(c[1].headline, "Caf\xc3\xa9");
        CHECK(c[1].start == 29610 && c[1].end == 62640);
    }
    CHECK_STR(aai_transcript_summary(t),
              "- Smoke from hundreds of wildfires in Canada is triggering air quality alerts.\n"
              "- Peter de Carlo says \"stay inside\".");
    CHECK(aai_transcript_summary(t) == aai_transcript_summary(t));
    CHECK_STR(aai_transcript_language_code(t), "en_us");
    CHECK(aai_transcript_language_confidence(t) == 0.9912);
    aai_transcript_free(t);
}

static void test_sentiment_and_entities(void) {
    aai_transcript *t = fixture();
    const aai_sentiment *s = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_sentiment_analysis(t, &s, &n), AAI_OK);
    CHECK(n == 4);
    if (n == 4) {
        CHECK_STR(s[0].text, "Smoke from hundreds of wildfires in Canada is triggering air quality alerts throughout the US.");
        CHECK(s[0].start == 250 && s[0].end == 6350 && s[0].confidence == 0.8181032538414001);
        CHECK_STR(s[0].sentiment, "NEGATIVE");
        CHECK(s[0].kind == AAI_SENTIMENT_NEGATIVE);
        CHECK(s[0].speaker == NULL && s[0].channel == NULL);
        CHECK_STR(s[1].sentiment, "POSITIVE");
        CHECK(s[1].kind == AAI_SENTIMENT_POSITIVE);
        CHECK_STR(s[1].speaker, "B");
        CHECK_STR(s[1].channel, "2");
        CHECK(s[1].confidence == 0.75);
        CHECK(s[2].kind == AAI_SENTIMENT_NEUTRAL);
        CHECK_STR(s[2].speaker, "A");
        /* A value this version does not know: the string as sent, the kind UNKNOWN. */
        CHECK_STR(s[3].sentiment, "MIXED");
        CHECK(s[3].kind == AAI_SENTIMENT_UNKNOWN);
    }
    const aai_entity *e = NULL;
    CHECK_STATUS(aai_transcript_entities(t, &e, &n), AAI_OK);
    CHECK(n == 3);
    if (n == 3) {
        CHECK_STR(e[0].entity_type, "location");
        CHECK_STR(e[0].text, "Canada");
        CHECK(e[0].start == 2548 && e[0].end == 3130);
        CHECK_STR(e[1].entity_type, "person_name");
        CHECK_STR(e[1].text, "Peter de Carlo");
        CHECK(e[1].start == 18948 && e[1].end == 19930);
        CHECK_STR(e[2].text, "Johns \"Hopkins\"");
    }
    aai_transcript_free(t);
}

static void test_auto_highlights(void) {
    aai_transcript *t = fixture();
    const aai_auto_highlight *h = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_auto_highlights(t, &h, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(h[0].text, "air quality alerts");
        CHECK(h[0].rank == 0.08 && h[0].count == 1);
        CHECK(h[0].timestamp_count == 1 && h[0].timestamps[0].start == 3978 && h[0].timestamps[0].end == 5114);
        CHECK_STR(h[1].text, "weather systems");
        CHECK(h[1].rank == 0.07 && h[1].count == 3 && h[1].timestamp_count == 3);
        if (h[1].timestamp_count == 3) {
            CHECK(h[1].timestamps[0].start == 47344 && h[1].timestamps[0].end == 47958);
            CHECK(h[1].timestamps[2].start == 211588 && h[1].timestamps[2].end == 213434);
        }
    }
    CHECK_STR(aai_transcript_auto_highlights_status(t), "success");
    aai_transcript_free(t);
}

static void test_content_safety(void) {
    aai_transcript *t = fixture();
    const aai_content_safety_result *r = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_content_safety(t, &r, &n), AAI_OK);
    CHECK(n == 1);
    if (n == 1) {
        CHECK_STR(r[0].text, "Smoke from hundreds of wildfires in Canada is triggering air quality alerts throughout the US.");
        CHECK(r[0].label_count == 2);
        if (r[0].label_count == 2) {
            CHECK_STR(r[0].labels[0].label, "disasters");
            CHECK(r[0].labels[0].confidence == 0.8142836093902588 && r[0].labels[0].severity == 0.4093044400215149);
            CHECK_STR(r[0].labels[1].label, "health_issues");
            CHECK(r[0].labels[1].confidence == 0.25 && r[0].labels[1].severity == 0);
        }
        CHECK(r[0].sentences_idx_start == 0 && r[0].sentences_idx_end == 5);
        CHECK(r[0].timestamp.start == 250 && r[0].timestamp.end == 28840);
    }
    const aai_label_score *summary = NULL;
    CHECK_STATUS(aai_transcript_content_safety_summary(t, &summary, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(summary[0].label, "disasters");
        CHECK(summary[0].score == 0.9940800441842205);
        CHECK_STR(summary[1].label, "health_issues");
        CHECK(summary[1].score == 0.9216489289040967);
    }
    const aai_severity_score_summary *sev = NULL;
    CHECK_STATUS(aai_transcript_content_safety_severity_scores(t, &sev, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(sev[0].label, "disasters");
        CHECK(sev[0].low == 0.5733263024656846 && sev[0].medium == 0.42667369753431533 && sev[0].high == 0.0);
        CHECK_STR(sev[1].label, "health_issues");
        CHECK(sev[1].low == 0.22863814977924785 && sev[1].medium == 0.45014154926938227 && sev[1].high == 0.32122030095136983);
    }
    CHECK_STR(aai_transcript_content_safety_status(t), "success");
    aai_transcript_free(t);
}

static void test_iab_categories(void) {
    aai_transcript *t = fixture();
    const aai_iab_result *r = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_iab_categories(t, &r, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(r[0].text, "Smoke from hundreds of wildfires");
        CHECK(r[0].label_count == 2);
        if (r[0].label_count == 2) {
            CHECK_STR(r[0].labels[0].label, "Home&Garden>IndoorEnvironmentalQuality");
            CHECK(r[0].labels[0].score == 0.988274097442627);
            CHECK_STR(r[0].labels[1].label, "NewsAndPolitics>Weather");
            CHECK(r[0].labels[1].score == 0.5821335911750793);
        }
        CHECK(r[0].timestamp.start == 250 && r[0].timestamp.end == 28840);
        /* No labels, no timestamp: the documented fallbacks. */
        CHECK_STR(r[1].text, "Good morning.");
        CHECK(r[1].label_count == 0 && r[1].labels == NULL);
        CHECK(r[1].timestamp.start == -1 && r[1].timestamp.end == -1);
    }
    const aai_label_score *summary = NULL;
    CHECK_STATUS(aai_transcript_iab_categories_summary(t, &summary, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(summary[0].label, "NewsAndPolitics>Weather");
        CHECK(summary[0].score == 1.0);
        CHECK_STR(summary[1].label, "Home&Garden>IndoorEnvironmentalQuality");
        CHECK(summary[1].score == 0.9043831825256348);
    }
    CHECK_STR(aai_transcript_iab_categories_status(t), "success");
    aai_transcript_free(t);
}

/* Every array accessor, for the "absent" checks. */
static size_t count_of(aai_transcript *t, int which, const void **array, aai_status *status) {
    size_t n = 99;
    *array = (const void *)0x1;
    switch (which) {
    case 0: *status = aai_transcript_utterances(t, (const aai_utterance **)array, &n); break;
    case 1: *status = aai_transcript_chapters(t, (const aai_chapter **)array, &n); break;
    case 2: *status = aai_transcript_sentiment_analysis(t, (const aai_sentiment **)array, &n); break;
    case 3: *status = aai_transcript_entities(t, (const aai_entity **)array, &n); break;
    case 4: *status = aai_transcript_auto_highlights(t, (const aai_auto_highlight **)array, &n); break;
    case 5: *status = aai_transcript_content_safety(t, (const aai_content_safety_result **)array, &n); break;
    case 6: *status = aai_transcript_content_safety_summary(t, (const aai_label_score **)array, &n); break;
    case 7: *status = aai_transcript_content_safety_severity_scores(t, (const aai_severity_score_summary **)array, &n); break;
    case 8: *status = aai_transcript_iab_categories(t, (const aai_iab_result **)array, &n); break;
    default: *status = aai_transcript_iab_categories_summary(t, (const aai_label_score **)array, &n); break;
    }
    return n;
}
#define ARRAY_ACCESSORS 10

static void check_all_absent(aai_transcript *t) {
    for (int which = 0; which < ARRAY_ACCESSORS; which++) {
        const void *array;
        aai_status s;
        size_t n = count_of(t, which, &array, &s);
        if (s != AAI_OK || n != 0 || array != NULL) {
            h_current_failed = 1;
            fprintf(stderr, "  FAIL accessor %d: status %s, count %zu, array %p\n", which, aai_status_name(s), n, array);
        }
    }
    CHECK(aai_transcript_summary(t) == NULL);
    CHECK(aai_transcript_auto_highlights_status(t) == NULL);
    CHECK(aai_transcript_content_safety_status(t) == NULL);
    CHECK(aai_transcript_iab_categories_status(t) == NULL);
    CHECK(aai_transcript_language_confidence(t) == -1);
}

static void test_absent_features(void) {
    /* Absent fields, null fields, empty results, and fields of the wrong type. */
    const char *cases[] = {
        "{\"id\":\"a\",\"status\":\"processing\"}",
        "{\"id\":\"b\",\"status\":\"completed\",\"utterances\":null,\"chapters\":null,\"sentiment_analysis_results\":null,"
        "\"entities\":null,\"auto_highlights_result\":null,\"content_safety_labels\":null,\"iab_categories_result\":null,"
        "\"summary\":null,\"language_confidence\":null,\"language_code\":null}",
        "{\"id\":\"c\",\"status\":\"completed\",\"utterances\":[],\"chapters\":[],\"sentiment_analysis_results\":[],"
        "\"entities\":[],\"auto_highlights_result\":{\"results\":[]},\"content_safety_labels\":{\"results\":[],\"summary\":{},"
        "\"severity_score_summary\":{}},\"iab_categories_result\":{\"results\":[],\"summary\":{}}}",
        "{\"id\":\"d\",\"status\":\"completed\",\"utterances\":{},\"chapters\":\"x\",\"sentiment_analysis_results\":1,"
        "\"entities\":true,\"auto_highlights_result\":[],\"content_safety_labels\":\"no\",\"iab_categories_result\":7,"
        "\"summary\":[\"a\"],\"language_confidence\":\"high\"}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        aai_transcript *t = from_text(cases[i]);
        check_all_absent(t);
        aai_transcript_free(t);
    }
    /* A model that failed: its status says so, its results are empty. */
    aai_transcript *t = from_text("{\"id\":\"e\",\"status\":\"completed\",\"auto_highlights_result\":{\"status\":\"unavailable\","
                                  "\"results\":[]},\"content_safety_labels\":{\"status\":\"unavailable\",\"results\":[],"
                                  "\"summary\":{},\"severity_score_summary\":{}},\"iab_categories_result\":{\"status\":"
                                  "\"unavailable\",\"results\":[],\"summary\":{}}}");
    CHECK_STR(aai_transcript_auto_highlights_status(t), "unavailable");
    CHECK_STR(aai_transcript_content_safety_status(t), "unavailable");
    CHECK_STR(aai_transcript_iab_categories_status(t), "unavailable");
    aai_transcript_free(t);
    /* Missing members inside a result: strings "" or NULL as documented, numbers 0. */
    t = from_text("{\"id\":\"f\",\"status\":\"completed\",\"utterances\":[{}],\"entities\":[{\"text\":null}],"
                  "\"sentiment_analysis_results\":[{\"sentiment\":7}],\"chapters\":[{\"start\":1.5e3}]}");
    const aai_utterance *u = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_utterances(t, &u, &n), AAI_OK);
    CHECK(n == 1 && u[0].text && u[0].text[0] == 0 && u[0].start == 0 && u[0].confidence == 0);
    CHECK(n == 1 && u[0].speaker == NULL && u[0].channel == NULL && u[0].words == NULL && u[0].word_count == 0);
    const aai_entity *e = NULL;
    CHECK_STATUS(aai_transcript_entities(t, &e, &n), AAI_OK);
    CHECK(n == 1 && e[0].text && e[0].text[0] == 0 && e[0].entity_type && e[0].entity_type[0] == 0);
    const aai_sentiment *s = NULL;
    CHECK_STATUS(aai_transcript_sentiment_analysis(t, &s, &n), AAI_OK);
    CHECK(n == 1 && s[0].sentiment && s[0].sentiment[0] == 0 && s[0].kind == AAI_SENTIMENT_UNKNOWN);
    const aai_chapter *c = NULL;
    CHECK_STATUS(aai_transcript_chapters(t, &c, &n), AAI_OK);
    CHECK(n == 1 && c[0].start == 1500 && c[0].gist && c[0].gist[0] == 0);
    aai_transcript_free(t);
}

static void test_bad_arguments(void) {
    aai_transcript *t = fixture();
    const aai_utterance *u = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_utterances(t, NULL, &n), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "utterances (out-parameter) is NULL");
    CHECK_STATUS(aai_transcript_utterances(t, &u, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "count (out-parameter) is NULL");
    CHECK_STATUS(aai_transcript_utterances(NULL, &u, &n), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "transcript is NULL");
    const aai_label_score *l = NULL;
    CHECK_STATUS(aai_transcript_iab_categories_summary(t, NULL, &n), AAI_ERR_INVALID_ARGUMENT);
    /* Out-parameters are untouched on failure. */
    u = (const aai_utterance *)0x1;
    n = 7;
    aai_transcript *freed = fixture();
    aai_transcript_free(freed);
    CHECK_STATUS(aai_transcript_utterances(freed, &u, &n), AAI_ERR_INVALID_ARGUMENT);
    CHECK(u == (const aai_utterance *)0x1 && n == 7);
    CHECK_STATUS(aai_transcript_content_safety_summary(freed, &l, &n), AAI_ERR_INVALID_ARGUMENT);
    /* A handle of another type. */
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    CHECK_STATUS(aai_transcript_chapters((aai_transcript *)cfg, (const aai_chapter **)&u, &n), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_transcript_summary((aai_transcript *)cfg) == NULL);
    CHECK_CONTAINS(aai_last_error_message(), "not a live transcript handle");
    aai_config_free(cfg);
    /* Getters: their fallback values. */
    CHECK(aai_transcript_summary(NULL) == NULL);
    CHECK(aai_transcript_language_code(freed) == NULL);
    CHECK(aai_transcript_language_confidence(NULL) == -1);
    CHECK(aai_transcript_auto_highlights_status(NULL) == NULL);
    CHECK(aai_transcript_content_safety_status(freed) == NULL);
    CHECK(aai_transcript_iab_categories_status(NULL) == NULL);
    aai_transcript_free(t);
}

/* ---- one transcript, many threads: every thread sees the same arrays ---- */
struct shared { aai_transcript *t; const aai_utterance *u; const aai_content_safety_result *cs; size_t n; };
static void *read_results(void *arg) {
    struct shared *s = arg;
    size_t n = 0, m = 0;
    aai_transcript_utterances(s->t, &s->u, &n);
    aai_transcript_content_safety(s->t, &s->cs, &m);
    s->n = n + m;
    return NULL;
}

static void test_threads_share_one_build(void) {
    aai_transcript *t = fixture();
    enum { THREADS = 8 };
    pthread_t threads[THREADS];
    struct shared s[THREADS];
    for (int i = 0; i < THREADS; i++) {
        s[i] = (struct shared){t, NULL, NULL, 0};
        pthread_create(&threads[i], NULL, read_results, &s[i]);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    for (int i = 1; i < THREADS; i++) CHECK(s[i].u == s[0].u && s[i].cs == s[0].cs && s[i].n == 3);
    CHECK(s[0].u != NULL && s[0].n == 3);
    aai_transcript_free(t);
}

/* ---- a 100k-word transcript: one call gives every utterance and word ---- */
static void test_large_transcript(void) {
    enum { WORDS = 100000, PER_UTTERANCE = 50 };
    size_t cap = (size_t)WORDS * 200 + 1024, len = 0;
    char *j = malloc(cap);
    len += (size_t)sprintf(j + len, "{\"id\":\"big\",\"status\":\"completed\",\"utterances\":[");
    for (int u = 0; u < WORDS / PER_UTTERANCE; u++) {
        len += (size_t)sprintf(j + len, "%s{\"text\":\"turn %d\",\"start\":%d,\"end\":%d,\"confidence\":0.5,\"speaker\":\"%c\","
                               "\"channel\":null,\"words\":[", u ? "," : "", u, u * PER_UTTERANCE * 100,
                               (u + 1) * PER_UTTERANCE * 100 - 10, 'A' + u % 3);
        for (int w = 0; w < PER_UTTERANCE; w++) {
            int i = u * PER_UTTERANCE + w;
            len += (size_t)sprintf(j + len, "%s{\"text\":\"w%d\",\"start\":%d,\"end\":%d,\"confidence\":0.9,\"speaker\":\"%c\","
                                   "\"channel\":null}", w ? "," : "", i, i * 100, i * 100 + 90, 'A' + u % 3);
        }
        len += (size_t)sprintf(j + len, "]}");
    }
    len += (size_t)sprintf(j + len, "]}");
    aai_transcript *t = NULL;
    CHECK_STATUS(aai_transcript_from_json(j, len, &t), AAI_OK);
    free(j);
    double t0 = h_now_ms();
    const aai_utterance *u = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_utterances(t, &u, &n), AAI_OK);
    double built = h_now_ms() - t0;
    CHECK(n == WORDS / PER_UTTERANCE);
    size_t words = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < u[i].word_count; k++) {
            const aai_word *w = &u[i].words[k];
            char want[16];
            snprintf(want, sizeof want, "w%zu", words);
            if (strcmp(w->text, want) != 0 || w->start != (int64_t)words * 100 || w->speaker[0] != u[i].speaker[0]) bad++;
            words++;
        }
    }
    CHECK(words == WORDS && bad == 0);
    CHECK_STR(u[n - 1].text, "turn 1999");
    printf("# 100k words in 2000 utterances: built in %.1f ms\n", built);
    CHECK(built < 5000);   /* ~20 ms on an idle machine; the bound only catches a quadratic walk */
    const aai_utterance *again = NULL;
    aai_transcript_utterances(t, &again, &n);
    CHECK(again == u);     /* built once */
    aai_transcript_free(t);
}

/* Newer response fields, typed: speech_model_used, unredacted_text, metadata (domain_used and
   warnings), language_detection_results' code switching languages. */
static void test_newer_response_fields(void) {
    const char *json = "{\"id\": \"n1\", \"status\": \"completed\", \"text\": \"Call ### now\", "
                       "\"speech_model_used\": \"universal-3-pro\", \"unredacted_text\": \"Call Bob now\", "
                       "\"metadata\": {\"domain_used\": \"medical-v1\", \"warning\": \"single\", "
                       "\"warnings\": [{\"message\": \"first\"}, {\"message\": \"second\"}, {\"nope\": 1}]}, "
                       "\"language_detection_results\": {\"code_switching_languages\": [{\"language_code\": \"en\", "
                       "\"confidence\": 0.75}, {\"language_code\": \"es\", \"confidence\": 0.25}, {\"confidence\": 1}]}}";
    aai_transcript *t = NULL;
    CHECK_STATUS(aai_transcript_from_json(json, strlen(json), &t), AAI_OK);
    CHECK_STR(aai_transcript_speech_model_used(t), "universal-3-pro");
    CHECK_STR(aai_transcript_unredacted_text(t), "Call Bob now");
    CHECK_STR(aai_transcript_domain_used(t), "medical-v1");
    CHECK(aai_transcript_speech_model_used(t) == aai_transcript_speech_model_used(t));   /* borrowed, made once */
    const char *const *w = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_warnings(t, &w, &n), AAI_OK);
    CHECK(n == 3);
    if (n == 3) { CHECK_STR(w[0], "first"); CHECK_STR(w[1], "second"); CHECK_STR(w[2], "single"); }
    const aai_language_confidence *l = NULL;
    CHECK_STATUS(aai_transcript_code_switching_languages(t, &l, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(l[0].language_code, "en");
        CHECK(l[0].confidence == 0.75);
        CHECK_STR(l[1].language_code, "es");
    }
    aai_transcript_free(t);
    /* Absent: NULL and empty arrays. */
    const char *minimal = "{\"id\": \"n2\", \"status\": \"completed\", \"metadata\": {\"warning\": \"only\"}}";
    CHECK_STATUS(aai_transcript_from_json(minimal, strlen(minimal), &t), AAI_OK);
    CHECK(aai_transcript_speech_model_used(t) == NULL && aai_transcript_unredacted_text(t) == NULL);
    CHECK(aai_transcript_domain_used(t) == NULL);
    CHECK_STATUS(aai_transcript_warnings(t, &w, &n), AAI_OK);
    CHECK(n == 1 && w && strcmp(w[0], "only") == 0);
    CHECK_STATUS(aai_transcript_code_switching_languages(t, &l, &n), AAI_OK);
    CHECK(n == 0 && l == NULL);
    /* Bad arguments. */
    CHECK_STATUS(aai_transcript_warnings(t, NULL, &n), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcript_warnings(NULL, &w, &n), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_transcript_code_switching_languages(t, &l, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK(aai_transcript_speech_model_used(NULL) == NULL);
    aai_transcript_free(t);
}

/* The local server: unredacted text beside the redacted one, the domain used, code switching. */

/* ---- against the local server ---- */
static char wav_path[256];

static aai_transcript *transcribe(const char *config_json) {
    aai_client *c = h_client();
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    if (config_json) CHECK_STATUS(aai_config_set_json(cfg, config_json), AAI_OK);
    aai_transcriber *tr = NULL;
    aai_transcriber_new(c, cfg, &tr);
    aai_transcript *t = NULL;
    CHECK_STATUS(aai_transcriber_transcribe_file(tr, wav_path, NULL, &t), AAI_OK);
    aai_transcriber_free(tr);
    aai_config_free(cfg);
    aai_client_free(c);
    return t;
}

static void test_server_utterances(void) {
    /* "A: Hello there. B: Hi." over 2 s: 3 words of 666 ms slots (docs/local-server.md). */
    aai_transcript *t = transcribe("{\"speaker_labels\": true}");
    const aai_utterance *u = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_utterances(t, &u, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(u[0].text, "Hello there.");
        CHECK_STR(u[0].speaker, "A");
        CHECK(u[0].channel == NULL);
        CHECK(u[0].start == 0 && u[0].end == 1323);
        CHECK(u[0].word_count == 2);
        if (u[0].word_count == 2) {
            CHECK_STR(u[0].words[0].text, "Hello");
            CHECK(u[0].words[0].start == 0 && u[0].words[0].end == 656 && u[0].words[0].confidence == 0.80);
            CHECK_STR(u[0].words[1].text, "there.");
            CHECK(u[0].words[1].start == 666 && u[0].words[1].end == 1323);
            CHECK_STR(u[0].words[1].speaker, "A");
        }
        /* The utterance's confidence is the mean of its words'. */
        if (u[0].word_count == 2)
            CHECK(u[0].confidence == (u[0].words[0].confidence + u[0].words[1].confidence) / 2);
        CHECK_STR(u[1].text, "Hi.");
        CHECK_STR(u[1].speaker, "B");
        CHECK(u[1].start == 1333 && u[1].end == 1990 && u[1].word_count == 1);
        if (u[1].word_count == 1) CHECK(u[1].confidence == u[1].words[0].confidence);
    }
    /* The top-level words agree with the utterances' words. */
    const aai_word *w = NULL;
    size_t wn = 0;
    aai_transcript_words(t, &w, &wn);
    CHECK(wn == 3);
    if (wn == 3 && n == 2 && u[1].word_count == 1) {
        CHECK(w[2].start == u[1].words[0].start && strcmp(w[2].text, u[1].words[0].text) == 0);
    }
    CHECK_STR(aai_transcript_language_code(t), "en_us");
    CHECK(aai_transcript_language_confidence(t) == -1);
    aai_transcript_free(t);
    /* Without speaker_labels there are no utterances. */
    t = transcribe(NULL);
    CHECK_STATUS(aai_transcript_utterances(t, &u, &n), AAI_OK);
    CHECK(n == 0 && u == NULL);
    check_all_absent(t);
    aai_transcript_free(t);
}

static void test_server_language_detection(void) {
    aai_transcript *t = transcribe("{\"language_detection\": true}");
    CHECK_STR(aai_transcript_language_code(t), "en");
    CHECK(aai_transcript_language_confidence(t) == 1.0);
    aai_transcript_free(t);
}

/* Every audio intelligence feature of the local server, on a text whose results follow from
   the rules in docs/local-server.md ("Audio intelligence (deterministic)"). 12 words over
   1.2 s: word i is [100 i, 100 i + 90] ms. Sentence 0 = words 0-6 (speaker A), sentence 1 =
   words 7-11 (speaker B). */
static const char *INTELLIGENCE_TEXT = "A: Smoke from wildfires is a terrible problem. B: Good music and great coffee!";

static const aai_label_score *find_label(const aai_label_score *a, size_t n, const char *label) {
    for (size_t i = 0; i < n; i++) if (strcmp(a[i].label, label) == 0) return &a[i];
    return NULL;
}

static void test_server_intelligence(void) {
    h_write_wav(wav_path, INTELLIGENCE_TEXT, 1.2);
    aai_transcript *t = transcribe("{\"speaker_labels\": true, \"summarization\": true, \"auto_chapters\": true,"
                                   " \"auto_highlights\": true, \"content_safety\": true, \"iab_categories\": true,"
                                   " \"sentiment_analysis\": true}");
    size_t n = 0;
    /* summary_type bullets (the default): "- " + the first 8 words of each sentence. */
    CHECK_STR(aai_transcript_summary(t), "- Smoke from wildfires is a terrible problem.\n- Good music and great coffee!");

    /* A chapter per paragraph (a new paragraph at the change of speaker). */
    const aai_chapter *c = NULL;
    CHECK_STATUS(aai_transcript_chapters(t, &c, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(c[0].gist, "Smoke from wildfires");
        CHECK_STR(c[0].headline, "Smoke from wildfires is a terrible problem.");
        CHECK_STR(c[0].summary, "Smoke from wildfires is a terrible problem.");
        CHECK(c[0].start == 0 && c[0].end == 690);
        CHECK_STR(c[1].gist, "Good music and");
        CHECK_STR(c[1].headline, "Good music and great coffee!");
        CHECK(c[1].start == 700 && c[1].end == 1190);
    }

    /* Key phrases: non-stopwords and adjacent pairs of them; all occur once, so pairs come
       first, then single words by first occurrence; the first 10; rank = count / top count. */
    const aai_auto_highlight *h = NULL;
    CHECK_STATUS(aai_transcript_auto_highlights(t, &h, &n), AAI_OK);
    CHECK_STR(aai_transcript_auto_highlights_status(t), "success");
    static const char *phrases[] = {"terrible problem", "good music", "great coffee", "smoke", "wildfires",
                                    "terrible", "problem", "good", "music", "great"};
    static const int64_t starts[] = {500, 700, 1000, 0, 200, 500, 600, 700, 800, 1000};
    static const int64_t ends[] = {690, 890, 1190, 90, 290, 590, 690, 790, 890, 1090};
    CHECK(n == 10);
    for (size_t i = 0; i < n && i < 10; i++) {
        CHECK_STR(h[i].text, phrases[i]);
        CHECK(h[i].count == 1 && h[i].rank == 1.0 && h[i].timestamp_count == 1);
        if (h[i].timestamp_count == 1) CHECK(h[i].timestamps[0].start == starts[i] && h[i].timestamps[0].end == ends[i]);
    }

    /* Content safety: "wildfires" triggers disasters once (k = 1) in sentence 0. */
    const aai_content_safety_result *cs = NULL;
    CHECK_STATUS(aai_transcript_content_safety(t, &cs, &n), AAI_OK);
    CHECK_STR(aai_transcript_content_safety_status(t), "success");
    CHECK(n == 1);
    if (n == 1) {
        CHECK_STR(cs[0].text, "Smoke from wildfires is a terrible problem.");
        CHECK(cs[0].label_count == 1);
        if (cs[0].label_count == 1) {
            CHECK_STR(cs[0].labels[0].label, "disasters");
            CHECK(cs[0].labels[0].confidence == 0.7 && cs[0].labels[0].severity == 0.3);
        }
        CHECK(cs[0].sentences_idx_start == 0 && cs[0].sentences_idx_end == 0);
        CHECK(cs[0].timestamp.start == 0 && cs[0].timestamp.end == 690);
    }
    const aai_label_score *summary = NULL;
    CHECK_STATUS(aai_transcript_content_safety_summary(t, &summary, &n), AAI_OK);
    CHECK(n == 1 && summary && strcmp(summary[0].label, "disasters") == 0 && summary[0].score == 1.0);
    const aai_severity_score_summary *sev = NULL;
    CHECK_STATUS(aai_transcript_content_safety_severity_scores(t, &sev, &n), AAI_OK);
    CHECK(n == 1 && sev && strcmp(sev[0].label, "disasters") == 0);
    if (n == 1) CHECK(sev[0].low == 1.0 && sev[0].medium == 0.0 && sev[0].high == 0.0);

    /* Topics: sentence 0 has smoke + wildfires (Science>Environment), sentence 1 music and
       coffee (one each: relevance 0.5, table order on ties). */
    const aai_iab_result *r = NULL;
    CHECK_STATUS(aai_transcript_iab_categories(t, &r, &n), AAI_OK);
    CHECK_STR(aai_transcript_iab_categories_status(t), "success");
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(r[0].text, "Smoke from wildfires is a terrible problem.");
        CHECK(r[0].label_count == 1 && strcmp(r[0].labels[0].label, "Science>Environment") == 0 && r[0].labels[0].score == 1.0);
        CHECK(r[0].timestamp.start == 0 && r[0].timestamp.end == 690);
        CHECK_STR(r[1].text, "Good music and great coffee!");
        CHECK(r[1].label_count == 2);
        if (r[1].label_count == 2) {
            CHECK_STR(r[1].labels[0].label, "Food & Drink");
            CHECK_STR(r[1].labels[1].label, "Music and Audio");
            CHECK(r[1].labels[0].score == 0.5 && r[1].labels[1].score == 0.5);
        }
        CHECK(r[1].timestamp.start == 700 && r[1].timestamp.end == 1190);
    }
    CHECK_STATUS(aai_transcript_iab_categories_summary(t, &summary, &n), AAI_OK);
    CHECK(n == 3);
    const aai_label_score *env = find_label(summary, n, "Science>Environment");
    const aai_label_score *food = find_label(summary, n, "Food & Drink");
    const aai_label_score *music = find_label(summary, n, "Music and Audio");
    CHECK(env && env->score == 0.5 && food && food->score == 0.5 && music && music->score == 0.5);

    /* Sentiment per sentence: terrible + problem (d = -2), good + great (d = 2). */
    const aai_sentiment *s = NULL;
    CHECK_STATUS(aai_transcript_sentiment_analysis(t, &s, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(s[0].text, "Smoke from wildfires is a terrible problem.");
        CHECK(s[0].kind == AAI_SENTIMENT_NEGATIVE && strcmp(s[0].sentiment, "NEGATIVE") == 0);
        CHECK(s[0].confidence == 0.8 && s[0].start == 0 && s[0].end == 690);
        CHECK_STR(s[0].speaker, "A");
        CHECK(s[0].channel == NULL);
        CHECK(s[1].kind == AAI_SENTIMENT_POSITIVE && s[1].confidence == 0.8);
        CHECK_STR(s[1].speaker, "B");
    }
    /* Not requested: absent. */
    const aai_entity *e = NULL;
    CHECK_STATUS(aai_transcript_entities(t, &e, &n), AAI_OK);
    CHECK(n == 0 && e == NULL);
    aai_transcript_free(t);

    /* Entities: a title makes the next capitalised word a person; Canada is a location. */
    h_write_wav(wav_path, "Dr Smith flew to Canada.", 0.5);
    t = transcribe("{\"entity_detection\": true}");
    CHECK_STATUS(aai_transcript_entities(t, &e, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(e[0].entity_type, "person_name");
        CHECK_STR(e[0].text, "Smith");
        CHECK(e[0].start == 100 && e[0].end == 190);
        CHECK_STR(e[1].entity_type, "location");
        CHECK_STR(e[1].text, "Canada");
        CHECK(e[1].start == 400 && e[1].end == 490);
    }
    CHECK(aai_transcript_summary(t) == NULL && aai_transcript_content_safety_status(t) == NULL);
    aai_transcript_free(t);
    h_write_wav(wav_path, "A: Hello there. B: Hi.", 2.0);
}

/* A transcript read back from its own JSON has the same results. */
static void test_server_round_trip(void) {
    aai_transcript *t = transcribe("{\"speaker_labels\": true}");
    const char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(aai_transcript_json(t, &json, &len), AAI_OK);
    aai_transcript *back = NULL;
    CHECK_STATUS(aai_transcript_from_json(json, len, &back), AAI_OK);
    CHECK_STR(aai_transcript_id(back), aai_transcript_id(t));
    const aai_utterance *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    aai_transcript_utterances(t, &a, &na);
    aai_transcript_utterances(back, &b, &nb);
    CHECK(na == nb && na == 2 && a != b);
    for (size_t i = 0; i < na && i < nb; i++) {
        CHECK_STR(a[i].text, b[i].text);
        CHECK(a[i].start == b[i].start && a[i].end == b[i].end && a[i].confidence == b[i].confidence);
    }
    aai_transcript_free(t);
    aai_transcript_free(back);
}

static void test_server_newer_response_fields(void) {
    h_write_wav(wav_path, "Dr Smith flew to Canada.", 0.5);
    aai_transcript *t = transcribe("{\"redact_pii\": true, \"redact_pii_policies\": [\"person_name\"], "
                                   "\"redact_pii_return_unredacted\": true, \"domain\": \"medical-v1\", "
                                   "\"speech_models\": [\"universal-3-pro\", \"universal-2\"], "
                                   "\"language_detection\": true, \"language_detection_options\": {\"code_switching\": true}}");
    CHECK_STR(aai_transcript_unredacted_text(t), "Dr Smith flew to Canada.");
    CHECK(aai_transcript_text(t) && strstr(aai_transcript_text(t), "Smith") == NULL);
    CHECK_STR(aai_transcript_domain_used(t), "medical-v1");
    CHECK_STR(aai_transcript_speech_model_used(t), "universal-3-pro");
    const aai_language_confidence *l = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_transcript_code_switching_languages(t, &l, &n), AAI_OK);
    CHECK(n == 1 && l && strcmp(l[0].language_code, "en") == 0 && l[0].confidence > 0);
    aai_transcript_free(t);
    /* Without redact_pii_return_unredacted: no unredacted text, no metadata. */
    t = transcribe("{\"redact_pii\": true, \"redact_pii_policies\": [\"person_name\"]}");
    CHECK(aai_transcript_unredacted_text(t) == NULL && aai_transcript_domain_used(t) == NULL);
    aai_transcript_free(t);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    RUN(test_from_json);
    RUN(test_from_json_rejects_bad_input);
    RUN(test_utterances);
    RUN(test_chapters_summary_language);
    RUN(test_sentiment_and_entities);
    RUN(test_auto_highlights);
    RUN(test_content_safety);
    RUN(test_iab_categories);
    RUN(test_absent_features);
    RUN(test_bad_arguments);
    RUN(test_threads_share_one_build);
    RUN(test_large_transcript);
    RUN(test_newer_response_fields);
    if (h_start_server(NULL) != 0) return 1;
    snprintf(wav_path, sizeof wav_path, "/tmp/aai-c-results-%d.wav", (int)getpid());
    h_write_wav(wav_path, "A: Hello there. B: Hi.", 2.0);
    RUN(test_server_utterances);
    RUN(test_server_language_detection);
    RUN(test_server_intelligence);
    RUN(test_server_round_trip);
    RUN(test_server_newer_response_fields);
    unlink(wav_path);
    return h_finish();
}
