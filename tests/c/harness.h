/* A small test harness for the C suite: assertions that count, the local server started as a
   child process, and a scripted raw HTTP server (a thread) for answers the local server does
   not give: silence, garbage, a given sequence of statuses. */
#ifndef AAI_TEST_HARNESS_H
#define AAI_TEST_HARNESS_H
#define _GNU_SOURCE
#include "assemblyai.h"
#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int h_passed, h_failed, h_current_failed;
static const char *h_current;

#define CHECK(cond) do { if (!(cond)) { h_current_failed = 1; \
    fprintf(stderr, "  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STATUS(call, want) do { aai_status s_ = (call); if (s_ != (want)) { h_current_failed = 1; \
    fprintf(stderr, "  FAIL %s:%d: %s -> %s, want %s (%s)\n", __FILE__, __LINE__, #call, \
            aai_status_name(s_), aai_status_name(want), aai_last_error_message()); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
    h_current_failed = 1; fprintf(stderr, "  FAIL %s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
    #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_CONTAINS(hay, needle) do { const char *h_ = (hay); if (!h_ || !strstr(h_, (needle))) { \
    h_current_failed = 1; fprintf(stderr, "  FAIL %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
    h_ ? h_ : "(null)", (needle)); } } while (0)

#define RUN(test) do { h_current = #test; h_current_failed = 0; test(); \
    if (h_current_failed) { h_failed++; fprintf(stderr, "not ok - %s\n", h_current); } \
    else { h_passed++; printf("ok - %s\n", h_current); } } while (0)

/* The closing line the CI reads. */
static int h_finish(void) {
    printf("%d passed, %d failed\n", h_passed, h_failed);
    return h_failed ? 1 : 0;
}

static inline double h_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ---- the local server, as a child process ---- */
static pid_t h_server_pid;
static char h_server_url[128];
static const char *h_api_key = "test-key";

static void h_stop_server(void) {
    if (h_server_pid > 0) { kill(h_server_pid, SIGTERM); waitpid(h_server_pid, NULL, 0); h_server_pid = 0; }
}

/* Starts AAI_SERVER_BIN (else `bin`) with --port 0, h_api_key and `args` as a child (*pid), and
   reads its URL from the first line it prints; the pipe it prints to, or NULL on failure.
   (The C side of the one way the suites start the server: tests/localserver.py for Python,
   scripts/lib/localserver.sh for the shell scripts; `bin` is build/bin/assemblyai-server.) */
static inline FILE *h_spawn_server(const char *bin, const char *args, pid_t *pid, char *url_out, size_t url_size) {
    if (getenv("AAI_SERVER_BIN")) bin = getenv("AAI_SERVER_BIN");
    int fds[2];
    if (pipe(fds) != 0) return NULL;
    *pid = fork();
    if (*pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);   /* a test that crashes (or a sanitizer that halts it) takes its server along */
        dup2(fds[1], 1);
        close(fds[0]);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "exec %s --port 0 --api-key '%s' %s", bin, h_api_key, args ? args : "");
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[256] = {0};
    if (!f || !fgets(line, sizeof line, f)) { fprintf(stderr, "server did not start (%s)\n", bin); return NULL; }
    char *url = strstr(line, "http://");
    if (!url) { fprintf(stderr, "unexpected server line: %s\n", line); return NULL; }
    url[strcspn(url, "\r\n")] = 0;
    snprintf(url_out, url_size, "%s", url);
    return f;
}

/* Starts the suite's server (h_server_url), stopped at exit; its pipe stays open. */
static inline int h_start_server(const char *extra_args) {
    /* tests/security/test_no_key_leak.sh runs the suites with a distinctive key. */
    if (getenv("AAI_TEST_API_KEY") && *getenv("AAI_TEST_API_KEY")) h_api_key = getenv("AAI_TEST_API_KEY");
    /* AAI_TEST_CALLBACK_THREADS: a suite's streaming sessions in another callback model (0: the
       callbacks on the I/O thread; scripts/sanitize runs the stress and fault suites so). */
    if (getenv("AAI_TEST_CALLBACK_THREADS") &&
        aai_streaming_set_callback_threads(atoi(getenv("AAI_TEST_CALLBACK_THREADS"))) != AAI_OK) {
        fprintf(stderr, "AAI_TEST_CALLBACK_THREADS: %s\n", aai_last_error_message());
        return -1;
    }
    char args[512];
    snprintf(args, sizeof args, "--queued-ms 50 --processing-ms 100 %s", extra_args ? extra_args : "");
    if (!h_spawn_server("build/bin/assemblyai-server", args, &h_server_pid, h_server_url, sizeof h_server_url)) return -1;
    atexit(h_stop_server);
    return 0;
}

