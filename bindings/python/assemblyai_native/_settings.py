"""Global settings, backed by an ``aai_client`` handle that is rebuilt on every change."""

from __future__ import annotations

import ctypes
from .__version__ import __version__
import sys
import os
import threading

from . import _ffi, errors
from ._ffi import lib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

DEFAULT_BASE_URL = "https://api.assemblyai.com"
DEFAULT_HTTP_TIMEOUT = 30.0
DEFAULT_POLLING_INTERVAL = 3.0
# The Text-to-Speech settings (defaults and environment at the end of this file).
_TTS_FIELDS = ("tts_base_url", "tts_http_timeout", "tts_synthesize_http_timeout")
# A "no timeout" http_timeout (None) becomes the largest value the C call takes.
_NO_TIMEOUT_MS = 2**31 - 1

_MISSING_KEY = (
    "Please provide an API key via the ASSEMBLYAI_API_KEY environment variable or the global settings."
)


def _seconds_to_ms(name: str, seconds: Any, allow_none: bool) -> int:
    if seconds is None and allow_none:
        return _NO_TIMEOUT_MS
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"settings.{name} must be a number of seconds, not {type(seconds).__name__}")
    if not seconds > 0:
        raise ValueError(f"settings.{name} must be greater than 0 (seconds), got {seconds!r}")
    return max(1, min(_NO_TIMEOUT_MS, int(round(seconds * 1000))))


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"${name} must be a number of seconds, got {raw!r}") from None


