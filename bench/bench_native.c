/* bench_native: one benchmark workload through libassemblyai from C, in its own process.
 * Prints one line of JSON: {"seconds": wall time of the workload, "rss_kb": peak RSS, ...}.
 *
 *   bench_native startup                      load the library (already linked) and make a first call
 *   bench_native fetch ID                     get a transcript and read every word's text and times
 *   bench_native upload FILE                  upload a file (streamed), with a progress callback
 *   bench_native srt ID                       export SRT through the API
 *   bench_native srt-local ID                 fetch the transcript, then time SRT computed locally, twice:
 *                                             "first_seconds" includes reading the words from the JSON
 *                                             (once per transcript), "seconds" is the second call
 *                                             (words already in memory)
 *   bench_native search-local ID WORD         the same for a local word search
 *   bench_native results ID                   fetch the transcript, then time the first calls of every result
 *                                             view (utterances with their words, chapters, sentiments,
 *                                             entities, key phrases, content moderation, topics): "seconds"
 *                                             is all of them, "utterances_seconds" the utterances alone,
 *                                             "cpu_seconds" and "utterances_cpu_seconds" the same in CPU time
 *   bench_native hold ID N                    fetch and free the transcript N times; RSS before/after
 *   bench_native group URL...                 transcribe a group of URLs (default concurrency) and wait
 *   bench_native llm-first-delta PROMPT       a streamed LLM Gateway chat completion: "seconds" from the call
 *                                             to the first delta's callback, "deliver_seconds" from the library
 *                                             reading that event off the socket to the callback (received_ns),
 *                                             "all_seconds" to the end
 *                                             (the gateway: $ASSEMBLYAI_LLM_GATEWAY_BASE_URL)
 * Environment: ASSEMBLYAI_API_KEY, ASSEMBLYAI_BASE_URL, AAI_BENCH_POLL_MS (polling interval).
 */
#define _POSIX_C_SOURCE 200809L
#include <assemblyai.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of this thread: what the work costs, whatever else the machine runs. */
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Current RSS from /proc (peak RSS cannot go down, so memory returned after a free shows here). */
static long rss_kb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) { if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0; fclose(f); }
    return resident * 4;
}

static aai_transcriber *transcriber(aai_client **client) {
    aai_client_new(client);
    const char *url = getenv("ASSEMBLYAI_BASE_URL");
    if (url) aai_client_set_base_url(*client, url);
    aai_client_set_http_timeout_ms(*client, 120000);
    const char *poll = getenv("AAI_BENCH_POLL_MS");
    aai_client_set_polling_interval_ms(*client, poll ? atol(poll) : 50);
    aai_transcriber *t = NULL;
    aai_transcriber_new(*client, NULL, &t);
    return t;
}

static int fail(const char *what, aai_status s) {
    fprintf(stderr, "%s: %s: %s\n", what, aai_status_name(s), aai_last_error_message());
    return 1;
}

struct progress { uint64_t calls, last, total; };
static int on_progress(uint64_t sent, uint64_t total, void *user) {
    struct progress *p = user;
    p->calls++;
    p->last = sent;
    p->total = total;
    return 0;
}

/* Text-to-Speech: the time of the first audio byte and of the first word timing. */
struct tts_times { double t0, first_audio, first_word; size_t bytes; };
static int tts_audio(const aai_tts_info *info, const void *audio, size_t size, void *user) {
    struct tts_times *t = user;
    (void)info; (void)audio;
    if (t->first_audio == 0) t->first_audio = now() - t->t0;
    t->bytes += size;
    return 0;
}
static int tts_words(const aai_tts_word *words, size_t count, void *user) {
    struct tts_times *t = user;
    (void)words;
    if (t->first_word == 0 && count > 0) t->first_word = now() - t->t0;
    return 0;
}

