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
#include "proc_counts.h"
#include "stream_audio.h"
#include <dirent.h>
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

/* ---- phase 4: many sessions at once (issue 16): opening, sending, faulting, closing and freeing
   together on the one I/O loop, some closed or freed from their own callback. Under
   scripts/sanitize thread this is ThreadSanitizer over the loop and the callback pool. ---- */
#define MANY_OPENERS 8
static int many_sessions = 200;   /* AAI_STRESS_SESSIONS */
static int many_per;              /* sessions per opener thread */
static int16_t *many_audio;       /* speech the local server turns into Turns (1 s) */
enum { MANY_CLOSE, MANY_CLOSE_IN_CALLBACK, MANY_FREE_WHILE_SENDING, MANY_FREE_IN_CALLBACK };
typedef struct many_session {
    aai_streaming *s;
    int mode;
    atomic_int closed, freed_by_callback, freed, after_free;   /* freed: set once a free returned */
    atomic_long events;
} many_session;

static void on_many_event(const aai_streaming_event *e, void *u) {
    many_session *m = u;
    if (atomic_load(&m->freed)) atomic_fetch_add(&m->after_free, 1);
    atomic_fetch_add(&m->events, 1);
    if (e->type == AAI_STREAMING_EVENT_CLOSED) atomic_store(&m->closed, 1);
    if (e->type != AAI_STREAMING_EVENT_TURN) return;
    if (m->mode == MANY_CLOSE_IN_CALLBACK && !atomic_load(&m->closed)) {
        aai_status st = aai_streaming_close(m->s, 5000);   /* returns at once in a callback */
        if (st != AAI_OK && st != AAI_ERR_STATE) problem("close in callback: %s%s", aai_last_error_message(), "");
    }
    if (m->mode == MANY_FREE_IN_CALLBACK && !atomic_exchange(&m->freed_by_callback, 1)) {
        aai_streaming_free(m->s);   /* no callback of it after this one */
        atomic_store(&m->freed, 1);
    }
}

static void *many_opener(void *arg) {
    many_session *all = arg;
    for (int i = 0; i < many_per; i++) {
        many_session *m = &all[i];
        aai_status st = aai_streaming_new(client, AAI_STREAMING_V3, &m->s);
        if (st == AAI_OK) st = aai_streaming_set_callback(m->s, on_many_event, m);
        if (st == AAI_OK) st = aai_streaming_connect(m->s);
        expect(st, "many: connect", AAI_OK, AAI_OK);
    }
    /* Every session of this opener streams its second of speech in 50 ms chunks, interleaved. */
    for (int k = 0; k < 20; k++) {
        for (int i = 0; i < many_per; i++) {
            many_session *m = &all[i];
            if (m->mode == MANY_FREE_WHILE_SENDING && k == 10) {
                aai_streaming_free(m->s);
                atomic_store(&m->freed, 1);
            }
            aai_status st = aai_streaming_send_audio(m->s, many_audio + k * 800, 1600);
            /* OK; STATE once closed (a fault, a close in a callback); INVALID_ARGUMENT once freed */
            if (st != AAI_OK && st != AAI_ERR_STATE && st != AAI_ERR_INVALID_ARGUMENT)
                problem("many: send: %s%s", aai_last_error_message(), "");
        }
        usleep(20 * 1000);
    }
    for (int i = 0; i < many_per; i++) {
        many_session *m = &all[i];
        if (m->mode == MANY_CLOSE) {
            aai_status st = aai_streaming_close(m->s, 10000);
            /* a fault the server armed ends some sessions: their close reports it */
            if (st != AAI_OK && st != AAI_ERR_CONNECTION && st != AAI_ERR_PROTOCOL && st != AAI_ERR_SERVER)
                problem("many: close: %s%s", aai_status_name(st), aai_last_error_message());
        }
        if (m->mode == MANY_CLOSE_IN_CALLBACK) {
            double end = h_now_ms() + 10000;
            while (!atomic_load(&m->closed) && h_now_ms() < end) usleep(5000);
        }
        aai_streaming_free(m->s);   /* again for the ones already freed: a no-op on a freed handle */
        atomic_store(&m->freed, 1);
    }
    return NULL;
}

