"""TranscriptionConfig / RawTranscriptionConfig (no server needed)."""

from __future__ import annotations

import json

import pytest

import assemblyai_native as aai


def sent(config: aai.TranscriptionConfig) -> dict:
    return json.loads(config.raw.json())


def test_empty_config_sends_nothing() -> None:
    assert sent(aai.TranscriptionConfig()) == {}
    assert aai.TranscriptionConfig().language_code is None


def test_typed_fields() -> None:
    c = aai.TranscriptionConfig(language_code="de", punctuate=False, format_text=True,
                                speaker_labels=True, speech_model=aai.SpeechModel.nano)
    assert sent(c) == {"language_code": "de", "punctuate": False, "format_text": True,
                       "speaker_labels": True, "speech_model": "nano"}
    assert c.language_code == "de" and c.punctuate is False and c.format_text is True
    assert c.speaker_labels is True and c.speech_model == aai.SpeechModel.nano
    c.language_code = None
    c.punctuate = None
    assert "language_code" not in sent(c) and "punctuate" not in sent(c)


def test_fields_without_a_typed_setter_go_through_json() -> None:
    c = aai.TranscriptionConfig(dual_channel=True, webhook_url="https://example.org/hook",
                                audio_start_from=1000, word_boost=["aws", "gcp"], boost_param="high",
                                speakers_expected=2, language_confidence_threshold=0.5)
    assert sent(c) == {"dual_channel": True, "webhook_url": "https://example.org/hook",
                       "audio_start_from": 1000, "word_boost": ["aws", "gcp"], "boost_param": "high",
                       "speakers_expected": 2, "language_confidence_threshold": 0.5}
    assert c.word_boost == ["aws", "gcp"]
    c.auto_chapters = True
    assert c.auto_chapters is True


def test_positional_arguments_follow_the_official_order() -> None:
    c = aai.TranscriptionConfig("en_us", True, False)
    assert sent(c) == {"language_code": "en_us", "punctuate": True, "format_text": False}


def test_official_conversions() -> None:
    c = aai.TranscriptionConfig(word_boost=[], custom_spelling={"SQL": "Sequel", "K8s": ["kates", "k eights"]})
    assert sent(c) == {"custom_spelling": [{"from": ["Sequel"], "to": "SQL"},
                                           {"from": ["kates", "k eights"], "to": "K8s"}]}
    assert c.custom_spelling == {"SQL": ["Sequel"], "K8s": ["kates", "k eights"]}
    c.set_custom_spelling({"AI": "ai"}, override=False)
    assert len(sent(c)["custom_spelling"]) == 3
    c.set_custom_spelling(None)
    assert "custom_spelling" not in sent(c)
    c.set_casing_and_formatting(False)
    assert sent(c) == {"punctuate": False, "format_text": False}


def test_raw_passes_unknown_fields_through() -> None:
    raw = aai.RawTranscriptionConfig(language_code="fr", brand_new_field={"nested": [1, 2]})
    c = aai.TranscriptionConfig(punctuate=True, raw_transcription_config=raw)
    assert sent(c) == {"language_code": "fr", "brand_new_field": {"nested": [1, 2]}, "punctuate": True}
    c.raw["another"] = "x"
    c.raw.third = 3
    c.raw.update({"brand_new_field": None})
    c.raw.update('{"fourth": [true]}')
    assert sent(c) == {"language_code": "fr", "punctuate": True, "another": "x", "third": 3, "fourth": [True]}
    assert c.raw.third == 3 and c.raw["another"] == "x" and "fourth" in c.raw
    assert aai.TranscriptionConfig(raw_transcription_config={"x": 1}).raw.dict() == {"x": 1}


def test_explicit_arguments_win_over_raw() -> None:
    c = aai.TranscriptionConfig(language_code="de", raw_transcription_config={"language_code": "fr", "punctuate": True})
    assert sent(c) == {"language_code": "de", "punctuate": True}


def test_invalid_json_is_rejected() -> None:
    c = aai.TranscriptionConfig(punctuate=True)
    with pytest.raises(aai.InvalidArgumentError) as info:
        c.raw.update('{"a": ')
    assert isinstance(info.value, ValueError) and isinstance(info.value, aai.AssemblyAIError)
    assert info.value.status == "AAI_ERR_INVALID_ARGUMENT"
    assert info.value.status_code is None
    with pytest.raises(aai.InvalidArgumentError):
        c.raw.update("[1, 2]")  # valid JSON, not an object
    with pytest.raises(ValueError):
        c.raw.update({"x": float("nan")})
    assert sent(c) == {"punctuate": True}  # unchanged


def test_unknown_keyword_is_a_type_error_like_the_official_sdk() -> None:
    with pytest.raises(TypeError, match="raw_transcription_config"):
        aai.TranscriptionConfig(no_such_field=True)  # type: ignore[call-arg]
    c = aai.TranscriptionConfig()
    with pytest.raises(AttributeError):
        c.no_such_field = 1  # type: ignore[attr-defined]


def test_config_equality_and_repr() -> None:
    a = aai.TranscriptionConfig(language_code="de")
    b = aai.TranscriptionConfig(language_code="de")
    assert a == b and a != aai.TranscriptionConfig()
    assert "de" in repr(a)
    assert a.raw.copy() == a.raw
