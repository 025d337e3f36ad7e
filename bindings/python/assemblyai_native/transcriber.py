"""Transcriber, mirroring the official SDK's ``assemblyai.Transcriber``."""

from __future__ import annotations

import ctypes
import io
import os
import threading
import time

from . import _ffi, _futures, errors
from ._ffi import lib
from ._settings import settings
from .types import ListTranscriptParameters, ListTranscriptResponse, TranscriptionConfig, TranscriptItem
from ._pools import _shared_executor, _thread_pool
from ._audio_input import _buffer, _classify, _path_bytes, _plain_bytesio, _plain_file, _remaining_size
from .transcript import Transcript
from .transcript_group import TranscriptGroup  # noqa: F401  (assemblyai.transcriber.TranscriptGroup)
from ._listing import _list_arguments, _list_page

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any, BinaryIO, Iterator, List, Optional, Sequence, Tuple, Union


    AudioSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]


# --------------------------------------------------------------------------------------
# Transcriber
# --------------------------------------------------------------------------------------


def _wait_interruptibly(start: Any, transcriber: Any, args: tuple, config: Any, out: Any) -> int:
    """Runs a transcription through the library's non-blocking call and waits for it in short
    slices, so Ctrl-C (KeyboardInterrupt) lands at once: the operation is then cancelled (a poll
    sleep ends immediately, a transfer is aborted) and its future freed before re-raising."""
    future = _ffi.FutureP()
    status = start(transcriber, *args, config, _ffi.FUTURE_CALLBACK(), None, ctypes.byref(future))
    if status != 0:
        return int(status)
    try:
        done = ctypes.c_int(0)
        while lib.aai_future_wait(future, 100, ctypes.byref(done)) != 0:  # AAI_ERR_TIMEOUT: still running
            pass
        return int(lib.aai_future_transcript(future, ctypes.byref(out)))
    except BaseException:
        lib.aai_future_cancel(future)
        raise
    finally:
        lib.aai_future_free(future)


