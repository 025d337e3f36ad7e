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
    CHECK_STATUS(aai_llm_request_add_tool(req, "get_weather", NULL, NULL), AAI_OK);
    CHECK_STATUS(aai_llm_request_set_json(req, "{\"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"nope\"}}}"), AAI_OK);
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

/* ---- LLM Gateway: streamed completions and structured output ---- */
typedef struct coll {
    char text[8192];
    char args[2048];
    char tool_name[64];
    char finish[32];
    char role[32];
    int events, usage_events, stop_after, bad_received;
    int64_t prompt, completion, total;
    size_t bytes;                 /* the SSE bytes of the events seen: "data: " + JSON + "\n\n" */
    size_t first_event_bytes;
    pthread_t thread;
    pthread_mutex_t lock;
} coll;

static int collect(const aai_llm_stream_event *e, void *user_data) {
    coll *c = user_data;
    pthread_mutex_lock(&c->lock);
    c->thread = pthread_self();
    c->events++;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (e->received_ns <= 0 || e->received_ns > now_ns) c->bad_received++;   /* read before this callback */
    c->bytes += 8 + strlen(e->chunk_json);
    if (c->events == 1) c->first_event_bytes = c->bytes;
    if (e->role) snprintf(c->role, sizeof c->role, "%s", e->role);
    if (e->content) strncat(c->text, e->content, sizeof c->text - strlen(c->text) - 1);
    if (e->finish_reason) snprintf(c->finish, sizeof c->finish, "%s", e->finish_reason);
    for (size_t i = 0; i < e->tool_call_count; i++) {
        if (e->tool_calls[i].name) snprintf(c->tool_name, sizeof c->tool_name, "%s", e->tool_calls[i].name);
        if (e->tool_calls[i].arguments) strncat(c->args, e->tool_calls[i].arguments, sizeof c->args - strlen(c->args) - 1);
    }
    if (e->total_tokens >= 0) {
        c->usage_events++;
        c->prompt = e->prompt_tokens;
        c->completion = e->completion_tokens;
        c->total = e->total_tokens;
        if (e->choice_index != -1) c->usage_events += 100;   /* the local server's usage chunk has no choices */
    }
    int stop = c->stop_after > 0 && c->events >= c->stop_after;
    pthread_mutex_unlock(&c->lock);
    return stop;
}

static void coll_init(coll *c) {
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
}

static aai_llm_request *words_request(void) {
    aai_llm_request *req = NULL;
    aai_llm_request_new("gpt-4.1", &req);
    aai_llm_request_add_message(req, "system", "Be brief.");
    aai_llm_request_add_message(req, "user", "Tell me about the invoice and the call with Bob today");
    return req;
}

static void arm(const char *fault_json) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/faults", h_server_url);
    long st = 0;
    free(h_http("POST", url, fault_json, &st, NULL));
    CHECK(st == 200 || st == 201);
}
static void disarm(void) {
    char url[256];
    snprintf(url, sizeof url, "%s/_local/faults", h_server_url);
    free(h_http("DELETE", url, NULL, NULL, NULL));
}

static void test_llm_stream_text(void) {
    aai_llm_request *req = words_request();
    aai_llm_response *plain = NULL;
    CHECK_STATUS(aai_llm_chat_completion(client, req, &plain), AAI_OK);
    coll c;
    coll_init(&c);
    aai_llm_response *r = NULL;
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, &r), AAI_OK);
    /* Word by word: many events, joined they are exactly the non-streamed answer. */
    CHECK(c.events > 5);
    CHECK_STR(c.text, aai_llm_response_text(plain));
    CHECK_STR(c.role, "assistant");
    CHECK_STR(c.finish, "stop");
    CHECK(c.usage_events == 1);
    CHECK(c.total > 0 && c.total == c.prompt + c.completion);
    CHECK(pthread_equal(c.thread, pthread_self()));
    CHECK(c.bad_received == 0);
    /* The assembled response reads like a non-streamed one. */
    CHECK_STR(aai_llm_response_text(r), c.text);
    CHECK_STR(aai_llm_response_finish_reason(r), "stop");
    int64_t in = 0, outt = 0, total = 0;
    CHECK_STATUS(aai_llm_response_usage(r, &in, &outt, &total), AAI_OK);
    CHECK(in == c.prompt && outt == c.completion && total == c.total);
    CHECK(aai_llm_response_request_id(r) != NULL);
    aai_llm_response_free(r);
    aai_llm_response_free(plain);
    /* *out may be NULL. */
    coll_init(&c);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, NULL), AAI_OK);
    CHECK(c.events > 5);
    /* The callback stops the stream: AAI_ERR_CANCELLED, no event after it. */
    coll_init(&c);
    c.stop_after = 2;
    r = (aai_llm_response *)1;
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, &r), AAI_ERR_CANCELLED);
    CHECK(c.events == 2);
    CHECK(r == NULL);
    /* Bad arguments. */
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, NULL, NULL, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_chat_completion_stream(NULL, req, collect, &c, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, NULL, collect, &c, NULL), AAI_ERR_INVALID_ARGUMENT);
    aai_llm_request *empty = NULL;
    aai_llm_request_new("gpt-4.1", &empty);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, empty, collect, &c, NULL), AAI_ERR_INVALID_ARGUMENT);
    /* "stream": true in the blocking call is refused before sending. */
    CHECK_STATUS(aai_llm_request_set_prompt(empty, "hi"), AAI_OK);
    CHECK_STATUS(aai_llm_request_set_json(empty, "{\"stream\": true}"), AAI_OK);
    CHECK_STATUS(aai_llm_chat_completion(client, empty, &r), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "stream");
    aai_llm_request_free(empty);
    aai_llm_request_free(req);
}

