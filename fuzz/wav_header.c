/* Fuzz target: the WAV header reader, through the streaming WAV source
   (aai_streaming_send_wav_file on a session that is not connected: the file's header is read
   and checked before anything is sent, so a valid file ends in AAI_ERR_STATE). The input is
   written to a file in /dev/shm (tmpfs); the first byte picks the protocol and sample rate. */
#include "assemblyai.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static aai_client *client;
static aai_streaming *sessions[2];
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!client) {
        aai_client_new(&client);
        aai_client_set_api_key(client, "fuzz");
        aai_streaming_new(client, AAI_STREAMING_V2, &sessions[0]);
        aai_streaming_new(client, AAI_STREAMING_V3, &sessions[1]);
        snprintf(path, sizeof path, "/dev/shm/aai-fuzz-wav-%d.wav", (int)getpid());
    }
    if (size < 1) return 0;
    static const int rates[] = {16000, 8000, 44100, 48000};
    aai_streaming *s = sessions[data[0] & 1];
    aai_streaming_set_sample_rate(s, rates[(data[0] >> 1) & 3]);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    aai_status st = aai_streaming_send_wav_file(s, path, 100, 0);
    if (st != AAI_ERR_INVALID_ARGUMENT && st != AAI_ERR_STATE && st != AAI_ERR_IO) {
        fprintf(stderr, "unexpected status %s: %s\n", aai_status_name(st), aai_last_error_message());
        abort();
    }
    unlink(path);
    return 0;
}
