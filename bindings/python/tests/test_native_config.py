"""TranscriptionConfig / RawTranscriptionConfig: fields, helpers and validation (the last test sends
them to the local server)."""

from __future__ import annotations

import json
from typing import Any

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


# -- every field and helper of the official TranscriptionConfig --------------------------------------

OFFICIAL_037_FIELDS = [
    "language_code", "punctuate", "format_text", "dual_channel", "multichannel", "webhook_url",
    "webhook_auth_header_name", "webhook_auth_header_value", "audio_start_from", "audio_end_at", "word_boost",
    "boost_param", "filter_profanity", "redact_pii", "redact_pii_audio", "redact_pii_audio_quality",
    "redact_pii_policies", "redact_pii_sub", "speaker_labels", "speakers_expected", "content_safety",
    "content_safety_confidence", "iab_categories", "custom_spelling", "disfluencies", "sentiment_analysis",
    "auto_chapters", "entity_detection", "summarization", "summary_model", "summary_type", "auto_highlights",
    "language_detection", "language_confidence_threshold", "speech_threshold", "raw_transcription_config",
    "speech_model",
]


def test_every_official_property_exists_and_is_none_by_default() -> None:
    c = aai.TranscriptionConfig()
    for name in OFFICIAL_037_FIELDS[:-2] + ["speech_model"]:
        assert getattr(c, name) is None, name
    assert isinstance(c.raw, aai.RawTranscriptionConfig)


def test_positional_order_of_the_official_037_signature() -> None:
    args = [None] * len(OFFICIAL_037_FIELDS)
    args[OFFICIAL_037_FIELDS.index("speech_threshold")] = 0.5
    args[OFFICIAL_037_FIELDS.index("speech_model")] = aai.SpeechModel.best
    args[OFFICIAL_037_FIELDS.index("raw_transcription_config")] = {"x": 1}
    assert sent(aai.TranscriptionConfig(*args)) == {"x": 1, "speech_threshold": 0.5, "speech_model": "best"}
    with pytest.raises(TypeError):
        aai.TranscriptionConfig(*([None] * 38))


def test_constructor_runs_the_official_helpers() -> None:
    full = aai.TranscriptionConfig(
        webhook_url="https://example.org/hook", webhook_auth_header_name="X-Auth", webhook_auth_header_value="s3cret",
        audio_start_from=1000, audio_end_at=5000, word_boost=["aws"], boost_param=aai.WordBoost.high,
        redact_pii=True, redact_pii_audio=True, redact_pii_audio_quality=aai.PIIRedactedAudioQuality.wav,
        redact_pii_policies=[aai.PIIRedactionPolicy.person_name, "phone_number"],
        redact_pii_sub=aai.PIISubstitutionPolicy.entity_name, speaker_labels=True, speakers_expected=2,
        content_safety=True, content_safety_confidence=75, summarization=True,
        summary_model=aai.SummarizationModel.informative, summary_type=aai.SummarizationType.bullets_verbose)
    assert sent(full) == {
        "webhook_url": "https://example.org/hook", "webhook_auth_header_name": "X-Auth",
        "webhook_auth_header_value": "s3cret", "audio_start_from": 1000, "audio_end_at": 5000, "word_boost": ["aws"],
        "boost_param": "high", "redact_pii": True, "redact_pii_policies": ["person_name", "phone_number"],
        "redact_pii_sub": "entity_name", "redact_pii_audio": True, "redact_pii_audio_quality": "wav",
        "speaker_labels": True, "speakers_expected": 2, "content_safety": True, "content_safety_confidence": 75,
        "summarization": True, "summary_model": "informative", "summary_type": "bullets_verbose"}
    # As in the official SDK: a disabled feature drops its companions.
    assert sent(aai.TranscriptionConfig(speaker_labels=False)) == {}
    assert sent(aai.TranscriptionConfig(content_safety_confidence=80)) == {}
    assert sent(aai.TranscriptionConfig(summary_type="gist")) == {}
    assert sent(aai.TranscriptionConfig(redact_pii_sub="hash")) == {}
    assert sent(aai.TranscriptionConfig(webhook_auth_header_name="X")) == {}
    assert sent(aai.TranscriptionConfig(word_boost=["a"])) == {"word_boost": ["a"]}
    # 1.x: speakers_expected alone is kept.
    assert sent(aai.TranscriptionConfig(speakers_expected=3)) == {"speakers_expected": 3}


