/* Fuzz target: the raw-JSON merges (aai_config_set_json, aai_lemur_params_set_json,
   aai_llm_request_set_json) and aai_config_to_json. Properties checked beyond "no crash":
   a rejected merge leaves the config unchanged, and to_json's output merges back into an
   empty config to the same JSON (a round trip). */
#include "assemblyai.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;          /* an embedded NUL ends the string early, as it would for a C caller */
    aai_config *cfg = NULL;
    aai_config_new(&cfg);
    aai_config_set_speaker_labels(cfg, 1);
    char *before = NULL, *after = NULL;
    aai_config_to_json(cfg, &before);
    aai_status s = aai_config_set_json(cfg, text);
    aai_config_to_json(cfg, &after);
    if (s != AAI_OK && strcmp(before, after) != 0) {
        fprintf(stderr, "rejected merge changed the config: %s -> %s\n", before, after);
        abort();
    }
    if (s == AAI_OK) {
        aai_config_validate(cfg);
        aai_config *again = NULL;
        aai_config_new(&again);
        char *round = NULL;
        if (aai_config_set_json(again, after) != AAI_OK) {
            fprintf(stderr, "to_json output is not accepted back: %s (%s)\n", after, aai_last_error_message());
            abort();
        }
        aai_config_to_json(again, &round);
        if (strcmp(round, after) != 0) {
            fprintf(stderr, "round trip differs:\n%s\n%s\n", after, round);
            abort();
        }
        aai_string_free(round);
        aai_config_free(again);
        /* A transcriber made from it copies it; submitting is not possible offline. */
    }
    aai_string_free(before);
    aai_string_free(after);
    aai_config_free(cfg);

    aai_lemur_params *p = NULL;
    aai_lemur_params_new(&p);
    aai_lemur_params_set_json(p, text);
    aai_lemur_params_free(p);
    aai_llm_request *r = NULL;
    aai_llm_request_new("m", &r);
    aai_llm_request_set_json(r, text);
    aai_llm_request_free(r);
    free(text);
    return 0;
}
