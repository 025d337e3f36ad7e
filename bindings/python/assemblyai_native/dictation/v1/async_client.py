"""``AsyncDictationTranscriber``: the Dictation API from asyncio, on the library's callbacks."""

from __future__ import annotations

import os

from ... import _aio
from ... import _audio_request as _ar
from ...sync.v1.async_client import AsyncLiveSession, AsyncSyncTranscriber
from .client import check_config
from .models import DictationConfig, DictationError, DictationResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional


class AsyncDictationLiveSession(AsyncLiveSession):
    """A live dictation from asyncio (see ``AsyncLiveSession``)."""


class AsyncDictationTranscriber(AsyncSyncTranscriber):
    """The asyncio counterpart of ``DictationTranscriber``."""

    _error = DictationError
    _dictation = True
    _response = DictationResponse
    _config_class = DictationConfig

    def _check(self, config: Any) -> None:
        check_config(type(self).__name__, config)

    async def transcribe_live(self, data: Any, config: Optional[DictationConfig] = None) -> Any:
        if isinstance(data, (bytes, bytearray, memoryview, str, os.PathLike)):
            self._check(config)
            audio, filename = _ar.whole_audio(data, type(self).__name__)
            native, future = _ar.open_async(self._native, config or self._config, filename, self._response.parse_obj)
            try:
                native.write(audio)
                native.close()
            except BaseException:
                native.cancel()
                raise
            return await _aio.awaiting(future, native.cancel)
        return await super().transcribe_live(data, config)

    def open_live(self, config: Optional[DictationConfig] = None) -> AsyncDictationLiveSession:
        self._check(config)
        native, future = _ar.open_async(self._native, config or self._config, None, self._response.parse_obj)
        return AsyncDictationLiveSession(native, future)

    async def transcribe(self, *_a: Any, **_k: Any) -> Any:  # type: ignore[override]
        raise AttributeError("AsyncDictationTranscriber has no transcribe(); use transcribe_live()")
