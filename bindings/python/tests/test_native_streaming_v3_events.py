"""Universal Streaming v3 as the official SDK 1.8.2 has it, through ``assemblyai_native.streaming.v3``
against the local server: the Heartbeat, Silence, SpeakerRevision and LLMGatewayResponse events
(``client.on(StreamingEvents.X, handler)``), Begin's configuration, word speakers, the compressed
encodings, the 1.8.2 parameter classes, and handshake retries (503 / 429 refusals, then accepted)."""

from __future__ import annotations

import json
import logging
import struct
import subprocess
import sys
import time
import urllib.request
import wave
from pathlib import Path
from typing import Any, Dict, List

import pytest

from native_testenv import API_KEY, REPO_ROOT

from assemblyai_native.streaming.v3 import (
    BeginEvent,
    Encoding,
    HeartbeatEvent,
    LLMGatewayConfig,
    LLMGatewayMessage,
    LLMGatewayResponseEvent,
    NoiseSuppressionModel,
    SilenceEvent,
    SpeakerRevisionEvent,
    SpeakerRevisionItem,
    SpeechModel,
    StreamingClient,
    StreamingClientOptions,
    StreamingDomain,
    StreamingError,
    StreamingEvents,
    StreamingMode,
    StreamingParameters,
    StreamingPiiPolicy,
    StreamingPiiSubstitution,
    StreamingSessionParameters,
    TerminationEvent,
    TurnEvent,
)

MAKE_STREAM_WAV = REPO_ROOT / "scripts" / "make-stream-wav"


