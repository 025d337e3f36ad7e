"""The bridge from the library's operations to asyncio.

A library operation completes a ``concurrent.futures.Future`` on one of libassemblyai's worker
threads (``_futures``: the ``aai_*_async`` calls and their completion callbacks). ``wrap()``
turns it into an asyncio future of the running loop: the worker thread hands the outcome to
the loop with ``loop.call_soon_threadsafe`` and returns, so no Python thread waits for a
pending call. Cancelling the asyncio future (``task.cancel()``, ``asyncio.wait_for``'s
timeout) cancels the concurrent future, which for a library operation calls
``aai_future_cancel()``: a sleep between polls ends at once and a request in flight is aborted.

``in_thread()`` is for the calls libassemblyai has no non-blocking form of (see the README's
asyncio section): they run on the binding's shared thread pool. Cancelling the coroutine stops
waiting for such a call; the call itself runs to its end on its thread.
"""

from __future__ import annotations

import asyncio

TYPE_CHECKING = False
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any, Callable


def wrap(source: "concurrent.futures.Future[Any]") -> "asyncio.Future[Any]":
    """An asyncio future of the running loop that completes as `source` does."""
    loop = asyncio.get_running_loop()
    target = loop.create_future()

    def settle() -> None:  # on the loop's thread
        if target.done():
            return
        if source.cancelled():
            target.cancel()
            return
        exc = source.exception()
        if exc is not None:
            target.set_exception(exc)
        else:
            target.set_result(source.result())

    def source_done(_: Any) -> None:  # on a library worker thread (or here, if already done)
        try:
            loop.call_soon_threadsafe(settle)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    def target_done(_: Any) -> None:
        if target.cancelled():
            source.cancel()  # a library future: aai_future_cancel()

    target.add_done_callback(target_done)
    source.add_done_callback(source_done)
    return target


async def result(source: "concurrent.futures.Future[Any]") -> Any:
    """Awaits a library operation's future."""
    return await wrap(source)


async def awaiting(future: "asyncio.Future[Any]", cancel: Callable[[], Any]) -> Any:
    """Awaits an asyncio future that a library callback completes; cancelling the awaiting
    coroutine calls `cancel()` (which stops the library's operation) before re-raising."""
    try:
        return await future
    except asyncio.CancelledError:
        cancel()
        raise


async def in_thread(func: Callable[..., Any], *args: Any) -> Any:
    """Runs a blocking call on the binding's shared thread pool (for calls the library has no
    non-blocking form of)."""
    from ._pools import _shared_executor

    return await asyncio.get_running_loop().run_in_executor(_shared_executor(), lambda: func(*args))
