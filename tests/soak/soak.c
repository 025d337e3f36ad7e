/* The soak run behind scripts/soak: mixed load on one shared client for MINUTES against the
   local server, with faults sprinkled in, then a report: calls done, errors by kind, streaming
   sessions, and the process's RSS after warm-up and at the end (issue 10: no growth beyond 10%).

   Load: REST_THREADS threads transcribing (bytes, URL, file), polling, fetching, listing,
   exporting and asking LeMUR; STREAM_SLOTS streaming sessions kept open at once (each streams a
   short WAV at real-time pace, closes, and starts again; v2 and v3); a fault thread that arms a
   random fault (429, 5xx, reset, truncate, malformed JSON, delay, hang) every couple of seconds.

   Usage: soak MINUTES SERVER_URL API_KEY STREAM_WAV   (scripts/soak prepares all four)

   Streaming mode (issue 16, scripts/soak --stream): soak --stream MINUTES SERVER_URL API_KEY
   STREAM_WAV SESSIONS. SESSIONS slots each stream STREAM_WAV at real-time pace through a session
   (v3, every fourth v2), close it, free it and start again, all on one client, while a fault
   thread arms a WebSocket fault (ws_close, ws_drop, ws_reset, ws_malformed_frame,
   ws_invalid_utf8, ws_stop_reading) for 1-3 sessions every second, each firing after the
   server sent FAULT_AFTER messages. Every session's messages are checked as they arrive (turn
   orders never go back, nothing after CLOSED, CLOSED exactly once) and counted: a session that
   closed cleanly must have received as many as every other clean session of its protocol (the
   audio is the same, so the server's messages are), and a session a fault ended exactly
   FAULT_AFTER (the server sends nothing after the fault). Anything else is a lost (or extra)
   message. The process's threads and descriptors are counted before the first session and after
   the last is freed; RSS is sampled throughout (flat: at most 10% growth after warm-up). */
#define _GNU_SOURCE
#include "assemblyai.h"
#include "../c/proc_counts.h"
#include <curl/curl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REST_THREADS 8
#define STREAM_SLOTS 50

static const char *server_url, *api_key, *stream_wav;
static double end_ms;
static aai_client *client;
static aai_transcriber *tr;
static unsigned char *wav;
static size_t wav_size;
static char audio_url[256];
static atomic_long calls, sessions, session_failures, faults_armed, turns;
static atomic_long by_status[100];

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static char example[100][200];   /* the first message of each kind */
static pthread_mutex_t example_lock = PTHREAD_MUTEX_INITIALIZER;

static void count(aai_status s) {
    int k = (int)s >= 0 && (int)s < 100 ? (int)s : 99;
    atomic_fetch_add(&calls, 1);
    atomic_fetch_add(&by_status[k], 1);
    if (s != AAI_OK) {
        pthread_mutex_lock(&example_lock);
        if (!example[k][0]) snprintf(example[k], sizeof example[k], "%s", aai_last_error_message());
        pthread_mutex_unlock(&example_lock);
    }
}

static unsigned rnd(unsigned *seed) { *seed = *seed * 1103515245u + 12345u; return (*seed >> 16) & 0x7fff; }

