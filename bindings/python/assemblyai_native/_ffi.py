"""ctypes view of libassemblyai (the C contract is include/assemblyai.h).

This module finds and loads the shared library, knows every function of the header with its
argument and result types (declared on first use: see ``_Library``), and turns a failing
``aai_status`` into a Python exception (``check``). Nothing here is public API.
"""

from __future__ import annotations

import ctypes
import os
import weakref
from ctypes import POINTER, c_int, c_void_p
from . import errors

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Tuple, Type

# Oldest library this binding works with: 0.1.0. The binding speaks the 0.x ABI
# (SONAME libassemblyai.so.0); a 1.x library may have changed functions.
MIN_VERSION_NUMBER = 1000
MAX_VERSION_NUMBER_EXCLUSIVE = 1000000

# --------------------------------------------------------------------------------------
# Types: every constant, struct, callback type and signature is generated from the header
# (scripts/gen-bindings -> _abi.py). Below are only the short names the binding uses.
# --------------------------------------------------------------------------------------

from ._abi import *  # noqa: F401,F403  (the header's names, as C spells them)
from ._abi import SIGNATURES, aai_client, aai_config, aai_future, aai_streaming, aai_transcriber, aai_transcript
from ._abi import aai_transcript_group, aai_future_callback, aai_progress_callback, aai_read_callback
from ._abi import aai_streaming_callback, aai_lemur_params, aai_lemur_response, aai_llm_request, aai_llm_response
from ._abi import aai_segments, aai_word_search, aai_transcript_list

ClientP = POINTER(aai_client)
ConfigP = POINTER(aai_config)
TranscriptP = POINTER(aai_transcript)
TranscriberP = POINTER(aai_transcriber)
FutureP = POINTER(aai_future)
TranscriptGroupP = POINTER(aai_transcript_group)
StreamingP = POINTER(aai_streaming)
LemurParamsP = POINTER(aai_lemur_params)
LemurResponseP = POINTER(aai_lemur_response)
LLMRequestP = POINTER(aai_llm_request)
LLMResponseP = POINTER(aai_llm_response)
SegmentsP = POINTER(aai_segments)
WordSearchP = POINTER(aai_word_search)
TranscriptListP = POINTER(aai_transcript_list)
PROGRESS_CALLBACK = aai_progress_callback
READ_CALLBACK = aai_read_callback
FUTURE_CALLBACK = aai_future_callback  # runs on a library worker thread
STREAMING_CALLBACK = aai_streaming_callback  # runs on the session's callback thread

# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

ENV_LIB = "ASSEMBLYAI_NATIVE_LIB"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
BUNDLED_DIR = os.path.join(_PACKAGE_DIR, "_lib")


def _bundled_candidates() -> List[str]:
    try:
        names = os.listdir(BUNDLED_DIR)
    except OSError:
        return []
    libs = [n for n in names
            if n == "libassemblyai.so" or n.startswith("libassemblyai.so.")
            or (n.startswith("libassemblyai") and n.endswith(".dylib"))]
    # Prefer the SONAME file, then the plain name, then anything else (a fuller version).
    order = {"libassemblyai.so.0": 0, "libassemblyai.so": 1}
    libs.sort(key=lambda n: (order.get(n, 2), n))
    return [os.path.join(BUNDLED_DIR, n) for n in libs]


_INSTALL_HINT = (
    "Install the package so that it bundles the library (`pip install ./bindings/python` from "
    "the repository, which bundles the tree's build or runs `make lib`), "
    f"or set {ENV_LIB}=/path/to/libassemblyai.so.0, "
    "or put libassemblyai.so.0 on the library search path (LD_LIBRARY_PATH / ldconfig)."
)


