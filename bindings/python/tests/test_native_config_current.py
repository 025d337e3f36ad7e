"""The request fields of the official SDK 1.8.2 and today's spec, through the library's typed
helpers: speech_models, domain, redact_pii_return_unredacted, and the sub-fields of
speaker_options, language_detection_options and keyterms_prompt_options (the last test sends
them to the local server, which validates them against the spec and its addendum)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import assemblyai_native as aai


def sent(config: aai.TranscriptionConfig) -> dict:
    return json.loads(config.raw.json())


def test_every_sub_field_as_1_8_2_names_it() -> None:
    c = aai.TranscriptionConfig(
        speech_models=["universal-3-5-pro", "universal-2"], domain="medical-v1",
        redact_pii=True, redact_pii_policies=[aai.PIIRedactionPolicy.person_name], redact_pii_return_unredacted=True,
        keyterms_prompt=["libassemblyai"], keyterms_prompt_options=aai.KeytermsPromptOptions(keyterms_match_strength="standard"),
        speaker_labels=True,
        speaker_options=aai.SpeakerOptions(min_speakers_expected=1, max_speakers_expected=4, use_two_stage_clustering=False,
                                           short_file_diarization_method="aggressive", long_file_diarization_method="standard"),
        language_detection=True,
        language_detection_options=aai.LanguageDetectionOptions(
            expected_languages=["en", "de"], fallback_language="auto", code_switching=True,
            code_switching_confidence_threshold=0.5, on_low_language_confidence="fallback", swiss_german=True))
    body = sent(c)
    assert body["speech_models"] == ["universal-3-5-pro", "universal-2"]
    assert body["domain"] == "medical-v1"
    assert body["redact_pii_return_unredacted"] is True
    assert body["keyterms_prompt_options"] == {"keyterms_match_strength": "standard"}
    assert body["speaker_options"] == {"min_speakers_expected": 1, "max_speakers_expected": 4,
                                       "use_two_stage_clustering": False,
                                       "short_file_diarization_method": "aggressive",
                                       "long_file_diarization_method": "standard"}
    assert body["language_detection_options"] == {"expected_languages": ["en", "de"], "fallback_language": "auto",
                                                  "code_switching": True, "code_switching_confidence_threshold": 0.5,
                                                  "on_low_language_confidence": "fallback", "swiss_german": True}
    # Plain dicts work as the models do; None removes.
    c.speaker_options = {"max_speakers_expected": 3}
    assert sent(c)["speaker_options"] == {"max_speakers_expected": 3}
    c.speaker_options = None
    assert "speaker_options" not in sent(c)


@pytest.mark.parametrize("field,value,error,match", [
    ("speech_models", ["universal-2", "universal-2"], ValueError, "twice"),
    ("speech_models", [], ValueError, "at least one model"),
    ("speech_models", "universal-2", TypeError, "list of str"),
    ("speech_models", ["universal 2"], ValueError, "speech_models"),
    ("domain", "", ValueError, "domain"),
    ("domain", 3, TypeError, "domain"),
    ("redact_pii_return_unredacted", "yes", TypeError, "redact_pii_return_unredacted"),
    ("keyterms_prompt_options", {"keyterms_match_strength": "max"}, ValueError, "keyterms_match_strength"),
    ("keyterms_prompt_options", {"strength": "high"}, ValueError, "unknown sub-field 'strength'"),
    ("speaker_options", {"min_speakers_expected": 0}, ValueError, "min_speakers_expected"),
    ("speaker_options", {"min_speakers_expected": 4, "max_speakers_expected": 2}, ValueError, "max_speakers_expected"),
    ("speaker_options", {"min_speakers_expected": "2"}, TypeError, "min_speakers_expected"),
    ("speaker_options", {"use_two_stage_clustering": 1}, TypeError, "use_two_stage_clustering"),
    ("speaker_options", {"short_file_diarization_method": "fast"}, ValueError, "short_file_diarization_method"),
    ("speaker_options", {"long_file_diarization_method": "balanced"}, ValueError, "long_file_diarization_method"),
    ("speaker_options", 5, TypeError, "speaker_options"),
    ("language_detection_options", {"code_switching_confidence_threshold": 1.5}, ValueError, "code_switching_confidence"),
    ("language_detection_options", {"code_switching_confidence_threshold": "high"}, TypeError, "code_switching_confidence"),
    ("language_detection_options", {"on_low_language_confidence": "ignore"}, ValueError, "on_low_language_confidence"),
    ("language_detection_options", {"expected_languages": "en"}, TypeError, "expected_languages"),
    ("language_detection_options", {"fallback_language": ""}, ValueError, "fallback_language"),
    ("language_detection_options", {"swiss_german": "ja"}, TypeError, "swiss_german"),
])
def test_wrong_values_are_refused_before_any_request(field: str, value: Any, error: type, match: str) -> None:
    c = aai.TranscriptionConfig(domain="kept")
    with pytest.raises(error, match=match):
        setattr(c, field, value)
    with pytest.raises(error, match=match):
        aai.TranscriptionConfig(**{field: value})
    assert sent(c) == {"domain": "kept"}   # unchanged


def test_the_server_accepts_every_new_field(local: Any) -> None:
    url = f"{local.base_url}/_local/synthetic?words=5"
    config = aai.TranscriptionConfig(
        speech_models=["universal-3-5-pro", "universal-2"], domain="medical-v1",
        redact_pii=True, redact_pii_policies=["person_name"], redact_pii_return_unredacted=True,
        keyterms_prompt=["fox"], keyterms_prompt_options={"keyterms_match_strength": "high"},
        speaker_labels=True, speaker_options={"min_speakers_expected": 1, "max_speakers_expected": 2,
                                              "use_two_stage_clustering": True,
                                              "short_file_diarization_method": "deliberate",
                                              "long_file_diarization_method": "experimental"},
        language_detection=True, language_detection_options={"expected_languages": ["en"], "fallback_language": "en",
                                                             "code_switching": False, "swiss_german": False,
                                                             "on_low_language_confidence": "error"})
    t = aai.Transcriber().transcribe(url, config)
    assert t.status == "completed", t.error
    received = [r for r in local.requests() if r["method"] == "POST" and r["path"] == "/v2/transcript"][-1]["body"]
    assert received == {"audio_url": url, **sent(config)}