/* ---- REST load ---- */
static void *rest_worker(void *arg) {
    unsigned seed = (unsigned)(intptr_t)arg * 2654435761u + 7;
    char last_id[64] = "";
    while (now_ms() < end_ms) {
        aai_transcript *t = NULL;
        aai_status s;
        switch (rnd(&seed) % 10) {
        case 0: case 1:
            s = aai_transcriber_transcribe_bytes(tr, wav, wav_size, NULL, &t);
            break;
        case 2: case 3:
            s = aai_transcriber_transcribe_url(tr, audio_url, NULL, &t);
            break;
        case 4:
            s = aai_transcriber_submit_url(tr, audio_url, NULL, &t);
            break;
        case 5:
            s = last_id[0] ? aai_transcriber_get(tr, last_id, &t) : AAI_OK;
            break;
        case 6: {
            aai_transcript_list *l = NULL;
            s = aai_transcriber_list(tr, 20, NULL, NULL, NULL, NULL, -1, &l);
            aai_transcript_list_free(l);
            break;
        }
        case 7: {
            aai_segments *g = NULL;
            s = last_id[0] ? aai_transcriber_get_sentences(tr, last_id, &g) : AAI_OK;
            aai_segments_free(g);
            break;
        }
        case 8: {
            if (!last_id[0]) { s = AAI_OK; break; }
            aai_lemur_params *p = NULL;
            aai_lemur_params_new(&p);
            aai_lemur_params_add_transcript_id(p, last_id);
            aai_lemur_response *r = NULL;
            s = aai_lemur_task(client, p, "Summarize.", &r);
            aai_lemur_response_free(r);
            aai_lemur_params_free(p);
            break;
        }
        default: {
            char *url = NULL;
            s = aai_transcriber_upload_bytes(tr, wav, wav_size, &url);
            aai_string_free(url);
            break;
        }
        }
        count(s);
        if (t) {
            if (aai_transcript_get_status(t) == AAI_TRANSCRIPT_COMPLETED) {
                snprintf(last_id, sizeof last_id, "%s", aai_transcript_id(t));
                char *srt = NULL;
                aai_transcript_export_subtitles(t, AAI_SUBTITLES_SRT, 0, &srt);   /* local work too */
                aai_string_free(srt);
            }
            aai_transcript_free(t);
        }
    }
    return NULL;
}

/* ---- streaming load ---- */
static void on_event(const aai_streaming_event *e, void *u) {
    (void)u;
    if (e->type == AAI_STREAMING_EVENT_TURN && e->end_of_turn) atomic_fetch_add(&turns, 1);
    if (e->type == AAI_STREAMING_EVENT_FINAL_TRANSCRIPT) atomic_fetch_add(&turns, 1);
}

static void *stream_slot(void *arg) {
    int slot = (int)(intptr_t)arg;
    usleep((useconds_t)(slot * 60) * 1000);   /* spread the starts */
    while (now_ms() < end_ms) {
        aai_streaming *s = NULL;
        aai_streaming_new(client, slot % 2 ? AAI_STREAMING_V3 : AAI_STREAMING_V2, &s);
        aai_streaming_set_callback(s, on_event, NULL);
        aai_status st = aai_streaming_connect(s);
        if (st == AAI_OK) st = aai_streaming_send_wav_file(s, stream_wav, 100, 1);
        aai_status cs = aai_streaming_close(s, 5000);
        if (st == AAI_OK) st = cs;
        count(st);
        atomic_fetch_add(&sessions, 1);
        if (st != AAI_OK) atomic_fetch_add(&session_failures, 1);
        aai_streaming_free(s);
        if (st != AAI_OK) usleep(200 * 1000);
    }
    return NULL;
}

/* ---- faults ---- */
static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }
static void admin(const char *method, const char *path, const char *body) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", server_url, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_perform(c);
    curl_easy_cleanup(c);
}

static void *fault_thread(void *arg) {
    (void)arg;
    unsigned seed = 12345;
    static const char *kinds[] = {
        "\"kind\":\"status\",\"status\":429,\"retry_after\":0", "\"kind\":\"status\",\"status\":500",
        "\"kind\":\"status\",\"status\":502", "\"kind\":\"status\",\"status\":503", "\"kind\":\"status\",\"status\":504",
        "\"kind\":\"status\",\"status\":500,\"phase\":\"after\"", "\"kind\":\"reset\"", "\"kind\":\"truncate\"",
        "\"kind\":\"malformed_json\"", "\"kind\":\"delay\",\"delay_ms\":300", "\"kind\":\"delay\",\"delay_ms\":3000",
        "\"kind\":\"hang\",\"delay_ms\":3000",
    };
    static const char *paths[] = {"\"path_regex\":\"^/v2/transcript$\"", "\"path_regex\":\"^/v2/transcript/[^/]+$\"",
                                  "\"path\":\"/v2/upload\"", "\"path\":\"/lemur/\"", "\"path\":\"/v2/transcript\"", "\"path\":\"/\""};
    while (now_ms() < end_ms) {
        char json[512];
        snprintf(json, sizeof json, "{%s,%s,\"count\":%u}", kinds[rnd(&seed) % (sizeof kinds / sizeof *kinds)],
                 paths[rnd(&seed) % (sizeof paths / sizeof *paths)], 1 + rnd(&seed) % 3);
        admin("POST", "/_local/faults", json);
        atomic_fetch_add(&faults_armed, 1);
        usleep((useconds_t)(1000 + rnd(&seed) % 2000) * 1000);
        if (rnd(&seed) % 10 == 0) admin("DELETE", "/_local/requests", NULL);   /* keep the server's record small */
    }
    admin("DELETE", "/_local/faults", NULL);
    return NULL;
}

