"""``TTSSession``: the Text-to-Speech WebSocket API (the official SDK's
``assemblyai.tts.v1.session``), on libassemblyai's ``aai_tts_session``: the library owns the
socket and its reader thread, and hands every frame to one ctypes callback."""

from __future__ import annotations

import ctypes
import itertools
import json
import logging
import threading
import weakref
from collections import deque

from ... import _ffi
from . import _call, _native
from ._native import lib
from .models import TTSConfig, TTSError, TTSInvalidArgumentError
from .ws_models import (
    RETRYABLE_CLOSE_CODES,
    TTSAudioEvent,
    TTSBeginEvent,
    TTSCancelledEvent,
    TTSEvents,
    TTSFlushDoneEvent,
    TTSTerminationEvent,
    TTSWordBoundariesEvent,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Deque, Dict, Iterator, List, Optional, Union

__all__ = ["TTSSession"]

logger = logging.getLogger(__name__)

# Weak: a session nobody references is freed (its handle's finalizer frees the library session,
# after which the callback no longer runs).
_sessions: "weakref.WeakValueDictionary[int, TTSSession]" = weakref.WeakValueDictionary()
_sessions_lock = threading.Lock()
_keys = itertools.count(1)
# Audio frames queued for pulling before the oldest is dropped (as the official SDK).
PULL_QUEUE_FRAMES = 2000


def _on_event(event: Any, user_data: Optional[int]) -> None:
    session = _sessions.get(int(user_data or 0))
    if session is None:
        return
    try:
        session._dispatch(event.contents)
    except BaseException:  # noqa: B902 - never across the C boundary
        logger.exception("TTSSession: handling an event failed")


_CALLBACK = _native.SESSION_CALLBACK(_on_event)


def _check_session_config(config: TTSConfig) -> None:
    if config.container not in (None, "raw") or config.bit_rate is not None:
        raise ValueError("a wav container and bit_rate do not apply to a session, which streams raw pcm_s16le, "
                         "pcm_mulaw or pcm_alaw; leave them unset in its TTSConfig")


class TTSSession:
    """
    A Text-to-Speech WebSocket session: text in as it is written, audio out.

    Open it with ``with`` (connects and waits for ``Begin``). ``generate()`` sends text,
    ``flush()`` concludes a request, ``audio(flush_id)`` reads its audio, ``speak()`` does all
    three; ``cancel()`` is the barge-in. Leaving the ``with`` block sends ``Terminate`` and waits
    for the ``Termination`` summary (``session.termination``). Handlers registered with
    ``on()`` run on the library's reader thread; registering an ``Audio`` handler turns off pulling.
    """

    def __init__(self, config: Optional[TTSConfig] = None, *, client: Any = None, api_key: Optional[str] = None,
                 token: Optional[str] = None, word_boundaries: bool = False, inactivity_timeout: Optional[int] = None,
                 connect_timeout: float = 10.0, terminate_timeout: float = 10.0) -> None:
        if config is not None and not isinstance(config, TTSConfig):
            raise TypeError(f"TTSSession config must be a TTSConfig, not {type(config).__name__}")
        self.config = config or TTSConfig()
        _check_session_config(self.config)
        self._settings = _call.resolve_settings(client, api_key)
        if token is None and not self._settings.api_key:
            raise ValueError("Please provide an API key: set the ASSEMBLYAI_API_KEY environment variable, set "
                             "aai.settings.api_key, or pass api_key= or token= to TTSSession.")
        self._token = token
        self._word_boundaries = word_boundaries
        self._inactivity_timeout = inactivity_timeout
        self._connect_timeout = connect_timeout
        self._terminate_timeout = terminate_timeout
        self._handlers: Dict[str, List[Callable[[Any], None]]] = {}
        self._key = next(_keys)
        self._handle: Optional[_ffi.Handle] = None
        self._reader_ident: Optional[int] = None
        self._cond = threading.Condition()
        self._items: Deque[Any] = deque()
        self._audio_count = 0
        self._next_flush_id = 0
        self._cancelled_before = -1
        self._send_lock = threading.RLock()
        self.begin: Optional[TTSBeginEvent] = None
        self.termination: Optional[TTSTerminationEvent] = None
        self.error: Optional[TTSError] = None
        self._error_raised = False
        self._stopped = False

    # -- lifecycle -------------------------------------------------------------------------

    def on(self, event: Union[TTSEvents, str], handler: Callable[[Any], None]) -> None:
        """Registers ``handler(event)`` for a server frame type (runs on the reader thread)."""
        name = str(event)
        if name not in TTSEvents.__members__:
            raise ValueError(f"unknown event {name!r}; one of {', '.join(TTSEvents.__members__)}")
        self._handlers.setdefault(name, []).append(handler)

    def connect(self) -> TTSBeginEvent:
        """Opens the socket and waits for ``Begin``; raises TTSError when the API refuses it."""
        self._check_not_in_handler("connect()")
        self._release()
        with self._cond:
            self._items.clear()
            self._audio_count = 0
        self._next_flush_id = 0
        self._cancelled_before = -1
        self.begin = self.termination = self.error = None
        self._error_raised = False
        self._stopped = False
        client = _call.client_handle(self._settings) if self._settings.api_key else _call.client_handle_without_key(self._settings)
        cfg = _call.ConfigHandle(self.config)
        out = _native.TTSSessionP()
        with _sessions_lock:
            _sessions[self._key] = self
        token = _ffi.encode(self._token, "token") if self._token is not None else None
        status = lib.aai_tts_session_new(client.ptr, cfg.handle.ptr, int(bool(self._word_boundaries)),
                                         int(self._inactivity_timeout or 0), token, _CALLBACK,
                                         ctypes.c_void_p(self._key), ctypes.byref(out))
        if status != _ffi.AAI_OK:
            raise _call.error_from(status, None)
        self._handle = _ffi.Handle(out, lib.aai_tts_session_free)
        status = lib.aai_tts_session_connect(out, ctypes.c_long(int(self._connect_timeout * 1000)))
        if status != _ffi.AAI_OK:
            error = self.error or _call.error_from(status, None)
            self._release()
            self._error_raised = True
            raise error
        assert self.begin is not None
        return self.begin

    def terminate(self) -> Optional[TTSTerminationEvent]:
        """Ends cleanly: ``Terminate``, then waits for ``Termination``; returns the summary or None."""
        self._check_not_in_handler("terminate()")
        if self._handle is None:
            return None
        if not self._stopped:
            lib.aai_tts_session_terminate(self._handle.ptr, ctypes.c_long(int(self._terminate_timeout * 1000)))
        self._release()
        return self.termination

    def close(self) -> None:
        """Closes the socket without ``Terminate``; in-flight audio is dropped."""
        if self._handle is not None:
            lib.aai_tts_session_close(self._handle.ptr)
        self._stop()
        if self._reader_ident != threading.get_ident():
            self._release()

    def _release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # aai_tts_session_free: the callback does not run afterwards
        self._stop()

    def _stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._items.append(("closed", None, None))
            self._cond.notify_all()

    def __enter__(self) -> "TTSSession":
        self.connect()
        return self

    def __exit__(self, exc_type: Any, *exc: object) -> None:
        if exc_type is not None:
            self.close()
            return
        self.terminate()
        if self.error is not None and not self._error_raised:
            self._error_raised = True
            raise self.error

    # -- sending ---------------------------------------------------------------------------

    def _check(self, status: int) -> None:
        if status == _ffi.AAI_OK:
            return
        if self.error is not None:
            self._error_raised = True
            raise self.error
        if status == _ffi.AAI_ERR_STATE:
            raise RuntimeError("the session is not open: use `with` / `async with`, or connect()")
        raise _call.error_from(status, None)

    def _ptr(self) -> Any:
        if self._handle is None:
            if self.error is not None:
                self._error_raised = True
                raise self.error
            raise RuntimeError("the session is not open: use `with` / `async with`, or connect()")
        return self._handle.ptr

    def generate(self, text: str) -> None:
        """Appends ``text`` to the current request (joined exactly as sent)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        limit = self._limit()
        if limit and len(text) > limit:
            raise ValueError(f"text is {len(text)} characters, over the {limit}-character limit of one Generate "
                             "frame; split it across several generate() calls")
        self._check(lib.aai_tts_session_generate(self._ptr(), _ffi.encode(text, "text")))

    def flush(self) -> int:
        """Concludes the current request and returns its ``flush_id``."""
        with self._send_lock:
            out = ctypes.c_int64()
            self._check(lib.aai_tts_session_flush(self._ptr(), ctypes.byref(out)))
            self._next_flush_id = int(out.value) + 1
            return int(out.value)

    def cancel(self) -> None:
        """Barge-in: stops the request in flight and drops queued requests."""
        with self._send_lock:
            out = ctypes.c_int64()
            self._check(lib.aai_tts_session_cancel(self._ptr(), ctypes.byref(out)))
            self._next_flush_id = int(out.value) + 1
            with self._cond:
                self._cancelled_before = max(self._cancelled_before, int(out.value))
                self._cond.notify_all()
            self._put(("cancelled", int(out.value), None))

    def keep_alive(self) -> None:
        self._check(lib.aai_tts_session_keep_alive(self._ptr()))

    def speak(self, text: str) -> Iterator[bytes]:
        """``generate()`` (split at the frame limit), ``flush()``, then the request's audio."""
        self._check_not_in_handler("speak()")
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        limit = self._limit() or max(len(text), 1)
        for start in range(0, len(text), limit):
            self.generate(text[start:start + limit])
        return self.audio(self.flush())

    def audio(self, flush_id: Optional[int] = None) -> Iterator[bytes]:
        """Yields the audio of request ``flush_id`` (default: the one being written) until its
        ``FlushDone``, or until it is cancelled. Raises TTSError if the session fails."""
        self._check_not_in_handler("audio()")
        if self._handle is None and not self._items:
            raise RuntimeError("the session is not open")
        if flush_id is None:
            flush_id = self._next_flush_id
        elif flush_id > self._next_flush_id:
            raise ValueError(f"flush_id {flush_id} has not been flushed yet")
        if TTSEvents.Audio.value in self._handlers:
            raise RuntimeError("audio goes to the registered Audio handler; pull with audio() or speak() only without one")
        return self._iter_audio(flush_id)

    def _iter_audio(self, flush_id: int) -> Iterator[bytes]:
        while True:
            with self._cond:
                while not self._items and flush_id > self._cancelled_before:
                    self._cond.wait(0.5)
                if flush_id <= self._cancelled_before:
                    return
                kind, ident, payload = self._items.popleft()
                if kind == "audio":
                    self._audio_count -= 1
            if kind == "audio":
                if ident == flush_id:
                    yield payload
            elif kind == "done" and ident == flush_id:
                return
            elif kind == "error":
                self._error_raised = True
                raise payload
            elif kind == "closed":
                if self.error is not None:
                    self._error_raised = True
                    raise self.error
                return

    # -- internals -------------------------------------------------------------------------

    def _limit(self) -> int:
        limits = (self.begin.configuration or {}).get("limits") if self.begin else None
        value = limits.get("max_generate_text_length") if isinstance(limits, dict) else None
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 2000

    def _check_not_in_handler(self, method: str) -> None:
        if self._reader_ident is not None and threading.get_ident() == self._reader_ident:
            raise RuntimeError(f"{method} cannot be called from a session handler: it waits for the session's "
                               "reader, which runs the handlers")

    def _put(self, item: Any) -> None:
        with self._cond:
            self._items.append(item)
            if item[0] == "audio":
                self._audio_count += 1
                if self._audio_count > PULL_QUEUE_FRAMES:
                    for i, queued in enumerate(self._items):
                        if queued[0] == "audio":
                            del self._items[i]
                            self._audio_count -= 1
                            break
            self._cond.notify_all()

    def _emit(self, name: str, payload: Any) -> None:
        for handler in self._handlers.get(name, ()):
            try:
                handler(payload)
            except Exception:
                logger.exception("TTSSession handler for %s raised", name)

    def _dispatch(self, e: Any) -> None:  # on the library's reader thread
        self._reader_ident = threading.get_ident()
        t = e.type
        if t == _native.AAI_TTS_SESSION_BEGIN:
            frame = json.loads(e.json.decode()) if e.json else {}
            self.begin = TTSBeginEvent(id=(e.session_id or b"").decode(), expires_at=frame.get("expires_at"),
                                       configuration=frame.get("configuration") or {})
            self._emit("Begin", self.begin)
        elif t == _native.AAI_TTS_SESSION_AUDIO:
            data = ctypes.string_at(e.audio, e.audio_size) if e.audio_size else b""
            if "Audio" in self._handlers:
                self._emit("Audio", TTSAudioEvent(flush_id=int(e.flush_id), audio=data))
            else:
                self._put(("audio", int(e.flush_id), data))
        elif t == _native.AAI_TTS_SESSION_FLUSH_DONE:
            self._put(("done", int(e.flush_id), None))
            self._emit("FlushDone", TTSFlushDoneEvent(flush_id=int(e.flush_id), audio_duration_ms=int(e.audio_duration_ms)))
        elif t == _native.AAI_TTS_SESSION_WORD_BOUNDARIES:
            words = _call._words_from_c(e.words, int(e.word_count))
            self._emit("WordBoundaries", TTSWordBoundariesEvent(flush_id=int(e.flush_id), audio_start_ms=int(e.audio_start_ms),
                                                                words=words))
        elif t == _native.AAI_TTS_SESSION_CANCELLED:
            self._emit("Cancelled", TTSCancelledEvent(audio_duration_seconds=e.audio_duration_ms / 1000.0))
        elif t == _native.AAI_TTS_SESSION_TERMINATION:
            data = json.loads(e.json.decode()) if e.json else {}
            self.termination = TTSTerminationEvent(**data)
            self._emit("Termination", self.termination)
            self._stop()
        elif t == _native.AAI_TTS_SESSION_ERROR:
            error = self._error_from_event(e)
            if self.error is None:
                if error.request_id is None and self.begin is not None:
                    error.request_id = self.begin.id
                self.error = error
                self._put(("error", None, error))
                self._emit("Error", error)
            self._stop()

    def _error_from_event(self, e: Any) -> TTSError:
        message = (e.message or b"").decode("utf-8", "replace")
        code = int(e.close_code)
        frame = json.loads(e.json.decode()) if e.json else None
        status = _ffi.status_name(int(e.status))
        if isinstance(frame, dict):
            body = dict(frame)
            body.setdefault("close_code", frame.get("error_code", code))
            retry_after = frame.get("retry_after_seconds")
            return TTSError(message, error_code=frame.get("error_type"), param=frame.get("param"),
                            retryable=frame.get("retryable"),
                            retry_after=int(retry_after) if isinstance(retry_after, (int, float)) else None,
                            body=body, status=status)
        return TTSError(message, retryable=code in RETRYABLE_CLOSE_CODES, body={"close_code": code, "reason": message},
                        status=status)