class Transcriber:
    """Transcribes URLs, local files, bytes and binary file objects, as in the official SDK.

    Args:
        config: the default TranscriptionConfig of every call (each call may pass its own).
        max_workers: threads for the ``*_async`` calls the library cannot run itself
            (``upload_file_async``, a file object other than a BytesIO); default: a pool
            shared by all. The others run on libassemblyai's non-blocking calls.
    """

    def __init__(
        self,
        *,
        config: Optional[TranscriptionConfig] = None,
        max_workers: Optional[int] = None,
        client: Any = None,
    ) -> None:
        if client is not None:
            raise NotImplementedError("assemblyai_native has no Client objects yet: use aai.settings")
        self._config = self._checked_config(config) if config is not None else TranscriptionConfig()
        self._lock = threading.Lock()
        # (aai_client handle, aai_transcriber handle made from it)
        self._cached: Optional[Tuple[_ffi.Handle, _ffi.Handle]] = None
        self._executor = _thread_pool(max_workers, "assemblyai_native") if max_workers else None

    @staticmethod
    def _checked_config(config: Any) -> TranscriptionConfig:
        if not isinstance(config, TranscriptionConfig):
            raise TypeError(f"config must be a TranscriptionConfig, not {type(config).__name__}")
        return config

    @property
    def config(self) -> TranscriptionConfig:
        "The default configuration of the Transcriber."
        return self._config

    @config.setter
    def config(self, config: TranscriptionConfig) -> None:
        self._config = self._checked_config(config)

    def _handle(self) -> _ffi.Handle:
        """The aai_transcriber for the current settings (rebuilt after settings change)."""
        client = settings._client_handle()
        with self._lock:
            if self._cached is None or self._cached[0] is not client:
                th = _ffi.new_handle(lib.aai_transcriber_new, _ffi.TranscriberP, lib.aai_transcriber_free,
                                     client.ptr, None)
                self._cached = (client, th)
            return self._cached[1]

    def _submit_executor(self) -> concurrent.futures.ThreadPoolExecutor:
        return self._executor or _shared_executor()

    def _finish(self, status: int, out: Any, accept_failed_transcript: bool = True,
                path: Optional[str] = None) -> Transcript:
        """Turns a call's status and *out into a Transcript or an exception."""
        exc = None
        if status != _ffi.AAI_OK and not (accept_failed_transcript and status == _ffi.AAI_ERR_TRANSCRIPT and out):
            exc = _ffi.last_error(status, errors.TranscriptError, path)
        transcript = Transcript._from_handle(_ffi.Handle(out, lib.aai_transcript_free), self) if out else None
        if exc is not None:
            exc.transcript = transcript
            raise exc
        if transcript is None:
            raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no transcript", status="AAI_ERR_INTERNAL")
        return transcript

    # -- upload -------------------------------------------------------------------------

    def upload_file(self, data: AudioSource) -> str:
        """Uploads audio (a local path, bytes or a binary file object) and returns the URL
        to transcribe it from."""
        kind, value = _classify(data)
        th = self._handle()
        out = ctypes.c_void_p()
        if kind in ("path", "url"):  # upload_file(str) always means a local path
            status = lib.aai_transcriber_upload_file(th.ptr, _path_bytes(value), ctypes.byref(out))
            _ffi.check(status, errors.TranscriptError, value)
        elif kind == "bytes":
            buf, size = _buffer(value)
            status = lib.aai_transcriber_upload_bytes(th.ptr, buf, size, ctypes.byref(out))
            _ffi.check(status, errors.TranscriptError)
        else:
            return self._upload_stream(th, value)
        url = _ffi.take_string(out)
        if not url:
            raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no upload URL", status="AAI_ERR_INTERNAL")
        return url

    def upload_file_async(self, data: AudioSource) -> "concurrent.futures.Future[str]":
        return self._submit_executor().submit(self.upload_file, data)

    def _upload_stream(self, th: _ffi.Handle, stream: Any) -> str:
        if isinstance(stream, io.TextIOBase):
            raise TypeError("a file object to upload must be binary (opened with 'rb'), not text")
        # A stream upload cannot be retried (the library cannot rewind a read callback), so a
        # file object that can be re-read goes through a retried upload instead.
        url = self._upload_rereadable(th, stream)
        if url is not None:
            return url
        failures: List[BaseException] = []
        readinto = getattr(stream, "readinto", None)

        def read(buffer: int, capacity: int, _user_data: Any) -> int:
            try:
                while True:
                    if readinto is not None:
                        n = readinto((ctypes.c_char * capacity).from_address(buffer))
                    else:
                        chunk = stream.read(capacity)
                        if chunk is None:
                            n = None
                        else:
                            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                                raise TypeError("a file object to upload must return bytes from read(), "
                                                f"not {type(chunk).__name__}")
                            chunk = bytes(chunk)
                            if len(chunk) > capacity:
                                raise ValueError("read(n) returned more than n bytes")
                            ctypes.memmove(buffer, chunk, len(chunk))
                            n = len(chunk)
                    if n is None:  # non-blocking stream without data yet
                        time.sleep(0.01)
                        continue
                    return int(n)
            except BaseException as exc:  # noqa: B902 - re-raised after the C call returns
                failures.append(exc)
                return -1

        callback = _ffi.READ_CALLBACK(read)
        out = ctypes.c_void_p()
        status = lib.aai_transcriber_upload_stream(th.ptr, callback, None, _remaining_size(stream), ctypes.byref(out))
        if failures:
            _ffi.take_string(out)  # frees it, should the library have written one
            raise failures[0]
        _ffi.check(status, errors.TranscriptError)
        url = _ffi.take_string(out)
        if not url:
            raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no upload URL", status="AAI_ERR_INTERNAL")
        return url

    def _upload_rereadable(self, th: _ffi.Handle, stream: Any) -> Optional[str]:
        """Uploads a BytesIO from its buffer (no copy), or a regular file read from its start
        by the library through /proc/self/fd (a new open of the same file, so the caller's
        offset is untouched until the end); both are retried as bytes and paths are. None for
        any other stream (or a file not at its start), which is then read through a callback."""
        out = ctypes.c_void_p()
        if _plain_bytesio(stream):
            pos = stream.tell()
            with stream.getbuffer() as view, view[pos:] as rest:
                n = rest.nbytes
                if n == 0:
                    return None  # the stream path reports empty audio as it always did
                buf = (ctypes.c_char * n).from_buffer(rest)  # exporting also blocks resizing meanwhile
                try:
                    status = lib.aai_transcriber_upload_bytes(th.ptr, buf, n, ctypes.byref(out))
                finally:
                    del buf
            _ffi.check(status, errors.TranscriptError)
            stream.seek(pos + n)  # consumed, as a read to the end leaves it
        else:
            if not _plain_file(stream):
                return None
            try:
                fd = stream.fileno()
                import stat

                if not stat.S_ISREG(os.fstat(fd).st_mode) or stream.tell() != 0:
                    return None
                proc_path = f"/proc/self/fd/{fd}"
                if not os.path.exists(proc_path):
                    return None
            except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
                return None
            status = lib.aai_transcriber_upload_file(th.ptr, proc_path.encode(), ctypes.byref(out))
            _ffi.check(status, errors.TranscriptError)
            stream.seek(0, io.SEEK_END)
        url = _ffi.take_string(out)
        if not url:
            raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no upload URL", status="AAI_ERR_INTERNAL")
        return url

    # -- submit / transcribe --------------------------------------------------------------

    def _run(self, data: AudioSource, config: Optional[TranscriptionConfig], poll: bool) -> Transcript:
        cfg = self._checked_config(config) if config is not None else self._config
        raw_handle = cfg.raw._handle  # keep the config handle alive during the call
        kind, value = _classify(data)
        th = self._handle()
        out = _ffi.TranscriptP()
        if kind == "stream":
            value, kind = self._upload_stream(th, value), "url"
        if kind == "url":
            args: tuple = (_ffi.encode(value, "audio URL"),)
            blocking, nonblocking = lib.aai_transcriber_submit_url, lib.aai_transcriber_transcribe_url_async
        elif kind == "path":
            args = (_path_bytes(value),)
            blocking, nonblocking = lib.aai_transcriber_submit_file, lib.aai_transcriber_transcribe_file_async
        else:
            buf, size = _buffer(value)
            args = (buf, size)
            blocking, nonblocking = lib.aai_transcriber_submit_bytes, lib.aai_transcriber_transcribe_bytes_async
        if not poll:
            status = blocking(th.ptr, *args, raw_handle.ptr, ctypes.byref(out))
        else:
            status = _wait_interruptibly(nonblocking, th.ptr, args, raw_handle.ptr, out)
        return self._finish(status, out, path=value if kind == "path" else None)

    def submit(self, data: AudioSource, config: Optional[TranscriptionConfig] = None) -> Transcript:
        """Submits audio (URL, local path, bytes or binary file object) for transcription
        and returns at once, with the transcript in its first state (usually queued)."""
        return self._run(data, config, poll=False)

    def submit_async(self, data: AudioSource,
                     config: Optional[TranscriptionConfig] = None) -> "concurrent.futures.Future[Transcript]":
        return self._start(data, config, poll=False)

    def transcribe(self, data: AudioSource, config: Optional[TranscriptionConfig] = None) -> Transcript:
        """Transcribes audio (URL, local path, bytes or binary file object) and waits for
        the result. A transcript that fails on the server is returned with status error
        (as in the official SDK); failures to reach or use the API raise TranscriptError."""
        return self._run(data, config, poll=True)

    def transcribe_async(self, data: AudioSource,
                         config: Optional[TranscriptionConfig] = None) -> "concurrent.futures.Future[Transcript]":
        return self._start(data, config, poll=True)

    def _start(self, data: AudioSource, config: Optional[TranscriptionConfig], poll: bool) -> "concurrent.futures.Future[Transcript]":
        """submit/transcribe as a future of the library's non-blocking call (no Python thread
        waits for it; cancel() cancels the operation). A file object other than a BytesIO must
        be read by Python while it uploads: that one runs on the thread pool."""
        try:
            cfg = self._checked_config(config) if config is not None else self._config
            kind, value = _classify(data)
            if kind == "stream" and (not _plain_bytesio(value) or value.tell() >= len(value.getbuffer())):
                return self._submit_executor().submit(self._run, data, config, poll)
            th = self._handle()
            if kind == "url":
                args: tuple = (_ffi.encode(value, "audio URL"),)
                begin = lib.aai_transcriber_transcribe_url_async if poll else lib.aai_transcriber_submit_url_async
            elif kind == "path":
                args = (_path_bytes(value),)
                begin = lib.aai_transcriber_transcribe_file_async if poll else lib.aai_transcriber_submit_file_async
            else:
                begin = lib.aai_transcriber_transcribe_bytes_async if poll else lib.aai_transcriber_submit_bytes_async
        except Exception as exc:  # in the future, as the official SDK's executor reports it
            return _futures.done(exc=exc)
        path = value if kind == "path" else None

        def finish(c_future: Any, _status: int) -> Transcript:
            th  # noqa: B018 - kept alive until the operation is done
            out = _ffi.TranscriptP()
            return self._finish(lib.aai_future_transcript(c_future, ctypes.byref(out)), out, path=path)

        def fail(status: int) -> BaseException:
            return _ffi.last_error(status, errors.TranscriptError, path)

        if kind != "stream":
            if kind == "bytes":
                buf, size = _buffer(value)  # copied by the library before the call returns
                args = (buf, size)
            return _futures.start(begin, (th.ptr, *args, cfg.raw._handle.ptr), finish, fail)
        pos = value.tell()  # a BytesIO: its bytes from where it stands, as a read would take them
        with value.getbuffer() as view, view[pos:] as rest:
            n = rest.nbytes
            buf = (ctypes.c_char * n).from_buffer(rest)
            try:
                fut = _futures.start(begin, (th.ptr, buf, n, cfg.raw._handle.ptr), finish, fail)
            finally:
                del buf
        value.seek(pos + n)
        return fut



    # -- listing ----------------------------------------------------------------------------

    def list_transcripts(self, params: Optional[ListTranscriptParameters] = None) -> ListTranscriptResponse:
        """One page of your transcripts, newest first, filtered by `params`. To go through
        every page, set ``params.before_id`` to ``page.page_details.before_id_of_prev_url``
        until that is None (or use :meth:`list_all_transcripts`)."""
        out = _ffi.TranscriptListP()
        status = lib.aai_transcriber_list(self._handle().ptr, *_list_arguments(params), ctypes.byref(out))
        _ffi.check(status)
        return _list_page(_ffi.Handle(out, lib.aai_transcript_list_free))

    def list_all_transcripts(self, params: Optional[ListTranscriptParameters] = None) -> Iterator[TranscriptItem]:
        """Every transcript matching `params`, newest first, fetching page after page (the
        library follows each page's prev_url)."""
        page = self.list_transcripts(params)
        while True:
            yield from page.transcripts
            prev = page.page_details.prev_url
            if not prev:
                return
            out = _ffi.TranscriptListP()
            _ffi.check(lib.aai_transcriber_list_page(self._handle().ptr, _ffi.encode(prev, "prev_url"), ctypes.byref(out)))
            page = _list_page(_ffi.Handle(out, lib.aai_transcript_list_free))

    # -- groups -------------------------------------------------------------------------------

    def _group(self, data: Sequence[AudioSource], config: Optional[TranscriptionConfig], poll: bool,
               return_failures: Optional[bool]) -> "concurrent.futures.Future[Any]":
        """One library future per file (submit, or transcribe = submit then wait), all in
        flight at once (the library runs at most 4 requests at a time); the group's future is
        done when all are. As in the official SDK, a file that fails to submit or to be fetched
        is left out (TranscriptError), and reported only with return_failures. (The library's
        own group call is not used: its items carry a status and a message, not the HTTP
        status and retryable flag a TranscriptError has, and it takes no bytes.)"""
        items = [self._start(d, config, poll) for d in data]

        def combine(done: List[Any]) -> Any:
            group = TranscriptGroup()
            failures: List[errors.AssemblyAIError] = []
            for future in done:
                try:
                    group.add_transcript(future.result())
                except errors.TranscriptError as exc:
                    failures.append(exc)
            return (group, failures) if return_failures else group

        return _futures.gather(items, combine)

    def submit_group(self, data: Sequence[AudioSource], config: Optional[TranscriptionConfig] = None,
                     return_failures: Optional[bool] = False) -> Any:
        """Submits several files (paths, URLs, bytes or file objects) without waiting. Files
        that fail to submit are left out; ``return_failures=True`` returns ``(group, [errors])``."""
        return _futures.result(self._group(data, config, False, return_failures))

    def transcribe_group(self, data: Sequence[AudioSource], config: Optional[TranscriptionConfig] = None,
                         return_failures: Optional[bool] = False) -> Any:
        """Transcribes several files (paths, URLs, bytes or file objects) and waits for all of
        them. Files that fail to submit or fetch are left out; ``return_failures=True`` returns
        ``(group, [errors])``."""
        return _futures.result(self._group(data, config, True, return_failures))

    def transcribe_group_async(self, data: Sequence[AudioSource], config: Optional[TranscriptionConfig] = None,
                               return_failures: Optional[bool] = False) -> "concurrent.futures.Future[Any]":
        return self._group(data, config, True, return_failures)


__all__ = ["Transcriber", "Transcript", "TranscriptGroup"]