def test_helpers_as_in_the_official_sdk() -> None:
    c = aai.TranscriptionConfig()
    assert c.set_webhook("https://h/1", "X-Auth", "v") is c  # every helper returns the config
    c.set_webhook("https://h/2")  # the auth header stays
    assert (c.webhook_url, c.webhook_auth_header_name, c.webhook_auth_header_value) == ("https://h/2", "X-Auth", "v")
    c.set_webhook(None)
    assert sent(c) == {}
    c.set_audio_slice(1000, 5000)
    assert (c.audio_start_from, c.audio_end_at) == (1000, 5000)
    c.set_audio_slice(end=3000)
    assert sent(c) == {"audio_end_at": 3000}
    c.set_audio_slice()
    c.set_word_boost(["k8s", "sql"])
    assert sent(c) == {"word_boost": ["k8s", "sql"], "boost_param": "default"}
    c.set_word_boost(["k8s"], aai.WordBoost.low)
    assert (c.word_boost, c.boost_param) == (["k8s"], "low")
    c.set_word_boost(["k8s"], None)
    assert sent(c) == {"word_boost": ["k8s"]}
    c.set_word_boost([])
    assert sent(c) == {}
    c.set_speaker_diarization(speakers_expected=4)
    assert sent(c) == {"speaker_labels": True, "speakers_expected": 4}
    c.set_speaker_diarization(True)  # 1.x: keeps speakers_expected
    assert c.speakers_expected == 4
    c.set_speaker_diarization(speaker_options=aai.SpeakerOptions(min_speakers_expected=2, max_speakers_expected=5))
    assert c.speaker_options == {"min_speakers_expected": 2, "max_speakers_expected": 5}
    c.set_speaker_diarization(False)
    assert sent(c) == {}
    c.set_content_safety(content_safety_confidence=90)
    assert sent(c) == {"content_safety": True, "content_safety_confidence": 90}
    c.set_content_safety(False)
    assert sent(c) == {}
    c.set_summarize(model=aai.SummarizationModel.catchy, type=aai.SummarizationType.headline)
    assert sent(c) == {"summarization": True, "summary_model": "catchy", "summary_type": "headline"}
    c.set_summarize(False)
    assert sent(c) == {}
    c.set_redact_pii(True, True, "mp3", [aai.PIIRedactionPolicy.email_address], "hash")  # 0.37's positional order
    assert sent(c) == {"redact_pii": True, "redact_pii_policies": ["email_address"], "redact_pii_sub": "hash",
                       "redact_pii_audio": True, "redact_pii_audio_quality": "mp3"}
    c.set_redact_pii(policies=["person_name"], return_unredacted=True,
                     redact_audio_options=aai.RedactPiiAudioOptions(return_redacted_no_speech_audio=True))
    assert sent(c) == {"redact_pii": True, "redact_pii_policies": ["person_name"], "redact_pii_return_unredacted": True,
                       "redact_pii_audio_options": {"return_redacted_no_speech_audio": True}}
    c.set_redact_pii(False)
    assert sent(c) == {}
    c.set_language_detection(confidence_threshold=0.7, expected_languages=["en", "es"], fallback_language="en")
    assert sent(c) == {"language_detection": True, "language_confidence_threshold": 0.7,
                       "language_detection_options": {"expected_languages": ["en", "es"], "fallback_language": "en"}}
    c.set_language_detection(False)
    assert sent(c) == {}
    c.set_casing_and_formatting()
    assert sent(c) == {"punctuate": True, "format_text": True}


def test_newer_fields_as_keywords() -> None:
    c = aai.TranscriptionConfig(speech_models=["universal-3-pro", "universal"], keyterms_prompt=["AssemblyAI"],
                                language_codes=["en", "es"], prompt="A call", temperature=0.2,
                                remove_audio_tags="all", domain="medical-v1",
                                keyterms_prompt_options=aai.KeytermsPromptOptions(keyterms_match_strength="high"),
                                speech_understanding=aai.SpeechUnderstandingRequest(
                                    request=aai.SpeechUnderstandingFeatureRequests(
                                        translation=aai.TranslationRequest(target_languages=["de"]))))
    assert sent(c) == {"language_codes": ["en", "es"], "speech_models": ["universal-3-pro", "universal"],
                       "prompt": "A call", "temperature": 0.2, "remove_audio_tags": "all",
                       "keyterms_prompt": ["AssemblyAI"], "keyterms_prompt_options": {"keyterms_match_strength": "high"},
                       "speech_understanding": {"request": {"translation": {"target_languages": ["de"]}}},
                       "domain": "medical-v1"}


# -- validation: where the official SDK raises, and the library's checks against the spec -------------


@pytest.mark.parametrize("confidence", [0, 24, 101])
def test_content_safety_confidence_range(confidence: int) -> None:
    c = aai.TranscriptionConfig()
    with pytest.raises(ValueError, match="content_safety_confidence"):
        c.set_content_safety(True, confidence)
    with pytest.raises(ValueError, match="content_safety_confidence"):
        aai.TranscriptionConfig(content_safety=True, content_safety_confidence=confidence)
    assert sent(c) == {}  # unchanged
    for ok in (25, 100):
        assert c.set_content_safety(True, ok).content_safety_confidence == ok


def test_redact_pii_needs_a_policy() -> None:
    with pytest.raises(ValueError, match="at least one PII redaction policy"):
        aai.TranscriptionConfig().set_redact_pii()
    with pytest.raises(ValueError, match="at least one PII redaction policy"):
        aai.TranscriptionConfig(redact_pii=True)


