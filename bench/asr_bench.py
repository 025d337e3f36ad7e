#!/usr/bin/env python3
"""Benchmark of the local server's speech recognition (README.md, "Performance").

    python3 bench/asr_bench.py [--server build/bin/assemblyai-server] [--quick]

Against a fresh assemblyai-server (model loaded before timing), over the LibriVox sentences of
Debian's pocketsphinx-testdata (read English, public domain, reference transcripts) and its
"cards" commands:
  - word error rate (edit distance over normalised words; "mr" = "mister", digits as words)
    and real-time factor (audio seconds / wall seconds, submit to completed, one at a time);
  - streaming (v3 at real-time pace, 100 ms chunks, 1 s of silence first): first-partial
    latency after the speech starts (onset found by energy in the file), end-of-turn latency
    after the speech ends;
  - concurrent transcriptions: k files submitted at once, throughput in audio seconds per wall
    second; "sustained" is the largest k still faster than real time for each file;
  - peak RSS (VmHWM) of the server and of the recogniser worker.
Prints a Markdown table. Stdlib + websockets (installed by scripts/deps).
"""

import argparse
import io
import json
import os
import pathlib
import re
import select
import subprocess
import sys
import threading
import time
import urllib.request
import wave

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = pathlib.Path("/usr/share/pocketsphinx/test/data")
KEY = "bench-key"
ONES = "zero one two three four five six seven eight nine ten eleven twelve".split()


def references(folder, file):
    refs = {}
    for line in (DATA / folder / file).read_text().splitlines():
        m = re.match(r"<s>(.*)</s>\s*\((.*)\)", line.strip())
        if m:
            refs[m.group(2)] = m.group(1).split()
    return refs


def normalise(text):
    out = []
    for w in re.sub(r"[-–—]", " ", text.lower()).split():
        w = re.sub(r"[^\w']", "", w)
        if not w:
            continue
        if w.isdigit() and int(w) < len(ONES):
            w = ONES[int(w)]
        out.append({"mr": "mister", "mrs": "missus"}.get(w, w))
    return out


def edits(ref, hyp):
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
            prev, d[j] = d[j], cur
    return d[len(hyp)]


class Server:
    def __init__(self, binary, *args, trace=None):
        env = dict(os.environ)
        if trace:
            env["AAI_RECOGNIZER_TRACE"] = "1"
        self.proc = subprocess.Popen([binary, "--port", "0", "--api-key", KEY, "--queued-ms", "0", "--processing-ms", "0",
                                      "--recognizer-preload", *args],
                                     stdout=subprocess.PIPE, stderr=trace or subprocess.DEVNULL, text=True, env=env)
        select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline()
        self.base = line.split(" on ", 1)[1].strip()
        state = self.call("POST", "/_local/recognizer/start")
        if not state.get("ready"):
            sys.exit(f"the recogniser is not available: {state}")
        self.worker_pid = state["pid"]

    def call(self, method, path, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={"Authorization": KEY})
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.loads(r.read())

    def transcribe(self, data):
        url = self.call("POST", "/v2/upload", raw=data)["upload_url"]
        t = self.call("POST", "/v2/transcript", {"audio_url": url})
        while t["status"] not in ("completed", "error"):
            time.sleep(0.01)
            t = self.call("GET", f"/v2/transcript/{t['id']}")
        return t

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def peak_rss_mib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pcm_of(path):
    with wave.open(str(path)) as w:
        return w.readframes(w.getnframes()), w.getframerate()


def onset_ms(pcm, rate=16000):
    import array
    a = array.array("h", pcm)
    hop = rate // 100
    peak = max(abs(x) for x in a) or 1
    for i in range(0, len(a) - hop, hop):
        if max(abs(x) for x in a[i:i + hop]) > peak * 0.15:
            return i * 1000 // rate
    return 0


def offset_ms(pcm, rate=16000):
    import array
    a = array.array("h", pcm)
    hop = rate // 100
    peak = max(abs(x) for x in a) or 1
    for i in range(len(a) - hop, 0, -hop):
        if max(abs(x) for x in a[i:i + hop]) > peak * 0.15:
            return (i + hop) * 1000 // rate
    return len(a) * 1000 // rate


