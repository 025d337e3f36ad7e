/* lemur: ask LeMUR about a transcript: a custom task, a summary, questions and action items.
 *   ASSEMBLYAI_API_KEY=... ./lemur FILE */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

static int report(aai_status s) {
    if (s != AAI_OK) fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    return s != AAI_OK;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 2; }
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_transcriber_new(client, NULL, &transcriber);
    if (report(aai_transcriber_transcribe_file(transcriber, argv[1], NULL, &transcript))) return 1;

    aai_lemur_params *params = NULL;
    aai_lemur_params_new(&params);
    aai_lemur_params_add_transcript_id(params, aai_transcript_id(transcript));
    aai_lemur_params_set_final_model(params, AAI_LEMUR_MODEL_CLAUDE_3_5_SONNET);

    aai_lemur_response *r = NULL;
    if (report(aai_lemur_task(client, params, "What is the speaker's main point?", &r))) return 1;
    printf("task: %s\n", aai_lemur_response_text(r));
    const char *request_id = aai_lemur_response_request_id(r);

    aai_lemur_response *summary = NULL, *items = NULL, *qa = NULL;
    if (report(aai_lemur_summary(client, params, "one sentence", &summary))) return 1;
    printf("summary: %s\n", aai_lemur_response_text(summary));
    if (report(aai_lemur_action_items(client, params, NULL, &items))) return 1;
    printf("action items: %s\n", aai_lemur_response_text(items));
    aai_lemur_question questions[] = {{"Is the tone positive?", NULL, NULL, (const char *const[]){"yes", "no"}, 2}};
    if (report(aai_lemur_question_answer(client, params, questions, 1, &qa))) return 1;
    const aai_lemur_answer *answers; size_t n;
    aai_lemur_response_answers(qa, &answers, &n);
    for (size_t i = 0; i < n; i++) printf("Q: %s A: %s\n", answers[i].question, answers[i].answer);

    int deleted = 0;  /* LeMUR keeps request data until purged */
    if (report(aai_lemur_purge_request_data(client, request_id, &deleted))) return 1;
    printf("purged: %d\n", deleted);
    aai_lemur_response_free(r); aai_lemur_response_free(summary); aai_lemur_response_free(items); aai_lemur_response_free(qa);
    aai_lemur_params_free(params);
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return 0;
}
