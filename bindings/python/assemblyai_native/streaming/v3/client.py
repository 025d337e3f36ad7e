"""``StreamingClient``: Universal Streaming v3 over libassemblyai's ``aai_streaming`` session."""

from __future__ import annotations

import ctypes
import enum
import json
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Generator, Iterable, List, Optional, Union

from ... import _ffi, _streaming, errors
from ..._ffi import lib
from .models import (
    BeginEvent,
    HeartbeatEvent,
    LLMGatewayResponseEvent,
    SessionConfiguration,
    SilenceEvent,
    SpeakerRevisionEvent,
    SpeakerRevisionItem,
    SpeechStartedEvent,
    StreamingClientOptions,
    StreamingError,
    StreamingErrorCodes,
    StreamingEvents,
    StreamingParameters,
    StreamingSessionParameters,
    TerminationEvent,
    TurnEvent,
    WarningEvent,
    Word,
)

logger = _streaming.logger
_DEFAULT_HOST = "streaming.assemblyai.com"

# Typed setters of the library, by parameter name.
_INT_SETTERS = {
    "sample_rate": "aai_streaming_set_sample_rate",
    "inactivity_timeout": "aai_streaming_set_inactivity_timeout",
    "max_speakers": "aai_streaming_set_max_speakers",
    "min_turn_silence": "aai_streaming_set_min_turn_silence",
    "max_turn_silence": "aai_streaming_set_max_turn_silence",
}
_BOOL_SETTERS = {
    "format_turns": "aai_streaming_set_format_turns",
    "language_detection": "aai_streaming_set_language_detection",
    "speaker_labels": "aai_streaming_set_speaker_labels",
}
_FLOAT_SETTERS = {
    "vad_threshold": "aai_streaming_set_vad_threshold",
    "end_of_turn_confidence_threshold": "aai_streaming_set_end_of_turn_confidence_threshold",
}
_STR_SETTERS = {
    "encoding": "aai_streaming_set_encoding",
    "speech_model": "aai_streaming_set_speech_model",
    "prompt": "aai_streaming_set_prompt",
}


# v3 parameters the library's typed by-name setters know (aai_streaming_set_*_param): it checks
# each one's type, range and allowed values before connecting (as the official SDK's pydantic
# model checks them). The setter is chosen by the value's Python type; a wrong type is refused
# by the library, naming the parameter.
_TYPED_PARAMS = frozenset((
    "mode", "domain", "voice_focus", "voice_focus_threshold", "noise_suppression_model",
    "noise_suppression_threshold", "include_partial_turns", "continuous_partials",
    "customer_support_audio_capture", "filter_profanity", "session_heartbeat", "acknowledge_silence",
    "language_codes", "language_code", "agent_context", "interruption_delay", "turn_left_pad_ms",
    "speaker_labels_revision_interval_ms", "webhook_url", "webhook_auth_header_name",
    "webhook_auth_header_value", "redact_pii", "redact_pii_policies", "redact_pii_sub", "llm_gateway",
))


def _set_typed_param(session: Any, ptr: Any, name: str, value: Any, kind: Any) -> None:
    n = _ffi.encode(name, "parameter")
    if isinstance(value, bool):
        session.check(lib.aai_streaming_set_bool_param(ptr, n, 1 if value else 0), kind)
    elif isinstance(value, int):
        session.check(lib.aai_streaming_set_int_param(ptr, n, value), kind)
    elif isinstance(value, float):
        session.check(lib.aai_streaming_set_double_param(ptr, n, ctypes.c_double(value)), kind)
    elif isinstance(value, str):
        session.check(lib.aai_streaming_set_string_param(ptr, n, _ffi.encode(value, name)), kind)
    elif isinstance(value, (list, tuple)):
        items = [_ffi.encode(str(v), name) for v in value]
        arr = (ctypes.c_char_p * max(1, len(items)))(*items)
        session.check(lib.aai_streaming_set_strings_param(ptr, n, arr, len(items)), kind)
    elif isinstance(value, dict):
        session.check(lib.aai_streaming_set_json_param(ptr, n, _ffi.encode(json.dumps(value), name)), kind)
    else:
        raise TypeError(f"{name}: {type(value).__name__} is not a parameter value")


