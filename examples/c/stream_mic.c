/* stream_mic: transcribe the microphone live with Universal Streaming v3 (ALSA).
 *
 *   ASSEMBLYAI_API_KEY=... ./stream_mic [--device NAME] [--seconds N] [--rate HZ]
 *
 * Captures 16-bit mono from the ALSA device (default "default") for N seconds (default 10; 0
 * runs until Ctrl-C) and prints partial and final turns. ASSEMBLYAI_BASE_URL points it at
 * another server, e.g. the local one. Without sound hardware, an ALSA PCM that reads a raw
 * file works as a microphone (ALSA_CONFIG_PATH=asound.conf, see docs/local-server-streaming.md):
 *   pcm.nullcap { type null }
 *   pcm.filein { type file; slave.pcm "nullcap"; file "/dev/null"; infile "/tmp/in.raw"; format "raw" }
 */
#define _POSIX_C_SOURCE 200809L   /* nanosleep, sigaction under -std=c99 */
#include <assemblyai.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int fail(const char *what, aai_status status) {
    fprintf(stderr, "%s failed: %s: %s\n", what, aai_status_name(status), aai_last_error_message());
    return 1;
}

static void on_event(const aai_streaming_event *e, void *user_data) {
    (void)user_data;
    if (e->type == AAI_STREAMING_EVENT_TURN) {
        /* partial turns overwrite the line; a finished turn ends it */
        printf("\r%s%s", e->text, e->end_of_turn ? "\n" : "");
        fflush(stdout);
    } else if (e->type == AAI_STREAMING_EVENT_ERROR) {
        fprintf(stderr, "\nerror (%s): %s\n", aai_status_name(e->status), e->text);
    } else if (e->type == AAI_STREAMING_EVENT_CLOSED) {
        stop = 1;
    }
}

int main(int argc, char **argv) {
    const char *device = "default";
    double seconds = 10;
    int rate = 16000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--device") == 0) device = argv[i + 1];
        else if (strcmp(argv[i], "--seconds") == 0) seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--rate") == 0) rate = atoi(argv[i + 1]);
        else { fprintf(stderr, "usage: %s [--device NAME] [--seconds N] [--rate HZ]\n", argv[0]); return 2; }
    }
    signal(SIGINT, on_signal);

    aai_client *client = NULL;
    aai_status status = aai_client_new(&client);
    if (status != AAI_OK) return fail("aai_client_new", status);
    const char *base_url = getenv("ASSEMBLYAI_BASE_URL");
    if (base_url && (status = aai_client_set_base_url(client, base_url)) != AAI_OK)
        return fail("aai_client_set_base_url", status);

    aai_streaming *session = NULL;
    if ((status = aai_streaming_new(client, AAI_STREAMING_V3, &session)) != AAI_OK)
        return fail("aai_streaming_new", status);
    aai_streaming_set_callback(session, on_event, NULL);
    aai_streaming_set_sample_rate(session, rate);
    if ((status = aai_streaming_connect(session)) != AAI_OK) {
        fail("aai_streaming_connect", status);
        aai_streaming_free(session);
        aai_client_free(client);
        return 1;
    }
    /* 100 ms chunks from a capture thread; it stops by itself after `seconds` of audio. */
    status = aai_streaming_start_microphone(session, device, 100, (long)(seconds * 1000));
    if (status != AAI_OK) {
        fail("aai_streaming_start_microphone", status);
    } else {
        fprintf(stderr, "listening on %s (%s)...\n", device, seconds > 0 ? "timed" : "Ctrl-C to stop");
        uint64_t queued = 0, want = (uint64_t)(seconds * rate) * 2;
        struct timespec tick = {0, 50 * 1000 * 1000};
        while (!stop && (seconds <= 0 || queued < want)) {
            nanosleep(&tick, NULL);
            aai_streaming_audio_bytes(session, &queued, NULL);
        }
    }
    aai_status closed = aai_streaming_close(session, 10000);   /* stops the microphone first */
    if (closed != AAI_OK) fail("aai_streaming_close", closed);
    aai_streaming_free(session);
    aai_client_free(client);
    return status != AAI_OK || closed != AAI_OK;
}
