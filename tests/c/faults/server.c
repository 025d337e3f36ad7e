/* test_faults, part 1: the local servers the matrix runs on, and their harness routes
   (/_local/faults, /_local/requests) over plain libcurl, not the library under test.
   Included by tests/c/test_faults.c (one binary); see its top comment for the map of the parts. */

/* method, base+path, optional body; returns the body (malloc'ed, "" on failure), *status. */
static char *adm(const char *base, const char *method, const char *path, const char *body, long *status) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    return h_http(method, url, body, status, NULL);
}

static int adm_ok(const char *base, const char *method, const char *path, const char *body) {
    long st = 0;
    free(adm(base, method, path, body, &st));
    return st == 200 ? 0 : -1;
}

/* One recorded request (GET /_local/requests: objects with sorted keys). */
typedef struct rec { char method[8]; char path[256]; long body_size; } rec;

/* Reads the server's request record into recs (at most max); returns the count. */
static int read_requests(const char *base, rec *recs, int max) {
    char *j = adm(base, "GET", "/_local/requests", NULL, NULL);
    int n = 0;
    const char *p = j;
    while (n < max && (p = strstr(p, "\"body_size\":")) != NULL) {
        rec *r = &recs[n];
        r->body_size = strtol(p + 12, NULL, 10);
        const char *m = strstr(p, "\"method\":\"");
        if (!m) break;
        m += 10;
        size_t ml = strcspn(m, "\"");
        snprintf(r->method, sizeof r->method, "%.*s", (int)ml, m);
        const char *q = strstr(m, "\"path\":\"");
        if (!q) break;
        q += 8;
        size_t ql = strcspn(q, "\"");
        snprintf(r->path, sizeof r->path, "%.*s", (int)ql, q);
        n++;
        p = q + ql;
    }
    free(j);
    return n;
}

static int path_matches(const char *regex, const char *path) {
    regex_t re;
    if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) != 0) return 0;
    int ok = regexec(&re, path, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

typedef struct server { pid_t pid; char url[128]; } server;

static int server_start(server *s, const char *extra) {
    char args[512];
    snprintf(args, sizeof args, "--queued-ms 30 --processing-ms 60 %s", extra ? extra : "");
    FILE *f = h_spawn_server("build/bin/assemblyai-server", args, &s->pid, s->url, sizeof s->url);
    if (!f) return -1;
    fclose(f);
    return 0;
}

static void server_stop(server *s) {
    if (s->pid > 0) { kill(s->pid, SIGTERM); waitpid(s->pid, NULL, 0); s->pid = 0; }
}
