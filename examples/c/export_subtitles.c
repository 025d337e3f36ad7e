/* export_subtitles: transcribe a file, then print its SRT and VTT captions.
 *   ASSEMBLYAI_API_KEY=... ./export_subtitles FILE [CHARS_PER_CAPTION]
 * (ASSEMBLYAI_BASE_URL=http://127.0.0.1:PORT points it at the local server.) */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE [CHARS_PER_CAPTION]\n", argv[0]); return 2; }
    int chars = argc > 2 ? atoi(argv[2]) : 0;  /* 0: the API's default */
    aai_client *client = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *transcript = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_transcriber_new(client, NULL, &transcriber);
    aai_status s = aai_transcriber_transcribe_file(transcriber, argv[1], NULL, &transcript);
    if (s == AAI_OK) {
        char *srt = NULL, *vtt = NULL;
        const char *id = aai_transcript_id(transcript);
        s = aai_transcriber_export_subtitles(transcriber, id, AAI_SUBTITLES_SRT, chars, &srt);
        if (s == AAI_OK) s = aai_transcriber_export_subtitles(transcriber, id, AAI_SUBTITLES_VTT, chars, &vtt);
        if (s == AAI_OK) printf("%s\n%s", srt, vtt);
        aai_string_free(srt);
        aai_string_free(vtt);
    }
    if (s != AAI_OK) fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
    aai_transcript_free(transcript);
    aai_transcriber_free(transcriber);
    aai_client_free(client);
    return s != AAI_OK;
}
