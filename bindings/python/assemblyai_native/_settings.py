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
DEFAULT_LLM_GATEWAY_BASE_URL = "https://llm-gateway.assemblyai.com"
DEFAULT_LLM_GATEWAY_HTTP_TIMEOUT = 600.0
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


def _env(name: str) -> Optional[str]:
    """$name, matched in any case as the official SDK's pydantic settings do (exact name first);
    None when unset or empty."""
    raw = os.environ.get(name)
    if raw is None:
        upper = name.upper()
        raw = next((v for k, v in os.environ.items() if k.upper() == upper), None)
    return raw if raw else None


def _env_value(field: str, kind: str, default: Any) -> Any:
    name = "ASSEMBLYAI_" + field.upper()
    raw = _env(name)
    if raw is None:
        return default
    if kind == "seconds":
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"${name} must be a number of seconds, got {raw!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise ValueError(f"${name} must be a number of seconds greater than 0, got {raw!r}")
        return value
    return raw


# The settings, one row each: (field, kind, default). Each is read from $ASSEMBLYAI_<FIELD>
# (any case) as the official SDK 1.8.2's Settings does, and applied to every aai_client built
# from the settings. To add a setting: a row here, and a line in _apply below.
_TABLE = (
    ("api_key", "text", None),
    ("base_url", "url", DEFAULT_BASE_URL),
    ("http_timeout", "seconds", DEFAULT_HTTP_TIMEOUT),
    ("polling_interval", "seconds", DEFAULT_POLLING_INTERVAL),
    ("llm_gateway_base_url", "url", DEFAULT_LLM_GATEWAY_BASE_URL),
    ("llm_gateway_http_timeout", "seconds", DEFAULT_LLM_GATEWAY_HTTP_TIMEOUT),
    # The Sync, Dictation and Text-to-Speech APIs (keyword arguments of Settings()).
    ("sync_base_url", "url", "https://sync.assemblyai.com"),
    ("sync_http_timeout", "seconds", 60.0),
    ("sync_live_http_timeout", "seconds", 180.0),
    ("dictation_base_url", "url", "https://dictation.assemblyai.com"),
    ("dictation_http_timeout", "seconds", 300.0),
    ("tts_base_url", "url", "https://tts.us.assemblyai.com"),
    ("tts_http_timeout", "seconds", 30.0),
    ("tts_synthesize_http_timeout", "seconds", 610.0),
)
# The fields Settings() takes as keyword arguments (the others are named parameters).
_KEYWORD_FIELDS = tuple(f for f, _, _ in _TABLE if f.startswith(("sync_", "dictation_", "tts_")))


def _check_keyword_values(values: Dict[str, Any]) -> None:
    for name in _KEYWORD_FIELDS:
        v = values[name]
        if name.endswith("_url"):
            if not isinstance(v, str):
                raise TypeError(f"settings.{name} must be a str, not {type(v).__name__}")
        else:
            _seconds_to_ms(name, v, allow_none=False)


