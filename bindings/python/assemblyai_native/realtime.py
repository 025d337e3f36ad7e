"""Realtime v2 streaming, as the official SDK 0.37 spells it (``aai.RealtimeTranscriber``)."""

from __future__ import annotations

import ctypes
import enum
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Generator, Iterable, List, Optional, Union

from . import _ffi, _streaming, errors
from ._ffi import lib
from ._model import model
from .types._base import _Model, _Received


class RealtimeMessageTypes(str, enum.Enum):
    """The type of message received from the real-time API."""

    partial_transcript = "PartialTranscript"
    final_transcript = "FinalTranscript"
    session_begins = "SessionBegins"
    session_terminated = "SessionTerminated"
    session_information = "SessionInformation"


class AudioEncoding(str, enum.Enum):
    """The encoding of the audio data."""

    pcm_s16le = "pcm_s16le"
    pcm_mulaw = "pcm_mulaw"


@model
class RealtimeSessionOpened(_Model, _Received):
    """Once a real-time session is opened, the client receives this message."""

    session_id: str
    expires_at: datetime
    message_type: RealtimeMessageTypes = RealtimeMessageTypes.session_begins


@model
class RealtimeWord(_Model):
    """A word in a real-time transcript (times in ms from the session's start)."""

    start: int
    end: int
    confidence: float
    text: str


@model
class RealtimeTranscript(_Model, _Received):
    """Base class for real-time transcript messages."""

    audio_start: int
    audio_end: int
    confidence: float
    text: str
    words: List[RealtimeWord]
    created: Optional[datetime] = None
    message_type: Optional[RealtimeMessageTypes] = None


@model
class RealtimePartialTranscript(RealtimeTranscript):
    """A partial transcript: words heard so far in the current utterance."""

    message_type: RealtimeMessageTypes = RealtimeMessageTypes.partial_transcript


@model
class RealtimeFinalTranscript(RealtimeTranscript):
    """The final transcript of an utterance, punctuated and formatted."""

    message_type: RealtimeMessageTypes = RealtimeMessageTypes.final_transcript
    punctuated: bool = False
    text_formatted: bool = False


@model
class RealtimeSessionInformation(_Model, _Received):
    """Received right before the session ends when ``on_extra_session_information`` is set."""

    audio_duration_seconds: float
    message_type: RealtimeMessageTypes = RealtimeMessageTypes.session_information


class RealtimeError(errors.AssemblyAIError):
    """Real-time error; ``status_code`` holds the close code when the server closed the session."""


RealtimeErrorMapping: Dict[int, str] = {
    4000: "Sample rate must be a positive integer",
    4001: "Not Authorized",
    4002: "Insufficient Funds",
    4003: "This feature is paid-only and requires you to add a credit card.\n"
          "    Please visit https://app.assemblyai.com/ to add a credit card to your account",
    4004: "Session Not Found",
    4008: "Session Expired",
    4010: "Session Previously Closed",
    4029: "Client sent audio too fast",
    4030: "Session is handled by another websocket",
    4031: "Session idle for too long",
    4032: "Audio duration is too short",
    4033: "Audio duration is too long",
    4034: "Audio too small to transcode",
    4100: "Endpoint received invalid JSON",
    4101: "Endpoint received a message with an invalid schema",
    4102: "This account has exceeded the number of allowed streams",
    4103: "The session has been reconnected. This websocket is no longer valid.",
    4104: "Could not parse word boost parameter",
    1013: "Temporary server condition forced blocking client's request",
}


def _parse_time(value: Any) -> Optional[datetime]:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        # Python < 3.11 takes at most 6 fraction digits.
        head, dot, frac = text.partition(".")
        if not dot:
            return None
        digits = "".join(c for c in frac if c.isdigit())
        rest = frac[len(digits):]
        try:
            parsed = datetime.fromisoformat(f"{head}.{digits[:6].ljust(6, '0')}{rest}")
        except ValueError:
            return None
    return parsed


def _expires(epoch: int, raw: Any) -> datetime:
    parsed = _parse_time(raw)
    if parsed is not None:
        return parsed
    return datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None)


def _error_for(message: str, code: Optional[int]) -> RealtimeError:
    if code and code in RealtimeErrorMapping:
        message = RealtimeErrorMapping[code]
    return RealtimeError(message, code or None)


