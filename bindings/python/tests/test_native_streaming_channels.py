"""The streaming mixer (``ChannelStreamer``, the official SDK 1.8.2's README "Dual-channel: mic +
system audio in one session"): mixing, alignment, closed channels, flush, the energy VAD and the
word/turn attribution, on a recording client and then through a session with the local server."""

from __future__ import annotations

import array
import math
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any, Dict, List

import pytest

from native_testenv import API_KEY, REPO_ROOT

from assemblyai_native.streaming.v3 import (
    ChannelAttributionOptions,
    ChannelStreamer,
    DualChannelTurnEvent,
    EnergyVad,
    StreamingClient,
    StreamingClientOptions,
    StreamingEvents,
    StreamingParameters,
    TurnEvent,
    VadFrame,
    Word,
)


def pcm(samples: List[int]) -> bytes:
    return array.array("h", samples).tobytes()


def tone(n: int, amplitude: int = 4000, rate: int = 16000) -> List[int]:
    """An even-valued 440 Hz tone: added to the test audio it leaves the sample LSBs (the
    local server's embedded text) unchanged."""
    return [2 * round(amplitude * math.sin(2 * math.pi * 440 * i / rate)) for i in range(n)]


class FakeClient:
    def __init__(self) -> None:
        self.sent: List[bytes] = []
        self.handlers: Dict[StreamingEvents, List[Any]] = {}

    def on(self, event: StreamingEvents, handler: Any) -> None:
        self.handlers.setdefault(event, []).append(handler)

    def stream(self, data: bytes) -> None:
        self.sent.append(data)

    def turn(self, event: TurnEvent) -> None:
        for h in self.handlers.get(StreamingEvents.Turn, []):
            h(self, event)


def test_mixes_as_far_as_the_shortest_channel() -> None:
    c = FakeClient()
    m = ChannelStreamer(c, ["mic", "system"], sample_rate=16000)
    m.stream("mic", pcm([100, 200, 300, 32000]))
    assert c.sent == []                       # system has nothing yet
    m.stream("system", pcm([1, 2]))
    assert c.sent == [pcm([101, 202])]
    m.stream("system", pcm([3, 32000, 5]))    # 32000 + 32000 clips
    assert c.sent[-1] == pcm([303, 32767])
    m.close_channel("mic")                    # mic ended: silence from now on
    assert c.sent[-1] == pcm([5])
    m.stream("system", pcm([7]))
    assert c.sent[-1] == pcm([7])
    with pytest.raises(ValueError, match="closed"):
        m.stream("mic", pcm([1]))
    with pytest.raises(ValueError, match="unknown channel"):
        m.stream("camera", pcm([1]))


def test_flush_pads_and_odd_bytes_wait() -> None:
    c = FakeClient()
    m = ChannelStreamer(c, ["a", "b"])
    m.stream("a", pcm([10, 20, 30]) + b"\x01")   # an odd byte waits for its other half
    m.stream("b", pcm([1]))
    assert c.sent == [pcm([11])]
    m.stream("a", b"\x00")
    m.flush()
    assert c.sent[-1] == pcm([20, 30, 1])


def test_channel_names_and_options_checked() -> None:
    for bad in ([], ["a", "a"], [""], ["unknown"]):
        with pytest.raises(ValueError):
            ChannelStreamer(FakeClient(), bad)
    with pytest.raises(ValueError, match="resolve_unknown_channels_method"):
        ChannelAttributionOptions(resolve_unknown_channels_method="nearest")
    with pytest.raises(ValueError):
        EnergyVad(threshold_ratio=0)


