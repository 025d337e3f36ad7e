"""``AsyncSyncTranscriber`` and ``AsyncLiveSession``: the Sync API from asyncio, as 1.8.2's.

Each request is a libassemblyai live session whose completion callback resolves an asyncio
future through ``loop.call_soon_threadsafe``: no thread per call. (``warm()`` alone runs the
library's blocking warm-up in the loop's default executor.)
"""

from __future__ import annotations

import asyncio

from ... import _aio
from ... import _audio_request as _ar
from .client import check_config
from .models import SyncTranscriptError, SyncTranscriptionConfig, SyncTranscriptResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional


class AsyncLiveSession(_ar.LiveAudio):
    """A live upload from asyncio: ``write()`` and ``close()`` are plain functions (call them on
    the loop's thread), ``result()`` and ``abort()`` are coroutines."""

    def __init__(self, native: "_ar.NativeLive", future: "asyncio.Future[Any]") -> None:
        super().__init__(native)
        self._future = future

    async def result(self) -> Any:
        if self._aborted:
            raise RuntimeError("the live session was aborted; there is no result")
        self.close()
        return await _aio.awaiting(self._future, self._native.cancel)

    async def abort(self) -> None:
        if self._aborted:
            return
        self._aborted = True
        self._closed = True
        self._native.cancel()
        if not self._future.done():
            self._future.cancel()

    async def __aenter__(self) -> "AsyncLiveSession":
        return self

    async def __aexit__(self, exc_type: Any, *_exc: Any) -> None:
        if exc_type is not None:
            await self.abort()
        else:
            self.close()


class _SettingsNative(_ar.NativeTranscriber):
    """The library's Sync / Dictation transcriber on an AsyncClient's settings."""

    def __init__(self, dictation: bool, kind: Any, settings: Any) -> None:
        super().__init__(dictation, kind)
        self._settings = settings

    def _client(self) -> Any:
        try:
            return self._settings._client_handle()
        except ValueError as e:  # no key: the API's own error class, as for the global settings
            raise self.kind(str(e)) from None


class AsyncSyncTranscriber:
    """The asyncio counterpart of ``SyncTranscriber``: same inputs, config, result and errors."""

    _error = SyncTranscriptError
    _dictation = False
    _response = SyncTranscriptResponse
    _config_class = SyncTranscriptionConfig

    def __init__(self, *, client: Any = None, config: Optional[SyncTranscriptionConfig] = None,
                 api_key: Optional[str] = None) -> None:
        """`client`: an ``aai.AsyncClient`` whose settings (key, hosts, timeouts) the requests use
        (it stays the caller's); `api_key` replaces the key (of the client's settings, or of the
        global ones)."""
        self._check(config)
        self._config = config or self._config_class()
        self._client = client
        if client is not None:
            settings = getattr(client, "settings", None)
            if settings is None:
                raise TypeError(f"client must be an AsyncClient, not {type(client).__name__}")
            if api_key is not None:
                settings = settings.copy()
                settings.api_key = api_key
            self._native: _ar.NativeTranscriber = _SettingsNative(self._dictation, self._error, settings)
        else:
            self._native = _ar.NativeTranscriber(self._dictation, self._error, api_key)

    @property
    def client(self) -> Any:
        """The AsyncClient given, or None (the global settings)."""
        return self._client

    def _check(self, config: Any) -> None:
        check_config(type(self).__name__, config)

    @property
    def config(self) -> Any:
        return self._config

    @config.setter
    def config(self, config: Any) -> None:
        self._check(config)
        self._config = config

    async def transcribe(self, data: Any, config: Optional[SyncTranscriptionConfig] = None) -> Any:
        """Transcribes a path, bytes or a binary file object."""
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

    async def transcribe_live(self, data: Any, config: Optional[SyncTranscriptionConfig] = None) -> Any:
        """Transcribes audio as it is produced: an async iterable, a file object (read in a worker
        thread) or a plain iterable. Anything the producer raises drops the upload and propagates."""
        self._check(config)
        _ar.check_chunks(data, allow_async=True)
        native, future = _ar.open_async(self._native, config or self._config, _ar.stream_filename(data), self._response.parse_obj)
        try:
            async for chunk in _ar.aiter_chunks(data):
                if chunk:
                    native.write(chunk)
            native.close()
        except BaseException:
            native.cancel()
            future.cancel()
            raise
        return await _aio.awaiting(future, native.cancel)

    def open_live(self, config: Optional[SyncTranscriptionConfig] = None) -> AsyncLiveSession:
        """Opens a live upload (must be called from a running event loop)."""
        self._check(config)
        native, future = _ar.open_async(self._native, config or self._config, None, self._response.parse_obj)
        return AsyncLiveSession(native, future)

    async def warm(self) -> bool:
        """Opens the connection ahead of time (in the loop's default executor)."""
        return await asyncio.get_running_loop().run_in_executor(None, self._native.warm)

    async def aclose(self) -> None:
        """Nothing to release (kept for 1.8.2 compatibility)."""

    async def __aenter__(self) -> "AsyncSyncTranscriber":
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        await self.aclose()