def test_features_that_need_punctuation() -> None:
    with pytest.raises(ValueError, match="`auto_chapters` is enabled, then `punctuate` must not be disabled"):
        aai.TranscriptionConfig(punctuate=False, auto_chapters=True)
    with pytest.raises(ValueError, match="`summarization` is enabled, then `punctuate`"):
        aai.TranscriptionConfig(punctuate=False, summarization=True)
    with pytest.raises(ValueError, match="`summarization` is enabled, then `format_text`"):
        aai.TranscriptionConfig(format_text=False).set_summarize()
    c = aai.TranscriptionConfig(punctuate=False)
    with pytest.raises(ValueError):
        c.auto_chapters = True
    c.auto_chapters = False
    assert sent(c) == {"punctuate": False, "auto_chapters": False}


@pytest.mark.parametrize("field,value,message", [
    ("redact_pii_sub", "stars", "config field redact_pii_sub: 'stars' is not one of entity_name, hash"),
    ("boost_param", "max", "config field boost_param: 'max' is not one of low, default, high"),
    ("summary_type", "long", "config field summary_type"),
    ("redact_pii_audio_quality", "flac", "config field redact_pii_audio_quality"),
    ("language_confidence_threshold", 1.5, "config field language_confidence_threshold: must be at most 1"),
    ("speech_threshold", -0.1, "config field speech_threshold: must be at least 0"),
    ("content_safety_confidence", 10, "config field content_safety_confidence: must be at least 25"),
    ("redact_pii_policies", ["nickname"], "config field redact_pii_policies: 'nickname' is not one of"),
    ("temperature", 2.0, "config field temperature: must be at most 1"),
])
def test_values_are_checked_against_the_spec(field: str, value: Any, message: str) -> None:
    c = aai.TranscriptionConfig(language_code="de")
    with pytest.raises(aai.InvalidArgumentError) as info:
        setattr(c, field, value)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError) and info.value.status == "AAI_ERR_INVALID_ARGUMENT"
    assert sent(c) == {"language_code": "de"}  # unchanged
    c.raw[field] = value  # the raw config sends anything, as the official pydantic model does
    assert sent(c)[field] == value


def test_rules_across_fields() -> None:
    with pytest.raises(aai.InvalidArgumentError, match="audio_end_at \\(1000\\) must be after audio_start_from \\(5000\\)"):
        aai.TranscriptionConfig().set_audio_slice(5000, 1000)
    c = aai.TranscriptionConfig(speaker_labels=True, speakers_expected=0)
    with pytest.raises(aai.InvalidArgumentError, match="speakers_expected must be at least 1"):
        c.validate()
    with pytest.raises(aai.InvalidArgumentError):
        aai.TranscriptionConfig().set_custom_spelling({"": "x"})


def test_enums() -> None:
    assert aai.PIIRedactionPolicy is aai.EntityType and len(list(aai.EntityType)) == 44
    assert [m.value for m in aai.SummarizationType] == ["bullets", "bullets_verbose", "gist", "headline", "paragraph"]
    assert [m.value for m in aai.SummarizationModel] == ["informative", "conversational", "catchy"]
    assert aai.LemurModel.claude3_5_sonnet == "anthropic/claude-3-5-sonnet"
    assert aai.SpeechModel.slam_1 == "slam-1" and aai.WordBoost.default == "default"
    assert aai.SentimentType.positive == "POSITIVE" and aai.PIISubstitutionPolicy.entity_name == "entity_name"
    with pytest.warns(DeprecationWarning, match="LanuageCode Enum is deprecated"):
        code = aai.LanguageCode.de
    assert sent(aai.TranscriptionConfig(language_code=code)) == {"language_code": "de"}
    assert len(list(aai.LanguageCode)) == 20


# -- what the server receives --------------------------------------------------------------------------


def test_every_setter_reaches_the_server(local: Any) -> None:
    url = f"{local.base_url}/_local/synthetic?words=5"
    january = aai.TranscriptionConfig(
        language_code="en_us", punctuate=True, format_text=True, dual_channel=False, filter_profanity=True,
        disfluencies=True, sentiment_analysis=True, iab_categories=True, auto_chapters=True, entity_detection=True,
        auto_highlights=True, speech_threshold=0.2, speech_model=aai.SpeechModel.best,
        language_confidence_threshold=0.1, custom_spelling={"Fox": "fox"},
    ).set_webhook("http://127.0.0.1:9/hook", "X-Auth", "v").set_audio_slice(0, 900).set_word_boost(["fox"], "high") \
        .set_redact_pii(True, True, "wav", ["person_name"], "hash").set_speaker_diarization(True, 2) \
        .set_content_safety(True, 60).set_summarize(True, "informative", "bullets")
    multichannel = aai.TranscriptionConfig(multichannel=True)
    latest = aai.TranscriptionConfig(speech_models=["universal"], keyterms_prompt=["fox"], language_codes=["en"],
                                     temperature=0.5, remove_audio_tags="all", custom_topics=True, topics=["animals"])
    for config in (january, multichannel, latest):
        t = aai.Transcriber().transcribe(url, config)
        assert t.status == "completed", t.error
        received = [r for r in local.requests() if r["method"] == "POST" and r["path"] == "/v2/transcript"][-1]["body"]
        assert received == {"audio_url": url, **sent(config)}
