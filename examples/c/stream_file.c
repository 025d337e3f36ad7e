/* stream_file: stream a WAV file to Universal Streaming v3 (or realtime v2) and print the turns.
 *
 *   ASSEMBLYAI_API_KEY=... ./stream_file [--v2] [--realtime] FILE.wav
 *
 * The file must be 16-bit PCM mono; its sample rate is used for the session. --realtime paces
 * the audio at its own speed, as a live source would. ASSEMBLYAI_BASE_URL points the example at
 * another server, e.g. the local one (which serves both protocols on its own port):
 *   ASSEMBLYAI_BASE_URL=http://127.0.0.1:8080
 * (scripts/make-stream-wav writes WAV files whose words the local server "hears").
 */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, aai_status status) {
    fprintf(stderr, "%s failed: %s: %s\n", what, aai_status_name(status), aai_last_error_message());
    return 1;
}

/* Runs on the session's callback thread. Everything in `e` is valid only during the call. */
static void on_event(const aai_streaming_event *e, void *user_data) {
    (void)user_data;
    switch (e->type) {
    case AAI_STREAMING_EVENT_OPENED:
        printf("session %s\n", e->session_id);
        break;
    case AAI_STREAMING_EVENT_TURN:
        if (e->end_of_turn && (e->turn_is_formatted || !e->utterance))
            printf("turn %lld: %s\n", (long long)e->turn_order, e->text);
        break;
    case AAI_STREAMING_EVENT_FINAL_TRANSCRIPT:
        printf("%lld-%lld ms: %s\n", (long long)e->audio_start, (long long)e->audio_end, e->text);
        break;
    case AAI_STREAMING_EVENT_TERMINATED:
        if (e->audio_duration_seconds > 0) printf("audio: %.0f s\n", e->audio_duration_seconds);
        break;
    case AAI_STREAMING_EVENT_ERROR:
        fprintf(stderr, "error (%s): %s\n", aai_status_name(e->status), e->text);
        break;
    default:
        break;
    }
}

/* The sample rate of a WAV file (bytes 24-27 of a canonical header), or 16000. */
static int wav_rate(const char *path) {
    unsigned char h[28];
    FILE *f = fopen(path, "rb");
    if (!f) return 16000;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    if (n < 28 || memcmp(h, "RIFF", 4) != 0) return 16000;
    return (int)(h[24] | h[25] << 8 | h[26] << 16 | (unsigned)h[27] << 24);
}

int main(int argc, char **argv) {
    int v2 = 0, realtime = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--v2") == 0) v2 = 1;
        else if (strcmp(argv[i], "--realtime") == 0) realtime = 1;
        else path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: %s [--v2] [--realtime] FILE.wav\n", argv[0]);
        return 2;
    }

    aai_client *client = NULL;
    aai_status status = aai_client_new(&client);   /* API key from ASSEMBLYAI_API_KEY */
    if (status != AAI_OK) return fail("aai_client_new", status);
    const char *base_url = getenv("ASSEMBLYAI_BASE_URL");
    if (base_url && (status = aai_client_set_base_url(client, base_url)) != AAI_OK)
        return fail("aai_client_set_base_url", status);

    aai_streaming *session = NULL;
    if ((status = aai_streaming_new(client, v2 ? AAI_STREAMING_V2 : AAI_STREAMING_V3, &session)) != AAI_OK)
        return fail("aai_streaming_new", status);
    aai_streaming_set_callback(session, on_event, NULL);
    aai_streaming_set_sample_rate(session, wav_rate(path));
    if (!v2) aai_streaming_set_format_turns(session, 1);

    /* Returns once the session has begun, or with the server's close code in the message. */
    if ((status = aai_streaming_connect(session)) != AAI_OK) {
        fail("aai_streaming_connect", status);
        aai_streaming_free(session);
        aai_client_free(client);
        return 1;
    }
    status = aai_streaming_send_wav_file(session, path, 100, realtime);
    if (status != AAI_OK) fail("aai_streaming_send_wav_file", status);
    /* Terminates and waits for the last transcripts (at most 10 s). */
    aai_status closed = aai_streaming_close(session, 10000);
    if (closed != AAI_OK) fail("aai_streaming_close", closed);
    aai_streaming_free(session);
    aai_client_free(client);
    return status != AAI_OK || closed != AAI_OK;
}
