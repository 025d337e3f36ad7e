"""Public types of assemblyai_native: enums, Word, TranscriptionConfig, RawTranscriptionConfig.

Names and behaviour follow the official ``assemblyai`` SDK (``assemblyai.types``).
"""

from __future__ import annotations

import ctypes
import enum
import json
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _ffi, errors
from ._ffi import lib
from ._settings import Settings
from .errors import (
    AssemblyAIError,
    LemurError,
    RedactedAudioExpiredError,
    RedactedAudioIncompleteError,
    RedactedAudioUnavailableError,
    TranscriptError,
)


class TranscriptStatus(str, enum.Enum):
    """Transcript status."""

    queued = "queued"
    processing = "processing"
    completed = "completed"
    error = "error"


class SpeechModel(str, enum.Enum):
    """The speech model to transcribe with."""

    best = "best"
    "The best model optimized for accuracy."

    nano = "nano"
    "A lightweight, lower cost model for a wide range of languages."

    slam_1 = "slam-1"
    universal = "universal"


@dataclass
class Word:
    """One recognised word. ``start`` and ``end`` are milliseconds from the start of the audio."""

    text: str
    start: int
    end: int
    confidence: float
    speaker: Optional[str] = None
    channel: Optional[str] = None


# --------------------------------------------------------------------------------------
# Config fields
# --------------------------------------------------------------------------------------

# The request fields of a transcription: Python name -> JSON key, in the order of the
# official TranscriptionConfig's parameters (so positional arguments line up). Every field
# goes to the library as JSON (aai_config_set_json) unless TYPED_SETTERS has a typed call.
CONFIG_FIELDS: Dict[str, str] = {
    "language_code": "language_code",
    "punctuate": "punctuate",
    "format_text": "format_text",
    "dual_channel": "dual_channel",
    "multichannel": "multichannel",
    "webhook_url": "webhook_url",
    "webhook_auth_header_name": "webhook_auth_header_name",
    "webhook_auth_header_value": "webhook_auth_header_value",
    "audio_start_from": "audio_start_from",
    "audio_end_at": "audio_end_at",
    "word_boost": "word_boost",
    "boost_param": "boost_param",
    "filter_profanity": "filter_profanity",
    "redact_pii": "redact_pii",
    "redact_pii_audio": "redact_pii_audio",
    "redact_pii_audio_quality": "redact_pii_audio_quality",
    "redact_pii_policies": "redact_pii_policies",
    "redact_pii_sub": "redact_pii_sub",
    "speaker_labels": "speaker_labels",
    "speakers_expected": "speakers_expected",
    "content_safety": "content_safety",
    "content_safety_confidence": "content_safety_confidence",
    "iab_categories": "iab_categories",
    "custom_spelling": "custom_spelling",
    "disfluencies": "disfluencies",
    "sentiment_analysis": "sentiment_analysis",
    "auto_chapters": "auto_chapters",
    "entity_detection": "entity_detection",
    "summarization": "summarization",
    "summary_model": "summary_model",
    "summary_type": "summary_type",
    "auto_highlights": "auto_highlights",
    "language_detection": "language_detection",
    "language_confidence_threshold": "language_confidence_threshold",
    "speech_threshold": "speech_threshold",
    "speech_model": "speech_model",
}

# JSON key -> (C setter, kind of value it takes: "str" or "bool").
TYPED_SETTERS: Dict[str, Tuple[Callable[..., int], str]] = {
    "language_code": (lib.aai_config_set_language_code, "str"),
    "speech_model": (lib.aai_config_set_speech_model, "str"),
    "punctuate": (lib.aai_config_set_punctuate, "bool"),
    "format_text": (lib.aai_config_set_format_text, "bool"),
    "speaker_labels": (lib.aai_config_set_speaker_labels, "bool"),
}


