"""Transcriber and Transcript, mirroring the official SDK's ``assemblyai.transcriber``."""

from __future__ import annotations

import ctypes
import io
import json
import os
import threading
import time

from . import _ffi, _futures, errors
from ._ffi import lib
from ._settings import settings
from . import types
from .types import (
    ListTranscriptParameters,
    ListTranscriptResponse,
    PageDetails,
    TranscriptionConfig,
    TranscriptItem,
    TranscriptStatus,
    Word,
    _enum_or_str,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any, BinaryIO, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union, cast

    from .lemur import Lemur

    AudioSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]
else:
    def cast(_type: str, value: object) -> object:  # typing.cast
        return value

# --------------------------------------------------------------------------------------
# Background work for the *_async methods
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Audio sources
# --------------------------------------------------------------------------------------


def _classify(data: Any) -> Tuple[str, Any]:
    """("url", str) | ("path", str) | ("bytes", bytes-like) | ("stream", file object)."""
    if isinstance(data, str):
        from urllib.parse import urlparse  # here, not at import: it costs ~1.5 ms (ipaddress)

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
        if _plain_bytesio(stream):
            return max(0, stream.getbuffer().nbytes - int(stream.tell()))
        if not _plain_file(stream):
            return 0  # a GzipFile's fileno() is the compressed file's: its size is not the stream's
        st = os.fstat(stream.fileno())
        if st.st_size > 0:
            return max(0, st.st_size - int(stream.tell()))
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    return 0


def _plain_bytesio(stream: Any) -> bool:
    """A BytesIO whose read() gives its buffer (a subclass may read something else)."""
    return isinstance(stream, io.BytesIO) and type(stream).read is io.BytesIO.read


def _plain_file(stream: Any) -> bool:
    """What open(path, "rb") returns: reading it gives the file's bytes. (A GzipFile, a tar
    member and the like also have a fileno(), of the file they decode.)"""
    if type(stream) is io.BufferedReader or type(stream) is io.BufferedRandom:
        return type(stream.raw) is io.FileIO and stream.readable()
    return type(stream) is io.FileIO and stream.readable()


def _path_bytes(path: str) -> bytes:
    data = os.fsencode(path)
    if b"\0" in data:
        raise ValueError("a path must not contain NUL characters")
    return data


# --------------------------------------------------------------------------------------
# Reading the library's struct arrays
# --------------------------------------------------------------------------------------

_dec = _ffi.text


def _array(fn: Callable[..., int], owner: Any, struct: Any, kind: "type[errors.AssemblyAIError]" = errors.AssemblyAIError) -> Sequence[Any]:
    """The structs `fn(owner, &ptr, &count)` hands out (borrowed from `owner`), as a sequence."""
    ptr = ctypes.POINTER(struct)()
    count = ctypes.c_size_t()
    _ffi.check(fn(owner, ctypes.byref(ptr), ctypes.byref(count)), kind)
    n = count.value
    if n == 0 or not ptr:
        return ()
    return cast("Sequence[Any]", ctypes.cast(ptr, ctypes.POINTER(struct * n)).contents)


def _items(ptr: Any, n: int) -> Sequence[Any]:
    """`n` structs at `ptr` (an inner array of a struct)."""
    if n == 0 or not ptr:
        return ()
    return cast("Sequence[Any]", ptr[:n])


def _words(ptr: Any, n: int, cls: Any = Word) -> List[Any]:
    return [cls(text=_dec(w.text) or "", start=int(w.start), end=int(w.end), confidence=float(w.confidence),
                speaker=_dec(w.speaker), channel=_dec(w.channel)) for w in _items(ptr, n)]


def _timestamps(ptr: Any, n: int) -> List[types.Timestamp]:
    return [types.Timestamp(start=int(t.start), end=int(t.end)) for t in _items(ptr, n)]


def _segments(handle: _ffi.Handle, cls: Any) -> List[Any]:
    """Sentences or paragraphs from an aai_segments handle."""
    out = []
    for s in _array(lib.aai_segments_get, handle.ptr, _ffi.aai_segment):
        out.append(cls(text=_dec(s.text) or "", start=int(s.start), end=int(s.end), confidence=float(s.confidence),
                       speaker=_dec(s.speaker), channel=_dec(s.channel), words=_words(s.words, s.word_count)))
    return out


