"""RawTranscriptionConfig: the request fields exactly as they are sent, on an aai_config handle."""

from __future__ import annotations

import ctypes
import json
from collections.abc import Mapping

from .. import _ffi, errors
from . import _current_fields
from .._ffi import lib

from ._base import _INVALID, _c_strings, _plain, _to_json
from ._fields import CONFIG_FIELDS, FIELD_KINDS, TYPED_SETTERS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Dict, Iterator, List, Optional, Sequence, Union


class RawTranscriptionConfig:
    """The request fields of a transcription, exactly as they are sent (without audio_url).

    Backed by an ``aai_config`` handle. Any field of the API can be set, including fields
    this package does not know: ``RawTranscriptionConfig(language_code="de", some_new_field=1)``,
    ``raw.some_new_field = 2``, ``raw["some_new_field"] = 2`` or ``raw.update({...})`` (a
    mapping, or JSON text of an object). Setting a field to None removes it. Values set here
    are sent as given (as the official SDK's pydantic model does); TranscriptionConfig's
    properties check them against the API spec.
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
        setter_name, kind = TYPED_SETTERS[key]
        setter = getattr(lib, setter_name)
        ptr = self._handle.ptr
        if kind == "str":
            if value is None:
                _ffi.check(setter(ptr, None), errors.InvalidArgumentError)
                return True
            if isinstance(value, str):
                _ffi.check(setter(ptr, _ffi.encode(_plain(value), key)), errors.InvalidArgumentError)
                return True
        elif kind == "bool" and isinstance(value, bool):
            _ffi.check(setter(ptr, 1 if value else 0), errors.InvalidArgumentError)
            return True
        return False  # anything else goes through JSON, as the caller gave it

    def _set_checked(self, key: str, value: Any) -> None:
        """Sets one field through the library's typed setter for it, which checks the value
        against the API spec; None removes the field. A value of another type than the
        field's is merged as JSON, as given (the server then judges it)."""
        ptr = self._handle.ptr
        k = key.encode()
        if value is None:
            _ffi.check(lib.aai_config_unset(ptr, k), _INVALID)
            return
        if key in _current_fields.FIELDS:  # the helpers of the official SDK 1.8.2's fields
            _current_fields.set_field(ptr, key, value)
            return
        kind = FIELD_KINDS.get(key, "json")
        value = _plain(value)
        if kind == "bool" and isinstance(value, bool):
            _ffi.check(lib.aai_config_set_bool(ptr, k, 1 if value else 0), _INVALID)
        elif kind == "int" and isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63:
            _ffi.check(lib.aai_config_set_int(ptr, k, value), _INVALID)
        elif kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            _ffi.check(lib.aai_config_set_double(ptr, k, float(value)), _INVALID)
        elif kind == "str" and isinstance(value, str):
            _ffi.check(lib.aai_config_set_string(ptr, k, _ffi.encode(value, key)), _INVALID)
        elif kind == "strs" and isinstance(value, (list, tuple)) and all(isinstance(_plain(v), str) for v in value):
            array, count = _c_strings(value, key)
            _ffi.check(lib.aai_config_set_strings(ptr, k, array, count), _INVALID)
        else:
            self.update(_to_json({key: value}))

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

    def validate(self) -> None:
        """Checks the rules that span fields (audio_end_at after audio_start_from, redact_pii
        with a policy, ...), as submitting does; raises InvalidArgumentError."""
        _ffi.check(lib.aai_config_validate(self._handle.ptr), _INVALID)

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
