"""Models of the Text-to-Speech API: options, response headers, audio, word timings, errors.

The names, fields and defaults are the official SDK's (``assemblyai.tts.v1.models``); requests
go to ``settings.tts_base_url`` (``https://tts.us.assemblyai.com``, or
``https://tts.eu.assemblyai.com`` for the EU data zone).
"""

from __future__ import annotations

import json
from enum import Enum

from ...errors import AssemblyAIError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Union

__all__ = ["TTSConfig", "TTSContainer", "TTSEncoding", "TTSError", "TTSResponse", "TTSResponseInfo", "TTSWord"]


class TTSError(AssemblyAIError):
    """
    A Text-to-Speech request failed: the API refused it, or its stream was cut.

    ``error_code`` is the API's stable code (``invalid_parameter``, ``voice_not_found``,
    ``rate_limited``, ...); ``body`` holds the whole error envelope. ``retryable`` and
    ``retry_after`` (seconds) say whether and when to send the same request again. A stream
    cut after its first audio has ``status_code`` 200, no ``error_code`` and
    ``retryable=True``: retry the whole request.
    """

    def __init__(
        self,
        message: str,
        status_code: Optional[int] = None,
        error_code: Optional[str] = None,
        param: Optional[str] = None,
        request_id: Optional[str] = None,
        retryable: Optional[bool] = None,
        retry_after: Optional[int] = None,
        errors: Optional[List[Dict[str, Optional[str]]]] = None,
        body: Optional[Dict[str, Any]] = None,
        *,
        server_text: Optional[str] = None,
        status: Optional[str] = None,
    ) -> None:
        super().__init__(message, status_code, server_text=server_text, retryable=bool(retryable), status=status)
        self.retryable = retryable  # type: ignore[assignment]  # None when unknown, as the official SDK
        self.error_code = error_code
        self.param = param
        self.request_id = request_id
        self.retry_after = retry_after
        self.errors = errors
        self.body = body

    def __reduce__(self) -> Any:
        return (_rebuild_tts_error, (type(self), self.message, self.status_code, self.error_code, self.param,
                                     self.request_id, self.retryable, self.retry_after, self.errors, self.body))


def _rebuild_tts_error(cls: Any, *args: Any) -> "TTSError":
    return cls(*args)


class TTSInvalidArgumentError(TTSError, ValueError):
    """A request refused before anything was sent (an empty or over-long text)."""


class TTSEncoding(str, Enum):
    """Codec of the audio the API returns."""

    pcm_s16le = "pcm_s16le"
    "The default: mono signed 16-bit little-endian PCM."
    pcm_mulaw = "pcm_mulaw"
    "8-bit G.711 mu-law, for telephony."
    pcm_alaw = "pcm_alaw"
    "8-bit G.711 A-law, for telephony."
    mp3 = "mp3"
    "Constant bit rate MP3; see `TTSConfig.bit_rate`."

    def __str__(self) -> str:
        return self.value


class TTSContainer(str, Enum):
    """Container of a PCM or G.711 response."""

    raw = "raw"
    "The default: the codec bytes with no header."
    wav = "wav"
    "A WAV file. On a streamed response its size fields are unknown (all ones)."

    def __str__(self) -> str:
        return self.value


_CONFIG_FIELDS = ("voice_id", "model_id", "language", "sample_rate", "encoding", "container", "bit_rate",
                  "extend_biometric_consent")


