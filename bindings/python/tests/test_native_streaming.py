"""Streaming: realtime v2 (``aai.RealtimeTranscriber``, 0.37) and Universal Streaming v3
(``assemblyai_native.streaming.v3``, 1.x) against the local server.

The audio comes from scripts/make-stream-wav: the server decodes the text from the samples and
ends utterances/turns at the points docs/local-server-streaming.md defines, so the texts are
exact. "Hello world. How are you?" is 5 words x 400 ms + 1.5 s: v2 finals "Hello world." and
"How are you?"; v3 turns 0 and 1 with the same formatted texts."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import urllib.request
import json
import wave
from pathlib import Path
from typing import Any, Dict, List

import pytest

from native_testenv import API_KEY, REPO_ROOT

import assemblyai_native as aai
from assemblyai_native.streaming.v3 import (
    BeginEvent,
    StreamingClient,
    StreamingClientOptions,
    StreamingError,
    StreamingEvents,
    StreamingParameters,
    StreamingSessionParameters,
    TerminationEvent,
    TurnEvent,
)

MAKE_STREAM_WAV = REPO_ROOT / "scripts" / "make-stream-wav"
TEXT = "Hello world. How are you?"
FINALS = ["Hello world.", "How are you?"]


@pytest.fixture
def stream_wav(tmp_path: Path) -> Any:
    def make(text: str = TEXT, *extra: str, name: str = "stream.wav") -> Path:
        out = tmp_path / name
        subprocess.run([sys.executable, str(MAKE_STREAM_WAV), str(out), "--text", text, *extra],
                       check=True, capture_output=True, text=True)
        return out
    return make


def sessions(srv: Any) -> List[Dict[str, Any]]:
    with urllib.request.urlopen(srv.base_url + "/_local/streaming/sessions", timeout=10) as r:
        return json.loads(r.read())


def clear_sessions(srv: Any) -> None:
    urllib.request.urlopen(urllib.request.Request(srv.base_url + "/_local/streaming/sessions", method="DELETE"),
                           timeout=10)


def pcm_chunks(path: Path, ms: int = 100) -> List[bytes]:
    with wave.open(str(path), "rb") as w:
        frames = w.getframerate() * ms // 1000
        out = []
        while True:
            data = w.readframes(frames)
            if not data:
                return out
            out.append(data)


class V2Recorder:
    def __init__(self) -> None:
        self.events: List[Any] = []
        self.errors: List[aai.RealtimeError] = []
        self.closed = 0
        self.threads: set = set()

    def on_data(self, t: aai.RealtimeTranscript) -> None:
        self.threads.add(threading.get_ident())
        self.events.append(t)

    def on_error(self, e: aai.RealtimeError) -> None:
        self.errors.append(e)

    def on_open(self, o: aai.RealtimeSessionOpened) -> None:
        self.events.append(o)

    def on_close(self) -> None:
        self.closed += 1

    def finals(self) -> List[str]:
        return [e.text for e in self.events if isinstance(e, aai.RealtimeFinalTranscript)]

    def partials(self) -> List[str]:
        return [e.text for e in self.events if isinstance(e, aai.RealtimePartialTranscript)]

    def transcriber(self, **kw: Any) -> aai.RealtimeTranscriber:
        return aai.RealtimeTranscriber(on_data=self.on_data, on_error=self.on_error, on_open=self.on_open,
                                       on_close=self.on_close, **kw)


# ---------------------------------------------------------------------------------------
# Realtime v2, the official 0.37 README
# ---------------------------------------------------------------------------------------


def test_readme_realtime_local_file(local: Any, stream_wav: Any, capsys: Any) -> None:
    """'Transcribe a local audio file in real-time', unchanged but for the import line and the
    file's path (44.1 kHz, paced at real time by stream_file as upstream)."""
    path = stream_wav(TEXT, "--rate", "44100")
    os.chdir(path.parent)

    def on_data(transcript: aai.RealtimeTranscript):
        "This function is called when a new transcript has been received."
        if not transcript.text:
            return
        if isinstance(transcript, aai.RealtimeFinalTranscript):
            print(transcript.text, end="\r\n")
        else:
            print(transcript.text, end="\r")

    def on_error(error: aai.RealtimeError):
        "This function is called when the connection has been closed."
        print("An error occured:", error)

    # Create the Real-Time transcriber
    transcriber = aai.RealtimeTranscriber(
        on_data=on_data,
        on_error=on_error,
        sample_rate=44_100,
    )

    # Start the connection
    transcriber.connect()

    # Only WAV/PCM16 single channel supported for now
    file_stream = aai.extras.stream_file(
        filepath="stream.wav",
        sample_rate=44_100,
    )

    start = time.monotonic()
    transcriber.stream(file_stream)
    elapsed = time.monotonic() - start
    transcriber.close()

    out = capsys.readouterr().out
    assert "An error" not in out
    assert [line.split("\r")[-1] for line in out.split("\r\n") if line] == FINALS
    assert "hello world\r" in out and "how are you\r" in out
    assert elapsed >= 2.5  # 3.5 s of audio, paced
    rec = sessions(local)[-1]
    assert rec["protocol"] == "v2" and "sample_rate=44100" in rec["query"]
    assert rec["close_code"] == 1000 and rec["decoded_text"] == TEXT


