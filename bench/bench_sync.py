"""The Sync API workloads through a Python AssemblyAI SDK (official 1.8.2, or assemblyai_native),
in their own process; prints one line of JSON. Run by scripts/bench.

    python3 bench_sync.py official|native latency WAV N
        N transcribe() calls of WAV. "Cold": a new transcriber for each call, whose connection is
        new (the official SDK: a new httpx client per SyncTranscriber); "warm": one transcriber,
        warm() first, then N calls on the kept connection. For each call, the time the client
        adds = wall time of transcribe() - the server's own request_time_ms (from the answer).
        Reports p50/p99 of both, in ms.
    python3 bench_sync.py official|native live SECONDS PACE
        A live session (open_live) fed SECONDS of 16 kHz mono PCM in 100 ms chunks at PACE x real
        time; samples this process's RSS every 0.5 s while writing. Reports the RSS when the
        session opened, at the end, the largest, and the result's audio_duration_ms.

Environment: ASSEMBLYAI_API_KEY, ASSEMBLYAI_SYNC_BASE_URL (the local server).
"""
import importlib
import json
import os
import resource
import sys
import time


def rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * q))]


def latency(aai, wav: str, n: int) -> dict:
    audio = open(wav, "rb").read()
    out = {}
    for mode in ("cold", "warm"):
        added, total = [], []
        t = aai.SyncTranscriber() if mode == "warm" else None
        if t is not None:
            t.warm()
        for _ in range(n):
            tr = t if t is not None else aai.SyncTranscriber()
            t0 = time.perf_counter()
            r = tr.transcribe(audio)
            dt = (time.perf_counter() - t0) * 1000
            total.append(dt)
            added.append(dt - (r.request_time_ms or 0.0))
            if t is None:
                tr.close()
        out[mode] = {"added_p50_ms": pct(added, 0.5), "added_p99_ms": pct(added, 0.99),
                     "total_p50_ms": pct(total, 0.5), "total_p99_ms": pct(total, 0.99)}
    return out


def live(aai, seconds: float, pace: float) -> dict:
    chunk = b"\0\0" * 1600  # 100 ms at 16 kHz mono
    config = aai.SyncTranscriptionConfig(sample_rate=16000, channels=1)
    t = aai.SyncTranscriber()
    samples = []
    start_rss = rss_kb()
    with t.open_live(config) as session:
        next_sample = time.monotonic()
        t0 = time.monotonic()
        for i in range(int(seconds * 10)):
            session.write(chunk)
            due = t0 + (i + 1) * 0.1 / pace
            now = time.monotonic()
            if now >= next_sample:
                samples.append(rss_kb())
                next_sample = now + 0.5
            if due > now:
                time.sleep(due - now)
    r = session.result()
    return {"rss_open_kb": start_rss, "rss_end_kb": rss_kb(), "rss_max_kb": max(samples + [rss_kb()]),
            "rss_first_sample_kb": samples[0] if samples else start_rss, "audio_duration_ms": r.audio_duration_ms}


def main() -> None:
    which, workload, *args = sys.argv[1:]
    aai = importlib.import_module("assemblyai" if which == "official" else "assemblyai_native")
    aai.settings.api_key = os.environ["ASSEMBLYAI_API_KEY"]
    aai.settings.sync_base_url = os.environ["ASSEMBLYAI_SYNC_BASE_URL"]
    t0 = time.perf_counter()
    if workload == "latency":
        result = latency(aai, args[0], int(args[1]))
    else:
        result = live(aai, float(args[0]), float(args[1]))
    result["seconds"] = time.perf_counter() - t0
    result["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


if __name__ == "__main__":
    main()
