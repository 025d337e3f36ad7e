"""``AsyncTranscriber``: pre-recorded transcription from asyncio, as 1.8.2's.

Built on libassemblyai's non-blocking calls: ``transcribe()``, ``submit()``, waiting and
listing each start an ``aai_*_async`` operation that runs on the library's worker threads and
calls back once when done; the callback hands the outcome to the event loop with
``loop.call_soon_threadsafe`` (``_aio``). A thousand pending transcriptions hold no thread of
their own. Cancelling a pending coroutine cancels the library operation (``aai_future_cancel``):
a poll sleep ends at once, a request in flight is aborted; a transcript the server already
created is not deleted. Calls the C ABI has no non-blocking form of (``upload_file()``,
``delete_by_id()``, a file object other than a ``BytesIO``) run on the binding's shared thread
pool, and cancelling them only stops the waiting.
"""

from __future__ import annotations

import asyncio
import ctypes

from ... import _aio, _futures, errors
from ..._async_client import AsyncClient, _resolve_client
from ...transcriber import Transcriber
from ...types import ListTranscriptParameters, ListTranscriptResponse, TranscriptionConfig
from .async_transcript import AsyncTranscript

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Awaitable, Callable, List, Optional, Sequence, Tuple, Union

    from ...transcriber import AudioSource
    from ._bound import _BoundTranscriber

_DEFAULT_MAX_CONCURRENCY = 8


class AsyncTranscriber:
    """The asyncio counterpart of ``Transcriber``: transcribes URLs, local files, bytes and
    binary file objects; every method that calls the API is a coroutine.

    Args:
        client: the ``AsyncClient`` to send requests with (stays the caller's to close). None:
            the transcriber makes one from the global settings as they are now.
        config: the default TranscriptionConfig of every call.
        api_key: the API key; the transcriber then makes its own client (from a copy of
            `client`'s settings when one is given, leaving that client untouched).
    """

    _config_owner = "AsyncTranscriber"

    def __init__(self, *, client: Optional[AsyncClient] = None, config: Optional[TranscriptionConfig] = None,
                 api_key: Optional[str] = None) -> None:
        self._config = Transcriber._checked_config(config) if config is not None else TranscriptionConfig()
        self._owns_client = client is None or api_key is not None
        self._client = _resolve_client(client, api_key)

    @property
    def client(self) -> AsyncClient:
        """The AsyncClient this transcriber sends requests with."""
        return self._client

    @property
    def config(self) -> TranscriptionConfig:
        """The default configuration of the transcriber."""
        return self._config

    @config.setter
    def config(self, config: TranscriptionConfig) -> None:
        self._config = Transcriber._checked_config(config)

    def _native(self) -> _BoundTranscriber:
        return self._client._transcriber()

    def _resolve(self, config: Optional[TranscriptionConfig]) -> TranscriptionConfig:
        return Transcriber._checked_config(config) if config is not None else self._config

    async def upload_file(self, data: AudioSource) -> str:
        """Uploads audio (a local path, bytes or a binary file object) and returns its URL.
        (The library has no non-blocking upload-only call: this runs on the shared thread pool.)"""
        return await _aio.in_thread(self._native().upload_file, data)  # type: ignore[no-any-return]

    async def submit(self, data: AudioSource, config: Optional[TranscriptionConfig] = None) -> AsyncTranscript:
        """Submits audio (URL, local path, bytes or binary file object) and returns once the
        job is queued, with the transcript in its first state. Await its
        ``wait_for_completion()`` for the result."""
        return await _aio.result(self._native()._start(data, self._resolve(config), False))  # type: ignore[no-any-return]

    async def transcribe(self, data: AudioSource, config: Optional[TranscriptionConfig] = None, *,
                         poll_timeout: Optional[float] = None) -> AsyncTranscript:
        """Transcribes audio and waits for the result. A transcript the server failed comes back
        with status error (not raised); failures to reach or use the API raise TranscriptError,
        and so does `poll_timeout` (seconds) passing before the transcript is done."""
        cfg = self._resolve(config)
        if poll_timeout is None:
            return await _aio.result(self._native()._start(data, cfg, True))  # type: ignore[no-any-return]
        transcript = await self.submit(data, cfg)
        return await transcript.wait_for_completion(poll_timeout=poll_timeout)

    async def submit_group(self, data: Sequence[AudioSource], config: Optional[TranscriptionConfig] = None,
                           return_failures: bool = False,
                           max_concurrency: int = _DEFAULT_MAX_CONCURRENCY) -> Any:
        """Submits several files, at most `max_concurrency` at a time; the transcripts come back
        in the order of `data`. The first failure is raised once all are settled, or with
        ``return_failures=True`` the result is ``(transcripts, errors)``."""
        return await self._each(data, lambda item: self.submit(item, config), return_failures, max_concurrency)

    async def transcribe_group(self, data: Sequence[AudioSource], config: Optional[TranscriptionConfig] = None,
                               return_failures: bool = False,
                               max_concurrency: int = _DEFAULT_MAX_CONCURRENCY) -> Any:
        """Transcribes several files, at most `max_concurrency` at a time, and waits for all;
        results in the order of `data` (see ``submit_group`` for failures)."""
        return await self._each(data, lambda item: self.transcribe(item, config), return_failures, max_concurrency)

    @staticmethod
    async def _each(data: Sequence[AudioSource], run: Callable[[Any], Awaitable[AsyncTranscript]],
                    return_failures: bool, max_concurrency: int) -> Any:
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        gate = asyncio.Semaphore(max_concurrency)

        async def limited(item: Any) -> AsyncTranscript:
            async with gate:
                return await run(item)

        # Every item is awaited, also after a failure, so that none is left running.
        outcomes = await asyncio.gather(*[limited(item) for item in data], return_exceptions=True)
        transcripts: List[AsyncTranscript] = []
        failures: List[errors.AssemblyAIError] = []
        for outcome in outcomes:
            if not isinstance(outcome, BaseException):
                transcripts.append(outcome)
            elif return_failures and isinstance(outcome, errors.AssemblyAIError):
                failures.append(outcome)
            else:
                raise outcome
        return (transcripts, failures) if return_failures else transcripts

    async def get_by_id(self, transcript_id: str) -> AsyncTranscript:
        """Fetches an existing transcript, waiting until it is completed or failed."""
        return await AsyncTranscript(transcript_id, self._client).wait_for_completion()

    async def delete_by_id(self, transcript_id: str) -> AsyncTranscript:
        """Deletes a transcript's content and returns what the server returned. (The library
        has no non-blocking delete: this runs on the shared thread pool.)"""
        return await _aio.in_thread(self._native()._delete, transcript_id)  # type: ignore[no-any-return]

    async def list_transcripts(self, params: Optional[ListTranscriptParameters] = None) -> ListTranscriptResponse:
        """One page of your transcripts, newest first (aai_transcriber_list_async). To page
        back, set ``params.before_id`` to ``page.page_details.before_id_of_prev_url``."""
        try:
            future = self._native()._list_async(params)
        except Exception as exc:
            future = _futures.done(exc=exc)
        return await _aio.result(future)  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        """Closes the client this transcriber made (a client passed in stays the caller's)."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> "AsyncTranscriber":
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        await self.aclose()


__all__ = ["AsyncTranscriber"]
