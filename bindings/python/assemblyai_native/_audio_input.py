"""What a caller passed as audio: a path, a URL, bytes or a file object, and how to hand it to C."""

from __future__ import annotations

import ctypes
import io
import os


TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Tuple, Union, cast
else:
    def cast(_type: str, value: object) -> object:  # typing.cast
        return value


# --------------------------------------------------------------------------------------
# Audio sources
# --------------------------------------------------------------------------------------


def _classify(data: Any) -> Tuple[str, Any]:
    """("url", str) | ("path", str) | ("bytes", bytes-like) | ("stream", file object)."""
    if isinstance(data, str):
        from urllib.parse import urlparse  # here, not at import: it costs ~1.5 ms (ipaddress)

        if urlparse(data).scheme in ("http", "https"):
            return "url", data
        return "path", data
    if isinstance(data, os.PathLike):
        return "path", os.fsdecode(os.fspath(data))
    if isinstance(data, (bytes, bytearray, memoryview)):
        return "bytes", data
    if hasattr(data, "read"):
        return "stream", data
    raise TypeError(
        "audio must be a URL or local path (str), bytes, or a binary file object, "
        f"not {type(data).__name__}"
    )


def _buffer(data: Union[bytes, bytearray, memoryview]) -> Tuple[Any, int]:
    """A pointer-compatible object for `data` (no copy where possible) and its size."""
    if isinstance(data, bytes):
        return data, len(data)
    view = memoryview(data)
    if view.nbytes == 0:
        return b"", 0
    if view.contiguous and not view.readonly:
        flat = view.cast("B")
        return (ctypes.c_char * flat.nbytes).from_buffer(flat), flat.nbytes
    copy = view.tobytes()
    return copy, len(copy)


def _remaining_size(stream: Any) -> int:
    """The number of bytes left in `stream`, or 0 when not known (only used for progress)."""
    try:
        if _plain_bytesio(stream):
            return max(0, stream.getbuffer().nbytes - int(stream.tell()))
        if not _plain_file(stream):
            return 0  # a GzipFile's fileno() is the compressed file's: its size is not the stream's
        st = os.fstat(stream.fileno())
        if st.st_size > 0:
            return max(0, st.st_size - int(stream.tell()))
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    return 0


def _plain_bytesio(stream: Any) -> bool:
    """A BytesIO whose read() gives its buffer (a subclass may read something else)."""
    return isinstance(stream, io.BytesIO) and type(stream).read is io.BytesIO.read


def _plain_file(stream: Any) -> bool:
    """What open(path, "rb") returns: reading it gives the file's bytes. (A GzipFile, a tar
    member and the like also have a fileno(), of the file they decode.)"""
    if type(stream) is io.BufferedReader or type(stream) is io.BufferedRandom:
        return type(stream.raw) is io.FileIO and stream.readable()
    return type(stream) is io.FileIO and stream.readable()


def _path_bytes(path: str) -> bytes:
    data = os.fsencode(path)
    if b"\0" in data:
        raise ValueError("a path must not contain NUL characters")
    return data