/* A client pointed at the local server with fast polling. */
static inline aai_client *h_client(void) {
    aai_client *c = NULL;
    if (aai_client_new(&c) != AAI_OK) return NULL;
    aai_client_set_api_key(c, h_api_key);
    aai_client_set_base_url(c, h_server_url);
    aai_client_set_polling_interval_ms(c, 20);
    return c;
}

/* ---- the local server's admin endpoints, over plain libcurl (not the library under test) ---- */
typedef struct h_buf { char *p; size_t n; } h_buf;
static inline size_t h_buf_write(char *p, size_t s, size_t n, void *u) {
    h_buf *b = u;
    char *q = realloc(b->p, b->n + s * n + 1);
    if (!q) return 0;
    memcpy(q + b->n, p, s * n);
    b->p = q;
    b->n += s * n;
    b->p[b->n] = 0;
    return s * n;
}

/* `method` `url` with an optional body: the answer's body (malloc'ed, "" on failure; its size in
   *size), its HTTP status in *status (0 on failure). Either out-parameter may be NULL. */
static inline char *h_http(const char *method, const char *url, const char *body, long *status, size_t *size) {
    h_buf b = {calloc(1, 1), 0};
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, h_buf_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    long st = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    else { b.p[0] = 0; b.n = 0; }
    curl_easy_cleanup(c);
    if (status) *status = st;
    if (size) *size = b.n;
    return b.p;
}

/* ---- loopback ports ---- */
/* A TCP socket on 127.0.0.1, an ephemeral port (*port), listening with `backlog`; -1 on failure. */
static inline int h_listen_loopback(int backlog, int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, backlog) != 0) { close(fd); return -1; }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A loopback port nobody listens on (it was free a moment ago): connections are refused. */
static inline int h_free_port(void) {
    int port = 0, fd = h_listen_loopback(1, &port);
    if (fd >= 0) close(fd);
    return port;
}

/* ---- a scripted raw HTTP server ---- */
typedef struct h_raw_server {
    int fd;
    int port;
    const char **responses;   /* one raw response per connection/request; NULL = never answer */
    int count;
    int served;               /* requests read so far */
    int hold_ms;              /* how long a silent answer holds the connection */
    pthread_t thread;
} h_raw_server;

static int h_read_request(int c) {
    char buf[65536];
    size_t have = 0;
    for (;;) {
        ssize_t n = recv(c, buf + have, sizeof buf - 1 - have, 0);
        if (n <= 0) return -1;
        have += (size_t)n;
        buf[have] = 0;
        char *end = strstr(buf, "\r\n\r\n");
        if (end) {
            char *cl = strcasestr(buf, "content-length:");
            size_t body = cl ? (size_t)atol(cl + 15) : 0;
            size_t head = (size_t)(end + 4 - buf);
            while (have < head + body) {  /* drain the body */
                n = recv(c, buf, sizeof buf, 0);
                if (n <= 0) return -1;
                have += (size_t)n;
            }
            return 0;
        }
        if (have >= sizeof buf - 1) return 0;
    }
}

static void *h_raw_loop(void *arg) {
    h_raw_server *s = arg;
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0) return NULL;
        while (h_read_request(c) == 0) {
            int i = s->served++;
            const char *r = i < s->count ? s->responses[i] : s->responses[s->count - 1];
            if (!r) { usleep((useconds_t)s->hold_ms * 1000); break; }
            send(c, r, strlen(r), MSG_NOSIGNAL);
            if (strstr(r, "Connection: close")) break;
        }
        close(c);
    }
}

static inline int h_raw_start(h_raw_server *s, const char **responses, int count) {
    memset(s, 0, sizeof *s);
    s->responses = responses;
    s->count = count;
    s->hold_ms = 3000;
    s->fd = h_listen_loopback(8, &s->port);
    if (s->fd < 0) return -1;
    return pthread_create(&s->thread, NULL, h_raw_loop, s);
}

static inline void h_raw_stop(h_raw_server *s) {
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->thread, NULL);
}

static inline aai_client *h_raw_client(h_raw_server *s) {
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s->port);
    aai_client *c = NULL;
    aai_client_new(&c);
    aai_client_set_api_key(c, "raw-key");
    aai_client_set_base_url(c, url);
    return c;
}