class Settings:
    """Settings for the AssemblyAI client, as in the official SDK.

    Initial values come from the environment as the official SDK reads them: each field from
    ``ASSEMBLYAI_<FIELD>`` in any case (``ASSEMBLYAI_API_KEY``, ``ASSEMBLYAI_BASE_URL``,
    ``ASSEMBLYAI_HTTP_TIMEOUT``, ``ASSEMBLYAI_POLLING_INTERVAL``,
    ``ASSEMBLYAI_LLM_GATEWAY_BASE_URL``, ``ASSEMBLYAI_LLM_GATEWAY_HTTP_TIMEOUT``); a bad value
    raises ValueError naming the variable. Changing a value checks it at once (an invalid value
    raises and leaves the settings unchanged) and affects every call started afterwards,
    including calls of existing ``Transcriber`` objects.

    Attributes:
        api_key: the API key to authenticate with.
        base_url: the base URL of the API ("https://...", or "http://" for a loopback host).
        http_timeout: the HTTP timeout in seconds (None: no timeout).
        polling_interval: how often a waiting call polls a transcript, in seconds.
        llm_gateway_base_url: the LLM Gateway's base URL (its own host).
        llm_gateway_http_timeout: the time limit of an LLM Gateway (and LeMUR) request, in
            seconds (default 600: generation takes longer than a REST call; the official SDK's
            default is 30).
    """

    _FIELDS = tuple(row[0] for row in _TABLE)
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
        llm_gateway_base_url: Optional[str] = None,
        llm_gateway_http_timeout: Optional[float] = None,
        **kwargs: Any,  # the Sync, Dictation and Text-to-Speech settings
    ) -> None:
        unknown = sorted(set(kwargs) - set(_KEYWORD_FIELDS))
        if unknown:
            raise TypeError(f"Settings() got an unexpected keyword argument {unknown[0]!r}")
        given = {
            "api_key": api_key, "base_url": base_url, "http_timeout": http_timeout,
            "polling_interval": polling_interval, "llm_gateway_base_url": llm_gateway_base_url,
            "llm_gateway_http_timeout": llm_gateway_http_timeout,
            **{field: kwargs.get(field) for field in _KEYWORD_FIELDS},
        }
        lock = threading.RLock()
        values: Dict[str, Any] = {
            field: given[field] if given[field] is not None else _env_value(field, kind, default)
            for field, kind, default in _TABLE
        }
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
        rest = ", ".join(f"{f}={v[f]!r}" for f in Settings._FIELDS if f != "api_key")
        return f"Settings(api_key={key}, {rest})"

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
    _check_keyword_values(values)
    api_key = values["api_key"]
    base_url = values["base_url"]
    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(f"settings.api_key must be a str or None, not {type(api_key).__name__}")
    if not isinstance(base_url, str):
        raise TypeError(f"settings.base_url must be a str, not {type(base_url).__name__}")
    llm_url = values["llm_gateway_base_url"]
    if not isinstance(llm_url, str):
        raise TypeError(f"settings.llm_gateway_base_url must be a str, not {type(llm_url).__name__}")
    timeout_ms = _seconds_to_ms("http_timeout", values["http_timeout"], allow_none=True)
    interval_ms = _seconds_to_ms("polling_interval", values["polling_interval"], allow_none=False)
    llm_timeout_ms = _seconds_to_ms("llm_gateway_http_timeout", values["llm_gateway_http_timeout"], allow_none=True)

    kind = errors.InvalidArgumentError
    client = _ffi.new_handle(lib.aai_client_new, _ffi.ClientP, lib.aai_client_free)
    if api_key:
        _ffi.check(lib.aai_client_set_api_key(client.ptr, _ffi.encode(api_key, "settings.api_key")), kind)
    _ffi.check(lib.aai_client_set_base_url(client.ptr, _ffi.encode(base_url, "settings.base_url")), kind)
    _ffi.check(lib.aai_client_set_http_timeout_ms(client.ptr, ctypes.c_long(timeout_ms)), kind)
    _ffi.check(lib.aai_client_set_polling_interval_ms(client.ptr, ctypes.c_long(interval_ms)), kind)
    if llm_url != DEFAULT_LLM_GATEWAY_BASE_URL:  # the default: the library derives it (EU base URL -> EU gateway)
        _ffi.check(lib.aai_client_set_llm_gateway_base_url(client.ptr, _ffi.encode(llm_url, "settings.llm_gateway_base_url")), kind)
    _ffi.check(lib.aai_client_set_llm_timeout_ms(client.ptr, ctypes.c_long(llm_timeout_ms)), kind)
    _ffi.check(lib.aai_client_set_user_agent_suffix(client.ptr, _USER_AGENT_SUFFIX), kind)
    from ._audio_request import apply_hosts  # the Sync and Dictation APIs' hosts and timeouts

    apply_hosts(client, values)
    _apply_tts(client, values)
    return client


# Requests name the binding too: "libassemblyai/X AssemblyAI/1.0 (sdk=C/X) assemblyai_native/Y python/3.Z".
_USER_AGENT_SUFFIX = f"assemblyai_native/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]}".encode()



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