class TTSConfig:
    """
    Options for a Text-to-Speech request. Every field is optional: the API speaks English with
    its default voice (``aai-jane``) at 24 kHz as raw 16-bit PCM when nothing is set. Unknown
    fields are refused (``ValueError``), so a typo surfaces at once.

    Fields: ``voice_id`` (``aai-jane``, ``aai-alba``, ..., a voice's UUID, or a cloned voice's
    slug), ``model_id`` (``assemblyai-tts-1``), ``language`` (``english``, ``spanish``,
    ``german``, ``french``, ``italian``, ``portuguese``), ``sample_rate`` (8000, 16000, 22050,
    24000, 44100, 48000), ``encoding`` (a ``TTSEncoding`` or its name), ``container`` (a
    ``TTSContainer`` or its name), ``bit_rate`` (MP3 only) and ``extend_biometric_consent``.
    """

    voice_id: Optional[str]
    model_id: Optional[str]
    language: Optional[str]
    sample_rate: Optional[int]
    encoding: Optional[Union[TTSEncoding, str]]
    container: Optional[Union[TTSContainer, str]]
    bit_rate: Optional[int]
    extend_biometric_consent: Optional[bool]

    def __init__(self, **fields: Any) -> None:
        if "voice" in fields:
            raise ValueError('TTSConfig has no field `voice`: name the voice with `voice_id`, such as voice_id="aai-jane"')
        unknown = sorted(set(fields) - set(_CONFIG_FIELDS))
        if unknown:
            raise ValueError(f"TTSConfig: extra field {unknown[0]!r} is not permitted "
                             f"(fields: {', '.join(_CONFIG_FIELDS)})")
        for name in _CONFIG_FIELDS:
            object.__setattr__(self, name, None)
        for name, value in fields.items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _CONFIG_FIELDS:
            raise ValueError(f"TTSConfig has no field {name!r}")
        if value is not None:
            if name in ("sample_rate", "bit_rate") and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"TTSConfig.{name} must be an int, not {type(value).__name__}")
            if name == "extend_biometric_consent" and not isinstance(value, bool):
                raise ValueError("TTSConfig.extend_biometric_consent must be a bool")
            if name in ("voice_id", "model_id", "language", "encoding", "container") and not isinstance(value, str):
                raise ValueError(f"TTSConfig.{name} must be a str, not {type(value).__name__}")
        object.__setattr__(self, name, value)

    def _to_json(self) -> Dict[str, Any]:
        """The options that are set, as the API names them."""
        out: Dict[str, Any] = {}
        for name in _CONFIG_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value.value if isinstance(value, Enum) else value
        return out

    def model_dump(self, exclude_none: bool = False) -> Dict[str, Any]:
        if exclude_none:
            return self._to_json()
        return {name: getattr(self, name) for name in _CONFIG_FIELDS}

    def copy(self, update: Optional[Dict[str, Any]] = None) -> "TTSConfig":
        fields = self._to_json()
        fields.update(update or {})
        return TTSConfig(**fields)

    model_copy = copy

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TTSConfig) and self._to_json() == other._to_json()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "TTSConfig(" + ", ".join(f"{k}={v!r}" for k, v in self._to_json().items()) + ")"


_INFO_FIELDS = ("request_id", "region", "model", "voice_id", "language", "encoding", "sample_rate", "container",
                "bit_rate", "content_type", "voice_expires_at", "billed_characters", "audio_duration_ms")


class TTSResponseInfo:
    """
    What the response headers say about the audio of a request; every field is None when the
    API did not send its header: ``request_id``, ``region``, ``model``, ``voice_id``,
    ``language``, ``encoding``, ``sample_rate``, ``container``, ``bit_rate``,
    ``content_type``, ``voice_expires_at``, ``billed_characters``, ``audio_duration_ms``.
    """

    request_id: Optional[str]
    region: Optional[str]
    model: Optional[str]
    voice_id: Optional[str]
    language: Optional[str]
    encoding: Optional[str]
    sample_rate: Optional[int]
    container: Optional[str]
    bit_rate: Optional[int]
    content_type: Optional[str]
    voice_expires_at: Optional[int]
    billed_characters: Optional[int]
    audio_duration_ms: Optional[int]

    def __init__(self, **fields: Any) -> None:
        for name in _INFO_FIELDS:
            setattr(self, name, fields.get(name))

    @classmethod
    def _from_json(cls, text: Optional[str]) -> "TTSResponseInfo":
        data = json.loads(text) if text else {}
        return cls(**{k: data.get(k) for k in _INFO_FIELDS})

    def model_dump(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in _INFO_FIELDS}

    dict = model_dump

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in _INFO_FIELDS)
        return f"{type(self).__name__}({fields})"


class TTSResponse(TTSResponseInfo):
    """The result of ``TextToSpeech.synthesize()``: the whole ``audio`` with its headers."""

    audio: bytes

    def __init__(self, audio: bytes = b"", **fields: Any) -> None:
        super().__init__(**fields)
        self.audio = audio

    def save(self, path: str) -> None:
        """Writes the audio to `path` (created or replaced)."""
        with open(path, "wb") as out:
            out.write(self.audio)

    def __repr__(self) -> str:  # the clip is left out
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in _INFO_FIELDS)
        return f"TTSResponse({fields}, audio=<{len(self.audio)} bytes>)"


class TTSWord:
    """One word of the text and when it is spoken (milliseconds from the start of the audio)."""

    __slots__ = ("word", "start", "end", "confidence")

    def __init__(self, word: str, start: int, end: int, confidence: float) -> None:
        self.word = word
        self.start = start
        self.end = end
        self.confidence = confidence

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TTSWord) and (self.word, self.start, self.end, self.confidence) == (
            other.word, other.start, other.end, other.confidence)

    def __repr__(self) -> str:
        return f"TTSWord(word={self.word!r}, start={self.start}, end={self.end}, confidence={self.confidence})"
