"""The Dictation API's models, with 1.8.2's names and fields (its ``dictation/v1/models.py``)."""

from __future__ import annotations

from enum import Enum

from ..._audio_request import AudioRequestError, ConfigBase

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Union


class DictationError(AudioRequestError):
    """Raised when a Dictation API request fails: `status_code`, `error_code` (`bad_audio`,
    `audio_too_large`, `capacity_exceeded`, `inference_timeout`, ...) and `retry_after` (seconds,
    on 429/503). A separate class from `SyncTranscriptError`."""


class DictationRewriteMode(str, Enum):
    """Model tier that runs the transcript rewrite."""

    fast = "fast"
    smart = "smart"

    def __str__(self) -> str:
        return self.value


class DictationConfig(ConfigBase):
    """Options for a Dictation API request. Unknown fields are rejected.

    `sample_rate` and `channels` (raw PCM only), `language_codes`, `stt_prompt` (max 6000
    characters), `keyterms_prompt` (max 100 terms / 8000 characters), `llm_instruction` (max 2048
    characters) and `rewrite_mode` (`fast` or `smart`).
    """

    _FIELDS = ("sample_rate", "channels", "language_codes", "stt_prompt", "keyterms_prompt",
               "llm_instruction", "rewrite_mode")
    _DICTATION = 1
    _EXCLUDE = ()

    def __init__(self, **kwargs: Any) -> None:
        mode = kwargs.get("rewrite_mode")
        if isinstance(mode, str) and not isinstance(mode, DictationRewriteMode):
            try:
                kwargs["rewrite_mode"] = DictationRewriteMode(mode)
            except ValueError:
                raise ValueError(f"rewrite_mode must be 'fast' or 'smart', got {mode!r}") from None
        super().__init__(**kwargs)


class DictationWord:
    """A single word in a dictation transcript."""

    __slots__ = ("text", "confidence")

    def __init__(self, text: str, confidence: float) -> None:
        self.text = text
        self.confidence = confidence

    def __repr__(self) -> str:
        return f"DictationWord(text={self.text!r}, confidence={self.confidence!r})"


class DictationResponse:
    """The result of a Dictation API request; `final_text` is the one to show the user."""

    def __init__(self, text: str, confidence: float, audio_duration_ms: int, session_id: str,
                 words: Optional[List[DictationWord]] = None, llm_response: Optional[str] = None,
                 llm_error: Optional[str] = None, request_time_ms: Optional[float] = None,
                 sync_time_ms: Optional[float] = None) -> None:
        self.text = text
        self.words = words or []
        self.confidence = confidence
        self.llm_response = llm_response
        self.llm_error = llm_error
        self.audio_duration_ms = audio_duration_ms
        self.session_id = session_id
        self.request_time_ms = request_time_ms
        self.sync_time_ms = sync_time_ms

    @property
    def final_text(self) -> str:
        """The LLM rewrite when there is one, the raw transcript otherwise."""
        return self.llm_response if self.llm_response is not None else self.text

    @classmethod
    def parse_obj(cls, d: Dict[str, Any]) -> "DictationResponse":
        words = [DictationWord(w["text"], w["confidence"]) for w in d.get("words") or []]
        return cls(d["text"], d["confidence"], d["audio_duration_ms"], d["session_id"], words,
                   d.get("llm_response"), d.get("llm_error"), d.get("request_time_ms"), d.get("sync_time_ms"))

    model_validate = parse_obj

    def __repr__(self) -> str:
        return (f"DictationResponse(text={self.text!r}, llm_response={self.llm_response!r}, "
                f"llm_error={self.llm_error!r}, audio_duration_ms={self.audio_duration_ms!r}, "
                f"session_id={self.session_id!r})")
