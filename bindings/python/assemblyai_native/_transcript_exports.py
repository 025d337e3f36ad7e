"""Subtitles, sentences, paragraphs, word search and redacted audio of a completed transcript."""

from __future__ import annotations

import ctypes
import os
import time

from . import _ffi, errors
from ._ffi import lib
from ._settings import settings
from . import types
from ._audio_input import _path_bytes
from ._arrays import _dec, _items, _recast, _segments

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Callable, List, Optional, Sequence, Union, cast
else:
    def cast(_type: str, value: object) -> object:  # typing.cast
        return value



class _TranscriptExports:
    """The export and lookup methods of Transcript (a mixin)."""


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
