/* aai: command dispatch, global options and the top-level help. */
#include "aai.h"

#include <stdlib.h>
#include <string.h>

static const cli_command commands[] = {
    {"transcribe", "transcribe a local file or a URL and print the result", cli_transcribe_help, cmd_transcribe},
    {"get", "show a transcript by id", cli_get_help, cmd_get},
    {"list", "list your transcripts, newest first", cli_list_help, cmd_list},
    {"delete", "delete a transcript's content on the server", cli_delete_help, cmd_delete},
    {"stream", "transcribe a WAV file or the microphone live (streaming)", cli_stream_help, cmd_stream},
    {"sync", "transcribe a clip of up to 120 s in one request (Sync API)", cli_sync_help, cmd_sync},
    {"dictate", "transcribe a spoken note, optionally rewritten by an LLM (Dictation API)", cli_dictate_help, cmd_dictate},
    {"speak", "speak a text with the Text-to-Speech API into an audio file", cli_speak_help, cmd_speak},
    {"llm", "ask a model of the LLM Gateway (--stream: print the answer as it is generated)", cli_llm_help, cmd_llm},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void print_help(FILE *out) {
    fprintf(out,
            "usage: aai [GLOBAL OPTIONS] COMMAND [ARGS]\n"
            "\n"
            "The AssemblyAI speech-to-text API from the command line (libassemblyai %s).\n"
            "\n"
            "Commands:\n",
            aai_version());
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Global options (before or after the command):\n"
          "  --api-key KEY     API key (default: $ASSEMBLYAI_API_KEY)\n"
          "  --base-url URL    API base URL (default: $ASSEMBLYAI_BASE_URL, else\n"
          "                    https://api.assemblyai.com); http:// only for loopback hosts,\n"
          "                    e.g. the local server assemblyai-server\n"
          "  --no-progress     no progress bar or spinner, even on a terminal\n"
          "  -h, --help        this help; `aai COMMAND --help` for a command's\n"
          "  --version         print the versions of aai and libassemblyai\n"
          "\n"
          "Environment: ASSEMBLYAI_API_KEY, ASSEMBLYAI_BASE_URL, ASSEMBLYAI_HTTP_TIMEOUT,\n"
          "ASSEMBLYAI_POLLING_INTERVAL (seconds) and the rest that aai_client_new reads (any case);\n"
          "a bad value is a usage error naming the variable.\n"
          "\n"
          "Installed as aai-native (and as aai where no other aai, such as AssemblyAI's own\n"
          "CLI, is installed): both names run this program.\n"
          "\n"
          "Output: results go to stdout; errors to stderr. On a terminal, stderr also shows an\n"
          "upload progress bar and a spinner while the transcript is processed; when stderr is\n"
          "not a terminal (a pipe, a file) nothing but errors is written there.\n"
          "\n"
          "Exit status:\n"
          "  0    success\n"
          "  1    the transcript ended with status \"error\"\n"
          "  2    usage error: unknown option, missing argument, invalid config value\n"
          "  3    authentication: no API key, or the server refused it (HTTP 401/403)\n"
          "  4    network: connection failed, TLS error, or a timeout\n"
          "  5    any other error from the API or the library (e.g. 404, 400, 5xx)\n"
          "  6    a local file could not be read or written\n"
          "  130  interrupted (Ctrl-C)\n"
          "\n"
          "See aai-native(1).\n",
          out);
}

/* Takes the global options out of argv (wherever they are) and finds the command. */
int main(int argc, char **argv) {
    cli_globals globals = {NULL, NULL, 0};
    const cli_command *command = NULL;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int rest_count = 0, want_help = 0;
    if (!rest) { fputs("aai: out of memory\n", stderr); return AAI_EXIT_API; }

    for (int i = 1; i < argc; i++) {
        const char *value = NULL;
        int r;
        if (strcmp(argv[i], "--") == 0) {           /* everything after is the command's */
            while (i < argc) rest[rest_count++] = argv[i++];
            break;
        }
        if ((r = cli_option(argc, argv, &i, "--api-key", &value)) != 0) {
            if (r < 0) { free(rest); return AAI_EXIT_USAGE; }
            globals.api_key = value;
        } else if ((r = cli_option(argc, argv, &i, "--base-url", &value)) != 0) {
            if (r < 0) { free(rest); return AAI_EXIT_USAGE; }
            globals.base_url = value;
        } else if (cli_is(argv[i], "--no-progress")) {
            globals.no_progress = 1;
        } else if (cli_is(argv[i], "--version") && !command) {
            printf("aai %s (libassemblyai %s, header %s)\n", AAI_VERSION, aai_version(), AAI_VERSION);
            free(rest);
            return AAI_EXIT_OK;
        } else if (cli_is(argv[i], "--help") || cli_is(argv[i], "-h")) {
            want_help = 1;
        } else if (!command && argv[i][0] != '-') {
            if (strcmp(argv[i], "help") == 0) {     /* aai help [COMMAND] */
                want_help = 1;
                continue;
            }
            for (size_t c = 0; c < COMMAND_COUNT; c++)
                if (strcmp(argv[i], commands[c].name) == 0) command = &commands[c];
            if (!command) {
                fprintf(stderr, "aai: unknown command '%s'. Try 'aai --help'.\n", argv[i]);
                free(rest);
                return AAI_EXIT_USAGE;
            }
        } else if (!command) {
            fprintf(stderr, "aai: unknown option '%s'. Try 'aai --help'.\n", argv[i]);
            free(rest);
            return AAI_EXIT_USAGE;
        } else {
            rest[rest_count++] = argv[i];
        }
    }

    int status;
    if (want_help && command) {
        fputs(command->help, stdout);
        status = AAI_EXIT_OK;
    } else if (want_help) {
        print_help(stdout);
        status = AAI_EXIT_OK;
    } else if (!command) {
        print_help(stderr);
        status = AAI_EXIT_USAGE;
    } else {
        status = command->run(rest_count, rest, &globals);
    }
    free(rest);
    return status;
}
