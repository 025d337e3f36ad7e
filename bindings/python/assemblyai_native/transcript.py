"""Transcript, mirroring the official SDK's ``assemblyai.Transcript``."""

from __future__ import annotations

import ctypes
import json
import threading

from . import _ffi, _futures, errors, types
from ._ffi import lib
from .types import TranscriptionConfig, TranscriptStatus, Word
from ._defaults import default_transcriber
from ._pools import _shared_executor
from ._transcript_results import _TranscriptResults
from ._transcript_exports import _TranscriptExports

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any, Dict, List, Optional, Tuple, Union, cast

    from .lemur import Lemur
    from .transcriber import Transcriber
else:
    def cast(_type: str, value: object) -> object:  # typing.cast
        return value


# --------------------------------------------------------------------------------------
# Transcript
# --------------------------------------------------------------------------------------

_NO_TRANSCRIPT = "The internal Transcript object is None."


class Transcript(_TranscriptResults, _TranscriptExports):
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
        return (self._transcriber or default_transcriber())._handle()

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
        transcriber = default_transcriber()
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
        h, _ = self._require()
        return _ffi.text(lib.aai_transcript_unredacted_text(h.ptr))

    @property
    def unredacted_words(self) -> Optional[List[types.Word]]:
        "The words before PII redaction (with redact_pii_return_unredacted)"
        raw = self._field("unredacted_words")
        return None if not isinstance(raw, list) else [_word_of(w, types.Word) for w in raw if isinstance(w, dict)]

    @property
    def unredacted_utterances(self) -> Optional[List[types.Utterance]]:
        "The utterances before PII redaction (with redact_pii_return_unredacted and speaker_labels or multichannel)"
        raw = self._field("unredacted_utterances")
        if not isinstance(raw, list):
            return None
        out = []
        for u in raw:
            if isinstance(u, dict):
                base = _word_of(u, types.Utterance)
                base.words = [_word_of(w, types.UtteranceWord) for w in u.get("words") or [] if isinstance(w, dict)]
                out.append(base)
        return out


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


def _word_of(w: Dict[str, Any], cls: Any) -> Any:
    """A Word (or subclass) from a word object of the transcript's JSON."""
    return cls(text=str(w.get("text") or ""), start=int(w.get("start") or 0), end=int(w.get("end") or 0),
               confidence=float(w.get("confidence") or 0.0), speaker=w.get("speaker"), channel=w.get("channel"))