static void test_llm_stream_tool_call(void) {
    aai_llm_request *req = NULL;
    aai_llm_request_new("gpt-4.1", &req);
    aai_llm_request_add_tool(req, "get_weather", "The weather in a city",
                             "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}, \"days\": {\"type\": \"integer\"}}}");
    aai_llm_request_set_prompt(req, "Use get_weather for Paris and the next days please");
    aai_llm_response *plain = NULL;
    CHECK_STATUS(aai_llm_chat_completion(client, req, &plain), AAI_OK);
    const aai_llm_tool_call *pc = NULL;
    size_t pn = 0;
    aai_llm_response_tool_calls(plain, &pc, &pn);
    CHECK(pn == 1);
    coll c;
    coll_init(&c);
    aai_llm_response *r = NULL;
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, &r), AAI_OK);
    CHECK_STR(c.finish, "tool_calls");
    CHECK_STR(c.tool_name, "get_weather");
    if (pn == 1) CHECK_STR(c.args, pc[0].arguments);   /* the pieces joined are the whole arguments */
    const aai_llm_tool_call *calls = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_llm_response_tool_calls(r, &calls, &n), AAI_OK);
    CHECK(n == 1);
    if (n == 1) {
        CHECK_STR(calls[0].name, "get_weather");
        CHECK_STR(calls[0].arguments, c.args);
        CHECK(calls[0].id != NULL && strncmp(calls[0].id, "call_", 5) == 0);
    }
    CHECK_STR(aai_llm_response_finish_reason(r), "tool_calls");
    aai_llm_response_free(r);
    aai_llm_response_free(plain);
    aai_llm_request_free(req);
}

