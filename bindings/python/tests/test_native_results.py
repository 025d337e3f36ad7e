"""The ctypes view of the transcript results (_ffi structures and signatures): every struct read
back through the library from a hand-written transcript, so a layout that differs from the C
header shows up as a wrong value."""

from __future__ import annotations

import ctypes
import json
from typing import Any, List

import pytest

from native_testenv import REPO_ROOT  # noqa: F401  (chooses the library before the import below)

from assemblyai_native import _ffi

TRANSCRIPT = {
    "id": "9ea68fd3-f953-42c1-9742-976c447fb463",
    "status": "completed",
    "text": "Smoke from",
    "language_code": "en_us",
    "language_confidence": 0.9912,
    "utterances": [
        {"confidence": 0.93, "start": 250, "end": 1022, "text": "Smoke from", "speaker": "A", "channel": "1",
         "words": [{"text": "Smoke", "start": 250, "end": 650, "confidence": 0.97465, "speaker": "A", "channel": "1"},
                   {"text": "from", "start": 730, "end": 1022, "confidence": 0.99999, "speaker": "A", "channel": "1"}]},
    ],
    "chapters": [{"gist": "Smoggy air", "headline": "Smoke from wildfires", "summary": "Smoke.", "start": 250, "end": 28840}],
    "sentiment_analysis_results": [
        {"text": "Good morning.", "start": 6500, "end": 7000, "sentiment": "POSITIVE", "confidence": 0.75,
         "speaker": "B", "channel": "2"},
    ],
    "entities": [{"entity_type": "location", "text": "Canada", "start": 2548, "end": 3130}],
    "auto_highlights_result": {"status": "success", "results": [
        {"count": 3, "rank": 0.07, "text": "weather systems",
         "timestamps": [{"start": 47344, "end": 47958}, {"start": 205268, "end": 205818}]}]},
    "content_safety_labels": {
        "status": "success",
        "results": [{"text": "Smoke", "labels": [{"label": "disasters", "confidence": 0.81, "severity": 0.40}],
                     "sentences_idx_start": 2, "sentences_idx_end": 5, "timestamp": {"start": 250, "end": 28840}}],
        "summary": {"disasters": 0.99},
        "severity_score_summary": {"disasters": {"low": 0.57, "medium": 0.43, "high": 0.0}},
    },
    "iab_categories_result": {
        "status": "unavailable",
        "results": [{"text": "Smoke", "labels": [{"relevance": 0.98, "label": "NewsAndPolitics>Weather"}]}],
        "summary": {"NewsAndPolitics>Weather": 1.0},
    },
    "summary": "- Smoke.",
}


@pytest.fixture()
def transcript() -> Any:
    data = json.dumps(TRANSCRIPT).encode("utf-8")
    handle = _ffi.TranscriptP()
    _ffi.check(_ffi.lib.aai_transcript_from_json(data, len(data), ctypes.byref(handle)))
    yield handle
    _ffi.lib.aai_transcript_free(handle)


def array(fn: Any, transcript: Any, struct: Any) -> List[Any]:
    ptr = ctypes.POINTER(struct)()
    count = ctypes.c_size_t()
    _ffi.check(fn(transcript, ctypes.byref(ptr), ctypes.byref(count)))
    return [ptr[i] for i in range(count.value)]


def test_utterances_with_words(transcript: Any) -> None:
    [u] = array(_ffi.lib.aai_transcript_utterances, transcript, _ffi.aai_utterance)
    assert (u.text, u.start, u.end, u.confidence, u.speaker, u.channel) == (b"Smoke from", 250, 1022, 0.93, b"A", b"1")
    words = [u.words[i] for i in range(u.word_count)]
    assert [(w.text, w.start, w.end, w.confidence, w.speaker, w.channel) for w in words] == [
        (b"Smoke", 250, 650, 0.97465, b"A", b"1"), (b"from", 730, 1022, 0.99999, b"A", b"1")]


