/* Fuzz target: the webhook body parsers (aai_webhook_parse, aai_webhook_parse_redacted_audio).
   The first byte picks the authentication case: none, matching, different, missing. */
#include "assemblyai.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const char *expected = NULL, *received = NULL;
    switch (data[0] & 3) {
    case 1: expected = "secret-value"; received = "secret-value"; break;
    case 2: expected = "secret-value"; received = "secret-valuf"; break;
    case 3: expected = "secret-value"; received = NULL; break;
    default: break;
    }
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    char *id = NULL;
    aai_transcript_status st = AAI_TRANSCRIPT_UNKNOWN;
    aai_status s = aai_webhook_parse(body, len, received, expected, &id, &st);
    if ((data[0] & 3) >= 2 && s != AAI_ERR_AUTH) { fprintf(stderr, "bad auth accepted\n"); abort(); }
    if (s == AAI_OK) {
        if (!id || (st != AAI_TRANSCRIPT_COMPLETED && st != AAI_TRANSCRIPT_ERROR)) abort();
        (void)strlen(id);
    }
    aai_string_free(id);
    char *url = NULL;
    s = aai_webhook_parse_redacted_audio(body, len, received, expected, &url);
    if ((data[0] & 3) >= 2 && s != AAI_ERR_AUTH) abort();
    if (s == AAI_OK && (!url || !strlen(url))) abort();
    aai_string_free(url);
    return 0;
}