def test_readme_realtime_callbacks(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=16_000)
    t.connect()
    t.stream(pcm_chunks(path))  # an iterable of bytes
    t.close()
    assert isinstance(rec.events[0], aai.RealtimeSessionOpened) and rec.events[0].session_id
    assert rec.events[0].session_id == t.session_id
    assert rec.finals() == FINALS
    assert set(rec.partials()) >= {"hello", "hello world", "how", "how are", "how are you"}
    final = [e for e in rec.events if isinstance(e, aai.RealtimeFinalTranscript)][0]
    assert final.punctuated and final.text_formatted and final.audio_start == 0
    assert [w.text for w in final.words] == ["Hello", "world."]
    assert final.words[0].start == 0 and final.words[0].end == 390 and 0.8 <= final.words[0].confidence < 1
    assert final.created is not None
    assert rec.errors == [] and rec.closed == 1
    assert threading.get_ident() not in rec.threads  # the library's callback thread


def test_force_end_utterance(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=16_000)
    t.connect()
    t.stream(b"".join(pcm_chunks(path))[: 16000 * 2 * 600 // 1000])  # 600 ms: "hello" heard
    t.force_end_utterance()
    t.close()
    assert rec.finals()[0] == "Hello"
    clear_sessions(local)


def test_end_utterance_silence_threshold(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    clear_sessions(local)
    rec = V2Recorder()
    # 20 s: no utterance ends by silence, everything comes at close as one final
    t = rec.transcriber(sample_rate=16_000, end_utterance_silence_threshold=20000)
    t.connect()
    t.stream(pcm_chunks(path))
    t.close()
    assert rec.finals() == [TEXT]
    # changed during the session: back to ends by sentence
    rec2 = V2Recorder()
    t2 = rec2.transcriber(sample_rate=16_000, end_utterance_silence_threshold=20000)
    t2.connect()
    t2.configure_end_utterance_silence_threshold(300)
    t2.stream(pcm_chunks(path))
    t2.close()
    assert rec2.finals() == FINALS
    msgs = [s["text_messages"] for s in sessions(local)]
    assert any('"end_utterance_silence_threshold"' in m and "20000" in m for m in msgs[0])
    assert sum("end_utterance_silence_threshold" in m for m in msgs[1]) == 2
    with pytest.raises(aai.InvalidArgumentError):
        aai.RealtimeTranscriber(on_data=print, on_error=print, sample_rate=16000,
                                end_utterance_silence_threshold=20001)


def test_disable_partial_transcripts(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=16_000, disable_partial_transcripts=True)
    t.connect()
    t.stream(pcm_chunks(path))
    t.close()
    assert rec.partials() == [] and rec.finals() == FINALS
    assert "disable_partial_transcripts=true" in sessions(local)[-1]["query"]


def test_extra_session_information(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    infos: List[aai.RealtimeSessionInformation] = []
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=16_000, on_extra_session_information=infos.append)
    t.connect()
    t.stream(pcm_chunks(path))
    t.close()
    assert [i.audio_duration_seconds for i in infos] == [3.5]
    assert "enable_extra_session_information=true" in sessions(local)[-1]["query"]


def test_word_boost_and_encoding_sent(local: Any, stream_wav: Any) -> None:
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=8000, word_boost=["aws", "azure"], encoding=aai.AudioEncoding.pcm_mulaw)
    t.connect()
    t.close()
    q = sessions(local)[-1]["query"]
    assert "encoding=pcm_mulaw" in q and "word_boost=" in q and "sample_rate=8000" in q


def test_temporary_token_v2(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    token = aai.RealtimeTranscriber.create_temporary_token(expires_in=480)
    assert isinstance(token, str) and token
    aai.settings.api_key = None  # a token needs no API key
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=16_000, token=token)
    t.connect()
    t.stream(pcm_chunks(path))
    t.close()
    assert rec.finals() == FINALS and rec.errors == []
    assert "token=" in sessions(local)[-1]["query"]


def test_bad_key_v2(local: Any) -> None:
    aai.settings.api_key = "wrong-key"
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=16_000)
    t.connect()  # as upstream: reported to on_error, not raised
    assert len(rec.errors) == 1 and rec.errors[0].status_code == 4001
    assert str(rec.errors[0]) == "Not Authorized"
    assert rec.closed == 1
    t.stream(b"\0" * 3200)  # dropped, as upstream
    t.close()
    assert rec.closed == 1


def test_handler_that_raises_v2(local: Any, stream_wav: Any, caplog: Any) -> None:
    path = stream_wav()
    rec = V2Recorder()
    calls: List[str] = []

    def on_data(t: aai.RealtimeTranscript) -> None:
        calls.append(t.text)
        if isinstance(t, aai.RealtimeFinalTranscript) and t.text == "Hello world.":
            raise RuntimeError("boom")

    t = aai.RealtimeTranscriber(on_data=on_data, on_error=rec.on_error, sample_rate=16_000)
    with caplog.at_level(logging.ERROR, logger="assemblyai_native.streaming"):
        t.connect()
        t.stream(pcm_chunks(path))
        t.close()
    assert "How are you?" in calls  # the session went on
    assert len(rec.errors) == 1 and isinstance(rec.errors[0].__cause__, RuntimeError)
    assert "boom" in str(rec.errors[0])
    assert any("on_data" in r.getMessage() and r.exc_info for r in caplog.records)


def test_close_from_handler_v2(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    rec = V2Recorder()
    holder: Dict[str, aai.RealtimeTranscriber] = {}

    def on_data(tr: aai.RealtimeTranscript) -> None:
        rec.on_data(tr)
        if isinstance(tr, aai.RealtimeFinalTranscript):
            holder["t"].close()  # must not deadlock

    t = aai.RealtimeTranscriber(on_data=on_data, on_error=rec.on_error, on_close=rec.on_close, sample_rate=16_000)
    holder["t"] = t
    t.connect()
    t.stream(pcm_chunks(path))  # audio after the close is dropped
    deadline = time.monotonic() + 10
    while rec.closed == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    t.close()
    assert rec.finals()[0] == "Hello world." and rec.closed == 1 and rec.errors == []


def test_stream_file_errors(local: Any, tmp_path: Path) -> None:
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0" * 6400)
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=16_000)
    t.connect()
    with pytest.raises(aai.InvalidArgumentError):
        t.stream(aai.extras.stream_file(str(stereo), 16000))
    with pytest.raises(FileNotFoundError):
        t.stream(aai.extras.stream_file(str(tmp_path / "missing.wav"), 16000))
    with pytest.raises(aai.InvalidArgumentError):
        list(aai.extras.stream_file(str(stereo), 16000))
    t.close()


# ---------------------------------------------------------------------------------------
# Universal Streaming v3, the official 1.x example
# ---------------------------------------------------------------------------------------


def test_v3_example(local: Any, stream_wav: Any, capsys: Any) -> None:
    """The 1.x README's 'stream a file' example with StreamingClient, unchanged but for the
    import lines, the key and the file's path (the default api_host follows a
    settings.base_url that is not AssemblyAI's: here the local server)."""
    path = stream_wav()
    os.chdir(path.parent)
    os.rename(path, path.parent / "audio.wav")

    def on_begin(client, event: BeginEvent):
        print(f"Session started: {event.id}")

    def on_turn(client, event: TurnEvent):
        print(f"{event.transcript} (end_of_turn={event.end_of_turn})")

    def on_terminated(client, event: TerminationEvent):
        print(f"Done: {event.audio_duration_seconds}s of audio processed")

    def on_error(client, error: StreamingError):
        print(f"Error: {error} (code={error.code})")

    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    client.on(StreamingEvents.Begin, on_begin)
    client.on(StreamingEvents.Turn, on_turn)
    client.on(StreamingEvents.Termination, on_terminated)
    client.on(StreamingEvents.Error, on_error)

    client.connect(StreamingParameters(
        sample_rate=16000, format_turns=True,
    ))
    try:
        client.stream(aai.extras.stream_file(filepath="audio.wav", sample_rate=16000))
    finally:
        client.disconnect(terminate=True)

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Session started: ") and len(lines[0]) > len("Session started: ")
    assert "Hello world. (end_of_turn=True)" in lines
    assert "How are you? (end_of_turn=True)" in lines
    assert "hello world (end_of_turn=True)" in lines
    assert lines[-1] == "Done: 3s of audio processed"
    assert not any(line.startswith("Error") for line in lines)
    rec = sessions(local)[-1]
    assert rec["protocol"] == "v3" and "format_turns=true" in rec["query"] and rec["close_code"] == 1000


class V3Recorder:
    def __init__(self, client: StreamingClient) -> None:
        self.turns: List[TurnEvent] = []
        self.begins: List[BeginEvent] = []
        self.terms: List[TerminationEvent] = []
        self.errors: List[StreamingError] = []
        client.on(StreamingEvents.Begin, lambda c, e: self.begins.append(e))
        client.on(StreamingEvents.Turn, lambda c, e: self.turns.append(e))
        client.on(StreamingEvents.Termination, lambda c, e: self.terms.append(e))
        client.on(StreamingEvents.Error, lambda c, e: self.errors.append(e))

    def ends(self, formatted: bool = True) -> List[str]:
        return [t.transcript for t in self.turns if t.end_of_turn and t.turn_is_formatted == formatted]


def test_v3_turn_fields_and_params(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    rec = V3Recorder(client)
    client.connect(StreamingParameters(sample_rate=16000, format_turns=True, keyterms_prompt=["hello"],
                                       min_turn_silence=400, max_turn_silence=1280, language_detection=True,
                                       end_of_turn_confidence_threshold=0.5))
    client.stream(pcm_chunks(path))
    client.disconnect(terminate=True)
    assert rec.ends() == FINALS and rec.ends(False) == ["hello world", "how are you"]
    last = [t for t in rec.turns if t.end_of_turn and t.turn_is_formatted][0]
    assert last.turn_order == 0 and last.end_of_turn_confidence == 1.0 and last.language_code == "en"
    assert [w.text for w in last.words] == ["Hello", "world."] and all(w.word_is_final for w in last.words)
    assert rec.terms[0].audio_duration_seconds == 3 and rec.errors == []
    q = sessions(local)[-1]["query"]
    for part in ("sample_rate=16000", "format_turns=true", "keyterms_prompt=", "min_turn_silence=400",
                 "language_detection=true"):
        assert part in q


def _check_received(stamps: List[tuple], t0: int) -> None:
    """(event, time.monotonic_ns() at the handler's start) pairs: each event was read after the
    session started and before its handler ran, in the order delivered."""
    assert stamps
    previous = t0
    for event, handled in stamps:
        assert isinstance(event.received_ns, int), event
        assert previous <= event.received_ns <= handled, (type(event).__name__, previous, event.received_ns, handled)
        previous = event.received_ns
        assert "received_ns" not in event.dict() and "received_ns" not in repr(event)  # not a field


def test_received_ns_on_streaming_events(local: Any, stream_wav: Any) -> None:
    """An extension: when libassemblyai read each message, on time.monotonic_ns()'s clock."""
    chunks = pcm_chunks(stream_wav())
    stamps: List[tuple] = []
    stamp = lambda e: stamps.append((e, time.monotonic_ns()))  # noqa: E731
    t0 = time.monotonic_ns()
    t = aai.RealtimeTranscriber(sample_rate=16_000, on_data=stamp, on_error=lambda e: None, on_open=stamp,
                                on_extra_session_information=stamp)
    t.connect()
    t.stream(chunks)
    t.close()
    _check_received(stamps, t0)
    kinds = {type(e).__name__ for e, _ in stamps}
    assert {"RealtimeSessionOpened", "RealtimePartialTranscript", "RealtimeFinalTranscript",
            "RealtimeSessionInformation"} <= kinds
    assert aai.RealtimeFinalTranscript(audio_start=0, audio_end=1, confidence=1.0, text="x", words=[]).received_ns is None

    stamps.clear()
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    for kind in (StreamingEvents.Begin, StreamingEvents.Turn, StreamingEvents.Termination):
        client.on(kind, lambda c, e: stamp(e))
    t0 = time.monotonic_ns()
    client.connect(StreamingParameters(sample_rate=16000))
    client.stream(chunks)
    client.disconnect(terminate=True)
    _check_received(stamps, t0)
    assert {type(e).__name__ for e, _ in stamps} == {"BeginEvent", "TurnEvent", "TerminationEvent"}
    assert TurnEvent(turn_order=0, turn_is_formatted=False, end_of_turn=False, transcript="", end_of_turn_confidence=0.0,
                     words=[]).received_ns is None


def test_v3_force_endpoint_and_set_params(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    chunks = pcm_chunks(path)
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    rec = V3Recorder(client)
    client.connect(StreamingParameters(sample_rate=16000, format_turns=True))
    client.set_params(StreamingSessionParameters(min_turn_silence=5000, max_turn_silence=5000))
    client.stream(chunks[:6])  # 600 ms: "hello" heard
    client.force_endpoint()
    client.stream(chunks[6:])
    client.disconnect(terminate=True)
    assert rec.ends()[0] == "Hello"
    assert rec.ends()[1:] == ["world. How are you?"]  # no silence end with the longer silences
    msgs = sessions(local)[-1]["text_messages"]
    assert any('"UpdateConfiguration"' in m and '"min_turn_silence": 5000' in m.replace(":5000", ": 5000")
               for m in msgs)
    assert any("ForceEndpoint" in m for m in msgs) and any("Terminate" in m for m in msgs)


def test_v3_temporary_token(local: Any, stream_wav: Any) -> None:
    path = stream_wav()
    token = StreamingClient(StreamingClientOptions(api_key=API_KEY)).create_temporary_token(
        expires_in_seconds=60, max_session_duration_seconds=600)
    aai.settings.api_key = None
    client = StreamingClient(StreamingClientOptions(token=token))
    rec = V3Recorder(client)
    client.connect(StreamingParameters(sample_rate=16000))
    client.stream(pcm_chunks(path))
    client.disconnect(terminate=True)
    assert rec.ends(False) == ["hello world", "how are you"] and rec.errors == []
    # single use
    again = StreamingClient(StreamingClientOptions(token=token))
    rec2 = V3Recorder(again)
    again.connect(StreamingParameters(sample_rate=16000))
    assert [e.code for e in rec2.errors] == [1008]


def test_v3_bad_key(local: Any) -> None:
    client = StreamingClient(StreamingClientOptions(api_key="wrong-key"))
    rec = V3Recorder(client)
    client.connect(StreamingParameters(sample_rate=16000))  # reported to Error, not raised
    assert len(rec.errors) == 1 and rec.errors[0].code == 1008 and rec.begins == []
    assert "Invalid API key" in str(rec.errors[0])
    client.stream(b"\0" * 3200)  # a no-op, as upstream
    client.disconnect(terminate=True)


def test_v3_bad_parameter(local: Any) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    rec = V3Recorder(client)
    with pytest.raises(aai.InvalidArgumentError):
        client.connect(StreamingParameters(sample_rate=16000, max_speakers=50))
    with pytest.raises(ValueError):
        StreamingParameters(format_turns=True)  # sample_rate is required, as upstream
    assert rec.errors == []


def test_v3_handler_that_raises(local: Any, stream_wav: Any, caplog: Any) -> None:
    path = stream_wav()
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    rec = V3Recorder(client)

    def bad(c: StreamingClient, e: TurnEvent) -> None:
        if e.end_of_turn and e.turn_order == 0:
            raise ValueError("handler bug")

    client.on(StreamingEvents.Turn, bad)
    with caplog.at_level(logging.ERROR, logger="assemblyai_native.streaming"):
        client.connect(StreamingParameters(sample_rate=16000, format_turns=True))
        client.stream(pcm_chunks(path))
        client.disconnect(terminate=True)
    assert rec.ends() == FINALS and len(rec.terms) == 1  # the session went on
    assert len(rec.errors) == 2 and all(isinstance(e.__cause__, ValueError) for e in rec.errors)
    assert any("on_turn" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("terminate", [True, False])
def test_v3_disconnect_from_handler(local: Any, stream_wav: Any, terminate: bool) -> None:
    path = stream_wav()
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    rec = V3Recorder(client)
    done = threading.Event()

    def on_turn(c: StreamingClient, e: TurnEvent) -> None:
        if e.end_of_turn and e.turn_is_formatted and not done.is_set():
            done.set()
            c.disconnect(terminate=terminate)  # must not deadlock

    client.on(StreamingEvents.Turn, on_turn)
    client.connect(StreamingParameters(sample_rate=16000, format_turns=True))
    client.stream(pcm_chunks(path))
    client.disconnect(terminate=True)
    assert done.is_set() and rec.ends()[0] == "Hello world." and rec.errors == []
    if terminate:  # the audio queued before the Terminate is still transcribed
        assert len(rec.terms) == 1
    else:  # closed at once: no event after the handler returns
        assert rec.ends() == ["Hello world."] and rec.terms == []


# ---------------------------------------------------------------------------------------
# The microphone, through ALSA's file plugin (no sound hardware)
# ---------------------------------------------------------------------------------------


def test_microphone_stream_alsa_file(local: Any, tmp_path: Path, monkeypatch: Any) -> None:
    raw = tmp_path / "mic.raw"
    subprocess.run([sys.executable, str(MAKE_STREAM_WAV), str(raw), "--raw", "--text", "Hello."],
                   check=True, capture_output=True)
    conf = tmp_path / "asound.conf"
    conf.write_text('pcm.nullcap { type null }\n'
                    f'pcm.filein {{ type file; slave.pcm "nullcap"; file "/dev/null"; infile "{raw}"; '
                    'format "raw" }\n')
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(conf))
    rec = V2Recorder()
    t = rec.transcriber(sample_rate=16_000)
    t.connect()
    mic = aai.extras.MicrophoneStream(sample_rate=16_000, device="filein", max_duration=1.9)
    t.stream(mic)
    t.close()
    assert rec.errors == [], rec.errors
    assert rec.finals() and rec.finals()[0] == "Hello."


# ---------------------------------------------------------------------------------------
# Audio in any chunk size: the library frames it for the API (issue 18)
# ---------------------------------------------------------------------------------------


def _pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as w:
        return w.readframes(w.getnframes())


def _check_record(srv: Any, total: int, lo: int, hi: int, terminate: str) -> None:
    rec = sessions(srv)[-1]
    sizes = rec["audio_chunk_bytes"]
    assert sizes and all(lo <= n <= hi and n % 2 == 0 for n in sizes), sizes
    assert total <= sum(sizes) < total + lo + 2  # every byte, plus silence up to the minimum
    assert terminate in rec["text_messages"][-1]


@pytest.mark.parametrize("piece,extra", [(3200, 112), (1, 0), (7, 3), (10 ** 7, 1)])
def test_v3_stream_in_any_chunk_size(local: Any, stream_wav: Any, piece: int, extra: int) -> None:
    """The loop people write over a WAV read whole (3200-byte pieces, a 112-byte last one),
    single bytes, odd sizes and an odd byte count, everything in one call: the whole file is
    transcribed and the session ends with Terminate."""
    data = _pcm(stream_wav()) + bytes(extra)
    clear_sessions(local)
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    rec = V3Recorder(client)
    client.connect(StreamingParameters(sample_rate=16000, format_turns=True))
    for i in range(0, len(data), piece):
        client.stream(data[i:i + piece])
    client.disconnect(terminate=True)
    assert rec.errors == [] and len(rec.terms) == 1
    assert rec.ends() == FINALS
    _check_record(local, len(data), 1600, 32000, "Terminate")


def test_v2_stream_in_any_chunk_size(local: Any, stream_wav: Any) -> None:
    data = _pcm(stream_wav()) + bytes(112)
    clear_sessions(local)
    r = V2Recorder()
    t = r.transcriber(sample_rate=16000)
    t.connect()
    for i in range(0, len(data), 3200):
        t.stream(data[i:i + 3200])
    t.close()
    assert r.errors == [] and r.finals() == FINALS
    _check_record(local, len(data), 3200, 64000, "terminate_session")


def _os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


_INLINE_CHILD = r"""
import json, sys, wave
import assemblyai_native as aai
from assemblyai_native import streaming
from assemblyai_native.streaming.v3 import (StreamingClient, StreamingClientOptions, StreamingEvents,
                                            StreamingParameters)

def thread_name():
    import threading
    with open(f"/proc/self/task/{threading.get_native_id()}/comm") as f:
        return f.read().strip()

url, key, wav = sys.argv[1:4]
aai.settings.base_url, aai.settings.api_key = url, key
streaming.set_callback_threads(0)  # the callbacks on the library's I/O thread
seen = []
client = StreamingClient(StreamingClientOptions(api_key=key))
client.on(StreamingEvents.Begin, lambda c, e: seen.append(("Begin", "", thread_name())))
client.on(StreamingEvents.Turn, lambda c, e: seen.append(("Turn", e.transcript if e.end_of_turn and e.turn_is_formatted else "", thread_name())))
client.on(StreamingEvents.Termination, lambda c, e: seen.append(("Termination", "", thread_name())))
client.connect(StreamingParameters(sample_rate=16000, format_turns=True))
with wave.open(wav, "rb") as w:
    pcm = w.readframes(w.getnframes())
for i in range(0, len(pcm), 3200):
    client.stream(pcm[i:i + 3200])
client.disconnect(terminate=True)
print(json.dumps({"seen": seen, "threads": streaming.process_threads()}))
"""


def test_callbacks_on_the_io_thread(local: Any, stream_wav: Any) -> None:
    """set_callback_threads(0) (a process of its own: the setting holds from the first session
    on): every handler runs on the library's I/O thread, the events in order, no pool thread."""
    out = subprocess.run([sys.executable, "-c", _INLINE_CHILD, local.base_url, API_KEY, str(stream_wav())],
                         capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p)))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    kinds = [k for k, _, _ in result["seen"]]
    assert kinds[0] == "Begin" and kinds[-1] == "Termination" and "Turn" in kinds
    assert [t for k, t, _ in result["seen"] if k == "Turn" and t] == FINALS
    assert {name for _, _, name in result["seen"]} == {"aai-stream-io"}
    assert result["threads"]["io"] == 1 and result["threads"]["callbacks"] == 0


def test_sessions_share_the_library_threads(local: Any, stream_wav: Any) -> None:
    """40 open v3 sessions add no thread: one I/O thread and the callback pool serve them all."""
    from assemblyai_native import streaming

    data = _pcm(stream_wav())
    first = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    first.connect(StreamingParameters(sample_rate=16000))  # the loop and the pool run from here on
    with pytest.raises(aai.AssemblyAIError):
        streaming.set_callback_threads(2)  # too late: the pool started
    with pytest.raises(TypeError):
        streaming.set_callback_threads("2")  # type: ignore[arg-type]
    with pytest.raises(aai.AssemblyAIError):
        streaming.set_low_latency(False)  # too late as well
    with pytest.raises(TypeError):
        streaming.set_low_latency(1)  # type: ignore[arg-type]
    before = _os_threads()
    clients, recs = [], []
    for _ in range(40):
        c = StreamingClient(StreamingClientOptions(api_key=API_KEY))
        recs.append(V3Recorder(c))
        c.connect(StreamingParameters(sample_rate=16000, format_turns=True))
        clients.append(c)
    t = streaming.process_threads()
    assert t["io"] == 1 and 1 <= t["callbacks"] <= 8 and t["sessions"] >= 40
    assert _os_threads() == before
    for i in range(0, len(data), 3200):
        for c in clients:
            c.stream(data[i:i + 3200])
    for c in clients:
        c.disconnect(terminate=True)
    first.disconnect(terminate=True)
    assert all(r.ends() == FINALS and r.errors == [] for r in recs)
    assert _os_threads() == before