def _usage(value: int) -> Optional[int]:
    return None if value < 0 else int(value)


def _recast(exc: errors.AssemblyAIError, cls: "type[errors.AssemblyAIError]") -> errors.AssemblyAIError:
    """The same failure as another AssemblyAIError class."""
    new = cls(exc.message, exc.status_code, server_text=exc.server_text, retryable=exc.retryable, status=exc.status)
    new.__cause__ = exc.__cause__
    return new


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
        return cls(transcript_id=transcript_id).wait_for_completion_async()  # as the official SDK

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
        return _shared_executor().submit(cls.delete_by_id, transcript_id)  # the library has no delete_async

    # -- waiting --------------------------------------------------------------------------

    def wait_for_completion(self) -> "Transcript":
        """Polls the transcript until its status is completed or error, and returns it.
        A transcript that ends with status error is returned, not raised (as in the
        official SDK); HTTP and connection failures raise TranscriptError."""
        # Through the non-blocking wait, so that Ctrl-C cancels it at once.
        return _futures.result(self.wait_for_completion_async())  # type: ignore[no-any-return]

    def _after_wait(self, status: int, out: Any) -> "Transcript":
        exc = None
        if status != _ffi.AAI_OK and not (status == _ffi.AAI_ERR_TRANSCRIPT and out):
            exc = _ffi.last_error(status, errors.TranscriptError)
        if out:
            self._set_handle(_ffi.Handle(out, lib.aai_transcript_free))
        if exc is not None:
            # Always this Transcript (its id, and its last state if it had one): a wait whose
            # every poll failed hands back nothing from the library, and callers that own no
            # reference to it (transcribe_group's failures) would otherwise lose the id.
            exc.transcript = self
            raise exc
        return self

    def wait_for_completion_async(self) -> "concurrent.futures.Future[Transcript]":
        """wait_for_completion() through the library's non-blocking wait: no thread waits for
        it, and cancel() stops the polling."""
        try:
            if not self._id:
                raise ValueError("Cannot wait for completion. The internal transcript ID is None.")
            tid = _ffi.encode(self._id, "transcript_id")
            th = self._transcriber_handle()
        except Exception as exc:  # in the future, as the official SDK's executor reports it
            return _futures.done(exc=exc)

        def finish(c_future: Any, _status: int) -> Transcript:
            th  # noqa: B018 - kept alive until the operation is done
            out = _ffi.TranscriptP()
            return self._after_wait(lib.aai_future_transcript(c_future, ctypes.byref(out)), out)

        return _futures.start(lib.aai_transcriber_wait_async, (th.ptr, tid), finish,
                              lambda status: _ffi.last_error(status, errors.TranscriptError))

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
            return cast("Optional[List[Word]]", cache["words"])
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
        return cast("Dict[str, Any]", cache["json"])

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

    # -- more fields of the response (read from the transcript's JSON) ----------------------

    def _field(self, key: str) -> Any:
        return self.json_response.get(key)

    @property
    def webhook_status_code(self) -> Optional[int]:
        "The status code we received from your server when delivering your webhook"
        return cast("Optional[int]", self._field("webhook_status_code"))

    @property
    def webhook_auth(self) -> Optional[bool]:
        "Whether the webhook was sent with an HTTP authentication header"
        return cast("Optional[bool]", self._field("webhook_auth"))

    @property
    def speech_model_used(self) -> Optional[str]:
        "The speech model that was used (with speech_models)"
        return cast("Optional[str]", self._field("speech_model_used"))

    @property
    def language_codes(self) -> Optional[List[str]]:
        "The language codes of the transcript (with language_codes)"
        return cast("Optional[List[str]]", self._field("language_codes"))

    @property
    def translated_texts(self) -> Optional[Dict[str, str]]:
        "Translations of the text by language (speech understanding)"
        return cast("Optional[Dict[str, str]]", self._field("translated_texts"))

    @property
    def speech_understanding(self) -> Optional[Dict[str, Any]]:
        "The speech understanding request and results (LLM Gateway features), as the server sent them"
        return cast("Optional[Dict[str, Any]]", self._field("speech_understanding"))

    @property
    def unredacted_text(self) -> Optional[str]:
        "The text before PII redaction (with redact_pii_return_unredacted)"
        return cast("Optional[str]", self._field("unredacted_text"))

    # -- typed results (the library's struct arrays) ------------------------------------------

    def _cached(self, name: str, build: Callable[[_ffi.Handle], Any]) -> Any:
        h, cache = self._require()
        if name not in cache:
            cache[name] = build(h)
        return cache[name]

    @property
    def language_code(self) -> Optional[str]:
        "The language of the audio: the one requested, or the one language_detection found"
        h, _ = self._require()
        return _dec(lib.aai_transcript_language_code(h.ptr))

    @property
    def language_confidence(self) -> Optional[float]:
        "The confidence of the detected language, 0 to 1 (None without language_detection)"
        h, _ = self._require()
        value = float(lib.aai_transcript_language_confidence(h.ptr))
        return None if value < 0 else value

    @property
    def summary(self) -> Optional[str]:
        "The summarization of the transcript"
        h, _ = self._require()
        return _dec(lib.aai_transcript_summary(h.ptr))

    @property
    def utterances(self) -> Optional[List[types.Utterance]]:
        "When multichannel or speaker_labels is enabled, the turn-by-turn utterances"

        def build(h: _ffi.Handle) -> Optional[List[types.Utterance]]:
            items = _array(lib.aai_transcript_utterances, h.ptr, _ffi.aai_utterance)
            if not items and not self._has_json_value(h, "/utterances"):
                return None
            return [types.Utterance(text=_dec(u.text) or "", start=int(u.start), end=int(u.end),
                                    confidence=float(u.confidence), speaker=_dec(u.speaker), channel=_dec(u.channel),
                                    words=_words(u.words, u.word_count, types.UtteranceWord))
                    for u in items]

        return cast("Optional[List[types.Utterance]]", self._cached("utterances", build))

    @property
    def chapters(self) -> Optional[List[types.Chapter]]:
        "The list of auto-chapters results"

        def build(h: _ffi.Handle) -> Optional[List[types.Chapter]]:
            items = _array(lib.aai_transcript_chapters, h.ptr, _ffi.aai_chapter)
            if not items and not self._has_json_value(h, "/chapters"):
                return None
            return [types.Chapter(summary=_dec(c.summary) or "", headline=_dec(c.headline) or "",
                                  gist=_dec(c.gist) or "", start=int(c.start), end=int(c.end)) for c in items]

        return cast("Optional[List[types.Chapter]]", self._cached("chapters", build))

    @property
    def sentiment_analysis(self) -> Optional[List[types.Sentiment]]:
        "The list of sentiment analysis results"

        def build(h: _ffi.Handle) -> Optional[List[types.Sentiment]]:
            items = _array(lib.aai_transcript_sentiment_analysis, h.ptr, _ffi.aai_sentiment)
            if not items and not self._has_json_value(h, "/sentiment_analysis_results"):
                return None
            return [types.Sentiment(text=_dec(r.text) or "", start=int(r.start), end=int(r.end),
                                    confidence=float(r.confidence), speaker=_dec(r.speaker), channel=_dec(r.channel),
                                    sentiment=_enum_or_str(types.SentimentType, _dec(r.sentiment)))
                    for r in items]

        return cast("Optional[List[types.Sentiment]]", self._cached("sentiment_analysis", build))

    @property
    def entities(self) -> Optional[List[types.Entity]]:
        "The list of entity detection results"

        def build(h: _ffi.Handle) -> Optional[List[types.Entity]]:
            items = _array(lib.aai_transcript_entities, h.ptr, _ffi.aai_entity)
            if not items and not self._has_json_value(h, "/entities"):
                return None
            return [types.Entity(entity_type=_enum_or_str(types.EntityType, _dec(e.entity_type)),
                                 text=_dec(e.text) or "", start=int(e.start), end=int(e.end)) for e in items]

        return cast("Optional[List[types.Entity]]", self._cached("entities", build))

    @property
    def auto_highlights(self) -> Optional[types.AutohighlightResponse]:
        "The results from the auto-highlights model"

        def build(h: _ffi.Handle) -> Optional[types.AutohighlightResponse]:
            status = _dec(lib.aai_transcript_auto_highlights_status(h.ptr))
            if status is None:
                return None
            items = _array(lib.aai_transcript_auto_highlights, h.ptr, _ffi.aai_auto_highlight)
            results = None
            if items or self._has_json_value(h, "/auto_highlights_result/results"):
                results = [types.AutohighlightResult(count=int(r.count), rank=float(r.rank), text=_dec(r.text) or "",
                                                     timestamps=_timestamps(r.timestamps, r.timestamp_count))
                           for r in items]
            return types.AutohighlightResponse(status=_enum_or_str(types.StatusResult, status), results=results)

        return cast("Optional[types.AutohighlightResponse]", self._cached("auto_highlights", build))

    def _unrequested(self, status: Optional[str], flag: str) -> bool:
        """The official SDK drops an "unavailable" result of a feature that was not requested."""
        return status is None or (status == "unavailable" and not self.json_response.get(flag))

    @property
    def content_safety(self) -> Optional[types.ContentSafetyResponse]:
        "The results from the content safety analysis"

        def build(h: _ffi.Handle) -> Optional[types.ContentSafetyResponse]:
            status = _dec(lib.aai_transcript_content_safety_status(h.ptr))
            if self._unrequested(status, "content_safety"):
                return None
            label = types.ContentSafetyLabel
            results = [types.ContentSafetyResult(
                text=_dec(r.text) or "",
                labels=[types.ContentSafetyLabelResult(label=_enum_or_str(label, _dec(lb.label)),
                                                       confidence=float(lb.confidence), severity=float(lb.severity))
                        for lb in _items(r.labels, r.label_count)],
                timestamp=types.Timestamp(start=int(r.timestamp.start), end=int(r.timestamp.end)),
                sentences_idx_start=int(r.sentences_idx_start), sentences_idx_end=int(r.sentences_idx_end))
                for r in _array(lib.aai_transcript_content_safety, h.ptr, _ffi.aai_content_safety_result)]
            summary = {_enum_or_str(label, _dec(x.label)): float(x.score)
                       for x in _array(lib.aai_transcript_content_safety_summary, h.ptr, _ffi.aai_label_score)}
            severity = {_enum_or_str(label, _dec(x.label)): types.ContentSafetySeverityScore(
                low=float(x.low), medium=float(x.medium), high=float(x.high))
                for x in _array(lib.aai_transcript_content_safety_severity_scores, h.ptr,
                                _ffi.aai_severity_score_summary)}
            return types.ContentSafetyResponse(status=_enum_or_str(types.StatusResult, status), results=results,
                                               summary=summary, severity_score_summary=severity)

        return cast("Optional[types.ContentSafetyResponse]", self._cached("content_safety", build))

    @property
    def iab_categories(self) -> Optional[types.IABResponse]:
        "The results from the IAB category detection (topic detection)"

        def build(h: _ffi.Handle) -> Optional[types.IABResponse]:
            status = _dec(lib.aai_transcript_iab_categories_status(h.ptr))
            if self._unrequested(status, "iab_categories"):
                return None
            results = [types.IABResult(
                text=_dec(r.text) or "",
                labels=[types.IABLabelResult(relevance=float(lb.score), label=_dec(lb.label) or "")
                        for lb in _items(r.labels, r.label_count)],
                timestamp=None if r.timestamp.start == -1 and r.timestamp.end == -1
                else types.Timestamp(start=int(r.timestamp.start), end=int(r.timestamp.end)))
                for r in _array(lib.aai_transcript_iab_categories, h.ptr, _ffi.aai_iab_result)]
            summary = {_dec(x.label) or "": float(x.score)
                       for x in _array(lib.aai_transcript_iab_categories_summary, h.ptr, _ffi.aai_label_score)}
            return types.IABResponse(status=_enum_or_str(types.StatusResult, status), results=results, summary=summary)

        return cast("Optional[types.IABResponse]", self._cached("iab_categories", build))

    # -- exports and lookups --------------------------------------------------------------

    def _completed_id(self, what: str) -> bytes:
        """The id to export from; like the official SDK, a Transcript that was never fetched
        has nothing to export (ValueError)."""
        with self._lock:
            if self._handle is None or not self._id:
                raise ValueError(f"Cannot {what}. The internal Transcript object is None.")
            return _ffi.encode(self._id, "transcript_id")

    def _export_subtitles(self, fmt: int, chars_per_caption: Optional[int]) -> str:
        tid = self._completed_id("export subtitles")
        if chars_per_caption is not None and (isinstance(chars_per_caption, bool) or not isinstance(chars_per_caption, int)):
            raise TypeError("chars_per_caption must be an int or None")
        chars = chars_per_caption or 0
        if not -2**31 <= chars < 2**31:
            raise errors.InvalidArgumentError(f"chars_per_caption out of range: {chars}")
        out = ctypes.c_void_p()
        status = lib.aai_transcriber_export_subtitles(self._transcriber_handle().ptr, tid, fmt, chars, ctypes.byref(out))
        _ffi.check(status, errors.TranscriptError)
        return _ffi.take_string(out) or ""

    def export_subtitles_srt(self, chars_per_caption: Optional[int] = None) -> str:
        """The transcript as SRT subtitles; ``chars_per_caption`` limits a caption's length."""
        return self._export_subtitles(0, chars_per_caption)

    def export_subtitles_vtt(self, chars_per_caption: Optional[int] = None) -> str:
        """The transcript as WebVTT subtitles; ``chars_per_caption`` limits a caption's length."""
        return self._export_subtitles(1, chars_per_caption)

    def _segments(self, fn: Callable[..., int], what: str, cls: Any) -> List[Any]:
        tid = self._completed_id(what)
        out = _ffi.SegmentsP()
        _ffi.check(fn(self._transcriber_handle().ptr, tid, ctypes.byref(out)), errors.TranscriptError)
        return _segments(_ffi.Handle(out, lib.aai_segments_free), cls)

    def get_sentences(self) -> List[types.Sentence]:
        """The transcript's sentences, with their words."""
        return self._segments(lib.aai_transcriber_get_sentences, "get sentences", types.Sentence)

    def get_paragraphs(self) -> List[types.Paragraph]:
        """The transcript's paragraphs, with their words."""
        return self._segments(lib.aai_transcriber_get_paragraphs, "get paragraphs", types.Paragraph)

    def word_search(self, words: Sequence[str]) -> List[types.WordSearchMatch]:
        """Where each of `words` (words, numbers or phrases) occurs in the transcript."""
        tid = self._completed_id("perform word search")
        if isinstance(words, str):
            words = [words]
        items = [_ffi.encode(w, "words") for w in words]
        array = (ctypes.c_char_p * max(1, len(items)))(*items)
        out = _ffi.WordSearchP()
        status = lib.aai_transcriber_word_search(self._transcriber_handle().ptr, tid, array, len(items), ctypes.byref(out))
        _ffi.check(status, errors.TranscriptError)
        handle = _ffi.Handle(out, lib.aai_word_search_free)
        ptr = ctypes.POINTER(_ffi.aai_word_match)()
        count = ctypes.c_size_t()
        total = ctypes.c_int64()
        _ffi.check(lib.aai_word_search_matches(handle.ptr, ctypes.byref(ptr), ctypes.byref(count), ctypes.byref(total)))
        return [types.WordSearchMatch(text=_dec(m.text) or "", count=int(m.count),
                                      timestamps=[(int(t.start), int(t.end)) for t in _items(m.timestamps, m.timestamp_count)],
                                      indexes=[int(i) for i in _items(m.indexes, m.index_count)])
                for m in _items(ptr, count.value)]

    def get_redacted_audio_url(self) -> str:
        """The URL of the PII-redacted audio (needs redact_pii and redact_pii_audio). Waits
        while the server is still making it; later calls return the same URL without asking
        again (as in the official SDK)."""
        h, cache = self._require()
        if "redacted_audio_url" in cache:
            return cast("str", cache["redacted_audio_url"])
        data = self.json_response
        if not data.get("redact_pii") or not data.get("redact_pii_audio"):
            raise ValueError(
                "Redacted audio is only available when `redact_pii` and `redact_pii_audio` are set to `True`.")
        tid = self._completed_id("get redacted audio url")
        while True:
            out = ctypes.c_void_p()
            status = lib.aai_transcriber_get_redacted_audio_url(self._transcriber_handle().ptr, tid, ctypes.byref(out))
            if status == _ffi.AAI_OK:
                url = _ffi.take_string(out) or ""
                cache["redacted_audio_url"] = url
                return url
            exc = _ffi.last_error(status, errors.TranscriptError)
            if exc.status_code == 202:  # not ready yet: ask again after the polling interval
                time.sleep(float(settings.polling_interval))
                continue
            if exc.status_code == 400:
                raise _recast(exc, errors.RedactedAudioExpiredError)
            raise exc

    def save_redacted_audio(self, filepath: Union[str, "os.PathLike[str]"]) -> None:
        """Downloads the PII-redacted audio to `filepath` (waiting until it is ready). A
        failed download raises RedactedAudioUnavailableError; nothing is left at `filepath`."""
        self.get_redacted_audio_url()
        tid = self._completed_id("save redacted audio")
        path = os.fsdecode(os.fspath(filepath))
        status = lib.aai_transcriber_save_redacted_audio(self._transcriber_handle().ptr, tid, _path_bytes(path))
        if status == _ffi.AAI_OK:
            return
        exc = _ffi.last_error(status, errors.RedactedAudioUnavailableError, path)
        if isinstance(exc, OSError):  # the local file: not the download
            raise exc
        raise _recast(exc, errors.RedactedAudioUnavailableError)

    # -- LeMUR ------------------------------------------------------------------------------

    @property
    def lemur(self) -> "Lemur":
        """LeMUR on this transcript."""
        from .lemur import Lemur, LemurSource

        return Lemur(sources=[LemurSource(self)])

    @classmethod
    def _from_json(cls, data: Union[str, bytes]) -> "Transcript":
        """A Transcript from a transcript's JSON (as the API returns it), without a request."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        out = _ffi.TranscriptP()
        _ffi.check(lib.aai_transcript_from_json(raw, len(raw), ctypes.byref(out)), errors.InvalidArgumentError)
        return cls._from_handle(_ffi.Handle(out, lib.aai_transcript_free), None)

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
        p = params if params is not None else ListTranscriptParameters()
        if not isinstance(p, ListTranscriptParameters):
            raise TypeError(f"params must be a ListTranscriptParameters, not {type(p).__name__}")

        def opt(value: Any, name: str) -> Optional[bytes]:
            return None if value is None else _ffi.encode(str(types._plain(value)), name)

        limit = 0 if p.limit is None else p.limit
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit < 2**31:
            raise errors.InvalidArgumentError(f"list limit must be 1..200, got {p.limit!r}")
        throttled = -1 if p.throttled_only is None else (1 if p.throttled_only else 0)
        out = _ffi.TranscriptListP()
        status = lib.aai_transcriber_list(self._handle().ptr, limit, opt(p.status, "status"), opt(p.created_on, "created_on"),
                                          opt(p.before_id, "before_id"), opt(p.after_id, "after_id"), throttled,
                                          ctypes.byref(out))
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


def _list_page(handle: _ffi.Handle) -> ListTranscriptResponse:
    ptr = handle.ptr
    items = [TranscriptItem(audio_url=_dec(i.audio_url) or "", created=_dec(i.created) or "", id=_dec(i.id) or "",
                            resource_url=_dec(i.resource_url) or "",
                            status=_enum_or_str(TranscriptStatus, _dec(i.status)),
                            completed=_dec(i.completed), error=_dec(i.error))
             for i in _array(lib.aai_transcript_list_items, ptr, _ffi.aai_transcript_list_item)]
    details = PageDetails(current_url=_dec(lib.aai_transcript_list_current_url(ptr)) or "",
                          limit=int(lib.aai_transcript_list_limit(ptr)),
                          result_count=int(lib.aai_transcript_list_result_count(ptr)),
                          next_url=_dec(lib.aai_transcript_list_next_url(ptr)),
                          prev_url=_dec(lib.aai_transcript_list_prev_url(ptr)),
                          _before_id_of_prev_url=_dec(lib.aai_transcript_list_before_id_of_prev_url(ptr)))
    return ListTranscriptResponse(page_details=details, transcripts=items)


# --------------------------------------------------------------------------------------
# TranscriptGroup
# --------------------------------------------------------------------------------------


class TranscriptGroup:
    """A group of transcripts, as in the official SDK (for LeMUR over several transcripts,
    and ``Transcriber.transcribe_group``)."""

    def __init__(self, transcript_ids: Sequence[str] = (), client: Any = None) -> None:
        if client is not None:
            raise NotImplementedError("assemblyai_native has no Client objects yet: use aai.settings")
        self._transcripts: List[Transcript] = []
        for tid in transcript_ids:
            self.add_transcript(tid)

    @property
    def transcripts(self) -> List[Transcript]:
        "The transcripts of the group"
        return self._transcripts

    @property
    def transcript_ids(self) -> List[str]:
        if any(t.id is None for t in self._transcripts):
            raise ValueError("All transcripts must have a transcript ID.")
        return [cast("str", t.id) for t in self._transcripts]

    def __iter__(self) -> Iterator[Transcript]:
        return iter(self._transcripts)

    def __len__(self) -> int:
        return len(self._transcripts)

    def add_transcript(self, transcript: Union[Transcript, str]) -> "TranscriptGroup":
        """Adds a Transcript, or a transcript id."""
        if isinstance(transcript, Transcript):
            self._transcripts.append(transcript)
        elif isinstance(transcript, str):
            self._transcripts.append(Transcript(transcript_id=transcript))
        else:
            raise TypeError("Unsupported type for `transcript`")
        return self

    @property
    def status(self) -> TranscriptStatus:
        """error if any transcript failed, else queued or processing while any is, else completed."""
        statuses = {t.status for t in self._transcripts}
        for s in (TranscriptStatus.error, TranscriptStatus.queued, TranscriptStatus.processing):
            if s in statuses:
                return s
        if all(s == TranscriptStatus.completed for s in statuses):
            return TranscriptStatus.completed
        raise ValueError(f"Unexpected status type: {statuses}")

    @property
    def lemur(self) -> "Lemur":
        """LeMUR on every transcript of the group."""
        from .lemur import Lemur, LemurSource

        return Lemur(sources=[LemurSource(t) for t in self._transcripts])

    @classmethod
    def get_by_ids(cls, transcript_ids: Sequence[str]) -> "TranscriptGroup":
        """Fetches existing transcripts, waiting until each is completed or failed."""
        return cast("TranscriptGroup", cls(transcript_ids=transcript_ids).wait_for_completion())

    @classmethod
    def get_by_ids_async(cls, transcript_ids: Sequence[str]) -> "concurrent.futures.Future[TranscriptGroup]":
        return cls(transcript_ids=transcript_ids).wait_for_completion_async()

    def wait_for_completion(self, return_failures: Optional[bool] = False) -> Any:
        """Waits for every transcript. A transcript that cannot be fetched (HTTP error) is
        dropped from the group (as in the official SDK); with ``return_failures=True`` the
        errors are returned too, as ``(group, [errors])``."""
        return _futures.result(self.wait_for_completion_async(return_failures))

    def wait_for_completion_async(self, return_failures: Optional[bool] = False) -> "concurrent.futures.Future[Any]":
        """Every transcript's wait through the library's non-blocking wait, all at once."""
        items = [t.wait_for_completion_async() for t in self._transcripts]

        def combine(done: List[Any]) -> Any:
            kept: List[Transcript] = []
            failures: List[errors.AssemblyAIError] = []
            for future in done:
                try:
                    kept.append(future.result())
                except errors.TranscriptError as exc:
                    failures.append(exc)
            self._transcripts = kept
            return (self, failures) if return_failures else self

        return _futures.gather(items, combine)

    def __repr__(self) -> str:
        return f"<TranscriptGroup ids={[t.id for t in self._transcripts]!r}>"


_default: Optional[Transcriber] = None
_default_lock = threading.Lock()


def _default_transcriber() -> Transcriber:
    global _default
    with _default_lock:
        if _default is None:
            _default = Transcriber()
        return _default


__all__ = ["Transcriber", "Transcript", "TranscriptGroup"]
