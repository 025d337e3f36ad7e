"""One benchmark workload through a Python AssemblyAI SDK, in its own process.

    python3 bench_python.py official|native WORKLOAD [ARGS]

`official` imports the official `assemblyai` package, `native` imports `assemblyai_native` (this
project's binding); both are used through the same, official API. Prints one line of JSON:
{"seconds": wall time of the workload, "rss_kb": peak RSS, ...}. Environment:
ASSEMBLYAI_API_KEY, ASSEMBLYAI_BASE_URL.
"""
import json
import os
import resource
import sys
import time


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    sdk, workload, args = sys.argv[1], sys.argv[2], sys.argv[3:]
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
    aai.settings.polling_interval = 0.05
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
