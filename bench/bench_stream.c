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
 * Environment: ASSEMBLYAI_API_KEY, ASSEMBLYAI_BASE_URL.
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

/* Entries of a /proc/self directory (threads: task, descriptors: fd). */
static int count_dir(const char *path) {
    int n = 0;
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d))) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static long rss_kb_now(void) {
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = -1;
    fclose(f);
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
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

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: bench_stream SESSIONS SECONDS DUMP [PHASES]\n"); return 2; }
    int n = atoi(argv[1]), phases = argc > 4 ? atoi(argv[4]) : 10;
    if (phases < 1) phases = 1;
    double seconds = atof(argv[2]);
    aai_client *client = NULL;
    aai_client_new(&client);
    const char *url = getenv("ASSEMBLYAI_BASE_URL");
    if (url) aai_client_set_base_url(client, url);
    size_t samples = (size_t)(seconds * RATE), chunk = RATE * CHUNK_MS / 1000;
    session *ss = calloc((size_t)n, sizeof *ss);
    int16_t **audio = calloc((size_t)n, sizeof *audio);
    int threads0 = count_dir("/proc/self/task"), fds0 = count_dir("/proc/self/fd") - 1;
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
    long rss0 = rss_kb_now();
    for (int i = 0; i < n; i++) {
        aai_status st = aai_streaming_new(client, AAI_STREAMING_V3, &ss[i].s);
        if (st == AAI_OK) st = aai_streaming_set_callback(ss[i].s, on_event, &ss[i]);
        if (st == AAI_OK) st = aai_streaming_set_sample_rate(ss[i].s, RATE);
        if (st == AAI_OK) st = aai_streaming_connect(ss[i].s);
        if (st != AAI_OK) { fprintf(stderr, "session %d: %s: %s\n", i, aai_status_name(st), aai_last_error_message()); return 1; }
    }
    int threads1 = count_dir("/proc/self/task"), fds1 = count_dir("/proc/self/fd") - 1;
    long rss1 = rss_kb_now();
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
    long rss2 = rss_kb_now();
    int threads2 = count_dir("/proc/self/task");
    double wall = (now_ns() - t0) / 1e9, cpu = cpu_seconds() - cpu0;

    FILE *dump = fopen(argv[3], "w");
    if (!dump) { perror(argv[3]); return 1; }
    size_t total = 0;
    for (int i = 0; i < n; i++) total += ss[i].lat_count;
    int64_t *lat = malloc((total + 1) * sizeof *lat);
    size_t m = 0;
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
        free(audio[i]);
    }
    fclose(dump);
    qsort(lat, m, sizeof *lat, cmp_i64);
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