def stream_latency(server, pcm, lead_s=1.0, tail_s=2.0, clock=None, words=None):
    from websockets.sync.client import connect
    audio = b"\0\0" * int(16000 * lead_s) + pcm + b"\0\0" * int(16000 * tail_s)
    speech_start = lead_s + onset_ms(pcm) / 1000
    speech_end = lead_s + offset_ms(pcm) / 1000
    url = server.base.replace("http", "ws") + "/v3/ws?sample_rate=16000&format_turns=true"
    first_partial = end_of_turn = None
    first_text = [] if words is None else words
    with connect(url, additional_headers={"Authorization": KEY}, max_size=None) as ws:
        json.loads(ws.recv(timeout=10))
        t0 = time.monotonic()
        if clock is not None:
            clock.append(t0)
        done = threading.Event()
        events = []

        def reader():
            try:
                while True:
                    m = json.loads(ws.recv(timeout=60))
                    events.append((time.monotonic() - t0, m))
            except Exception:
                done.set()

        threading.Thread(target=reader, daemon=True).start()
        step = 3200
        for i in range(0, len(audio), step):
            ws.send(audio[i:i + step])
            time.sleep(max(0, (i + step) / 32000 - (time.monotonic() - t0)))
        ws.send(json.dumps({"type": "Terminate"}))
        done.wait(60)
    for t, m in events:
        said = " ".join(w["text"] for w in m.get("words") or [])   # with the word in progress
        if (m.get("type") == "Turn" and not m["end_of_turn"] and first_partial is None
                and any(c.isalnum() for c in said)):   # a word, not a lone mark
            first_partial = t - speech_start
            first_text.append(said)
        if m.get("type") == "Turn" and m["end_of_turn"] and end_of_turn is None:
            end_of_turn = t - speech_end
    return first_partial, end_of_turn


