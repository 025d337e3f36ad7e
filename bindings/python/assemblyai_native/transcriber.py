"""Transcriber and Transcript, mirroring the official SDK's ``assemblyai.transcriber``."""

from __future__ import annotations

import concurrent.futures
import ctypes
import io
import json
import os
import threading
import time
from typing import Any, BinaryIO, Dict, List, Optional, Tuple, Union, cast
from urllib.parse import urlparse

from . import _ffi, errors
from ._ffi import lib
from ._settings import settings
from .types import TranscriptionConfig, TranscriptStatus, Word

AudioSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]

# --------------------------------------------------------------------------------------
# Background work for the *_async methods
# --------------------------------------------------------------------------------------

_executor: Optional[concurrent.futures.ThreadPoolExecutor] = None
_executor_lock = threading.Lock()


def _shared_executor() -> concurrent.futures.ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=max(4, min(32, (os.cpu_count() or 1) + 4)),
                thread_name_prefix="assemblyai_native",
            )
        return _executor


# --------------------------------------------------------------------------------------
# Audio sources
# --------------------------------------------------------------------------------------


def _classify(data: Any) -> Tuple[str, Any]:
    """("url", str) | ("path", str) | ("bytes", bytes-like) | ("stream", file object)."""
    if isinstance(data, str):
        if urlparse(data).scheme in ("http", "https"):
            return "url", data
        return "path", data
    if isinstance(data, os.PathLike):
        return "path", os.fsdecode(os.fspath(data))
    if isinstance(data, (bytes, bytearray, memoryview)):
        return "bytes", data
    if hasattr(data, "read"):
        return "stream", data
    raise TypeError(
        "audio must be a URL or local path (str), bytes, or a binary file object, "
        f"not {type(data).__name__}"
    )


def _buffer(data: Union[bytes, bytearray, memoryview]) -> Tuple[Any, int]:
    """A pointer-compatible object for `data` (no copy where possible) and its size."""
    if isinstance(data, bytes):
        return data, len(data)
    view = memoryview(data)
    if view.nbytes == 0:
        return b"", 0
    if view.contiguous and not view.readonly:
        flat = view.cast("B")
        return (ctypes.c_char * flat.nbytes).from_buffer(flat), flat.nbytes
    copy = view.tobytes()
    return copy, len(copy)


def _remaining_size(stream: Any) -> int:
    """The number of bytes left in `stream`, or 0 when not known (only used for progress)."""
    try:
        if isinstance(stream, io.BytesIO):
            return max(0, stream.getbuffer().nbytes - int(stream.tell()))
        st = os.fstat(stream.fileno())
        if st.st_size > 0:
            return max(0, st.st_size - int(stream.tell()))
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    return 0


def _path_bytes(path: str) -> bytes:
    data = os.fsencode(path)
    if b"\0" in data:
        raise ValueError("a path must not contain NUL characters")
    return data


# --------------------------------------------------------------------------------------
# Transcript
# --------------------------------------------------------------------------------------

_NO_TRANSCRIPT = "The internal Transcript object is None."