static void test_many_sessions_at_once(void) {
    long problems_before = atomic_load(&errors_unexpected);
    int per = many_per = many_sessions / MANY_OPENERS;
    many_session *all = calloc((size_t)(per * MANY_OPENERS), sizeof *all);
    many_audio = h_stream_samples("Hello there. How are you?", 1000, 16000);
    for (int i = 0; i < per * MANY_OPENERS; i++) all[i].mode = i % 4;
    /* WebSocket faults for some of the sessions: a reset, a close frame, a broken frame, a FIN. */
    static const char *faults[] = {
        "{\"kind\":\"ws_reset\",\"path\":\"/v3/ws\",\"after_messages\":2,\"count\":%d}",
        "{\"kind\":\"ws_close\",\"path\":\"/v3/ws\",\"after_messages\":3,\"close_code\":3005,\"reason\":\"x\",\"count\":%d}",
        "{\"kind\":\"ws_malformed_frame\",\"frame\":\"opcode\",\"path\":\"/v3/ws\",\"after_messages\":2,\"count\":%d}",
        "{\"kind\":\"ws_drop\",\"path\":\"/v3/ws\",\"after_messages\":4,\"count\":%d}",
    };
    char url[256], body[256];
    snprintf(url, sizeof url, "%s/_local/faults", h_server_url);
    for (int f = 0; f < 4; f++) {
        snprintf(body, sizeof body, faults[f], many_sessions / 16 + 1);
        long status = 0;
        free(h_http("POST", url, body, &status, NULL));
        CHECK(status == 200 || status == 201);
    }
    int threads0 = h_proc_threads(), fds0 = h_proc_fds();
    pthread_t th[MANY_OPENERS];
    double t0 = h_now_ms();
    for (int i = 0; i < MANY_OPENERS; i++) {
        /* each opener owns `per` sessions, interleaved with the others' on the loop */
        pthread_create(&th[i], NULL, many_opener, all + i * per);
    }
    for (int i = 0; i < MANY_OPENERS; i++) pthread_join(th[i], NULL);
    many_sessions = per * MANY_OPENERS;
    usleep(50 * 1000);
    long after_free = 0, events = 0, closed = 0;
    for (int i = 0; i < many_sessions; i++) {
        after_free += atomic_load(&all[i].after_free);
        events += atomic_load(&all[i].events);
        closed += atomic_load(&all[i].closed);
    }
    int io = 0, cbs = 0, live = -1;
    aai_streaming_threads(&io, &cbs, &live);
    CHECK(after_free == 0);   /* no callback once free returned (or after a free in a callback) */
    CHECK(live == 0);         /* every session left the loop */
    CHECK(events > many_sessions);
    /* nothing per session is left: threads back to the loop's and the pool's (a temporary pool
       thread may still be leaving), descriptors back to where they were */
    CHECK(h_proc_fds() == fds0);
    CHECK(h_proc_threads() <= threads0 + 2);
    printf("# %d sessions at once in %.1f s: %ld events, %ld CLOSED delivered\n", many_sessions, (h_now_ms() - t0) / 1000,
           events, closed);
    long status = 0;
    free(h_http("DELETE", url, NULL, &status, NULL));
    CHECK(atomic_load(&errors_unexpected) == problems_before);
    if (first_problem[0]) fprintf(stderr, "  first problem: %s\n", first_problem);
    free(many_audio);
    free(all);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (getenv("AAI_STRESS_SECONDS")) seconds = atof(getenv("AAI_STRESS_SECONDS"));
    if (getenv("AAI_STRESS_SESSIONS")) many_sessions = atoi(getenv("AAI_STRESS_SESSIONS"));
    if (many_sessions < MANY_OPENERS) many_sessions = MANY_OPENERS;
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
    RUN(test_many_sessions_at_once);
    printf("# %ld calls in %.1f s, %ld calls on freed handles refused\n", atomic_load(&ops), (h_now_ms() - t0) / 1000,
           atomic_load(&invalid_after_free));
    aai_config_free(shared_cfg);
    aai_transcriber_free(shared_tr);
    aai_client_free(client);
    free(wav);
    return h_finish();
}