static void test_llm_structured_output(void) {
    const char *schema = "{\"type\": \"object\", \"properties\": {\"final_answer\": {\"type\": \"string\"}, "
                         "\"steps\": {\"type\": \"array\"}}, \"required\": [\"steps\", \"final_answer\"]}";
    aai_llm_request *req = NULL;
    aai_llm_request_new("gemini-2.5-flash-lite", &req);
    aai_llm_request_add_message(req, "user", "how can I solve 8x + 7 = -23");
    CHECK_STATUS(aai_llm_request_set_response_format_json_schema(req, "math_reasoning", schema, 1), AAI_OK);
    /* Bad input, refused before any request. */
    CHECK_STATUS(aai_llm_request_set_response_format_json_schema(req, "", schema, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_request_set_response_format_json_schema(req, "x", "[1]", 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_request_set_response_format_json_schema(req, "x", "{nope", 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_request_set_response_format_json_schema(req, "x", schema, 2), AAI_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(aai_last_error_message(), "strict");
    CHECK_STATUS(aai_llm_request_set_response_format_json_schema(req, NULL, schema, 1), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_request_set_response_format_json_schema(NULL, "x", schema, 1), AAI_ERR_INVALID_ARGUMENT);
    aai_llm_response *r = NULL;
    CHECK_STATUS(aai_llm_chat_completion(client, req, &r), AAI_OK);
    const char *text = aai_llm_response_text(r);
    CHECK(text && text[0] == '{');
    CHECK_CONTAINS(text, "\"final_answer\"");
    CHECK_CONTAINS(text, "\"steps\"");
    aai_llm_response_free(r);
    /* Streamed: the pieces joined are the same JSON. */
    coll c;
    coll_init(&c);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, &r), AAI_OK);
    CHECK(c.text[0] == '{');
    CHECK_CONTAINS(c.text, "\"final_answer\"");
    aai_llm_response_free(r);
    /* strict -1 leaves it out; the request still validates against the spec. */
    CHECK_STATUS(aai_llm_request_set_response_format_json_schema(req, "math_reasoning", schema, -1), AAI_OK);
    CHECK_STATUS(aai_llm_chat_completion(client, req, &r), AAI_OK);
    aai_llm_response_free(r);
    aai_llm_request_free(req);
}

/* Faults on the stream: nothing lost, nothing delivered twice, and a clear error. */
static void test_llm_stream_faults(void) {
    aai_llm_request *req = words_request();
    coll full;
    coll_init(&full);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &full, NULL), AAI_OK);
    char f[512];

    /* 429 with Retry-After before anything streamed: retried, every delta exactly once. */
    arm("{\"method\": \"POST\", \"path\": \"/v1/chat/completions\", \"kind\": \"status\", \"status\": 429, \"retry_after\": 1}");
    coll c;
    coll_init(&c);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, NULL), AAI_OK);
    CHECK_STR(c.text, full.text);
    CHECK(c.events == full.events);

    /* 500: not retried (the server may have acted on it), no delta. */
    arm("{\"method\": \"POST\", \"path\": \"/v1/chat/completions\", \"kind\": \"status\", \"status\": 500}");
    coll_init(&c);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, NULL), AAI_ERR_SERVER);
    CHECK(c.events == 0);
    CHECK(aai_last_error_http_status() == 500);
    CHECK_CONTAINS(aai_last_error_message(), "may have received");

    /* The connection reset mid-stream: the events before it, a prefix of the answer, then AAI_ERR_CONNECTION. */
    snprintf(f, sizeof f, "{\"method\": \"POST\", \"path\": \"/v1/chat/completions\", \"kind\": \"reset\", \"at_byte\": %zu}",
             full.first_event_bytes * 3);
    arm(f);
    coll_init(&c);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, NULL), AAI_ERR_CONNECTION);
    CHECK(c.events >= 1 && c.events < full.events);
    CHECK(strncmp(full.text, c.text, strlen(c.text)) == 0);
    CHECK_CONTAINS(aai_last_error_message(), "may have received");

    /* Truncated: every event, a clean end, but no data: [DONE]. */
    snprintf(f, sizeof f, "{\"method\": \"POST\", \"path\": \"/v1/chat/completions\", \"kind\": \"malformed_event\", \"at_byte\": %zu}",
             full.bytes);
    arm(f);
    coll_init(&c);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, NULL), AAI_ERR_CONNECTION);
    CHECK(c.events == full.events);
    CHECK_STR(c.text, full.text);
    CHECK_CONTAINS(aai_last_error_message(), "[DONE]");
    CHECK(aai_last_error_http_status() == 200);

    /* An event whose JSON is cut: AAI_ERR_PROTOCOL, the events before it delivered once. */
    snprintf(f, sizeof f, "{\"method\": \"POST\", \"path\": \"/v1/chat/completions\", \"kind\": \"malformed_event\", \"at_byte\": %zu}",
             full.first_event_bytes + 30);
    arm(f);
    coll_init(&c);
    CHECK_STATUS(aai_llm_chat_completion_stream(client, req, collect, &c, NULL), AAI_ERR_PROTOCOL);
    if (c.events != 1) fprintf(stderr, "# events %d, message %s\n", c.events, aai_last_error_message());
    CHECK(c.events == 1);
    CHECK_CONTAINS(aai_last_error_message(), "malformed JSON");
    CHECK_CONTAINS(aai_last_error_message(), "event 2");
    disarm();
    aai_llm_request_free(req);
}

typedef struct done_flag { pthread_mutex_t lock; int calls; aai_status status; } done_flag;
static void on_done(aai_future *f, aai_status status, void *user_data) {
    (void)f;
    done_flag *d = user_data;
    pthread_mutex_lock(&d->lock);
    d->calls++;
    d->status = status;
    pthread_mutex_unlock(&d->lock);
}

