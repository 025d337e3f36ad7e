/* Universal Streaming v3 parameters by name (the official SDK 1.8.2's StreamingParameters): what
   each typed setter accepts and refuses, and the query the local server receives. */
#include "harness.h"

static aai_client *client;

static aai_streaming *v3(void) {
    aai_streaming *s = NULL;
    aai_streaming_new(client, AAI_STREAMING_V3, &s);
    return s;
}

static void test_refusals_name_the_parameter(void) {
    aai_streaming *s = v3();
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_MODE, "fastest"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "mode");
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_VOICE_FOCUS, "mid-field"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_DOMAIN, "legal"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_AGENT_CONTEXT, ""), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_double_param(s, AAI_STREAMING_PARAM_VOICE_FOCUS_THRESHOLD, 1.5), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "voice_focus_threshold");
    CHECK_STATUS(aai_streaming_set_int_param(s, AAI_STREAMING_PARAM_TURN_LEFT_PAD_MS, -1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_SESSION_HEARTBEAT, 2), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_INCLUDE_PARTIAL_TURNS, "true"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "a boolean");
    CHECK_STATUS(aai_streaming_set_bool_param(s, "no_such_parameter", 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "no_such_parameter");
    const char *bad_policies[] = {"person_name", "shoe_size"};
    CHECK_STATUS(aai_streaming_set_strings_param(s, AAI_STREAMING_PARAM_REDACT_PII_POLICIES, bad_policies, 2), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "shoe_size");
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_REDACT_PII_SUB, "mask"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_json_param(s, AAI_STREAMING_PARAM_LLM_GATEWAY, "[1]"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_json_param(s, AAI_STREAMING_PARAM_LLM_GATEWAY, "{\"model\":\"m\",\"messages\":[],\"max_tokens\":5}"),
                 AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "llm_gateway.messages");
    CHECK_STATUS(aai_streaming_set_bool_param(NULL, AAI_STREAMING_PARAM_REDACT_PII, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_streaming_set_bool_param(s, NULL, 1), AAI_ERR_INVALID_ARGUMENT);
    aai_streaming_free(s);

    aai_streaming *v2 = NULL;
    aai_streaming_new(client, AAI_STREAMING_V2, &v2);
    CHECK_STATUS(aai_streaming_set_bool_param(v2, AAI_STREAMING_PARAM_INCLUDE_PARTIAL_TURNS, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "v3");
    aai_streaming_free(v2);
}

/* Every parameter set, connected to the local server: the query it recorded carries each, in the
   official SDK's encoding (booleans as true/false, lists and objects as JSON). */
static void test_the_server_receives_every_parameter(void) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/streaming/sessions", h_server_url);
    free(h_http("DELETE", url, NULL, NULL, NULL));
    aai_streaming *s = v3();
    const char *langs[] = {"en", "es"};
    const char *policies[] = {"person_name", "phone_number"};
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_MODE, "min_latency"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_DOMAIN, "medical-v1"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_VOICE_FOCUS, "near-field"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_double_param(s, AAI_STREAMING_PARAM_VOICE_FOCUS_THRESHOLD, 0.25), AAI_OK);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_INCLUDE_PARTIAL_TURNS, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_SESSION_HEARTBEAT, 0), AAI_OK);
    CHECK_STATUS(aai_streaming_set_strings_param(s, AAI_STREAMING_PARAM_LANGUAGE_CODES, langs, 2), AAI_OK);
    CHECK_STATUS(aai_streaming_set_int_param(s, AAI_STREAMING_PARAM_INTERRUPTION_DELAY, 200), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_WEBHOOK_URL, "https://example.org/hook"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_bool_param(s, AAI_STREAMING_PARAM_REDACT_PII, 1), AAI_OK);
    CHECK_STATUS(aai_streaming_set_strings_param(s, AAI_STREAMING_PARAM_REDACT_PII_POLICIES, policies, 2), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_REDACT_PII_SUB, "entity_name"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_json_param(s, AAI_STREAMING_PARAM_LLM_GATEWAY,
        "{\"model\": \"claude-sonnet-4-5-20250929\", \"messages\": [{\"role\": \"user\", \"content\": \"Summarise\"}], \"max_tokens\": 100}"),
        AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_AGENT_CONTEXT, "remove me"), AAI_OK);
    CHECK_STATUS(aai_streaming_set_string_param(s, AAI_STREAMING_PARAM_AGENT_CONTEXT, NULL), AAI_OK);
    CHECK_STATUS(aai_streaming_connect(s), AAI_OK);
    CHECK_STATUS(aai_streaming_close(s, 5000), AAI_OK);
    aai_streaming_free(s);

    char *sessions = h_http("GET", url, NULL, NULL, NULL);
    CHECK_CONTAINS(sessions, "mode=min_latency");
    CHECK_CONTAINS(sessions, "domain=medical-v1");
    CHECK_CONTAINS(sessions, "voice_focus=near-field");
    CHECK_CONTAINS(sessions, "voice_focus_threshold=0.25");
    CHECK_CONTAINS(sessions, "include_partial_turns=true");
    CHECK_CONTAINS(sessions, "session_heartbeat=false");
    CHECK_CONTAINS(sessions, "language_codes=%5B%22en%22%2C%22es%22%5D");
    CHECK_CONTAINS(sessions, "interruption_delay=200");
    CHECK_CONTAINS(sessions, "webhook_url=https%3A%2F%2Fexample.org%2Fhook");
    CHECK_CONTAINS(sessions, "redact_pii=true");
    CHECK_CONTAINS(sessions, "redact_pii_policies=%5B%22person_name%22%2C%22phone_number%22%5D");
    CHECK_CONTAINS(sessions, "redact_pii_sub=entity_name");
    CHECK_CONTAINS(sessions, "llm_gateway=%7B%22model%22%3A%22claude-sonnet-4-5-20250929%22");
    CHECK(strstr(sessions, "agent_context") == NULL);
    free(sessions);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    client = h_client();
    RUN(test_refusals_name_the_parameter);
    RUN(test_the_server_receives_every_parameter);
    aai_client_free(client);
    return h_finish();
}
