/* LeMUR and the LLM Gateway through the C ABI against the local server: each LeMUR call on a
   transcript, on input text and on a group, get and purge by request id, a chat completion with
   a transcript as context, tool calls, and the errors a user meets. */
#include "harness.h"

static aai_client *client;
static char id1[64], id2[64];

static void transcribe(const char *text, char *id_out) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/aai-lemur-%d.wav", (int)getpid());
    h_write_wav(path, text, 3.0);
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    aai_config_set_speaker_labels(cfg, 1);
    aai_transcriber_new(client, cfg, &t);
    if (aai_transcriber_transcribe_file(t, path, NULL, &tr) == AAI_OK) snprintf(id_out, 64, "%s", aai_transcript_id(tr));
    aai_transcript_free(tr);
    aai_transcriber_free(t);
    aai_config_free(cfg);
    unlink(path);
}

static aai_lemur_params *params_for(const char *a, const char *b) {
    aai_lemur_params *p = NULL;
    aai_lemur_params_new(&p);
    if (a) aai_lemur_params_add_transcript_id(p, a);
    if (b) aai_lemur_params_add_transcript_id(p, b);
    return p;
}

static void test_task_summary_action_items(void) {
    aai_lemur_params *p = params_for(id1, NULL);
    CHECK_STATUS(aai_lemur_params_set_final_model(p, AAI_LEMUR_MODEL_CLAUDE_3_5_SONNET), AAI_OK);
    CHECK_STATUS(aai_lemur_params_set_temperature(p, 0.2), AAI_OK);
    CHECK_STATUS(aai_lemur_params_set_max_output_size(p, 500), AAI_OK);
    CHECK_STATUS(aai_lemur_params_set_context(p, "a test call"), AAI_OK);
    aai_lemur_response *r = NULL;
    CHECK_STATUS(aai_lemur_task(client, p, "What is said?", &r), AAI_OK);
    CHECK(aai_lemur_response_request_id(r) != NULL);
    CHECK(aai_lemur_response_text(r) != NULL && strlen(aai_lemur_response_text(r)) > 0);
    int64_t in = 0, outt = 0;
    CHECK_STATUS(aai_lemur_response_usage(r, &in, &outt), AAI_OK);
    CHECK(in > 0 && outt > 0);
    const char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(aai_lemur_response_json(r, &json, &len), AAI_OK);
    CHECK_CONTAINS(json, "request_id");
    /* The response can be fetched again by its id, then purged. */
    aai_lemur_response *again = NULL;
    CHECK_STATUS(aai_lemur_get_response(client, aai_lemur_response_request_id(r), &again), AAI_OK);
    CHECK_STR(aai_lemur_response_text(again), aai_lemur_response_text(r));
    int deleted = 0;
    CHECK_STATUS(aai_lemur_purge_request_data(client, aai_lemur_response_request_id(r), &deleted), AAI_OK);
    CHECK(deleted == 1);
    aai_lemur_response_free(again);
    aai_lemur_response_free(r);
    CHECK_STATUS(aai_lemur_summary(client, p, "TLDR", &r), AAI_OK);
    CHECK(aai_lemur_response_text(r) != NULL);
    aai_lemur_response_free(r);
    CHECK_STATUS(aai_lemur_action_items(client, p, NULL, &r), AAI_OK);
    CHECK(aai_lemur_response_text(r) != NULL);
    aai_lemur_response_free(r);
    aai_lemur_params_free(p);
}

static void test_question_answer_on_a_group(void) {
    aai_lemur_params *p = params_for(id1, id2);
    const char *options[] = {"yes", "no"};
    aai_lemur_question q[2] = {
        {"Is anyone greeted?", NULL, NULL, options, 2},
        {"Who speaks?", "the call", "one short sentence", NULL, 0},
    };
    aai_lemur_response *r = NULL;
    CHECK_STATUS(aai_lemur_question_answer(client, p, q, 2, &r), AAI_OK);
    const aai_lemur_answer *a = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_lemur_response_answers(r, &a, &n), AAI_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(a[0].question, "Is anyone greeted?");
        CHECK(a[0].answer && (strcmp(a[0].answer, "yes") == 0 || strcmp(a[0].answer, "no") == 0));
        CHECK_STR(a[1].question, "Who speaks?");
    }
    CHECK(aai_lemur_response_text(r) == NULL);
    aai_lemur_response_free(r);
    CHECK_STATUS(aai_lemur_question_answer(client, p, q, 0, &r), AAI_ERR_INVALID_ARGUMENT);
    aai_lemur_params_free(p);
}

