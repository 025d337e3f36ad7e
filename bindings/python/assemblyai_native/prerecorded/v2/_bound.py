"""The Transcriber an AsyncClient's asyncio classes run on: libassemblyai's aai_transcriber made
from that client's settings (not the global ones), whose transcripts are AsyncTranscripts."""

from __future__ import annotations

import ctypes

from ... import _ffi, _futures, errors
from ..._ffi import lib
from ..._listing import _list_arguments, _list_page
from ...transcriber import Transcriber
from ...types import ListTranscriptParameters, ListTranscriptResponse
from .async_transcript import AsyncTranscript

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

    from ..._async_client import AsyncClient


class _BoundTranscriber(Transcriber):
    """A Transcriber on an AsyncClient's settings (not the global ones), whose transcripts are
    AsyncTranscripts. One per AsyncClient."""

    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self._async_client = client

    def _handle(self) -> _ffi.Handle:
        client = self._async_client._client_handle()
        with self._lock:
            if self._cached is None or self._cached[0] is not client:
                th = _ffi.new_handle(lib.aai_transcriber_new, _ffi.TranscriberP, lib.aai_transcriber_free,
                                     client.ptr, None)
                self._cached = (client, th)
            return self._cached[1]

    def _finish(self, status: int, out: Any, accept_failed_transcript: bool = True,
                path: Optional[str] = None) -> AsyncTranscript:
        try:
            transcript = super()._finish(status, out, accept_failed_transcript, path)
        except errors.AssemblyAIError as exc:
            if exc.transcript is not None:
                exc.transcript = AsyncTranscript._adopt(exc.transcript, self)
            raise
        return AsyncTranscript._adopt(transcript, self)

    def _delete(self, transcript_id: str) -> AsyncTranscript:
        tid = _ffi.encode(transcript_id, "transcript_id")
        out = _ffi.TranscriptP()
        status = lib.aai_transcriber_delete(self._handle().ptr, tid, ctypes.byref(out))
        return self._finish(status, out, accept_failed_transcript=False)

    def _list_async(self, params: Optional[ListTranscriptParameters]) -> Any:
        """One page of the listing as a library future (aai_transcriber_list_async)."""
        th = self._handle()
        args = (th.ptr, *_list_arguments(params))

        def finish(c_future: Any, _status: int) -> ListTranscriptResponse:
            th  # noqa: B018 - kept alive until the operation is done
            out = _ffi.TranscriptListP()
            _ffi.check(lib.aai_future_transcript_list(c_future, ctypes.byref(out)))
            return _list_page(_ffi.Handle(out, lib.aai_transcript_list_free))

        return _futures.start(lib.aai_transcriber_list_async, args, finish, lambda status: _ffi.last_error(status))
