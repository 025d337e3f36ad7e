/* transcribe: the smallest complete use of libassemblyai.
 *
 *   ASSEMBLYAI_API_KEY=... ./transcribe [--speaker-labels] FILE_OR_URL
 *
 * A local file is uploaded (streamed from disk) and transcribed; a URL is transcribed directly.
 * ASSEMBLYAI_BASE_URL points the example at another server, e.g. the local one:
 *   ASSEMBLYAI_BASE_URL=http://127.0.0.1:8080
 */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, aai_status status) {
    fprintf(stderr, "%s failed: %s: %s\n", what, aai_status_name(status), aai_last_error_message());
    return 1;
}

int main(int argc, char **argv) {
    int speaker_labels = argc > 2 && strcmp(argv[1], "--speaker-labels") == 0;
    const char *audio = argv[argc - 1];
    if (argc < 2 || audio[0] == '-') {
        fprintf(stderr, "usage: %s [--speaker-labels] FILE_OR_URL\n", argv[0]);
        return 2;
    }

    aai_client *client = NULL;
    aai_status status = aai_client_new(&client);  /* API key from ASSEMBLYAI_API_KEY */
    if (status != AAI_OK) return fail("aai_client_new", status);
    const char *base_url = getenv("ASSEMBLYAI_BASE_URL");
    if (base_url && (status = aai_client_set_base_url(client, base_url)) != AAI_OK)
        return fail("aai_client_set_base_url", status);

    aai_config *config = NULL;
    aai_config_new(&config);
    aai_config_set_speaker_labels(config, speaker_labels);

    aai_transcriber *transcriber = NULL;
    if ((status = aai_transcriber_new(client, config, &transcriber)) != AAI_OK)
        return fail("aai_transcriber_new", status);

    aai_transcript *transcript = NULL;
    int is_url = strncmp(audio, "http://", 7) == 0 || strncmp(audio, "https://", 8) == 0;
    status = is_url ? aai_transcriber_transcribe_url(transcriber, audio, NULL, &transcript)
                    : aai_transcriber_transcribe_file(transcriber, audio, NULL, &transcript);
    if (status != AAI_OK) {
        /* A failed transcript still comes back, with its id. */
        if (transcript) fprintf(stderr, "transcript %s: ", aai_transcript_id(transcript));
        fail("transcription", status);
        aai_transcript_free(transcript);
        return 1;
    }

    if (speaker_labels) {
        const aai_word *words;
        size_t count;
        const char *speaker = NULL;
        aai_transcript_words(transcript, &words, &count);
        for (size_t i = 0; i < count; i++) {
            if (!speaker || (words[i].speaker && strcmp(speaker, words[i].speaker) != 0)) {
                speaker = words[i].speaker;
                printf("%sSpeaker %s:", i ? "\n" : "", speaker ? speaker : "?");
            }
            printf(" %s", words[i].text);
        }
        printf("\n");
    } else {
        printf("%s\n", aai_transcript_text(transcript));
    }

    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_config_free(config);
    aai_client_free(client);
    return 0;
}
