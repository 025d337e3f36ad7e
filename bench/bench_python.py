"""One benchmark workload through a Python AssemblyAI SDK, in its own process.

    python3 bench_python.py official|native WORKLOAD [ARGS]

`official` imports the official `assemblyai` package, `native` imports `assemblyai_native` (this
project's binding); both are used through the same, official API. Prints one line of JSON:
{"seconds": wall time of the workload, "rss_kb": peak RSS, ...}. Environment:
ASSEMBLYAI_API_KEY, ASSEMBLYAI_BASE_URL, AAI_BENCH_POLL_MS (polling interval, default 50).

`stream SESSIONS SECONDS DUMP [PHASES]` is bench/bench_stream.c's workload through the SDK's
`streaming.v3.StreamingClient` (the official one needs a 1.x package: scripts/bench runs it from
.venv-bench-latest); DUMP gets the same per-session records. Through assemblyai_native it also
reports read_to_cb_p50/p99/max_us as bench_stream.c does, from the events' received_ns.
"""
import importlib
import json
import os
import resource
import sys
import threading
import time
import zlib


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def stream_audio(text: str, span_ms: int, samples: int) -> bytes:
    """16 kHz PCM16 silence carrying `text` in the samples' low bits (docs/local-server-streaming.md)."""
    body = bytes([1]) + span_ms.to_bytes(4, "little") + len(text.encode()).to_bytes(4, "little") + text.encode()
    frame = b"AAIT" + body + zlib.crc32(body).to_bytes(4, "little")
    period = b"".join(b"\x01\x00" if (byte >> (7 - k)) & 1 else b"\x00\x00" for byte in frame for k in range(8))
    return (period * (samples * 2 // len(period) + 1))[: samples * 2]


def _process_counts() -> "tuple[int, int, int]":
    """This process's threads, descriptors and RSS (KiB) now."""
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    return len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd")), rss


def stream(aai, n: int, seconds: float, dump: str, phases: int) -> dict:
    """N sessions, audio at real-time pace in 50 ms chunks from one pacing loop (stream(bytes)
    only queues), at PHASES offsets as in bench_stream.c, then all disconnected at once. Returns
    the workload's figures."""
    v3 = importlib.import_module(aai.__name__ + ".streaming.v3")
    host = os.environ["ASSEMBLYAI_BASE_URL"].replace("http://", "ws://", 1)
    rate, chunk = 16000, 800
    samples = int(seconds * rate)
    words = int((seconds * 1000 - 1500) // 400) // 4 * 4
    clients, records, audio = [], [], []
    read_to_cb = []  # assemblyai_native only: its events carry received_ns (the library's socket read)
    for i in range(n):  # the audio first, so that the counts below are the sessions' own
        text = " ".join(f"Session {i} sentence {w // 4}." for w in range(0, words, 4))
        audio.append(stream_audio(text, words * 400, samples))
    threads0, fds0, rss0 = _process_counts()
    for i in range(n):
        rec = {"id": "", "turns": []}

        def on_turn(_client, e, rec=rec):
            t = time.monotonic_ns()  # first: the callback's entry
            rec["turns"].append([e.turn_order, e.end_of_turn, e.transcript, t])
            received = getattr(e, "received_ns", None)
            if received:
                read_to_cb.append(t - received)

        def on_begin(_client, e, rec=rec):
            rec["id"] = e.id

        c = v3.StreamingClient(v3.StreamingClientOptions(api_key=os.environ["ASSEMBLYAI_API_KEY"], api_host=host))
        c.on(v3.StreamingEvents.Begin, on_begin)
        c.on(v3.StreamingEvents.Turn, on_turn)
        c.on(v3.StreamingEvents.Error, lambda _c, e: print("session error:", e, file=sys.stderr))
        c.connect(v3.StreamingParameters(sample_rate=rate))
        clients.append(c)
        records.append(rec)
    threads1, fds1, rss1 = _process_counts()  # every session open
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    for k in range(0, samples - chunk + 1, chunk):
        for p in range(phases):
            delay = t0 + k / rate + p * chunk / rate / phases - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            for i in range(p, n, phases):
                clients[i].stream(audio[i][k * 2:(k + chunk) * 2])
    closers = [threading.Thread(target=c.disconnect, kwargs={"terminate": True}) for c in clients]
    for t in closers:
        t.start()
    for t in closers:
        t.join()
    wall = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
    with open(dump, "w") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")
    out = {"seconds": wall, "sessions": n, "cpu_ms_per_session": cpu * 1000 / n, "cpu_s": cpu,
           "threads_before": threads0, "threads_open": threads1, "fds_per_session": (fds1 - fds0) / n,
           "rss_kb_per_session": (rss1 - rss0) / n}
    if read_to_cb:  # as bench_stream.c reports them (scripts/bench shows them when present)
        lat = sorted(read_to_cb)
        m = len(lat)
        out.update(read_to_cb_p50_us=lat[m // 2] / 1e3, read_to_cb_p99_us=lat[m * 99 // 100] / 1e3,
                   read_to_cb_max_us=lat[-1] / 1e3)
    return out


def main() -> None:
    sdk, workload, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if sdk == "raw" and workload == "llm-first-delta":
        # The baseline: a plain socket, no SDK, the whole request in one write (http.client writes
        # the head and the body apart, which Nagle and delayed ACKs turn into a 40 ms wait): the
        # time until the server's first event ("data: " line) is read, and to the end of the stream.
        import socket, urllib.parse
        url = urllib.parse.urlsplit(os.environ["ASSEMBLYAI_LLM_GATEWAY_BASE_URL"])
        body = json.dumps({"model": "gpt-4.1", "messages": [{"role": "user", "content": args[0]}], "stream": True}).encode()
        head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
                f"Authorization: {os.environ['ASSEMBLYAI_API_KEY']}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        t0 = time.perf_counter()
        sock = socket.create_connection((url.hostname, url.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(head + body)
        got, first = b"", None
        while True:
            piece = sock.recv(65536)
            if not piece:
                break
            got += piece
            if first is None and b"\ndata: " in got:
                first = time.perf_counter() - t0
            if b"data: [DONE]" in got:
                break
        sock.close()
        print(json.dumps({"seconds": first, "all_seconds": time.perf_counter() - t0, "events": got.count(b"data: "),
                          "rss_kb": peak_rss_kb()}))
        return
    t0 = time.perf_counter()
    if sdk == "official":
        import assemblyai as aai
    else:
        import assemblyai_native as aai
    imported = time.perf_counter() - t0
    if workload == "startup":
        print(json.dumps({"seconds": imported, "rss_kb": peak_rss_kb()}))
        return
    aai.settings.api_key = os.environ["ASSEMBLYAI_API_KEY"]
    aai.settings.base_url = os.environ["ASSEMBLYAI_BASE_URL"]
    aai.settings.http_timeout = 120.0
    aai.settings.polling_interval = float(os.environ.get("AAI_BENCH_POLL_MS", "50")) / 1000
    out = {}
    t0 = time.perf_counter()
    if workload == "fetch":
        transcript = aai.Transcript.get_by_id(args[0])
        total = 0
        for w in transcript.words:
            total += len(w.text) + w.end - w.start
        out["words"] = len(transcript.words)
        out["check"] = total
    elif workload == "upload":
        url = aai.Transcriber().upload_file(args[0])
        out["url"] = url
    elif workload == "srt":
        transcript = aai.Transcript.get_by_id(args[0])
        t0 = time.perf_counter()  # the export alone, as from C
        out["bytes"] = len(transcript.export_subtitles_srt())
    elif workload == "search":
        transcript = aai.Transcript.get_by_id(args[0])
        t0 = time.perf_counter()  # the search alone
        out["bytes"] = sum(m.count for m in transcript.word_search([args[1]]))
    elif workload == "stream":
        out = stream(aai, int(args[0]), float(args[1]), args[2], int(args[3]) if len(args) > 3 else 10)
        out["rss_kb"] = peak_rss_kb()
        print(json.dumps(out))
        return
    elif workload == "tts-first-audio":
        # Time to the first audio byte of a streamed Text-to-Speech request (TextToSpeech.stream()),
        # and to its last; `seconds` is the first. ASSEMBLYAI_TTS_BASE_URL points at the server.
        aai.settings.tts_base_url = os.environ["ASSEMBLYAI_TTS_BASE_URL"]
        tts = aai.TextToSpeech()
        t0 = time.perf_counter()
        with tts.stream(args[0]) as speech:
            first = time.perf_counter() - t0
            n = len(speech.read())
        out["all_seconds"] = time.perf_counter() - t0
        out["bytes"] = n
        out["seconds"] = first
        out["rss_kb"] = peak_rss_kb()
        print(json.dumps(out))
        return
    elif workload == "tts-first-word":
        # Time to the first word timing (the events route): assemblyai_native only, since the
        # official SDK 1.8.2 has no HTTP word timings (its TTSConfig leaves word_boundaries out).
        aai.settings.tts_base_url = os.environ["ASSEMBLYAI_TTS_BASE_URL"]
        first_word = []
        tts = aai.TextToSpeech()
        t0 = time.perf_counter()
        speech = tts.stream_events(args[0], on_words=lambda ws: first_word or first_word.append(time.perf_counter() - t0))
        n = len(speech.read())
        out["all_seconds"] = time.perf_counter() - t0
        out["bytes"] = n
        out["seconds"] = first_word[0]
        out["rss_kb"] = peak_rss_kb()
        print(json.dumps(out))
        return
    elif workload == "async-transcribe":
        # N concurrent AsyncTranscriber.transcribe() coroutines on one asyncio loop (both SDKs'
        # asyncio API, 1.8.2's names), every one of the URL; the process's threads (every OS
        # thread, /proc/self/task) sampled every 10 ms while they run.
        import asyncio

        n, url = int(args[0]), args[1]

        def threads() -> int:
            return len(os.listdir("/proc/self/task"))

        async def run() -> None:
            peak = [threads()]
            out["threads_before"] = peak[0]
            done = asyncio.Event()

            async def sample() -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], threads())
                    await asyncio.sleep(0.01)

            sampler = asyncio.ensure_future(sample())
            async with aai.AsyncTranscriber() as transcriber:
                results = await asyncio.gather(*[transcriber.transcribe(url) for _ in range(n)])
            done.set()
            await sampler
            out["threads_peak"] = peak[0]
            out["completed"] = sum(1 for t in results if t.status == aai.TranscriptStatus.completed)

        asyncio.run(run())
    elif workload == "llm-first-delta":
        # A streamed LLM Gateway chat completion: `seconds` from the call to the first chunk the
        # iterator yields, `all_seconds` to the end (1.8.2's LLMGateway, or assemblyai_native's).
        aai.settings.llm_gateway_base_url = os.environ["ASSEMBLYAI_LLM_GATEWAY_BASE_URL"]
        gateway = aai.LLMGateway()
        t0 = time.perf_counter()
        first, n, deliver = None, 0, None
        for chunk in gateway.chat.completions.create(model="gpt-4.1", messages=[{"role": "user", "content": args[0]}],
                                                     stream=True):
            n += 1
            if first is None:
                first = time.perf_counter() - t0
                received = getattr(chunk, "received_ns", None)  # assemblyai_native only
                if received:
                    deliver = (time.monotonic_ns() - received) / 1e9
        if deliver is not None:
            out["deliver_seconds"] = deliver
        out["all_seconds"] = time.perf_counter() - t0
        out["chunks"] = n
        out["seconds"] = first
        out["rss_kb"] = peak_rss_kb()
        print(json.dumps(out))
        return
    elif workload == "group":
        urls = args
        group = aai.Transcriber().transcribe_group(urls)
        out["completed"] = sum(1 for t in group.transcripts if t.status == aai.TranscriptStatus.completed)
    else:
        raise SystemExit(f"unknown workload {workload}")
    out["seconds"] = time.perf_counter() - t0
    out["rss_kb"] = peak_rss_kb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
