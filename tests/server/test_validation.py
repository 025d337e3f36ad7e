"""Request bodies are validated against both spec versions; either one accepting is enough."""

import pytest

AUDIO = "https://example.com/a.mp3"


@pytest.mark.parametrize("body,message", [
    ({}, "audio_url is required"),
    ({"audio_url": AUDIO, "foo": 1}, "foo is not allowed (unknown property)"),
    ({"audio_url": 5}, "audio_url must be a String"),
    ({"audio_url": AUDIO, "punctuate": "yes"}, "punctuate must be a Boolean"),
    ({"audio_url": AUDIO, "speakers_expected": "two"}, "speakers_expected must be an Integer or null"),
    ({"audio_url": AUDIO, "language_code": 5}, "language_code must be a String or null"),
    ({"audio_url": AUDIO, "redact_pii_audio_quality": "flac"}, "redact_pii_audio_quality must be one of: mp3, wav"),
    ({"audio_url": AUDIO, "boost_param": "extreme"}, "boost_param must be one of: low, default, high"),
    ({"audio_url": AUDIO, "content_safety_confidence": 10}, "content_safety_confidence must be greater than or equal to 25"),
    ({"audio_url": AUDIO, "speech_threshold": 1.5}, "speech_threshold must be less than or equal to 1"),
    ({"audio_url": AUDIO, "custom_spelling": [{"from": "x", "to": "y"}]}, "custom_spelling[0].from must be an Array"),
    ({"audio_url": AUDIO, "custom_spelling": [{"from": ["x"]}]}, "custom_spelling[0].to is required"),
    ({"audio_url": AUDIO, "redact_pii_policies": ["nope"]}, None),
    ([AUDIO], "Request body must be an Object"),
])
def test_rejected_bodies(server, body, message):
    status, answer = server.request("POST", "/v2/transcript", body)
    assert status == 400, answer
    assert set(answer) == {"error"}
    if message:
        assert answer["error"] == message
    else:
        assert answer["error"].startswith("redact_pii_policies[0] must be one of: ")


def test_not_json(server):
    status, answer = server.request("POST", "/v2/transcript", raw=b"{audio_url:", headers={"Content-Type": "application/json"})
    assert status == 400 and answer["error"].startswith("Request body is not valid JSON")
    status, answer = server.request("POST", "/v2/transcript", raw=b"")
    assert (status, answer) == (400, {"error": "Request body is required"})


@pytest.mark.parametrize("body", [
    {"audio_url": AUDIO},                                               # old spec (no speech_models)
    {"audio_url": AUDIO, "word_boost": ["x"], "boost_param": "low"},    # old only
    {"audio_url": AUDIO, "speech_model": "nano", "language_code": None},
    {"audio_url": AUDIO, "speech_models": ["universal"], "keyterms_prompt": ["x"]},  # latest only
    {"audio_url": AUDIO, "speech_models": ["universal"], "speaker_options": {"min_speakers_expected": 2}},
    {"audio_url": AUDIO, "language_code": "xx_custom"},                 # anyOf: enum or any string
    {"audio_url": AUDIO, "speakers_expected": None, "speech_threshold": None},
])
def test_accepted_bodies(server, body):
    status, answer = server.request("POST", "/v2/transcript", body)
    assert status == 200, answer
    assert answer["audio_url"] == AUDIO


def test_mixing_spec_versions_is_rejected(server):
    status, answer = server.request("POST", "/v2/transcript",
                                    {"audio_url": AUDIO, "speech_models": ["universal"], "word_boost": ["x"]})
    assert status == 400
    assert answer["error"] in ("word_boost is not allowed (unknown property)",
                               "speech_models is not allowed (unknown property)")


def test_validate_endpoint_reports_per_spec(server):
    v = server.validate("TranscriptParams", {"audio_url": AUDIO, "word_boost": ["x"]})
    assert v["valid"] is True
    assert v["errors"]["openapi.yml"] == []
    assert "speech_models is required" in v["errors"]["openapi-latest.yml"]
    assert "word_boost is not allowed (unknown property)" in v["errors"]["openapi-latest.yml"]


# openapi-latest-additions.yml: the fields of the official SDK 1.8.2 that the newest spec lacks.
def test_sdk_1_8_2_fields_are_accepted(server):
    body = {"audio_url": AUDIO, "speech_models": ["universal-3-5-pro", "universal-2"], "domain": "medical-v1",
            "redact_pii": True, "redact_pii_policies": ["person_name"], "redact_pii_return_unredacted": True,
            "keyterms_prompt": ["x"], "keyterms_prompt_options": {"keyterms_match_strength": "high"},
            "speaker_labels": True,
            "speaker_options": {"min_speakers_expected": 1, "max_speakers_expected": 3, "use_two_stage_clustering": True,
                                "short_file_diarization_method": "balanced", "long_file_diarization_method": "experimental"},
            "language_detection": True,
            "language_detection_options": {"expected_languages": ["en"], "on_low_language_confidence": "fallback",
                                           "swiss_german": False}}
    status, answer = server.request("POST", "/v2/transcript", body)
    assert status == 200, answer


@pytest.mark.parametrize("extra,where", [
    ({"keyterms_prompt_options": {"keyterms_match_strength": "max"}}, "keyterms_match_strength"),
    ({"keyterms_prompt_options": {"other": 1}}, "other"),
    ({"speaker_options": {"short_file_diarization_method": "fast"}}, "short_file_diarization_method"),
    ({"speaker_options": {"min_speakers_expected": 0}}, "min_speakers_expected"),
    ({"language_detection_options": {"on_low_language_confidence": "ignore"}}, "on_low_language_confidence"),
    ({"redact_pii_return_unredacted": "yes"}, "redact_pii_return_unredacted"),
])
def test_sdk_1_8_2_fields_are_checked(server, extra, where):
    # With speech_models (which today's spec requires), today's spec is the closest match, so its
    # message, naming the sub-field, is the answer.
    body = {"audio_url": AUDIO, "speech_models": ["universal-2"], **extra}
    status, answer = server.request("POST", "/v2/transcript", body)
    assert status == 400, answer
    assert where in answer["error"], answer
