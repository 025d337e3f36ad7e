/* aai llm PROMPT: a chat completion through the LLM Gateway, optionally with a transcript as
   context, streamed to stdout as it is generated (--stream) or printed when complete. */
#include "aai.h"

#include <stdlib.h>
#include <string.h>

const char cli_llm_help[] =
    "usage: aai llm PROMPT [OPTIONS]\n"
    "       aai llm --models [--gateway-url URL]\n"
    "\n"
    "Asks a model of the LLM Gateway and prints its answer on stdout. With --models, lists the\n"
    "models the gateway offers instead: one line each, id, context length in tokens, creator,\n"
    "regions (GET /v1/models).\n"
    "\n"
    "  --model ID            the model (default claude-sonnet-4-5-20250929)\n"
    "  --stream              print the answer piece by piece as the model generates it\n"
    "                        (\"stream\": true; the gateway streams OpenAI models, e.g. gpt-4.1)\n"
    "  --system TEXT         a system message before the prompt\n"
    "  --transcript ID       a transcript's text as context (with --speakers: one line per utterance)\n"
    "  --speakers            see --transcript\n"
    "  --max-tokens N        the longest answer, in tokens (>= 1)\n"
    "  --temperature T       0 to 2\n"
    "  --json-schema FILE    structured output: the answer is JSON matching the JSON Schema in FILE\n"
    "                        (response_format json_schema, strict)\n"
    "  --schema-name NAME    the schema's name (default \"answer\")\n"
    "  --gateway-url URL     the gateway's host (default $ASSEMBLYAI_LLM_GATEWAY_BASE_URL, else the one\n"
    "                        of the base URL's region: https://llm-gateway.assemblyai.com, or\n"
    "                        https://llm-gateway.eu.assemblyai.com for https://api.eu.assemblyai.com)\n"
    "\n"
    "Exit status: 0 answered, 2 usage, 3 auth, 4 network (also a stream cut before its end: what\n"
    "was printed is incomplete), 5 other API error, 6 FILE cannot be read, 130 Ctrl-C.\n";

typedef struct llm_state {
    int printed_any;
    int ends_with_newline;
} llm_state;

static int on_event(const aai_llm_stream_event *e, void *user_data) {
    llm_state *s = user_data;
    if (e->content && e->content[0]) {
        fputs(e->content, stdout);
        fflush(stdout);
        s->printed_any = 1;
        s->ends_with_newline = e->content[strlen(e->content) - 1] == '\n';
    }
    return cli_interrupted() ? 1 : 0;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) { free(buf); buf = NULL; break; }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

/* aai llm --models: the gateway's models, one line each. */
static int list_models(const cli_globals *globals, const char *gateway_url) {
    aai_client *client = NULL;
    aai_llm_model_list *list = NULL;
    aai_status s;
    int rc = cli_open(globals, NULL, &client, NULL);
    if (rc != AAI_EXIT_OK) goto done;
    if (gateway_url && (s = aai_client_set_llm_gateway_base_url(client, gateway_url)) != AAI_OK) { rc = cli_fail("--gateway-url", s); goto done; }
    if ((s = aai_llm_list_models(client, &list)) != AAI_OK) { rc = cli_fail("models", s); goto done; }
    const aai_llm_model *m = NULL;
    size_t n = 0;
    aai_llm_model_list_models(list, &m, &n);
    for (size_t i = 0; i < n; i++) {
        printf("%s\t%lld\t%s\t", m[i].id ? m[i].id : "-", (long long)m[i].context_length, m[i].creator ? m[i].creator : "-");
        for (size_t k = 0; k < m[i].region_count; k++) printf("%s%s", k ? "," : "", m[i].available_regions[k]);
        printf("%s\n", m[i].region_count ? "" : "-");
    }
done:
    aai_llm_model_list_free(list);
    aai_client_free(client);
    return rc;
}

