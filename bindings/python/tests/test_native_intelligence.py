"""Every audio-intelligence scenario of the official SDK 0.37 README, against the local server,
with exact values: the expected results come from the server's documented rules
(tests/server/rules.py, see native_expect.py), the actual ones through libassemblyai's typed
result arrays."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import assemblyai_native as aai
from conftest import pointed_at
from native_expect import Expected, as_words, expect, rules, segments, sent_body, utterance_ranges, write_wav

TEXT = ("A: Hello Mr John Smith, I love this great wildfire news. The wildfire smoke hurts the air quality. "
        "B: Call 555-123-4567 in New York on March 5th. The stock market is bad and the crash killed my money. "
        "A: Thanks for the coffee at Google, goodbye.")

ALL_FEATURES = dict(speaker_labels=True, auto_chapters=True, summarization=True, sentiment_analysis=True,
                    entity_detection=True, auto_highlights=True, content_safety=True, iab_categories=True)


@pytest.fixture(scope="module")
def wav(tmp_path_factory: Any) -> Path:
    return write_wav(tmp_path_factory.mktemp("intel") / "audio.wav", TEXT)


@pytest.fixture(scope="module")
def everything(server: Any, wav: Path) -> Iterator[Tuple[aai.Transcript, Expected]]:
    """One transcript with every feature on (and speaker labels), and what it should hold."""
    with pointed_at(server):
        t = aai.Transcriber().transcribe(str(wav), aai.TranscriptionConfig(**ALL_FEATURES))
    assert t.status == aai.TranscriptStatus.completed, t.error
    yield t, expect(TEXT, wav, ALL_FEATURES)


# -- expected values as the binding's types ---------------------------------------------------


def ts(t: Dict[str, int]) -> aai.Timestamp:
    return aai.Timestamp(start=t["start"], end=t["end"])


def exp_chapters(e: Expected) -> List[aai.Chapter]:
    return [aai.Chapter(**c) for c in rules.chapters(e.words, e.sents, e.paras)]


def exp_sentiment(e: Expected) -> List[aai.Sentiment]:
    return [aai.Sentiment(text=s["text"], start=s["start"], end=s["end"], confidence=s["confidence"],
                          speaker=s["speaker"], channel=None, sentiment=aai.SentimentType(s["sentiment"]))
            for s in rules.sentiment(e.words, e.cores, e.sents, e.labelled)]


def exp_entities(e: Expected) -> List[aai.Entity]:
    return [aai.Entity(entity_type=aai.EntityType(x["entity_type"]), text=x["text"], start=x["start"], end=x["end"])
            for x in rules.entities(e.words, e.cores, e.entity_spans)]


def exp_highlights(e: Expected) -> aai.AutohighlightResponse:
    h = rules.auto_highlights(e.words, e.cores, e.sents)
    return aai.AutohighlightResponse(status=aai.StatusResult.success, results=[
        aai.AutohighlightResult(count=r["count"], rank=r["rank"], text=r["text"], timestamps=[ts(t) for t in r["timestamps"]])
        for r in h["results"]])


def exp_content_safety(e: Expected, threshold: int = 50) -> aai.ContentSafetyResponse:
    c = rules.content_safety(e.words, e.cores, e.sents, threshold)
    return aai.ContentSafetyResponse(
        status=aai.StatusResult.success,
        results=[aai.ContentSafetyResult(
            text=r["text"], labels=[aai.ContentSafetyLabelResult(label=aai.ContentSafetyLabel(lb["label"]),
                                                                 confidence=lb["confidence"], severity=lb["severity"])
                                    for lb in r["labels"]],
            timestamp=ts(r["timestamp"]), sentences_idx_start=r["sentences_idx_start"],
            sentences_idx_end=r["sentences_idx_end"]) for r in c["results"]],
        summary={aai.ContentSafetyLabel(k): v for k, v in c["summary"].items()},
        severity_score_summary={aai.ContentSafetyLabel(k): aai.ContentSafetySeverityScore(**v)
                                for k, v in c["severity_score_summary"].items()})


def exp_topics(e: Expected) -> aai.IABResponse:
    c = rules.topics(e.words, e.cores, e.sents)
    return aai.IABResponse(status=aai.StatusResult.success, results=[
        aai.IABResult(text=r["text"], labels=[aai.IABLabelResult(relevance=lb["relevance"], label=lb["label"])
                                              for lb in r["labels"]], timestamp=ts(r["timestamp"]))
        for r in c["results"]], summary=c["summary"])


# -- the README scenarios ------------------------------------------------------------------------


def test_words_and_utterances(everything: Any) -> None:
    t, e = everything
    assert t.text == e.text
    assert t.words == as_words(e.words)
    expected = [aai.Utterance(text=s["text"], start=s["start"], end=s["end"], confidence=s["confidence"],
                              speaker=s["speaker"], channel=None, words=as_words(s["words"], aai.UtteranceWord))
                for s in segments(e, utterance_ranges(e), with_speaker=True)]
    assert t.utterances == expected
    assert [u.speaker for u in t.utterances] == ["A", "B", "A"]
    assert all(isinstance(w, aai.UtteranceWord) for u in t.utterances for w in u.words)
    # The README's LeMUR example builds its input text from the utterances like this:
    text = ""
    for utt in t.utterances:
        text += f"Speaker {utt.speaker}:\n{utt.text}\n"
    assert text.startswith("Speaker A:\nHello Mr John Smith, I love")


def test_readme_auto_chapters(everything: Any) -> None:
    t, e = everything
    assert t.chapters == exp_chapters(e)
    assert len(t.chapters) == 3  # a paragraph per speaker turn
    for chapter in t.chapters:  # the README's loop
        assert chapter.summary and chapter.headline and chapter.gist
        assert chapter.start < chapter.end


def test_readme_summarization_default(everything: Any) -> None:
    t, e = everything
    assert t.summary == rules.summary(e.words, e.sents, "bullets")
    assert t.summary.startswith("- Hello Mr John Smith, I love this great\n- The wildfire")


@pytest.mark.parametrize("stype", list(aai.SummarizationType))
def test_readme_summarization_model_and_type(local: Any, wav: Path, stype: aai.SummarizationType) -> None:
    config = aai.TranscriptionConfig(summarization=True, summary_model=aai.SummarizationModel.catchy, summary_type=stype)
    t = aai.Transcriber().transcribe(str(wav), config)
    assert sent_body(local) == {"summarization": True, "summary_model": "catchy", "summary_type": stype.value}
    e = expect(TEXT, wav)
    assert t.summary == rules.summary(e.words, e.sents, stype.value)
    assert t.config.summary_type == stype


def test_readme_content_safety(everything: Any) -> None:
    t, e = everything
    assert t.content_safety == exp_content_safety(e)
    labels = {lb.label for r in t.content_safety.results for lb in r.labels}
    assert labels == {aai.ContentSafetyLabel.disasters, aai.ContentSafetyLabel.accidents,
                      aai.ContentSafetyLabel.crime_violence}
    # The README's loops.
    for result in t.content_safety.results:
        assert result.text and result.timestamp.start <= result.timestamp.end
        for label in result.labels:
            assert 0 < label.confidence <= 1 and 0 < label.severity <= 1
    for label, confidence in t.content_safety.summary.items():
        assert isinstance(label, aai.ContentSafetyLabel) and 0 < confidence <= 1
    for label, severity in t.content_safety.severity_score_summary.items():
        assert severity.low + severity.medium + severity.high == pytest.approx(1.0)


def test_readme_content_safety_confidence(local: Any, wav: Path) -> None:
    config = aai.TranscriptionConfig(content_safety=True, content_safety_confidence=80)
    t = aai.Transcriber().transcribe(str(wav), config)
    assert sent_body(local) == {"content_safety": True, "content_safety_confidence": 80}
    e = expect(TEXT, wav)
    assert t.content_safety == exp_content_safety(e, 80)
    assert t.content_safety != exp_content_safety(e, 50)  # the threshold removed labels


def test_readme_sentiment_analysis(local: Any, wav: Path, everything: Any) -> None:
    t = aai.Transcriber().transcribe(str(wav), aai.TranscriptionConfig(sentiment_analysis=True))
    e = expect(TEXT, wav)
    assert t.sentiment_analysis == exp_sentiment(e)
    assert [s.sentiment for s in t.sentiment_analysis] == [
        aai.SentimentType.positive, aai.SentimentType.neutral, aai.SentimentType.neutral, aai.SentimentType.negative,
        aai.SentimentType.positive]
    assert all(s.speaker is None for s in t.sentiment_analysis)
    # With speaker_labels too, each result has its speaker.
    t2, e2 = everything
    assert t2.sentiment_analysis == exp_sentiment(e2)
    assert [s.speaker for s in t2.sentiment_analysis] == ["A", "A", "B", "B", "A"]


def test_readme_entity_detection(everything: Any) -> None:
    t, e = everything
    assert t.entities == exp_entities(e)
    assert [(x.entity_type, x.text) for x in t.entities] == [
        (aai.EntityType.person_name, "John Smith"), (aai.EntityType.phone_number, "555-123-4567"),
        (aai.EntityType.location, "New York"), (aai.EntityType.date, "March 5th"),
        (aai.EntityType.organization, "Google")]


def test_readme_iab_categories(everything: Any) -> None:
    t, e = everything
    assert t.iab_categories == exp_topics(e)
    for result in t.iab_categories.results:  # the README's loops
        for label in result.labels:
            assert label.label and 0 < label.relevance <= 1
    assert set(t.iab_categories.summary) == {"Science>Environment", "Business>Business and Finance", "Food & Drink"}


def test_readme_auto_highlights(everything: Any) -> None:
    t, e = everything
    assert t.auto_highlights == exp_highlights(e)
    top = t.auto_highlights.results[0]
    assert (top.text, top.count, top.rank) == ("wildfire", 2, 1.0)
    assert [(x.start, x.end) for x in top.timestamps] == [(w["start"], w["end"]) for w in e.words
                                                          if rules.key(w["text"]) == "wildfire"]


def test_language_detection(local: Any, tmp_path: Path) -> None:
    text = "El perro y la casa es muy bonita para los niños con una pelota."
    wav = write_wav(tmp_path / "es.wav", text, 4)
    t = aai.Transcriber().transcribe(str(wav), aai.TranscriptionConfig(language_detection=True))
    code, confidence = rules.detect_language(expect(text, wav).cores)
    assert (t.language_code, t.language_confidence) == (code, confidence) == ("es", 1.0)
    # Below the threshold the transcript ends in error (returned, not raised).
    t = aai.Transcriber().transcribe(str(wav), aai.TranscriptionConfig(language_detection=True,
                                                                       language_confidence_threshold=1.0))
    assert t.status == "completed"
    mixed = write_wav(tmp_path / "mixed.wav", "the casa and la perro is el", 3)
    t = aai.Transcriber().transcribe(str(mixed), aai.TranscriptionConfig(language_detection=True,
                                                                         language_confidence_threshold=0.9))
    assert t.status == aai.TranscriptStatus.error
    assert "below the requested confidence threshold" in t.error


def test_features_not_requested_are_none(local: Any, wav: Path) -> None:
    t = aai.Transcriber().transcribe(str(wav))
    assert t.status == "completed"
    for name in ("utterances", "chapters", "summary", "sentiment_analysis", "entities", "auto_highlights",
                 "content_safety", "iab_categories", "language_confidence"):
        assert getattr(t, name) is None, name
    assert t.language_code == "en_us"  # the default, echoed
    assert t.webhook_auth is False and t.webhook_status_code is None


def test_results_are_none_before_completion(local: Any, wav: Path) -> None:
    t = aai.Transcriber().submit(str(wav), aai.TranscriptionConfig(**ALL_FEATURES))
    assert t.status == aai.TranscriptStatus.queued
    assert t.utterances is None and t.chapters is None and t.content_safety is None and t.summary is None
    t.wait_for_completion()
    assert t.chapters and t.content_safety is not None  # a new state: new results


def test_hand_written_transcript_values() -> None:
    """Values the server never sends (channels, unknown labels, a topic without timestamp), and
    the official SDK's rule that an unavailable topic result of a feature not requested is None."""
    data = {
        "id": "x1", "status": "completed", "text": "Smoke", "iab_categories": False,
        "utterances": [{"confidence": 0.93, "start": 250, "end": 650, "text": "Smoke", "speaker": "A", "channel": "1",
                        "words": [{"text": "Smoke", "start": 250, "end": 650, "confidence": 0.97, "speaker": "A",
                                   "channel": "1"}]}],
        "sentiment_analysis_results": [{"text": "Smoke", "start": 1, "end": 2, "sentiment": "MIXED", "confidence": 0.5,
                                        "speaker": None, "channel": "2"}],
        "entities": [{"entity_type": "spaceship", "text": "Enterprise", "start": 3, "end": 4}],
        "content_safety_labels": {"status": "unavailable", "results": [], "summary": {}, "severity_score_summary": {}},
        "content_safety": True,
        "iab_categories_result": {"status": "unavailable", "results": [], "summary": {}},
        "auto_highlights_result": {"status": "unavailable", "results": None},
    }
    import json

    t = aai.Transcript._from_json(json.dumps(data))
    assert t.utterances == [aai.Utterance(text="Smoke", start=250, end=650, confidence=0.93, speaker="A", channel="1",
                                          words=[aai.UtteranceWord("Smoke", 250, 650, 0.97, "A", "1")])]
    assert t.sentiment_analysis[0].sentiment == "MIXED" and t.sentiment_analysis[0].channel == "2"
    assert t.entities[0].entity_type == "spaceship"
    assert t.content_safety == aai.ContentSafetyResponse(status=aai.StatusResult.unavailable, results=[], summary={},
                                                         severity_score_summary={})
    assert t.iab_categories is None  # unavailable and not requested: dropped, as the official SDK does
    assert t.auto_highlights == aai.AutohighlightResponse(status=aai.StatusResult.unavailable, results=None)
    assert t.chapters is None and t.summary is None


def test_result_types_behave_like_models(everything: Any) -> None:
    t, _ = everything
    chapter = t.chapters[0]
    assert chapter.dict() == {"summary": chapter.summary, "headline": chapter.headline, "gist": chapter.gist,
                              "start": chapter.start, "end": chapter.end}
    assert t.auto_highlights.dict()["results"][0]["timestamps"][0].keys() == {"start", "end"}
    assert '"status": "success"' in t.content_safety.json()
