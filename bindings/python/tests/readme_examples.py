"""Runs the official SDK 1.8.2 README's Sync and Dictation examples against a local server, with
only the import changed, for either package:

    python readme_examples.py assemblyai|assemblyai_native BASE_URL API_KEY WORKDIR [--wav FILE]

The examples use things a test machine lacks (a microphone through sounddevice, the `rec`
recorder, a phone call, a websocket); those are replaced by stand-ins that deliver one second of
silent 16 kHz PCM, and `./call.wav` / `./note.wav` / `./visit.wav` are copies of --wav (a WAV
whose transcript the local server knows). Prints what the examples print. Used in process by
test_native_sync.py, and as a subprocess (with the official SDK's interpreter) by
test_official_parity.py, which compares the requests both packages send.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import re
import shutil
import sys
import types
from pathlib import Path
from typing import Any, Dict, List

README = Path("/work/shared/reference/official-python-sdk-1.8.2-README.md")
# The same file beside the repository (../shared/reference, as the project's notes keep it).
REFERENCE_README = Path(__file__).resolve().parents[4] / "shared" / "reference" / "official-python-sdk-1.8.2-README.md"

# Which examples run: (section, block index, what it is). Fragments that only make sense inside
# another example (a bare `await`, a config without the rest) are left out.
SYNC = [(0, "file"), (1, "config"), (2, "raw PCM"), (3, "language"), (4, "timestamps"), (5, "warm"),
        (6, "open_live + microphone"), (7, "transcribe_live: recorder, generator, file"),
        (8, "asyncio websocket handler"), (10, "AsyncSyncTranscriber"), (11, "errors")]
DICTATION = [(0, "open_live + microphone"), (1, "transcribe_live: recorder, generator, path"), (2, "llm_instruction"),
             (4, "configure"), (5, "warm"), (6, "asyncio websocket handler"), (8, "errors")]


def readme_path() -> Path:
    return README if README.exists() else REFERENCE_README


def readme_blocks(section: str) -> List[str]:
    path = readme_path()
    text = path.read_text()
    start = text.index(f"### **{section}**")
    end = text.index("\n### ", start + 10)
    return re.findall(r"```python\n(.*?)```", text[start:end], re.S)


PCM = b"\0\0" * 16000


class FakeStream:
    """sounddevice.RawInputStream: delivers one second of PCM to the callback when entered."""

    def __init__(self, samplerate: int, channels: int, dtype: str, callback: Any) -> None:
        self.callback = callback

    def __enter__(self) -> "FakeStream":
        for i in range(0, len(PCM), 3200):
            self.callback(memoryview(PCM[i:i + 3200]), 1600, None, None)
        return self

    def __exit__(self, *a: Any) -> None:
        pass


class FakeWebSocket:
    def __init__(self, frames: List[bytes]) -> None:
        self.frames = frames
        self.sent: List[str] = []

    def __aiter__(self) -> Any:
        return self._gen()

    async def _gen(self) -> Any:
        for f in self.frames:
            yield f

    async def send(self, text: str) -> None:
        self.sent.append(text)


class Call:
    def __init__(self) -> None:
        self.frames = [PCM[i:i + 640] for i in range(0, len(PCM), 640)]

    @property
    def active(self) -> bool:
        return bool(self.frames)

    def read_frame(self) -> bytes:
        return self.frames.pop(0)


def install_stand_ins() -> None:
    sd = types.ModuleType("sounddevice")
    sd.RawInputStream = FakeStream  # type: ignore[attr-defined]
    sys.modules["sounddevice"] = sd

    class FakePopen:
        def __init__(self, *a: Any, **k: Any) -> None:
            self.stdout = io.BytesIO(PCM)

    fake = types.ModuleType("subprocess")
    fake.Popen = FakePopen  # type: ignore[attr-defined]
    fake.PIPE = -1  # type: ignore[attr-defined]
    sys.modules["subprocess"] = fake


def run_block(code: str, ns: Dict[str, Any], module: str, key: str) -> None:
    code = code.replace("import assemblyai as aai", f"import {module} as aai")
    code = code.replace('"<YOUR_API_KEY>"', repr(key))
    exec(compile(code, "<README>", "exec"), ns)


def namespace(wav: bytes) -> Dict[str, Any]:
    async def arecord() -> bytes:
        return wav

    return {"__name__": "readme", "input": lambda *_: "", "record_until_done": lambda: wav, "raw_pcm_bytes": PCM,
            "call": Call(), "record_into": lambda write: write(PCM), "arecord": arecord}


def run_all(module: str, base_url: str, key: str, workdir: Path, wav: bytes) -> List[str]:
    """Runs every chosen example; returns what the websocket handlers sent back."""
    import os

    aai = importlib.import_module(module)
    aai.settings.sync_base_url = base_url
    aai.settings.dictation_base_url = base_url + "/dictation"
    aai.settings.base_url = base_url
    os.chdir(workdir)
    for name in ("call.wav", "note.wav", "visit.wav"):
        (workdir / name).write_bytes(wav)
    install_stand_ins()
    sent: List[str] = []
    for section, chosen, dictation in (("Sync STT Transcription Examples", SYNC, False),
                                       ("Dictation Examples", DICTATION, True)):
        blocks = readme_blocks(section)
        ns = namespace(wav)
        for index, what in chosen:
            code = blocks[index].replace("await record_until_done()", "await arecord()")
            if dictation and index == 5:  # warm: `config` comes from the examples before it
                ns["config"] = aai.DictationConfig(sample_rate=16000, channels=1)
            if not dictation and index == 2:
                ns["config"] = aai.SyncTranscriptionConfig(sample_rate=16000, channels=1)
            print(f"--- {section} #{index}: {what}", flush=True)
            run_block(code, ns, module, key)
            if "async def handle" in code:
                ws = FakeWebSocket([PCM[i:i + 3200] for i in range(0, len(PCM), 3200)])
                asyncio.run(ns["handle"](ws))
                sent += ws.sent
    return sent


def main() -> None:
    module, base_url, key, workdir = sys.argv[1:5]
    wav_path = sys.argv[sys.argv.index("--wav") + 1]
    wav = Path(wav_path).read_bytes()
    out = Path(workdir)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(wav_path, out / "source.wav")
    sent = run_all(module, base_url, key, out, wav)
    print("--- websocket answers:", sent)


if __name__ == "__main__":
    main()
