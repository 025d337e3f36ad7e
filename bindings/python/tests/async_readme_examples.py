"""Runs the official SDK 1.8.2 README's "Asyncio Examples" (AsyncTranscriber, AsyncClient) and its
"Stream a local file (async)" example (AsyncRealTimeTranscriber) against a local server, with only
the import changed, for either package:

    python async_readme_examples.py assemblyai|assemblyai_native BASE_URL API_KEY WORKDIR --wav FILE

What a test machine lacks is replaced, as readme_examples.py does: `./example.mp3`, `./one.mp3`,
`./two.mp3`, `./three.mp3` and `./interview.mp3` are copies of --wav (a WAV whose transcript the
local server knows), and the public URL of the "submit now" example is the local server's copy of
that WAV (the server cannot fetch from the internet). The streaming example paces its chunks at
50 ms instead of 300 ms (a shorter run) and names a model the local server knows. The "share one pool" example defines
`main()` without running it; it is run here. Prints what the examples print; used in process
by test_async_readme.py and as a subprocess (with the official SDK's interpreter) by
test_official_parity.py, which compares the requests both packages send.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

from readme_examples import readme_blocks

# (block index, what it is) in the "Asyncio Examples" section.
ASYNCIO = [(0, "transcribe a file"), (1, "many files concurrently"), (2, "submit now, collect later"),
           (3, "share one connection pool")]
FILES = ("example.mp3", "one.mp3", "two.mp3", "three.mp3", "interview.mp3")
PUBLIC_URL = "https://assembly.ai/wildfires.mp3"


def streaming_block() -> str:
    """The README's "Stream a local file (async)" example."""
    return next(b for b in readme_blocks("Streaming Examples") if "AsyncRealTimeTranscriber(" in b)


def upload(base_url: str, key: str, data: bytes) -> str:
    req = urllib.request.Request(base_url + "/v2/upload", data=data, method="POST",
                                 headers={"Authorization": key, "Content-Type": "application/octet-stream"})
    import json

    with urllib.request.urlopen(req, timeout=30) as resp:
        return str(json.loads(resp.read())["upload_url"])


def prepare(module: str, base_url: str, key: str, workdir: Path, wav: bytes) -> Any:
    import importlib

    aai = importlib.import_module(module)
    aai.settings.base_url = base_url
    aai.settings.polling_interval = 0.05
    os.chdir(workdir)
    for name in FILES + ("audio.wav",):
        (workdir / name).write_bytes(wav)
    return aai


def run_block(code: str, ns: Dict[str, Any], module: str, key: str, replace: Dict[str, str]) -> None:
    for old, new in replace.items():
        assert old in code, f"the README example no longer has {old!r}"
        code = code.replace(old, new)
    code = code.replace("import assemblyai as aai", f"import {module} as aai")
    code = code.replace("from assemblyai.", f"from {module}.")
    code = code.replace('"<YOUR_API_KEY>"', repr(key))
    exec(compile(code, "<README>", "exec"), ns)


def run_asyncio(module: str, base_url: str, key: str, workdir: Path, wav: bytes) -> None:
    aai = prepare(module, base_url, key, workdir, wav)
    blocks = readme_blocks("Asyncio Examples")
    url = upload(base_url, key, wav)
    for index, what in ASYNCIO:
        print(f"--- Asyncio Examples #{index}: {what}", flush=True)
        ns: Dict[str, Any] = {"__name__": "readme"}
        run_block(blocks[index], ns, module, key, {PUBLIC_URL: url} if PUBLIC_URL in blocks[index] else {})
        if "asyncio.run(main())" not in blocks[index]:
            aai.settings.api_key = key
            asyncio.run(ns["main"]())


def run_streaming(module: str, base_url: str, key: str, workdir: Path, wav: bytes, streaming_host: str) -> None:
    prepare(module, base_url, key, workdir, wav)
    print("--- Streaming Examples: Stream a local file (async)", flush=True)
    options = f'RealTimeTranscriberOptions(api_key={key!r}, api_host={streaming_host!r})'
    run_block(streaming_block(), {"__name__": "readme"}, module, key,
              {'RealTimeTranscriberOptions(api_key="<YOUR_API_KEY>")': options,
               "chunk_duration: float = 0.3": "chunk_duration: float = 0.05",
               # The local server's streaming endpoint does not know this model yet (it takes
               # universal-streaming-english/-multilingual, whisper-rt, u3-rt-pro).
               'speech_model="universal-3-5-pro"': 'speech_model="universal-streaming-english"'})


def main() -> None:
    module, base_url, key, workdir = sys.argv[1:5]
    wav_path = sys.argv[sys.argv.index("--wav") + 1]
    wav = Path(wav_path).read_bytes()
    out = Path(workdir)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(wav_path, out / "source.wav")
    if "--streaming" in sys.argv:
        run_streaming(module, base_url, key, out, wav, sys.argv[sys.argv.index("--streaming") + 1])
    else:
        run_asyncio(module, base_url, key, out, wav)


if __name__ == "__main__":
    main()
