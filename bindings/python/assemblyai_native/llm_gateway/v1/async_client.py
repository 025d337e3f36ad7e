"""``AsyncLLMGateway``: the LLM Gateway from asyncio, as 1.8.2's ``assemblyai.llm_gateway.v1``.

Built on libassemblyai's non-blocking calls: a chat completion is ``aai_llm_chat_completion_async``
and a streamed one ``aai_llm_chat_completion_stream_async``; both run on the library's worker
threads, which hand each outcome (each chunk) to the event loop with
``loop.call_soon_threadsafe`` (``_aio``). No Python thread waits for a pending call. Cancelling
the awaiting coroutine, or closing the stream's async iterator (``aclose()``, leaving
``async with``, cancelling the task that iterates), cancels the native request
(``aai_future_cancel``).

Without a non-blocking libassemblyai call: ``models.list()`` (GET /v1/models) and
``understanding.create()`` run on the binding's shared thread
pool (cancelling it only stops the waiting); ``understanding.validate()`` is not provided.
"""

from __future__ import annotations

import asyncio

from ... import _aio
from ..._async_client import AsyncClient, _resolve_client
from .._core import (
    LLMGatewayChatCompletion,
    LLMGatewayCompletionChunk,
    LLMGatewayModelList,
    LLMGatewayResponse,
    LLMGatewayStream,
    LLMGatewayUnderstandingResponse,
    _ClientGateway,
    _create_arguments,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Union


class AsyncLLMGatewayStream:
    """The chunks of a streamed chat completion, for ``async for``: each
    :class:`LLMGatewayCompletionChunk` as the gateway sends it (1.8.2's ``create(stream=True)``
    resolves to such an async iterator). When the iteration ends, ``response`` is the assembled
    :class:`LLMGatewayResponse`.

    A failure before any chunk raises :class:`LLMGatewayError` from the first ``__anext__``; a
    failure mid-stream raises it after the chunks that arrived (1.8.2 ends the iteration
    silently there; here the cut is reported, ``status`` ``AAI_ERR_CONNECTION``).
    ``aclose()``, leaving ``async with`` or cancelling the task that awaits the next chunk
    cancels the request."""

    def __init__(self, start: Any) -> None:
        loop = asyncio.get_running_loop()
        self._queue: "asyncio.Queue[Any]" = asyncio.Queue()
        self._finished = False
        self.response: Optional[LLMGatewayResponse] = None

        def on_chunk(chunk: LLMGatewayCompletionChunk) -> None:  # on a library worker thread
            loop.call_soon_threadsafe(self._queue.put_nowait, chunk)  # a closed loop raises: the stream stops

        def on_done(response: Optional[LLMGatewayResponse], exc: Optional[BaseException]) -> None:
            try:
                loop.call_soon_threadsafe(self._queue.put_nowait, _End(response, exc))
            except RuntimeError:  # the loop is closed: nobody iterates any more
                pass

        self._native: LLMGatewayStream = start(on_chunk, on_done)

    def __aiter__(self) -> "AsyncLLMGatewayStream":
        return self

    async def __anext__(self) -> LLMGatewayCompletionChunk:
        if self._finished:
            raise StopAsyncIteration
        try:
            item = await self._queue.get()
        except asyncio.CancelledError:
            self._close()
            raise
        if isinstance(item, _End):
            self._finished = True
            self.response = item.response
            if item.exc is not None:
                raise item.exc
            raise StopAsyncIteration
        return item  # type: ignore[no-any-return]

    def _close(self) -> None:
        self._finished = True
        self._native.close()

    async def aclose(self) -> None:
        """Stops the request (the iteration then ends)."""
        self._close()

    async def __aenter__(self) -> "AsyncLLMGatewayStream":
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        self._close()


class _End:
    __slots__ = ("response", "exc")

    def __init__(self, response: Optional[LLMGatewayResponse], exc: Optional[BaseException]) -> None:
        self.response = response
        self.exc = exc


class AsyncCompletionsResource:
    """``AsyncLLMGateway().chat.completions``."""

    def __init__(self, gateway: "AsyncLLMGateway") -> None:
        self._gateway = gateway

    async def create(self, *, model: str, messages: List[Mapping[str, Any]], stream: bool = False,
                     **kwargs: Any) -> Union[LLMGatewayChatCompletion, AsyncLLMGatewayStream]:
        """Creates a chat completion, as 1.8.2's: ``messages`` are dicts, every other keyword
        (``max_tokens``, ``temperature``, ``tools``, ``tool_choice``, ``response_format``,
        ``fallbacks``, ``transcript_id``, ...) goes into the request body as given. Resolves
        to an :class:`LLMGatewayChatCompletion`, or with ``stream=True`` to an
        :class:`AsyncLLMGatewayStream` of :class:`LLMGatewayCompletionChunk`.

        Raises :class:`LLMGatewayError` when the gateway fails the request; a request the
        library refuses before sending raises InvalidArgumentError (a ValueError)."""
        arguments = _create_arguments(messages, kwargs)
        native = self._gateway._native
        if not isinstance(stream, bool):
            raise TypeError(f"stream must be a bool, not {type(stream).__name__}")
        if stream:
            return AsyncLLMGatewayStream(lambda on_chunk, on_done: native.chat_completion(
                model, **arguments, stream=True, on_chunk=on_chunk, on_done=on_done))
        future = native.chat_completion(model, **arguments, _as_future=True)
        response: LLMGatewayResponse = await _aio.result(future)
        return LLMGatewayChatCompletion(response.json_response, response._json)


class AsyncChatResource:
    """``AsyncLLMGateway().chat``."""

    def __init__(self, gateway: "AsyncLLMGateway") -> None:
        self.completions = AsyncCompletionsResource(gateway)


class AsyncModelsResource:
    """``AsyncLLMGateway().models``: 1.8.2's ``list()`` (GET /v1/models)."""

    def __init__(self, gateway: "AsyncLLMGateway") -> None:
        self._gateway = gateway

    async def list(self) -> LLMGatewayModelList:
        """The models the gateway offers (GET /v1/models). libassemblyai has no non-blocking
        form of ``aai_llm_list_models``: this runs on the binding's shared thread pool, and
        cancelling it only stops the waiting."""
        return await _aio.in_thread(self._gateway._native._list_models)  # type: ignore[no-any-return]


class AsyncUnderstandingResource:
    """``AsyncLLMGateway().understanding``."""

    def __init__(self, gateway: "AsyncLLMGateway") -> None:
        self._gateway = gateway

    async def create(self, *, transcript_id: str, request: Mapping[str, Any],
                     **kwargs: Any) -> LLMGatewayUnderstandingResponse:
        """Runs speech understanding features (``request``, e.g. ``{"translation": {...}}``) on a
        transcript, as 1.8.2's. (libassemblyai has no non-blocking understanding call: this runs
        on the binding's shared thread pool, and cancelling it only stops the waiting.)"""
        if kwargs:
            raise TypeError(f"unsupported argument(s): {', '.join(sorted(kwargs))}")
        native = self._gateway._native
        return await _aio.in_thread(native._understanding, transcript_id,  # type: ignore[no-any-return]
                                    {"request": dict(request)})


class AsyncLLMGateway:
    """The asyncio counterpart of ``LLMGateway``, as 1.8.2's ``AsyncLLMGateway``.

    Args:
        client: the ``AsyncClient`` whose settings (API key, ``llm_gateway_base_url``,
            ``llm_gateway_http_timeout``, ...) the requests use; it stays the caller's to close.
            None: the gateway makes one from the global settings as they are now.
        api_key: the API key; the gateway then makes its own client (from a copy of
            `client`'s settings when one is given, leaving that client untouched).
        base_url, timeout: as ``LLMGateway``'s (extensions beyond 1.8.2): the gateway's URL and
            the time limit of one call in seconds, over the client's settings.
    """

    def __init__(self, *, client: Optional[AsyncClient] = None, api_key: Optional[str] = None,
                 base_url: Optional[str] = None, timeout: Optional[float] = None) -> None:
        self._owns_client = client is None or api_key is not None
        self._client = _resolve_client(client, api_key)
        self._native = _ClientGateway(self._client, base_url, timeout)
        self.models = AsyncModelsResource(self)
        self.chat = AsyncChatResource(self)
        self.understanding = AsyncUnderstandingResource(self)

    @property
    def client(self) -> AsyncClient:
        """The AsyncClient this gateway sends requests with."""
        return self._client

    @property
    def base_url(self) -> str:
        """The gateway's URL in use."""
        return self._native.base_url

    async def aclose(self) -> None:
        """Closes the client this gateway made (a client passed in stays the caller's): later
        calls through it raise RuntimeError."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> "AsyncLLMGateway":
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<AsyncLLMGateway base_url={self.base_url!r}>"


__all__ = ["AsyncLLMGateway", "AsyncLLMGatewayStream"]