/* ---- streaming soak (--stream) ---- */
#define FAULT_AFTER 3
#define MAX_COUNT 256
typedef struct {
    int protocol;               /* 2 or 3 */
    long messages;              /* events except CLOSED and ERROR: the server's messages */
    long closed, after_closed, errors;
    long long last_turn;        /* v3 turn_order seen last (-1: none) */
    int out_of_order;
} stream_record;
static atomic_long st_clean[2][MAX_COUNT + 1], st_faulted[2][MAX_COUNT + 1], st_disorder, st_closed_twice, st_connect_fail;
static atomic_long st_sessions, st_events;

static void on_soak_event(const aai_streaming_event *e, void *u) {
    stream_record *r = u;
    atomic_fetch_add(&st_events, 1);
    if (r->closed) { r->after_closed++; return; }
    switch (e->type) {
    case AAI_STREAMING_EVENT_CLOSED: r->closed++; return;
    case AAI_STREAMING_EVENT_ERROR:
        /* an error the server sent is a message; the library's own (the fault it met) is not */
        if (e->json && e->json_length) r->messages++;
        r->errors++;
        return;
    case AAI_STREAMING_EVENT_TURN:
        if (e->turn_order < r->last_turn) r->out_of_order = 1;
        r->last_turn = e->turn_order;
        break;
    default: break;
    }
    r->messages++;
}

static void *stream_soak_slot(void *arg) {
    int slot = (int)(intptr_t)arg;
    usleep((useconds_t)(slot % 1000) * 10 * 1000);   /* spread the starts over 10 s */
    while (now_ms() < end_ms) {
        stream_record rec = {.protocol = slot % 4 == 3 ? 2 : 3, .last_turn = -1};
        aai_streaming *s = NULL;
        aai_streaming_new(client, rec.protocol == 2 ? AAI_STREAMING_V2 : AAI_STREAMING_V3, &s);
        aai_streaming_set_callback(s, on_soak_event, &rec);
        aai_status st = aai_streaming_connect(s);
        if (st != AAI_OK) {
            count(st);
            atomic_fetch_add(&st_connect_fail, 1);
            aai_streaming_free(s);
            usleep(200 * 1000);
            continue;
        }
        aai_status ss = aai_streaming_send_wav_file(s, stream_wav, 100, 1);   /* fails once a fault ended it */
        aai_status cs = aai_streaming_close(s, 10000);
        count(cs == AAI_OK ? ss : cs);
        aai_streaming_free(s);   /* no callback after this: rec is final */
        atomic_fetch_add(&st_sessions, 1);
        int pv = rec.protocol == 2 ? 0 : 1;
        long n = rec.messages > MAX_COUNT ? MAX_COUNT : rec.messages;
        if (rec.out_of_order || rec.after_closed) atomic_fetch_add(&st_disorder, 1);
        if (rec.closed != 1) atomic_fetch_add(&st_closed_twice, 1);
        if (cs == AAI_OK && ss == AAI_OK && !rec.errors) atomic_fetch_add(&st_clean[pv][n], 1);
        else atomic_fetch_add(&st_faulted[pv][n], 1);
    }
    return NULL;
}

