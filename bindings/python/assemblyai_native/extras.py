"""``aai.extras``: audio sources for streaming, as in the official SDK 0.37.

Both are iterables of PCM16 chunks; given to ``RealtimeTranscriber.stream()`` or
``StreamingClient.stream()`` they run on libassemblyai's own sources instead (its WAV reader,
which checks the format and the sample rate, and its ALSA capture), so no PyAudio is needed."""

from __future__ import annotations

import os
import threading
import time
import wave
from typing import Any, BinaryIO, Iterator, Optional

from . import _ffi, errors
from ._ffi import lib

_CHUNK_SECONDS = 0.3  # the official stream_file's 300 ms segments


class AssemblyAIExtrasNotInstalledError(ImportError):
    """Kept for code that catches it; this package needs no extras."""


class _WavFileStream:
    """What ``stream_file`` returns: a generator-like iterable of 300 ms chunks."""

    def __init__(self, filepath: Any, sample_rate: int, realtime: bool) -> None:
        self.filepath = os.fspath(filepath)
        self.sample_rate = sample_rate
        self.realtime = realtime
        self._iter: Optional[Iterator[bytes]] = None

    def _chunks(self) -> Iterator[bytes]:
        try:
            w = wave.open(self.filepath, "rb")
        except FileNotFoundError:
            raise errors.AudioFileNotFoundError(f"no such file: {self.filepath}", status="AAI_ERR_IO") from None
        except (wave.Error, EOFError) as exc:
            raise errors.InvalidArgumentError(f"{self.filepath}: not a PCM WAV file ({exc})",
                                              status="AAI_ERR_INVALID_ARGUMENT") from None
        with w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise errors.InvalidArgumentError(
                    f"{self.filepath}: only 16-bit mono WAV files can be streamed "
                    f"(this one has {w.getnchannels()} channel(s) of {8 * w.getsampwidth()} bits)",
                    status="AAI_ERR_INVALID_ARGUMENT")
            frames = max(1, int(self.sample_rate * _CHUNK_SECONDS))
            while True:
                data = w.readframes(frames)
                if not data:
                    return
                yield data
                if self.realtime:
                    time.sleep(_CHUNK_SECONDS)

    def __iter__(self) -> "_WavFileStream":
        return self

    def __next__(self) -> bytes:
        if self._iter is None:
            self._iter = self._chunks()
        return next(self._iter)

    def _aai_send_to(self, session: Any) -> None:
        """Streams the file through libassemblyai's WAV source (checked, 300 ms chunks)."""
        if session.freed or session.state != "open":
            return
        status = lib.aai_streaming_send_wav_file(session.ptr, _ffi.encode(self.filepath, "filepath"),
                                                 int(_CHUNK_SECONDS * 1000), 1 if self.realtime else 0)
        if status in (_ffi.AAI_OK, _ffi.AAI_ERR_STATE):
            return  # AAI_ERR_STATE: the session ended meanwhile (the official SDK drops audio then)
        raise _ffi.last_error(status, path=self.filepath)


def stream_file(filepath: Any, sample_rate: int, *, realtime: bool = True) -> _WavFileStream:
    """Mimics a live stream from a WAV/PCM16 mono file: 300 ms chunks at the audio's own pace
    (``realtime=False``, an addition, sends as fast as the session takes them)."""
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate <= 0:
        raise ValueError("sample_rate must be a positive int")
    return _WavFileStream(filepath, sample_rate, realtime)


class MicrophoneStream:
    """The microphone, through libassemblyai's ALSA capture (no PyAudio).

    ``device`` (an addition) is an ALSA PCM name ("default", "hw:1,0", a PCM of an ALSA
    configuration file); ``device_index=N`` means "plughw:N"; default: ``$ASSEMBLYAI_MICROPHONE``
    or "default". ``stream(microphone)`` captures 100 ms chunks at the session's sample rate
    until ``close()`` (from another thread or a callback), Ctrl+C, the end of the session, or
    ``max_duration`` seconds (an addition)."""

    def __init__(self, sample_rate: int = 44_100, device_index: Optional[int] = None, *,
                 device: Optional[str] = None, max_duration: Optional[float] = None) -> None:
        self.sample_rate = sample_rate
        if device is None and device_index is not None:
            device = f"plughw:{int(device_index)}"
        self.device = device or os.environ.get("ASSEMBLYAI_MICROPHONE") or None
        self.max_duration = max_duration
        self._closed = threading.Event()

    def __iter__(self) -> "MicrophoneStream":
        return self

    def __next__(self) -> bytes:
        raise errors.NotImplementedByLibraryError(
            "MicrophoneStream captures through the streaming session: pass it to "
            "transcriber.stream() / client.stream() instead of iterating it",
            status="AAI_ERR_NOT_IMPLEMENTED")

    def close(self) -> None:
        """Stops the capture (``stream()`` returns)."""
        self._closed.set()

    def _aai_send_to(self, session: Any) -> None:
        if session.freed or session.state != "open" or self._closed.is_set():
            return
        max_ms = int(self.max_duration * 1000) if self.max_duration else 0
        dev = None if self.device is None else _ffi.encode(self.device, "device")
        status = lib.aai_streaming_start_microphone(session.ptr, dev, 100, max_ms)
        if status != _ffi.AAI_OK:
            raise _ffi.last_error(status)
        deadline = None if not max_ms else time.monotonic() + max_ms / 1000.0
        try:
            while not self._closed.is_set() and not session.ended.is_set():
                if deadline is not None and time.monotonic() >= deadline:
                    break
                self._closed.wait(0.05)
        except KeyboardInterrupt:
            pass  # Ctrl+C ends the stream, as in the official SDK
        finally:
            if not session.freed:
                lib.aai_streaming_stop_microphone(session.ptr)


def file_from_stream(data: BinaryIO) -> str:
    """Deprecated in the official SDK: uploads `data` and returns its URL
    (use ``Transcriber.upload_file()``)."""
    import warnings

    from .transcriber import Transcriber

    warnings.warn("`file_from_stream()` is deprecated and will be removed in 1.0.0. "
                  "Use `Transcriber.upload_file()` instead.", DeprecationWarning, stacklevel=2)
    return Transcriber().upload_file(data)