def trace_timeline(path, t0, pcm, first_partial, lead_s=1.0):
    """Where the first partial's time went: the worker's trace (AAI_RECOGNIZER_TRACE) of the
    first stream, on the same monotonic clock as the client, relative to the speech onset."""
    speech = t0 + lead_s + onset_ms(pcm) / 1000
    onset_byte = int((lead_s + onset_ms(pcm) / 1000) * 32000)
    ev = []
    for line in open(path, errors="replace"):
        if line.startswith("aai-trace "):
            parts = line.split(None, 4)
            ev.append((parts[1], parts[2], float(parts[3]), parts[4].strip() if len(parts) > 4 else ""))
    sids = [e[1] for e in ev if e[0] == "open" and e[2] >= t0]
    if not sids:
        return ["no trace of the stream"]
    sid = sids[0]
    ev = [e for e in ev if e[1] == sid]
    rows = [f"stream opened in the worker: {ev[0][2] - speech:+.3f} s"]
    rx = [e for e in ev if e[0] == "step" and int(e[3]) > onset_byte]
    if rx:
        rows.append(f"first worker step with the onset's audio (sent at {0.1 * (onset_byte // 3200):.1f} s of stream, "
                    f"= {t0 + 0.1 * (onset_byte // 3200) - speech:+.3f} s): {rx[0][2] - speech:+.3f} s")
    vad = [e for e in ev if e[0] == "vad" and not e[3].startswith("0 ")]
    if vad:
        rows.append(f"VAD first sees speech: {vad[0][2] - speech:+.3f} s (span from {int(vad[0][3].split()[1]) / 1000 - lead_s:.2f} s of the recording)")
    dec = [e for e in ev if e[0] in ("decode", "decoded", "partial")]
    for kind in ("decode", "decoded", "partial"):
        first = next((e for e in dec if e[0] == kind), None)
        if first:
            rows.append(f"first {kind}: {first[2] - speech:+.3f} s {first[3][:60]}")
    n_empty = 0
    for e in dec:
        if e[0] == "partial":
            break
        if e[0] == "decoded" and e[3] == "0":
            n_empty += 1
    rows.append(f"decodes with no words before the first partial: {n_empty}")
    pairs = [(a, b) for a, b in zip(dec, dec[1:]) if a[0] == "decode" and b[0] == "decoded"]
    if pairs:
        d = sorted(b[2] - a[2] for a, b in pairs)
        rows.append(f"partial decode time: first {pairs[0][1][2] - pairs[0][0][2]:.3f} s, median {d[len(d) // 2]:.3f} s, max {d[-1]:.3f} s ({len(d)} decodes)")
    if first_partial is not None:
        rows.append(f"client receives the first partial Turn: {first_partial:+.3f} s")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default=os.environ.get("AAI_SERVER_BIN", str(ROOT / "build/bin/assemblyai-server")))
    ap.add_argument("--quick", action="store_true", help="LibriVox only, concurrency 1 and 2")
    ap.add_argument("--trace", action="store_true",
                    help="also print where the first streaming partial's time went (the worker's AAI_RECOGNIZER_TRACE)")
    ap.add_argument("--stream-only", action="store_true", help="only the streaming rows (with --trace: quick A/B runs)")
    ap.add_argument("--long-hours", type=float, default=0,
                    help="also a recording this long (silence, a LibriVox sentence every 5 minutes): time and worker RSS")
    args = ap.parse_args()
    if not DATA.exists():
        sys.exit("pocketsphinx-testdata is not installed (scripts/deps installs it)")
    import tempfile
    trace_file = tempfile.NamedTemporaryFile("w+", prefix="aai-asr-trace-", suffix=".log") if args.trace else None
    timeline = []
    server = Server(args.server, trace=trace_file)
    rows = []
    try:
        sets = [("read English (LibriVox, 5 sentences)", "librivox", "transcription")]
        if not args.quick:
            sets.append(("commands (cards, 5 utterances)", "cards", "cards.transcription"))
        if args.stream_only:
            sets = []
        for label, folder, file in sets:
            refs = references(folder, file)
            ref_words = errors = 0
            audio_s = wall_s = 0.0
            for name, ref in refs.items():
                path = DATA / folder / f"{name}.wav"
                pcm, rate = pcm_of(path)
                t0 = time.monotonic()
                t = server.transcribe(path.read_bytes())
                wall_s += time.monotonic() - t0
                audio_s += len(pcm) / 2 / rate
                errors += edits(ref, normalise(t.get("text") or ""))
                ref_words += len(ref)
            rows.append((f"WER, {label}", f"{100 * errors / ref_words:.1f}%", f"{errors} errors / {ref_words} words"))
            rows.append((f"speed, {label}", f"{audio_s / wall_s:.1f}x real time",
                         f"{audio_s:.1f} s of audio in {wall_s:.2f} s, one at a time, upload to completed"))
        long_pcm, _ = pcm_of(DATA / "librivox/sense_and_sensibility_01_austen_64kb-0870.wav")
        partials, turns, first_words = [], [], []
        for i in range(1 if args.quick else 3):
            clock, said = [], []
            p, e = stream_latency(server, long_pcm, clock=clock, words=said)
            first_words += said
            if p is not None:
                partials.append(p)
            if e is not None:
                turns.append(e)
            if trace_file is not None:
                trace_file.flush()
                timeline.append(f"stream {i + 1}:")
                timeline += ["  " + r for r in trace_timeline(trace_file.name, clock[0], long_pcm, p)]
        partials.sort()
        turns.sort()
        rows.append(("streaming first partial after speech starts",
                     f"{partials[len(partials) // 2]:.2f} s" if partials else "none",
                     f"median of {len(partials)}: {', '.join(f'{x:.2f}' for x in partials)} s (v3, real-time pace, 100 ms chunks; "
                     f"first partials: {', '.join(repr(w) for w in first_words)})"))
        cold = sorted(p for p in (stream_latency(server, long_pcm, lead_s=0.0)[0] for _ in range(1 if args.quick else 3))
                      if p is not None)
        rows.append(("streaming first partial, speech from the first byte",
                     f"{cold[len(cold) // 2]:.2f} s" if cold else "none",
                     f"median of {len(cold)}: {', '.join(f'{x:.2f}' for x in cold)} s (no lead-in silence: includes the "
                     f"server's 300 ms wait for embedded test text)"))
        rows.append(("streaming end of turn after speech ends",
                     f"{turns[len(turns) // 2]:.2f} s" if turns else "none",
                     f"median of {len(turns)}: {', '.join(f'{x:.2f}' for x in turns)} s (includes min_turn_silence 400 ms)"))
        data = wav_bytes(long_pcm)
        sustained = 0
        for k in ([] if args.stream_only else [1, 2] if args.quick else [1, 2, 4, 8]):
            results = [None] * k
            t0 = time.monotonic()
            threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, server.transcribe(data))) for i in range(k)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            wall = time.monotonic() - t0
            ok = sum(1 for r in results if r and r["status"] == "completed")
            audio = k * len(long_pcm) / 32000
            if ok == k and wall < len(long_pcm) / 32000:
                sustained = k
            rows.append((f"{k} concurrent transcriptions of 7.1 s", f"{audio / wall:.1f}x real time",
                         f"{ok}/{k} completed in {wall:.2f} s (each file {len(long_pcm) / 32000 / wall:.1f}x real time)"))
        if not args.stream_only:
            rows.append(("concurrent transcriptions sustained (each faster than real time)", str(sustained), "2 cores, --recognizer-jobs 2"))
        rows.append(("peak RSS, recogniser worker", f"{peak_rss_mib(server.worker_pid):.0f} MiB", "VmHWM"))
        if args.long_hours:
            rows.append(long_recording_row(server, args.long_hours))
        rows.append(("peak RSS, server", f"{peak_rss_mib(server.proc.pid):.0f} MiB", "VmHWM"))
    finally:
        server.stop()
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    print()
    print("| measure | value | notes |")
    print("|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")
    if timeline:
        print()
        print("First partial, step by step (seconds from the speech onset; client and worker share CLOCK_MONOTONIC):")
        for line in timeline:
            print(line)


