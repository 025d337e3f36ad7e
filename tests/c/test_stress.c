/* Threads and handles under stress (issue 10, "Threads and handles"): 32 threads share one
   client, one transcriber and one config, transcribing, polling, reading shared transcripts,
   changing the config and the settings, and streaming, while handles are freed under other
   threads' feet. The header's promises checked:
   - every handle may be used from several threads at once;
   - freeing a handle while another thread is inside a call on it is safe: the running call
     finishes with the object it holds, later calls get AAI_ERR_INVALID_ARGUMENT;
   - a transcript's arrays are built once and shared (every thread gets the same pointer);
   - a call that uses a config takes a snapshot of it (to_json is never torn).
   Bounded in time: AAI_STRESS_SECONDS (default 4) per phase, a watchdog fails the run if
   anything hangs. */
#include "harness.h"
#include <stdatomic.h>

#define THREADS 32
static double seconds = 4;
static aai_client *client;
static aai_transcriber *shared_tr;
static aai_config *shared_cfg;
static char audio_url[256];
static unsigned char *wav;
static size_t wav_size;
static atomic_long ops, errors_unexpected, invalid_after_free;
static char first_problem[512];
static pthread_mutex_t problem_lock = PTHREAD_MUTEX_INITIALIZER;

static void problem(const char *fmt, const char *a, const char *b) {
    atomic_fetch_add(&errors_unexpected, 1);
    pthread_mutex_lock(&problem_lock);
    if (!first_problem[0]) snprintf(first_problem, sizeof first_problem, fmt, a, b);
    pthread_mutex_unlock(&problem_lock);
}

/* A status is expected when it is OK or one of the listed ones. */
static void expect(aai_status s, const char *what, aai_status a, aai_status b) {
    atomic_fetch_add(&ops, 1);
    if (s == AAI_OK || s == a || s == b) return;
    problem("%s: %s", what, aai_last_error_message());
}

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "test_stress: WATCHDOG: the run did not finish in time (a hang)\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* nothing to do */ }
    _exit(3);
}

static unsigned rnd(unsigned *seed) { *seed = *seed * 1103515245u + 12345u; return (*seed >> 16) & 0x7fff; }

/* ---- phase 1: 32 threads on one transcriber, one config, one client ---- */
static aai_transcript *shared_transcripts[4];
static const aai_word *words_seen[4][THREADS];

static int progress_cb(uint64_t sent, uint64_t total, void *u) { (void)sent; (void)total; (void)u; return 0; }