static void *stream_fault_thread(void *arg) {
    (void)arg;
    unsigned seed = 4242;
    static const char *kinds[] = {
        "\"kind\":\"ws_close\",\"close_code\":3005,\"reason\":\"soak\"", "\"kind\":\"ws_drop\"", "\"kind\":\"ws_reset\"",
        "\"kind\":\"ws_malformed_frame\",\"frame\":\"rsv\"", "\"kind\":\"ws_invalid_utf8\"",
        "\"kind\":\"ws_stop_reading\",\"delay_ms\":3000",
    };
    static const char *paths[] = {"\"path\":\"/v3/ws\"", "\"path\":\"/v2/realtime/ws\""};
    while (now_ms() < end_ms) {
        char json[512];
        snprintf(json, sizeof json, "{%s,%s,\"after_messages\":%d,\"count\":%u}", kinds[rnd(&seed) % (sizeof kinds / sizeof *kinds)],
                 paths[rnd(&seed) % 4 == 0 ? 1 : 0], FAULT_AFTER, 1 + rnd(&seed) % 3);
        admin("POST", "/_local/faults", json);
        atomic_fetch_add(&faults_armed, 1);
        usleep(1000 * 1000);
        admin("DELETE", "/_local/streaming/sessions", NULL);   /* the record is not used: keep the server's small */
        admin("DELETE", "/_local/requests", NULL);
    }
    admin("DELETE", "/_local/faults", NULL);
    return NULL;
}

/* The report's common lines, for both soaks: the results by kind and the RSS; returns the RSS
   growth since warm-up (%). */
static double print_results_and_rss(long rss0, long rss_warm, long rss_end, long rss_max) {
    printf("results by kind:\n");
    for (int i = 0; i < 100; i++)
        if (atomic_load(&by_status[i]))
            printf("  %-26s %7ld  %s\n", aai_status_name((aai_status)i), atomic_load(&by_status[i]), example[i]);
    double growth = rss_warm > 0 ? 100.0 * (rss_end - rss_warm) / rss_warm : 0;
    printf("RSS: %ld KiB at start, %ld KiB after warm-up, %ld KiB at the end (max %ld): %+.1f%% since warm-up\n", rss0, rss_warm,
           rss_end, rss_max, growth);
    return growth;
}

