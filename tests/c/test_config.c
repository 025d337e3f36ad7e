/* The transcription config through the C ABI: each setter's exact JSON, each validation rule
   (with the field named in the message), and the local server, which validates requests
   against the API spec, accepting everything the setters produce. */
#include "harness.h"

static aai_config *cfg;
static char *json;

static const char *to_json(void) {
    aai_string_free(json);
    json = NULL;
    aai_config_to_json(cfg, &json);
    return json;
}

static void fresh(void) {
    aai_config_free(cfg);
    aai_config_new(&cfg);
}

static void test_typed_setters_by_name(void) {
    fresh();
    const char *terms[] = {"libassemblyai", "Swift"};
    CHECK_STATUS(aai_config_set_bool(cfg, AAI_FIELD_AUTO_CHAPTERS, 1), AAI_OK);
    CHECK_STATUS(aai_config_set_int(cfg, AAI_FIELD_SPEAKERS_EXPECTED, 3), AAI_OK);
    CHECK_STATUS(aai_config_set_double(cfg, AAI_FIELD_SPEECH_THRESHOLD, 0.5), AAI_OK);
    CHECK_STATUS(aai_config_set_string(cfg, AAI_FIELD_LANGUAGE_CODE, "es"), AAI_OK);
    CHECK_STATUS(aai_config_set_strings(cfg, AAI_FIELD_KEYTERMS_PROMPT, terms, 2), AAI_OK);
    CHECK_STR(to_json(), "{\"auto_chapters\":true,\"speakers_expected\":3,\"speech_threshold\":0.5,"
                         "\"language_code\":\"es\",\"keyterms_prompt\":[\"libassemblyai\",\"Swift\"]}");
    CHECK_STATUS(aai_config_unset(cfg, AAI_FIELD_AUTO_CHAPTERS), AAI_OK);
    CHECK_STATUS(aai_config_unset(cfg, "never_set"), AAI_OK);
    CHECK_STR(to_json(), "{\"speakers_expected\":3,\"speech_threshold\":0.5,"
                         "\"language_code\":\"es\",\"keyterms_prompt\":[\"libassemblyai\",\"Swift\"]}");
}

