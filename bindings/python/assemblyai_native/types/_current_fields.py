"""Checked setters for the request fields of the official SDK 1.8.2 and today's spec that the
library has typed helpers for: ``speech_models``, ``domain``, ``redact_pii_return_unredacted``,
and the sub-fields of ``speaker_options``, ``language_detection_options`` and
``keyterms_prompt_options``. Each value is checked (type here, range and allowed values by the
library) before anything is sent; a wrong one raises TypeError or InvalidArgumentError (a
ValueError) naming the field, and leaves the config unchanged."""

from __future__ import annotations

import ctypes
from collections.abc import Mapping

from .. import _ffi, errors
from .._ffi import lib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

_INVALID = errors.InvalidArgumentError

SPEAKER_OPTIONS = ("min_speakers_expected", "max_speakers_expected", "use_two_stage_clustering",
                   "short_file_diarization_method", "long_file_diarization_method")
LANGUAGE_DETECTION_OPTIONS = ("expected_languages", "fallback_language", "code_switching",
                              "code_switching_confidence_threshold", "on_low_language_confidence", "swiss_german")
KEYTERMS_PROMPT_OPTIONS = ("keyterms_match_strength",)

FIELDS = ("speech_models", "domain", "redact_pii_return_unredacted", "speaker_options",
          "language_detection_options", "keyterms_prompt_options")


def _plain(value: Any) -> Any:
    return getattr(value, "value", value) if value.__class__.__module__ != "builtins" else value


def _options(value: Any, field: str, names: tuple) -> Dict[str, Any]:
    """A SpeakerOptions-like model or a mapping as a dict of its set sub-fields."""
    if isinstance(value, Mapping):
        data = dict(value)
    elif hasattr(value, "dict") and callable(value.dict):
        data = value.dict()
    else:
        raise TypeError(f"{field} must be a mapping or an options object, not {type(value).__name__}")
    unknown = sorted(k for k in data if k not in names)
    if unknown:
        raise _INVALID(f"config field {field}: unknown sub-field {unknown[0]!r} (known: {', '.join(names)})")
    return {k: _plain(v) for k, v in data.items() if v is not None}


def _int(data: Dict[str, Any], key: str, field: str) -> int:
    v = data.get(key)
    if v is None:
        return 0
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{field}.{key} must be an int, not {type(v).__name__}")
    if not 1 <= v < 2**31:
        raise _INVALID(f"config field {field}.{key} must be at least 1, got {v}")
    return v


def _tri(data: Dict[str, Any], key: str, field: str) -> int:
    v = data.get(key)
    if v is None:
        return -1
    if not isinstance(v, bool):
        raise TypeError(f"{field}.{key} must be a bool, not {type(v).__name__}")
    return 1 if v else 0


def _str(data: Dict[str, Any], key: str, field: str) -> Optional[bytes]:
    v = data.get(key)
    if v is None:
        return None
    if not isinstance(v, str):
        raise TypeError(f"{field}.{key} must be a str, not {type(v).__name__}")
    return _ffi.encode(v, f"{field}.{key}")


def _strings(values: Any, what: str) -> Any:
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        raise TypeError(f"{what} must be a list of str, not {type(values).__name__}")
    items = []
    for v in values:
        v = _plain(v)
        if not isinstance(v, str):
            raise TypeError(f"{what} must be a list of str, not a list holding {type(v).__name__}")
        items.append(_ffi.encode(v, what))
    return (ctypes.c_char_p * max(1, len(items)))(*items), len(items)


def set_field(ptr: Any, key: str, value: Any) -> None:
    """Sets one of FIELDS on the aai_config at `ptr` through its typed helper (None removes it)."""
    check = lambda status: _ffi.check(status, _INVALID)  # noqa: E731
    if key == "speech_models":
        if value is None:
            check(lib.aai_config_set_speech_models(ptr, None, 0))
        else:
            array, count = _strings(value, "speech_models")
            if count == 0:
                raise _INVALID("config field speech_models: give at least one model (None removes the field)")
            check(lib.aai_config_set_speech_models(ptr, array, count))
    elif key == "domain":
        if value is not None and not isinstance(_plain(value), str):
            raise TypeError(f"domain must be a str, not {type(value).__name__}")
        check(lib.aai_config_set_domain(ptr, None if value is None else _ffi.encode(_plain(value), "domain")))
    elif key == "redact_pii_return_unredacted":
        if value is None:
            check(lib.aai_config_unset(ptr, b"redact_pii_return_unredacted"))
        elif not isinstance(value, bool):
            raise TypeError(f"redact_pii_return_unredacted must be a bool, not {type(value).__name__}")
        else:
            check(lib.aai_config_set_redact_pii_return_unredacted(ptr, 1 if value else 0))
    elif key == "keyterms_prompt_options":
        data = {} if value is None else _options(value, key, KEYTERMS_PROMPT_OPTIONS)
        check(lib.aai_config_set_keyterms_prompt_options(ptr, _str(data, "keyterms_match_strength", key)))
    elif key == "speaker_options":
        data = {} if value is None else _options(value, key, SPEAKER_OPTIONS)
        check(lib.aai_config_set_speaker_options(
            ptr, _int(data, "min_speakers_expected", key), _int(data, "max_speakers_expected", key),
            _tri(data, "use_two_stage_clustering", key), _str(data, "short_file_diarization_method", key),
            _str(data, "long_file_diarization_method", key)))
    elif key == "language_detection_options":
        data = {} if value is None else _options(value, key, LANGUAGE_DETECTION_OPTIONS)
        expected = data.get("expected_languages")
        array, count = _strings(expected, f"{key}.expected_languages") if expected is not None else (None, 0)
        threshold = data.get("code_switching_confidence_threshold")
        if threshold is None:
            threshold = -1.0
        elif not 0 <= _ffi.number(threshold, f"{key}.code_switching_confidence_threshold") <= 1:
            raise _INVALID(f"config field {key}.code_switching_confidence_threshold must be 0..1, got {threshold}")
        check(lib.aai_config_set_language_detection_options(
            ptr, array, count, _str(data, "fallback_language", key), _tri(data, "code_switching", key),
            ctypes.c_double(float(threshold)), _str(data, "on_low_language_confidence", key),
            _tri(data, "swiss_german", key)))
    else:
        raise KeyError(key)