/* A scripted server with a client and a transcriber pointed at it. */
typedef struct h_raw_fixture {
    h_raw_server s;
    aai_client *c;
    aai_transcriber *t;
} h_raw_fixture;

static inline int h_raw_open(h_raw_fixture *f, const char **responses, int count) {
    f->c = NULL;
    f->t = NULL;
    if (h_raw_start(&f->s, responses, count) != 0) return -1;
    f->c = h_raw_client(&f->s);
    return aai_transcriber_new(f->c, NULL, &f->t) == AAI_OK ? 0 : -1;
}

static inline void h_raw_close(h_raw_fixture *f) {
    aai_transcriber_free(f->t);
    aai_client_free(f->c);
    h_raw_stop(&f->s);
}

/* ---- test audio: a PCM16 mono WAV whose LIST/INFO/ICMT comment holds what it "says" ---- */
static void h_le32(FILE *f, unsigned v) { unsigned char b[4] = {v & 255, (v >> 8) & 255, (v >> 16) & 255, v >> 24}; fwrite(b, 1, 4, f); }
static void h_le16(FILE *f, unsigned v) { unsigned char b[2] = {v & 255, v >> 8}; fwrite(b, 1, 2, f); }

static inline int h_write_wav(const char *path, const char *text, double seconds) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    unsigned rate = 16000, samples = (unsigned)(seconds * rate);
    unsigned clen = (unsigned)strlen(text) + 1, cpad = clen + (clen & 1);
    unsigned list = 4 + 8 + cpad, data = samples * 2;
    fwrite("RIFF", 1, 4, f); h_le32(f, 4 + (8 + 16) + (8 + list) + (8 + data)); fwrite("WAVE", 1, 4, f);
    fwrite("fmt ", 1, 4, f); h_le32(f, 16); h_le16(f, 1); h_le16(f, 1); h_le32(f, rate); h_le32(f, rate * 2);
    h_le16(f, 2); h_le16(f, 16);
    fwrite("LIST", 1, 4, f); h_le32(f, list); fwrite("INFO", 1, 4, f); fwrite("ICMT", 1, 4, f); h_le32(f, cpad);
    fwrite(text, 1, clen, f); if (cpad != clen) fputc(0, f);
    fwrite("data", 1, 4, f); h_le32(f, data);
    for (unsigned i = 0; i < samples; i++) h_le16(f, 0);
    return fclose(f);
}

#include "stream_audio.h"   /* h_stream_samples(): streaming test audio (also used by bench/) */

/* Reads a whole file into memory (malloc'ed; *size set). */
static inline unsigned char *h_read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n);
    *size = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}
/* ---- the streaming threads' kernel time slice (aai_streaming_set_low_latency) ---- */
#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

struct h_sched_attr {
    uint32_t size, policy; uint64_t flags; int32_t nice; uint32_t priority;
    uint64_t runtime, deadline, period; uint32_t util_min, util_max;
};

/* The time slice (ns) the kernel reports for thread `tid` (0: the calling thread), or -1. */
static inline long long h_slice_ns(pid_t tid) {
    struct h_sched_attr a;
    memset(&a, 0, sizeof a);
    if (syscall(SYS_sched_getattr, tid, &a, sizeof a, 0) != 0) return -1;
    return (long long)a.runtime;
}

static void *h_slice_probe(void *out) {
    struct h_sched_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.runtime = 100000;
    *(long long *)out = syscall(SYS_sched_setattr, 0, &a, 0) == 0 ? h_slice_ns(0) : -1;
    return NULL;
}

/* Whether the kernel keeps a thread's own time slice (EEVDF, Linux 6.12+): a scratch thread
   asks for 100 us and reads back what it got. */
static inline int h_kernel_takes_slices(void) {
    long long got = -1;
    pthread_t t;
    if (pthread_create(&t, NULL, h_slice_probe, &got) != 0) return 0;
    pthread_join(t, NULL);
    return got == 100000;
}

/* The process's streaming threads (named aai-stream-io and aai-stream-cb): *count of them and
   how many report a slice of `slice_ns`. */
static inline void h_stream_thread_slices(long long slice_ns, int *count, int *matching) {
    *count = *matching = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[300], name[32] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        if (!fgets(name, sizeof name, f)) name[0] = 0;
        fclose(f);
        if (strcmp(name, "aai-stream-io\n") != 0 && strcmp(name, "aai-stream-cb\n") != 0) continue;
        ++*count;
        *matching += h_slice_ns((pid_t)atoi(e->d_name)) == slice_ns;
    }
    closedir(d);
}

#endif
