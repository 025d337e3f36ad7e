"""Thread pools for the calls the library has no non-blocking form of (uploads of streams, deletes, LeMUR)."""

from __future__ import annotations

import os
import threading


TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Optional


_executor: Optional[concurrent.futures.ThreadPoolExecutor] = None
_executor_lock = threading.Lock()


def _thread_pool(max_workers: int, prefix: str = "") -> concurrent.futures.ThreadPoolExecutor:
    # concurrent.futures is imported on first use: it costs ~4 ms (it imports logging), which
    # a program that makes no async or group call need not pay at import.
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=prefix)


def _shared_executor() -> concurrent.futures.ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = _thread_pool(max(4, min(32, (os.cpu_count() or 1) + 4)), "assemblyai_native")
        return _executor
