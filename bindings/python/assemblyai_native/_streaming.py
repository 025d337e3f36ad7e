"""The one streaming session core under RealtimeTranscriber (v2) and StreamingClient (v3).

It owns an ``aai_streaming`` handle and its ctypes callback. Events arrive on the library's
callback thread; ctypes takes the GIL for the call. Each event is copied into plain Python
values (every pointer in it dies with the callback) and handed to ``dispatch``, which the
public classes implement. No exception ever leaves the callback: one raised by a user handler
is logged and given to ``report`` (the public class turns it into an error event).
"""

from __future__ import annotations

import ctypes
import json
import logging
import threading
import weakref
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from . import _ffi, errors
from ._ffi import lib

logger = logging.getLogger("assemblyai_native.streaming")

# Threads currently running a streaming callback (their idents).
_callback_threads: "set[int]" = set()
# Callback objects whose handle was freed from inside a callback: the ctypes thunk is still on
# that thread's stack then, so it is kept until a later session is created elsewhere.
_retired: List[Any] = []
_retired_lock = threading.Lock()


def in_callback() -> bool:
    return threading.get_ident() in _callback_threads


def _free(ptr: Any, cfunc: Any) -> None:
    lib.aai_streaming_free(ptr)
    if in_callback():
        with _retired_lock:
            _retired.append(cfunc)


class Event:
    """An event copied out of ``aai_streaming_event`` (the fields that apply to its type)."""

    __slots__ = ("type", "json", "message", "session_id", "expires_at", "text", "words", "audio_start",
                 "audio_end", "confidence", "punctuated", "text_formatted", "turn_order", "end_of_turn",
                 "turn_is_formatted", "end_of_turn_confidence", "utterance", "language_code",
                 "language_confidence", "speaker_label", "timestamp", "audio_duration_seconds",
                 "session_duration_seconds", "status", "close_code", "close_reason", "code", "received_ns",
                 "word_speakers", "model", "mode", "api_version", "total_audio_received_ms", "total_duration_ms",
                 "realtime_factor", "max_speech_probability", "data_json", "revisions")

    def __init__(self, ev: "_ffi.aai_streaming_event") -> None:
        self.type = int(ev.type)
        self.json: Dict[str, Any] = {}
        if ev.json and ev.json_length:
            raw = ctypes.string_at(ev.json, ev.json_length).decode("utf-8", "replace")
            try:
                parsed = json.loads(raw)
                if isinstance(parsed, dict):
                    self.json = parsed
            except ValueError:
                pass
        self.session_id = _ffi.text(ev.session_id)
        self.expires_at = int(ev.expires_at)
        self.text = _ffi.text(ev.text)
        self.words = [
            (_ffi.text(w.text) or "", int(w.start), int(w.end), float(w.confidence), bool(w.is_final))
            for w in (ev.words[i] for i in range(ev.word_count))
        ] if ev.words else []
        self.audio_start = int(ev.audio_start)
        self.audio_end = int(ev.audio_end)
        self.confidence = float(ev.confidence)
        self.punctuated = bool(ev.punctuated)
        self.text_formatted = bool(ev.text_formatted)
        self.turn_order = int(ev.turn_order)
        self.end_of_turn = bool(ev.end_of_turn)
        self.turn_is_formatted = bool(ev.turn_is_formatted)
        self.end_of_turn_confidence = float(ev.end_of_turn_confidence)
        self.utterance = _ffi.text(ev.utterance)
        self.language_code = _ffi.text(ev.language_code)
        self.language_confidence = float(ev.language_confidence)
        self.speaker_label = _ffi.text(ev.speaker_label)
        self.timestamp = int(ev.timestamp)
        self.audio_duration_seconds = float(ev.audio_duration_seconds)
        self.session_duration_seconds = float(ev.session_duration_seconds)
        self.status = int(ev.status)
        self.close_code = int(ev.close_code)
        self.close_reason = _ffi.text(ev.close_reason)
        self.code = int(ev.code)
        self.received_ns = int(ev.received_ns) or None  # 0: an event the library made
        self.word_speakers = _speakers(ev.word_speakers, ev.word_count)
        self.model = _ffi.text(ev.model)
        self.mode = _ffi.text(ev.mode)
        self.api_version = _ffi.text(ev.api_version)
        self.total_audio_received_ms = int(ev.total_audio_received_ms)
        self.total_duration_ms = int(ev.total_duration_ms)
        self.realtime_factor = float(ev.realtime_factor)
        self.max_speech_probability = float(ev.max_speech_probability)
        self.data_json = (ctypes.string_at(ev.data_json, ev.data_json_length).decode("utf-8", "replace")
                          if ev.data_json else None)
        # SPEAKER_REVISION: (turn_order, speaker_label, words as above, word speakers)
        self.revisions = []
        for i in range(ev.revision_count if ev.revisions else 0):
            r = ev.revisions[i]
            words = [(_ffi.text(w.text) or "", int(w.start), int(w.end), float(w.confidence), bool(w.is_final))
                     for w in (r.words[j] for j in range(r.word_count))] if r.words else []
            self.revisions.append((int(r.turn_order), _ffi.text(r.speaker_label), words,
                                   _speakers(r.word_speakers, r.word_count)))


