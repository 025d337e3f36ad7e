"""``AsyncTranscript``: a transcript whose API calls are coroutines, as 1.8.2's.

It carries the same fields as ``Transcript`` (it is one: ``isinstance(t, aai.Transcript)``
holds). Waiting runs on libassemblyai's non-blocking wait (``aai_transcriber_wait_async``): no
thread waits, and cancelling the coroutine stops the polling. The follow-up calls (sentences,
paragraphs, subtitles, word search, redacted audio) have no non-blocking form in the library's
C ABI yet; they run on the binding's shared thread pool (see the README's asyncio section).
"""

from __future__ import annotations

import asyncio

from ... import _aio, errors
from ...transcript import Transcript

TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from typing import Any, List, Optional, Sequence, Union

    from ... import types
    from ..._async_client import AsyncClient
    from ._bound import _BoundTranscriber


class AsyncTranscript(Transcript):
    """The asyncio counterpart of ``Transcript``: the same fields; every method that calls the
    API is a coroutine. ``AsyncTranscriber`` makes these."""

    def __init__(self, transcript_id: Optional[str], client: Optional["AsyncClient"] = None) -> None:
        Transcript.__init__(self, transcript_id)
        if client is not None:
            from ..._async_client import AsyncClient

            if not isinstance(client, AsyncClient):
                raise TypeError(f"client must be an AsyncClient, not {type(client).__name__}")
            self._transcriber = client._transcriber()

    @classmethod
    def _adopt(cls, transcript: Transcript, owner: "_BoundTranscriber") -> "AsyncTranscript":
        """The AsyncTranscript of a Transcript the library just returned (same handle)."""
        if isinstance(transcript, cls):
            return transcript
        handle = transcript._handle
        self = cls(transcript.id)
        self._transcriber = owner
        if handle is not None:
            self._set_handle(handle)
        return self

    async def wait_for_completion(self, *, poll_timeout: Optional[float] = None) -> "AsyncTranscript":  # type: ignore[override]
        """Polls the transcript (at the client's ``polling_interval``) until its status is
        completed or error. A transcript that ends in error is returned, not raised.

        Args:
            poll_timeout: how long to poll, in seconds (None: until the transcript is done).

        Raises:
            TranscriptError: when `poll_timeout` passes first (the transcript keeps processing
                on the server: fetch it later with ``get_by_id``), or the polling failed.
        """
        waiting = _aio.wrap(self.wait_for_completion_async())
        if poll_timeout is None:
            return await waiting  # type: ignore[no-any-return]
        done, _ = await asyncio.wait({waiting}, timeout=poll_timeout)
        if not done:
            waiting.cancel()  # stops the library's polling
            status = self._status_text()
            exc = errors.TranscriptError(
                f"Polling for transcript {self.id} timed out after {poll_timeout} seconds "
                f"(last status: {status}). The transcript keeps processing; fetch it later by its id.",
                status="AAI_ERR_TIMEOUT")
            exc.transcript = self
            raise exc
        return await waiting  # type: ignore[no-any-return]

    def _status_text(self) -> Optional[str]:
        with self._lock:
            handle = self._handle
        if handle is None:
            return None
        status = self.status
        return getattr(status, "value", status)

    async def export_subtitles_srt(self, chars_per_caption: Optional[int] = None) -> str:  # type: ignore[override]
        """The transcript as SRT subtitles."""
        return await _aio.in_thread(Transcript.export_subtitles_srt, self, chars_per_caption)  # type: ignore[no-any-return]

    async def export_subtitles_vtt(self, chars_per_caption: Optional[int] = None) -> str:  # type: ignore[override]
        """The transcript as WebVTT subtitles."""
        return await _aio.in_thread(Transcript.export_subtitles_vtt, self, chars_per_caption)  # type: ignore[no-any-return]

    async def word_search(self, words: Sequence[str]) -> List["types.WordSearchMatch"]:  # type: ignore[override]
        """Where the given words occur in the transcript."""
        return await _aio.in_thread(Transcript.word_search, self, words)  # type: ignore[no-any-return]

    async def get_sentences(self) -> List["types.Sentence"]:  # type: ignore[override]
        """The transcript split into sentences."""
        return await _aio.in_thread(Transcript.get_sentences, self)  # type: ignore[no-any-return]

    async def get_paragraphs(self) -> List["types.Paragraph"]:  # type: ignore[override]
        """The transcript split into paragraphs."""
        return await _aio.in_thread(Transcript.get_paragraphs, self)  # type: ignore[no-any-return]

    async def get_redacted_audio_url(self) -> str:  # type: ignore[override]
        """The URL of the PII-redacted audio (RedactedAudio*Error while it is not available)."""
        return await _aio.in_thread(Transcript.get_redacted_audio_url, self)  # type: ignore[no-any-return]

    async def save_redacted_audio(self, filepath: Union[str, "os.PathLike[str]"]) -> None:  # type: ignore[override]
        """Downloads the PII-redacted audio to `filepath`."""
        await _aio.in_thread(Transcript.save_redacted_audio, self, filepath)

    # Transcript's blocking class methods have coroutine counterparts on AsyncTranscriber (as in
    # 1.8.2, whose AsyncTranscript has none of them).
    @classmethod
    def get_by_id(cls, transcript_id: str) -> Any:  # type: ignore[override]
        raise AttributeError("AsyncTranscript has no get_by_id(): use `await transcriber.get_by_id(id)`")

    @classmethod
    def get_by_id_async(cls, transcript_id: str) -> Any:  # type: ignore[override]
        raise AttributeError("AsyncTranscript has no get_by_id_async(): use `await transcriber.get_by_id(id)`")

    @classmethod
    def delete_by_id(cls, transcript_id: str) -> Any:  # type: ignore[override]
        raise AttributeError("AsyncTranscript has no delete_by_id(): use `await transcriber.delete_by_id(id)`")

    @classmethod
    def delete_by_id_async(cls, transcript_id: str) -> Any:  # type: ignore[override]
        raise AttributeError("AsyncTranscript has no delete_by_id_async(): use `await transcriber.delete_by_id(id)`")

    def __repr__(self) -> str:
        return "<Async" + Transcript.__repr__(self)[1:]


__all__ = ["AsyncTranscript"]
