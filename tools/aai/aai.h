/* aai: the command-line tool of libassemblyai. It uses only include/assemblyai.h, as any
 * program would (curl's src/ over libcurl is the model). One file per command; this header
 * holds what they share: exit codes, option parsing, the client, errors and the terminal
 * display (progress bar and spinner, shown only when stderr is a terminal). */
#ifndef AAI_CLI_H
#define AAI_CLI_H

#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <assemblyai.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes scripts can rely on. Documented in `aai --help` and aai(1): keep all three in step. */
enum {
    AAI_EXIT_OK = 0,                /* success */
    AAI_EXIT_TRANSCRIPT_FAILED = 1, /* the transcript ended with status "error" */
    AAI_EXIT_USAGE = 2,             /* bad command line or config value */
    AAI_EXIT_AUTH = 3,              /* no API key, or the server refused it (401/403) */
    AAI_EXIT_NETWORK = 4,           /* connection, TLS or timeout */
    AAI_EXIT_API = 5,               /* any other error from the API or the library (404, 400, 5xx, ...) */
    AAI_EXIT_FILE = 6,              /* a local file could not be read or written */
    AAI_EXIT_INTERRUPTED = 130      /* stopped by Ctrl-C (SIGINT) */
};

/* Options that every command accepts, before or after the command name. */
typedef struct cli_globals {
    const char *api_key;   /* --api-key, else $ASSEMBLYAI_API_KEY (read by aai_client_new) */
    const char *base_url;  /* --base-url, else $ASSEMBLYAI_BASE_URL, else the library's default */
    int no_progress;       /* --no-progress: no bar or spinner even on a terminal */
} cli_globals;

/* A command: `aai NAME ...`. run() gets the arguments after NAME, global options removed. */
typedef struct cli_command {
    const char *name;
    const char *summary;   /* one line for `aai --help` */
    const char *help;      /* the whole text of `aai NAME --help` */
    int (*run)(int argc, char **argv, const cli_globals *globals);
} cli_command;

int cmd_transcribe(int argc, char **argv, const cli_globals *globals);
int cmd_get(int argc, char **argv, const cli_globals *globals);
int cmd_list(int argc, char **argv, const cli_globals *globals);
int cmd_delete(int argc, char **argv, const cli_globals *globals);
int cmd_stream(int argc, char **argv, const cli_globals *globals);
extern const char cli_transcribe_help[], cli_get_help[], cli_list_help[], cli_delete_help[], cli_stream_help[];
/* The Sync and Dictation APIs (sync.c). */
int cmd_sync(int argc, char **argv, const cli_globals *globals);
int cmd_dictate(int argc, char **argv, const cli_globals *globals);
extern const char cli_sync_help[], cli_dictate_help[];
int cmd_speak(int argc, char **argv, const cli_globals *globals);
extern const char cli_speak_help[];
int cmd_llm(int argc, char **argv, const cli_globals *globals);
extern const char cli_llm_help[];

/* ---- Options (common.c) ----
   Each command walks its argv with these. An option's value may be the next argument or follow
   "=" (--limit 5, --limit=5). */

/* 1 if argv[*i] is exactly `name`. */
int cli_is(const char *arg, const char *name);
/* If argv[*i] is `name VALUE` or `name=VALUE`, stores VALUE in *value, moves *i past it and
   returns 1; returns -1 (after printing a usage error) when the value is missing; 0 otherwise. */
int cli_option(int argc, char **argv, int *i, const char *name, const char **value);
/* Prints "aai CMD: MESSAGE" and the hint to --help; returns AAI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *format, ...);
/* Parses a whole decimal number in [min, max]; 0 and a usage error if it is not one. */
int cli_parse_long(const char *command, const char *option, const char *text, long min, long max, long *out);

/* ---- The library (common.c) ---- */

/* $name as a number of seconds > 0, in milliseconds; fallback_ms when unset, empty or not such
   a number (aai_client_new has already refused bad values of the variables it reads). */
long cli_env_seconds_ms(const char *name, long fallback_ms);

/* Makes a client with the globals applied and a transcriber over it (default config `config`,
   may be NULL). Returns AAI_EXIT_OK, or an exit code after printing why. */
int cli_open(const cli_globals *globals, const aai_config *config, aai_client **client, aai_transcriber **transcriber);
/* The exit code for a failed call's status. */
int cli_exit_code(aai_status status);
/* Prints "aai: WHAT: <the library's message>" (with the HTTP status when there is one) and
   returns the exit code for `status`. */
int cli_fail(const char *what, aai_status status);

/* Config flags shared by commands that make transcripts. Applies one argument if it is one of
   --speaker-labels, --language CODE, --config-json JSON, --set FIELD=VALUE: returns 1 when it
   used argv[*i] (moving *i past a value), 0 when not a config flag, or -(exit code) on error. */
int cli_config_option(const char *command, int argc, char **argv, int *i, aai_config *config);

/* Writes `text` as a JSON string literal (with quotes) into a new malloc'd string. */
char *cli_json_string(const char *text);

/* ---- Ctrl-C (common.c) ---- */

/* Installs a SIGINT handler that only sets a flag (so a command can stop cleanly and say what
   is left on the server). A second Ctrl-C ends the process at once. */
void cli_catch_interrupt(void);
int cli_interrupted(void);
/* Sleeps `ms` milliseconds, in short steps; returns early (1) if interrupted. */
int cli_sleep_ms(long ms);
/* Monotonic seconds. */
double cli_now(void);

/* ---- Terminal display on stderr (progress.c) ---- */

typedef struct cli_display {
    int enabled;            /* stderr is a terminal, TERM is not "dumb", no --no-progress */
    int width;              /* terminal columns */
    double started;         /* when the current phase began */
    double last_draw;
    int frame;              /* spinner frame */
    int line_dirty;         /* something is drawn on the current line */
} cli_display;

void cli_display_init(cli_display *display, const cli_globals *globals);
/* An aai_progress_callback: draws "Uploading [====>   ] 42%  1.2 MiB / 3.0 MiB  640 KiB/s  ETA 0:03".
   `user_data` is the cli_display. Returns non-zero (cancel) after Ctrl-C. */
int cli_upload_progress(uint64_t bytes_sent, uint64_t bytes_total, void *user_data);
/* Redraws the spinner line: "| Transcribing: processing 0:04  id ID" (at most 10 times a second). */
void cli_display_spinner(cli_display *display, const char *status, const char *transcript_id);
/* Prints a line of its own on stderr (after clearing the drawn one), if enabled. */
void cli_display_note(cli_display *display, const char *format, ...);
/* Draws `text` as the current line (cut to the terminal's width), e.g. a partial transcript. */
void cli_display_text(cli_display *display, const char *text);
/* Clears whatever is drawn on the current line. */
void cli_display_clear(cli_display *display);
/* Ends the drawn line so it stays on screen (the finished upload bar), and starts a new phase:
   the spinner's clock restarts. */
void cli_display_keep(cli_display *display);

#endif /* AAI_CLI_H */