int cmd_llm(int argc, char **argv, const cli_globals *globals) {
    const char *prompt = NULL, *model = "claude-sonnet-4-5-20250929", *system = NULL, *transcript_id = NULL;
    const char *max_tokens = NULL, *temperature = NULL, *schema_file = NULL, *schema_name = "answer", *gateway_url = NULL;
    int stream = 0, speakers = 0, models = 0;
    for (int i = 0; i < argc; i++) {
        int r;
        if (cli_is(argv[i], "--stream")) { stream = 1; continue; }
        if (cli_is(argv[i], "--models")) { models = 1; continue; }
        if (cli_is(argv[i], "--speakers")) { speakers = 1; continue; }
        if ((r = cli_option(argc, argv, &i, "--model", &model)) != 0 ||
            (r = cli_option(argc, argv, &i, "--system", &system)) != 0 ||
            (r = cli_option(argc, argv, &i, "--transcript", &transcript_id)) != 0 ||
            (r = cli_option(argc, argv, &i, "--max-tokens", &max_tokens)) != 0 ||
            (r = cli_option(argc, argv, &i, "--temperature", &temperature)) != 0 ||
            (r = cli_option(argc, argv, &i, "--json-schema", &schema_file)) != 0 ||
            (r = cli_option(argc, argv, &i, "--schema-name", &schema_name)) != 0 ||
            (r = cli_option(argc, argv, &i, "--gateway-url", &gateway_url)) != 0) {
            if (r < 0) return AAI_EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("llm", "unknown option '%s'", argv[i]);
        if (prompt) return cli_usage_error("llm", "one PROMPT at a time (quote it)");
        prompt = argv[i];
    }
    if (models) return prompt ? cli_usage_error("llm", "--models takes no PROMPT") : list_models(globals, gateway_url);
    if (!prompt) return cli_usage_error("llm", "missing PROMPT");
    long n_tokens = 0;
    if (max_tokens && !cli_parse_long("llm", "--max-tokens", max_tokens, 1, 1000000, &n_tokens)) return AAI_EXIT_USAGE;
    double temp = 0;
    if (temperature) {
        char *end = NULL;
        temp = strtod(temperature, &end);
        if (!*temperature || *end || temp < 0 || temp > 2) return cli_usage_error("llm", "--temperature must be a number from 0 to 2");
    }
    char *schema = NULL;
    if (schema_file && !(schema = read_file(schema_file))) {
        fprintf(stderr, "aai llm: cannot read %s\n", schema_file);
        return AAI_EXIT_FILE;
    }

    cli_catch_interrupt();
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    aai_llm_request *req = NULL;
    aai_llm_response *resp = NULL;
    aai_status s;
    int rc = cli_open(globals, NULL, &client, &transcriber);
    if (rc != AAI_EXIT_OK) goto done;
    if (gateway_url && (s = aai_client_set_llm_gateway_base_url(client, gateway_url)) != AAI_OK) { rc = cli_fail("--gateway-url", s); goto done; }
    if ((s = aai_llm_request_new(model, &req)) != AAI_OK) { rc = cli_fail("--model", s); goto done; }
    if (transcript_id) {
        if ((s = aai_transcriber_get(transcriber, transcript_id, &transcript)) != AAI_OK) { rc = cli_fail("transcript", s); goto done; }
        if ((s = aai_llm_request_add_transcript(req, transcript, speakers)) != AAI_OK) { rc = cli_fail("--transcript", s); goto done; }
    }
    if (system && (s = aai_llm_request_add_message(req, "system", system)) != AAI_OK) { rc = cli_fail("--system", s); goto done; }
    if ((s = aai_llm_request_add_message(req, "user", prompt)) != AAI_OK) { rc = cli_fail("PROMPT", s); goto done; }
    if (max_tokens && (s = aai_llm_request_set_max_tokens(req, (int)n_tokens)) != AAI_OK) { rc = cli_fail("--max-tokens", s); goto done; }
    if (temperature && (s = aai_llm_request_set_temperature(req, temp)) != AAI_OK) { rc = cli_fail("--temperature", s); goto done; }
    if (schema && (s = aai_llm_request_set_response_format_json_schema(req, schema_name, schema, 1)) != AAI_OK) {
        rc = cli_fail("--json-schema", s);
        goto done;
    }
    if (stream) {
        llm_state st = {0, 0};
        s = aai_llm_chat_completion_stream(client, req, on_event, &st, NULL);
        if (st.printed_any && !st.ends_with_newline) putchar('\n');
        fflush(stdout);
        if (s != AAI_OK) { rc = cli_interrupted() ? AAI_EXIT_INTERRUPTED : cli_fail("llm", s); goto done; }
    } else {
        if ((s = aai_llm_chat_completion(client, req, &resp)) != AAI_OK) { rc = cli_fail("llm", s); goto done; }
        const char *text = aai_llm_response_text(resp);
        const aai_llm_tool_call *calls = NULL;
        size_t n = 0;
        aai_llm_response_tool_calls(resp, &calls, &n);
        if (text && text[0]) printf("%s%s", text, text[strlen(text) - 1] == '\n' ? "" : "\n");
        for (size_t i = 0; i < n; i++) printf("tool call %s(%s)\n", calls[i].name ? calls[i].name : "?", calls[i].arguments ? calls[i].arguments : "");
    }
    rc = AAI_EXIT_OK;
done:
    free(schema);
    aai_llm_response_free(resp);
    aai_llm_request_free(req);
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return rc;
}