class Settings:
    """Settings for the AssemblyAI client, as in the official SDK.

    Initial values come from the environment (``ASSEMBLYAI_API_KEY``, ``ASSEMBLYAI_BASE_URL``,
    ``ASSEMBLYAI_HTTP_TIMEOUT``, ``ASSEMBLYAI_POLLING_INTERVAL``). Changing a value checks it
    at once (an invalid value raises and leaves the settings unchanged) and affects every
    call started afterwards, including calls of existing ``Transcriber`` objects.

    Attributes:
        api_key: the API key to authenticate with.
        base_url: the base URL of the API ("https://...", or "http://" for a loopback host).
        http_timeout: the HTTP timeout in seconds (None: no timeout).
        polling_interval: how often a waiting call polls a transcript, in seconds.
    """

    _FIELDS = ("api_key", "base_url", "http_timeout", "polling_interval") + _TTS_FIELDS
    _lock: "threading.RLock"
    _values: Dict[str, Any]
    _client: Optional[_ffi.Handle]

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        http_timeout: Optional[float] = None,
        polling_interval: Optional[float] = None,
        **tts: Any,
    ) -> None:
        lock = threading.RLock()
        values: Dict[str, Any] = {
            "api_key": api_key if api_key is not None else (os.environ.get("ASSEMBLYAI_API_KEY") or None),
            "base_url": base_url if base_url is not None else os.environ.get("ASSEMBLYAI_BASE_URL", DEFAULT_BASE_URL),
            "http_timeout": http_timeout if http_timeout is not None
            else _env_float("ASSEMBLYAI_HTTP_TIMEOUT", DEFAULT_HTTP_TIMEOUT),
            "polling_interval": polling_interval if polling_interval is not None
            else _env_float("ASSEMBLYAI_POLLING_INTERVAL", DEFAULT_POLLING_INTERVAL),
        }
        values.update(_tts_values(tts))
        object.__setattr__(self, "_lock", lock)
        object.__setattr__(self, "_values", values)
        # The aai_client for the current values; built on first use, rebuilt on change.
        object.__setattr__(self, "_client", None)

    # -- values -------------------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if name in Settings._FIELDS:
            with self._lock:
                return self._values[name]
        raise AttributeError(f"'Settings' object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in Settings._FIELDS:
            raise AttributeError(f"'Settings' object has no attribute {name!r}")
        self._update({name: value})

    def _update(self, changes: Dict[str, Any]) -> None:
        with self._lock:
            values = dict(self._values)
            values.update(changes)
            client = _build_client(values)  # raises on an invalid value
            object.__setattr__(self, "_values", values)
            object.__setattr__(self, "_client", client)

    def copy(self) -> "Settings":
        with self._lock:
            return Settings(**self._values)

    def dict(self) -> Dict[str, Any]:
        """The settings as a dict (including the API key: do not log it)."""
        with self._lock:
            return dict(self._values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return self.dict() == other.dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        v = self.dict()
        key = "None" if v["api_key"] is None else "'***'"
        return (f"Settings(api_key={key}, base_url={v['base_url']!r}, "
                f"http_timeout={v['http_timeout']!r}, polling_interval={v['polling_interval']!r})")

    # -- the client ---------------------------------------------------------------------

    def _client_handle(self) -> _ffi.Handle:
        """The aai_client for the current values. Raises ValueError without an API key."""
        with self._lock:
            if not self._values["api_key"]:
                raise ValueError(_MISSING_KEY)
            client = self._client
            if client is None:
                client = _build_client(self._values)
                object.__setattr__(self, "_client", client)
            return client


def _build_client(values: Dict[str, Any]) -> _ffi.Handle:
    api_key = values["api_key"]
    base_url = values["base_url"]
    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(f"settings.api_key must be a str or None, not {type(api_key).__name__}")
    if not isinstance(base_url, str):
        raise TypeError(f"settings.base_url must be a str, not {type(base_url).__name__}")
    timeout_ms = _seconds_to_ms("http_timeout", values["http_timeout"], allow_none=True)
    interval_ms = _seconds_to_ms("polling_interval", values["polling_interval"], allow_none=False)

    kind = errors.InvalidArgumentError
    client = _ffi.new_handle(lib.aai_client_new, _ffi.ClientP, lib.aai_client_free)
    if api_key:
        _ffi.check(lib.aai_client_set_api_key(client.ptr, _ffi.encode(api_key, "settings.api_key")), kind)
    _ffi.check(lib.aai_client_set_base_url(client.ptr, _ffi.encode(base_url, "settings.base_url")), kind)
    _ffi.check(lib.aai_client_set_http_timeout_ms(client.ptr, ctypes.c_long(timeout_ms)), kind)
    _ffi.check(lib.aai_client_set_polling_interval_ms(client.ptr, ctypes.c_long(interval_ms)), kind)
    _ffi.check(lib.aai_client_set_user_agent_suffix(client.ptr, _USER_AGENT_SUFFIX), kind)
    _apply_tts(client, values)
    return client


# ---- Text-to-Speech settings (as the official SDK's tts_base_url, tts_http_timeout and
# tts_synthesize_http_timeout, also read from ASSEMBLYAI_TTS_*) ----

DEFAULT_TTS_BASE_URL = "https://tts.us.assemblyai.com"
DEFAULT_TTS_HTTP_TIMEOUT = 30.0
DEFAULT_TTS_SYNTHESIZE_HTTP_TIMEOUT = 610.0


def _tts_values(given: Dict[str, Any]) -> Dict[str, Any]:
    unknown = sorted(set(given) - set(_TTS_FIELDS))
    if unknown:
        raise TypeError(f"Settings() got an unexpected keyword argument {unknown[0]!r}")
    return {
        "tts_base_url": given["tts_base_url"] if given.get("tts_base_url") is not None
        else os.environ.get("ASSEMBLYAI_TTS_BASE_URL") or DEFAULT_TTS_BASE_URL,
        "tts_http_timeout": given["tts_http_timeout"] if given.get("tts_http_timeout") is not None
        else _env_float("ASSEMBLYAI_TTS_HTTP_TIMEOUT", DEFAULT_TTS_HTTP_TIMEOUT),
        "tts_synthesize_http_timeout": given["tts_synthesize_http_timeout"]
        if given.get("tts_synthesize_http_timeout") is not None
        else _env_float("ASSEMBLYAI_TTS_SYNTHESIZE_HTTP_TIMEOUT", DEFAULT_TTS_SYNTHESIZE_HTTP_TIMEOUT),
    }


def _apply_tts(client: _ffi.Handle, values: Dict[str, Any]) -> None:
    url = values["tts_base_url"]
    if not isinstance(url, str):
        raise TypeError(f"settings.tts_base_url must be a str, not {type(url).__name__}")
    http_ms = _seconds_to_ms("tts_http_timeout", values["tts_http_timeout"], allow_none=False)
    synth_ms = _seconds_to_ms("tts_synthesize_http_timeout", values["tts_synthesize_http_timeout"], allow_none=False)
    kind = errors.InvalidArgumentError
    _ffi.check(lib.aai_client_set_tts_base_url(client.ptr, _ffi.encode(url, "settings.tts_base_url")), kind)
    _ffi.check(lib.aai_client_set_tts_timeouts_ms(client.ptr, ctypes.c_long(http_ms), ctypes.c_long(synth_ms)), kind)


# Requests name the binding too: "libassemblyai/X AssemblyAI/1.0 (sdk=C/X) assemblyai_native/Y python/3.Z".
_USER_AGENT_SUFFIX = f"assemblyai_native/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]}".encode()


settings = Settings()
"""Global settings object that applies to all calls (as ``assemblyai.settings``)."""


def _current_secret() -> Optional[str]:
    key = settings._values.get("api_key")
    return key if isinstance(key, str) else None


_ffi.secret_provider = _current_secret