static void test_input_text_and_errors(void) {
    aai_lemur_params *p = params_for(NULL, NULL);
    aai_lemur_response *r = NULL;
    /* Nothing to ask about: refused before sending. */
    CHECK_STATUS(aai_lemur_task(client, p, "Summarize", &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "transcript id or an input text");
    CHECK_STATUS(aai_lemur_params_set_input_text(p, "Alice called Bob about the invoice."), AAI_OK);
    CHECK_STATUS(aai_lemur_task(client, p, "", &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_lemur_task(client, p, "Who called?", &r), AAI_OK);
    aai_lemur_response_free(r);
    CHECK_STATUS(aai_lemur_params_set_temperature(p, 1.5), AAI_ERR_INVALID_ARGUMENT);
    aai_lemur_params_free(p);
    /* An unknown transcript and an unknown request id: the server's own error text. */
    p = params_for("6a0d6b4e-0000-4000-8000-000000000000", NULL);
    CHECK(aai_lemur_task(client, p, "Anything?", &r) != AAI_OK);
    CHECK(aai_last_error_http_status() == 400 || aai_last_error_http_status() == 404);
    CHECK(aai_last_error_server_text() != NULL);
    aai_lemur_params_free(p);
    CHECK_STATUS(aai_lemur_get_response(client, "6a0d6b4e-0000-4000-8000-000000000000", &r), AAI_ERR_NOT_FOUND);
}

static void test_llm_gateway_with_transcript_context(void) {
    aai_transcriber *t = NULL;
    aai_transcript *tr = NULL;
    aai_transcriber_new(client, NULL, &t);
    CHECK_STATUS(aai_transcriber_get(t, id1, &tr), AAI_OK);
    aai_llm_request *req = NULL;
    CHECK_STATUS(aai_llm_request_new("claude-sonnet-4-5-20250929", &req), AAI_OK);
    CHECK_STATUS(aai_llm_request_add_transcript(req, tr, 1), AAI_OK);
    CHECK_STATUS(aai_llm_request_add_message(req, "user", "Summarize the call."), AAI_OK);
    CHECK_STATUS(aai_llm_request_set_max_tokens(req, 200), AAI_OK);
    CHECK_STATUS(aai_llm_request_add_message(req, "robot", "x"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_request_set_temperature(req, 3), AAI_ERR_INVALID_ARGUMENT);
    aai_llm_response *r = NULL;
    CHECK_STATUS(aai_llm_chat_completion(client, req, &r), AAI_OK);
    CHECK(aai_llm_response_text(r) != NULL && strlen(aai_llm_response_text(r)) > 0);
    int64_t in = -1, outt = -1, total = -1;
    CHECK_STATUS(aai_llm_response_usage(r, &in, &outt, &total), AAI_OK);
    CHECK(in > 0 && total == in + outt);
    aai_llm_response_free(r);
    aai_llm_request_free(req);
    /* Tool calls: the model may ask for a declared function. */
    CHECK_STATUS(aai_llm_request_new("gpt-4.1", &req), AAI_OK);
    CHECK_STATUS(aai_llm_request_add_tool(req, "get_weather", "The weather in a city",
                                          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), AAI_OK);
    CHECK_STATUS(aai_llm_request_add_tool(req, "bad", NULL, "[1]"), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_request_set_prompt(req, "Use get_weather for Paris."), AAI_OK);
    CHECK_STATUS(aai_llm_chat_completion(client, req, &r), AAI_OK);
    const aai_llm_tool_call *calls = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_llm_response_tool_calls(r, &calls, &n), AAI_OK);
    CHECK(n >= 1);
    if (n >= 1) { CHECK_STR(calls[0].name, "get_weather"); CHECK(calls[0].arguments != NULL); }
    aai_llm_response_free(r);
    aai_llm_request_free(req);
    /* The gateway's own error shape ({"error": {"code", "message"}}) gives its message as the server text. */
    CHECK_STATUS(aai_llm_request_new("gpt-4.1", &req), AAI_OK);
    CHECK_STATUS(aai_llm_request_set_prompt(req, "hello"), AAI_OK);
    CHECK_STATUS(aai_llm_request_set_json(req, "{\"stream\": true}"), AAI_OK);
    CHECK(aai_llm_chat_completion(client, req, &r) != AAI_OK);
    CHECK(aai_last_error_http_status() == 400);
    CHECK(aai_last_error_server_text() != NULL && aai_last_error_server_text()[0] != '{');
    aai_llm_request_free(req);
    /* Neither messages nor prompt: refused before sending. */
    aai_llm_request_new("gpt-4.1", &req);
    CHECK_STATUS(aai_llm_chat_completion(client, req, &r), AAI_ERR_INVALID_ARGUMENT);
    aai_llm_request_free(req);
    aai_transcript_free(tr);
    aai_transcriber_free(t);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (h_start_server(NULL) != 0) return 1;
    client = h_client();
    aai_client_set_llm_gateway_base_url(client, h_server_url);
    transcribe("A: Hello Bob. B: Hi Alice, thanks for calling about the invoice.", id1);
    transcribe("A: The invoice is paid. B: Great, goodbye.", id2);
    if (!id1[0] || !id2[0]) { fprintf(stderr, "could not make the test transcripts\n"); return 1; }
    RUN(test_task_summary_action_items);
    RUN(test_question_answer_on_a_group);
    RUN(test_input_text_and_errors);
    RUN(test_llm_gateway_with_transcript_context);
    aai_client_free(client);
    return h_finish();
}