static void *phase1(void *arg) {
    int me = (int)(intptr_t)arg;
    unsigned seed = (unsigned)me * 7919u + 1;
    double end = h_now_ms() + seconds * 1000;
    /* First: every thread asks for the same lazily built arrays at once. */
    for (int k = 0; k < 4; k++) {
        const aai_word *w = NULL;
        size_t n = 0;
        expect(aai_transcript_words(shared_transcripts[k], &w, &n), "words", AAI_OK, AAI_OK);
        words_seen[k][me] = w;
    }
    char key[32];
    snprintf(key, sizeof key, "t%d", me);
    while (h_now_ms() < end) {
        unsigned r = rnd(&seed) % 16;
        aai_transcript *t = NULL;
        char *s = NULL;
        char json[128];
        switch (r) {
        case 0: case 1:
            expect(aai_transcriber_submit_url(shared_tr, audio_url, shared_cfg, &t), "submit", AAI_OK, AAI_OK);
            if (t) {
                char id[64];
                snprintf(id, sizeof id, "%s", aai_transcript_id(t));
                aai_transcript_free(t);
                t = NULL;
                expect(aai_transcriber_get(shared_tr, id, &t), "get", AAI_OK, AAI_OK);
            }
            break;
        case 2:
            if (me % 4 == 0) expect(aai_transcriber_transcribe_bytes(shared_tr, wav, wav_size, NULL, &t), "transcribe", AAI_OK, AAI_OK);
            break;
        case 3: case 4:
            snprintf(json, sizeof json, "{\"word_boost\": [\"%s\"], \"speakers_expected\": %u, \"punctuate\": %s}", key,
                     1 + rnd(&seed) % 5, r == 3 ? "true" : "false");
            expect(aai_config_set_json(shared_cfg, json), "set_json", AAI_OK, AAI_OK);
            break;
        case 5:
            expect(aai_config_to_json(shared_cfg, &s), "to_json", AAI_OK, AAI_OK);
            if (s && (s[0] != '{' || s[strlen(s) - 1] != '}')) problem("torn config JSON: %s%s", s, "");
            aai_string_free(s);
            break;
        case 6:
            expect(aai_config_unset(shared_cfg, "word_boost"), "unset", AAI_OK, AAI_OK);
            expect(aai_config_set_speaker_labels(shared_cfg, (int)(r & 1)), "speaker_labels", AAI_OK, AAI_OK);
            break;
        case 7: {
            aai_transcript *st = shared_transcripts[rnd(&seed) % 4];
            aai_segments *g = NULL;
            expect(aai_transcript_sentences(st, &g), "sentences", AAI_OK, AAI_OK);
            aai_segments_free(g);
            expect(aai_transcript_export_subtitles(st, AAI_SUBTITLES_VTT, 20, &s), "vtt", AAI_OK, AAI_OK);
            aai_string_free(s);
            const aai_utterance *u = NULL;
            size_t n = 0;
            expect(aai_transcript_utterances(st, &u, &n), "utterances", AAI_OK, AAI_OK);
            break;
        }
        case 8:
            expect(aai_client_set_polling_interval_ms(client, 10 + (long)(rnd(&seed) % 20)), "polling", AAI_OK, AAI_OK);
            expect(aai_client_set_max_retries(client, (int)(rnd(&seed) % 3)), "retries", AAI_OK, AAI_OK);
            break;
        case 9:
            expect(aai_transcriber_set_progress_callback(shared_tr, (r & 1) ? progress_cb : NULL, NULL), "progress", AAI_OK, AAI_OK);
            break;
        case 10: {
            aai_transcript_list *l = NULL;
            expect(aai_transcriber_list(shared_tr, 5, NULL, NULL, NULL, NULL, -1, &l), "list", AAI_OK, AAI_OK);
            aai_transcript_list_free(l);
            break;
        }
        case 11: {
            /* Short-lived objects of every kind, freed at once (the handle table under contention). */
            aai_config *c = NULL;
            expect(aai_config_new(&c), "config_new", AAI_OK, AAI_OK);
            aai_transcriber *tr = NULL;
            expect(aai_transcriber_new(client, c, &tr), "transcriber_new", AAI_OK, AAI_OK);
            aai_config_free(c);
            aai_transcriber_free(tr);
            if (aai_config_set_punctuate(c, 1) == AAI_ERR_INVALID_ARGUMENT) atomic_fetch_add(&invalid_after_free, 1);
            else problem("a freed config still works%s%s", "", "");
            break;
        }
        case 12: {
            char *url = NULL;
            expect(aai_transcriber_upload_bytes(shared_tr, wav, wav_size, &url), "upload", AAI_OK, AAI_OK);
            aai_string_free(url);
            break;
        }
        default: {
            aai_transcript *st = shared_transcripts[rnd(&seed) % 4];
            const char *words[] = {"hello"};
            aai_word_search *ws = NULL;
            expect(aai_transcript_word_search(st, words, 1, &ws), "word_search", AAI_OK, AAI_OK);
            aai_word_search_free(ws);
            char *out = NULL;
            expect(aai_transcript_get_json(st, "/words/0/text", &out), "get_json", AAI_OK, AAI_ERR_NOT_FOUND);
            aai_string_free(out);
            break;
        }
        }
        aai_transcript_free(t);
    }
    return NULL;
}

