"""Several audio sources in one Universal Streaming v3 session: the official SDK 1.8.2's
``ChannelStreamer`` (its README, "Dual-channel: mic + system audio in one session").

Each named channel gets its own 16-bit PCM (``stream(channel, data)``); the streamer mixes the
channels into one mono stream sent through the client's one session, runs an energy VAD on each
channel (20 ms frames), and turns each ``Turn`` into a :class:`DualChannelTurnEvent` whose words
carry the channel they came from. Attribution is client-side and independent of the model and of
``speaker_labels`` (``word.channel`` is the physical source, ``word.speaker`` the voice).

Rules (what this implementation does exactly):

- Mixing: the channels' pending samples are summed (clipped to 16 bits) as far as the SHORTEST
  open channel reaches, so sources must deliver continuous PCM (silence as zeros). A channel
  ended with :meth:`ChannelStreamer.close_channel` counts as silence from then on; ``flush()``
  pads every channel with silence to the longest and sends the rest.
- VAD: :class:`EnergyVad` per channel (``create_vad`` replaces it): a frame is speech when its
  RMS exceeds ``threshold_ratio`` times an adaptive noise floor (updated from non-speech frames
  with ``noise_floor_alpha``), and stays speech for ``hangover_frames`` frames after.
- A word's channel: for each channel the RMS summed over its speech frames that overlap the
  word's ``[start, end]`` (the mixed stream's clock, which is the session's); the top channel wins
  when it has at least ``dominance_ratio`` times the runner-up's score, else ``"unknown"``.
- ``"unknown"`` words are then resolved by ``resolve_unknown_channels_method``: ``"window"`` (the
  most frequent channel among the ``resolution_window_words`` words on each side, a tie going
  to the nearest word's), ``"speaker-
  history"`` (the channel with the most evidence for the word's speaker over the session, when it
  dominates by ``speaker_history_dominance_ratio``), or ``"none"``; resolved words have
  ``channel_resolved = True``. A turn's channel is its words' most frequent known channel.
- Handlers registered with :meth:`ChannelStreamer.on` for ``Turn`` get the enriched event; other
  events go to the client's handlers unchanged.
"""

from __future__ import annotations

import array
import dataclasses
import math
import sys
import threading
from collections import Counter, deque
from typing import Any, Callable, Deque, Dict, Iterable, List, Optional, Sequence, Union

from .models import StreamingEvents, TurnEvent, Word

VAD_FRAME_MS = 20
UNKNOWN = "unknown"
_METHODS = ("window", "speaker-history", "none")


@dataclasses.dataclass
class DualChannelWord(Word):
    """A word with the channel it came from (``"unknown"`` when no channel was clearly dominant)."""

    channel: str = UNKNOWN
    channel_resolved: bool = False


@dataclasses.dataclass
class DualChannelTurnEvent(TurnEvent):
    """A Turn whose words carry their channel; ``channel`` is the turn's (its words' majority)."""

    channel: str = UNKNOWN


@dataclasses.dataclass
class VadResult:
    is_speech: bool
    rms: float


@dataclasses.dataclass
class VadFrame:
    channel: str
    start_ms: float
    end_ms: float
    rms: float
    is_speech: bool


