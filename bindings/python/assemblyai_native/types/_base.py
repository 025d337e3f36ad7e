"""What the models share: dict()/json() like pydantic, comparison, JSON encoding."""

from __future__ import annotations

import ctypes
import enum
import json
import operator
import reprlib
import sys

from .. import _ffi, errors
from .._model import fields

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Optional, Sequence, Tuple, TypeVar

    _E = TypeVar("_E", bound=enum.Enum)


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------


class _Model:
    """dict() / json() like the official SDK's pydantic models, and the __repr__ and __eq__
    that @dataclass writes, for the ``@model`` subclasses (see _model.py)."""

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        cls = type(self)
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _field_names(cls, "repr"))
        return f"{cls.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = _COMPARE_KEYS.get(self.__class__) or _compare_key(self.__class__)
        return key(self) == key(other)  # type: ignore[no-any-return]

    def dict(self, exclude_none: bool = False, **_: Any) -> Dict[str, Any]:
        data: Dict[str, Any] = _asdict(self)
        return _drop_none(data) if exclude_none else data

    def json(self, exclude_none: bool = False, **_: Any) -> str:
        return json.dumps(self.dict(exclude_none=exclude_none), default=_json_default, ensure_ascii=False)


class _Received:
    """Mixin of the streaming event types: ``received_ns``, an extension beyond the official
    SDK and not a model field (not in dict(), json(), ==, repr). For an event made from a server
    message it is when libassemblyai read the message's last byte, in ns on the clock of
    ``time.monotonic_ns()`` (CLOCK_MONOTONIC), so ``time.monotonic_ns() - event.received_ns``
    in a handler is the delivery latency; None for an object built by the application."""

    received_ns: Optional[int] = None


_FIELD_NAMES: Dict[Tuple[type, str], Tuple[str, ...]] = {}


def _field_names(cls: type, flag: str) -> Tuple[str, ...]:
    """The names of the fields of model `cls` whose `flag` ("repr", "compare") is set."""
    names = _FIELD_NAMES.get((cls, flag))
    if names is None:
        names = _FIELD_NAMES[(cls, flag)] = tuple(f.name for f in fields(cls) if getattr(f, flag))
    return names


_COMPARE_KEYS: Dict[type, Callable[[Any], Any]] = {}


def _compare_key(cls: type) -> Callable[[Any], Any]:
    """The values __eq__ compares, as one tuple: attrgetter builds it in C, so that comparing
    long lists of words is as fast as with @dataclass's __eq__."""
    names = _field_names(cls, "compare")
    if len(names) > 1:
        key: Callable[[Any], Any] = operator.attrgetter(*names)
    else:  # attrgetter gives one name's bare value, and takes no fewer than one

        def key(obj: Any) -> Any:
            return tuple(getattr(obj, n) for n in names)

    _COMPARE_KEYS[cls] = key
    return key


def _field_list(value: Any) -> Optional[Tuple[str, ...]]:
    """The field names of a model or dataclass instance (the streaming v3 types are
    dataclasses), None for anything else."""
    if isinstance(value, type):
        return None
    if hasattr(type(value), "__model_fields__"):
        return tuple(f.name for f in fields(type(value)))
    dc = sys.modules.get("dataclasses")  # a dataclass instance means it was imported
    if dc is not None and dc.is_dataclass(value):
        return tuple(f.name for f in dc.fields(value))
    return None


def _asdict(value: Any) -> Any:
    """dataclasses.asdict without private fields."""
    names = _field_list(value)
    if names is not None:
        return {name: _asdict(getattr(value, name)) for name in names if not name.startswith("_")}
    if isinstance(value, (list, tuple)):
        return type(value)(_asdict(v) for v in value)
    if isinstance(value, dict):
        return {k: _asdict(v) for k, v in value.items()}
    return value


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


_INVALID = errors.InvalidArgumentError


def _json_default(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if _field_list(value) is not None:
        return _drop_none(_asdict(value))
    if hasattr(value, "dict") and callable(value.dict):
        return value.dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _to_json(value: Any) -> str:
    try:
        return json.dumps(value, default=_json_default, allow_nan=False, ensure_ascii=False)
    except ValueError as exc:  # NaN / infinity
        raise ValueError(f"config value cannot be sent as JSON: {exc}") from None


def _plain(value: Any) -> Any:
    """An enum member as its value; anything else unchanged."""
    return value.value if isinstance(value, enum.Enum) else value


def _c_strings(values: Sequence[Any], what: str) -> Tuple[Any, int]:
    items = [_ffi.encode(_plain(v), what) for v in values]
    array = (ctypes.c_char_p * max(1, len(items)))(*items)
    return array, len(items)


def _enum_or_str(kind: "type[_E]", value: Optional[str]) -> Any:
    """The enum member for `value`, or the server's spelling when this version does not know it."""
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        return value


class _JSONResponse:
    _json: Optional[str]

    @property
    def json_response(self) -> Dict[str, Any]:
        "The whole response as the server sent it"
        return json.loads(self._json) if self._json else {}