struct llm_times { double t0, first, deliver; int count; };
static int llm_delta(const aai_llm_stream_event *e, void *user_data) {
    struct llm_times *t = user_data;
    if (t->count++ == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        t->first = now() - t->t0;
        /* The library's own delivery: from reading the event's bytes to this callback. */
        t->deliver = ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - e->received_ns) / 1e9;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: bench_native startup|fetch|upload|srt|hold ...\n"); return 2; }
    const char *what = argv[1];
    double t0 = now();
    aai_client *client = NULL;
    if (strcmp(what, "startup") == 0) {
        /* The dynamic loader has mapped the library before main; this measures the first calls. */
        aai_transcriber *t = transcriber(&client);
        aai_config *cfg = NULL;
        aai_config_new(&cfg);
        aai_config_set_speaker_labels(cfg, 1);
        double s = now() - t0;
        printf("{\"seconds\": %.6f, \"rss_kb\": %ld, \"version\": \"%s\"}\n", s, peak_rss_kb(), aai_version());
        aai_config_free(cfg);
        aai_transcriber_free(t);
        aai_client_free(client);
        return 0;
    }
    if (argc < 3) return 2;
    if (strcmp(what, "llm-first-delta") == 0) {
        aai_transcriber *unused = transcriber(&client);
        aai_transcriber_free(unused);
        aai_llm_request *req = NULL;
        aai_llm_request_new("gpt-4.1", &req);
        aai_llm_request_add_message(req, "user", argv[2]);
        struct llm_times lt = {now(), 0, 0, 0};
        aai_status s = aai_llm_chat_completion_stream(client, req, llm_delta, &lt, NULL);
        if (s != AAI_OK) return fail(what, s);
        printf("{\"seconds\": %.6f, \"deliver_seconds\": %.9f, \"all_seconds\": %.6f, \"rss_kb\": %ld, \"deltas\": %d}\n",
               lt.first, lt.deliver, now() - lt.t0, peak_rss_kb(), lt.count);
        aai_llm_request_free(req);
        aai_client_free(client);
        return 0;
    }
    if (strncmp(what, "tts-", 4) == 0) {
        /* The TTS host: $ASSEMBLYAI_TTS_BASE_URL (read by aai_client_new). */
        aai_transcriber *unused = transcriber(&client);
        aai_transcriber_free(unused);
        struct tts_times tt = {now(), 0, 0, 0};
        int words = strcmp(what, "tts-first-word") == 0;
        aai_status s = words ? aai_tts_stream_events(client, argv[2], NULL, tts_audio, tts_words, &tt, NULL)
                             : aai_tts_stream(client, argv[2], NULL, tts_audio, &tt, NULL);
        if (s != AAI_OK) return fail(what, s);
        printf("{\"seconds\": %.6f, \"all_seconds\": %.6f, \"rss_kb\": %ld, \"bytes\": %zu}\n",
               words ? tt.first_word : tt.first_audio, now() - tt.t0, peak_rss_kb(), tt.bytes);
        aai_client_free(client);
        return 0;
    }
    aai_transcriber *t = transcriber(&client);
    long idle_kb = rss_kb();
    t0 = now();
    if (strcmp(what, "fetch") == 0) {
        aai_transcript *tr = NULL;
        aai_status s = aai_transcriber_get(t, argv[2], &tr);
        if (s != AAI_OK) return fail("get", s);
        const aai_word *w = NULL;
        size_t n = 0;
        aai_transcript_words(tr, &w, &n);
        int64_t sum = 0;
        size_t chars = 0;
        for (size_t i = 0; i < n; i++) { sum += w[i].end - w[i].start; chars += strlen(w[i].text); }
        double secs = now() - t0;
        printf("{\"seconds\": %.6f, \"rss_kb\": %ld, \"words\": %zu, \"check\": %lld}\n", secs, peak_rss_kb(), n,
               (long long)(sum + (int64_t)chars));
        aai_transcript_free(tr);
    } else if (strcmp(what, "upload") == 0) {
        struct progress p = {0, 0, 0};
        aai_transcriber_set_progress_callback(t, on_progress, &p);
        char *url = NULL;
        aai_status s = aai_transcriber_upload_file(t, argv[2], &url);
        if (s != AAI_OK) return fail("upload", s);
        double secs = now() - t0;
        printf("{\"seconds\": %.6f, \"rss_kb\": %ld, \"idle_rss_kb\": %ld, \"bytes\": %llu, \"progress_calls\": %llu, \"last\": %llu}\n",
               secs, peak_rss_kb(), idle_kb, (unsigned long long)p.total, (unsigned long long)p.calls, (unsigned long long)p.last);
        aai_string_free(url);
    } else if (strcmp(what, "srt") == 0) {
        char *srt = NULL;
        aai_status s = aai_transcriber_export_subtitles(t, argv[2], AAI_SUBTITLES_SRT, 0, &srt);
        if (s != AAI_OK) return fail("srt", s);
        printf("{\"seconds\": %.6f, \"rss_kb\": %ld, \"bytes\": %zu}\n", now() - t0, peak_rss_kb(), strlen(srt));
        aai_string_free(srt);
    } else if (strcmp(what, "srt-local") == 0 || strcmp(what, "search-local") == 0) {
        aai_transcript *tr = NULL;
        aai_status s = aai_transcriber_get(t, argv[2], &tr);
        if (s != AAI_OK) return fail("get", s);
        size_t bytes = 0;
        double took[2];
        for (int call = 0; call < 2; call++) {
            t0 = now();  /* the local computation alone */
            if (what[1] == 'r') {
                char *srt = NULL;
                if ((s = aai_transcript_export_subtitles(tr, AAI_SUBTITLES_SRT, 0, &srt)) != AAI_OK) return fail("srt", s);
                bytes = strlen(srt);
                aai_string_free(srt);
            } else {
                const char *terms[] = {argc > 3 ? argv[3] : "fox"};
                aai_word_search *ws = NULL;
                const aai_word_match *m;
                size_t n;
                int64_t total;
                if ((s = aai_transcript_word_search(tr, terms, 1, &ws)) != AAI_OK) return fail("search", s);
                aai_word_search_matches(ws, &m, &n, &total);
                bytes = (size_t)total;
                aai_word_search_free(ws);
            }
            took[call] = now() - t0;
        }
        printf("{\"seconds\": %.6f, \"first_seconds\": %.6f, \"rss_kb\": %ld, \"bytes\": %zu}\n", took[1], took[0],
               peak_rss_kb(), bytes);
        aai_transcript_free(tr);
    } else if (strcmp(what, "results") == 0) {
        aai_transcript *tr = NULL;
        aai_status s = aai_transcriber_get(t, argv[2], &tr);
        if (s != AAI_OK) return fail("get", s);
        int64_t check = 0;
        size_t items = 0, n = 0;
        t0 = now();  /* building the views alone (each is built on its first call) */
        double c0 = cpu_now();
        const aai_utterance *u;
        if ((s = aai_transcript_utterances(tr, &u, &n)) != AAI_OK) return fail("utterances", s);
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < u[i].word_count; j++) check += u[i].words[j].end - u[i].words[j].start;
            items += u[i].word_count;
        }
        double utterances = now() - t0, utterances_cpu = cpu_now() - c0;
        const aai_chapter *c;
        if ((s = aai_transcript_chapters(tr, &c, &n)) != AAI_OK) return fail("chapters", s);
        for (size_t i = 0; i < n; i++) check += c[i].end - c[i].start;
        items += n;
        const aai_sentiment *se;
        if ((s = aai_transcript_sentiment_analysis(tr, &se, &n)) != AAI_OK) return fail("sentiments", s);
        for (size_t i = 0; i < n; i++) check += se[i].kind;
        items += n;
        const aai_entity *e;
        if ((s = aai_transcript_entities(tr, &e, &n)) != AAI_OK) return fail("entities", s);
        for (size_t i = 0; i < n; i++) check += e[i].end - e[i].start;
        items += n;
        const aai_auto_highlight *h;
        if ((s = aai_transcript_auto_highlights(tr, &h, &n)) != AAI_OK) return fail("highlights", s);
        for (size_t i = 0; i < n; i++) check += (int64_t)h[i].timestamp_count;
        items += n;
        const aai_content_safety_result *cs;
        if ((s = aai_transcript_content_safety(tr, &cs, &n)) != AAI_OK) return fail("content safety", s);
        for (size_t i = 0; i < n; i++) check += (int64_t)cs[i].label_count;
        items += n;
        const aai_label_score *ls;
        if ((s = aai_transcript_content_safety_summary(tr, &ls, &n)) != AAI_OK) return fail("content safety summary", s);
        items += n;
        const aai_severity_score_summary *ss;
        if ((s = aai_transcript_content_safety_severity_scores(tr, &ss, &n)) != AAI_OK) return fail("severity", s);
        items += n;
        const aai_iab_result *ia;
        if ((s = aai_transcript_iab_categories(tr, &ia, &n)) != AAI_OK) return fail("topics", s);
        for (size_t i = 0; i < n; i++) check += (int64_t)ia[i].label_count;
        items += n;
        if ((s = aai_transcript_iab_categories_summary(tr, &ls, &n)) != AAI_OK) return fail("topics summary", s);
        items += n;
        double secs = now() - t0, cpu = cpu_now() - c0;
        printf("{\"seconds\": %.6f, \"utterances_seconds\": %.6f, \"cpu_seconds\": %.6f, \"utterances_cpu_seconds\": %.6f, "
               "\"rss_kb\": %ld, \"items\": %zu, \"check\": %lld}\n", secs, utterances, cpu, utterances_cpu, peak_rss_kb(), items,
               (long long)check);
        aai_transcript_free(tr);
    } else if (strcmp(what, "hold") == 0) {
        int cycles = argc > 3 ? atoi(argv[3]) : 100;
        long held_kb = 0, after_first_kb = 0;
        size_t json_len = 0;
        for (int i = 0; i < cycles; i++) {
            aai_transcript *tr = NULL;
            aai_status s = aai_transcriber_get(t, argv[2], &tr);
            if (s != AAI_OK) return fail("get", s);
            const aai_word *w;
            size_t n;
            const char *json;
            aai_transcript_words(tr, &w, &n);
            aai_transcript_json(tr, &json, &json_len);
            if (i == 0) held_kb = rss_kb() - idle_kb;
            aai_transcript_free(tr);
            if (i == 0) after_first_kb = rss_kb();
        }
        long end_kb = rss_kb();
        printf("{\"seconds\": %.6f, \"rss_kb\": %ld, \"json_kb\": %zu, \"held_kb\": %ld, \"rss_after_first_free_kb\": %ld, "
               "\"rss_after_all_kb\": %ld}\n", now() - t0, peak_rss_kb(), json_len / 1024, held_kb, after_first_kb, end_kb);
    } else if (strcmp(what, "group") == 0) {
        aai_transcript_group *g = NULL;
        aai_status s = aai_transcriber_transcribe_group(t, (const char *const *)argv + 2, (size_t)(argc - 2), NULL, 0, 0, &g);
        if (s != AAI_OK) return fail("group", s);
        size_t completed = 0;
        for (size_t i = 0; i < aai_transcript_group_count(g); i++) {
            aai_transcript *tr = NULL;
            aai_status item = AAI_OK;
            aai_transcript_group_item(g, i, &tr, &item);
            if (item == AAI_OK && aai_transcript_get_status(tr) == AAI_TRANSCRIPT_COMPLETED) completed++;
            aai_transcript_free(tr);
        }
        printf("{\"seconds\": %.6f, \"rss_kb\": %ld, \"completed\": %zu}\n", now() - t0, peak_rss_kb(), completed);
        aai_transcript_group_free(g);
    } else {
        return 2;
    }
    aai_transcriber_free(t);
    aai_client_free(client);
    return 0;
}