static void test_validation_names_the_field(void) {
    fresh();
    CHECK_STATUS(aai_config_set_bool(cfg, "auto_chapter", 1), AAI_ERR_INVALID_ARGUMENT);   /* typo */
    CHECK_CONTAINS(aai_last_error_message(), "'auto_chapter' is not a transcription config field");
    CHECK_STATUS(aai_config_set_int(cfg, AAI_FIELD_PUNCTUATE, 1), AAI_ERR_INVALID_ARGUMENT);  /* wrong type */
    CHECK_CONTAINS(aai_last_error_message(), "punctuate: expects a boolean");
    CHECK_STATUS(aai_config_set_int(cfg, AAI_FIELD_CONTENT_SAFETY_CONFIDENCE, 24), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "content_safety_confidence: must be at least 25, got 24");
    CHECK_STATUS(aai_config_set_int(cfg, AAI_FIELD_CONTENT_SAFETY_CONFIDENCE, 101), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_int(cfg, AAI_FIELD_CONTENT_SAFETY_CONFIDENCE, 100), AAI_OK);
    CHECK_STATUS(aai_config_set_double(cfg, AAI_FIELD_LANGUAGE_CONFIDENCE_THRESHOLD, 1.5), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_string(cfg, AAI_FIELD_REDACT_PII_SUB, "stars"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "redact_pii_sub: 'stars' is not one of");
    CHECK_STATUS(aai_config_set_string(cfg, AAI_FIELD_SUMMARY_TYPE, "gist"), AAI_OK);
    const char *bad_policies[] = {"person_name", "shoe_size"};
    CHECK_STATUS(aai_config_set_strings(cfg, AAI_FIELD_REDACT_PII_POLICIES, bad_policies, 2), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "'shoe_size'");
    CHECK_STATUS(aai_config_set_double(cfg, AAI_FIELD_TEMPERATURE, 0.0 / 0.0), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_strings(cfg, AAI_FIELD_TOPICS, NULL, 2), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STR(to_json(), "{\"content_safety_confidence\":100,\"summary_type\":\"gist\"}");
}

static void test_official_helpers(void) {
    fresh();
    CHECK_STATUS(aai_config_set_casing_and_formatting(cfg, 0), AAI_OK);
    CHECK_STR(to_json(), "{\"punctuate\":false,\"format_text\":false}");

    fresh();
    CHECK_STATUS(aai_config_set_speaker_diarization(cfg, 1, 2), AAI_OK);
    CHECK_STR(to_json(), "{\"speaker_labels\":true,\"speakers_expected\":2}");
    CHECK_STATUS(aai_config_set_speaker_diarization(cfg, 0, 0), AAI_OK);
    CHECK_STR(to_json(), "{\"speaker_labels\":false}");
    CHECK_STATUS(aai_config_set_speaker_diarization(cfg, 1, -1), AAI_ERR_INVALID_ARGUMENT);

    fresh();
    CHECK_STATUS(aai_config_set_webhook(cfg, "https://example.org/hook", "X-Token", "s3cret"), AAI_OK);
    CHECK_STR(to_json(), "{\"webhook_url\":\"https://example.org/hook\",\"webhook_auth_header_name\":\"X-Token\","
                         "\"webhook_auth_header_value\":\"s3cret\"}");
    CHECK_STATUS(aai_config_set_webhook(cfg, "https://example.org/hook", "X-Token", NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_webhook(cfg, NULL, NULL, NULL), AAI_OK);
    CHECK_STR(to_json(), "{}");

    CHECK_STATUS(aai_config_set_audio_slice(cfg, 1000, 5000), AAI_OK);
    CHECK_STR(to_json(), "{\"audio_start_from\":1000,\"audio_end_at\":5000}");
    CHECK_STATUS(aai_config_set_audio_slice(cfg, 5000, 1000), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "audio_end_at (1000) must be after audio_start_from (5000)");
    CHECK_STATUS(aai_config_set_audio_slice(cfg, 2000, -1), AAI_OK);
    CHECK_STR(to_json(), "{\"audio_start_from\":2000}");

    fresh();
    const char *words[] = {"AssemblyAI", "libcurl"};
    CHECK_STATUS(aai_config_set_word_boost(cfg, words, 2, "high"), AAI_OK);
    CHECK_STR(to_json(), "{\"word_boost\":[\"AssemblyAI\",\"libcurl\"],\"boost_param\":\"high\"}");
    CHECK_STATUS(aai_config_set_word_boost(cfg, words, 2, "max"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_word_boost(cfg, NULL, 0, NULL), AAI_OK);
    CHECK_STR(to_json(), "{}");

    const char *policies[] = {"person_name", "phone_number"};
    CHECK_STATUS(aai_config_set_redact_pii(cfg, 1, policies, 2, "entity_name", 1, "wav"), AAI_OK);
    CHECK_STR(to_json(), "{\"redact_pii\":true,\"redact_pii_policies\":[\"person_name\",\"phone_number\"],"
                         "\"redact_pii_sub\":\"entity_name\",\"redact_pii_audio\":true,\"redact_pii_audio_quality\":\"wav\"}");
    CHECK_STATUS(aai_config_set_redact_pii(cfg, 1, NULL, 0, NULL, -1, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "at least one PII policy");
    CHECK_STATUS(aai_config_set_redact_pii(cfg, 1, policies, 2, "asterisks", -1, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_redact_pii(cfg, 0, NULL, 0, NULL, -1, NULL), AAI_OK);
    CHECK_STR(to_json(), "{}");

    CHECK_STATUS(aai_config_set_content_safety(cfg, 1, 60), AAI_OK);
    CHECK_STR(to_json(), "{\"content_safety\":true,\"content_safety_confidence\":60}");
    CHECK_STATUS(aai_config_set_content_safety(cfg, 1, 10), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "between 25 and 100");

    fresh();
    CHECK_STATUS(aai_config_set_summarization(cfg, 1, "catchy", "headline"), AAI_OK);
    CHECK_STR(to_json(), "{\"summarization\":true,\"summary_model\":\"catchy\",\"summary_type\":\"headline\"}");
    CHECK_STATUS(aai_config_set_summarization(cfg, 1, "verbose", NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_config_set_summarization(cfg, 0, NULL, NULL), AAI_OK);
    CHECK_STR(to_json(), "{}");

    const char *from1[] = {"Gettleman", "Getleman"};
    const char *from2[] = {"Sequel"};
    CHECK_STATUS(aai_config_add_custom_spelling(cfg, from1, 2, "Gettelman"), AAI_OK);
    CHECK_STATUS(aai_config_add_custom_spelling(cfg, from2, 1, "SQL"), AAI_OK);
    CHECK_STR(to_json(), "{\"custom_spelling\":[{\"from\":[\"Gettleman\",\"Getleman\"],\"to\":\"Gettelman\"},"
                         "{\"from\":[\"Sequel\"],\"to\":\"SQL\"}]}");
    CHECK_STATUS(aai_config_add_custom_spelling(cfg, from2, 1, ""), AAI_ERR_INVALID_ARGUMENT);
}

static void test_cross_field_rules_checked_before_upload(void) {
    fresh();
    /* A rule broken through the raw JSON escape hatch is still caught before anything is sent. */
    CHECK_STATUS(aai_config_set_json(cfg, "{\"audio_start_from\": 5000, \"audio_end_at\": 100}"), AAI_OK);
    CHECK_STATUS(aai_config_validate(cfg), AAI_ERR_INVALID_ARGUMENT);
    aai_client *c = h_client();
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(c, NULL, &t);
    char path[] = "/tmp/aai-config-test.wav";
    h_write_wav(path, "hello", 1.0);
    CHECK_STATUS(aai_transcriber_transcribe_file(t, path, cfg, &tr), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "audio_end_at");
    unlink(path);
    aai_transcriber_free(t);
    aai_client_free(c);
}

static void test_server_accepts_what_setters_make(void) {
    fresh();
    const char *policies[] = {"person_name", "email_address"};
    const char *from[] = {"colour"};
    const char *topics[] = {"Swift"};
    aai_config_set_speaker_diarization(cfg, 1, 2);
    aai_config_set_redact_pii(cfg, 1, policies, 2, "hash", 0, "mp3");
    aai_config_set_content_safety(cfg, 1, 75);
    aai_config_set_summarization(cfg, 1, "informative", "bullets");
    aai_config_add_custom_spelling(cfg, from, 1, "color");
    aai_config_set_webhook(cfg, "https://example.org/hook", "X-Auth", "v");
    aai_config_set_audio_slice(cfg, 0, 900);
    aai_config_set_bool(cfg, AAI_FIELD_AUTO_HIGHLIGHTS, 1);
    aai_config_set_bool(cfg, AAI_FIELD_SENTIMENT_ANALYSIS, 1);
    aai_config_set_bool(cfg, AAI_FIELD_ENTITY_DETECTION, 1);
    aai_config_set_bool(cfg, AAI_FIELD_IAB_CATEGORIES, 1);
    aai_config_set_bool(cfg, AAI_FIELD_DISFLUENCIES, 1);
    aai_config_set_bool(cfg, AAI_FIELD_FILTER_PROFANITY, 1);
    aai_config_set_bool(cfg, AAI_FIELD_CUSTOM_TOPICS, 1);
    aai_config_set_strings(cfg, AAI_FIELD_TOPICS, topics, 1);
    aai_config_set_string(cfg, AAI_FIELD_LANGUAGE_CODE, "en_us");
    aai_config_set_double(cfg, AAI_FIELD_SPEECH_THRESHOLD, 0.2);
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
    RUN(test_typed_setters_by_name);
    RUN(test_validation_names_the_field);
    RUN(test_official_helpers);
    RUN(test_cross_field_rules_checked_before_upload);
    RUN(test_server_accepts_what_setters_make);
    aai_config_free(cfg);
    aai_string_free(json);
    return h_finish();
}