def _words(words: List[Any], speakers: List[Optional[str]]) -> List[Word]:
    """Words copied from an event (text, start, end, confidence, is_final) with their speakers."""
    return [Word(start=start, end=end, confidence=conf, text=text, word_is_final=final,
                 speaker=speakers[i] if i < len(speakers) else None)
            for i, (text, start, end, conf, final) in enumerate(words)]


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses_is(value):
        return _plain(value.dict(exclude_none=True))
    return value


def dataclasses_is(value: Any) -> bool:
    import dataclasses

    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _normalize(params: Dict[str, Any]) -> Dict[str, Any]:
    old = params.pop("min_end_of_turn_silence_when_confident", None)
    if old is not None:
        logger.warning("[Deprecation Warning] `min_end_of_turn_silence_when_confident` is deprecated: "
                       "use `min_turn_silence`.")
        params.setdefault("min_turn_silence", old)
    return params


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


class StreamingClient:
    """Universal Streaming v3 client, as ``assemblyai.streaming.v3.StreamingClient``.

    Handlers registered with :meth:`on` are called as ``handler(client, event)`` on the
    session's callback thread, one at a time, in order. An exception a handler raises is
    logged (logger ``assemblyai_native.streaming``) and passed to the ``Error`` handlers as a
    :class:`StreamingError` (``__cause__`` is the exception); the session goes on.
    ``disconnect()`` may be called from inside a handler."""

    def __init__(self, options: Optional[StreamingClientOptions] = None, *, api_key: Optional[str] = None) -> None:
        if options is None:
            if api_key is None:
                raise ValueError("Please provide credentials: pass api_key= to the client, or "
                                 "StreamingClientOptions(api_key=...) or StreamingClientOptions(token=...).")
            options = StreamingClientOptions(api_key=api_key)
        elif api_key is not None:
            import dataclasses

            options = dataclasses.replace(options, api_key=api_key)
        self._options = options
        self._handlers: Dict[StreamingEvents, List[Callable[..., Any]]] = {e: [] for e in StreamingEvents}
        self._client = _streaming.build_client(options.api_key or None)
        self._session: Optional[_streaming.Session] = None
        self._error_reported = False
        self._lock = threading.Lock()

    # -- handlers -------------------------------------------------------------------------

    def on(self, event: StreamingEvents, handler: Callable[..., Any]) -> None:
        """Registers ``handler(client, event)`` for ``event`` (a :class:`StreamingEvents`)."""
        if isinstance(event, StreamingEvents) and callable(handler):
            self._handlers[event].append(handler)

    def _emit(self, kind: StreamingEvents, message: Any) -> None:
        for handler in list(self._handlers[kind]):
            _streaming.call_handler(handler, (self, message), f"on_{kind.name.lower()}",
                                    None if kind is StreamingEvents.Error else self._report)

    def _emit_from(self, ev: _streaming.Event, kind: StreamingEvents, message: Any) -> None:
        self._emit(kind, _streaming.stamped(message, ev))

    def _report(self, exc: BaseException, where: str) -> None:
        error = StreamingError(f"the {where} handler raised {type(exc).__name__}: {exc}")
        error.__cause__ = exc
        self._emit(StreamingEvents.Error, error)

    def _error(self, message: str, code: Optional[int]) -> None:
        with self._lock:
            if self._error_reported:
                return
            self._error_reported = True
        error = StreamingError(message, code)
        logger.error("streaming error: %s (code=%s)", message, code)
        self._emit(StreamingEvents.Error, error)

    def _dispatch(self, ev: _streaming.Event) -> None:
        t = ev.type
        j = ev.json
        if t == _ffi.AAI_STREAMING_EVENT_OPENED:
            conf = j.get("configuration")
            configuration = None
            if isinstance(conf, dict):
                configuration = SessionConfiguration(model=ev.model, mode=ev.mode, api_version=ev.api_version)
            expires = datetime.fromtimestamp(ev.expires_at, tz=timezone.utc)
            self._emit_from(ev, StreamingEvents.Begin, BeginEvent(id=ev.session_id or "", expires_at=expires,
                                                         configuration=configuration))
        elif t == _ffi.AAI_STREAMING_EVENT_TURN:
            words = _words(ev.words, ev.word_speakers)
            self._emit_from(ev, StreamingEvents.Turn, TurnEvent(
                turn_order=ev.turn_order, turn_is_formatted=ev.turn_is_formatted, end_of_turn=ev.end_of_turn,
                transcript=ev.text or "", end_of_turn_confidence=ev.end_of_turn_confidence, words=words,
                language_code=ev.language_code,
                language_confidence=ev.language_confidence if ev.language_code is not None else None,
                speaker_label=ev.speaker_label, utterance=ev.utterance))
        elif t == _ffi.AAI_STREAMING_EVENT_SPEECH_STARTED:
            self._emit_from(ev, StreamingEvents.SpeechStarted, SpeechStartedEvent(timestamp=ev.timestamp,
                                                                         confidence=ev.confidence))
        elif t == _ffi.AAI_STREAMING_EVENT_TERMINATED:
            self._emit_from(ev, StreamingEvents.Termination, TerminationEvent(
                audio_duration_seconds=j.get("audio_duration_seconds", int(ev.audio_duration_seconds)),
                session_duration_seconds=j.get("session_duration_seconds", int(ev.session_duration_seconds))))
        elif t == _ffi.AAI_STREAMING_EVENT_WARNING:
            logger.warning("Streaming warning (code=%s): %s", ev.code, ev.text)
            self._emit_from(ev, StreamingEvents.Warning, WarningEvent(warning_code=ev.code, warning=ev.text or ""))
        elif t == _ffi.AAI_STREAMING_EVENT_ERROR:
            code: Optional[int] = ev.code if ev.code else (ev.close_code or None)
            message = ev.text or _ffi.status_name(ev.status)
            self._error(message, code)
        elif t == _ffi.AAI_STREAMING_EVENT_HEARTBEAT:
            self._emit_from(ev, StreamingEvents.Heartbeat, HeartbeatEvent(
                total_audio_received_ms=ev.total_audio_received_ms, total_duration_ms=ev.total_duration_ms,
                realtime_factor=ev.realtime_factor, max_speech_probability=ev.max_speech_probability))
        elif t == _ffi.AAI_STREAMING_EVENT_SILENCE:
            self._emit_from(ev, StreamingEvents.Silence, SilenceEvent(start_ms=ev.audio_start, end_ms=ev.audio_end))
        elif t == _ffi.AAI_STREAMING_EVENT_SPEAKER_REVISION:
            self._emit_from(ev, StreamingEvents.SpeakerRevision, SpeakerRevisionEvent(revisions=[
                SpeakerRevisionItem(turn_order=order, speaker_label=label, words=_words(ws, speakers))
                for order, label, ws, speakers in ev.revisions]))
        elif t == _ffi.AAI_STREAMING_EVENT_LLM_GATEWAY_RESPONSE:
            data = None
            if ev.data_json is not None:
                try:
                    data = json.loads(ev.data_json)
                except ValueError:
                    data = ev.data_json
            self._emit_from(ev, StreamingEvents.LLMGatewayResponse, LLMGatewayResponseEvent(
                turn_order=ev.turn_order, transcript=ev.text or "", data=data))
        elif t == _ffi.AAI_STREAMING_EVENT_OTHER:
            logger.warning("Unsupported event type: %s", j.get("type"))

    # -- connection -------------------------------------------------------------------------

    def _url(self) -> Optional[str]:
        host = self._options.api_host
        if not host or host == _DEFAULT_HOST:
            return None  # the library's default (follows a non-AssemblyAI settings.base_url)
        if host.startswith(("ws://", "wss://", "http://", "https://")):
            return host.rstrip("/")
        return "wss://" + host.rstrip("/")

    def connect(self, params: StreamingParameters) -> None:
        """Connects and returns once the session has begun (``Begin`` follows on the callback
        thread). A refused connection (bad key: 1008, bad parameters: 3006, no server) goes to
        the ``Error`` handlers, as in the official SDK; nothing is raised."""
        if self._session is not None and self._session.state != "new":
            raise errors.AssemblyAIError("already connected: a StreamingClient connects once", status="AAI_ERR_STATE")
        self._error_reported = False
        session = _streaming.Session(self._client, _ffi.AAI_STREAMING_V3, self._dispatch, self._report)
        self._session = session
        ptr = session.ptr
        kind = errors.InvalidArgumentError
        url = self._url()
        if url is not None:
            session.check(lib.aai_streaming_set_url(ptr, _ffi.encode(url, "api_host")), kind)
        if self._options.token:
            session.check(lib.aai_streaming_set_token(ptr, _ffi.encode(self._options.token, "token")), kind)
        timeout_ms = max(1, int(float(self._options.connect_timeout or 10.0) * 1000))
        session.check(lib.aai_streaming_set_connect_timeout_ms(ptr, ctypes.c_long(timeout_ms)), kind)
        session.set_connect_retries(self._options.max_connection_retries, self._options.connection_retry_delay)
        values = _normalize(_plain(params.dict(exclude_none=True)))
        extra = values.pop("extra", None) or {}
        for name, value in values.items():
            if name in _INT_SETTERS:
                session.check(getattr(lib, _INT_SETTERS[name])(ptr, int(value)), kind)
            elif name in _BOOL_SETTERS:
                session.check(getattr(lib, _BOOL_SETTERS[name])(ptr, 1 if value else 0), kind)
            elif name in _FLOAT_SETTERS:
                session.check(getattr(lib, _FLOAT_SETTERS[name])(ptr, ctypes.c_double(float(value))), kind)
            elif name in _STR_SETTERS:
                session.check(getattr(lib, _STR_SETTERS[name])(ptr, _ffi.encode(str(value), name)), kind)
            elif name == "keyterms_prompt":
                terms = [_ffi.encode(str(t), name) for t in value]
                arr = (ctypes.c_char_p * max(1, len(terms)))(*terms)
                session.check(lib.aai_streaming_set_keyterms_prompt(ptr, arr, len(terms)), kind)
            elif name in _TYPED_PARAMS:
                _set_typed_param(session, ptr, name, value, kind)
            else:
                session.check(lib.aai_streaming_set_param(ptr, _ffi.encode(name, "parameter"),
                                                          _ffi.encode(_query_value(value), name)), kind)
        for name, value in extra.items():
            session.check(lib.aai_streaming_set_param(ptr, _ffi.encode(str(name), "parameter"),
                                                      None if value is None else _ffi.encode(_query_value(value), name)),
                          kind)
        exc = session.connect()
        if exc is not None:
            code = exc.status_code
            self._error(str(exc), code)

    def disconnect(self, terminate: bool = False) -> None:
        """Ends the session. ``terminate=True`` sends Terminate and waits (up to
        ``options.terminate_timeout``) until ``Termination`` and the last turns were delivered;
        without it the connection is closed at once. From inside a handler it does not wait."""
        session = self._session
        if session is None or session.freed:
            return
        if terminate and session.state == "open":
            ms = max(1, int(float(self._options.terminate_timeout) * 1000))
            exc = session.close(ms)
            if exc is not None and not self._error_reported and not session.ended.is_set():
                self._error(str(exc), exc.status_code)
            if _streaming.in_callback():
                return  # the termination goes on; events follow once this handler returns
        session.free()

    def stream(self, data: Union[bytes, Generator[bytes, None, None], Iterable[bytes]]) -> None:
        """Sends audio: ``bytes`` or an iterable of ``bytes`` of any size (the library frames
        them into 50 to 1000 ms messages; a short tail is completed with silence at
        ``disconnect``), or an ``extras`` source. A no-op once the session ended, as in the
        official SDK."""
        if self._session is None:
            return
        self._session.stream(data)

    def set_params(self, params: StreamingSessionParameters) -> None:
        """Sends UpdateConfiguration with the fields that are set."""
        if self._session is None:
            return
        body = _normalize(_plain(params.dict(exclude_none=True)))
        self._session.control(lib.aai_streaming_update_configuration, _ffi.encode(json.dumps(body), "params"))

    def force_endpoint(self) -> None:
        """Ends the current turn now (ForceEndpoint)."""
        if self._session is not None:
            self._session.control(lib.aai_streaming_force_endpoint)

    def keep_alive(self) -> None:
        """Sends KeepAlive (the library also pings idle connections by itself)."""
        if self._session is not None:
            self._session.control(lib.aai_streaming_send_json, b'{"type": "KeepAlive"}')

    def create_temporary_token(self, expires_in_seconds: int,
                               max_session_duration_seconds: Optional[int] = None) -> str:
        """A temporary token (GET /v3/token on the streaming host) for
        ``StreamingClientOptions(token=...)``."""
        if isinstance(expires_in_seconds, bool) or not isinstance(expires_in_seconds, int):
            raise TypeError("expires_in_seconds must be an int")
        url = self._url()
        out = ctypes.c_void_p()
        _ffi.check(lib.aai_streaming_create_token_v3(
            self._client.ptr, None if url is None else _ffi.encode(url, "api_host"), expires_in_seconds,
            int(max_session_duration_seconds or 0), ctypes.byref(out)))
        token = _ffi.take_string(out)
        if not token:
            raise StreamingError("the server returned no token")
        return token


RealTimeTranscriber = StreamingClient
