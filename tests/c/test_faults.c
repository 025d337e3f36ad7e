/* The fault matrix: every public call that talks HTTP x every fault the local server can inject
   (docs/local-server.md, "Fault injection"), and streaming sessions whose server misbehaves
   (a scripted WebSocket peer, and the local server's session limits).

   For each case the test checks what issue 10 asks:
   - the call returns within its time limit plus a margin, with the right status and a message
     that says what happened (never a crash, never a hang);
   - requests that are safe to repeat (GET, DELETE, uploads from a file or memory) are retried
     and succeed when the fault is transient; Retry-After is honoured;
   - nothing is lost or duplicated: POST /v2/transcript (and the other create calls) reach the
     server once unless refused with 429 (counted in the server's /_local/requests), a retried
     upload sends the whole source again (body_size of every attempt, and the stored bytes), a
     wait that gives up hands back the transcript, a streaming session that dies reports its
     close code and delivers every transcript the server sent before.

   The matrix runs on several local servers at once (one per worker thread; faults are global to
   a server), so it stays short: AAI_FAULT_WORKERS (default 8), AAI_FAULT_TIMEOUT_MS (the HTTP
   timeout of the clients, default 400).

   One test binary, built from this file alone (make test-c, scripts/sanitize); the parts are in
   tests/c/faults/ and included below, in this order (each says at its top what goes in it):
     server.c          the local servers (one per worker) and their /_local routes
     matrix.c          the matrix's vocabulary: legs, ops, workers, faults, what a case expects
     rows_http.c       ROWS: blocking pre-recorded calls (upload, submit, transcribe, wait, get,
                       delete, exports, list): an op function + a line in OPS_HTTP
     rows_lemur_llm.c  ROWS: LeMUR, LLM Gateway, streaming tokens: OPS_LEMUR_LLM, OPS_TOKENS
     rows_async.c      ROWS: *_async futures and transcript groups: OPS_ASYNC
     rows_audio_apis.c ROWS: the Sync, Dictation and Text-to-Speech APIs: OPS_AUDIO_APIS
     run.c             running the matrix (OP_TABLES lists every OPS_* table), the workers
     one_server.c      HTTP tests outside the matrix, on one server
     ws_peer.c         a scripted WebSocket peer and the session driver
     streaming.c       streaming sessions whose server misbehaves
   A new matrix row goes in the rows_*.c of its API; a new test outside the matrix in
   one_server.c or streaming.c, plus a RUN line in main() below. */
#include "harness.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <regex.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/stat.h>

static long T_MS = 400;          /* HTTP timeout of the clients under test */
static const long UPLOAD_STALL_MS = 1000;  /* uploads: curl's low-speed limit, whole seconds (>= 1 s) */

#include "faults/server.c"
#include "faults/matrix.c"
#include "faults/rows_http.c"
#include "faults/rows_lemur_llm.c"
#include "faults/rows_async.c"
#include "faults/rows_audio_apis.c"
#include "faults/run.c"
#include "faults/one_server.c"
#include "faults/ws_peer.c"
#include "faults/streaming.c"

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (getenv("AAI_FAULT_TIMEOUT_MS")) T_MS = atol(getenv("AAI_FAULT_TIMEOUT_MS"));
    if (getenv("AAI_TEST_API_KEY") && *getenv("AAI_TEST_API_KEY")) h_api_key = getenv("AAI_TEST_API_KEY");
    if (server_start(&main_srv, "--redacted-audio-ms 10") != 0) return 1;
    double t0 = h_now_ms();
    RUN(test_fault_matrix);
    RUN(test_retry_after_honoured);
    RUN(test_wait_deadline_returns_transcript);
    RUN(test_create_timeout_not_duplicated);
    RUN(test_create_not_resent_on_reused_connection);
    RUN(test_create_repeated_only_when_never_sent);
    RUN(test_slow_stream_upload_not_cut_off);
    RUN(test_lying_content_length_bounded);
    RUN(test_streaming_connection_faults);
    RUN(test_streaming_close_codes);
    RUN(test_streaming_server_stops_reading);
    RUN(test_streaming_session_expires_mid_stream);
    RUN(test_streaming_handshake_refused_then_accepted);
    server_stop(&main_srv);
    printf("# test_faults took %.1f s\n", (h_now_ms() - t0) / 1000);
    return h_finish();
}
