/* The config helpers for the fields of the official SDK 1.8.2 and today's spec: what each one
   writes, what it refuses (leaving the config unchanged), and that the local server, which
   validates against the spec and its addendum, accepts the result. */
#include "harness.h"

static aai_config *cfg;
static char *json;

static const char *to_json(void) {
    aai_string_free(json);
    json = NULL;
    if (aai_config_to_json(cfg, &json) != AAI_OK) return "";
    return json;
}

static void fresh(void) {
    aai_config_free(cfg);
    cfg = NULL;
    aai_config_new(&cfg);
}

static void test_speech_models_primary_and_legacy_singular(void) {
    fresh();
    const char *models[] = {"universal-3-5-pro", "universal-2"};
    CHECK_STATUS(aai_config_set_speech_models(cfg, models, 2), AAI_OK);
    CHECK_CONTAINS(to_json(), "\"speech_models\":[\"universal-3-5-pro\",\"universal-2\"]");
    const char *twice[] = {"universal-2", "universal-2"};
    CHECK_STATUS(aai_config_set_speech_models(cfg, twice, 2), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "twice");
    const char *blank[] = {"universal 2"};
    CHECK_STATUS(aai_config_set_speech_models(cfg, blank, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_speech_models(cfg, NULL, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(to_json(), "universal-3-5-pro");   /* unchanged by the refusals */
    CHECK_STATUS(aai_config_set_speech_models(cfg, NULL, 0), AAI_OK);
    CHECK(strstr(to_json(), "speech_models") == NULL);
    CHECK_STATUS(aai_config_set_speech_model(cfg, "universal"), AAI_OK);   /* legacy, still sent */
    CHECK_CONTAINS(to_json(), "\"speech_model\":\"universal\"");
}

static void test_domain_unredacted_keyterms_options(void) {
    fresh();
    CHECK_STATUS(aai_config_set_domain(cfg, "medical-v1"), AAI_OK);
    CHECK_CONTAINS(to_json(), "\"domain\":\"medical-v1\"");
    CHECK_STATUS(aai_config_set_domain(cfg, ""), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_string(cfg, AAI_FIELD_DOMAIN, "legal"), AAI_OK);   /* known by name too */
    CHECK_STATUS(aai_config_set_domain(cfg, NULL), AAI_OK);
    CHECK(strstr(to_json(), "domain") == NULL);

    CHECK_STATUS(aai_config_set_redact_pii_return_unredacted(cfg, 1), AAI_OK);
    CHECK_CONTAINS(to_json(), "\"redact_pii_return_unredacted\":true");
    CHECK_STATUS(aai_config_set_redact_pii_return_unredacted(cfg, 2), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_int(cfg, AAI_FIELD_REDACT_PII_RETURN_UNREDACTED, 1), AAI_ERR_INVALID_ARGUMENT);

    CHECK_STATUS(aai_config_set_keyterms_prompt_options(cfg, "high"), AAI_OK);
    CHECK_CONTAINS(to_json(), "\"keyterms_prompt_options\":{\"keyterms_match_strength\":\"high\"}");
    CHECK_STATUS(aai_config_set_keyterms_prompt_options(cfg, "extreme"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "keyterms_match_strength");
    CHECK_CONTAINS(to_json(), "\"high\"");
    CHECK_STATUS(aai_config_set_keyterms_prompt_options(cfg, NULL), AAI_OK);
    CHECK(strstr(to_json(), "keyterms_prompt_options") == NULL);
}

static void test_speaker_options(void) {
    fresh();
    CHECK_STATUS(aai_config_set_speaker_options(cfg, 2, 5, 1, "balanced", "experimental"), AAI_OK);
    CHECK_CONTAINS(to_json(), "\"speaker_options\":{\"min_speakers_expected\":2,\"max_speakers_expected\":5,"
                              "\"use_two_stage_clustering\":true,\"short_file_diarization_method\":\"balanced\","
                              "\"long_file_diarization_method\":\"experimental\"}");
    CHECK_STATUS(aai_config_set_speaker_options(cfg, 0, 3, -1, NULL, NULL), AAI_OK);
    CHECK_CONTAINS(to_json(), "\"speaker_options\":{\"max_speakers_expected\":3}");
    struct { int lo, hi, two; const char *s, *l, *why; } bad[] = {
        {5, 2, -1, NULL, NULL, "max_speakers_expected"},
        {-1, 0, -1, NULL, NULL, "min_speakers_expected"},
        {0, -3, -1, NULL, NULL, "max_speakers_expected"},
        {0, 0, 2, NULL, NULL, "use_two_stage_clustering"},
        {0, 0, -1, "fast", NULL, "short_file_diarization_method"},
        {0, 0, -1, NULL, "deliberate", "long_file_diarization_method"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_STATUS(aai_config_set_speaker_options(cfg, bad[i].lo, bad[i].hi, bad[i].two, bad[i].s, bad[i].l),
                     AAI_ERR_INVALID_ARGUMENT);
        CHECK_CONTAINS(aai_last_error_message(), bad[i].why);
    }
    CHECK_CONTAINS(to_json(), "\"speaker_options\":{\"max_speakers_expected\":3}");   /* unchanged */
    CHECK_STATUS(aai_config_set_speaker_options(cfg, 0, 0, -1, NULL, NULL), AAI_OK);
    CHECK(strstr(to_json(), "speaker_options") == NULL);
}

static void test_language_detection_options(void) {
    fresh();
    const char *langs[] = {"en", "de"};
    CHECK_STATUS(aai_config_set_language_detection_options(cfg, langs, 2, "auto", 1, 0.4, "fallback", 0), AAI_OK);
    CHECK_CONTAINS(to_json(), "\"language_detection_options\":{\"expected_languages\":[\"en\",\"de\"],"
                              "\"fallback_language\":\"auto\",\"code_switching\":true,"
                              "\"code_switching_confidence_threshold\":0.4,\"on_low_language_confidence\":\"fallback\","
                              "\"swiss_german\":false}");
    CHECK_STATUS(aai_config_set_language_detection_options(cfg, NULL, 0, NULL, -1, 1.5, NULL, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "code_switching_confidence_threshold");
    CHECK_STATUS(aai_config_set_language_detection_options(cfg, NULL, 0, NULL, -1, -1, "ignore", -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "on_low_language_confidence");
    CHECK_STATUS(aai_config_set_language_detection_options(cfg, NULL, 0, "", -1, -1, NULL, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_language_detection_options(cfg, NULL, 0, NULL, 3, -1, NULL, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_language_detection_options(cfg, NULL, 2, NULL, -1, -1, NULL, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(to_json(), "\"swiss_german\":false");   /* unchanged */
    CHECK_STATUS(aai_config_set_language_detection_options(cfg, NULL, 0, NULL, -1, -1, NULL, 1), AAI_OK);
    CHECK_CONTAINS(to_json(), "\"language_detection_options\":{\"swiss_german\":true}");
    CHECK_STATUS(aai_config_set_language_detection_options(cfg, NULL, 0, NULL, -1, -1, NULL, -1), AAI_OK);
    CHECK(strstr(to_json(), "language_detection_options") == NULL);
}

static void test_null_config(void) {
    const char *m[] = {"universal-2"};
    CHECK_STATUS(aai_config_set_speech_models(NULL, m, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_domain(NULL, "x"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_redact_pii_return_unredacted(NULL, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_keyterms_prompt_options(NULL, "high"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_speaker_options(NULL, 1, 2, -1, NULL, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_language_detection_options(NULL, NULL, 0, NULL, -1, -1, NULL, -1), AAI_ERR_INVALID_ARGUMENT);
}

/* Everything at once, submitted: the local server validates the body against the spec and its
   addendum (openapi-latest-additions.yml) and records it. */
static void test_server_accepts_every_new_field(void) {
    fresh();
    const char *models[] = {"universal-3-5-pro", "universal-2"};
    const char *langs[] = {"en", "es"};
    const char *policies[] = {"person_name"};
    const char *terms[] = {"libassemblyai"};
    aai_config_set_speech_models(cfg, models, 2);
    aai_config_set_domain(cfg, "medical-v1");
    aai_config_set_redact_pii(cfg, 1, policies, 1, NULL, -1, NULL);
    aai_config_set_redact_pii_return_unredacted(cfg, 1);
    aai_config_set_strings(cfg, AAI_FIELD_KEYTERMS_PROMPT, terms, 1);
    aai_config_set_keyterms_prompt_options(cfg, "standard");
    aai_config_set_speaker_labels(cfg, 1);
    aai_config_set_speaker_options(cfg, 1, 4, 0, "conservative", "standard");
    aai_config_set_bool(cfg, AAI_FIELD_LANGUAGE_DETECTION, 1);
    aai_config_set_language_detection_options(cfg, langs, 2, "en", 1, 0.3, "error", 0);
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(c, cfg, &t);
    CHECK_STATUS(aai_transcriber_submit_url(t, "https://example.org/audio.wav", NULL, &tr), AAI_OK);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_client_free(c);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    RUN(test_speech_models_primary_and_legacy_singular);
    RUN(test_domain_unredacted_keyterms_options);
    RUN(test_speaker_options);
    RUN(test_language_detection_options);
    RUN(test_null_config);
    RUN(test_server_accepts_every_new_field);
    aai_config_free(cfg);
    aai_string_free(json);
    return h_finish();
}
