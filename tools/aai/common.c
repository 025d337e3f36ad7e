/* aai: what the commands share: option parsing, the client, errors, config flags, Ctrl-C. */
#include "aai.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Options ---------------------------------------------------------------------------- */

int cli_is(const char *arg, const char *name) { return strcmp(arg, name) == 0; }

int cli_option(int argc, char **argv, int *i, const char *name, const char **value) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return 0;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0') return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "aai: option %s needs a value\n", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int cli_usage_error(const char *command, const char *format, ...) {
    va_list ap;
    fprintf(stderr, "aai %s: ", command);
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'aai %s --help'.\n", command);
    return AAI_EXIT_USAGE;
}

int cli_parse_long(const char *command, const char *option, const char *text, long min, long max, long *out) {
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max) {
        cli_usage_error(command, "%s wants a whole number from %ld to %ld, not '%s'", option, min, max, text);
        return 0;
    }
    *out = v;
    return 1;
}

/* ---- The library ------------------------------------------------------------------------ */

int cli_exit_code(aai_status status) {
    switch (status) {
    case AAI_OK: return AAI_EXIT_OK;
    case AAI_ERR_TRANSCRIPT: return AAI_EXIT_TRANSCRIPT_FAILED;
    case AAI_ERR_INVALID_ARGUMENT: return AAI_EXIT_USAGE;
    case AAI_ERR_AUTH: return AAI_EXIT_AUTH;
    case AAI_ERR_CONNECTION:
    case AAI_ERR_TIMEOUT:
    case AAI_ERR_TLS: return AAI_EXIT_NETWORK;
    case AAI_ERR_IO: return AAI_EXIT_FILE;
    case AAI_ERR_CANCELLED: return AAI_EXIT_INTERRUPTED;
    default: return AAI_EXIT_API;   /* HTTP, NOT_FOUND, RATE_LIMITED, SERVER, PROTOCOL, ... */
    }
}

int cli_fail(const char *what, aai_status status) {
    const char *message = aai_last_error_message();
    int http = aai_last_error_http_status();
    fprintf(stderr, "aai: %s: %s", what, message && *message ? message : aai_status_name(status));
    if (http) fprintf(stderr, " (HTTP %d)", http);
    fputc('\n', stderr);
    return cli_exit_code(status);
}

long cli_env_seconds_ms(const char *name, long fallback_ms) {
    const char *v = getenv(name);
    char *end = NULL;
    if (!v || !*v) return fallback_ms;
    double seconds = strtod(v, &end);
    if (!end || end == v || !(seconds > 0) || seconds > 2147483.0) return fallback_ms;
    long ms = (long)(seconds * 1000.0 + 0.5);
    return ms < 1 ? 1 : ms;
}

int cli_open(const cli_globals *globals, const aai_config *config, aai_client **client, aai_transcriber **transcriber) {
    aai_status s;
    const char *base_url = globals->base_url ? globals->base_url : getenv("ASSEMBLYAI_BASE_URL");
    const char *env_key = getenv("ASSEMBLYAI_API_KEY");
    *client = NULL;
    if (transcriber) *transcriber = NULL;
    if (!(globals->api_key && *globals->api_key) && !(env_key && *env_key)) {
        fputs("aai: no API key: pass --api-key KEY or set ASSEMBLYAI_API_KEY\n", stderr);
        return AAI_EXIT_AUTH;
    }
    if ((s = aai_client_new(client)) != AAI_OK) return cli_fail("the ASSEMBLYAI_* environment", s);
    if (globals->api_key && *globals->api_key && (s = aai_client_set_api_key(*client, globals->api_key)) != AAI_OK)
        return cli_fail("--api-key", s);
    if (base_url && *base_url && (s = aai_client_set_base_url(*client, base_url)) != AAI_OK)
        return cli_fail("base URL", s);   /* a bad URL is AAI_ERR_INVALID_ARGUMENT: exit 2 */
    aai_client_set_user_agent_suffix(*client, "aai/" AAI_VERSION);
    if (transcriber && (s = aai_transcriber_new(*client, config, transcriber)) != AAI_OK)
        return cli_fail("cannot create a transcriber", s);
    return AAI_EXIT_OK;
}

/* ---- Config flags ----------------------------------------------------------------------- */

