"""The library's C struct arrays as the binding's models."""

from __future__ import annotations

import ctypes

from . import _ffi, errors
from ._ffi import lib
from . import types
from .types import Word

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Callable, List, Optional, Sequence, cast
else:
    def cast(_type: str, value: object) -> object:  # typing.cast
        return value


# --------------------------------------------------------------------------------------
# Reading the library's struct arrays
# --------------------------------------------------------------------------------------

_dec = _ffi.text


def _array(fn: Callable[..., int], owner: Any, struct: Any, kind: "type[errors.AssemblyAIError]" = errors.AssemblyAIError) -> Sequence[Any]:
    """The structs `fn(owner, &ptr, &count)` hands out (borrowed from `owner`), as a sequence."""
    ptr = ctypes.POINTER(struct)()
    count = ctypes.c_size_t()
    _ffi.check(fn(owner, ctypes.byref(ptr), ctypes.byref(count)), kind)
    n = count.value
    if n == 0 or not ptr:
        return ()
    return cast("Sequence[Any]", ctypes.cast(ptr, ctypes.POINTER(struct * n)).contents)


def _items(ptr: Any, n: int) -> Sequence[Any]:
    """`n` structs at `ptr` (an inner array of a struct)."""
    if n == 0 or not ptr:
        return ()
    return cast("Sequence[Any]", ptr[:n])


def _words(ptr: Any, n: int, cls: Any = Word) -> List[Any]:
    return [cls(text=_dec(w.text) or "", start=int(w.start), end=int(w.end), confidence=float(w.confidence),
                speaker=_dec(w.speaker), channel=_dec(w.channel)) for w in _items(ptr, n)]


def _timestamps(ptr: Any, n: int) -> List[types.Timestamp]:
    return [types.Timestamp(start=int(t.start), end=int(t.end)) for t in _items(ptr, n)]


def _segments(handle: _ffi.Handle, cls: Any) -> List[Any]:
    """Sentences or paragraphs from an aai_segments handle."""
    out = []
    for s in _array(lib.aai_segments_get, handle.ptr, _ffi.aai_segment):
        out.append(cls(text=_dec(s.text) or "", start=int(s.start), end=int(s.end), confidence=float(s.confidence),
                       speaker=_dec(s.speaker), channel=_dec(s.channel), words=_words(s.words, s.word_count)))
    return out


def _usage(value: int) -> Optional[int]:
    return None if value < 0 else int(value)


def _recast(exc: errors.AssemblyAIError, cls: "type[errors.AssemblyAIError]") -> errors.AssemblyAIError:
    """The same failure as another AssemblyAIError class."""
    new = cls(exc.message, exc.status_code, server_text=exc.server_text, retryable=exc.retryable, status=exc.status)
    new.__cause__ = exc.__cause__
    return new