def _post(srv: Any, path: str, body: Any, method: str = "POST") -> None:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(srv.base_url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()


def _sessions(srv: Any) -> List[Dict[str, Any]]:
    with urllib.request.urlopen(srv.base_url + "/_local/streaming/sessions", timeout=10) as r:
        return json.loads(r.read())


def _pcm(tmp_path: Path, text: str, span_ms: int, seconds: float) -> List[bytes]:
    out = tmp_path / "a.wav"
    subprocess.run([sys.executable, str(MAKE_STREAM_WAV), str(out), "--text", text, "--span-ms", str(span_ms),
                    "--seconds", str(seconds)], check=True, capture_output=True, text=True)
    with wave.open(str(out), "rb") as w:
        data = w.readframes(w.getnframes())
    return [data[i:i + 3200] for i in range(0, len(data), 3200)]


class Events:
    """Every event of a client, by kind."""

    def __init__(self, client: StreamingClient) -> None:
        self.by: Dict[StreamingEvents, List[Any]] = {k: [] for k in StreamingEvents}
        for kind in StreamingEvents:
            client.on(kind, lambda c, e, kind=kind: self.by[kind].append(e))

    def __getitem__(self, kind: StreamingEvents) -> List[Any]:
        return self.by[kind]


def test_every_1_8_2_event_has_a_member() -> None:
    assert [e.value for e in StreamingEvents] == [
        "Begin", "Termination", "Turn", "SpeechStarted", "Error", "Warning", "Heartbeat", "Silence",
        "LLMGatewayResponse", "SpeakerRevision"]


def test_heartbeat(local: Any, tmp_path: Path) -> None:
    _post(local, "/_local/streaming/settings", {"heartbeat_interval_ms": 150})
    try:
        client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
        ev = Events(client)
        client.connect(StreamingParameters(sample_rate=16000, session_heartbeat=True))
        client.stream(_pcm(tmp_path, "Hello there.", 800, 1.0))
        time.sleep(0.7)
        client.disconnect(terminate=True)
    finally:
        _post(local, "/_local/streaming/settings", {"heartbeat_interval_ms": 1000})
    beats = ev[StreamingEvents.Heartbeat]
    # one every 150 ms of the session: at least 3 in the 700 ms waited after the audio
    assert len(beats) >= 3 and all(isinstance(b, HeartbeatEvent) for b in beats)
    assert all(b.total_duration_ms >= 150 * (k + 1) for k, b in enumerate(beats))
    last = beats[-1]
    assert last.total_audio_received_ms == 1000
    assert abs(last.realtime_factor - last.total_audio_received_ms / last.total_duration_ms) < 0.01
    # speech heard in the interval that got the audio, none after it
    assert [b.max_speech_probability for b in beats].count(1.0) == 1 and last.max_speech_probability == 0.0
    assert last.received_ns is not None and ev[StreamingEvents.Error] == []
    assert "session_heartbeat=true" in _sessions(local)[-1]["query"]


def test_silence(local: Any, tmp_path: Path) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    ev = Events(client)
    client.connect(StreamingParameters(sample_rate=16000, speech_model=SpeechModel.u3_rt_pro, acknowledge_silence=True))
    client.stream(_pcm(tmp_path, "Hello there.", 800, 3.5))
    client.disconnect(terminate=True)
    silences = ev[StreamingEvents.Silence]
    assert len(silences) >= 2 and all(isinstance(s, SilenceEvent) for s in silences)
    assert all(s.end_ms - s.start_ms == 1000 for s in silences)
    assert all(a.end_ms == b.start_ms for a, b in zip(silences, silences[1:]))
    assert silences[0].start_ms == 790 and silences[-1].end_ms <= 3500  # "there." ends at 790


def test_speaker_revision_and_word_speakers(local: Any, tmp_path: Path) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    ev = Events(client)
    client.connect(StreamingParameters(sample_rate=16000, speaker_labels=True))
    client.stream(_pcm(tmp_path, "A: Hi. A: Good morning everyone, it is nice to see you all here.", 3000, 4.5))
    client.disconnect(terminate=True)
    ends = [t for t in ev[StreamingEvents.Turn] if t.end_of_turn]
    assert ends[0].speaker_label == "UNKNOWN" and [w.speaker for w in ends[0].words] == ["UNKNOWN"]
    assert ends[1].speaker_label == "A" and {w.speaker for w in ends[1].words} == {"A"}
    revs = ev[StreamingEvents.SpeakerRevision]
    assert len(revs) == 1 and isinstance(revs[0], SpeakerRevisionEvent)
    item = revs[0].revisions[0]
    assert isinstance(item, SpeakerRevisionItem)
    assert item.turn_order == 0 and item.speaker_label == "A"
    assert [(w.text, w.speaker) for w in item.words] == [("hi", "A")]


def test_llm_gateway_response(local: Any, tmp_path: Path) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    ev = Events(client)
    gateway = LLMGatewayConfig(model="claude-sonnet-4-5-20250929",
                               messages=[LLMGatewayMessage(role="user", content="Summarize")], max_tokens=2)
    client.connect(StreamingParameters(sample_rate=16000, llm_gateway=gateway))
    client.stream(_pcm(tmp_path, "Hello world. How are you?", 2000, 3.0))
    client.disconnect(terminate=True)
    got = ev[StreamingEvents.LLMGatewayResponse]
    assert [(g.turn_order, g.transcript) for g in got] == [(0, "hello world"), (1, "how are you")]
    assert all(isinstance(g, LLMGatewayResponseEvent) for g in got)
    assert got[0].data["model"] == "claude-sonnet-4-5-20250929"
    assert got[0].data["choices"][0]["message"]["content"] == "hello world"
    assert got[1].data["choices"][0]["finish_reason"] == "length"
    q = _sessions(local)[-1]["query"]
    assert "llm_gateway=%7B%22model%22" in q or "llm_gateway=" in q


def test_begin_configuration(local: Any) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    ev = Events(client)
    client.connect(StreamingParameters(sample_rate=16000, speech_model=SpeechModel.u3_rt_pro, mode=StreamingMode.balanced))
    client.disconnect(terminate=True)
    begin = ev[StreamingEvents.Begin][0]
    assert isinstance(begin, BeginEvent)
    assert begin.configuration is not None
    assert begin.configuration.model == "u3-rt-pro" and begin.configuration.mode == "balanced"


def test_every_1_8_2_parameter_accepted(local: Any) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    ev = Events(client)
    client.connect(StreamingParameters(
        sample_rate=16000, mode=StreamingMode.min_latency, domain=StreamingDomain.medical,
        voice_focus=NoiseSuppressionModel.near_field, voice_focus_threshold=0.5, include_partial_turns=True,
        continuous_partials=True, filter_profanity=True, language_codes=["en", "es"], agent_context="support",
        interruption_delay=200, turn_left_pad_ms=100, speaker_labels_revision_interval_ms=5000,
        webhook_url="https://example.com/hook", redact_pii=True,
        redact_pii_policies=[StreamingPiiPolicy.person_name, StreamingPiiPolicy.phone_number],
        redact_pii_sub=StreamingPiiSubstitution.entity_name, session_heartbeat=False, acknowledge_silence=False))
    client.disconnect(terminate=True)
    assert ev[StreamingEvents.Error] == [] and len(ev[StreamingEvents.Termination]) == 1
    q = _sessions(local)[-1]["query"]
    for part in ("mode=min_latency", "domain=medical-v1", "voice_focus=near-field", "include_partial_turns=true",
                 "redact_pii_sub=entity_name", "speaker_labels_revision_interval_ms=5000"):
        assert part in q


def test_bad_new_parameter_refused_before_connecting(local: Any) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    with pytest.raises(Exception) as info:
        client.connect(StreamingParameters(sample_rate=16000, mode="fastest"))
    assert "mode" in str(info.value)
    with pytest.raises(Exception) as info:
        client.connect(StreamingParameters(sample_rate=16000, speaker_labels_revision_interval_ms=-1))
    assert "speaker_labels_revision_interval_ms" in str(info.value)


def _ogg_page(granule: int, seq: int, body: bytes) -> bytes:
    segs = len(body) // 255 + 1
    table = bytes([255] * (segs - 1) + [len(body) % 255])
    return (b"OggS" + bytes([0, 2 if seq == 0 else 0]) + struct.pack("<qII", granule, 0, seq) + b"\0\0\0\0"
            + bytes([segs]) + table + body)


@pytest.mark.parametrize("encoding", ["opus", "ogg_opus", "aac"])
def test_compressed_encodings(local: Any, encoding: str) -> None:
    if encoding == "opus":
        chunks = [bytes([0x08]) + bytes(20) for _ in range(50)]  # 50 x 20 ms SILK packets
    elif encoding == "ogg_opus":
        head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HI", 312, 16000) + bytes(3)
        stream = (_ogg_page(0, 0, head) + _ogg_page(0, 1, b"OpusTags" + bytes(8))
                  + _ogg_page(48000 + 312, 2, bytes(300)))
        chunks = [stream[:5], stream[5:80], stream[80:]]  # cut anywhere
    else:
        frame = bytes([0xFF, 0xF1, (1 << 6) | (8 << 2), (1 << 6), 40 >> 3, ((40 & 7) << 5) | 0x1F, 0xFC]) + bytes(33)
        stream = frame * 16  # 16 x 1024 samples at 16 kHz
        chunks = [stream[:3], stream[3:300], stream[300:]]
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    ev = Events(client)
    client.connect(StreamingParameters(encoding=Encoding(encoding)))  # no sample_rate: self-describing
    client.stream(chunks)
    client.disconnect(terminate=True)
    assert ev[StreamingEvents.Error] == []
    assert ev[StreamingEvents.Termination][0].audio_duration_seconds == 1
    rec = _sessions(local)[-1]
    assert "sample_rate" not in rec["query"] and f"encoding={encoding}" in rec["query"]
    assert rec["audio_messages"] == len(chunks) and rec["audio_bytes"] == sum(map(len, chunks))


def test_bad_compressed_stream_is_an_error_event(local: Any) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    ev = Events(client)
    client.connect(StreamingParameters(encoding=Encoding.aac))
    client.stream(b"not adts at all")
    client.disconnect(terminate=True)
    errors = ev[StreamingEvents.Error]
    assert len(errors) == 1 and errors[0].code == 3006 and "ADTS" in str(errors[0])


def test_handshake_retries_then_accepted(local: Any, caplog: Any) -> None:
    _post(local, "/_local/faults", None, method="DELETE")
    _post(local, "/_local/faults", {"kind": "ws_refuse", "status": 503, "path": "/v3/ws", "count": 2})
    caplog.set_level(logging.DEBUG, logger="assemblyai_native.streaming")
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY, connection_retry_delay=0.05))
    ev = Events(client)
    client.connect(StreamingParameters(sample_rate=16000))
    client.disconnect(terminate=True)
    assert len(ev[StreamingEvents.Begin]) == 1 and ev[StreamingEvents.Error] == []
    lines = [r.getMessage() for r in caplog.records if "attempt" in r.getMessage()]
    assert len(lines) == 2 and lines[0].startswith("WebSocket connect attempt 1/3 failed") and "503" in lines[0]
    assert "attempt 2/3" in lines[1]