def _load() -> Tuple[ctypes.CDLL, str]:
    """Finds and opens libassemblyai: bundled copy, then $ASSEMBLYAI_NATIVE_LIB, then the
    system search path. Raises ImportError saying what was tried and what to do."""
    tried: List[str] = []

    def attempt(what: str, path: str) -> Optional[ctypes.CDLL]:
        try:
            return ctypes.CDLL(path)
        except OSError as exc:
            tried.append(f"{what} {path!r}: {exc}")
            return None

    for path in _bundled_candidates():
        lib = attempt("bundled copy", path)
        if lib is not None:
            return lib, path
    if not tried:
        tried.append(f"bundled copy: none in {BUNDLED_DIR}")

    env = os.environ.get(ENV_LIB)
    if env:
        lib = attempt(f"${ENV_LIB}", env)
        if lib is not None:
            return lib, env
        # The user named a library explicitly: do not silently pick another one.
        raise ImportError(
            f"assemblyai_native: cannot load libassemblyai from ${ENV_LIB}={env!r} "
            f"({tried[-1].split(': ', 1)[-1]}). Point {ENV_LIB} at an existing libassemblyai.so.0."
        )
    tried.append(f"${ENV_LIB}: not set")

    from ctypes.util import find_library  # only here: it imports subprocess, shutil, tempfile (~10 ms)

    found = find_library("assemblyai")
    if found:
        lib = attempt("find_library('assemblyai')", found)
        if lib is not None:
            return lib, found
    else:
        tried.append("ctypes.util.find_library('assemblyai'): nothing found")

    # find_library() does not always consult LD_LIBRARY_PATH (it needs ldconfig, gcc or
    # ld); the dynamic loader itself does.
    for name in ("libassemblyai.so.0", "libassemblyai.so"):
        lib = attempt("dlopen", name)
        if lib is not None:
            return lib, name

    raise ImportError(
        "assemblyai_native: the native library libassemblyai was not found. "
        + _INSTALL_HINT
        + " Tried: "
        + "; ".join(tried)
    )


class _Library:
    """libassemblyai's functions by name. Each is declared (restype, argtypes from SIGNATURES)
    on first use and then kept as an attribute, so a program pays only for what it calls. A
    function the loaded library lacks fails at that first use, naming the function."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self._cdll = cdll
        self._path = path

    def __getattr__(self, name: str) -> Any:
        try:
            restype, argtypes = SIGNATURES[name]
        except KeyError:
            raise AttributeError(f"libassemblyai has no function {name!r} in include/assemblyai.h") from None
        try:
            fn = self._cdll[name]  # a new function object (not CDLL's shared cache)
        except AttributeError:
            raise errors.NotImplementedByLibraryError(
                f"assemblyai_native: the library at {self._path!r} lacks {name}: it is older than "
                f"this binding or not libassemblyai. " + _INSTALL_HINT,
                status="AAI_ERR_NOT_IMPLEMENTED",
            ) from None
        fn.restype = restype
        fn.argtypes = argtypes
        self.__dict__[name] = fn  # later lookups skip __getattr__
        return fn


def _open() -> Tuple[_Library, str, int]:
    lib, path = _load()
    try:
        vn = lib.aai_version_number
    except AttributeError:
        raise ImportError(
            f"assemblyai_native: {path!r} is not libassemblyai (no aai_version_number). "
            + _INSTALL_HINT
        ) from None
    vn.restype = c_int
    vn.argtypes = []
    number = int(vn())
    if not (MIN_VERSION_NUMBER <= number < MAX_VERSION_NUMBER_EXCLUSIVE):
        have = f"{number // 1000000}.{number // 1000 % 1000}.{number % 1000}"
        raise ImportError(
            f"assemblyai_native: libassemblyai at {path!r} is version {have}; this binding needs "
            f"0.x with x.y >= 0.1.0. " + _INSTALL_HINT
        )
    return _Library(lib, path), path, number


lib, LIBRARY_PATH, VERSION_NUMBER = _open()
LIBRARY_VERSION: str = (lib.aai_version() or b"").decode("ascii", "replace")

# --------------------------------------------------------------------------------------
# Strings
# --------------------------------------------------------------------------------------


def text(value: Optional[bytes]) -> Optional[str]:
    """A borrowed C string (as ctypes hands it over) as str, None for NULL."""
    if value is None:
        return None
    return value.decode("utf-8", "replace")


def take_string(ptr: c_void_p) -> Optional[str]:
    """Copies a caller-owned C string into a str and frees it with aai_string_free."""
    if not ptr.value:
        return None
    try:
        return ctypes.string_at(ptr.value).decode("utf-8", "replace")
    finally:
        lib.aai_string_free(ptr)


def number(value: object, what: str) -> float:
    """`value` as a C double: an int or a float (not a bool), else TypeError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")
    return float(value)