class VadDetector:
    """Decides per frame (samples as floats in [-1, 1]) whether a channel carries speech."""

    def process(self, frame: Sequence[float]) -> VadResult:  # pragma: no cover - interface
        raise NotImplementedError

    def reset(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class EnergyVad(VadDetector):
    """RMS against an adaptive noise floor, with hangover (see the module's rules)."""

    def __init__(self, threshold_ratio: float = 3.0, noise_floor_alpha: float = 0.05, hangover_frames: int = 10,
                 initial_noise_floor: float = 1e-4) -> None:
        if threshold_ratio <= 0 or not 0 < noise_floor_alpha <= 1 or hangover_frames < 0 or initial_noise_floor <= 0:
            raise ValueError("EnergyVad: threshold_ratio > 0, 0 < noise_floor_alpha <= 1, hangover_frames >= 0, "
                             "initial_noise_floor > 0")
        self.threshold_ratio = threshold_ratio
        self.noise_floor_alpha = noise_floor_alpha
        self.hangover_frames = hangover_frames
        self.initial_noise_floor = initial_noise_floor
        self.reset()

    def reset(self) -> None:
        self._floor = self.initial_noise_floor
        self._hang = 0

    def process(self, frame: Sequence[float]) -> VadResult:
        rms = math.sqrt(sum(x * x for x in frame) / len(frame)) if len(frame) else 0.0
        if rms > self.threshold_ratio * self._floor:
            self._hang = self.hangover_frames
            return VadResult(True, rms)
        self._floor = (1 - self.noise_floor_alpha) * self._floor + self.noise_floor_alpha * max(rms, 1e-9)
        if self._hang > 0:
            self._hang -= 1
            return VadResult(True, rms)
        return VadResult(False, rms)


@dataclasses.dataclass
class ChannelAttributionOptions:
    dominance_ratio: float = 4.0
    timeline_window_ms: int = 30_000
    resolve_unknown_channels_method: str = "window"
    resolution_window_words: int = 2
    speaker_history_min_rms_evidence: float = 0.5
    speaker_history_dominance_ratio: float = 3.0
    create_vad: Optional[Callable[[str], VadDetector]] = None
    on_vad: Optional[Callable[[VadFrame], None]] = None

    def __post_init__(self) -> None:
        if self.resolve_unknown_channels_method not in _METHODS:
            raise ValueError(f"resolve_unknown_channels_method must be one of {', '.join(_METHODS)}, "
                             f"got {self.resolve_unknown_channels_method!r}")
        if self.dominance_ratio < 1 or self.speaker_history_dominance_ratio < 1:
            raise ValueError("dominance ratios must be >= 1")
        if self.timeline_window_ms <= 0 or self.resolution_window_words < 0:
            raise ValueError("timeline_window_ms must be > 0 and resolution_window_words >= 0")


def _pcm16(data: bytes) -> "array.array[int]":
    a = array.array("h")
    a.frombytes(data[: len(data) - len(data) % 2])
    if sys.byteorder == "big":
        a.byteswap()
    return a


def _bytes16(samples: "array.array[int]") -> bytes:
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    return samples.tobytes()


class _Mixer:
    """Per-channel buffers, the mix, the VAD frames and the timeline (under the streamer's lock)."""

    def __init__(self, channels: List[str], sample_rate: int, options: ChannelAttributionOptions) -> None:
        self.channels = channels
        self.rate = sample_rate
        self.options = options
        self.pending: Dict[str, "array.array[int]"] = {c: array.array("h") for c in channels}
        self.odd: Dict[str, bytes] = {c: b"" for c in channels}
        self.closed: set = set()
        self.mixed_samples = 0  # samples sent so far: the session's clock
        self.frame = max(1, round(sample_rate * VAD_FRAME_MS / 1000))
        self.vad_buf: Dict[str, "array.array[int]"] = {c: array.array("h") for c in channels}
        self.vad_at: Dict[str, int] = {c: 0 for c in channels}  # samples of each channel given to its VAD
        self.vads = {c: (options.create_vad(c) if options.create_vad else EnergyVad()) for c in channels}
        self.timeline: Deque[VadFrame] = deque()

    def ingest(self, channel: str, data: bytes) -> None:
        data = self.odd[channel] + data
        self.odd[channel] = data[len(data) - len(data) % 2:]
        self.pending[channel].extend(_pcm16(data))

    def drain(self, force: bool = False) -> bytes:
        open_channels = [c for c in self.channels if c not in self.closed]
        lengths = [len(self.pending[c]) for c in open_channels]
        if force or not open_channels:
            n = max([len(p) for p in self.pending.values()] or [0])
        else:
            n = min(lengths)
        if n == 0:
            return b""
        mix = [0] * n
        for c in self.channels:
            p = self.pending[c]
            take = p[:n]
            if len(take) < n:
                take.extend([0] * (n - len(take)))
            self.pending[c] = p[n:]
            for i, s in enumerate(take):
                mix[i] += s
            self._vad(c, take)
        self.mixed_samples += n
        return _bytes16(array.array("h", (max(-32768, min(32767, s)) for s in mix)))

    def _vad(self, channel: str, samples: "array.array[int]") -> None:
        buf = self.vad_buf[channel]
        buf.extend(samples)
        while len(buf) >= self.frame:
            frame = buf[: self.frame]
            del buf[: self.frame]
            start = self.vad_at[channel]
            self.vad_at[channel] = start + self.frame
            result = self.vads[channel].process([s / 32768.0 for s in frame])
            f = VadFrame(channel, start * 1000 / self.rate, (start + self.frame) * 1000 / self.rate, result.rms,
                         result.is_speech)
            self.timeline.append(f)
            if self.options.on_vad is not None:
                self.options.on_vad(f)
        horizon = self.mixed_samples * 1000 / self.rate - self.options.timeline_window_ms
        while self.timeline and self.timeline[0].end_ms < horizon:
            self.timeline.popleft()

    def scores(self, start_ms: float, end_ms: float) -> Dict[str, float]:
        out: Dict[str, float] = {c: 0.0 for c in self.channels}
        for f in self.timeline:
            if f.is_speech and f.end_ms > start_ms and f.start_ms < end_ms:
                out[f.channel] += f.rms
        return out


def _winner(scores: Dict[str, float], ratio: float) -> str:
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] <= 0:
        return UNKNOWN
    if len(ranked) == 1 or ranked[1][1] <= 0 or ranked[0][1] >= ratio * ranked[1][1]:
        return ranked[0][0]
    return UNKNOWN


