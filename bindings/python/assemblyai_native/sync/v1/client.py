"""``SyncTranscriber`` and ``LiveSession``: the Sync API, as 1.8.2's ``assemblyai.sync.v1``.

Every call is one request made by libassemblyai (a chunked multipart POST /v1/transcribe/live);
``transcribe_async()`` and live sessions complete from the library's callback, not from a
Python worker thread.
"""

from __future__ import annotations

import concurrent.futures

from ... import _audio_request as _ar
from .models import SyncTranscriptError, SyncTranscriptionConfig, SyncTranscriptResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional


def check_config(owner: str, config: Any) -> None:
    if config is not None and not isinstance(config, SyncTranscriptionConfig):
        raise TypeError(f"{owner} expects SyncTranscriptionConfig, got {type(config).__name__}. "
                        "Use aai.SyncTranscriptionConfig.")


class LiveSession(_ar.LiveAudio):
    """A live upload that audio is pushed into (``SyncTranscriber.open_live()``).

    The request starts when the session opens; ``write()`` queues audio (any thread, never
    blocks), ``close()`` ends the audio, ``result()`` waits for the transcript, ``abort()``
    drops the request. Leaving a ``with`` block closes it, or aborts it if the block raised.
    """

    _response = SyncTranscriptResponse

    def result(self) -> Any:
        """Waits for the transcript, ending the audio first if it is still open."""
        if self._aborted:
            raise RuntimeError("the live session was aborted; there is no result")
        self._closed = True
        return self._response.parse_obj(self._native.result())

    def abort(self) -> None:
        """Drops the request without a transcript. Idempotent."""
        if self._aborted:
            return
        self._aborted = True
        self._closed = True
        self._native.cancel()

    def __enter__(self) -> "LiveSession":
        return self

    def __exit__(self, exc_type: Any, *_exc: Any) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.close()


class SyncTranscriber:
    """Transcribes audio synchronously: audio in, transcript out, one request.

    Accepts a local file path, raw bytes, or a binary file object, but not a URL.
    """

    _error = SyncTranscriptError
    _dictation = False
    _session_class = LiveSession
    _response = SyncTranscriptResponse

    def __init__(self, *, client: Any = None, config: Optional[SyncTranscriptionConfig] = None,
                 max_workers: Optional[int] = None, api_key: Optional[str] = None) -> None:
        """`client` is accepted for 1.8.2 compatibility and not used (the library keeps its own
        connections); `max_workers` likewise (no Python worker threads are used)."""
        check_config(type(self).__name__, config)
        self._config = config or SyncTranscriptionConfig()
        self._native = _ar.NativeTranscriber(self._dictation, self._error, api_key)

    @property
    def config(self) -> SyncTranscriptionConfig:
        return self._config

    @config.setter
    def config(self, config: SyncTranscriptionConfig) -> None:
        check_config(type(self).__name__, config)
        self._config = config

    def transcribe(self, data: Any, config: Optional[SyncTranscriptionConfig] = None) -> SyncTranscriptResponse:
        """Transcribes a file path, audio bytes or a binary file object and returns the transcript."""
        check_config(type(self).__name__, config)
        return SyncTranscriptResponse.parse_obj(
            self._native.transcribe_whole(data, config or self._config, type(self).__name__))

    def transcribe_async(self, data: Any, config: Optional[SyncTranscriptionConfig] = None
                         ) -> "concurrent.futures.Future[SyncTranscriptResponse]":
        """Starts a transcription and returns a ``concurrent.futures.Future`` for it, completed
        from the library's callback."""
        check_config(type(self).__name__, config)
        future: "concurrent.futures.Future[SyncTranscriptResponse]" = concurrent.futures.Future()
        try:
            audio, filename = _ar.whole_audio(data, type(self).__name__)

            def complete(value: Any, error: Optional[BaseException]) -> None:
                try:
                    if error is not None:
                        future.set_exception(error)
                    else:
                        future.set_result(value)
                except concurrent.futures.InvalidStateError:  # cancelled, or failed meanwhile
                    pass

            native = _ar.live_with_completion(self._native, config or self._config, filename,
                                              SyncTranscriptResponse.parse_obj, complete)
            native.write(audio)
            native.close()
        except BaseException as e:  # noqa: B902 - handed to the future
            try:
                future.set_exception(e)
            except concurrent.futures.InvalidStateError:
                pass
        return future

    def transcribe_live(self, data: Any, config: Optional[SyncTranscriptionConfig] = None) -> SyncTranscriptResponse:
        """Transcribes audio uploaded as it is produced: an iterable of bytes chunks or a binary
        file object read as it fills. Anything the producer raises propagates unchanged."""
        check_config(type(self).__name__, config)
        _ar.check_chunks(data)
        return SyncTranscriptResponse.parse_obj(
            self._native.transcribe_reader(_ar.iter_chunks(data), _ar.stream_filename(data), config or self._config))

    def open_live(self, config: Optional[SyncTranscriptionConfig] = None) -> LiveSession:
        """Opens a live upload that audio is pushed into (see ``LiveSession``)."""
        check_config(type(self).__name__, config)
        return self._session_class(_ar.NativeLive(self._native, config or self._config))

    def warm(self) -> bool:
        """Opens the connection to the API ahead of time; True once it is open."""
        return self._native.warm()

    def close(self) -> None:
        """Nothing to release (kept for 1.8.2 compatibility)."""

    def __enter__(self) -> "SyncTranscriber":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()