def long_recording_row(server, hours):
    """A recording of `hours`, silence with the 3-s LibriVox sentence 0880 every 5 minutes,
    uploaded from disk: wall time, words found, and how much the worker's peak RSS grew."""
    import tempfile
    sentence, _ = pcm_of(DATA / "librivox/sense_and_sensibility_01_austen_64kb-0880.wav")
    seconds = int(hours * 3600)
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        with wave.open(f.name, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            for i in range(seconds):
                w.writeframes(sentence if i % 300 == 150 else b"\0\0" * 16000)
        size = os.path.getsize(f.name)
        before = peak_rss_mib(server.worker_pid)
        t0 = time.monotonic()
        with open(f.name, "rb") as body:
            req = urllib.request.Request(server.base + "/v2/upload", data=body, method="POST",
                                         headers={"Authorization": KEY, "Content-Length": str(size)})
            with urllib.request.urlopen(req, timeout=600) as r:
                url = json.loads(r.read())["upload_url"]
        t = server.call("POST", "/v2/transcript", {"audio_url": url})
        while t["status"] not in ("completed", "error"):
            time.sleep(0.5)
            t = server.call("GET", f"/v2/transcript/{t['id']}")
        wall = time.monotonic() - t0
    after = peak_rss_mib(server.worker_pid)
    found = sum(1 for w in t.get("words") or [] if w["text"].lower().startswith("young"))
    return (f"{hours:g}-hour WAV ({size >> 20} MiB; a sentence every 5 min)",
            f"{wall:.0f} s, worker peak RSS +{after - before:.0f} MiB",
            f"{t['status']}, {found}/{len(range(150, seconds, 300))} sentences found; peak RSS {before:.0f} -> {after:.0f} MiB "
            f"(recognised in 5-minute pieces: the growth is one piece's, whatever the length)")


def wav_bytes(pcm, rate=16000):
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return out.getvalue()


if __name__ == "__main__":
    main()