def test_chapters_sentiment_entities(transcript: Any) -> None:
    [c] = array(_ffi.lib.aai_transcript_chapters, transcript, _ffi.aai_chapter)
    assert (c.gist, c.headline, c.summary, c.start, c.end) == (b"Smoggy air", b"Smoke from wildfires", b"Smoke.", 250, 28840)
    [s] = array(_ffi.lib.aai_transcript_sentiment_analysis, transcript, _ffi.aai_sentiment)
    assert (s.text, s.start, s.end, s.confidence, s.sentiment, s.kind, s.speaker, s.channel) == (
        b"Good morning.", 6500, 7000, 0.75, b"POSITIVE", _ffi.AAI_SENTIMENT_POSITIVE, b"B", b"2")
    [e] = array(_ffi.lib.aai_transcript_entities, transcript, _ffi.aai_entity)
    assert (e.entity_type, e.text, e.start, e.end) == (b"location", b"Canada", 2548, 3130)


def test_auto_highlights(transcript: Any) -> None:
    [h] = array(_ffi.lib.aai_transcript_auto_highlights, transcript, _ffi.aai_auto_highlight)
    assert (h.text, h.rank, h.count, h.timestamp_count) == (b"weather systems", 0.07, 3, 2)
    assert [(h.timestamps[i].start, h.timestamps[i].end) for i in range(2)] == [(47344, 47958), (205268, 205818)]
    assert _ffi.lib.aai_transcript_auto_highlights_status(transcript) == b"success"


def test_content_safety(transcript: Any) -> None:
    [r] = array(_ffi.lib.aai_transcript_content_safety, transcript, _ffi.aai_content_safety_result)
    assert (r.text, r.label_count, r.sentences_idx_start, r.sentences_idx_end) == (b"Smoke", 1, 2, 5)
    assert (r.labels[0].label, r.labels[0].confidence, r.labels[0].severity) == (b"disasters", 0.81, 0.40)
    assert (r.timestamp.start, r.timestamp.end) == (250, 28840)
    [s] = array(_ffi.lib.aai_transcript_content_safety_summary, transcript, _ffi.aai_label_score)
    assert (s.label, s.score) == (b"disasters", 0.99)
    [v] = array(_ffi.lib.aai_transcript_content_safety_severity_scores, transcript, _ffi.aai_severity_score_summary)
    assert (v.label, v.low, v.medium, v.high) == (b"disasters", 0.57, 0.43, 0.0)
    assert _ffi.lib.aai_transcript_content_safety_status(transcript) == b"success"


def test_iab_categories(transcript: Any) -> None:
    [r] = array(_ffi.lib.aai_transcript_iab_categories, transcript, _ffi.aai_iab_result)
    assert (r.text, r.label_count, r.labels[0].label, r.labels[0].score) == (b"Smoke", 1, b"NewsAndPolitics>Weather", 0.98)
    assert (r.timestamp.start, r.timestamp.end) == (-1, -1)  # no timestamp sent
    [s] = array(_ffi.lib.aai_transcript_iab_categories_summary, transcript, _ffi.aai_label_score)
    assert (s.label, s.score) == (b"NewsAndPolitics>Weather", 1.0)
    assert _ffi.lib.aai_transcript_iab_categories_status(transcript) == b"unavailable"


def test_scalars(transcript: Any) -> None:
    assert _ffi.lib.aai_transcript_summary(transcript) == b"- Smoke."
    assert _ffi.lib.aai_transcript_language_code(transcript) == b"en_us"
    assert _ffi.lib.aai_transcript_language_confidence(transcript) == 0.9912


def test_absent_features_and_bad_json() -> None:
    data = b'{"id": "x", "status": "queued"}'
    handle = _ffi.TranscriptP()
    _ffi.check(_ffi.lib.aai_transcript_from_json(data, len(data), ctypes.byref(handle)))
    try:
        assert array(_ffi.lib.aai_transcript_utterances, handle, _ffi.aai_utterance) == []
        assert _ffi.lib.aai_transcript_summary(handle) is None
        assert _ffi.lib.aai_transcript_content_safety_status(handle) is None
        assert _ffi.lib.aai_transcript_language_confidence(handle) == -1
    finally:
        _ffi.lib.aai_transcript_free(handle)
    bad = b'{"id": "x"'
    status = _ffi.lib.aai_transcript_from_json(bad, len(bad), ctypes.byref(handle))
    assert status == _ffi.AAI_ERR_INVALID_ARGUMENT
    assert b"not valid JSON" in _ffi.lib.aai_last_error_message()