char *cli_json_string(const char *text) {
    size_t n = strlen(text), k = 0;
    char *out = malloc(n * 6 + 3);
    if (!out) return NULL;
    out[k++] = '"';
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') { out[k++] = '\\'; out[k++] = (char)*p; }
        else if (*p == '\n') { out[k++] = '\\'; out[k++] = 'n'; }
        else if (*p == '\t') { out[k++] = '\\'; out[k++] = 't'; }
        else if (*p == '\r') { out[k++] = '\\'; out[k++] = 'r'; }
        else if (*p < 0x20) k += (size_t)sprintf(out + k, "\\u%04x", *p);
        else out[k++] = (char)*p;
    }
    out[k++] = '"';
    out[k] = '\0';
    return out;
}

/* VALUE of --set is taken as JSON when it reads as a JSON literal (true, false, null, a number,
   an array, an object, a quoted string), otherwise as a string: --set speech_model=nano,
   --set speakers_expected=2, --set 'keyterms_prompt=["libassemblyai"]'. */
static int looks_like_json(const char *v) {
    if (!strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "null")) return 1;
    if (v[0] == '[' || v[0] == '{' || v[0] == '"') return 1;
    if (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
        char *end = NULL;
        strtod(v, &end);
        return end && *end == '\0';
    }
    return 0;
}

static int set_field(const char *command, aai_config *config, const char *assignment) {
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) return -cli_usage_error(command, "--set wants FIELD=VALUE, not '%s'", assignment);
    size_t name_len = (size_t)(eq - assignment);
    char *name = malloc(name_len + 1);
    if (!name) return -AAI_EXIT_API;
    memcpy(name, assignment, name_len);
    name[name_len] = '\0';
    const char *value = eq + 1;
    char *key = cli_json_string(name);
    int is_json = looks_like_json(value);
    char *literal = is_json ? NULL : cli_json_string(value);
    const char *json_value = literal ? literal : value;
    size_t size = strlen(key) + strlen(json_value) + 8;
    char *object = malloc(size);
    int rc = 1;
    if (!key || !object || (!is_json && !literal)) {
        rc = -AAI_EXIT_API;
    } else {
        snprintf(object, size, "{%s: %s}", key, json_value);
        aai_status s = aai_config_set_json(config, object);
        if (s != AAI_OK) rc = -cli_fail(name, s);
    }
    free(name);
    free(key);
    free(literal);
    free(object);
    return rc;
}

int cli_config_option(const char *command, int argc, char **argv, int *i, aai_config *config) {
    const char *value = NULL;
    aai_status s;
    int r;
    if (cli_is(argv[*i], "--speaker-labels")) {
        if ((s = aai_config_set_speaker_labels(config, 1)) != AAI_OK) return -cli_fail("--speaker-labels", s);
        return 1;
    }
    if ((r = cli_option(argc, argv, i, "--language", &value)) != 0) {
        if (r < 0) return -AAI_EXIT_USAGE;
        if ((s = aai_config_set_language_code(config, value)) != AAI_OK) return -cli_fail("--language", s);
        return 1;
    }
    if ((r = cli_option(argc, argv, i, "--config-json", &value)) != 0) {
        if (r < 0) return -AAI_EXIT_USAGE;
        if ((s = aai_config_set_json(config, value)) != AAI_OK) return -cli_fail("--config-json", s);
        return 1;
    }
    if ((r = cli_option(argc, argv, i, "--set", &value)) != 0) {
        if (r < 0) return -AAI_EXIT_USAGE;
        return set_field(command, config, value);
    }
    return 0;
}

/* ---- Ctrl-C ----------------------------------------------------------------------------- */

static volatile sig_atomic_t interrupted = 0;

static void on_interrupt(int sig) {
    if (interrupted) {                 /* the second Ctrl-C: stop now */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    interrupted = 1;
}

void cli_catch_interrupt(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

int cli_interrupted(void) { return interrupted != 0; }

double cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_sleep_ms(long ms) {
    double until = cli_now() + (double)ms / 1000.0;
    while (!interrupted) {
        double left = until - cli_now();
        if (left <= 0) return 0;
        if (left > 0.1) left = 0.1;
        struct timespec ts = {0, (long)(left * 1e9)};
        nanosleep(&ts, NULL);
    }
    return 1;
}