def test_words_attributed_by_dominant_channel() -> None:
    frames: List[VadFrame] = []
    c = FakeClient()
    m = ChannelStreamer(c, ["mic", "system"], options=ChannelAttributionOptions(on_vad=frames.append))
    got: List[DualChannelTurnEvent] = []
    m.on(StreamingEvents.Turn, lambda client, e: got.append(e))
    quiet = [0] * 16000
    m.stream("mic", pcm(tone(16000) + quiet))       # mic talks in the first second
    m.stream("system", pcm(quiet + tone(16000)))    # system in the second
    words = [Word(start=100, end=400, confidence=1, text="a", word_is_final=True),
             Word(start=1200, end=1500, confidence=1, text="b", word_is_final=True),
             Word(start=2500, end=2600, confidence=1, text="c", word_is_final=True)]  # after both: unknown
    c.turn(TurnEvent(turn_order=0, turn_is_formatted=True, end_of_turn=True, transcript="a b c",
                     end_of_turn_confidence=1.0, words=words))
    e = got[0]
    assert isinstance(e, DualChannelTurnEvent) and e.transcript == "a b c" and e.turn_order == 0
    assert [w.channel for w in e.words] == ["mic", "system", "system"]
    assert [w.channel_resolved for w in e.words] == [False, False, True]   # "c" resolved from its window
    assert e.channel in ("mic", "system")
    assert len(frames) == 2 * 2000 // 20 and frames[0].is_speech and frames[0].channel == "mic"
    # no resolution: the word stays unknown
    c2 = FakeClient()
    m2 = ChannelStreamer(c2, ["mic", "system"], options=ChannelAttributionOptions(resolve_unknown_channels_method="none"))
    got2: List[DualChannelTurnEvent] = []
    m2.on(StreamingEvents.Turn, lambda client, e: got2.append(e))
    m2.stream("mic", pcm(tone(16000) + quiet))
    m2.stream("system", pcm(quiet + tone(16000)))
    c2.turn(TurnEvent(turn_order=0, turn_is_formatted=True, end_of_turn=True, transcript="a b c",
                      end_of_turn_confidence=1.0, words=words))
    assert [w.channel for w in got2[0].words] == ["mic", "system", "unknown"]


def test_other_events_go_to_the_client() -> None:
    c = FakeClient()
    m = ChannelStreamer(c, ["a"])
    handler = lambda client, e: None  # noqa: E731
    m.on(StreamingEvents.Begin, handler)
    assert c.handlers[StreamingEvents.Begin] == [handler]


def test_two_sources_through_one_session(local: Any, tmp_path: Path) -> None:
    """mic says the first sentence, system the second (a tone on each while it talks), mixed into
    one session: the turns come back attributed to their sources, the transcript intact."""
    out = tmp_path / "text.wav"
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "make-stream-wav"), str(out), "--text",
                    "Hello world. How are you?", "--span-ms", "2000", "--seconds", "3"], check=True, capture_output=True)
    with wave.open(str(out), "rb") as w:
        text = array.array("h", w.readframes(w.getnframes()))
    n = len(text)
    mic = [text[i] + (t if i < 16000 else 0) for i, t in enumerate(tone(n))]
    system = [t if 16000 <= i < 32000 else 0 for i, t in enumerate(tone(n))]
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    mixer = ChannelStreamer(client, channels=["mic", "system"], sample_rate=16000)
    turns: List[DualChannelTurnEvent] = []
    mixer.on(StreamingEvents.Turn, lambda c, e: turns.append(e) if e.end_of_turn else None)
    errors: List[Any] = []
    mixer.on(StreamingEvents.Error, lambda c, e: errors.append(e))
    client.connect(StreamingParameters(sample_rate=16000, format_turns=True))
    for i in range(0, n, 1600):
        mixer.stream("mic", pcm(mic[i:i + 1600]))
        mixer.stream("system", pcm(system[i:i + 1600]))
    mixer.flush()
    client.disconnect(terminate=True)
    assert errors == []
    formatted = [t for t in turns if t.turn_is_formatted]
    assert [t.transcript for t in formatted] == ["Hello world.", "How are you?"]
    assert [t.channel for t in formatted] == ["mic", "system"]
    assert {w.channel for w in formatted[0].words} == {"mic"} and {w.channel for w in formatted[1].words} == {"system"}
