/* custom_spelling: transcribe a file, writing some words the way you spell them.
 *   ASSEMBLYAI_API_KEY=... ./custom_spelling FILE */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 2; }
    aai_client *client = NULL;
    aai_config *config = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_config_new(&config);
    const char *gettleman[] = {"gettleman", "getleman"};
    const char *sql[] = {"Sequel"};
    aai_config_add_custom_spelling(config, gettleman, 2, "Gettleman");
    aai_config_add_custom_spelling(config, sql, 1, "SQL");
    aai_transcriber_new(client, config, &transcriber);
    aai_status s = aai_transcriber_transcribe_file(transcriber, argv[1], NULL, &transcript);
    if (s == AAI_OK) printf("%s\n", aai_transcript_text(transcript));
    else fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_config_free(config);
    aai_client_free(client);
    return s != AAI_OK;
}
