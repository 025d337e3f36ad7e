/* test_faults, part 4: matrix rows for LeMUR, the LLM Gateway and the streaming token calls
   (the APIs beside /v2/transcript that a client reaches over HTTP).
   A NEW ROW for such a call goes here: its op function, a prep function if it needs a fresh
   object per case, and one line in OPS_LEMUR_LLM (or OPS_TOKENS) below with its legs.
   Included by test_faults.c. */

static aai_lemur_params *lemur_params(worker *w) {
    aai_lemur_params *p = NULL;
    aai_lemur_params_new(&p);
    aai_lemur_params_add_transcript_id(p, w->done_id);
    return p;
}
static aai_status lemur_done(aai_status s, aai_lemur_response *resp, aai_lemur_params *p) {
    aai_lemur_response_free(resp);
    aai_lemur_params_free(p);
    return s;
}
static aai_status op_lemur_task(worker *w, result *r) {
    (void)r;
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    return lemur_done(aai_lemur_task(w->client, p, "What is said?", &resp), resp, p);
}
static aai_status op_lemur_summary(worker *w, result *r) {
    (void)r;
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    return lemur_done(aai_lemur_summary(w->client, p, NULL, &resp), resp, p);
}
static aai_status op_lemur_action_items(worker *w, result *r) {
    (void)r;
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    return lemur_done(aai_lemur_action_items(w->client, p, NULL, &resp), resp, p);
}
static aai_status op_lemur_qa(worker *w, result *r) {
    (void)r;
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    aai_lemur_question q = {"Who speaks?", NULL, NULL, NULL, 0};
    return lemur_done(aai_lemur_question_answer(w->client, p, &q, 1, &resp), resp, p);
}
DISCARD_OP(op_lemur_get, aai_lemur_response, aai_lemur_response_free, aai_lemur_get_response(w->client, w->lemur_id, &out))
static aai_status op_lemur_purge(worker *w, result *r) {
    (void)r;
    int deleted = 0;
    return aai_lemur_purge_request_data(w->client, w->case_lemur, &deleted);
}
static aai_status op_llm_chat(worker *w, result *r) {
    (void)r;
    aai_llm_request *q = NULL;
    aai_llm_request_new("claude-sonnet-4-5-20250929", &q);
    aai_llm_request_add_message(q, "user", "Say hi");
    aai_llm_response *resp = NULL;
    aai_status s = aai_llm_chat_completion(w->client, q, &resp);
    aai_llm_response_free(resp);
    aai_llm_request_free(q);
    return s;
}
static int count_deltas(const aai_llm_stream_event *e, void *user_data) {
    (void)e;
    ++*(int *)user_data;
    return 0;
}
static aai_status op_llm_chat_stream(worker *w, result *r) {
    (void)r;
    aai_llm_request *q = NULL;
    aai_llm_request_new("gpt-4.1", &q);
    aai_llm_request_add_message(q, "user", "Say hi to everyone in the room today");
    int deltas = 0;
    aai_llm_response *resp = NULL;
    aai_status s = aai_llm_chat_completion_stream(w->client, q, count_deltas, &deltas, &resp);
    aai_llm_response_free(resp);
    aai_llm_request_free(q);
    return s;
}
DISCARD_OP(op_llm_understanding, aai_llm_response, aai_llm_response_free,
           aai_llm_understanding(w->client, w->done_id,
                                 "{\"request\": {\"translation\": {\"target_languages\": [\"de\"]}}}", &out))
DISCARD_OP(op_llm_models, aai_llm_model_list, aai_llm_model_list_free, aai_llm_list_models(w->client, &out))
DISCARD_OP(op_token_v2, char, aai_string_free, aai_streaming_create_token_v2(w->client, 60, &out))
DISCARD_OP(op_token_v3, char, aai_string_free, aai_streaming_create_token_v3(w->client, NULL, 60, 0, &out))

/* A LeMUR request of its own (made before the fault is armed). */
static void prep_lemur(worker *w) {
    aai_lemur_params *p = lemur_params(w);
    aai_lemur_response *resp = NULL;
    w->case_lemur[0] = 0;
    if (aai_lemur_task(w->client, p, "Anything?", &resp) == AAI_OK)
        snprintf(w->case_lemur, sizeof w->case_lemur, "%s", aai_lemur_response_request_id(resp));
    lemur_done(AAI_OK, resp, p);
}

static const op OPS_LEMUR_LLM[] = {
    {"lemur_task", op_lemur_task, NULL, {{"POST", "^/lemur/v3/generate/task$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"lemur_summary", op_lemur_summary, NULL, {{"POST", "^/lemur/v3/generate/summary$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"lemur_action_items", op_lemur_action_items, NULL, {{"POST", "^/lemur/v3/generate/action-items$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"lemur_question_answer", op_lemur_qa, NULL, {{"POST", "^/lemur/v3/generate/question-answer$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"lemur_get_response", op_lemur_get, NULL, {{"GET", "^/lemur/v3/[^/]+$", IDEM, 1, 0, 0, 1, 0, 0}}},
    {"lemur_purge_request_data", op_lemur_purge, prep_lemur, {{"DELETE", "^/lemur/v3/[^/]+$", IDEM, 1, 0, 0, 0, 0, 1}}},
    {"llm_chat_completion", op_llm_chat, NULL, {{"POST", "^/v1/chat/completions$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"llm_understanding", op_llm_understanding, NULL, {{"POST", "^/v1/understanding$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"llm_chat_completion_stream", op_llm_chat_stream, NULL, {{"POST", "^/v1/chat/completions$", CREATE, 1, 0, 0, 1, 0, 0}}},
    {"llm_list_models", op_llm_models, NULL, {{"GET", "^/v1/models$", IDEM, 1, 0, 0, 1, 0, 0}}},
};

static const op OPS_TOKENS[] = {
    {"streaming_create_token_v2", op_token_v2, NULL, {{"POST", "^/v2/realtime/token$", CREATE, 1, 0, 0, 0, 0, 0}}},
    {"streaming_create_token_v3", op_token_v3, NULL, {GET_LEG("^/v3/token$")}},
};
