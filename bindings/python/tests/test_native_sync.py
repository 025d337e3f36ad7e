"""The Sync and Dictation APIs through assemblyai_native, against the local server: 1.8.2's
names and import paths, the requests sent, bad input, server errors, live sessions (threads and
asyncio), and the official README's examples run with only the import changed."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import assemblyai_native as aai
from native_testenv import API_KEY

TEXT = "Book a flight to Denver."


@pytest.fixture
def sync_local(local: Any) -> Iterator[Any]:
    """Settings pointed at the local server for the Sync and Dictation APIs too."""
    saved = (aai.settings.sync_base_url, aai.settings.dictation_base_url)
    aai.settings.sync_base_url = local.base_url
    aai.settings.dictation_base_url = local.base_url + "/dictation"
    local.call("DELETE", "/_local/faults")
    local.call("DELETE", "/_local/requests")
    try:
        yield local
    finally:
        aai.settings.sync_base_url, aai.settings.dictation_base_url = saved
        local.call("DELETE", "/_local/faults")


def posts(srv: Any, path: str) -> List[Dict[str, Any]]:
    return [r for r in srv.requests() if r["path"] == path]


def pcm_seconds(seconds: float, rate: int = 16000) -> bytes:
    return b"\0\0" * int(seconds * rate)


# -- names ------------------------------------------------------------------------------------


def test_names_and_import_paths() -> None:
    from assemblyai_native.dictation.v1 import DictationConfig, DictationTranscriber  # noqa: F401
    from assemblyai_native.sync import SyncTranscriber
    from assemblyai_native.sync.v1 import AsyncSyncTranscriber, SyncTranscriptionConfig  # noqa: F401

    assert aai.SyncTranscriber is SyncTranscriber
    for name in ("SyncTranscriber", "AsyncSyncTranscriber", "SyncTranscriptionConfig", "SyncTranscriptError",
                 "SyncTranscriptResponse", "SyncWord", "SyncSpeechModel", "DictationTranscriber",
                 "AsyncDictationTranscriber", "DictationConfig", "DictationError", "DictationResponse",
                 "DictationRewriteMode", "DictationWord"):
        assert getattr(aai, name).__name__ == name
    assert issubclass(aai.SyncTranscriptError, aai.AssemblyAIError)
    assert not issubclass(aai.DictationError, aai.SyncTranscriptError)
    assert aai.settings.sync_live_http_timeout == 180.0 or "ASSEMBLYAI_SYNC_LIVE_HTTP_TIMEOUT" in os.environ
    assert aai.settings.dictation_http_timeout == 300.0 or "ASSEMBLYAI_DICTATION_HTTP_TIMEOUT" in os.environ


def test_config_checks_and_normalises() -> None:
    c = aai.SyncTranscriptionConfig(keyterms_prompt=[" AssemblyAI ", "", "U3"], conversation_context="  hi ")
    assert c.keyterms_prompt == ["AssemblyAI", "U3"]
    assert c.conversation_context == ["hi"]
    with pytest.raises(ValueError):
        aai.SyncTranscriptionConfig(prompt="x" * 6001)
    with pytest.raises(ValueError):
        aai.SyncTranscriptionConfig(keyterms_prompt=[f"t{i}" for i in range(101)])
    with pytest.raises(ValueError):
        aai.DictationConfig(prompt="sync-only field")
    with pytest.raises(ValueError):
        aai.DictationConfig(llm_instruction="x" * 2049)
    assert aai.DictationConfig(rewrite_mode="smart").rewrite_mode is aai.DictationRewriteMode.smart
    with pytest.raises(TypeError):
        aai.SyncTranscriber(config=aai.DictationConfig())


# -- Sync API -------------------------------------------------------------------------------


def test_transcribe_path_bytes_file_object(sync_local: Any, make_wav: Any) -> None:
    wav = make_wav(TEXT, name="call.wav")
    t = aai.SyncTranscriber()
    r = t.transcribe(str(wav))
    assert isinstance(r, aai.SyncTranscriptResponse)
    assert r.text == TEXT
    assert [w.text for w in r.words] == ["Book", "a", "flight", "to", "Denver."]
    assert all(w.start is None for w in r.words)
    assert len(r.session_id) == 36
    assert t.transcribe(wav.read_bytes()).text == TEXT
    with open(wav, "rb") as f:
        assert t.transcribe(f).text == TEXT
    sent = posts(sync_local, "/v1/transcribe/live")
    assert len(sent) == 3
    parts = sent[0]["multipart"]
    assert [p["name"] for p in parts] == ["config", "audio"]
    assert parts[0]["text"] == "{}"
    assert parts[1]["filename"] == "call.wav" and parts[1]["content_type"] == "audio/wav"
    assert sent[1]["multipart"][1]["filename"] == "audio.wav"
    assert sent[2]["multipart"][1]["filename"] == "call.wav"
    assert sent[0]["headers"]["x-aai-model"] == "universal-3-5-pro"
    assert sent[0]["headers"]["transfer-encoding"] == "chunked"
    assert sent[0]["headers"]["content-type"].startswith("multipart/form-data; boundary=")


def test_timestamps_and_config_part(sync_local: Any, make_wav: Any) -> None:
    wav = make_wav(TEXT)
    cfg = aai.SyncTranscriptionConfig(timestamps=True, prompt="Verbatim.", keyterms_prompt=["Denver"])
    r = aai.SyncTranscriber().transcribe(str(wav), config=cfg)
    assert r.words[0].start == 0 and r.words[0].end is not None and r.words[1].start > 0
    part = posts(sync_local, "/v1/transcribe/live")[0]["multipart"][0]
    assert part["text"] == '{"prompt": "Verbatim.", "keyterms_prompt": ["Denver"], "timestamps": true}'


def test_pcm(sync_local: Any) -> None:
    cfg = aai.SyncTranscriptionConfig(sample_rate=16000, channels=1)
    r = aai.SyncTranscriber().transcribe(pcm_seconds(1.5), config=cfg)
    assert r.audio_duration_ms == 1500
    part = posts(sync_local, "/v1/transcribe/live")[0]["multipart"]
    assert part[0]["json"] == {"sample_rate": 16000, "channels": 1}
    assert part[1]["content_type"] == "audio/pcm" and part[1]["filename"] == "audio.pcm"


def test_bad_input_is_refused_before_sending(sync_local: Any, make_wav: Any, tmp_path: Path) -> None:
    t = aai.SyncTranscriber()
    with pytest.raises(ValueError, match="sample_rate and channels"):
        t.transcribe(pcm_seconds(1), config=aai.SyncTranscriptionConfig(sample_rate=16000))
    raw = tmp_path / "x.pcm"
    raw.write_bytes(pcm_seconds(1))
    with pytest.raises(ValueError, match="sample_rate and channels"):
        t.transcribe(str(raw))
    with pytest.raises(ValueError, match="120 s"):
        t.transcribe(str(make_wav("long", "--seconds", "121")))
    with pytest.raises(ValueError, match="120 s"):
        t.transcribe(pcm_seconds(121, rate=8000), config=aai.SyncTranscriptionConfig(sample_rate=8000, channels=1))
    with pytest.raises(ValueError, match="unsupported audio format"):
        t.transcribe(b"ID3 this is an mp3, not a wav file")
    with pytest.raises(ValueError, match="URL"):
        t.transcribe("https://example.com/a.wav")
    with pytest.raises(TypeError):
        t.transcribe_live(b"whole bytes")
    with pytest.raises(TypeError):
        t.transcribe(aai.TranscriptionConfig())  # type: ignore[arg-type]
    assert posts(sync_local, "/v1/transcribe/live") == []


def test_server_errors(sync_local: Any, make_wav: Any) -> None:
    wav = str(make_wav(TEXT))
    sync_local.call("POST", "/_local/faults", {"path": "/v1/transcribe/live", "kind": "status", "status": 429,
                                               "retry_after": 9})
    with pytest.raises(aai.SyncTranscriptError) as e:
        aai.SyncTranscriber().transcribe(wav)
    assert (e.value.status_code, e.value.error_code, e.value.retry_after) == (429, "too_many_requests", 9)
    with pytest.raises(aai.SyncTranscriptError) as e:
        aai.SyncTranscriber().transcribe(wav, config=aai.SyncTranscriptionConfig(model="nope"))
    assert (e.value.status_code, e.value.error_code, e.value.retry_after) == (400, "unknown_model", None)
    sync_local.call("POST", "/_local/faults", {"path": "/v1/transcribe/live", "kind": "reset", "at_byte": 5})
    with pytest.raises(aai.SyncTranscriptError) as e:
        aai.SyncTranscriber().transcribe(wav)
    assert e.value.status_code is None and "no transcript" in str(e.value)
    with pytest.raises(aai.SyncTranscriptError) as e:
        aai.SyncTranscriber(api_key="wrong").transcribe(wav)
    assert e.value.status_code == 401


def test_live_session_from_threads(sync_local: Any, make_wav: Any) -> None:
    data = make_wav(TEXT).read_bytes()
    with aai.SyncTranscriber() as t:
        with t.open_live() as session:
            threads = []
            chunks = [data[i:i + 1000] for i in range(0, len(data), 1000)]
            # One writer at a time keeps the order; the writes come from other threads.
            lock = threading.Lock()
            it = iter(chunks)

            def writer() -> None:
                while True:
                    with lock:
                        c = next(it, None)
                        if c is None:
                            return
                        session.write(c)

            for _ in range(3):
                threads.append(threading.Thread(target=writer))
                threads[-1].start()
            for th in threads:
                th.join()
        assert session.closed
        assert session.result().text == TEXT
        with pytest.raises(RuntimeError):
            session.write(b"more")


def test_live_abort_and_exception(sync_local: Any) -> None:
    cfg = aai.SyncTranscriptionConfig(sample_rate=16000, channels=1)
    t = aai.SyncTranscriber()
    session = t.open_live(cfg)
    session.write(pcm_seconds(0.1))
    t0 = time.monotonic()
    session.abort()
    assert time.monotonic() - t0 < 0.5
    with pytest.raises(RuntimeError):
        session.result()
    with pytest.raises(KeyError):
        with t.open_live(cfg) as s2:
            s2.write(pcm_seconds(0.1))
            raise KeyError("boom")
    with pytest.raises(RuntimeError):
        s2.result()


def test_transcribe_live_iterator_file_and_producer_error(sync_local: Any, make_wav: Any) -> None:
    wav = make_wav(TEXT)
    data = wav.read_bytes()
    t = aai.SyncTranscriber()
    assert t.transcribe_live(data[i:i + 500] for i in range(0, len(data), 500)).text == TEXT
    with open(wav, "rb") as f:
        assert t.transcribe_live(f).text == TEXT
    r, w = os.pipe()

    def fill() -> None:
        for i in range(0, len(data), 4096):
            os.write(w, data[i:i + 4096])
            time.sleep(0.005)
        os.close(w)

    th = threading.Thread(target=fill)
    th.start()
    with os.fdopen(r, "rb") as pipe:
        assert t.transcribe_live(pipe).text == TEXT
    th.join()

    class Boom(Exception):
        pass

    def producer() -> Iterator[bytes]:
        yield data[:100]
        raise Boom()

    with pytest.raises(Boom):
        t.transcribe_live(producer())
    with pytest.raises(TypeError):
        t.transcribe_live(iter(["text, not bytes"]))


def test_transcribe_async_future(sync_local: Any, make_wav: Any) -> None:
    wav = str(make_wav(TEXT))
    t = aai.SyncTranscriber()
    futures = [t.transcribe_async(wav) for _ in range(4)]
    assert [f.result(timeout=20).text for f in futures] == [TEXT] * 4
    bad = t.transcribe_async(b"not audio at all")
    with pytest.raises(ValueError):
        bad.result(timeout=20)


def test_warm(sync_local: Any) -> None:
    assert aai.SyncTranscriber().warm() is True
    assert posts(sync_local, "/v1/warm")[0]["headers"]["x-aai-model"] == "universal-3-5-pro"
    saved = aai.settings.sync_base_url
    aai.settings.sync_base_url = "http://127.0.0.1:9"
    try:
        assert aai.SyncTranscriber().warm() is False
    finally:
        aai.settings.sync_base_url = saved


def test_asyncio(sync_local: Any, make_wav: Any) -> None:
    data = make_wav(TEXT).read_bytes()

    async def frames() -> Any:
        for i in range(0, len(data), 700):
            await asyncio.sleep(0)
            yield data[i:i + 700]

    async def main() -> List[str]:
        async with aai.AsyncSyncTranscriber() as t:
            assert await t.warm()
            a, b = await asyncio.gather(t.transcribe(data), t.transcribe_live(frames()))
            async with t.open_live() as session:
                for i in range(0, len(data), 900):
                    session.write(data[i:i + 900])
            c = await session.result()
            s2 = t.open_live(aai.SyncTranscriptionConfig(sample_rate=16000, channels=1))
            s2.write(pcm_seconds(0.1))
            await s2.abort()
            with pytest.raises(RuntimeError):
                await s2.result()
            return [a.text, b.text, c.text]

    assert asyncio.run(main()) == [TEXT] * 3


# -- Dictation API --------------------------------------------------------------------------


def test_dictation(sync_local: Any, make_wav: Any) -> None:
    wav = make_wav(TEXT, name="note.wav")
    t = aai.DictationTranscriber()
    r = t.transcribe_live(str(wav))
    assert (r.text, r.final_text, r.llm_response, r.llm_error) == (TEXT, TEXT, None, None)
    r = t.transcribe_live(wav.read_bytes(), config=aai.DictationConfig(llm_instruction="Make it uppercase."))
    assert (r.text, r.final_text) == (TEXT, TEXT.upper())
    r = t.transcribe_live(str(wav), config=aai.DictationConfig(llm_instruction="FAIL_LLM"))
    assert r.final_text == TEXT and r.llm_error
    sent = posts(sync_local, "/dictation/v1/transcribe/live")
    assert len(sent) == 3
    assert "x-aai-model" not in sent[0]["headers"]
    assert sent[0]["multipart"][1]["filename"] == "note.wav"
    assert sent[1]["multipart"][0]["text"] == '{"llm_instruction": "Make it uppercase."}'
    with t.open_live() as session:
        session.write(wav.read_bytes())
    assert session.result().final_text == TEXT
    assert t.warm()
    sync_local.call("POST", "/_local/faults", {"path": "/dictation/v1/transcribe/live", "kind": "status",
                                               "status": 503, "retry_after": 2})
    with pytest.raises(aai.DictationError) as e:
        t.transcribe_live(str(wav))
    assert (e.value.status_code, e.value.retry_after) == (503, 2)

    async def main() -> str:
        async with aai.AsyncDictationTranscriber() as at:
            r1 = await at.transcribe_live(str(wav), config=aai.DictationConfig(llm_instruction="lowercase it"))
            return r1.final_text

    assert asyncio.run(main()) == TEXT.lower()