class Transcript:
    """A transcript, as the server last returned it.

    Attribute reads come from the library's transcript handle (``json_response`` is parsed
    once, on first use). ``wait_for_completion()`` replaces the handle with a newer state.
    """

    def __init__(self, transcript_id: Optional[str], client: Any = None) -> None:
        if client is not None:
            raise NotImplementedError("assemblyai_native has no Client objects yet: use aai.settings")
        self._id = transcript_id
        self._transcriber: Optional["Transcriber"] = None
        self._handle: Optional[_ffi.Handle] = None
        self._cache: Dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def _from_handle(cls, handle: _ffi.Handle, transcriber: Optional["Transcriber"]) -> "Transcript":
        self = cls(None)
        self._transcriber = transcriber
        self._set_handle(handle)
        return self

    def _set_handle(self, handle: _ffi.Handle) -> None:
        tid = _ffi.text(lib.aai_transcript_id(handle.ptr))
        with self._lock:
            self._handle = handle
            self._cache = {}
            if tid:
                self._id = tid

    def _require(self) -> Tuple[_ffi.Handle, Dict[str, Any]]:
        with self._lock:
            if self._handle is None:
                raise ValueError(_NO_TRANSCRIPT)
            return self._handle, self._cache

    def _transcriber_handle(self) -> _ffi.Handle:
        return (self._transcriber or _default_transcriber())._handle()

    # -- class methods -------------------------------------------------------------------

    @classmethod
    def get_by_id(cls, transcript_id: str) -> "Transcript":
        """Fetches an existing transcript. Blocks until it is completed or failed."""
        return cls(transcript_id=transcript_id).wait_for_completion()

    @classmethod
    def get_by_id_async(cls, transcript_id: str) -> "concurrent.futures.Future[Transcript]":
        return _shared_executor().submit(cls.get_by_id, transcript_id)

    @classmethod
    def delete_by_id(cls, transcript_id: str) -> "Transcript":
        """Deletes a transcript's content on the server and returns what the server returned
        (the transcript with its content cleared)."""
        tid = _ffi.encode(transcript_id, "transcript_id")
        transcriber = _default_transcriber()
        th = transcriber._handle()
        out = _ffi.TranscriptP()
        status = lib.aai_transcriber_delete(th.ptr, tid, ctypes.byref(out))
        return transcriber._finish(status, out, accept_failed_transcript=False)

    @classmethod
    def delete_by_id_async(cls, transcript_id: str) -> "concurrent.futures.Future[Transcript]":
        return _shared_executor().submit(cls.delete_by_id, transcript_id)

    # -- waiting --------------------------------------------------------------------------

    def wait_for_completion(self) -> "Transcript":
        """Polls the transcript until its status is completed or error, and returns it.
        A transcript that ends with status error is returned, not raised (as in the
        official SDK); HTTP and connection failures raise TranscriptError."""
        if not self._id:
            raise ValueError("Cannot wait for completion. The internal transcript ID is None.")
        tid = _ffi.encode(self._id, "transcript_id")
        th = self._transcriber_handle()
        out = _ffi.TranscriptP()
        status = lib.aai_transcriber_wait(th.ptr, tid, ctypes.byref(out))
        exc = None
        if status != _ffi.AAI_OK and not (status == _ffi.AAI_ERR_TRANSCRIPT and out):
            exc = _ffi.last_error(status, errors.TranscriptError)
        if out:
            self._set_handle(_ffi.Handle(out, lib.aai_transcript_free))
        if exc is not None:
            if out:
                exc.transcript = self
            raise exc
        return self

    def wait_for_completion_async(self) -> "concurrent.futures.Future[Transcript]":
        return _shared_executor().submit(self.wait_for_completion)

    def _refresh(self) -> "Transcript":
        """Fetches the transcript's current state once, whatever its status (no waiting)."""
        if not self._id:
            raise ValueError("Cannot fetch the transcript. The internal transcript ID is None.")
        tid = _ffi.encode(self._id, "transcript_id")
        th = self._transcriber_handle()
        out = _ffi.TranscriptP()
        _ffi.check(lib.aai_transcriber_get(th.ptr, tid, ctypes.byref(out)), errors.TranscriptError)
        self._set_handle(_ffi.Handle(out, lib.aai_transcript_free))
        return self

    # -- attributes ---------------------------------------------------------------------

    @property
    def id(self) -> Optional[str]:
        "The unique identifier of your transcription"
        return self._id

    @property
    def status(self) -> TranscriptStatus:
        "The current status of the transcript"
        h, _ = self._require()
        raw = _ffi.text(lib.aai_transcript_status_text(h.ptr))
        try:
            return TranscriptStatus(raw)
        except ValueError:
            # A status this version does not know: hand over the server's spelling.
            return raw  # type: ignore[return-value]

    @property
    def text(self) -> Optional[str]:
        "The text transcription of your media file"
        h, _ = self._require()
        return _ffi.text(lib.aai_transcript_text(h.ptr))

    @property
    def error(self) -> Optional[str]:
        "The error message in case the transcription fails"
        h, _ = self._require()
        return _ffi.text(lib.aai_transcript_error(h.ptr))

    @property
    def audio_url(self) -> Optional[str]:
        "The corresponding audio url"
        h, _ = self._require()
        return _ffi.text(lib.aai_transcript_audio_url(h.ptr))

    @property
    def audio_duration(self) -> Optional[Union[int, float]]:
        "The duration of the audio in seconds (an int when whole, as the API usually sends)"
        h, _ = self._require()
        value = float(lib.aai_transcript_audio_duration(h.ptr))
        if value < 0:
            return None
        return int(value) if value.is_integer() else value

    @property
    def confidence(self) -> Optional[float]:
        "The confidence our model has in the transcribed text, between 0 and 1"
        h, _ = self._require()
        value = float(lib.aai_transcript_confidence(h.ptr))
        return None if value < 0 else value

    @property
    def words(self) -> Optional[List[Word]]:
        "The list of words in the transcript (None while the server sends none)"
        h, cache = self._require()
        if "words" in cache:
            return cast(Optional[List[Word]], cache["words"])
        ptr = ctypes.POINTER(_ffi.aai_word)()
        count = ctypes.c_size_t()
        _ffi.check(lib.aai_transcript_words(h.ptr, ctypes.byref(ptr), ctypes.byref(count)))
        n = count.value
        words: Optional[List[Word]]
        if n == 0 or not ptr:
            words = [] if self._has_json_value(h, "/words") else None
        else:
            dec = _ffi.text
            words = [
                Word(
                    text=dec(w.text) or "",
                    start=int(w.start),
                    end=int(w.end),
                    confidence=float(w.confidence),
                    speaker=dec(w.speaker),
                    channel=dec(w.channel),
                )
                for w in ctypes.cast(ptr, ctypes.POINTER(_ffi.aai_word * n)).contents
            ]
        cache["words"] = words
        return words

    @staticmethod
    def _has_json_value(h: _ffi.Handle, pointer: str) -> bool:
        """True when the transcript JSON has a non-null value at `pointer`."""
        out = ctypes.c_void_p()
        status = lib.aai_transcript_get_json(h.ptr, pointer.encode(), ctypes.byref(out))
        if status == _ffi.AAI_ERR_NOT_FOUND:
            return False
        _ffi.check(status)
        value = _ffi.take_string(out)
        return value is not None and value.strip() != "null"

    @property
    def json_response(self) -> Dict[str, Any]:
        "The full JSON response of the transcript, as the server sent it (parsed once)"
        h, cache = self._require()
        if "json" not in cache:
            ptr = ctypes.c_void_p()
            length = ctypes.c_size_t()
            _ffi.check(lib.aai_transcript_json(h.ptr, ctypes.byref(ptr), ctypes.byref(length)))
            raw = ctypes.string_at(ptr.value, length.value) if ptr.value else b"{}"
            data = json.loads(raw.decode("utf-8", "replace"))
            if not isinstance(data, dict):
                raise errors.AssemblyAIError("the transcript JSON is not an object", status="AAI_ERR_PROTOCOL")
            cache["json"] = data
        return cast(Dict[str, Any], cache["json"])

    @property
    def speech_model(self) -> Optional[str]:
        "The speech model used for the transcription"
        return self.json_response.get("speech_model")

    @property
    def config(self) -> TranscriptionConfig:
        "The configuration of the transcript, from its known request fields."
        from .types import CONFIG_FIELDS

        data = self.json_response
        fields = {key: data[key] for key in CONFIG_FIELDS.values() if data.get(key) is not None}
        return TranscriptionConfig(raw_transcription_config=fields)

    def __repr__(self) -> str:
        with self._lock:
            handle = self._handle
        if handle is None:
            return f"<Transcript id={self._id!r}>"
        status = _ffi.text(lib.aai_transcript_status_text(handle.ptr))
        return f"<Transcript id={self._id!r} status={status!r}>"


