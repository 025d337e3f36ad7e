"""``AsyncTTSSession``: the asyncio twin of ``TTSSession`` (the official SDK's
``assemblyai.tts.v1.async_session``). The library's reader thread receives the frames; each one
wakes the event loop through ``call_soon_threadsafe``. Sends are short non-blocking library
calls made on the loop; only opening (the handshake and the wait for ``Begin``) and the final
wait for ``Termination`` run in the loop's default executor."""

from __future__ import annotations

import asyncio

from .models import TTSConfig
from .session import TTSSession
from .ws_models import TTSBeginEvent, TTSEvents, TTSTerminationEvent

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable, Optional, Union

__all__ = ["AsyncTTSSession"]


class _Bridge(TTSSession):
    """A TTSSession whose queue also wakes an event loop."""

    loop: Optional[asyncio.AbstractEventLoop] = None
    wake: Optional[asyncio.Event] = None

    def _put(self, item: Any) -> None:
        super()._put(item)
        loop, wake = self.loop, self.wake
        if loop is not None and wake is not None:
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the loop is closed
                pass


class AsyncTTSSession:
    """The asyncio twin of ``TTSSession``: ``async with``, ``async for chunk in session.speak(...)``,
    ``await session.generate()`` / ``flush()`` / ``cancel()``."""

    def __init__(self, config: Optional[TTSConfig] = None, **kwargs: Any) -> None:
        self._s = _Bridge(config, **kwargs)

    @property
    def begin(self) -> Optional[TTSBeginEvent]:
        return self._s.begin

    @property
    def termination(self) -> Optional[TTSTerminationEvent]:
        return self._s.termination

    @property
    def error(self) -> Any:
        return self._s.error

    @property
    def config(self) -> TTSConfig:
        return self._s.config

    def on(self, event: Union[TTSEvents, str], handler: Callable[[Any], None]) -> None:
        self._s.on(event, handler)

    async def connect(self) -> TTSBeginEvent:
        self._s.loop = asyncio.get_running_loop()
        self._s.wake = asyncio.Event()
        return await self._s.loop.run_in_executor(None, self._s.connect)

    async def terminate(self) -> Optional[TTSTerminationEvent]:
        return await asyncio.get_running_loop().run_in_executor(None, self._s.terminate)

    async def close(self) -> None:
        self._s.close()

    async def __aenter__(self) -> "AsyncTTSSession":
        await self.connect()
        return self

    async def __aexit__(self, exc_type: Any, *exc: object) -> None:
        if exc_type is not None:
            await self.close()
            return
        await self.terminate()
        if self._s.error is not None and not self._s._error_raised:
            self._s._error_raised = True
            raise self._s.error

    async def generate(self, text: str) -> None:
        self._s.generate(text)

    async def flush(self) -> int:
        return self._s.flush()

    async def cancel(self) -> None:
        self._s.cancel()

    async def keep_alive(self) -> None:
        self._s.keep_alive()

    async def speak(self, text: str) -> AsyncIterator[bytes]:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        limit = self._s._limit() or max(len(text), 1)
        for start in range(0, len(text), limit):
            self._s.generate(text[start:start + limit])
        async for chunk in self.audio(self._s.flush()):
            yield chunk

    async def audio(self, flush_id: Optional[int] = None) -> AsyncIterator[bytes]:
        s = self._s
        if flush_id is None:
            flush_id = s._next_flush_id
        elif flush_id > s._next_flush_id:
            raise ValueError(f"flush_id {flush_id} has not been flushed yet")
        if TTSEvents.Audio.value in s._handlers:
            raise RuntimeError("audio goes to the registered Audio handler; pull with audio() or speak() only without one")
        assert s.wake is not None, "connect() first"
        while True:
            with s._cond:
                if flush_id <= s._cancelled_before:
                    return
                item = s._items.popleft() if s._items else None
                if item is not None and item[0] == "audio":
                    s._audio_count -= 1
                if item is None:
                    s.wake.clear()
            if item is None:
                await s.wake.wait()
                continue
            kind, ident, payload = item
            if kind == "audio":
                if ident == flush_id:
                    yield payload
            elif kind == "done" and ident == flush_id:
                return
            elif kind == "error":
                s._error_raised = True
                raise payload
            elif kind == "closed":
                if s.error is not None:
                    s._error_raised = True
                    raise s.error
                return
