"""The local server's WebSocket faults (docs/local-server.md, "Fault injection", the ws_* kinds)
through the binding: realtime v2 (``aai.RealtimeTranscriber``) and Universal Streaming v3
(``StreamingClient``). For each fault: every message the server recorded as sent before it
reaches the callbacks, in order; on_error / the Error handlers get one error that says what
happened; close() / disconnect() return at once instead of waiting for a timeout."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

import pytest

from conftest import LocalServer, pointed_at, start_server, stop_server
from native_testenv import API_KEY, REPO_ROOT

import assemblyai_native as aai
from assemblyai_native.streaming.v3 import (
    StreamingClient,
    StreamingClientOptions,
    StreamingError,
    StreamingEvents,
    StreamingParameters,
)

AFTER = 5  # messages the server sends before the fault
PROMPT_S = 2.0  # "at once": far below every timeout involved (10 s close, 5 s terminate)


@pytest.fixture(scope="module")
def srv() -> Iterator[LocalServer]:
    s = start_server()  # faults are global to a server: one of our own
    yield s
    stop_server(s)


@pytest.fixture
def fs(srv: LocalServer) -> Iterator[LocalServer]:
    with pointed_at(srv) as s:
        s.call("DELETE", "/_local/faults")
        s.call("DELETE", "/_local/streaming/sessions")
        yield s


@pytest.fixture(scope="module")
def chunks(tmp_path_factory: Any) -> List[bytes]:
    """100 ms chunks of 16 kHz PCM16 that say "Hello world. How are you?" (3 s)."""
    out = tmp_path_factory.mktemp("wsfaults") / "hello.wav"
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "make-stream-wav"), str(out), "--text",
                    "Hello world. How are you?", "--span-ms", "2000", "--seconds", "3"], check=True, capture_output=True)
    with wave.open(str(out), "rb") as w:
        data = w.readframes(w.getnframes())
    return [data[i:i + 3200] for i in range(0, len(data), 3200)]


def arm(s: LocalServer, path: str, kind: str, **fields: Any) -> None:
    s.call("POST", "/_local/faults", {"kind": kind, "path": path, "after_messages": AFTER, **fields})


def sent(s: LocalServer) -> List[dict]:
    rec = s.call("GET", "/_local/streaming/sessions")[-1]
    return [json.loads(m) for m in rec["sent"]]


def wait(event: threading.Event, what: str, seconds: float = 10.0) -> None:
    assert event.wait(seconds), f"{what} did not happen"


# (kind, fields, text in the error, close code the error carries)
FAULTS = [
    ("ws_close", {"close_code": 1011, "reason": "Injected failure"}, "1011", 1011),
    ("ws_close", {"close_code": 4008, "reason": "Session Expired"}, "Session Expired", 4008),
    ("ws_drop", {}, "without a close frame", None),
    ("ws_reset", {}, "failed", None),  # receiving failed, or sending failed
    ("ws_malformed_frame", {"frame": "rsv"}, "reserved bits", None),
    ("ws_malformed_frame", {"frame": "masked"}, "server frame is masked", None),
    ("ws_invalid_utf8", {}, "not valid UTF-8", None),
    ("ws_oversized_frame", {}, "exceeds the limit", None),
]
IDS = [f"{k}-{f.get('frame', f.get('close_code', ''))}" for k, f, _, _ in FAULTS]


class V2Rec:
    def __init__(self) -> None:
        self.got: List[Tuple[str, str]] = []
        self.errors: List[aai.RealtimeError] = []
        self.closed = threading.Event()

    def transcriber(self) -> aai.RealtimeTranscriber:
        return aai.RealtimeTranscriber(
            sample_rate=16_000,
            on_open=lambda o: self.got.append(("SessionBegins", o.session_id)),
            on_data=lambda t: self.got.append((type(t).__name__.replace("Realtime", ""), t.text)),
            on_error=self.errors.append, on_close=self.closed.set)


def v2_expected(messages: List[dict]) -> List[Tuple[str, str]]:
    return [(m["message_type"], m.get("session_id") or m.get("text")) for m in messages]


@pytest.mark.parametrize("kind,fields,text,code", FAULTS, ids=IDS)
def test_v2_fault(fs: LocalServer, chunks: List[bytes], kind: str, fields: dict, text: str, code: Optional[int]) -> None:
    arm(fs, "/v2/realtime/ws", kind, **fields)
    rec = V2Rec()
    t = rec.transcriber()
    t.connect()
    t.stream(chunks)
    wait(rec.closed, "on_close")
    start = time.monotonic()
    t.close()
    assert time.monotonic() - start < PROMPT_S
    assert rec.got == v2_expected(sent(fs)) and len(rec.got) == AFTER
    assert len(rec.errors) == 1 and text in str(rec.errors[0]) and rec.errors[0].status_code == code
    assert API_KEY not in str(rec.errors[0])


class V3Rec:
    def __init__(self, client: StreamingClient) -> None:
        self.got: List[tuple] = []
        self.errors: List[StreamingError] = []
        self.failed = threading.Event()
        client.on(StreamingEvents.Begin, lambda c, e: self.got.append(("Begin", e.id)))
        client.on(StreamingEvents.Turn, lambda c, e: self.got.append(
            ("Turn", e.transcript, e.end_of_turn, e.turn_is_formatted)))
        client.on(StreamingEvents.Error, self.on_error)

    def on_error(self, _c: Any, e: StreamingError) -> None:
        self.errors.append(e)
        self.failed.set()


def v3_expected(messages: List[dict]) -> List[tuple]:
    return [("Begin", m["id"]) if m["type"] == "Begin" else
            ("Turn", m["transcript"], m["end_of_turn"], m["turn_is_formatted"]) for m in messages]


@pytest.mark.parametrize("kind,fields,text,code", FAULTS, ids=IDS)
def test_v3_fault(fs: LocalServer, chunks: List[bytes], kind: str, fields: dict, text: str, code: Optional[int]) -> None:
    arm(fs, "/v3/ws", kind, **fields)
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    rec = V3Rec(client)
    client.connect(StreamingParameters(sample_rate=16000))
    client.stream(chunks)
    wait(rec.failed, "the Error handler")
    start = time.monotonic()
    client.disconnect(terminate=True)
    assert time.monotonic() - start < PROMPT_S
    assert rec.got == v3_expected(sent(fs)) and len(rec.got) == AFTER
    assert len(rec.errors) == 1 and text in str(rec.errors[0]) and rec.errors[0].code == code


def test_v3_server_stops_reading(fs: LocalServer) -> None:
    """Sends block (the queue stays full) until disconnect; disconnect gives up after
    terminate_timeout with an error that says so; the sending thread returns."""
    arm(fs, "/v3/ws", "ws_stop_reading", after_messages=1, delay_ms=60000)
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY, terminate_timeout=1.0))
    rec = V3Rec(client)
    client.connect(StreamingParameters(sample_rate=16000))
    second = bytes(32000)  # 1 s chunks of silence
    sender = threading.Thread(target=client.stream, args=([second] * 100_000,), daemon=True)
    sender.start()
    sender.join(3.0)
    assert sender.is_alive(), "stream() returned although the server reads nothing"
    start = time.monotonic()
    client.disconnect(terminate=True)
    assert time.monotonic() - start < 1.0 + PROMPT_S
    sender.join(PROMPT_S)
    assert not sender.is_alive()
    assert len(rec.errors) == 1 and "no Termination within 1000 ms" in str(rec.errors[0])
    assert rec.got == v3_expected(sent(fs))[:1]


def test_v2_server_stops_reading_close_gives_up_after_its_timeout(fs: LocalServer) -> None:
    """Sends block while the server reads nothing; close(timeout=1.0) gives up after 1 s (not
    the old fixed 30 s): on_error says so, on_close follows, the sending thread returns."""
    arm(fs, "/v2/realtime/ws", "ws_stop_reading", after_messages=1, delay_ms=60000)
    rec = V2Rec()
    t = rec.transcriber()
    t.connect()
    sender = threading.Thread(target=t.stream, args=([bytes(32000)] * 100_000,), daemon=True)
    sender.start()
    sender.join(3.0)
    assert sender.is_alive(), "stream() returned although the server reads nothing"
    start = time.monotonic()
    t.close(timeout=1.0)
    took = time.monotonic() - start
    assert 0.9 <= took < 1.0 + PROMPT_S, took
    sender.join(PROMPT_S)
    assert not sender.is_alive()
    wait(rec.closed, "on_close", PROMPT_S)
    assert len(rec.errors) == 1 and "1000 ms" in str(rec.errors[0]), [str(e) for e in rec.errors]
    assert rec.got == v2_expected(sent(fs))[:1]
    with pytest.raises(ValueError):
        t.close(timeout=-1)


def test_v2_server_stops_reading_then_resets(fs: LocalServer) -> None:
    """The server stops reading, then resets the connection after delay_ms: the blocked
    stream() returns, on_error says the connection failed, close() returns at once."""
    arm(fs, "/v2/realtime/ws", "ws_stop_reading", after_messages=1, delay_ms=1500)
    rec = V2Rec()
    t = rec.transcriber()
    t.connect()
    sender = threading.Thread(target=t.stream, args=([bytes(32000)] * 100_000,), daemon=True)
    sender.start()
    wait(rec.closed, "on_close", 15)
    sender.join(PROMPT_S)
    assert not sender.is_alive()
    start = time.monotonic()
    t.close()
    assert time.monotonic() - start < PROMPT_S
    assert len(rec.errors) == 1 and "failed" in str(rec.errors[0])
    assert rec.got == v2_expected(sent(fs))[:1]


# ---- the v3 events of the official SDK 1.8.2 under faults -------------------------------------

def _v3_182_key(m: dict) -> tuple:
    t = m["type"]
    if t == "Begin":
        return ("Begin", m["id"])
    if t == "Turn":
        return ("Turn", m["transcript"], m["end_of_turn"], m["turn_is_formatted"])
    if t == "SpeechStarted":
        return ("SpeechStarted", m["timestamp"])
    if t == "Silence":
        return ("Silence", m["start_ms"], m["end_ms"])
    if t == "SpeakerRevision":
        return ("SpeakerRevision", tuple((r["turn_order"], r["speaker_label"]) for r in m["revisions"]))
    if t == "LLMGatewayResponse":
        return ("LLMGatewayResponse", m["turn_order"], m["transcript"])
    return (t,)


class V3EventsRec:
    def __init__(self, client: StreamingClient) -> None:
        self.got: List[tuple] = []
        self.errors: List[StreamingError] = []
        self.failed = threading.Event()
        self.done = threading.Event()
        client.on(StreamingEvents.Begin, lambda c, e: self.got.append(("Begin", e.id)))
        client.on(StreamingEvents.Turn, lambda c, e: self.got.append(
            ("Turn", e.transcript, e.end_of_turn, e.turn_is_formatted)))
        client.on(StreamingEvents.SpeechStarted, lambda c, e: self.got.append(("SpeechStarted", e.timestamp)))
        client.on(StreamingEvents.Silence, lambda c, e: self.got.append(("Silence", e.start_ms, e.end_ms)))
        client.on(StreamingEvents.SpeakerRevision, lambda c, e: self.got.append(
            ("SpeakerRevision", tuple((r.turn_order, r.speaker_label) for r in e.revisions))))
        client.on(StreamingEvents.LLMGatewayResponse, lambda c, e: self.got.append(
            ("LLMGatewayResponse", e.turn_order, e.transcript)))
        client.on(StreamingEvents.Termination, lambda c, e: self.done.set())
        client.on(StreamingEvents.Error, self.on_error)

    def on_error(self, _c: Any, e: StreamingError) -> None:
        self.errors.append(e)
        self.failed.set()


def _v3_182_session(fs: LocalServer, pcm: List[bytes]) -> Tuple[StreamingClient, V3EventsRec]:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    rec = V3EventsRec(client)
    client.connect(StreamingParameters(
        sample_rate=16000, speech_model="u3-rt-pro", speaker_labels=True, acknowledge_silence=True,
        llm_gateway={"model": "claude-sonnet-4-5-20250929", "messages": [{"role": "user", "content": "x"}],
                     "max_tokens": 50}))
    client.stream(pcm)
    return client, rec


@pytest.mark.parametrize("kind,fields,text", [
    ("ws_close", {"close_code": 1011, "reason": "Injected failure"}, "1011"),
    ("ws_drop", {}, "without a close frame"),
    ("ws_reset", {}, "failed"),
], ids=["close-1011", "drop", "reset"])
def test_v3_182_events_before_a_fault_all_arrive(fs: LocalServer, tmp_path: Path, kind: str, fields: dict,
                                                 text: str) -> None:
    """Silence, SpeakerRevision and LLMGatewayResponse (and the turns around them) sent before
    the fault reach their handlers, in order, once each; then one error."""
    out = tmp_path / "two.wav"
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "make-stream-wav"), str(out), "--text",
                    "A: Hi. A: Good morning everyone, it is nice to see you all here.", "--span-ms", "3000",
                    "--seconds", "5"], check=True, capture_output=True)
    with wave.open(str(out), "rb") as w:
        data = w.readframes(w.getnframes())
    pcm = [data[i:i + 3200] for i in range(0, len(data), 3200)]
    # A clean run first: where the last of the new events is in the server's sequence.
    client, rec = _v3_182_session(fs, pcm)
    client.disconnect(terminate=True)
    clean = sent(fs)
    kinds = [m["type"] for m in clean]
    assert {"Silence", "SpeakerRevision", "LLMGatewayResponse"} <= set(kinds), kinds
    assert rec.got == [_v3_182_key(m) for m in clean if m["type"] != "Termination"] and rec.errors == []
    after = max(i for i, k in enumerate(kinds) if k in ("SpeakerRevision", "LLMGatewayResponse")) + 1
    fs.call("DELETE", "/_local/streaming/sessions")
    fs.call("POST", "/_local/faults", {"kind": kind, "path": "/v3/ws", "after_messages": after, **fields})
    client, rec = _v3_182_session(fs, pcm)
    wait(rec.failed, "the Error handler")
    start = time.monotonic()
    client.disconnect(terminate=True)
    assert time.monotonic() - start < PROMPT_S
    before = sent(fs)
    assert len(before) == after
    assert rec.got == [_v3_182_key(m) for m in before]
    assert len(rec.errors) == 1 and text in str(rec.errors[0])