class ChannelStreamer:
    """Mixes named channels into the client's one session and attributes words to channels.

    ``client`` is a :class:`~assemblyai_native.streaming.v3.StreamingClient` (pcm_s16le at
    ``sample_rate``); register handlers here (``on``) before ``client.connect``."""

    def __init__(self, client: Any, channels: Sequence[str], sample_rate: int = 16_000,
                 options: Optional[ChannelAttributionOptions] = None) -> None:
        names = list(channels)
        if not names or any(not isinstance(c, str) or not c for c in names) or len(set(names)) != len(names):
            raise ValueError("channels must be distinct non-empty names")
        if UNKNOWN in names:
            raise ValueError(f"{UNKNOWN!r} cannot be a channel name")
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate <= 0:
            raise ValueError("sample_rate must be a positive int")
        self._client = client
        self._options = options or ChannelAttributionOptions()
        self._mixer = _Mixer(names, sample_rate, self._options)
        self._lock = threading.Lock()
        self._turn_handlers: List[Callable[..., Any]] = []
        self._speaker_evidence: Dict[str, Counter] = {}
        client.on(StreamingEvents.Turn, self._on_turn)

    @property
    def channels(self) -> List[str]:
        return list(self._mixer.channels)

    def on(self, event: StreamingEvents, handler: Callable[..., Any]) -> None:
        """``Turn`` handlers get a :class:`DualChannelTurnEvent`; the others go to the client."""
        if event is StreamingEvents.Turn:
            self._turn_handlers.append(handler)
        else:
            self._client.on(event, handler)

    def _check(self, channel: str) -> None:
        if channel not in self._mixer.pending:
            raise ValueError(f"unknown channel {channel!r}: declared {', '.join(self._mixer.channels)}")

    def stream(self, channel: str, data: Union[bytes, bytearray, memoryview, Iterable[bytes]]) -> None:
        """Adds 16-bit PCM for ``channel`` and sends what can be mixed now."""
        self._check(channel)
        chunks = [bytes(data)] if isinstance(data, (bytes, bytearray, memoryview)) else (bytes(c) for c in data)
        for chunk in chunks:
            with self._lock:
                if channel in self._mixer.closed:
                    raise ValueError(f"channel {channel!r} was closed")
                self._mixer.ingest(channel, chunk)
                mixed = self._mixer.drain()
            if mixed:
                self._client.stream(mixed)

    def close_channel(self, channel: str) -> None:
        """The source ended: the channel is silence from now on (the others are no longer held back)."""
        self._check(channel)
        with self._lock:
            self._mixer.closed.add(channel)
            mixed = self._mixer.drain()
        if mixed:
            self._client.stream(mixed)

    def flush(self) -> None:
        """Sends everything buffered (shorter channels padded with silence)."""
        with self._lock:
            mixed = self._mixer.drain(force=True)
        if mixed:
            self._client.stream(mixed)

    # -- attribution -----------------------------------------------------------------------

    def _on_turn(self, client: Any, turn: TurnEvent) -> None:
        if not self._turn_handlers:
            return
        event = self._enrich(turn)
        for handler in list(self._turn_handlers):
            handler(client, event)

    def _enrich(self, turn: TurnEvent) -> DualChannelTurnEvent:
        opts = self._options
        with self._lock:
            words = [DualChannelWord(start=w.start, end=w.end, confidence=w.confidence, text=w.text,
                                     word_is_final=w.word_is_final, speaker=w.speaker,
                                     channel=_winner(self._mixer.scores(w.start, w.end), opts.dominance_ratio))
                     for w in turn.words]
            evidence: Dict[str, Counter] = {}
            for w in words:
                if w.speaker:
                    evidence.setdefault(w.speaker, Counter()).update(self._mixer.scores(w.start, w.end))
        if opts.resolve_unknown_channels_method == "window":
            known = [w.channel for w in words]
            for i, w in enumerate(words):
                if w.channel != UNKNOWN:
                    continue
                lo, hi = max(0, i - opts.resolution_window_words), min(len(words), i + opts.resolution_window_words + 1)
                near = Counter(c for c in known[lo:hi] if c != UNKNOWN)
                if near:
                    # the most frequent; a tie goes to the channel of the nearest word
                    distance = {c: min(abs(j - i) for j in range(lo, hi) if known[j] == c) for c in near}
                    w.channel = min(near, key=lambda c: (-near[c], distance[c]))
                    w.channel_resolved = True
        elif opts.resolve_unknown_channels_method == "speaker-history":
            for speaker, scores in evidence.items():
                history = self._speaker_evidence.setdefault(speaker, Counter())
                for c, s in scores.items():
                    history[c] += s
            for w in words:
                if w.channel != UNKNOWN or not w.speaker:
                    continue
                history = self._speaker_evidence.get(w.speaker, Counter())
                if sum(history.values()) < opts.speaker_history_min_rms_evidence:
                    continue
                c = _winner(dict(history), opts.speaker_history_dominance_ratio)
                if c != UNKNOWN:
                    w.channel, w.channel_resolved = c, True
        counts = Counter(w.channel for w in words if w.channel != UNKNOWN)
        fields = {f.name: getattr(turn, f.name) for f in dataclasses.fields(turn) if f.name != "words"}
        event = DualChannelTurnEvent(words=words, channel=counts.most_common(1)[0][0] if counts else UNKNOWN, **fields)
        event.received_ns = getattr(turn, "received_ns", None)
        return event


__all__ = ["ChannelAttributionOptions", "ChannelStreamer", "DualChannelTurnEvent", "DualChannelWord", "EnergyVad",
           "VadDetector", "VadFrame", "VadResult"]