def encode(value: str, what: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} must not contain NUL characters")
    return value.encode("utf-8")


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------

# Failures whose cause is local: they get a class that also derives from the matching
# Python built-in, whatever operation failed.
_LOCAL_CLASSES: Dict[int, Type[errors.AssemblyAIError]] = {
    AAI_ERR_INVALID_ARGUMENT: errors.InvalidArgumentError,
    AAI_ERR_NOT_IMPLEMENTED: errors.NotImplementedByLibraryError,
    AAI_ERR_IO: errors.AudioFileError,
    AAI_ERR_NO_MEMORY: errors.AssemblyAIError,
    AAI_ERR_INTERNAL: errors.AssemblyAIError,
}

# Set by the settings module: returns the current API key so that it can be scrubbed from
# messages (the library promises never to put it there; this is a second guard).
secret_provider: Callable[[], Optional[str]] = lambda: None


def _scrub(s: Optional[str]) -> Optional[str]:
    if not s:
        return s
    secret = secret_provider()
    if secret and len(secret) >= 4 and secret in s:
        s = s.replace(secret, "***")
    return s


def status_name(status: int) -> str:
    return text(lib.aai_status_name(status)) or "AAI_ERR_UNKNOWN"


def last_error(status: int, kind: Type[errors.AssemblyAIError] = errors.AssemblyAIError,
               path: Optional[str] = None) -> errors.AssemblyAIError:
    """Builds the exception for `status`, which the last call on this thread returned."""
    name = status_name(status)
    if lib.aai_last_error_status() == status:
        message = _scrub(text(lib.aai_last_error_message())) or name
        http = int(lib.aai_last_error_http_status()) or None
        server_text = _scrub(text(lib.aai_last_error_server_text()))
        retryable = bool(lib.aai_last_error_retryable())
    else:
        # The details on record belong to an earlier failure: do not show them.
        message, http, server_text, retryable = f"{name} (the library gave no details)", None, None, False
    cls = _LOCAL_CLASSES.get(status, kind)
    if cls is errors.AudioFileError and path is not None and not os.path.exists(path):
        cls = errors.AudioFileNotFoundError
    exc = cls(message, http, server_text=server_text, retryable=retryable, status=name)
    if isinstance(exc, OSError) and path is not None:
        exc.filename = path
    return exc


def check(status: int, kind: Type[errors.AssemblyAIError] = errors.AssemblyAIError,
          path: Optional[str] = None) -> None:
    """Raises the right exception when `status` is not AAI_OK."""
    if status != AAI_OK:
        raise last_error(status, kind, path)


# --------------------------------------------------------------------------------------
# Handles
# --------------------------------------------------------------------------------------


class Handle:
    """Owns one library handle and frees it when garbage-collected (or on close()).

    Callers keep the Handle object referenced for as long as a C call uses its pointer."""

    __slots__ = ("ptr", "_finalizer", "__weakref__")

    def __init__(self, ptr: Any, free: Callable[[Any], None]) -> None:
        self.ptr = ptr
        self._finalizer = weakref.finalize(self, free, ptr)

    def close(self) -> None:
        self._finalizer()


def new_handle(fn: Callable[..., int], ptr_type: Any, free: Callable[[Any], None], *args: Any,
               kind: Type[errors.AssemblyAIError] = errors.AssemblyAIError) -> Handle:
    out = ptr_type()
    check(fn(*args, ctypes.byref(out)), kind)
    if not out:
        raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no handle", status="AAI_ERR_INTERNAL")
    return Handle(out, free)

