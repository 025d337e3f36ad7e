/* pii_redaction: transcribe a file with names and phone numbers redacted, and save the audio
 * with the redacted words silenced.
 *   ASSEMBLYAI_API_KEY=... ./pii_redaction FILE OUT_AUDIO */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s FILE OUT_AUDIO\n", argv[0]); return 2; }
    aai_client *client = NULL;
    aai_config *config = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_config_new(&config);
    const char *policies[] = {"person_name", "phone_number", "email_address"};
    aai_status s = aai_config_set_redact_pii(config, 1, policies, 3, "entity_name", 1, "wav");
    if (s == AAI_OK) s = aai_transcriber_new(client, config, &transcriber);
    if (s == AAI_OK) s = aai_transcriber_transcribe_file(transcriber, argv[1], NULL, &transcript);
    if (s == AAI_OK) {
        printf("%s\n", aai_transcript_text(transcript));
        /* Waits while the service is still making the redacted audio, then downloads it. */
        s = aai_transcriber_save_redacted_audio(transcriber, aai_transcript_id(transcript), argv[2]);
        if (s == AAI_OK) printf("redacted audio saved to %s\n", argv[2]);
    }
    if (s != AAI_OK) fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_config_free(config);
    aai_client_free(client);
    return s != AAI_OK;
}
