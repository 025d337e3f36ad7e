"""Models of the Text-to-Speech WebSocket API: the frames a session receives (the official SDK's
``assemblyai.tts.v1.ws_models``)."""

from __future__ import annotations

from enum import Enum

from .models import TTSWord

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

__all__ = ["TTSAudioEvent", "TTSBeginEvent", "TTSCancelledEvent", "TTSEvents", "TTSFlushDoneEvent",
           "TTSTerminationEvent", "TTSWord", "TTSWordBoundariesEvent"]

# Close codes after which the same session can succeed on a new connection (no Error frame).
RETRYABLE_CLOSE_CODES = frozenset({1006, 1011, 1012, 3005, 3008, 3009})


class TTSEvents(str, Enum):
    """The server frames of a session, as ``TTSSession.on()`` names them."""

    Begin = "Begin"
    Audio = "Audio"
    FlushDone = "FlushDone"
    WordBoundaries = "WordBoundaries"
    Cancelled = "Cancelled"
    Termination = "Termination"
    Error = "Error"

    def __str__(self) -> str:
        return self.value


class _Model:
    _fields: tuple = ()

    def __init__(self, **kw: Any) -> None:
        for name in self._fields:
            setattr(self, name, kw.get(name))

    def model_dump(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.model_dump() == self.model_dump()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(" + ", ".join(
            f"{k}={getattr(self, k)!r}" if k != "audio" else f"audio=<{len(getattr(self, k) or b'')} bytes>"
            for k in self._fields) + ")"


class TTSBeginEvent(_Model):
    """The first frame of a session: ``id``, ``expires_at`` (Unix seconds), ``configuration``."""

    _fields = ("id", "expires_at", "configuration")
    id: str
    expires_at: int
    configuration: Dict[str, Any]


class TTSAudioEvent(_Model):
    """A piece of a request's audio: ``flush_id``, ``audio`` (raw codec bytes)."""

    _fields = ("flush_id", "audio")
    flush_id: int
    audio: bytes


class TTSFlushDoneEvent(_Model):
    """A request's audio has all been delivered: ``flush_id``, ``audio_duration_ms``."""

    _fields = ("flush_id", "audio_duration_ms")
    flush_id: int
    audio_duration_ms: int


class TTSWordBoundariesEvent(_Model):
    """Word timings of a request on the session's timeline: ``flush_id``, ``audio_start_ms``, ``words``."""

    _fields = ("flush_id", "audio_start_ms", "words")
    flush_id: int
    audio_start_ms: int
    words: List[TTSWord]


class TTSCancelledEvent(_Model):
    """The answer to a ``Cancel``: ``audio_duration_seconds`` streamed for it."""

    _fields = ("audio_duration_seconds",)
    audio_duration_seconds: float


class TTSTerminationEvent(_Model):
    """The session's summary after ``Terminate``."""

    _fields = ("session_duration_seconds", "total_input_char_length", "audio_duration_seconds", "voice_expires_at")
    session_duration_seconds: int
    total_input_char_length: int
    audio_duration_seconds: float
    voice_expires_at: Optional[int]