static int stream_soak(double minutes, int slots) {
    int threads0 = h_proc_threads(), fds0 = h_proc_fds();
    double start = now_ms();
    end_ms = start + minutes * 60000;
    double warm = start + (minutes * 60000 < 600000 ? minutes * 6000 : 60000);
    long rss0 = h_rss_kb(), rss_warm = -1, rss_max = rss0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t *th = calloc((size_t)slots, sizeof *th), faults;
    for (int i = 0; i < slots; i++)
        if (pthread_create(&th[i], &attr, stream_soak_slot, (void *)(intptr_t)i) != 0) { fprintf(stderr, "pthread_create %d failed\n", i); return 1; }
    pthread_create(&faults, NULL, stream_fault_thread, NULL);
    double next_report = start + 30000;
    int peak_sessions = 0, io = 0, cbs = 0, live = 0;
    while (now_ms() < end_ms) {
        usleep(500 * 1000);
        long r = h_rss_kb();
        if (r > rss_max) rss_max = r;
        if (rss_warm < 0 && now_ms() >= warm) rss_warm = r;
        aai_streaming_threads(&io, &cbs, &live);
        if (live > peak_sessions) peak_sessions = live;
        if (now_ms() >= next_report) {
            printf("[%5.0f s] %ld sessions done, %d in the loop, %ld events, RSS %ld KiB, library threads %d+%d\n",
                   (now_ms() - start) / 1000, atomic_load(&st_sessions), live, atomic_load(&st_events), r, io, cbs);
            fflush(stdout);
            next_report += 30000;
        }
    }
    double t_stop = now_ms();
    for (int i = 0; i < slots; i++) pthread_join(th[i], NULL);
    pthread_join(faults, NULL);
    double drain = now_ms() - t_stop;
    long rss_end = h_rss_kb();
    if (rss_warm < 0) rss_warm = rss0;
    aai_streaming_threads(&io, &cbs, &live);
    int threads1 = h_proc_threads(), fds1 = h_proc_fds();
    double secs = (now_ms() - start) / 1000;
    printf("\nstreaming soak: %.1f minutes, %d session slots (v3, every fourth v2), %ld WebSocket faults armed (each after %d messages)\n",
           secs / 60, slots, atomic_load(&faults_armed), FAULT_AFTER);
    printf("sessions: %ld (%.1f/s), at most %d in the loop at once; %ld connects refused; %ld events delivered\n",
           atomic_load(&st_sessions), atomic_load(&st_sessions) / secs, peak_sessions, atomic_load(&st_connect_fail),
           atomic_load(&st_events));
    long lost = 0;
    for (int pv = 0; pv < 2; pv++) {
        long mode = 0, best = -1, clean = 0, faulted = 0, bad_faulted = 0;
        for (int n = 0; n <= MAX_COUNT; n++) {
            long c = atomic_load(&st_clean[pv][n]);
            clean += c;
            if (c > best) { best = c; mode = n; }
        }
        long bad_clean = clean - (best > 0 ? best : 0);
        for (int n = 0; n <= MAX_COUNT; n++) {
            long c = atomic_load(&st_faulted[pv][n]);
            faulted += c;
            if (n != FAULT_AFTER) bad_faulted += c;
        }
        printf("%s: %ld closed cleanly, each with %ld messages, %ld with another count; %ld ended by a fault, %ld of them "
               "not with exactly %d messages\n", pv ? "v3" : "v2", clean, mode, bad_clean, faulted, bad_faulted, FAULT_AFTER);
        if (bad_clean || bad_faulted) {
            printf("  counts (clean):");
            for (int n = 0; n <= MAX_COUNT; n++) if (atomic_load(&st_clean[pv][n])) printf(" %d:%ld", n, atomic_load(&st_clean[pv][n]));
            printf("\n  counts (fault):");
            for (int n = 0; n <= MAX_COUNT; n++) if (atomic_load(&st_faulted[pv][n])) printf(" %d:%ld", n, atomic_load(&st_faulted[pv][n]));
            printf("\n");
        }
        lost += bad_clean + bad_faulted;
    }
    printf("sessions with a message lost or extra: %ld; out of order or after CLOSED: %ld; CLOSED not exactly once: %ld\n", lost,
           atomic_load(&st_disorder), atomic_load(&st_closed_twice));
    double growth = print_results_and_rss(rss0, rss_warm, rss_end, rss_max);
    printf("threads: %d before the first session, %d after the last was freed (library: %d I/O + %d callback, %d sessions in the loop); "
           "descriptors: %d before, %d after\n", threads0, threads1, io, cbs, live, fds0, fds1);
    printf("slots stopped %.1f s after the deadline\n", drain / 1000);
    /* After: the loop's thread and the callback pool stay (started once per process); nothing per session. */
    int leaked = threads1 > threads0 + 1 + cbs || fds1 > fds0 + 4 || live != 0;
    int bad = lost || atomic_load(&st_disorder) || atomic_load(&st_closed_twice) || growth > 10.0 || drain > 60000 || leaked ||
              atomic_load(&by_status[AAI_ERR_INTERNAL]) > 0;
    printf("%s\n", bad ? "STREAMING SOAK FAILED (a lost/extra/out-of-order message, RSS growth > 10%, a leaked thread or "
                         "descriptor, a slow stop, or an internal error)" : "streaming soak ok");
    free(th);
    aai_client_free(client);
    return bad;
}

