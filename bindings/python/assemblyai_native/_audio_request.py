"""What the Sync API and the Dictation API share in the binding (as 1.8.2's ``_audio.py`` and
``_multipart.py``): the ctypes declarations of the header's "Sync API" and "Dictation API"
sections, configs, results, errors, live sessions and the transcribers' common calls.

All the work (format checks, limits, the multipart body, the request, the live upload's queue
and thread) is libassemblyai's; this module converts arguments and results. Live sessions and
the async classes complete from the library's own callback (``aai_sync_live_callback``), so no
Python thread waits for a request.
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import json
import os
import threading
from ctypes import POINTER, c_void_p

from . import _abi, _ffi, errors
from ._ffi import lib
from ._settings import settings as _global_settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Type

# --------------------------------------------------------------------------------------
# ctypes declarations (include/assemblyai.h, "Sync API" and "Dictation API")
# --------------------------------------------------------------------------------------


# The declarations are generated from the header (scripts/gen-bindings -> _abi.py).
LIVE_CALLBACK = _abi.aai_sync_live_callback
READ_CALLBACK = _abi.aai_read_callback
ConfigP = POINTER(_abi.aai_sync_config)
ResultP = POINTER(_abi.aai_sync_result)
TranscriberP = POINTER(_abi.aai_sync_transcriber)
LiveP = POINTER(_abi.aai_sync_live)

PCM_SUFFIXES = (".pcm", ".raw")

# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


class AudioRequestError(errors.AssemblyAIError):
    """Base of SyncTranscriptError and DictationError: `error_code` and `retry_after` too."""

    def __init__(self, message: str, status_code: Optional[int] = None, error_code: Optional[str] = None,
                 retry_after: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(message, status_code, **kwargs)
        self.error_code = error_code
        self.retry_after = retry_after


def raise_for(status: int, kind: Type[AudioRequestError]) -> None:
    """Raises the exception for a failing call (on the thread that made it)."""
    if status == _ffi.AAI_OK:
        return
    raise error_for(status, kind)


def error_for(status: int, kind: Type[AudioRequestError]) -> errors.AssemblyAIError:
    exc = _ffi.last_error(status, kind)
    if isinstance(exc, AudioRequestError):
        code = lib.aai_last_error_api_code()
        exc.error_code = code.decode("utf-8", "replace") if code else None
        after = int(lib.aai_last_error_retry_after())
        exc.retry_after = after if after >= 0 else None
    return exc


# --------------------------------------------------------------------------------------
# Client settings
# --------------------------------------------------------------------------------------


def client_handle(kind: Type[AudioRequestError]) -> _ffi.Handle:
    """A client for the global settings, with the Sync and Dictation hosts and timeouts."""
    try:
        base = _global_settings._client_handle()
    except ValueError as e:
        raise kind(str(e)) from None
    return base


# --------------------------------------------------------------------------------------
# Configs and results
# --------------------------------------------------------------------------------------


class ConfigBase:
    """Options of one request: the fields of the JSON `config` part, checked and normalised by
    the library at construction (as 1.8.2's pydantic models do)."""

    _FIELDS: Tuple[str, ...] = ()
    _DICTATION = 0
    _EXCLUDE = ("model",)

    def __init__(self, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - set(self._FIELDS))
        if unknown:
            raise ValueError(f"{type(self).__name__} has no field {unknown[0]!r} (extra fields are not permitted)")
        for name in self._FIELDS:
            object.__setattr__(self, name, kwargs.get(name, self._default(name)))
        self._normalise()

    def _default(self, name: str) -> Any:
        return None

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._FIELDS:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        object.__setattr__(self, name, value)
        self._normalise()

    def _part(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for name in self._FIELDS:
            value = getattr(self, name)
            if name in self._EXCLUDE or value is None:
                continue
            out[name] = value.value if hasattr(value, "value") else value
        return out

    def _normalise(self) -> None:
        """Checks the fields with the library and keeps its normalised values."""
        with new_config(self) as cfg:
            out = c_void_p()
            status = lib.aai_sync_config_to_json(cfg, self._DICTATION, ctypes.byref(out))
            if status != _ffi.AAI_OK:
                raise _ffi.last_error(status)
            normalised = json.loads(_ffi.take_string(out) or "{}")
        for name in self._FIELDS:
            if name in self._EXCLUDE:
                continue
            if name in ("keyterms_prompt", "conversation_context"):
                object.__setattr__(self, name, normalised.get(name))

    def model_dump(self, exclude_none: bool = False) -> Dict[str, Any]:
        d = {name: getattr(self, name) for name in self._FIELDS}
        return {k: v for k, v in d.items() if v is not None} if exclude_none else d

    dict = model_dump

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.model_dump() == other.model_dump()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.model_dump().items())
        return f"{type(self).__name__}({inner})"


class new_config:
    """A context manager holding an aai_sync_config built from a config object (or None)."""

    def __init__(self, config: Optional[ConfigBase]) -> None:
        self.config = config
        self.ptr = ConfigP()

    def __enter__(self) -> c_void_p:
        _ffi.check(lib.aai_sync_config_new(ctypes.byref(self.ptr)))
        if self.config is not None:
            part = self.config._part()
            if part:
                status = lib.aai_sync_config_set_json(self.ptr, json.dumps(part).encode())
                if status != _ffi.AAI_OK:
                    lib.aai_sync_config_free(self.ptr)
                    raise _ffi.last_error(status)
            model = getattr(self.config, "model", None)
            if model is not None and "model" in self.config._FIELDS:
                m = model.value if hasattr(model, "value") else model
                _ffi.check(lib.aai_sync_config_set_model(self.ptr, _ffi.encode(str(m), "model")))
        return self.ptr

    def __exit__(self, *exc: Any) -> None:
        lib.aai_sync_config_free(self.ptr)


def take_result(ptr: Any) -> Dict[str, Any]:
    """The answer's JSON as a dict; frees the result handle."""
    try:
        text = lib.aai_sync_result_json(ptr)
        return json.loads(text.decode("utf-8")) if text else {}
    finally:
        lib.aai_sync_result_free(ptr)


# --------------------------------------------------------------------------------------
# Audio sources
# --------------------------------------------------------------------------------------


def as_bytes(chunk: object, what: str = "transcribe_live() audio chunks") -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, (bytearray, memoryview)):
        return bytes(chunk)
    if isinstance(chunk, str):
        raise TypeError(f"{what} must be bytes, not str. Open the file in binary mode ('rb') or encode the producer's output.")
    raise TypeError(f"{what} must be bytes, not {type(chunk).__name__}")


