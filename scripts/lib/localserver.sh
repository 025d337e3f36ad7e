# The local AssemblyAI-compatible server for the shell scripts (bash; sourced, not run):
# scripts/setup, scripts/soak, scripts/valgrind, scripts/sanitize,
# tests/security/test_no_key_leak.sh, tests/packaging/test-debs.sh. The Python suites and
# scripts/bench use tests/localserver.py, the C suites tests/c/harness.h: the same rules.
#
#   . scripts/lib/localserver.sh
#   localserver_bin                       prints the binary: $AAI_SERVER_BIN, else
#                                         build/bin/assemblyai-server (absolute); status 1 (and
#                                         a message on stderr) when it is not executable
#   localserver_start [--bin PATH] [--dir DIR] [FLAGS...]
#       starts PATH (default: localserver_bin) as `--host 127.0.0.1 --port 0 FLAGS...`, waits
#       for its first line (`assemblyai-server listening on http://127.0.0.1:PORT`, at most
#       $LOCALSERVER_TIMEOUT seconds, default 30) and sets LOCALSERVER_URL, LOCALSERVER_PID,
#       LOCALSERVER_OUT and LOCALSERVER_LOG (its stdout and stderr: DIR/server.out and
#       DIR/server.err, default a temporary folder removed when it stops). The server is stopped
#       when the script exits (the EXIT trap the script had runs too). Status 1, with the
#       server's stderr, when it did not start.
#   localserver_stop                      stops it (SIGTERM), waits for it; safe to repeat

_LOCALSERVER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOCALSERVER_URL="" LOCALSERVER_PID="" LOCALSERVER_OUT="" LOCALSERVER_LOG=""
_localserver_tmp=""

localserver_bin() {
  local bin=${AAI_SERVER_BIN:-$_LOCALSERVER_ROOT/build/bin/assemblyai-server}
  echo "$bin"
  if [ ! -x "$bin" ]; then
    echo "no local server at $bin (make server, or set AAI_SERVER_BIN)" >&2
    return 1
  fi
}

localserver_start() {
  local bin="" dir=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --bin) bin=$2; shift 2 ;;
      --dir) dir=$2; shift 2 ;;
      *) break ;;
    esac
  done
  [ -n "$bin" ] || bin=$(localserver_bin) || return 1
  if [ -z "$dir" ]; then
    _localserver_tmp=$(mktemp -d /tmp/aai-localserver-XXXXXX)
    dir=$_localserver_tmp
  fi
  mkdir -p "$dir"
  LOCALSERVER_OUT=$dir/server.out LOCALSERVER_LOG=$dir/server.err
  : >"$LOCALSERVER_OUT"   # there before the background job opens it: the wait below reads it
  : >"$LOCALSERVER_LOG"
  local flags=("$@")
  "$bin" --host 127.0.0.1 --port 0 "${flags[@]}" >"$LOCALSERVER_OUT" 2>"$LOCALSERVER_LOG" &
  LOCALSERVER_PID=$!
  # Stop it on exit, then run the EXIT trap the script had (trap -p prints it quoted for eval).
  local previous=""
  eval "set -- $(trap -p EXIT)"
  [ $# -ge 3 ] && previous=$3
  case "$previous" in *localserver_stop*) ;; *) trap "localserver_stop; ${previous:-:}" EXIT ;; esac
  # Wait for a whole first line (a newline in the file), or for a server that is gone.
  local tries=$(( ${LOCALSERVER_TIMEOUT:-30} * 20 ))
  while [ "$tries" -gt 0 ] && [ "$(wc -l <"$LOCALSERVER_OUT")" -eq 0 ] && _localserver_alive; do
    sleep 0.05
    tries=$((tries - 1))
  done
  LOCALSERVER_URL=$(sed -n '1s/^assemblyai-server listening on \(http:\/\/[^ ]*\)$/\1/p' "$LOCALSERVER_OUT")
  if [ -z "$LOCALSERVER_URL" ]; then
    echo "the local server did not start ($bin ${flags[*]}): first line '$(head -n 1 "$LOCALSERVER_OUT")'; its stderr:" >&2
    tail -n 20 "$LOCALSERVER_LOG" >&2
    localserver_stop
    return 1
  fi
  export LOCALSERVER_URL LOCALSERVER_PID
}

_localserver_alive() {  # running, and not a zombie (kill -0 succeeds on those)
  local state
  state=$(sed 's/.*) //' "/proc/$LOCALSERVER_PID/stat" 2>/dev/null | cut -c1)
  [ -n "$state" ] && [ "$state" != Z ]
}

localserver_stop() {
  if [ -n "$LOCALSERVER_PID" ]; then
    kill "$LOCALSERVER_PID" 2>/dev/null || true
    wait "$LOCALSERVER_PID" 2>/dev/null || true
    LOCALSERVER_PID=""
  fi
  if [ -n "$_localserver_tmp" ]; then
    rm -rf "$_localserver_tmp"
    _localserver_tmp=""
  fi
  return 0
}