class RealtimeTranscriber:
    """Streams audio to the realtime v2 API and calls back with transcripts (official 0.37 API).

    Callbacks run on the session's callback thread, one at a time, in order. An exception a
    callback raises is logged (logger ``assemblyai_native.streaming``) and passed to
    ``on_error`` as a :class:`RealtimeError` (its ``__cause__`` is the exception); the session
    goes on. ``close()`` may be called from inside a callback."""

    def __init__(
        self,
        *,
        on_data: Callable[[RealtimeTranscript], None],
        on_error: Callable[[RealtimeError], None],
        on_open: Optional[Callable[[RealtimeSessionOpened], None]] = None,
        on_close: Optional[Callable[[], None]] = None,
        sample_rate: int,
        word_boost: List[str] = [],
        encoding: Optional[AudioEncoding] = None,
        token: Optional[str] = None,
        client: Any = None,
        end_utterance_silence_threshold: Optional[int] = None,
        disable_partial_transcripts: Optional[bool] = None,
        on_extra_session_information: Optional[Callable[[RealtimeSessionInformation], None]] = None,
    ) -> None:
        from ._settings import settings

        self._on_data = on_data
        self._on_error = on_error
        self._on_open = on_open
        self._on_close = on_close
        self._on_extra_session_information = on_extra_session_information
        self._closed_reported = False
        self._lock = threading.Lock()
        if token is None:
            client_handle = settings._client_handle()  # ValueError without an API key, as upstream
        else:
            client_handle = _streaming.build_client(settings.api_key or None)
        self._session = _streaming.Session(client_handle, _ffi.AAI_STREAMING_V2, self._dispatch, self._report)
        s = self._session
        kind = errors.InvalidArgumentError
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int):
            raise TypeError(f"sample_rate must be an int, not {type(sample_rate).__name__}")
        s.check(lib.aai_streaming_set_sample_rate(s.ptr, sample_rate), kind)
        if encoding is not None:
            value = encoding.value if isinstance(encoding, enum.Enum) else str(encoding)
            s.check(lib.aai_streaming_set_encoding(s.ptr, _ffi.encode(value, "encoding")), kind)
        if word_boost:
            words = [_ffi.encode(str(w), "word_boost") for w in word_boost]
            arr = (ctypes.c_char_p * len(words))(*words)
            s.check(lib.aai_streaming_set_word_boost(s.ptr, arr, len(words)), kind)
        if token is not None:
            s.check(lib.aai_streaming_set_token(s.ptr, _ffi.encode(token, "token")), kind)
        if disable_partial_transcripts:
            s.check(lib.aai_streaming_set_disable_partial_transcripts(s.ptr, 1), kind)
        if on_extra_session_information is not None:
            s.check(lib.aai_streaming_set_enable_extra_session_information(s.ptr, 1), kind)
        if end_utterance_silence_threshold is not None:
            s.check(lib.aai_streaming_set_end_utterance_silence_threshold(
                s.ptr, int(end_utterance_silence_threshold)), kind)

    # -- events (callback thread) -------------------------------------------------------

    def _report(self, exc: BaseException, where: str) -> None:
        error = RealtimeError(f"the {where} callback raised {type(exc).__name__}: {exc}")
        error.__cause__ = exc
        if where == "on_error":
            return
        _streaming.call_handler(self._on_error, (error,), "on_error", None)

    def _call(self, handler: Optional[Callable[..., Any]], name: str, *args: Any) -> None:
        if handler is not None:
            _streaming.call_handler(handler, args, name, self._report)

    def _fire_close(self) -> None:
        with self._lock:
            if self._closed_reported:
                return
            self._closed_reported = True
        self._call(self._on_close, "on_close")

    def _dispatch(self, ev: _streaming.Event) -> None:
        t = ev.type
        if t == _ffi.AAI_STREAMING_EVENT_OPENED:
            self._call(self._on_open, "on_open",
                       _streaming.stamped(RealtimeSessionOpened(
                           session_id=ev.session_id or "",
                           expires_at=_expires(ev.expires_at, ev.json.get("expires_at"))), ev))
        elif t in (_ffi.AAI_STREAMING_EVENT_PARTIAL_TRANSCRIPT, _ffi.AAI_STREAMING_EVENT_FINAL_TRANSCRIPT):
            words = [RealtimeWord(start=s, end=e, confidence=c, text=txt) for (txt, s, e, c, _f) in ev.words]
            common = dict(audio_start=ev.audio_start, audio_end=ev.audio_end, confidence=ev.confidence,
                          text=ev.text or "", words=words, created=_parse_time(ev.json.get("created")))
            if t == _ffi.AAI_STREAMING_EVENT_FINAL_TRANSCRIPT:
                transcript: RealtimeTranscript = RealtimeFinalTranscript(
                    punctuated=ev.punctuated, text_formatted=ev.text_formatted, **common)
            else:
                transcript = RealtimePartialTranscript(**common)
            self._call(self._on_data, "on_data", _streaming.stamped(transcript, ev))
        elif t == _ffi.AAI_STREAMING_EVENT_SESSION_INFORMATION:
            self._call(self._on_extra_session_information, "on_extra_session_information",
                       _streaming.stamped(RealtimeSessionInformation(
                           audio_duration_seconds=ev.audio_duration_seconds), ev))
        elif t == _ffi.AAI_STREAMING_EVENT_ERROR:
            error = _error_for(ev.text or _ffi.status_name(ev.status), ev.close_code)
            error.status = _ffi.status_name(ev.status)
            _streaming.logger.error("realtime session error: %s (code=%s)", error, error.status_code)
            _streaming.call_handler(self._on_error, (error,), "on_error", None)
        elif t == _ffi.AAI_STREAMING_EVENT_CLOSED:
            self._fire_close()

    # -- the official API -------------------------------------------------------------------

    def connect(self, timeout: Optional[float] = 10.0) -> None:
        """Connects and returns once the session has begun. A failure (bad key: 4001, bad
        parameters, no server) goes to ``on_error`` (then ``on_close``), as in the official SDK."""
        s = self._session
        if timeout is not None:
            ms = max(1, int(timeout * 1000))
            s.check(lib.aai_streaming_set_connect_timeout_ms(s.ptr, ctypes.c_long(ms)), errors.InvalidArgumentError)
        exc = s.connect()
        if exc is not None:
            error = _error_for(f"Could not connect to the real-time service: {exc}", exc.status_code)
            error.status = exc.status
            error.__cause__ = exc
            _streaming.logger.error("realtime connect failed: %s (code=%s)", error, error.status_code)
            _streaming.call_handler(self._on_error, (error,), "on_error", None)
            self._fire_close()

    def stream(self, data: Union[bytes, Generator[bytes, None, None], Iterable[bytes]]) -> None:
        """Streams raw audio (bytes, or an iterable of bytes such as ``aai.extras.stream_file``
        or ``aai.extras.MicrophoneStream``) in the session's encoding and sample rate."""
        self._session.stream(data)

    def configure_end_utterance_silence_threshold(self, threshold_milliseconds: int) -> None:
        """Changes the end-of-utterance silence threshold during the session (0..20000 ms)."""
        if isinstance(threshold_milliseconds, bool) or not isinstance(threshold_milliseconds, int):
            raise TypeError("threshold_milliseconds must be an int")
        self._session.control(lib.aai_streaming_set_end_utterance_silence_threshold, threshold_milliseconds)

    def force_end_utterance(self) -> None:
        """Ends the current utterance now: the server sends its final transcript."""
        self._session.control(lib.aai_streaming_force_endpoint)

    def close(self, *, timeout: Optional[float] = 10.0) -> None:
        """Terminates the session and waits until the last transcripts were delivered, then
        calls ``on_close``. From inside a callback it starts the termination and returns.

        ``timeout`` (seconds; an extension: the official ``close()`` takes no argument and
        waits as long as the server takes) bounds the wait, queued audio included: when it
        passes, the connection is closed and ``on_error`` says so. None waits without limit."""
        s = self._session
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0):
            raise ValueError(f"timeout must be a number of seconds >= 0 or None, not {timeout!r}")
        if not s.freed and s.state == "open":
            # aai_streaming_close takes a limit > 0: None is the largest (24 days) a long surely holds.
            exc = s.close(2**31 - 1 if timeout is None else max(1, min(2**31 - 1, int(timeout * 1000))))
            if exc is not None and not s.ended.is_set():
                _streaming.logger.error("realtime close failed: %s", exc)
        if not _streaming.in_callback() and s.state != "open":
            self._fire_close()

    @property
    def session_id(self) -> Optional[str]:
        """The session's id once it began (an addition to the official API)."""
        return _ffi.text(lib.aai_streaming_session_id(self._session.ptr)) if not self._session.freed else None

    @classmethod
    def create_temporary_token(cls, expires_in: int, timeout: Optional[float] = None) -> str:
        """Creates a temporary token for ``RealtimeTranscriber(token=...)`` (POST /v2/realtime/token)."""
        from ._settings import settings

        if isinstance(expires_in, bool) or not isinstance(expires_in, int):
            raise TypeError("expires_in must be an int (seconds)")
        client = settings._client_handle()
        out = ctypes.c_void_p()
        _ffi.check(lib.aai_streaming_create_token_v2(client.ptr, expires_in, ctypes.byref(out)), RealtimeError)
        token = _ffi.take_string(out)
        if not token:
            raise RealtimeError("the server returned no token")
        return token