def iter_chunks(data: Any) -> Iterable[bytes]:
    if hasattr(data, "read"):
        while True:
            chunk = data.read(32 * 1024)
            if not chunk:
                return
            yield as_bytes(chunk)
    else:
        for chunk in data:
            yield as_bytes(chunk)


def stream_filename(data: Any) -> Optional[str]:
    name = getattr(data, "name", None)
    return os.path.basename(name) if isinstance(name, str) and name else None


def check_chunks(data: object, *, allow_async: bool = False, allow_whole: bool = False) -> None:
    """The mistakes 1.8.2 names before a streamed upload starts."""
    if not allow_whole and isinstance(data, (bytes, bytearray)):
        raise TypeError("transcribe_live() expects an iterable of audio chunks or a file object, not audio bytes. "
                        "Audio you already hold whole should go to transcribe(), which is faster for it.")
    if not allow_whole and isinstance(data, (str, os.PathLike)):
        raise TypeError("transcribe_live() expects an iterable of audio chunks or a file object, not a path. "
                        "Open the file and pass the file object, or use transcribe() to let the SDK read it.")
    if hasattr(data, "read") or hasattr(data, "__iter__") or isinstance(data, (str, os.PathLike)):
        return
    if hasattr(data, "__aiter__"):
        if allow_async:
            return
        raise TypeError("transcribe_live() cannot consume an async iterable here. Use the async transcriber's "
                        "transcribe_live(), or hand it a plain iterable or file object.")
    raise TypeError(f"unsupported audio stream type: {type(data).__name__}")


def check_url(path: str, owner: str) -> None:
    if path.lower().startswith(("http://", "https://")):
        raise ValueError(f"{owner} does not accept URLs. Pass a local file path or audio bytes, "
                         "or use aai.Transcriber for URL/async transcription.")


# --------------------------------------------------------------------------------------
# Library calls
# --------------------------------------------------------------------------------------


