/* bench_stream: N concurrent Universal Streaming v3 sessions in one process through
 * libassemblyai, each sending audio at real-time pace (50 ms chunks, one pacing thread for all),
 * against the local server (scripts/bench's streaming row).
 *
 *   bench_stream SESSIONS SECONDS DUMP [PHASES]
 *
 * PHASES (default 10): the sessions' chunks are due at PHASES evenly spread offsets within each
 * 50 ms (session i at phase i % PHASES), as independent live sources would be; 1 sends every
 * session's chunk at the same instant (the worst case: every I/O thread wakes at once).
 * Prints one line of JSON: the streaming phase's wall time, peak RSS, the delivery latency from
 * the library reading a message's last byte off the socket to the callback (event->received_ns
 * to clock_gettime at the callback's entry: p50/p99/max over every Turn), and CPU per session
 * (getrusage user+sys over the streaming phase / sessions). DUMP gets one JSON line per session
 * ({"id", "turns": [[turn_order, end_of_turn, transcript, callback_ns], ...]}) that scripts/bench
 * matches with the server's record of what it sent and when (sent_ns), for the cross-SDK
 * latency and the check that no turn was lost or reordered.
 * Environment: ASSEMBLYAI_API_KEY, ASSEMBLYAI_BASE_URL; AAI_BENCH_CALLBACK_THREADS and
 * AAI_BENCH_LOW_LATENCY set the library's streaming threads (see main).
 *
 *   bench_stream SESSIONS SECONDS DUMP PHASES STAGGER
 *
 * STAGGER > 0 (seconds): the paced simulation of many short sessions. Session i connects at
 * i * STAGGER / SESSIONS seconds (8 connecting threads), streams SECONDS of audio at real-time
 * pace from then on (one pacing thread; each chunk made when it is sent, so 10,000 sessions need
 * no audio in memory), and is closed by one of 8 closing threads when its audio is out; so about
 * SESSIONS * SECONDS / STAGGER sessions are open at once. The threads, descriptors and RSS are
 * sampled every 100 ms: the figures per session are taken at the peak of open sessions
 * (peak_sessions). The other figures are as above.
 */
#define _POSIX_C_SOURCE 200809L
#include <assemblyai.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include "../tests/c/proc_counts.h"
#include "../tests/c/stream_audio.h"   /* h_stream_samples(): the local server's streaming test audio */

#define RATE 16000
#define CHUNK_MS 50

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* ---- one session's record, written only by its callback thread ---- */
typedef struct { int64_t order, cb_ns; int end; char *text; } turn;
typedef struct {
    aai_streaming *s;
    char id[64];
    turn *turns;
    size_t count, cap;
    int64_t *lat_ns;  /* received_ns -> callback, every Turn */
    size_t lat_count, lat_cap;
} session;

static void on_event(const aai_streaming_event *e, void *user) {
    int64_t t = now_ns();
    session *x = user;
    /* Turns only (as the server-side figures): OPENED was read during connect, before the
       callback thread started, so its wait is the thread's start, not the delivery path. */
    if (e->type == AAI_STREAMING_EVENT_TURN && e->received_ns > 0) {
        if (x->lat_count == x->lat_cap) x->lat_ns = realloc(x->lat_ns, (x->lat_cap = x->lat_cap * 2 + 64) * sizeof *x->lat_ns);
        x->lat_ns[x->lat_count++] = t - e->received_ns;
    }
    if (e->type == AAI_STREAMING_EVENT_OPENED) snprintf(x->id, sizeof x->id, "%s", e->session_id);
    if (e->type == AAI_STREAMING_EVENT_TURN) {
        if (x->count == x->cap) x->turns = realloc(x->turns, (x->cap = x->cap * 2 + 16) * sizeof *x->turns);
        x->turns[x->count++] = (turn){e->turn_order, t, e->end_of_turn, strdup(e->text ? e->text : "")};
    }
    if (e->type == AAI_STREAMING_EVENT_ERROR) fprintf(stderr, "session error: %s\n", e->text ? e->text : "");
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(f, "\\u%04x", *s);
        else fputc(*s, f);
    }
    fputc('"', f);
}

