/* Fuzz target: the Sync and Dictation APIs' checks of the audio before anything is sent (the
   WAV header reader, the format and 120 s limit checks, PCM frame checks, the config part's
   checks), through aai_sync_transcribe_bytes with a client whose Sync and Dictation hosts are a
   closed loopback port: audio that passes ends in AAI_ERR_CONNECTION, anything else must be
   AAI_ERR_INVALID_ARGUMENT, and nothing may crash. Byte 0 picks the API and the format (WAV, or
   raw PCM at one of four rates and 1-2 channels); byte 1 a config JSON from a small table. */
#include "assemblyai.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static aai_client *client;
static aai_sync_transcriber *sync_t, *dictation_t;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!client) {
        aai_client_new(&client);
        aai_client_set_api_key(client, "fuzz");
        aai_client_set_sync_base_url(client, "http://127.0.0.1:1");
        aai_client_set_dictation_base_url(client, "http://127.0.0.1:1");
        aai_client_set_sync_timeouts_ms(client, 1000, 1000);
        aai_client_set_dictation_timeout_ms(client, 1000);
        aai_sync_transcriber_new(client, &sync_t);
        aai_dictation_transcriber_new(client, &dictation_t);
    }
    if (size < 2) return 0;
    static const int rates[] = {8000, 16000, 44100, 48000};
    static const char *configs[] = {
        NULL, "{\"timestamps\": true}", "{\"keyterms_prompt\": [\" a \", \"\", \"b\"]}",
        "{\"conversation_context\": \"x\"}", "{\"llm_instruction\": \"fix\", \"rewrite_mode\": \"smart\"}",
        "{\"rewrite_mode\": \"slow\"}", "{\"sample_rate\": 0}", "{\"language_codes\": [1]}",
    };
    aai_sync_transcriber *t = data[0] & 1 ? dictation_t : sync_t;
    aai_sync_config *cfg = NULL;
    aai_sync_config_new(&cfg);
    const char *json = configs[data[1] & 7];
    if (json) aai_sync_config_set_json(cfg, json);
    aai_sync_result *r = NULL;
    aai_status s;
    if (data[0] & 2) {
        s = aai_sync_transcribe_pcm(t, data + 2, size - 2, rates[(data[0] >> 2) & 3], 1 + ((data[0] >> 4) & 1), cfg, &r);
    } else {
        s = aai_sync_transcribe_bytes(t, data + 2, size - 2, cfg, &r);
    }
    if (s != AAI_ERR_INVALID_ARGUMENT && s != AAI_ERR_CONNECTION) {
        fprintf(stderr, "unexpected status %s: %s\n", aai_status_name(s), aai_last_error_message());
        abort();
    }
    aai_sync_result_free(r);
    aai_sync_config_free(cfg);
    return 0;
}
