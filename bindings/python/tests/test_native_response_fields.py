"""Newer transcript response fields typed as 1.8.2 types them: metadata (domain_used, warning,
warnings), unredacted text / words / utterances, language_detection_results' code switching
languages, speech_model_used; from JSON and from the local server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import assemblyai_native as aai
from native_expect import write_wav

FULL = {
    "id": "n1", "status": "completed", "text": "Call ### now", "speech_model_used": "universal-3-pro",
    "unredacted_text": "Call Bob now",
    "unredacted_words": [{"text": "Call", "start": 0, "end": 90, "confidence": 0.9},
                         {"text": "Bob", "start": 100, "end": 190, "confidence": 0.8, "speaker": "A"}],
    "unredacted_utterances": [{"text": "Call Bob", "start": 0, "end": 190, "confidence": 0.85, "speaker": "A",
                               "words": [{"text": "Call", "start": 0, "end": 90, "confidence": 0.9, "speaker": "A"}]}],
    "metadata": {"domain_used": "medical-v1", "warning": "single", "warnings": [{"message": "first"}, {"message": "second"}]},
    "language_detection_results": {"code_switching_languages": [{"language_code": "en", "confidence": 0.75},
                                                                 {"language_code": "es", "confidence": 0.25}]},
}


def test_typed_from_json() -> None:
    t = aai.Transcript._from_json(json.dumps(FULL))
    assert t.speech_model_used == "universal-3-pro"
    assert t.unredacted_text == "Call Bob now"
    assert t.unredacted_words == [aai.Word(text="Call", start=0, end=90, confidence=0.9),
                                  aai.Word(text="Bob", start=100, end=190, confidence=0.8, speaker="A")]
    assert t.unredacted_utterances[0].speaker == "A" and t.unredacted_utterances[0].words[0].text == "Call"
    assert t.metadata == aai.types.TranscriptMetadata(
        domain_used="medical-v1", warning="single",
        warnings=[aai.types.TranscriptWarning(message="first"), aai.types.TranscriptWarning(message="second")])
    assert t.language_detection_results == aai.types.LanguageDetectionResults(code_switching_languages=[
        aai.types.CodeSwitchingLanguage(language_code="en", confidence=0.75),
        aai.types.CodeSwitchingLanguage(language_code="es", confidence=0.25)])


def test_absent_fields_are_none() -> None:
    t = aai.Transcript._from_json(json.dumps({"id": "n2", "status": "completed", "text": "hi"}))
    assert t.metadata is None and t.language_detection_results is None
    assert t.unredacted_text is None and t.unredacted_words is None and t.unredacted_utterances is None
    assert t.speech_model_used is None
    only = aai.Transcript._from_json(json.dumps({"id": "n3", "status": "completed", "metadata": {"warning": "w"},
                                                 "language_detection_results": {}}))
    assert only.metadata == aai.types.TranscriptMetadata(warning="w")
    assert only.language_detection_results == aai.types.LanguageDetectionResults()


def test_from_the_local_server(local: Any, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "a.wav", "A: Dr Smith flew to Canada.", 2)
    config = aai.TranscriptionConfig(redact_pii=True, redact_pii_policies=[aai.PIIRedactionPolicy.person_name],
                                     redact_pii_return_unredacted=True, domain="medical-v1",
                                     speech_models=["universal-3-pro", "universal-2"],
                                     speaker_labels=True, language_detection=True,
                                     language_detection_options={"code_switching": True})
    t = aai.Transcriber().transcribe(str(wav), config)
    assert t.status == "completed", t.error
    assert "Smith" not in t.text and t.unredacted_text == "Dr Smith flew to Canada."
    assert [w.text for w in t.unredacted_words] == ["Dr", "Smith", "flew", "to", "Canada."]
    assert t.unredacted_utterances[0].text == "Dr Smith flew to Canada."
    assert t.metadata.domain_used == "medical-v1" and t.speech_model_used == "universal-3-pro"
    langs = t.language_detection_results.code_switching_languages
    assert [l.language_code for l in langs] == ["en"] and langs[0].confidence == t.language_confidence
