"""``AsyncTextToSpeech``: the asyncio twin of ``TextToSpeech`` (the official SDK's
``assemblyai.tts.v1.async_client``). Built on libassemblyai's non-blocking calls: the request
runs on the library's worker pool, its audio reaches the event loop through
``call_soon_threadsafe``, and no Python thread is made or held per call."""

from __future__ import annotations

import asyncio

from . import _call
from ._native import AAI_TTS_EVENTS, AAI_TTS_STREAM, AAI_TTS_SYNTHESIZE
from .models import TTSConfig, TTSResponse, TTSResponseInfo, TTSWord

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable, List, Optional

__all__ = ["AsyncTextToSpeech", "AsyncTTSStream"]

_END = object()


class AsyncTTSStream:
    """The audio of one request as the API generates it, for ``async with`` / ``async for``
    (returned by ``AsyncTextToSpeech.stream()``). As ``TTSStream``, in coroutines."""

    def __init__(self, settings: Any, text: str, config: TTSConfig, mode: int = AAI_TTS_STREAM,
                 on_words: Optional[Callable[[List[TTSWord]], Any]] = None) -> None:
        self._settings = settings
        self._text = text
        self._config = config
        self._mode = mode
        self._on_words = on_words
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._queue: Optional["asyncio.Queue[Any]"] = None
        self._future: Any = None
        self._info: Optional[TTSResponseInfo] = None
        self._pending: Any = None
        self._closed = False
        self.words: List[TTSWord] = []
        self.response: Optional[TTSResponse] = None

    @property
    def info(self) -> TTSResponseInfo:
        if self._info is None:
            raise RuntimeError("enter or read the stream before `info`")
        return self._info

    def _sink(self, kind: str, payload: Any) -> bool:  # on a library worker thread
        if self._closed or self._loop is None or self._queue is None:
            return False
        if kind == "audio":
            info, data = payload
            if self._info is None:
                self._info = _call._info_from_c(info)
            item = ("audio", data)
        else:
            item = ("words", payload)
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the loop is closed
            return False
        return True

    async def _open(self) -> None:
        if self._future is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        queue, loop = self._queue, self._loop

        def done(_f: Any) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, _END)
            except RuntimeError:
                pass

        self._future = _call.start(self._settings, self._mode, self._text, self._config, self._sink)
        self._future.add_done_callback(done)
        while True:
            item = await self._get()
            if item is _END or item[0] == "audio":
                self._pending = item
                break
            self._take_words(item[1])
        if item is _END:
            await self._finish()

    async def _get(self) -> Any:
        assert self._queue is not None
        try:
            return await self._queue.get()
        except asyncio.CancelledError:
            self.close()
            raise

    def _take_words(self, words: List[TTSWord]) -> None:
        self.words.extend(words)
        if self._on_words is not None:
            self._on_words(words)

    async def _finish(self) -> None:
        response = await asyncio.wrap_future(self._future)
        self.response = response
        if self._info is None:
            self._info = TTSResponseInfo(**response.model_dump())
        elif response.audio_duration_ms is not None:
            self._info.audio_duration_ms = response.audio_duration_ms

    async def __aenter__(self) -> "AsyncTTSStream":
        await self._open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.aiter_bytes()

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        await self._open()
        while True:
            if self._pending is not None:
                item, self._pending = self._pending, None
            else:
                item = await self._get()
            if item is _END:
                await self._finish()
                return
            kind, payload = item
            if kind == "audio":
                if payload:
                    yield payload
            else:
                self._take_words(payload)

    async def aread(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    read = aread

    async def save(self, path: str) -> None:
        with open(path, "wb") as out:
            async for chunk in self.aiter_bytes():
                out.write(chunk)

    def close(self) -> None:
        self._closed = True
        if self._future is not None and not self._future.done():
            self._future.cancel()

    async def aclose(self) -> None:
        self.close()


class AsyncTextToSpeech(_call.SpeakerBase):
    """The asyncio twin of ``TextToSpeech``: ``await synthesize()``, ``async with stream()``."""

    async def synthesize(self, text: str, config: Optional[TTSConfig] = None) -> TTSResponse:
        _call.check_text(text)
        _call.check_config(type(self).__name__, config)
        fut = _call.start(self._settings, AAI_TTS_SYNTHESIZE, text, config or self._config)
        try:
            return await asyncio.wrap_future(fut)  # type: ignore[no-any-return]
        except asyncio.CancelledError:
            fut.cancel()
            raise

    def stream(self, text: str, config: Optional[TTSConfig] = None) -> AsyncTTSStream:
        _call.check_text(text)
        _call.check_config(type(self).__name__, config)
        return AsyncTTSStream(self._settings, text, config or self._config)

    def stream_events(self, text: str, config: Optional[TTSConfig] = None,
                      on_words: Optional[Callable[[List[TTSWord]], Any]] = None) -> AsyncTTSStream:
        _call.check_text(text)
        _call.check_config(type(self).__name__, config)
        return AsyncTTSStream(self._settings, text, config or self._config, AAI_TTS_EVENTS, on_words)

    async def aclose(self) -> None:
        """Nothing to release: connections belong to the library's client."""

    async def __aenter__(self) -> "AsyncTextToSpeech":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