def _speakers(table: Any, count: int) -> List[Optional[str]]:
    """A `word_speakers` table (count entries or NULL) as a list of speakers (None each when NULL)."""
    if not table:
        return [None] * int(count)
    return [_ffi.text(table[i]) for i in range(int(count))]


class Session:
    """One ``aai_streaming`` handle with its callback.

    ``dispatch(event)`` runs on the callback thread for every event; ``report(exc, where)``
    is told about an exception raised while dispatching."""

    def __init__(self, client: _ffi.Handle, protocol: int,
                 dispatch: Callable[[Event], None], report: Callable[[BaseException, str], None]) -> None:
        if not in_callback():
            with _retired_lock:
                _retired.clear()
        self._client = client  # the session keeps its own reference too; this keeps ours alive
        self.protocol = protocol
        self.state = "new"  # new -> open -> ended
        self._state_lock = threading.Lock()
        self.ended = threading.Event()
        target = weakref.ref(self)
        dispatch_ref = dispatch
        report_ref = report

        def on_event(event_ptr: Any, _user_data: Any) -> None:
            ident = threading.get_ident()
            _callback_threads.add(ident)
            try:
                session = target()
                if session is None or not event_ptr:
                    return
                try:
                    event = Event(event_ptr.contents)
                except BaseException as exc:  # never let anything escape into C
                    logger.exception("assemblyai_native: could not read a streaming event")
                    _safe(report_ref, exc, "reading an event")
                    return
                if event.type == _ffi.AAI_STREAMING_EVENT_CLOSED:
                    session._mark_ended()
                try:
                    dispatch_ref(event)
                except BaseException as exc:
                    _safe(report_ref, exc, "dispatching an event")
            finally:
                _callback_threads.discard(ident)

        self._cfunc = _ffi.STREAMING_CALLBACK(on_event)
        out = _ffi.StreamingP()
        _ffi.check(lib.aai_streaming_new(client.ptr, protocol, ctypes.byref(out)))
        if not out:
            raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no session", status="AAI_ERR_INTERNAL")
        self.ptr = out
        self._finalizer = weakref.finalize(self, _free, out, self._cfunc)
        _ffi.check(lib.aai_streaming_set_callback(out, self._cfunc, None))

    # -- life cycle -------------------------------------------------------------------

    @property
    def freed(self) -> bool:
        return not self._finalizer.alive

    def _mark_ended(self) -> None:
        with self._state_lock:
            self.state = "ended"
        self.ended.set()

    def check(self, status: int, kind: "type[errors.AssemblyAIError]" = errors.AssemblyAIError,
              path: Optional[str] = None) -> None:
        _ffi.check(status, kind, path)

    def set_connect_retries(self, retries: int, delay_s: float, what: str = "WebSocket connect") -> None:
        """Handshake retries (aai_streaming_set_connect_retries); each retried attempt is logged at
        DEBUG as the official SDK 1.8.2 logs it."""
        _ffi.check(lib.aai_streaming_set_connect_retries(self.ptr, int(retries), ctypes.c_long(int(round(delay_s * 1000))),
                                                         ctypes.c_double(1.0)), errors.InvalidArgumentError)

        def on_retry(attempt: int, max_attempts: int, status: int, http_status: int, delay_ms: int,
                     message: Any, _user_data: Any) -> None:
            try:
                logger.debug("%s attempt %d/%d failed (%s); retrying in %d ms", what, attempt, max_attempts,
                             _ffi.text(message) or _ffi.status_name(status), delay_ms)
            except BaseException:  # never let anything escape into C
                pass

        self._retry_cfunc = _ffi.aai_streaming_connect_retry_callback(on_retry)
        _ffi.check(lib.aai_streaming_set_connect_retry_callback(self.ptr, self._retry_cfunc, None))

    def connect(self) -> Optional[errors.AssemblyAIError]:
        """Connects; returns the failure (with the close code as status_code when there is one)
        instead of raising it."""
        status = lib.aai_streaming_connect(self.ptr)
        if status == _ffi.AAI_OK:
            with self._state_lock:
                if self.state == "new":
                    self.state = "open"
            return None
        exc = _ffi.last_error(status)
        code = int(lib.aai_streaming_close_code(self.ptr))
        if code:
            exc.status_code = code
        self._mark_ended()
        return exc

    @property
    def is_open(self) -> bool:
        return self.state == "open" and not self.freed

    def close(self, timeout_ms: int) -> Optional[errors.AssemblyAIError]:
        if self.freed:
            return None
        status = lib.aai_streaming_close(self.ptr, ctypes.c_long(timeout_ms))
        if status != _ffi.AAI_OK:
            exc = _ffi.last_error(status)
            code = int(lib.aai_streaming_close_code(self.ptr))
            if code:
                exc.status_code = code
            return exc
        return None

    def free(self) -> None:
        """Closes the connection at once (no termination) and frees the handle."""
        self._finalizer()
        self._mark_ended()

    # -- sending ----------------------------------------------------------------------

    def send_audio(self, data: Union[bytes, bytearray, memoryview]) -> bool:
        """Queues audio, waiting while the queue is full. False when the session is not open
        (the official SDKs drop audio silently then). Raises on invalid audio."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"audio data must be bytes, not {type(data).__name__}")
        if self.freed or self.state == "ended":
            return False
        buf = bytes(data)
        if not buf:
            return True
        while True:
            if self.freed:
                return False
            status = lib.aai_streaming_send_audio(self.ptr, buf, len(buf))
            if status == _ffi.AAI_OK:
                return True
            if status == _ffi.AAI_ERR_TIMEOUT and not self.ended.is_set():
                continue  # the queue stayed full for the send timeout: keep waiting
            if status in (_ffi.AAI_ERR_STATE, _ffi.AAI_ERR_TIMEOUT) or self.freed:
                return False  # (freed: by a handler on another thread since the check above)
            raise _ffi.last_error(status)

    def send_iterable(self, data: Iterable[bytes]) -> None:
        for chunk in data:
            if not self.send_audio(chunk):
                return

    def control(self, fn: Callable[..., int], *args: Any) -> bool:
        """A control message (force endpoint, threshold, update): False when not open."""
        if self.freed:
            return False
        status = fn(self.ptr, *args)
        if status == _ffi.AAI_OK:
            return True
        if status == _ffi.AAI_ERR_STATE or self.freed:
            return False
        raise _ffi.last_error(status)

    def stream(self, data: Any) -> None:
        """bytes, an iterable of bytes, or an extras source (WAV file, microphone)."""
        send = getattr(data, "_aai_send_to", None)
        if send is not None:
            send(self)
        elif isinstance(data, (bytes, bytearray, memoryview)):
            self.send_audio(data)
        else:
            self.send_iterable(data)


def set_callback_threads(threads: int) -> None:
    """How many library threads deliver the events of every streaming session of the process
    (0..64, default 8); only before the first session connects. The sessions share one I/O
    thread and this pool: the binding starts no thread per session. 0: the I/O thread runs the
    handlers itself (lowest latency; a handler then must be short and must not block, and
    ``connect`` is refused inside one: ``aai_streaming_set_callback_threads``)."""
    if not isinstance(threads, int) or isinstance(threads, bool):
        raise TypeError(f"threads must be an int, not {type(threads).__name__}")
    _ffi.check(lib.aai_streaming_set_callback_threads(threads))


def set_low_latency(enabled: bool) -> None:
    """Low-latency scheduling of the library's streaming threads (default on; only before the
    first session connects): short kernel time slices, and the I/O thread yields the CPU when it
    hands events to a callback thread (``aai_streaming_set_low_latency``)."""
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool, not {type(enabled).__name__}")
    _ffi.check(lib.aai_streaming_set_low_latency(1 if enabled else 0))


def process_threads() -> Dict[str, int]:
    """The process's streaming threads now: ``io`` (0 or 1), ``callbacks`` and ``sessions``."""
    io, cbs, live = ctypes.c_int(0), ctypes.c_int(0), ctypes.c_int(0)
    _ffi.check(lib.aai_streaming_threads(ctypes.byref(io), ctypes.byref(cbs), ctypes.byref(live)))
    return {"io": io.value, "callbacks": cbs.value, "sessions": live.value}


def stamped(obj: Any, ev: Event) -> Any:
    """`obj` with the time its server message was read (types._Received)."""
    obj.received_ns = ev.received_ns
    return obj


def _safe(report: Callable[[BaseException, str], None], exc: BaseException, where: str) -> None:
    try:
        report(exc, where)
    except BaseException:
        logger.exception("assemblyai_native: reporting a streaming error failed")


def call_handler(handler: Callable[..., Any], args: tuple, name: str,
                 on_exception: Optional[Callable[[BaseException, str], None]]) -> None:
    """Runs a user handler; an exception is logged and passed to `on_exception`."""
    try:
        handler(*args)
    except Exception as exc:
        logger.exception("assemblyai_native: the %s handler raised", name)
        if on_exception is not None:
            try:
                on_exception(exc, name)
            except Exception:
                logger.exception("assemblyai_native: the error handler raised")


def build_client(api_key: Optional[str], base_url: Optional[str] = None) -> _ffi.Handle:
    """An aai_client with `api_key` (may be None with a token) and the settings' other values."""
    from ._settings import _build_client, settings

    values = dict(settings._values)
    values["api_key"] = api_key
    if base_url is not None:
        values["base_url"] = base_url
    return _build_client(values)
