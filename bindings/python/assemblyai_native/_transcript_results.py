"""Typed results of a transcript (utterances, chapters, audio intelligence), built from the library's struct arrays once per transcript."""

from __future__ import annotations

import ctypes

from . import _ffi
from ._ffi import lib
from . import types
from .types._base import _enum_or_str
from ._arrays import _array, _dec, _items, _timestamps, _words

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Callable, List, Optional, cast
else:
    def cast(_type: str, value: object) -> object:  # typing.cast
        return value



class _TranscriptResults:
    """The result properties of Transcript (a mixin: it uses Transcript._require)."""

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
    def metadata(self) -> Optional[types.TranscriptMetadata]:
        "Metadata returned by the transcription API (the domain used, warnings); None when absent"

        def build(h: _ffi.Handle) -> Optional[types.TranscriptMetadata]:
            if not self._has_json_value(h, "/metadata"):
                return None
            raw = self.json_response.get("metadata")  # type: ignore[attr-defined]
            raw = raw if isinstance(raw, dict) else {}
            single, listed = raw.get("warning"), raw.get("warnings")
            return types.TranscriptMetadata(
                domain_used=_dec(lib.aai_transcript_domain_used(h.ptr)),
                warning=single if isinstance(single, str) else None,
                warnings=[types.TranscriptWarning(message=str(w.get("message", ""))) for w in listed if isinstance(w, dict)]
                if isinstance(listed, list) else None)

        return cast("Optional[types.TranscriptMetadata]", self._cached("metadata", build))

    @property
    def language_detection_results(self) -> Optional[types.LanguageDetectionResults]:
        "Language detection results: the languages found with code switching; None when absent"

        def build(h: _ffi.Handle) -> Optional[types.LanguageDetectionResults]:
            if not self._has_json_value(h, "/language_detection_results"):
                return None
            items = _array(lib.aai_transcript_code_switching_languages, h.ptr, _ffi.aai_language_confidence)
            found = self._has_json_value(h, "/language_detection_results/code_switching_languages")
            return types.LanguageDetectionResults(
                code_switching_languages=[types.CodeSwitchingLanguage(language_code=_dec(l.language_code) or "",
                                                                      confidence=float(l.confidence))
                                          for l in items] if found else None)

        return cast("Optional[types.LanguageDetectionResults]", self._cached("language_detection_results", build))

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
