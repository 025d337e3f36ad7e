/* llm_gateway: a chat completion through the LLM Gateway with a transcript as context.
 *   ASSEMBLYAI_API_KEY=... ./llm_gateway FILE "QUESTION"
 * ASSEMBLYAI_LLM_GATEWAY_URL points it at another gateway host (e.g. the local server). */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s FILE QUESTION\n", argv[0]); return 2; }
    aai_client *client = NULL;
    aai_config *config = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    aai_llm_request *request = NULL;
    aai_llm_response *response = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    if (getenv("ASSEMBLYAI_LLM_GATEWAY_URL")) aai_client_set_llm_gateway_base_url(client, getenv("ASSEMBLYAI_LLM_GATEWAY_URL"));
    aai_config_new(&config);
    aai_config_set_speaker_labels(config, 1);
    aai_transcriber_new(client, config, &transcriber);
    aai_status s = aai_transcriber_transcribe_file(transcriber, argv[1], NULL, &transcript);
    if (s == AAI_OK) s = aai_llm_request_new("claude-sonnet-4-5-20250929", &request);
    if (s == AAI_OK) s = aai_llm_request_add_transcript(request, transcript, 1);  /* "Speaker A: ..." lines */
    if (s == AAI_OK) s = aai_llm_request_add_message(request, "user", argv[2]);
    if (s == AAI_OK) s = aai_llm_chat_completion(client, request, &response);
    if (s == AAI_OK) {
        int64_t in, out, total;
        aai_llm_response_usage(response, &in, &out, &total);
        printf("%s\n(%lld tokens)\n", aai_llm_response_text(response), (long long)total);
    } else {
        fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    }
    aai_llm_response_free(response);
    aai_llm_request_free(request);
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_config_free(config);
    aai_client_free(client);
    return s != AAI_OK;
}
