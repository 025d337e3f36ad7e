"""``concurrent.futures.Future`` objects backed by libassemblyai's non-blocking calls.

An ``aai_*_async`` call runs on the library's worker threads and calls back once when it is
done; no Python thread waits for it. The one ctypes callback below serves every operation (a
per-call thunk could be freed while it still runs): its ``user_data`` is a key into
``_pending``. On a worker thread it reads the outcome (the ``aai_future_<kind>`` reader sets
that thread's last error, which the exception is built from), frees the library future and
completes the Python one. ``Future.cancel()`` cancels the library operation too.
"""

from __future__ import annotations

import atexit
import ctypes
import itertools
import threading

from . import _ffi
from ._ffi import lib

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~2 ms
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any, Callable, Dict, List, Optional, Tuple

# key -> [the Python future, finish(c_future, status) -> value or raises, the aai_future once
# the *_async call returned]. An entry present means the aai_future is not freed yet.
_pending: Dict[int, List[Any]] = {}
_lock = threading.Lock()
_keys = itertools.count(1)
_future_class: Any = None


def _new_future() -> "concurrent.futures.Future[Any]":
    """A Future whose cancel() also cancels the library operation behind it. The class is made
    on first use: importing concurrent.futures costs ~4 ms a program without async calls
    need not pay at import."""
    global _future_class
    if _future_class is None:
        from concurrent.futures import Future

        class LibraryFuture(Future):  # type: ignore[type-arg]
            _aai_cancel: Optional[Callable[[], None]] = None

            def cancel(self) -> bool:
                was_done = self.done()
                cancelled = super().cancel()  # first: what stop() sets off must not complete it
                stop = self._aai_cancel
                if cancelled and not was_done and stop is not None:
                    stop()
                return cancelled

        _future_class = LibraryFuture
    return _future_class()  # type: ignore[no-any-return]


def _complete(fut: Any, finish: Callable[[], Any]) -> None:
    """Sets `fut` to what finish() returns or raises; nothing if it was cancelled meanwhile."""
    try:
        value = finish()
    except BaseException as exc:  # noqa: B902 - handed to whoever waits on the future
        if not fut.cancelled():
            try:
                fut.set_exception(exc)
            except Exception:  # InvalidStateError: cancelled in between
                pass
        return
    if not fut.cancelled():
        try:
            fut.set_result(value)
        except Exception:
            pass


def _on_done(c_future: Any, status: int, user_data: Optional[int]) -> None:
    with _lock:
        entry = _pending.pop(int(user_data or 0), None)
    if entry is None:  # freed at exit (its owner no longer waits)
        return
    fut, finish, _ = entry
    try:
        _complete(fut, lambda: finish(c_future, int(status)))
    finally:
        lib.aai_future_free(c_future)  # allowed inside its own callback


_CALLBACK = _ffi.FUTURE_CALLBACK(_on_done)  # lives as long as the module


def start(begin: Callable[..., int], args: Tuple[Any, ...], finish: Callable[[Any, int], Any],
          fail: Callable[[int], BaseException]) -> "concurrent.futures.Future[Any]":
    """Starts ``begin(*args, callback, user_data, &future)`` and returns its Python future;
    ``finish(c_future, status)`` (on a worker thread) gives the value or raises. A call that
    fails at once (invalid arguments: no operation was started) gives a future that raises
    ``fail(status)``."""
    fut = _new_future()
    key = next(_keys)
    with _lock:
        _pending[key] = [fut, finish, None]
    out = _ffi.FutureP()
    status = begin(*args, _CALLBACK, ctypes.c_void_p(key), ctypes.byref(out))
    with _lock:
        if status != _ffi.AAI_OK:
            _pending.pop(key, None)
        elif key in _pending:  # else it finished already (the callback may run before begin returns)
            _pending[key][2] = out
    if status != _ffi.AAI_OK:
        return done(exc=fail(status))  # in the future, as an executor would report it

    def stop() -> None:
        with _lock:
            if key in _pending:  # else finished: its handle is freed
                lib.aai_future_cancel(out)

    fut._aai_cancel = stop
    return fut


def done(value: Any = None, exc: Optional[BaseException] = None) -> "concurrent.futures.Future[Any]":
    """A future that is already complete."""
    fut = _new_future()
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(value)
    return fut


def gather(items: List[Any], combine: Callable[[List[Any]], Any]) -> "concurrent.futures.Future[Any]":
    """A future completed with ``combine(items)`` once every future of `items` is done (on the
    thread that completes the last one); cancelling it cancels them all."""
    fut = _new_future()
    left = [len(items)]
    count_lock = threading.Lock()

    def one_done(_: Any) -> None:
        with count_lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            _complete(fut, lambda: combine(items))

    def stop() -> None:
        for item in items:
            item.cancel()

    fut._aai_cancel = stop
    if not items:
        _complete(fut, lambda: combine(items))
    for item in items:
        item.add_done_callback(one_done)
    return fut


def result(fut: "concurrent.futures.Future[Any]") -> Any:
    """fut.result() for a blocking call: Ctrl-C (KeyboardInterrupt) cancels the operation."""
    try:
        return fut.result()
    except BaseException:
        if not fut.done():
            fut.cancel()
        raise


@atexit.register
def _free_pending() -> None:
    # Operations still running at exit are freed (cancelled) while Python can still run their
    # callbacks: a worker thread must not call into an interpreter that is shutting down.
    with _lock:
        entries = list(_pending.values())
        _pending.clear()
    for fut, _finish, handle in entries:
        if handle is not None:
            lib.aai_future_free(handle)  # cancels; its callback will not run
        fut.cancel()
