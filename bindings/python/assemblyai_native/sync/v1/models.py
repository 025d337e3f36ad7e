"""The Sync API's request and response models, with 1.8.2's names and fields (its ``types.py``)."""

from __future__ import annotations

from enum import Enum

from ..._audio_request import AudioRequestError, ConfigBase

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Union


class SyncTranscriptError(AudioRequestError):
    """Raised when a synchronous transcription request fails.

    Carries the HTTP `status_code`, a machine-readable `error_code` (the snake_cased
    problem-details `title`: `bad_audio`, `audio_too_large`, `capacity_exceeded`, ...) when the
    server sent one, and `retry_after` (seconds) for 429/503 answers with a Retry-After header.
    """


class SyncSpeechModel(str, Enum):
    """Speech models available on the synchronous transcription API."""

    universal_3_5_pro = "universal-3-5-pro"


class SyncTranscriptionConfig(ConfigBase):
    """Options for a synchronous transcription request (1.8.2's fields and caps).

    `prompt` (max 6000 characters), `keyterms_prompt` (max 100 terms / 8000 characters,
    whitespace stripped, empty terms dropped), `conversation_context` (a string or a list of
    turns, oldest first; trimmed to 500 turns / 16000 characters, oldest dropped first),
    `language_codes`, `sample_rate` and `channels` (raw PCM only), `timestamps`; `model` is
    sent as the `X-AAI-Model` header.
    """

    _FIELDS = ("model", "prompt", "keyterms_prompt", "conversation_context", "language_codes",
               "sample_rate", "channels", "timestamps")
    _DICTATION = 0

    def __init__(self, *, model: str = SyncSpeechModel.universal_3_5_pro.value, prompt: Optional[str] = None,
                 keyterms_prompt: Optional[List[str]] = None,
                 conversation_context: Optional[Union[str, List[str]]] = None,
                 language_codes: Optional[List[str]] = None, sample_rate: Optional[int] = None,
                 channels: Optional[int] = None, timestamps: Optional[bool] = None) -> None:
        super().__init__(model=model, prompt=prompt, keyterms_prompt=keyterms_prompt,
                         conversation_context=conversation_context, language_codes=language_codes,
                         sample_rate=sample_rate, channels=channels, timestamps=timestamps)

    def _default(self, name: str) -> Any:
        return SyncSpeechModel.universal_3_5_pro.value if name == "model" else None


class SyncWord:
    """A single word in a sync transcript: `start`/`end` in milliseconds only when the request
    set `timestamps=True`."""

    __slots__ = ("text", "start", "end", "confidence")

    def __init__(self, text: str, confidence: float, start: Optional[int] = None, end: Optional[int] = None) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.confidence = confidence

    def __repr__(self) -> str:
        return f"SyncWord(text={self.text!r}, start={self.start!r}, end={self.end!r}, confidence={self.confidence!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SyncWord) and (self.text, self.start, self.end, self.confidence) == (
            other.text, other.start, other.end, other.confidence)


class SyncTranscriptResponse:
    """The result of a synchronous transcription request."""

    def __init__(self, text: str, confidence: float, audio_duration_ms: int, session_id: str,
                 words: Optional[List[SyncWord]] = None, request_time_ms: Optional[float] = None) -> None:
        self.text = text
        self.words = words or []
        self.confidence = confidence
        self.audio_duration_ms = audio_duration_ms
        self.session_id = session_id
        self.request_time_ms = request_time_ms

    @classmethod
    def parse_obj(cls, d: Dict[str, Any]) -> "SyncTranscriptResponse":
        words = [SyncWord(w["text"], w["confidence"], w.get("start"), w.get("end")) for w in d.get("words") or []]
        return cls(d["text"], d["confidence"], d["audio_duration_ms"], d["session_id"], words, d.get("request_time_ms"))

    model_validate = parse_obj

    def __repr__(self) -> str:
        return (f"SyncTranscriptResponse(text={self.text!r}, words=[{len(self.words)} words], "
                f"confidence={self.confidence!r}, audio_duration_ms={self.audio_duration_ms!r}, "
                f"session_id={self.session_id!r}, request_time_ms={self.request_time_ms!r})")
