/* audio_intelligence: every audio-intelligence feature on one file: summary, chapters, key
 * phrases, sentiment, entities, content moderation and topics.
 *   ASSEMBLYAI_API_KEY=... ./audio_intelligence FILE */
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 2; }
    aai_client *client = NULL;
    aai_config *config = NULL;
    aai_transcriber *transcriber = NULL;
    aai_transcript *t = NULL;
    aai_client_new(&client);
    if (getenv("ASSEMBLYAI_BASE_URL")) aai_client_set_base_url(client, getenv("ASSEMBLYAI_BASE_URL"));
    aai_config_new(&config);
    /* Chapters and summarization cannot be combined in one request: chapters here. */
    aai_config_set_bool(config, AAI_FIELD_AUTO_CHAPTERS, 1);
    aai_config_set_bool(config, AAI_FIELD_AUTO_HIGHLIGHTS, 1);
    aai_config_set_bool(config, AAI_FIELD_SENTIMENT_ANALYSIS, 1);
    aai_config_set_bool(config, AAI_FIELD_ENTITY_DETECTION, 1);
    aai_config_set_bool(config, AAI_FIELD_IAB_CATEGORIES, 1);
    aai_config_set_content_safety(config, 1, 0);
    aai_transcriber_new(client, config, &transcriber);
    aai_status s = aai_transcriber_transcribe_file(transcriber, argv[1], NULL, &t);
    if (s != AAI_OK) {
        fprintf(stderr, "%s: %s\n", aai_status_name(s), aai_last_error_message());
        return 1;
    }
    const aai_chapter *chapters; size_t nc;
    aai_transcript_chapters(t, &chapters, &nc);
    for (size_t i = 0; i < nc; i++) printf("chapter %lld-%lld: %s\n", (long long)chapters[i].start, (long long)chapters[i].end, chapters[i].headline);
    const aai_auto_highlight *h; size_t nh;
    aai_transcript_auto_highlights(t, &h, &nh);
    for (size_t i = 0; i < nh; i++) printf("key phrase: %s (x%lld, rank %.2f)\n", h[i].text, (long long)h[i].count, h[i].rank);
    const aai_sentiment *se; size_t ns;
    aai_transcript_sentiment_analysis(t, &se, &ns);
    for (size_t i = 0; i < ns; i++) printf("sentiment %s: %s\n", se[i].sentiment, se[i].text);
    const aai_entity *e; size_t ne;
    aai_transcript_entities(t, &e, &ne);
    for (size_t i = 0; i < ne; i++) printf("entity %s: %s\n", e[i].entity_type, e[i].text);
    const aai_content_safety_result *cs; size_t ncs;
    aai_transcript_content_safety(t, &cs, &ncs);
    for (size_t i = 0; i < ncs; i++)
        for (size_t j = 0; j < cs[i].label_count; j++)
            printf("content safety %s (%.2f): %s\n", cs[i].labels[j].label, cs[i].labels[j].confidence, cs[i].text);
    const aai_label_score *topics; size_t nt;
    aai_transcript_iab_categories_summary(t, &topics, &nt);
    for (size_t i = 0; i < nt; i++) printf("topic %s: %.2f\n", topics[i].label, topics[i].score);
    aai_transcript_free(t);
    aai_transcriber_free(transcriber);
    aai_config_free(config);
    aai_client_free(client);
    return 0;
}