# --------------------------------------------------------------------------------------
# Transcriber
# --------------------------------------------------------------------------------------


class Transcriber:
    """Transcribes URLs, local files, bytes and binary file objects, as in the official SDK.

    Args:
        config: the default TranscriptionConfig of every call (each call may pass its own).
        max_workers: threads for the ``*_async`` methods (default: a pool shared by all).
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
        self._executor = (
            concurrent.futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="assemblyai_native")
            if max_workers else None
        )

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
            fn = lib.aai_transcriber_transcribe_url if poll else lib.aai_transcriber_submit_url
            status = fn(th.ptr, _ffi.encode(value, "audio URL"), raw_handle.ptr, ctypes.byref(out))
            return self._finish(status, out)
        if kind == "path":
            fn = lib.aai_transcriber_transcribe_file if poll else lib.aai_transcriber_submit_file
            status = fn(th.ptr, _path_bytes(value), raw_handle.ptr, ctypes.byref(out))
            return self._finish(status, out, path=value)
        buf, size = _buffer(value)
        fn = lib.aai_transcriber_transcribe_bytes if poll else lib.aai_transcriber_submit_bytes
        status = fn(th.ptr, buf, size, raw_handle.ptr, ctypes.byref(out))
        return self._finish(status, out)

    def submit(self, data: AudioSource, config: Optional[TranscriptionConfig] = None) -> Transcript:
        """Submits audio (URL, local path, bytes or binary file object) for transcription
        and returns at once, with the transcript in its first state (usually queued)."""
        return self._run(data, config, poll=False)

    def submit_async(self, data: AudioSource,
                     config: Optional[TranscriptionConfig] = None) -> "concurrent.futures.Future[Transcript]":
        return self._submit_executor().submit(self._run, data, config, False)

    def transcribe(self, data: AudioSource, config: Optional[TranscriptionConfig] = None) -> Transcript:
        """Transcribes audio (URL, local path, bytes or binary file object) and waits for
        the result. A transcript that fails on the server is returned with status error
        (as in the official SDK); failures to reach or use the API raise TranscriptError."""
        return self._run(data, config, poll=True)

    def transcribe_async(self, data: AudioSource,
                         config: Optional[TranscriptionConfig] = None) -> "concurrent.futures.Future[Transcript]":
        return self._submit_executor().submit(self._run, data, config, True)


_default: Optional[Transcriber] = None
_default_lock = threading.Lock()


def _default_transcriber() -> Transcriber:
    global _default
    with _default_lock:
        if _default is None:
            _default = Transcriber()
        return _default


__all__ = ["Transcriber", "Transcript"]