static void test_32_threads_share_everything(void) {
    for (int k = 0; k < 4; k++) CHECK_STATUS(aai_transcriber_transcribe_url(shared_tr, audio_url, NULL, &shared_transcripts[k]), AAI_OK);
    pthread_t th[THREADS];
    long before = atomic_load(&ops);
    for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, phase1, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    printf("# phase 1: %ld calls from %d threads\n", atomic_load(&ops) - before, THREADS);
    CHECK(atomic_load(&errors_unexpected) == 0);
    if (first_problem[0]) fprintf(stderr, "  first problem: %s\n", first_problem);
    for (int k = 0; k < 4; k++)
        for (int i = 1; i < THREADS; i++) CHECK(words_seen[k][i] == words_seen[k][0]);
    for (int k = 0; k < 4; k++) aai_transcript_free(shared_transcripts[k]);
}

/* ---- phase 2: handles freed while other threads are inside calls on them ---- */
typedef struct victim {
    aai_transcriber *tr;
    aai_config *cfg;
    aai_transcript *t;
    atomic_int stop;
    atomic_long calls, invalid;
} victim;

static void *hammer_transcriber(void *arg) {
    victim *v = arg;
    while (!atomic_load(&v->stop)) {
        aai_transcript *t = NULL;
        aai_status s = aai_transcriber_transcribe_url(v->tr, audio_url, v->cfg, &t);
        aai_transcript_free(t);
        atomic_fetch_add(&v->calls, 1);
        /* A call that started before the free finishes with its object: OK (or, when the
           config handle was freed first, the argument error); afterwards, invalid. */
        if (s == AAI_ERR_INVALID_ARGUMENT) atomic_fetch_add(&v->invalid, 1);
        else if (s != AAI_OK) problem("transcribe during free: %s%s", aai_last_error_message(), "");
        if (s == AAI_ERR_INVALID_ARGUMENT && atomic_load(&v->invalid) > 50) break;
    }
    return NULL;
}

static void *hammer_transcript(void *arg) {
    victim *v = arg;
    while (!atomic_load(&v->stop)) {
        const aai_word *w = NULL;
        size_t n = 0;
        aai_status s = aai_transcript_words(v->t, &w, &n);   /* the pointers are not used after */
        aai_segments *g = NULL;
        aai_status s2 = aai_transcript_sentences(v->t, &g);
        if (s2 == AAI_OK) {
            /* Segments keep the transcript's memory alive: they stay readable after its free. */
            const aai_segment *seg = NULL;
            size_t m = 0;
            if (aai_segments_get(g, &seg, &m) == AAI_OK && m > 0 && seg[0].word_count > 0 && !seg[0].words[0].text)
                problem("segment without its words%s%s", "", "");
        }
        aai_segments_free(g);
        atomic_fetch_add(&v->calls, 1);
        if (s == AAI_ERR_INVALID_ARGUMENT && s2 == AAI_ERR_INVALID_ARGUMENT) { atomic_fetch_add(&v->invalid, 1); break; }
        if (s != AAI_OK && s != AAI_ERR_INVALID_ARGUMENT) problem("words during free: %s%s", aai_last_error_message(), "");
    }
    return NULL;
}

static void *hammer_config(void *arg) {
    victim *v = arg;
    while (!atomic_load(&v->stop)) {
        char *s = NULL;
        aai_status a = aai_config_set_json(v->cfg, "{\"speaker_labels\": true, \"word_boost\": [\"a\", \"b\"]}");
        aai_status b = aai_config_to_json(v->cfg, &s);
        aai_string_free(s);
        atomic_fetch_add(&v->calls, 1);
        if (a == AAI_ERR_INVALID_ARGUMENT && b == AAI_ERR_INVALID_ARGUMENT) { atomic_fetch_add(&v->invalid, 1); break; }
        if ((a != AAI_OK && a != AAI_ERR_INVALID_ARGUMENT) || (b != AAI_OK && b != AAI_ERR_INVALID_ARGUMENT))
            problem("config during free: %s%s", aai_last_error_message(), "");
    }
    return NULL;
}

