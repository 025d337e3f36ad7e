#!/usr/bin/env bash
# The 1000-session streaming row run twice in a row, A then B, to show where the socket read ->
# callback p99 goes (README, "Streaming at scale"). Prints one line per run.
#
#   bench/stream_ab.sh [SESSIONS [PHASES [RUNS [COMPARE]]]]   (default 1000 10 2 pinning)
#     PHASES 1: every session sends at the same instant
#     COMPARE pinning:     the client and the local server unpinned, then on separate cores
#                          (how much of the p99 is the co-located server taking the client's CPU)
#     COMPARE low-latency: aai_streaming_set_low_latency(0), then the default (1); both unpinned
#     COMPARE callback-model: the default pool of 4 callback threads, then 0 (the I/O thread runs
#                          the callbacks); both unpinned
#   needs: make lib server build/bench/bench_stream; 2 cores or more
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000} phases=${2:-10} runs=${3:-2} compare=${4:-pinning}
case "$compare" in
  pinning) modes=(unpinned pinned) ;;
  low-latency) modes=(low-latency-off low-latency-on) ;;
  callback-model) modes=(pool io-thread) ;;
  *) echo "COMPARE must be pinning, low-latency or callback-model" >&2; exit 2 ;;
esac
. scripts/lib/localserver.sh
localserver_bin >/dev/null || exit 1
ulimit -n "$(ulimit -Hn)"
localserver_start --dir build/bench/ab --api-key bench || exit 1   # stopped on exit
for r in $(seq "$runs"); do
  for mode in "${modes[@]}"; do
    pre=() ll=1 cbt=4
    taskset -a -p -c 0-"$(($(nproc) - 1))" "$LOCALSERVER_PID" >/dev/null
    case "$mode" in
      pinned) taskset -a -p -c 1 "$LOCALSERVER_PID" >/dev/null; pre=(taskset -c 0) ;;
      low-latency-off) ll=0 ;;
      io-thread) cbt=0 ;;
    esac
    printf '%-15s sessions %s phases %s load %s: ' "$mode" "$n" "$phases" "$(cut -d' ' -f1 /proc/loadavg)"
    AAI_BENCH_LOW_LATENCY=$ll AAI_BENCH_CALLBACK_THREADS=$cbt ASSEMBLYAI_API_KEY=bench ASSEMBLYAI_BASE_URL=$LOCALSERVER_URL "${pre[@]}" \
      build/bench/bench_stream "$n" 10 build/bench/ab/dump "$phases" |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print("read->callback p50 %.0f us, p99 %.0f us; CPU %.2f ms/session" % (d["read_to_cb_p50_us"], d["read_to_cb_p99_us"], d["cpu_ms_per_session"]))'
  done
done