class NativeTranscriber:
    """An aai_sync_transcriber (Sync or Dictation) on the current global settings."""

    def __init__(self, dictation: bool, kind: Type[AudioRequestError], api_key: Optional[str] = None) -> None:
        self.dictation = dictation
        self.kind = kind
        self.api_key = api_key

    def _client(self) -> _ffi.Handle:
        if self.api_key is not None:
            s = _global_settings.copy()
            s.api_key = self.api_key
            client = s._client_handle()
        else:
            client = client_handle(self.kind)
        return client

    def handle(self) -> Tuple[_ffi.Handle, _ffi.Handle]:
        client = self._client()
        t = TranscriberP()
        new = lib.aai_dictation_transcriber_new if self.dictation else lib.aai_sync_transcriber_new
        _ffi.check(new(client.ptr, ctypes.byref(t)))
        return client, _ffi.Handle(t, lib.aai_sync_transcriber_free)

    def transcribe_path(self, path: str, config: Optional[ConfigBase]) -> Dict[str, Any]:
        _, t = self.handle()
        with new_config(config) as cfg:
            out = ResultP()
            status = lib.aai_sync_transcribe_file(t.ptr, _ffi.encode(path, "path"), cfg, ctypes.byref(out))
            raise_for(status, self.kind)
            return take_result(out)

    def transcribe_bytes(self, data: bytes, config: Optional[ConfigBase]) -> Dict[str, Any]:
        _, t = self.handle()
        with new_config(config) as cfg:
            out = ResultP()
            status = lib.aai_sync_transcribe_bytes(t.ptr, data, len(data), cfg, ctypes.byref(out))
            raise_for(status, self.kind)
            return take_result(out)

    def transcribe_whole(self, data: Any, config: Optional[ConfigBase], owner: str) -> Dict[str, Any]:
        """A path, bytes or a binary file object, as 1.8.2's transcribe() takes them."""
        if isinstance(data, (bytes, bytearray, memoryview)):
            return self.transcribe_bytes(bytes(data), config)
        if isinstance(data, (str, os.PathLike)):
            path = os.fspath(data)
            check_url(path, owner)
            return self.transcribe_path(path, config)
        if hasattr(data, "read"):
            return self.transcribe_reader([as_bytes(data.read(), "the file object's contents")], stream_filename(data), config)
        raise TypeError(f"unsupported audio input type: {type(data).__name__}")

    def transcribe_reader(self, chunks: Iterable[bytes], filename: Optional[str], config: Optional[ConfigBase]) -> Dict[str, Any]:
        """Streams `chunks` through the library's reader variant, on this thread. An exception
        the producer raises drops the upload and propagates unchanged."""
        _, t = self.handle()
        it = iter(chunks)
        pending = [b""]
        failure: List[BaseException] = []

        def read(buf: int, cap: int, _user: Any) -> int:
            try:
                while not pending[0]:
                    pending[0] = next(it)
                piece, pending[0] = pending[0][:cap], pending[0][cap:]
                ctypes.memmove(buf, piece, len(piece))
                return len(piece)
            except StopIteration:
                return 0
            except BaseException as e:  # noqa: B902 - re-raised after the call
                failure.append(e)
                return -1

        cb = READ_CALLBACK(read)
        with new_config(config) as cfg:
            out = ResultP()
            name = _ffi.encode(filename, "filename") if filename else None
            status = lib.aai_sync_transcribe_reader(t.ptr, cb, None, name, cfg, ctypes.byref(out))
            if failure:
                raise failure[0]
            raise_for(status, self.kind)
            return take_result(out)

    def warm(self) -> bool:
        _, t = self.handle()
        return lib.aai_sync_warm(t.ptr) == _ffi.AAI_OK


def apply_hosts(client: _ffi.Handle, values: Dict[str, Any]) -> None:
    """Puts the Sync and Dictation settings on a client (called by _settings when it builds one,
    so an invalid value raises when it is assigned)."""
    kind = errors.InvalidArgumentError
    _ffi.check(lib.aai_client_set_sync_base_url(client.ptr, _ffi.encode(values["sync_base_url"], "settings.sync_base_url")), kind)
    _ffi.check(lib.aai_client_set_sync_timeouts_ms(client.ptr, _ms(values["sync_http_timeout"]),
                                                   _ms(values["sync_live_http_timeout"])), kind)
    _ffi.check(lib.aai_client_set_dictation_base_url(client.ptr, _ffi.encode(values["dictation_base_url"],
                                                                             "settings.dictation_base_url")), kind)
    _ffi.check(lib.aai_client_set_dictation_timeout_ms(client.ptr, _ms(values["dictation_http_timeout"])), kind)


def _ms(seconds: Any) -> int:
    return max(1, min(2**31 - 1, int(round(float(seconds) * 1000))))


# --------------------------------------------------------------------------------------
# Live sessions: one ctypes callback for all of them (user_data is a key)
# --------------------------------------------------------------------------------------

_pending: Dict[int, Callable[[int], None]] = {}
_pending_lock = threading.Lock()
_keys = itertools.count(1)


def _on_done(_session: Any, status: int, user_data: Optional[int]) -> None:
    with _pending_lock:
        fn = _pending.pop(int(user_data or 0), None)
    if fn is not None:
        fn(int(status))


_ON_DONE = LIVE_CALLBACK(_on_done)


