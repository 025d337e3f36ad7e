#!/usr/bin/env bash
# The 1000-session streaming row with the local server and the client on separate cores, beside
# the same run unpinned: how much of the socket read -> callback p99 is the co-located server
# competing for the client's CPU (README, "Streaming at scale"). Prints one line per run.
#
#   bench/stream_pinned.sh [SESSIONS [PHASES [RUNS]]]   (default 1000 10 2; PHASES 1: all send at once)
#   needs: make lib build/bench/bench_stream; 2 cores or more
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000} phases=${2:-10} runs=${3:-2}
. scripts/lib/localserver.sh
localserver_bin >/dev/null || exit 1
ulimit -n "$(ulimit -Hn)"
localserver_start --dir build/bench/pinned --api-key bench || exit 1   # stopped on exit
for r in $(seq "$runs"); do
  for mode in unpinned pinned; do
    if [ "$mode" = pinned ]; then taskset -a -p -c 1 "$LOCALSERVER_PID" >/dev/null; pre=(taskset -c 0)
    else taskset -a -p -c 0-"$(($(nproc) - 1))" "$LOCALSERVER_PID" >/dev/null; pre=(); fi
    printf '%-9s sessions %s phases %s load %s: ' "$mode" "$n" "$phases" "$(cut -d' ' -f1 /proc/loadavg)"
    ASSEMBLYAI_API_KEY=bench ASSEMBLYAI_BASE_URL=$LOCALSERVER_URL "${pre[@]}" build/bench/bench_stream "$n" 10 build/bench/pinned/dump "$phases" |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print("read->callback p50 %.0f us, p99 %.0f us; CPU %.2f ms/session" % (d["read_to_cb_p50_us"], d["read_to_cb_p99_us"], d["cpu_ms_per_session"]))'
  done
done