static void test_llm_stream_async(void) {
    aai_llm_request *req = words_request();
    coll c;
    coll_init(&c);
    done_flag d = {PTHREAD_MUTEX_INITIALIZER, 0, AAI_ERR_STATE};
    aai_future *f = NULL;
    CHECK_STATUS(aai_llm_chat_completion_stream_async(client, req, collect, &c, on_done, &d, &f), AAI_OK);
    aai_llm_request_free(req);   /* copied by the call */
    aai_status st = AAI_ERR_STATE;
    CHECK_STATUS(aai_future_wait(f, 10000, &st), AAI_OK);
    CHECK(st == AAI_OK);
    aai_llm_response *r = NULL;
    CHECK_STATUS(aai_future_llm_response(f, &r), AAI_OK);
    CHECK(c.events > 5);
    CHECK(!pthread_equal(c.thread, pthread_self()));
    CHECK_STR(aai_llm_response_text(r), c.text);
    aai_llm_response_free(r);
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&d.lock);
        int calls = d.calls;
        pthread_mutex_unlock(&d.lock);
        if (calls) break;
        usleep(10000);
    }
    CHECK(d.calls == 1 && d.status == AAI_OK);
    /* Another kind of future is refused. */
    aai_transcript *t = NULL;
    CHECK_STATUS(aai_future_transcript(f, &t), AAI_ERR_INVALID_ARGUMENT);
    aai_future_free(f);
    /* Invalid arguments are reported by the call itself: no future. */
    f = NULL;
    CHECK_STATUS(aai_llm_chat_completion_stream_async(client, NULL, collect, &c, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK(f == NULL);
    CHECK_STATUS(aai_future_llm_response(NULL, &r), AAI_ERR_INVALID_ARGUMENT);

    /* The non-streamed call without blocking, read with the same reader. */
    req = words_request();
    done_flag d2 = {PTHREAD_MUTEX_INITIALIZER, 0, AAI_ERR_STATE};
    CHECK_STATUS(aai_llm_chat_completion_async(client, req, on_done, &d2, &f), AAI_OK);
    st = AAI_ERR_STATE;
    CHECK_STATUS(aai_future_wait(f, 10000, &st), AAI_OK);
    CHECK(st == AAI_OK);
    r = NULL;
    CHECK_STATUS(aai_future_llm_response(f, &r), AAI_OK);
    CHECK_STR(aai_llm_response_text(r), c.text);   /* the same answer as streamed */
    aai_llm_response_free(r);
    aai_future_free(f);
    /* "stream": true, or no messages: refused by the call, no future. */
    CHECK_STATUS(aai_llm_request_set_json(req, "{\"stream\": true}"), AAI_OK);
    f = NULL;
    CHECK_STATUS(aai_llm_chat_completion_async(client, req, NULL, NULL, &f), AAI_ERR_INVALID_ARGUMENT);
    CHECK(f == NULL);
    aai_llm_request_free(req);
}

/* GET /v1/models: the typed fields, null lists read as empty, the model's own JSON, and an
   answer that is not JSON refused. */
static void test_llm_list_models(void) {
    aai_llm_model_list *list = NULL;
    CHECK_STATUS(aai_llm_list_models(client, &list), AAI_OK);
    const aai_llm_model *m = NULL;
    size_t n = 0;
    CHECK_STATUS(aai_llm_model_list_models(list, &m, &n), AAI_OK);
    CHECK(n == 3);
    if (n == 3) {
        CHECK_STR(m[0].id, "claude-sonnet-4-5-20250929");
        CHECK_STR(m[0].creator, "anthropic");
        CHECK(m[0].context_length == 200000 && m[0].retirement_date == 0);
        CHECK(m[0].region_count == 2);
        if (m[0].region_count == 2) { CHECK_STR(m[0].available_regions[0], "us"); CHECK_STR(m[0].available_regions[1], "eu"); }
        CHECK_STR(m[0].default_provider, "anthropic");
        CHECK_CONTAINS(m[0].json, "\"pricing\"");
        CHECK_CONTAINS(m[0].json, "\"Amazon Bedrock\"");
        CHECK_STR(m[1].id, "gpt-5-mini");
        CHECK(m[2].region_count == 0 && m[2].available_regions == NULL);   /* "available_regions": null */
        CHECK(m[2].retirement_date == 1798761600);
    }
    const char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(aai_llm_model_list_json(list, &json, &len), AAI_OK);
    CHECK(json && len == strlen(json) && json[0] == '{');
    aai_llm_model_list_free(list);
    aai_llm_model_list_free(NULL);


    arm("{\"method\": \"GET\", \"path\": \"/v1/models\", \"kind\": \"malformed_json\"}");
    list = NULL;
    CHECK_STATUS(aai_llm_list_models(client, &list), AAI_ERR_PROTOCOL);
    CHECK(list == NULL);
    disarm();
    CHECK_STATUS(aai_llm_list_models(NULL, &list), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_list_models(client, NULL), AAI_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(aai_llm_model_list_models(NULL, &m, &n), AAI_ERR_INVALID_ARGUMENT);
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
    RUN(test_llm_stream_text);
    RUN(test_llm_stream_tool_call);
    RUN(test_llm_structured_output);
    RUN(test_llm_stream_faults);
    RUN(test_llm_stream_async);
    RUN(test_llm_list_models);
    aai_client_free(client);
    return h_finish();
}