/* Writes DUMP (one JSON line per session: its id and turns), frees each session and what it
   recorded, and returns every session's read -> callback latencies sorted (*count of them). */
static int64_t *dump_sessions(const char *path, session *ss, int n, size_t *count) {
    FILE *dump = fopen(path, "w");
    if (!dump) { perror(path); return NULL; }
    size_t total = 0, m = 0;
    for (int i = 0; i < n; i++) total += ss[i].lat_count;
    int64_t *lat = malloc((total + 1) * sizeof *lat);
    for (int i = 0; i < n; i++) {
        memcpy(lat + m, ss[i].lat_ns, ss[i].lat_count * sizeof *lat);
        m += ss[i].lat_count;
        fprintf(dump, "{\"id\": ");
        json_string(dump, ss[i].id);
        fprintf(dump, ", \"turns\": [");
        for (size_t j = 0; j < ss[i].count; j++) {
            turn *t = &ss[i].turns[j];
            fprintf(dump, "%s[%lld, %s, ", j ? ", " : "", (long long)t->order, t->end ? "true" : "false");
            json_string(dump, t->text);
            fprintf(dump, ", %lld]", (long long)t->cb_ns);
            free(t->text);
        }
        fprintf(dump, "]}\n");
        free(ss[i].turns);
        free(ss[i].lat_ns);
        aai_streaming_free(ss[i].s);
    }
    fclose(dump);
    qsort(lat, m, sizeof *lat, cmp_i64);
    *count = m;
    return lat;
}

/* ---- the paced simulation (STAGGER > 0) ---- */
#include <pthread.h>
#include <stdatomic.h>
typedef struct {
    unsigned char frame[256];   /* the embedded text's frame (stream_audio.h), repeated over the samples */
    size_t frame_len;
    int64_t start_ns;           /* when it is due to connect */
    int64_t t0_ns;              /* when it connected (its chunks are paced from there) */
    atomic_int state;           /* 0 waiting, 1 connected, 2 audio out (closing), 3 closed */
    size_t next_chunk;
} sim_session;
static sim_session *sims;
static session *sim_ss;
static int sim_n;
static atomic_int sim_next_connect, sim_failed, sim_helpers;   /* sim_helpers: this program's connecting and closing threads alive */
static size_t sim_chunks;
static pthread_mutex_t close_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t close_cond = PTHREAD_COND_INITIALIZER;
static int *close_queue, close_head, close_tail, close_done;

static void sim_frame(sim_session *x, const char *text, int span_ms) {
    x->frame_len = h_stream_frame(text, span_ms, x->frame, sizeof x->frame);
}

static void sim_chunk(const sim_session *x, size_t first, size_t n, int16_t *out) {
    h_stream_chunk(x->frame, x->frame_len, first, n, out);
}

static void *sim_connector(void *arg) {
    aai_client *client = arg;
    for (;;) {
        int i = atomic_fetch_add(&sim_next_connect, 1);
        if (i >= sim_n) { atomic_fetch_sub(&sim_helpers, 1); return NULL; }
        int64_t wait = sims[i].start_ns - now_ns();
        if (wait > 0) {
            struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
            nanosleep(&ts, NULL);
        }
        aai_status st = aai_streaming_new(client, AAI_STREAMING_V3, &sim_ss[i].s);
        if (st == AAI_OK) st = aai_streaming_set_callback(sim_ss[i].s, on_event, &sim_ss[i]);
        if (st == AAI_OK) st = aai_streaming_set_sample_rate(sim_ss[i].s, RATE);
        if (st == AAI_OK) st = aai_streaming_connect(sim_ss[i].s);
        if (st != AAI_OK) {
            fprintf(stderr, "session %d: %s: %s\n", i, aai_status_name(st), aai_last_error_message());
            atomic_fetch_add(&sim_failed, 1);
            atomic_store(&sims[i].state, 3);
            continue;
        }
        sims[i].t0_ns = now_ns();
        atomic_store(&sims[i].state, 1);
    }
}