int main(int argc, char **argv) {
    if (argc >= 7 && strcmp(argv[1], "--stream") == 0) {
        signal(SIGPIPE, SIG_IGN);
        server_url = argv[3];
        api_key = argv[4];
        stream_wav = argv[5];
        curl_global_init(CURL_GLOBAL_DEFAULT);
        aai_client_new(&client);
        aai_client_set_api_key(client, api_key);
        aai_client_set_base_url(client, server_url);
        /* AAI_SOAK_CALLBACK_THREADS: the callback model (0: the callbacks on the I/O thread). */
        if (getenv("AAI_SOAK_CALLBACK_THREADS") &&
            aai_streaming_set_callback_threads(atoi(getenv("AAI_SOAK_CALLBACK_THREADS"))) != AAI_OK) {
            fprintf(stderr, "AAI_SOAK_CALLBACK_THREADS: %s\n", aai_last_error_message());
            return 2;
        }
        return stream_soak(atof(argv[2]), atoi(argv[6]));
    }
    if (argc < 5) { fprintf(stderr, "usage: %s MINUTES SERVER_URL API_KEY STREAM_WAV\n", argv[0]); return 2; }
    signal(SIGPIPE, SIG_IGN);
    double minutes = atof(argv[1]);
    server_url = argv[2];
    api_key = argv[3];
    stream_wav = argv[4];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    aai_client_new(&client);
    aai_client_set_api_key(client, api_key);
    aai_client_set_base_url(client, server_url);
    aai_client_set_llm_gateway_base_url(client, server_url);
    aai_client_set_polling_interval_ms(client, 100);
    aai_client_set_http_timeout_ms(client, 2000);
    aai_client_set_llm_timeout_ms(client, 2000);
    aai_client_set_polling_timeout_ms(client, 30000);
    aai_client_set_max_retries(client, 3);
    aai_transcriber_new(client, NULL, &tr);
    FILE *f = fopen(stream_wav, "rb");
    if (!f) { perror(stream_wav); return 1; }
    fseek(f, 0, SEEK_END);
    wav_size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    wav = malloc(wav_size);
    if (fread(wav, 1, wav_size, f) != wav_size) return 1;
    fclose(f);
    char *url = NULL;
    if (aai_transcriber_upload_bytes(tr, wav, wav_size, &url) != AAI_OK) {
        fprintf(stderr, "upload failed: %s\n", aai_last_error_message());
        return 1;
    }
    snprintf(audio_url, sizeof audio_url, "%s", url);
    aai_string_free(url);

    double start = now_ms();
    end_ms = start + minutes * 60000;
    double warm = start + (minutes * 60000 < 600000 ? minutes * 6000 : 60000);   /* 10% of the run, at most 1 min */
    long rss0 = h_rss_kb(), rss_warm = -1, rss_max = rss0;
    pthread_t rest[REST_THREADS], streams[STREAM_SLOTS], faults;
    for (int i = 0; i < REST_THREADS; i++) pthread_create(&rest[i], NULL, rest_worker, (void *)(intptr_t)i);
    for (int i = 0; i < STREAM_SLOTS; i++) pthread_create(&streams[i], NULL, stream_slot, (void *)(intptr_t)i);
    pthread_create(&faults, NULL, fault_thread, NULL);
    double next_report = start + 30000;
    while (now_ms() < end_ms) {
        usleep(500 * 1000);
        long r = h_rss_kb();
        if (r > rss_max) rss_max = r;
        if (rss_warm < 0 && now_ms() >= warm) rss_warm = r;
        if (now_ms() >= next_report) {
            printf("[%5.0f s] %ld calls, %ld sessions, RSS %ld KiB\n", (now_ms() - start) / 1000, atomic_load(&calls),
                   atomic_load(&sessions), r);
            fflush(stdout);
            next_report += 30000;
        }
    }
    double t_stop = now_ms();
    for (int i = 0; i < REST_THREADS; i++) pthread_join(rest[i], NULL);
    for (int i = 0; i < STREAM_SLOTS; i++) pthread_join(streams[i], NULL);
    pthread_join(faults, NULL);
    double drain = now_ms() - t_stop;
    long rss_end = h_rss_kb();
    if (rss_warm < 0) rss_warm = rss0;

    double secs = (now_ms() - start) / 1000;
    printf("\nsoak: %.1f minutes, %d REST threads, %d streaming slots, %ld faults armed\n", secs / 60, REST_THREADS, STREAM_SLOTS,
           atomic_load(&faults_armed));
    printf("calls done: %ld (%.1f/s), streaming sessions: %ld (%ld failed), final turns received: %ld\n", atomic_load(&calls),
           atomic_load(&calls) / secs, atomic_load(&sessions), atomic_load(&session_failures), atomic_load(&turns));
    double growth = print_results_and_rss(rss0, rss_warm, rss_end, rss_max);
    printf("threads stopped %.1f s after the deadline (every call bounded)\n", drain / 1000);
    aai_transcriber_free(tr);
    aai_client_free(client);
    free(wav);
    int bad = growth > 10.0 || drain > 60000 || atomic_load(&by_status[AAI_ERR_INTERNAL]) > 0;
    printf("%s\n", bad ? "SOAK FAILED (RSS growth > 10%, a slow stop, or an internal error)" : "soak ok");
    return bad;
}