def test_handshake_retries_exhausted_go_to_error_handler(local: Any) -> None:
    _post(local, "/_local/faults", None, method="DELETE")
    _post(local, "/_local/faults", {"kind": "ws_refuse", "status": 429, "retry_after": 0, "path": "/v3/ws", "count": 2})
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY, max_connection_retries=1,
                                                    connection_retry_delay=0.01))
    ev = Events(client)
    client.connect(StreamingParameters(sample_rate=16000))
    _post(local, "/_local/faults", None, method="DELETE")
    errors = ev[StreamingEvents.Error]
    assert len(errors) == 1 and isinstance(errors[0], StreamingError) and "429" in str(errors[0])
    assert ev[StreamingEvents.Begin] == []


def test_retry_options_checked(local: Any) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY, max_connection_retries=-1))
    with pytest.raises(Exception) as info:
        client.connect(StreamingParameters(sample_rate=16000))
    assert "max_retries" in str(info.value)


def test_session_parameters_class_has_acknowledge_silence() -> None:
    p = StreamingSessionParameters(acknowledge_silence=True, session_heartbeat=True)
    assert p.model_dump(exclude_none=True) == {"acknowledge_silence": True, "session_heartbeat": True}
    assert StreamingClientOptions().max_connection_retries == 2
    assert StreamingClientOptions().connection_retry_delay == 0.5


def test_termination_and_turn_types_unchanged(local: Any, tmp_path: Path) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    ev = Events(client)
    client.connect(StreamingParameters(sample_rate=16000))
    client.stream(_pcm(tmp_path, "Hello world.", 800, 2.0))
    client.disconnect(terminate=True)
    assert all(isinstance(t, TurnEvent) for t in ev[StreamingEvents.Turn])
    assert isinstance(ev[StreamingEvents.Termination][0], TerminationEvent)
