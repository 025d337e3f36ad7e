"""``DictationTranscriber`` and ``DictationLiveSession``: the Dictation API, as 1.8.2's.

The same machinery as the Sync API (``sync/v1/client.py``), with the Dictation API's host,
config, response and error. Dictation has one request shape, the live upload: audio held whole
(bytes, a path) goes to ``transcribe_live()`` too.
"""

from __future__ import annotations

import os

from ... import _audio_request as _ar
from ...sync.v1.client import LiveSession
from .models import DictationConfig, DictationError, DictationResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional


def check_config(owner: str, config: Any) -> None:
    if config is not None and not isinstance(config, DictationConfig):
        raise TypeError(f"{owner} expects DictationConfig, got {type(config).__name__}. Use aai.DictationConfig.")


class DictationLiveSession(LiveSession):
    """A live dictation that audio is pushed into (``DictationTranscriber.open_live()``)."""

    _response = DictationResponse


class DictationTranscriber:
    """Dictation: a spoken note back as text, optionally rewritten by an LLM pass."""

    def __init__(self, *, client: Any = None, config: Optional[DictationConfig] = None,
                 max_workers: Optional[int] = None, api_key: Optional[str] = None) -> None:
        check_config(type(self).__name__, config)
        self._config = config or DictationConfig()
        self._native = _ar.NativeTranscriber(True, DictationError, api_key)

    @property
    def config(self) -> DictationConfig:
        return self._config

    @config.setter
    def config(self, config: DictationConfig) -> None:
        check_config(type(self).__name__, config)
        self._config = config

    def transcribe_live(self, data: Any, config: Optional[DictationConfig] = None) -> DictationResponse:
        """Transcribes an iterable of chunks, a file object read as it fills, audio bytes or a
        local path. Anything the producer raises propagates unchanged."""
        check_config(type(self).__name__, config)
        config = config or self._config
        _ar.check_chunks(data, allow_whole=True)
        if isinstance(data, (bytes, bytearray, memoryview, str, os.PathLike)):
            return DictationResponse.parse_obj(self._native.transcribe_whole(data, config, type(self).__name__))
        return DictationResponse.parse_obj(
            self._native.transcribe_reader(_ar.iter_chunks(data), _ar.stream_filename(data), config))

    def open_live(self, config: Optional[DictationConfig] = None) -> DictationLiveSession:
        check_config(type(self).__name__, config)
        return DictationLiveSession(_ar.NativeLive(self._native, config or self._config))

    def warm(self) -> bool:
        return self._native.warm()

    def close(self) -> None:
        """Nothing to release (kept for 1.8.2 compatibility)."""

    def __enter__(self) -> "DictationTranscriber":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()
