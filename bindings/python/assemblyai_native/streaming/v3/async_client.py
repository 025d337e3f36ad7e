"""``AsyncRealTimeTranscriber``: Universal Streaming v3 from asyncio, as 1.8.2's
``assemblyai.streaming.v3.AsyncRealTimeTranscriber`` (alias ``AsyncStreamingClient``).

It drives the threaded ``RealTimeTranscriber`` (``client.py``): the session lives in
libassemblyai, on the process's one streaming I/O thread and its callback threads. Each event
the library delivers is handed to the event loop with ``loop.call_soon_threadsafe`` and queued;
one dispatcher task calls the handlers in order, as ``handler(client, event)``, awaiting the
ones that are coroutine functions (inline, so a slow handler delays the next event, as in
1.8.2). An exception a handler raises is logged (logger ``assemblyai_native.streaming``).

``stream()``, ``set_params()``, ``force_endpoint()`` and ``keep_alive()`` only queue (the
library copies the audio and frames it); they run on the loop's thread. ``connect()``,
``disconnect()`` and ``create_temporary_token()`` wait for the network: the C ABI has no
non-blocking form of ``aai_streaming_connect`` / ``aai_streaming_close`` with a completion
callback, so each runs on the binding's shared thread pool for as long as it takes (a thread
for the handshake and for the termination, none while the session streams).
"""

from __future__ import annotations

import asyncio
import inspect

from ... import _aio, _streaming
from .client import StreamingClient
from .models import StreamingClientOptions, StreamingEvents, StreamingParameters, StreamingSessionParameters

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional

logger = _streaming.logger


class AsyncRealTimeTranscriber:
    """The asyncio counterpart of ``RealTimeTranscriber``: the same options, parameters, events and
    ``on()``; the methods that touch the session are coroutines. Connects once: make a new one
    for a new session. ``async with`` disconnects at the end of the block (with Terminate when the
    block ended normally).

    Args:
        options: the client's options (credentials, host, timeouts).
        api_key: the API key; with `options` it replaces theirs (the object is left untouched).

    Raises:
        ValueError: when neither gives credentials.
    """

    def __init__(self, options: Optional[StreamingClientOptions] = None, *, api_key: Optional[str] = None) -> None:
        self._client = StreamingClient(options, api_key=api_key)
        self._options = self._client._options
        self._handlers: Dict[StreamingEvents, List[Callable[..., Any]]] = {e: [] for e in StreamingEvents}
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._queue: Optional["asyncio.Queue[Any]"] = None
        self._dispatcher: Optional["asyncio.Task[None]"] = None
        self._connected = False
        self._ended = False

    def on(self, event: StreamingEvents, handler: Callable[..., Any]) -> None:
        """Registers ``handler(client, event)`` (a function or a coroutine function) for `event`."""
        if isinstance(event, StreamingEvents) and callable(handler):
            self._handlers[event].append(handler)

    # -- events: library callback thread -> loop ------------------------------------------------

    def _post(self, kind: StreamingEvents, event: Any) -> None:  # on a library callback thread
        loop, queue = self._loop, self._queue
        if loop is None or queue is None:
            return
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (kind, event))
        except RuntimeError:  # the loop is closed: nobody listens any more
            pass

    async def _dispatch(self) -> None:
        queue = self._queue
        assert queue is not None
        while True:
            item = await queue.get()
            if item is None:
                return
            kind, event = item
            if kind in (StreamingEvents.Termination, StreamingEvents.Error):
                self._ended = self._ended or kind is StreamingEvents.Termination
            for handler in list(self._handlers[kind]):
                try:
                    result = handler(self, event)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    logger.exception("assemblyai_native: the on_%s handler raised", kind.name.lower())

    # -- the session -------------------------------------------------------------------------------

    async def connect(self, params: StreamingParameters) -> None:
        """Connects; returns once the session has begun (``Begin`` is dispatched next). A refused
        connection goes to the ``Error`` handlers, as in 1.8.2; nothing is raised."""
        if self._connected:
            raise RuntimeError("AsyncRealTimeTranscriber has already been connected; "
                               "create a new instance for a new connection.")
        self._connected = True
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._dispatcher = asyncio.ensure_future(self._dispatch())
        for kind in StreamingEvents:
            self._client.on(kind, lambda _client, event, kind=kind: self._post(kind, event))
        await _aio.in_thread(self._client.connect, params)
        session = self._client._session
        if session is None or session.state == "ended":
            self._ended = True

    def _ensure_connected(self, method: str) -> bool:
        """False once the session ended (the call is then a no-op, as in 1.8.2)."""
        if not self._connected:
            raise RuntimeError(f"AsyncRealTimeTranscriber is not connected; call connect() before {method}()")
        session = self._client._session
        return session is not None and session.is_open

    async def stream(self, data: Any) -> None:
        """Sends audio: ``bytes``, an async iterable or an iterable of ``bytes`` (pieces of any
        size: the library frames them), or an ``extras`` source (run on the shared thread pool,
        since it paces itself). Stops quietly once the session ended."""
        if not self._ensure_connected("stream"):
            return
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._client.stream(data)
        elif getattr(data, "_aai_send_to", None) is not None:
            await _aio.in_thread(self._client.stream, data)
        elif hasattr(data, "__aiter__"):
            async for chunk in data:
                if not self._ensure_connected("stream"):
                    return
                self._client.stream(chunk)
        else:
            for chunk in data:
                if not self._ensure_connected("stream"):
                    return
                self._client.stream(chunk)

    async def set_params(self, params: StreamingSessionParameters) -> None:
        """Sends UpdateConfiguration with the fields that are set."""
        if self._ensure_connected("set_params"):
            self._client.set_params(params)

    async def force_endpoint(self) -> None:
        """Ends the current turn now (ForceEndpoint)."""
        if self._ensure_connected("force_endpoint"):
            self._client.force_endpoint()

    async def keep_alive(self) -> None:
        """Sends KeepAlive."""
        if self._ensure_connected("keep_alive"):
            self._client.keep_alive()

    async def disconnect(self, terminate: bool = False) -> None:
        """Ends the session. ``terminate=True`` sends Terminate and waits (up to
        ``options.terminate_timeout``) for the last turns and ``Termination``; every event that
        arrived is dispatched before this returns (unless called from a handler, which cannot
        wait for the dispatcher that runs it)."""
        if not self._connected:
            return
        await _aio.in_thread(self._client.disconnect, terminate)
        self._ended = True
        dispatcher, queue = self._dispatcher, self._queue
        if dispatcher is None or queue is None or dispatcher.done():
            return
        queue.put_nowait(None)  # after every event posted before disconnect() returned
        if asyncio.current_task() is not dispatcher:
            await dispatcher

    async def create_temporary_token(self, expires_in_seconds: int,
                                     max_session_duration_seconds: Optional[int] = None) -> str:
        """A temporary token (GET /v3/token) for ``RealTimeTranscriberOptions(token=...)``."""
        return await _aio.in_thread(self._client.create_temporary_token, expires_in_seconds,  # type: ignore[no-any-return]
                                    max_session_duration_seconds)

    async def __aenter__(self) -> "AsyncRealTimeTranscriber":
        return self

    async def __aexit__(self, exc_type: Any, *_exc: Any) -> None:
        await self.disconnect(terminate=exc_type is None)


AsyncStreamingClient = AsyncRealTimeTranscriber

__all__ = ["AsyncRealTimeTranscriber", "AsyncStreamingClient"]