static void test_free_while_in_use(void) {
    long problems_before = atomic_load(&errors_unexpected);
    for (int round = 0; round < 6; round++) {
        victim v;
        memset(&v, 0, sizeof v);
        aai_client *c = h_client();   /* freed below while its transcriber is in use */
        aai_transcriber_new(c, NULL, &v.tr);
        aai_config_new(&v.cfg);
        aai_config_set_punctuate(v.cfg, 1);
        aai_transcriber_transcribe_url(v.tr, audio_url, NULL, &v.t);
        pthread_t th[12];
        for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, hammer_transcriber, &v);
        for (int i = 4; i < 8; i++) pthread_create(&th[i], NULL, hammer_transcript, &v);
        for (int i = 8; i < 12; i++) pthread_create(&th[i], NULL, hammer_config, &v);
        usleep((useconds_t)(50 + 40 * round) * 1000);
        /* Free everything under their feet, in a different order each round. */
        switch (round % 3) {
        case 0: aai_client_free(c); aai_config_free(v.cfg); aai_transcript_free(v.t); aai_transcriber_free(v.tr); break;
        case 1: aai_transcriber_free(v.tr); aai_transcript_free(v.t); aai_config_free(v.cfg); aai_client_free(c); break;
        default: aai_transcript_free(v.t); aai_transcriber_free(v.tr); aai_client_free(c); aai_config_free(v.cfg); break;
        }
        usleep(200 * 1000);   /* the calls in flight finish; the next ones see freed handles */
        atomic_store(&v.stop, 1);
        for (int i = 0; i < 12; i++) pthread_join(th[i], NULL);
        CHECK(atomic_load(&v.invalid) > 0);
        CHECK_STATUS(aai_transcriber_get(v.tr, "x", &v.t), AAI_ERR_INVALID_ARGUMENT);
        CHECK(aai_transcript_text(v.t) == NULL);
        CHECK_STATUS(aai_config_set_punctuate(v.cfg, 1), AAI_ERR_INVALID_ARGUMENT);
        /* Freeing again is harmless. */
        aai_transcriber_free(v.tr);
        aai_transcript_free(v.t);
        aai_config_free(v.cfg);
        aai_client_free(c);
    }
    CHECK(atomic_load(&errors_unexpected) == problems_before);
    if (first_problem[0]) fprintf(stderr, "  first problem: %s\n", first_problem);
}

/* ---- phase 3: streaming sessions from many threads; freed while sending and closing ---- */
static void on_event(const aai_streaming_event *e, void *u) {
    atomic_long *n = u;
    (void)e;
    atomic_fetch_add(n, 1);
}

typedef struct stream_victim {
    aai_streaming *s;
    atomic_int stop;
    atomic_long sent, invalid;
} stream_victim;

static void *stream_sender(void *arg) {
    stream_victim *v = arg;
    static unsigned char chunk[3200];
    while (!atomic_load(&v->stop)) {
        aai_status s = aai_streaming_send_audio(v->s, chunk, sizeof chunk);
        if (s == AAI_OK) atomic_fetch_add(&v->sent, 1);
        else if (s == AAI_ERR_INVALID_ARGUMENT) { atomic_fetch_add(&v->invalid, 1); break; }
        else if (s != AAI_ERR_STATE && s != AAI_ERR_TIMEOUT) problem("send during free: %s%s", aai_last_error_message(), "");
        usleep(2000);
    }
    return NULL;
}

static void *stream_closer(void *arg) {
    stream_victim *v = arg;
    usleep(30 * 1000);
    aai_status s = aai_streaming_close(v->s, 3000);
    if (s != AAI_OK && s != AAI_ERR_INVALID_ARGUMENT && s != AAI_ERR_CONNECTION && s != AAI_ERR_TIMEOUT)
        problem("close during free: %s%s", aai_last_error_message(), "");
    return NULL;
}