def _json_default(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "dict") and callable(value.dict):
        return value.dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _to_json(value: Any) -> str:
    try:
        return json.dumps(value, default=_json_default, allow_nan=False, ensure_ascii=False)
    except ValueError as exc:  # NaN / infinity
        raise ValueError(f"config value cannot be sent as JSON: {exc}") from None


class RawTranscriptionConfig:
    """The request fields of a transcription, exactly as they are sent (without audio_url).

    Backed by an ``aai_config`` handle. Any field of the API can be set, including fields
    this package does not know: ``RawTranscriptionConfig(language_code="de", some_new_field=1)``,
    ``raw.some_new_field = 2``, ``raw["some_new_field"] = 2`` or ``raw.update({...})`` (a
    mapping, or JSON text of an object). Setting a field to None removes it.
    """

    def __init__(self, **fields: Any) -> None:
        handle = _ffi.new_handle(lib.aai_config_new, _ffi.ConfigP, lib.aai_config_free)
        object.__setattr__(self, "_handle", handle)
        if fields:
            self.update(fields)

    # -- writing ------------------------------------------------------------------------

    def update(self, fields: Union[Mapping[str, Any], str, bytes]) -> "RawTranscriptionConfig":
        """Merges fields in. A mapping's keys are Python field names or JSON keys; a str
        is JSON text of an object, passed to the library as is (a value of null removes a
        field). Invalid JSON raises InvalidArgumentError (a ValueError)."""
        if isinstance(fields, (str, bytes)):
            data = fields.encode("utf-8") if isinstance(fields, str) else fields
            if b"\0" in data:
                raise errors.InvalidArgumentError("config JSON must not contain NUL characters")
            _ffi.check(lib.aai_config_set_json(self._handle.ptr, data), errors.InvalidArgumentError)
            return self
        if not isinstance(fields, Mapping):
            raise TypeError(f"update() takes a mapping or JSON text, not {type(fields).__name__}")
        plain: Dict[str, Any] = {}
        for name, value in fields.items():
            key = CONFIG_FIELDS.get(name, name)
            if not isinstance(key, str) or not key:
                raise TypeError("config field names must be non-empty strings")
            if key in TYPED_SETTERS and self._set_typed(key, value):
                continue
            plain[key] = value
        if plain:
            self.update(_to_json(plain))
        return self

    def _set_typed(self, key: str, value: Any) -> bool:
        setter, kind = TYPED_SETTERS[key]
        ptr = self._handle.ptr
        if kind == "str":
            if value is None:
                _ffi.check(setter(ptr, None), errors.InvalidArgumentError)
                return True
            if isinstance(value, str):
                text = value.value if isinstance(value, enum.Enum) else value
                _ffi.check(setter(ptr, _ffi.encode(text, key)), errors.InvalidArgumentError)
                return True
        elif kind == "bool" and isinstance(value, bool):
            _ffi.check(setter(ptr, 1 if value else 0), errors.InvalidArgumentError)
            return True
        return False  # anything else goes through JSON, as the caller gave it

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            raise AttributeError(f"cannot set {name!r} on RawTranscriptionConfig")
        self.update({name: value})

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __delitem__(self, key: str) -> None:
        self.update({key: None})

    # -- reading ------------------------------------------------------------------------

    def json(self) -> str:
        """The fields as the JSON object that will be sent."""
        out = ctypes.c_void_p()
        _ffi.check(lib.aai_config_to_json(self._handle.ptr, ctypes.byref(out)))
        return _ffi.take_string(out) or "{}"

    def dict(self, exclude_none: bool = True, **_: Any) -> Dict[str, Any]:
        """The fields as a dict (JSON keys). With exclude_none=False, every known field is
        present, None when unset (as pydantic's dict() in the official SDK)."""
        data = json.loads(self.json())
        if not isinstance(data, dict):
            raise errors.AssemblyAIError("libassemblyai returned a config that is not a JSON object")
        if not exclude_none:
            full: Dict[str, Any] = {key: None for key in CONFIG_FIELDS.values()}
            full.update(data)
            return full
        return {k: v for k, v in data.items() if v is not None}

    _handle: _ffi.Handle

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        key = CONFIG_FIELDS.get(name, name)
        data = self.dict()
        if key in data:
            return data[key]
        if name in CONFIG_FIELDS:
            return None
        raise AttributeError(f"'RawTranscriptionConfig' has no field {name!r}")

    def __getitem__(self, key: str) -> Any:
        return self.dict()[CONFIG_FIELDS.get(key, key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and CONFIG_FIELDS.get(key, key) in self.dict()

    def __iter__(self) -> Iterator[str]:
        return iter(self.dict())

    def copy(self) -> "RawTranscriptionConfig":
        other = RawTranscriptionConfig()
        other.update(self.json())
        return other

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RawTranscriptionConfig):
            return self.dict() == other.dict()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RawTranscriptionConfig({self.json()})"


def _custom_spelling_to_api(replacement: Optional[Mapping[str, Union[str, Sequence[str]]]]) -> Optional[List[Dict[str, Any]]]:
    """{"to": "from" or ["from", ...]} (the official SDK's form) -> the API's list."""
    if replacement is None:
        return None
    if not isinstance(replacement, Mapping):
        return list(replacement)  # already in the API's form
    out = []
    for to, from_ in replacement.items():
        out.append({"from": [from_] if isinstance(from_, str) else list(from_), "to": to})
    return out


class TranscriptionConfig:
    """Transcription options (the API's TranscriptParams), as in the official SDK.

    Takes the official SDK's keyword arguments (and in the same order, positional ones).
    Each is a read/write property; None means "not set" (not sent). Fields the package does
    not know yet can be set through ``raw_transcription_config`` / the ``raw`` property, a
    :class:`RawTranscriptionConfig`, which is what is sent::

        config = TranscriptionConfig(speaker_labels=True)
        config.raw["some_new_field"] = True        # or config.raw.update({...})
    """

    _raw: RawTranscriptionConfig

    # Properties generated from CONFIG_FIELDS (annotated here for type checkers).
    language_code: Optional[str]
    punctuate: Optional[bool]
    format_text: Optional[bool]
    dual_channel: Optional[bool]
    multichannel: Optional[bool]
    webhook_url: Optional[str]
    webhook_auth_header_name: Optional[str]
    webhook_auth_header_value: Optional[str]
    audio_start_from: Optional[int]
    audio_end_at: Optional[int]
    word_boost: Optional[List[str]]
    boost_param: Optional[str]
    filter_profanity: Optional[bool]
    redact_pii: Optional[bool]
    redact_pii_audio: Optional[bool]
    redact_pii_audio_quality: Optional[str]
    redact_pii_policies: Optional[List[str]]
    redact_pii_sub: Optional[str]
    speaker_labels: Optional[bool]
    speakers_expected: Optional[int]
    content_safety: Optional[bool]
    content_safety_confidence: Optional[int]
    iab_categories: Optional[bool]
    custom_spelling: Optional[Dict[str, Union[str, List[str]]]]
    disfluencies: Optional[bool]
    sentiment_analysis: Optional[bool]
    auto_chapters: Optional[bool]
    entity_detection: Optional[bool]
    summarization: Optional[bool]
    summary_model: Optional[str]
    summary_type: Optional[str]
    auto_highlights: Optional[bool]
    language_detection: Optional[bool]
    language_confidence_threshold: Optional[float]
    speech_threshold: Optional[float]
    speech_model: Optional[str]

    def __init__(
        self,
        *args: Any,
        raw_transcription_config: Optional[Union[RawTranscriptionConfig, Mapping[str, Any], str]] = None,
        **fields: Any,
    ) -> None:
        names = list(CONFIG_FIELDS)
        if len(args) > len(names):
            raise TypeError(f"TranscriptionConfig takes at most {len(names)} positional arguments")
        for name, value in zip(names, args):
            if name in fields:
                raise TypeError(f"TranscriptionConfig got multiple values for argument {name!r}")
            fields[name] = value
        for name in fields:
            if name not in CONFIG_FIELDS:
                raise TypeError(
                    f"TranscriptionConfig got an unexpected keyword argument {name!r} "
                    f"(set fields this package does not know through raw_transcription_config)"
                )

        if isinstance(raw_transcription_config, RawTranscriptionConfig):
            raw = raw_transcription_config
        else:
            raw = RawTranscriptionConfig()
            if raw_transcription_config is not None:
                raw.update(raw_transcription_config)
        object.__setattr__(self, "_raw", raw)

        # As in the official SDK, explicit arguments win over raw_transcription_config, but
        # only those that are set: None leaves a raw value alone.
        if "word_boost" in fields and not fields["word_boost"]:
            fields["word_boost"] = None
            fields["boost_param"] = None
        if fields.get("custom_spelling") is not None:
            fields["custom_spelling"] = _custom_spelling_to_api(fields["custom_spelling"])
        explicit = {name: value for name, value in fields.items() if value is not None}
        if explicit:
            raw.update(explicit)

    @property
    def raw(self) -> RawTranscriptionConfig:
        """The fields as sent; set unknown fields here."""
        return self._raw

    def set_custom_spelling(
        self,
        replacement: Optional[Mapping[str, Union[str, Sequence[str]]]],
        override: bool = True,
    ) -> "TranscriptionConfig":
        """Customize how words are spelled: {"to": "from" or ["from", ...]}; None removes it."""
        if replacement is None:
            self._raw.update({"custom_spelling": None})
            return self
        current = [] if override else (self._raw.custom_spelling or [])
        self._raw.update({"custom_spelling": list(current) + (_custom_spelling_to_api(replacement) or [])})
        return self

    def set_casing_and_formatting(self, enable: bool = True) -> "TranscriptionConfig":
        """Enable or disable punctuation and text formatting together."""
        self._raw.update({"punctuate": enable, "format_text": enable})
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        prop = getattr(type(self), name, None)
        if isinstance(prop, property) and prop.fset is not None:
            prop.fset(self, value)
            return
        raise AttributeError(
            f"TranscriptionConfig has no field {name!r} (set unknown fields through config.raw)"
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TranscriptionConfig):
            return self._raw == other._raw
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TranscriptionConfig({self._raw.json()})"


def _field_property(name: str, key: str) -> property:
    def fget(self: TranscriptionConfig) -> Any:
        return self._raw.dict().get(key)

    def fset(self: TranscriptionConfig, value: Any) -> None:
        self._raw.update({key: value})

    return property(fget, fset, doc=f"The request field {key!r} (None: not set).")


def _custom_spelling_get(self: TranscriptionConfig) -> Optional[Dict[str, Union[str, List[str]]]]:
    value = self._raw.dict().get("custom_spelling")
    if not value:
        return None
    out: Dict[str, Union[str, List[str]]] = {}
    for item in value:
        if isinstance(item, Mapping) and isinstance(item.get("to"), str):
            out[item["to"]] = item.get("from")  # type: ignore[assignment]
    return out or None


def _custom_spelling_set(self: TranscriptionConfig, value: Any) -> None:
    self.set_custom_spelling(value)


for _name, _key in CONFIG_FIELDS.items():
    setattr(TranscriptionConfig, _name, _field_property(_name, _key))
TranscriptionConfig.custom_spelling = property(  # type: ignore[assignment]
    _custom_spelling_get, _custom_spelling_set,
    doc="Custom spellings as {to: from}, as in the official SDK (the API's list is in config.raw).",
)
del _name, _key


__all__ = [
    "AssemblyAIError",
    "TranscriptError",
    "LemurError",
    "RedactedAudioIncompleteError",
    "RedactedAudioExpiredError",
    "RedactedAudioUnavailableError",
    "Settings",
    "TranscriptStatus",
    "SpeechModel",
    "Word",
    "CONFIG_FIELDS",
    "RawTranscriptionConfig",
    "TranscriptionConfig",
]