class LiveAudio:
    """What a live upload's session has in both its threaded and its asyncio form: the audio
    side (``write()``, ``close()``, ``closed``) over a NativeLive."""

    def __init__(self, native: "NativeLive") -> None:
        self._native = native
        self._closed = False
        self._aborted = False

    @property
    def closed(self) -> bool:
        """Whether the audio has ended, by `close()`, `result()` or `abort()`."""
        return self._closed

    def write(self, chunk: bytes) -> None:
        """Queues a piece of audio for upload. Safe from any thread; never blocks."""
        if self._closed:
            raise RuntimeError("the live session is closed; no more audio can be written")
        data = as_bytes(chunk)
        if data:
            self._native.write(data)

    def close(self) -> None:
        """Ends the audio. Idempotent; never blocks."""
        if not self._closed:
            self._closed = True
            self._native.close()


class NativeLive:
    """An aai_sync_live session. `on_done(status)` (optional) runs on the session's thread."""

    def __init__(self, transcriber: NativeTranscriber, config: Optional[ConfigBase], filename: Optional[str] = None,
                 on_done: Optional[Callable[[int], None]] = None) -> None:
        self.kind = transcriber.kind
        self._client, self._transcriber = transcriber.handle()
        ptr = LiveP()
        key = 0
        if on_done is not None:
            key = next(_keys)
            with _pending_lock:
                _pending[key] = on_done
        with new_config(config) as cfg:
            name = _ffi.encode(filename, "filename") if filename else None
            status = lib.aai_sync_live_open(self._transcriber.ptr, name, cfg, _ON_DONE if on_done else LIVE_CALLBACK(),
                                            c_void_p(key) if key else None, ctypes.byref(ptr))
        if status != _ffi.AAI_OK:
            with _pending_lock:
                _pending.pop(key, None)
            raise error_for(status, self.kind)
        self.handle = _ffi.Handle(ptr, lib.aai_sync_live_free)

    def write(self, chunk: bytes) -> None:
        status = lib.aai_sync_live_write(self.handle.ptr, chunk, len(chunk))
        if status == _ffi.AAI_ERR_STATE or status == _ffi.AAI_ERR_CANCELLED:
            raise RuntimeError("the live session is closed; no more audio can be written")
        raise_for(status, self.kind)

    def close(self) -> None:
        lib.aai_sync_live_close(self.handle.ptr)

    def cancel(self) -> None:
        lib.aai_sync_live_cancel(self.handle.ptr)

    def result(self) -> Dict[str, Any]:
        out = ResultP()
        status = lib.aai_sync_live_result(self.handle.ptr, ctypes.byref(out))
        raise_for(status, self.kind)
        return take_result(out)


def live_with_completion(transcriber: NativeTranscriber, config: Optional[ConfigBase], filename: Optional[str],
                         parse: Callable[[Dict[str, Any]], Any],
                         complete: Callable[[Any, Optional[BaseException]], None]) -> NativeLive:
    """Opens a live session whose outcome is handed to `complete(value, error)` once, from the
    library's callback (the session's thread), or from here when it finished before the open
    call returned."""
    state: Dict[str, Any] = {"native": None, "fired": False}
    lock = threading.Lock()

    def finish() -> None:
        try:
            value = parse(state["native"].result())
        except BaseException as e:  # noqa: B902 - handed over
            complete(None, e)
            return
        complete(value, None)

    def on_done(_status: int) -> None:
        with lock:
            state["fired"] = True
            ready = state["native"] is not None
        if ready:
            finish()

    native = NativeLive(transcriber, config, filename, on_done)
    with lock:
        state["native"] = native
        fired = state["fired"]
    if fired:
        finish()
    return native


def whole_audio(data: Any, owner: str) -> "tuple":
    """Audio held whole as (bytes, multipart filename or None)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data), None
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        check_url(path, owner)
        with open(path, "rb") as f:
            return f.read(), os.path.basename(path)
    if hasattr(data, "read"):
        return as_bytes(data.read(), "the file object's contents"), stream_filename(data)
    raise TypeError(f"unsupported audio input type: {type(data).__name__}")


def open_async(native_transcriber: "NativeTranscriber", config: Any, filename: Optional[str],
          parse: Callable[[Any], Any]) -> "tuple":
    """Opens a live session whose outcome resolves an asyncio future of the running loop."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(value: Any, error: Optional[BaseException]) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def complete(value: Any, error: Optional[BaseException]) -> None:
        try:
            loop.call_soon_threadsafe(settle, value, error)
        except RuntimeError:  # the loop is closed: nobody waits
            pass

    native = live_with_completion(native_transcriber, config, filename, parse, complete)
    return native, future


async def aiter_chunks(data: Any):  # type: ignore[no-untyped-def]
    if hasattr(data, "__aiter__"):
        async for chunk in data:
            yield as_bytes(chunk)
    elif hasattr(data, "read"):
        while True:
            chunk = await asyncio.to_thread(data.read, 32 * 1024)
            if not chunk:
                return
            yield as_bytes(chunk)
    else:
        for chunk in data:
            yield as_bytes(chunk)
