"""``TextToSpeech``: the Text-to-Speech HTTP API, one text per request (the official SDK's
``assemblyai.tts.v1.client``), on libassemblyai."""

from __future__ import annotations

import queue

from ... import _futures
from . import _call
from ._native import AAI_TTS_EVENTS, AAI_TTS_STREAM, AAI_TTS_SYNTHESIZE
from .models import TTSConfig, TTSResponse, TTSResponseInfo, TTSWord

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator, List, Optional

__all__ = ["TextToSpeech", "TTSStream"]

_END = object()


class TTSStream:
    """
    The audio of one request, read as the API generates it (returned by
    ``TextToSpeech.stream()``). The request is sent when the stream is entered or first read,
    and ``TTSError`` is raised there if the API refuses it; entering returns once the first
    audio arrived. Iterate it for the bytes (chunks are not aligned to samples), ``read()``
    collects them, ``save(path)`` writes them to a file. A body cut after the first audio
    raises ``TTSError`` with ``retryable=True`` from the iteration: retry the whole request.
    ``close()`` (or leaving the ``with``) stops the request at once.

    ``stream_events()`` returns the same object over the events route: ``words`` then fills
    with word timings (``TTSWord``) as they arrive, and ``on_words`` is called with each batch.
    """

    def __init__(self, settings: Any, text: str, config: TTSConfig, mode: int = AAI_TTS_STREAM,
                 on_words: Optional[Callable[[List[TTSWord]], Any]] = None) -> None:
        self._settings = settings
        self._text = text
        self._config = config
        self._mode = mode
        self._on_words = on_words
        self._queue: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self._future: Any = None
        self._info: Optional[TTSResponseInfo] = None
        self._pending: Any = None  # the first item, read while opening
        self._closed = False
        self.words: List[TTSWord] = []
        "Word timings received so far (``stream_events()`` only)."
        self.response: Optional[TTSResponse] = None
        "The final response (headers, words), once the stream was read to its end."

    @property
    def info(self) -> TTSResponseInfo:
        """The response headers, once the stream is entered or first read."""
        if self._info is None:
            raise RuntimeError("enter or read the stream before `info`")
        return self._info

    def _sink(self, kind: str, payload: Any) -> bool:
        if self._closed:
            return False
        if kind == "audio":
            info, data = payload
            if self._info is None:
                self._info = _call._info_from_c(info)
            self._queue.put(("audio", data))
        else:
            self._queue.put(("words", payload))
        return True

    def _open(self) -> None:
        if self._future is not None:
            return
        self._future = _call.start(self._settings, self._mode, self._text, self._config, self._sink)
        self._future.add_done_callback(lambda _f: self._queue.put(_END))
        # Wait for the first audio (or the end), so a refusal raises here.
        while True:
            item = self._get()
            if item is _END or item[0] == "audio":
                self._pending = item
                break
            self._take_words(item[1])
        if item is _END:
            self._finish()

    def _get(self) -> Any:
        while True:
            try:
                return self._queue.get(timeout=0.2)  # short slices: Ctrl-C stays responsive
            except queue.Empty:
                continue
            except BaseException:
                self.close()
                raise

    def _take_words(self, words: List[TTSWord]) -> None:
        self.words.extend(words)
        if self._on_words is not None:
            self._on_words(words)

    def _finish(self) -> None:
        response = _futures.result(self._future)  # raises TTSError
        self.response = response
        if self._info is None:
            self._info = TTSResponseInfo(**response.model_dump())
        elif response.audio_duration_ms is not None:
            self._info.audio_duration_ms = response.audio_duration_ms

    def __enter__(self) -> "TTSStream":
        self._open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_bytes()

    def iter_bytes(self) -> Iterator[bytes]:
        """Yields the audio bytes as they arrive. Raises TTSError if the request fails."""
        self._open()
        while True:
            if self._pending is not None:
                item, self._pending = self._pending, None
            else:
                item = self._get()
            if item is _END:
                self._finish()
                return
            kind, payload = item
            if kind == "audio":
                if payload:
                    yield payload
            else:
                self._take_words(payload)

    def read(self) -> bytes:
        """Reads the rest of the audio and returns it."""
        return b"".join(self.iter_bytes())

    def save(self, path: str) -> None:
        """Writes the rest of the audio to `path` as it arrives (the file is complete only when
        this returns without an error)."""
        with open(path, "wb") as out:
            for chunk in self.iter_bytes():
                out.write(chunk)

    def close(self) -> None:
        """Stops the request (at once) and releases it. Audio not yet read is discarded."""
        self._closed = True
        if self._future is not None and not self._future.done():
            self._future.cancel()


class TextToSpeech(_call.SpeakerBase):
    """
    Text in, speech out: the Text-to-Speech HTTP API, one text per request.

    ``synthesize()`` returns the complete audio; ``stream()`` returns it as the API generates
    it; ``stream_events()`` adds word timings. Requests go to ``settings.tts_base_url``.
    """

    def synthesize(self, text: str, config: Optional[TTSConfig] = None) -> TTSResponse:
        """Speaks `text` (1 to 5,000 characters) and returns the complete audio with its headers.
        Raises TTSError on any refusal."""
        _call.check_text(text)
        _call.check_config(type(self).__name__, config)
        return _futures.result(_call.start(self._settings, AAI_TTS_SYNTHESIZE, text, config or self._config))  # type: ignore[no-any-return]

    def stream(self, text: str, config: Optional[TTSConfig] = None) -> TTSStream:
        """Speaks `text` and returns its audio as it is generated (a ``TTSStream``; nothing is
        sent until it is entered or read)."""
        _call.check_text(text)
        _call.check_config(type(self).__name__, config)
        return TTSStream(self._settings, text, config or self._config)

    def stream_events(self, text: str, config: Optional[TTSConfig] = None,
                      on_words: Optional[Callable[[List[TTSWord]], Any]] = None) -> TTSStream:
        """``stream()`` over the events route: audio and word timings (``TTSStream.words``, and
        ``on_words(batch)`` as each batch arrives, on the thread that reads the stream)."""
        _call.check_text(text)
        _call.check_config(type(self).__name__, config)
        return TTSStream(self._settings, text, config or self._config, AAI_TTS_EVENTS, on_words)

    def close(self) -> None:
        """Nothing to release: connections belong to the library's client."""

    def __enter__(self) -> "TextToSpeech":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