static void *stream_session_loop(void *arg) {
    (void)arg;
    double end = h_now_ms() + seconds * 1000;
    atomic_long events = 0;
    static unsigned char chunk[3200];
    while (h_now_ms() < end) {
        aai_streaming *s = NULL;
        expect(aai_streaming_new(client, AAI_STREAMING_V3, &s), "streaming_new", AAI_OK, AAI_OK);
        aai_streaming_set_callback(s, on_event, &events);
        aai_status st = aai_streaming_connect(s);
        expect(st, "connect", AAI_OK, AAI_OK);
        for (int i = 0; st == AAI_OK && i < 5; i++) expect(aai_streaming_send_audio(s, chunk, sizeof chunk), "send", AAI_OK, AAI_OK);
        expect(aai_streaming_close(s, 3000), "close", AAI_OK, AAI_OK);
        aai_streaming_free(s);
    }
    return NULL;
}

static void test_streaming_threads(void) {
    long problems_before = atomic_load(&errors_unexpected);
    /* 8 threads opening and closing sessions through the shared client. */
    pthread_t th[8];
    for (int i = 0; i < 8; i++) pthread_create(&th[i], NULL, stream_session_loop, NULL);
    /* Meanwhile: sessions freed while one thread sends and another closes. */
    for (int round = 0; round < 10; round++) {
        stream_victim v;
        memset(&v, 0, sizeof v);
        atomic_long events = 0;
        aai_streaming_new(client, AAI_STREAMING_V3, &v.s);
        aai_streaming_set_callback(v.s, on_event, &events);
        CHECK_STATUS(aai_streaming_connect(v.s), AAI_OK);
        pthread_t a, b;
        pthread_create(&a, NULL, stream_sender, &v);
        pthread_create(&b, NULL, stream_closer, &v);
        usleep((useconds_t)(10 + 10 * round) * 1000);
        double t0 = h_now_ms();
        aai_streaming_free(v.s);
        CHECK(h_now_ms() - t0 < 3000);
        long after_free = atomic_load(&events);
        usleep(20 * 1000);
        CHECK(atomic_load(&events) == after_free);   /* no callback once free returned */
        atomic_store(&v.stop, 1);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        CHECK_STATUS(aai_streaming_send_audio(v.s, "xx", 2), AAI_ERR_INVALID_ARGUMENT);
    }
    for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
    CHECK(atomic_load(&errors_unexpected) == problems_before);
    if (first_problem[0]) fprintf(stderr, "  first problem: %s\n", first_problem);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (getenv("AAI_STRESS_SECONDS")) seconds = atof(getenv("AAI_STRESS_SECONDS"));
    signal(SIGALRM, on_alarm);
    alarm((unsigned)(seconds * 3 + 90));
    if (h_start_server(NULL) != 0) return 1;
    client = h_client();
    aai_client_set_polling_interval_ms(client, 20);
    aai_transcriber_new(client, NULL, &shared_tr);
    aai_config_new(&shared_cfg);
    char path[] = "/tmp/aai-stress.wav";
    h_write_wav(path, "A: Hello there. How are you? B: Fine, thanks. Hello again.", 0.5);
    wav = h_read_file(path, &wav_size);
    unlink(path);
    char *url = NULL;
    if (aai_transcriber_upload_bytes(shared_tr, wav, wav_size, &url) != AAI_OK) { fprintf(stderr, "upload failed\n"); return 1; }
    snprintf(audio_url, sizeof audio_url, "%s", url);
    aai_string_free(url);
    double t0 = h_now_ms();
    RUN(test_32_threads_share_everything);
    RUN(test_free_while_in_use);
    RUN(test_streaming_threads);
    printf("# %ld calls in %.1f s, %ld calls on freed handles refused\n", atomic_load(&ops), (h_now_ms() - t0) / 1000,
           atomic_load(&invalid_after_free));
    aai_config_free(shared_cfg);
    aai_transcriber_free(shared_tr);
    aai_client_free(client);
    free(wav);
    return h_finish();
}
