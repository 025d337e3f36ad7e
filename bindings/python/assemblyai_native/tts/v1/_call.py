"""One Text-to-Speech call on libassemblyai's worker pool (aai_tts_start_async), shared by the
sync and asyncio clients.

The audio and word callbacks run on a library worker thread. They are two module-level ctypes
thunks (a per-call thunk could be freed while it still runs); their ``user_data`` is a key into
``_sinks``, where each call keeps the function that takes its pieces. The completion goes
through ``_futures.start`` like every other non-blocking call; ``Future.cancel()`` cancels the
library operation, which stops at once.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import threading

from ... import _ffi, _futures
from ..._settings import settings as _global_settings
from . import _native
from ._native import lib
from .models import TTSConfig, TTSError, TTSInvalidArgumentError, TTSResponse, TTSResponseInfo, TTSWord

# Statuses an answer without the API's envelope can carry that are worth retrying.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

TYPE_CHECKING = False
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any, Callable, Dict, List, Optional

# key -> sink(kind, payload): kind "audio" (info, bytes) or "words" (list of TTSWord)
_sinks: Dict[int, Callable[[str, Any], bool]] = {}
_sinks_lock = threading.Lock()
_keys = itertools.count(1)


def _borrowed(p: Any) -> Optional[str]:
    """A borrowed NUL-terminated string behind a c_void_p, as str (None for NULL)."""
    return ctypes.string_at(p.value).decode("utf-8", "replace") if p.value else None


def _info_from_c(p: Any) -> TTSResponseInfo:
    c = p.contents

    def s(v: Optional[bytes]) -> Optional[str]:
        return v.decode("utf-8", "replace") if v is not None else None

    def n(v: int) -> Optional[int]:
        return None if v < 0 else int(v)

    return TTSResponseInfo(
        request_id=s(c.request_id), region=s(c.region), model=s(c.model), voice_id=s(c.voice_id),
        language=s(c.language), encoding=s(c.encoding), container=s(c.container), content_type=s(c.content_type),
        sample_rate=n(c.sample_rate), bit_rate=n(c.bit_rate), billed_characters=n(c.billed_characters),
        voice_expires_at=n(c.voice_expires_at), audio_duration_ms=n(c.audio_duration_ms),
    )


def _words_from_c(words: Any, count: int) -> List[TTSWord]:
    return [TTSWord(words[i].word.decode("utf-8", "replace"), int(words[i].start_ms), int(words[i].end_ms),
                    float(words[i].confidence)) for i in range(count)]


def _on_audio(info: Any, data: Optional[int], size: int, user_data: Optional[int]) -> int:
    sink = _sinks.get(int(user_data or 0))
    if sink is None:
        return 1
    try:
        return 0 if sink("audio", (info, ctypes.string_at(data, size) if size else b"")) else 1
    except BaseException:  # noqa: B902 - never let an exception cross the C boundary
        return 1


def _on_words(words: Any, count: int, user_data: Optional[int]) -> int:
    sink = _sinks.get(int(user_data or 0))
    if sink is None:
        return 1
    try:
        return 0 if sink("words", _words_from_c(words, int(count))) else 1
    except BaseException:  # noqa: B902
        return 1


_AUDIO = _native.AUDIO_CALLBACK(_on_audio)
_WORDS = _native.WORDS_CALLBACK(_on_words)


class ConfigHandle:
    """An aai_tts_config made from a TTSConfig, freed with the object."""

    def __init__(self, config: TTSConfig) -> None:
        self.handle = _ffi.new_handle(lib.aai_tts_config_new, _native.TTSConfigP, lib.aai_tts_config_free)
        options = config._to_json()
        if options:
            _ffi.check(lib.aai_tts_config_set_json(self.handle.ptr, json.dumps(options).encode()), TTSInvalidArgumentError)


def check_text(text: object) -> str:
    if isinstance(text, TTSConfig):
        raise TypeError("text comes first: synthesize(text, config) / stream(text, config)")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    return text


def error_from(status: int, result: Optional[Any]) -> TTSError:
    """The TTSError for a failed call: the library's last error on this thread, and the API's
    envelope from the result when the API refused the request."""
    base = _ffi.last_error(status)
    envelope: Optional[Dict[str, Any]] = None
    info = TTSResponseInfo()
    if result:
        raw = lib.aai_tts_result_error_json(result)
        if raw:
            try:
                envelope = json.loads(raw.decode("utf-8", "replace"))
            except ValueError:
                envelope = None
        out = ctypes.c_void_p()
        if lib.aai_tts_result_info_json(result, ctypes.byref(out)) == _ffi.AAI_OK:
            info = TTSResponseInfo._from_json(_borrowed(out))
    cls = TTSInvalidArgumentError if status == _ffi.AAI_ERR_INVALID_ARGUMENT else TTSError
    http = base.status_code
    if isinstance(envelope, dict):
        # The library's message names the request and quotes the API's (which `body` holds whole).
        message = base.message
        retryable = envelope.get("retryable")
        if retryable is None:
            retryable = http in RETRYABLE_STATUSES
        retry_after = envelope.get("retry_after_seconds")
        return cls(str(message), http, error_code=envelope.get("code"), param=envelope.get("param"),
                   request_id=envelope.get("request_id") or info.request_id, retryable=retryable,
                   retry_after=int(retry_after) if isinstance(retry_after, (int, float)) and not isinstance(retry_after, bool) else None,
                   errors=envelope.get("errors"), body=envelope, server_text=base.server_text, status=base.status)
    retryable = base.retryable if http is None or http == 200 else http in RETRYABLE_STATUSES
    return cls(base.message, http, request_id=info.request_id, retryable=retryable,
               server_text=base.server_text, status=base.status)


def client_handle(settings: Any) -> Any:
    return (settings or _global_settings)._client_handle()


def client_handle_without_key(settings: Any) -> Any:
    """A client for a session opened with a temporary token (no API key)."""
    from ..._settings import _build_client

    return _build_client((settings or _global_settings).dict())


def start(settings: Any, mode: int, text: str, config: TTSConfig,
          sink: Optional[Callable[[str, Any], bool]] = None) -> "concurrent.futures.Future[Any]":
    """Starts one call; the future's value is a TTSResponse (with words on the events route)."""
    check_text(text)
    client = client_handle(settings)
    cfg = ConfigHandle(config)
    key = next(_keys)
    if sink is not None:
        with _sinks_lock:
            _sinks[key] = sink

    def finish(c_future: Any, status: int) -> TTSResponse:
        with _sinks_lock:
            _sinks.pop(key, None)
        out = _native.TTSResultP()
        rc = lib.aai_future_tts_result(c_future, ctypes.byref(out))
        try:
            if rc != _ffi.AAI_OK:
                raise error_from(rc, out)
            return response_from(out)
        finally:
            if out:
                lib.aai_tts_result_free(out)

    def fail(status: int) -> BaseException:
        with _sinks_lock:
            _sinks.pop(key, None)
        return error_from(status, None)

    # `client` and `cfg` stay referenced by the closure until the call started (the library
    # copies the config and keeps its own reference to the client).
    fut = _futures.start(lib.aai_tts_start_async,
                         (client.ptr, mode, _ffi.encode(text, "text"), cfg.handle.ptr, _AUDIO, _WORDS,
                          ctypes.c_void_p(key)), finish, fail)
    return fut