static void *sim_closer(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&close_lock);
        while (close_head == close_tail && !close_done) pthread_cond_wait(&close_cond, &close_lock);
        if (close_head == close_tail) { pthread_mutex_unlock(&close_lock); atomic_fetch_sub(&sim_helpers, 1); return NULL; }
        int i = close_queue[close_head++];
        pthread_mutex_unlock(&close_lock);
        aai_status st = aai_streaming_close(sim_ss[i].s, 30000);
        if (st != AAI_OK) {
            fprintf(stderr, "close %d: %s\n", i, aai_last_error_message());
            atomic_fetch_add(&sim_failed, 1);
        }
        atomic_store(&sims[i].state, 3);
    }
}

static int simulate(aai_client *client, int n, double seconds, double stagger, const char *dump_path) {
    sim_n = n;
    sims = calloc((size_t)n, sizeof *sims);
    sim_ss = calloc((size_t)n, sizeof *sim_ss);
    close_queue = calloc((size_t)n, sizeof *close_queue);
    size_t chunk = RATE * CHUNK_MS / 1000;
    sim_chunks = (size_t)(seconds * RATE) / chunk;
    int words = (int)((seconds * 1000 - 1500) / 400) / 4 * 4;
    for (int i = 0; i < n; i++) {
        char text[512] = "";
        for (int w = 0; w < words; w += 4) {
            size_t len = strlen(text);
            snprintf(text + len, sizeof text - len, "%sSession %d sentence %d.", w ? " " : "", i, w / 4);
        }
        sim_frame(&sims[i], text, words * 400);
    }
    int threads0 = h_proc_threads(), fds0 = h_proc_fds();
    long rss0 = h_rss_kb();
    double cpu0 = cpu_seconds();
    int64_t t0 = now_ns() + 200000000;
    for (int i = 0; i < n; i++) sims[i].start_ns = t0 + (int64_t)(stagger * 1e9 * i / n);
    pthread_t conn[8], clos[8];
    atomic_store(&sim_helpers, 16);
    for (int k = 0; k < 8; k++) pthread_create(&conn[k], NULL, sim_connector, client);
    for (int k = 0; k < 8; k++) pthread_create(&clos[k], NULL, sim_closer, NULL);
    int16_t buf[RATE * CHUNK_MS / 1000];
    int lo = 0, peak = 0, peak_threads = 0, peak_fds = 0;
    long peak_rss = rss0;
    int64_t next_sample = 0;
    while (lo < n) {
        int64_t now = now_ns();
        for (int i = lo; i < n && sims[i].start_ns <= now; i++) {
            if (atomic_load(&sims[i].state) != 1) continue;
            sim_session *x = &sims[i];
            while (x->next_chunk < sim_chunks && x->t0_ns + (int64_t)x->next_chunk * CHUNK_MS * 1000000 <= now) {
                sim_chunk(x, x->next_chunk * chunk, chunk, buf);
                aai_status st2 = aai_streaming_send_audio(sim_ss[i].s, buf, chunk * sizeof(int16_t));
                if (st2 != AAI_OK) { fprintf(stderr, "send %d: %s\n", i, aai_last_error_message()); atomic_fetch_add(&sim_failed, 1); x->next_chunk = sim_chunks; break; }
                x->next_chunk++;
            }
            if (x->next_chunk == sim_chunks) {
                atomic_store(&x->state, 2);
                pthread_mutex_lock(&close_lock);
                close_queue[close_tail++] = i;
                pthread_cond_signal(&close_cond);
                pthread_mutex_unlock(&close_lock);
            }
        }
        while (lo < n && atomic_load(&sims[lo].state) >= 2) lo++;
        if (now >= next_sample) {  /* the process's threads, descriptors and RSS at the peak */
            int io = 0, cb = 0, live = 0;
            aai_streaming_threads(&io, &cb, &live);
            if (live > peak) {
                peak = live;
                peak_threads = h_proc_threads() - atomic_load(&sim_helpers);
                peak_fds = h_proc_fds();
                long r = h_rss_kb();
                if (r > peak_rss) peak_rss = r;
            }
            next_sample = now + 100000000;
        }
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    pthread_mutex_lock(&close_lock);
    close_done = 1;
    pthread_cond_broadcast(&close_cond);
    pthread_mutex_unlock(&close_lock);
    for (int k = 0; k < 8; k++) pthread_join(conn[k], NULL);
    for (int k = 0; k < 8; k++) pthread_join(clos[k], NULL);
    double wall = (now_ns() - t0) / 1e9, cpu = cpu_seconds() - cpu0;
    size_t m = 0;
    int64_t *lat = dump_sessions(dump_path, sim_ss, n, &m);
    if (!lat) return 1;
    int threads2 = h_proc_threads(), fds2 = h_proc_fds();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    int denom = peak > 0 ? peak : 1;
    /* threads_open: the process at the peak, minus this program's own connecting and closing threads then alive */
    printf("{\"seconds\": %.6f, \"rss_kb\": %ld, \"sessions\": %d, \"peak_sessions\": %d, \"stagger_s\": %.1f, \"failed\": %d, "
           "\"messages\": %zu, \"read_to_cb_p50_us\": %.1f, \"read_to_cb_p99_us\": %.1f, \"read_to_cb_max_us\": %.1f, "
           "\"cpu_ms_per_session\": %.2f, \"cpu_s\": %.3f, \"threads_before\": %d, \"threads_open\": %d, \"threads_end\": %d, "
           "\"fds_before\": %d, \"fds_open\": %d, \"fds_end\": %d, \"fds_per_session\": %.2f, \"rss_kb_per_session\": %.1f}\n",
           wall, ru.ru_maxrss, n, peak, stagger, atomic_load(&sim_failed), m, m ? lat[m / 2] / 1e3 : 0.0,
           m ? lat[m * 99 / 100] / 1e3 : 0.0, m ? lat[m - 1] / 1e3 : 0.0, cpu * 1000 / n, cpu, threads0, peak_threads,
           threads2, fds0, peak_fds, fds2, (double)(peak_fds - fds0) / denom, (double)(peak_rss - rss0) / denom);
    free(lat);
    return atomic_load(&sim_failed) ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: bench_stream SESSIONS SECONDS DUMP [PHASES [STAGGER]]\n"); return 2; }
    int n = atoi(argv[1]), phases = argc > 4 ? atoi(argv[4]) : 10;
    if (phases < 1) phases = 1;
    double seconds = atof(argv[2]);
    /* AAI_BENCH_CALLBACK_THREADS: the callback pool's size (the library's default is 4). */
    const char *cbt = getenv("AAI_BENCH_CALLBACK_THREADS");
    if (cbt && aai_streaming_set_callback_threads(atoi(cbt)) != AAI_OK) { fprintf(stderr, "%s\n", aai_last_error_message()); return 2; }
    /* AAI_BENCH_LOW_LATENCY=0: the streaming threads on the scheduler's defaults (the A/B of
       aai_streaming_set_low_latency; the library's default is 1). */
    const char *ll = getenv("AAI_BENCH_LOW_LATENCY");
    if (ll && aai_streaming_set_low_latency(atoi(ll)) != AAI_OK) { fprintf(stderr, "%s\n", aai_last_error_message()); return 2; }
    aai_client *client = NULL;
    aai_client_new(&client);
    const char *url = getenv("ASSEMBLYAI_BASE_URL");
    if (url) aai_client_set_base_url(client, url);
    if (argc > 5 && atof(argv[5]) > 0) {
        int rc = simulate(client, n, seconds, atof(argv[5]), argv[3]);
        aai_client_free(client);
        return rc;
    }
    size_t samples = (size_t)(seconds * RATE), chunk = RATE * CHUNK_MS / 1000;
    session *ss = calloc((size_t)n, sizeof *ss);
    int16_t **audio = calloc((size_t)n, sizeof *audio);
    int threads0 = h_proc_threads(), fds0 = h_proc_fds();
    for (int i = 0; i < n; i++) {
        /* the audio first, for an RSS baseline without the sessions */
        /* Sentences of four words, 400 ms each, naming the session: a turn from another session
           or out of order shows in the comparison with the server's record. */
        char text[2048] = "";
        int words = (int)((seconds * 1000 - 1500) / 400) / 4 * 4;
        for (int w = 0; w < words; w += 4) {
            size_t len = strlen(text);
            snprintf(text + len, sizeof text - len, "%sSession %d sentence %d.", w ? " " : "", i, w / 4);
        }
        audio[i] = h_stream_samples(text, words * 400, samples);
    }
    long rss0 = h_rss_kb();
    for (int i = 0; i < n; i++) {
        aai_status st = aai_streaming_new(client, AAI_STREAMING_V3, &ss[i].s);
        if (st == AAI_OK) st = aai_streaming_set_callback(ss[i].s, on_event, &ss[i]);
        if (st == AAI_OK) st = aai_streaming_set_sample_rate(ss[i].s, RATE);
        if (st == AAI_OK) st = aai_streaming_connect(ss[i].s);
        if (st != AAI_OK) { fprintf(stderr, "session %d: %s: %s\n", i, aai_status_name(st), aai_last_error_message()); return 1; }
    }
    int threads1 = h_proc_threads(), fds1 = h_proc_fds();
    long rss1 = h_rss_kb();
    double cpu0 = cpu_seconds();
    int64_t t0 = now_ns();
    for (size_t k = 0; (k + 1) * chunk <= samples; k++) {  /* whole chunks: v3 takes 50..1000 ms a message */
        for (int p = 0; p < phases; p++) {
            int64_t due = t0 + ((int64_t)k * phases + p) * CHUNK_MS * 1000000 / phases;
            int64_t wait = due - now_ns();
            if (wait > 0) {
                struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
                nanosleep(&ts, NULL);
            }
            for (int i = p; i < n; i += phases) {
                aai_status st = aai_streaming_send_audio(ss[i].s, audio[i] + k * chunk, chunk * sizeof(int16_t));
                if (st != AAI_OK) { fprintf(stderr, "send %d: %s\n", i, aai_last_error_message()); return 1; }
            }
        }
    }
    for (int i = 0; i < n; i++) {
        aai_status st = aai_streaming_close(ss[i].s, 30000);
        if (st != AAI_OK) { fprintf(stderr, "close %d: %s\n", i, aai_last_error_message()); return 1; }
    }
    long rss2 = h_rss_kb();
    int threads2 = h_proc_threads();
    double wall = (now_ns() - t0) / 1e9, cpu = cpu_seconds() - cpu0;

    size_t m = 0;
    int64_t *lat = dump_sessions(argv[3], ss, n, &m);
    if (!lat) return 1;
    for (int i = 0; i < n; i++) free(audio[i]);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"seconds\": %.6f, \"rss_kb\": %ld, \"sessions\": %d, \"messages\": %zu, \"read_to_cb_p50_us\": %.1f, "
           "\"read_to_cb_p99_us\": %.1f, \"read_to_cb_max_us\": %.1f, \"cpu_ms_per_session\": %.2f, \"cpu_s\": %.3f, "
           "\"threads_before\": %d, \"threads_open\": %d, \"threads_end\": %d, \"fds_before\": %d, \"fds_open\": %d, "
           "\"fds_per_session\": %.2f, \"rss_kb_per_session\": %.1f}\n",
           wall, ru.ru_maxrss, n, m, m ? lat[m / 2] / 1e3 : 0.0, m ? lat[m * 99 / 100] / 1e3 : 0.0, m ? lat[m - 1] / 1e3 : 0.0,
           cpu * 1000 / n, cpu, threads0, threads1, threads2, fds0, fds1, (double)(fds1 - fds0) / n,
           (double)((rss2 > rss1 ? rss2 : rss1) - rss0) / n);
    free(lat);
    free(ss);
    free(audio);
    aai_client_free(client);
    return 0;
}