def response_from(result: Any) -> TTSResponse:
    out = ctypes.c_void_p()
    _ffi.check(lib.aai_tts_result_info_json(result, ctypes.byref(out)))
    info = TTSResponseInfo._from_json(_borrowed(out))
    data = ctypes.c_void_p()
    size = ctypes.c_size_t()
    _ffi.check(lib.aai_tts_result_audio(result, ctypes.byref(data), ctypes.byref(size)))
    audio = ctypes.string_at(data.value, size.value) if size.value else b""
    response = TTSResponse(audio=audio, **info.model_dump())
    words = ctypes.POINTER(_native.aai_tts_word)()
    count = ctypes.c_size_t()
    _ffi.check(lib.aai_tts_result_words(result, ctypes.byref(words), ctypes.byref(count)))
    response.words = _words_from_c(words, count.value) if count.value else []  # type: ignore[attr-defined]
    return response


def check_config(owner: str, config: Any) -> None:
    if config is not None and not isinstance(config, TTSConfig):
        raise TypeError(f"{owner} config must be a TTSConfig, not {type(config).__name__}")


def resolve_settings(client: Any, api_key: Optional[str]) -> Any:
    """The settings calls use: the client's (anything with `.settings`), else the global ones;
    a copy with the key replaced when `api_key` is given."""
    from ..._settings import settings as global_settings

    base = getattr(client, "settings", None) or global_settings
    if api_key is None:
        return base
    copy = base.copy()
    copy.api_key = api_key
    return copy


class SpeakerBase:
    """What TextToSpeech and AsyncTextToSpeech share: the client, the settings its calls use
    and the default configuration."""

    def __init__(self, *, client: Any = None, config: Optional[TTSConfig] = None,
                 api_key: Optional[str] = None) -> None:
        check_config(type(self).__name__, config)
        self._client = client
        self._settings = resolve_settings(client, api_key)
        self._config = config or TTSConfig()

    @property
    def config(self) -> TTSConfig:
        """The default configuration; a per-call config replaces it whole."""
        return self._config

    @config.setter
    def config(self, config: TTSConfig) -> None:
        check_config(type(self).__name__, config)
        self._config = config or TTSConfig()

    @property
    def client(self) -> Any:
        return self._client
