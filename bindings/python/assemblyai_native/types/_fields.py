"""The request fields of a transcription and the kind of value each takes."""

from __future__ import annotations



TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Dict, Tuple


# --------------------------------------------------------------------------------------
# Config fields
# --------------------------------------------------------------------------------------

# The request fields of a transcription: Python name -> JSON key. The first 35 are the
# positional parameters of the official 0.37 TranscriptionConfig, in its order (then come
# raw_transcription_config and speech_model); the rest are keyword-only (1.x).
CONFIG_FIELDS: Dict[str, str] = {
    "language_code": "language_code",
    "punctuate": "punctuate",
    "format_text": "format_text",
    "dual_channel": "dual_channel",
    "multichannel": "multichannel",
    "webhook_url": "webhook_url",
    "webhook_auth_header_name": "webhook_auth_header_name",
    "webhook_auth_header_value": "webhook_auth_header_value",
    "audio_start_from": "audio_start_from",
    "audio_end_at": "audio_end_at",
    "word_boost": "word_boost",
    "boost_param": "boost_param",
    "filter_profanity": "filter_profanity",
    "redact_pii": "redact_pii",
    "redact_pii_audio": "redact_pii_audio",
    "redact_pii_audio_quality": "redact_pii_audio_quality",
    "redact_pii_policies": "redact_pii_policies",
    "redact_pii_sub": "redact_pii_sub",
    "speaker_labels": "speaker_labels",
    "speakers_expected": "speakers_expected",
    "content_safety": "content_safety",
    "content_safety_confidence": "content_safety_confidence",
    "iab_categories": "iab_categories",
    "custom_spelling": "custom_spelling",
    "disfluencies": "disfluencies",
    "sentiment_analysis": "sentiment_analysis",
    "auto_chapters": "auto_chapters",
    "entity_detection": "entity_detection",
    "summarization": "summarization",
    "summary_model": "summary_model",
    "summary_type": "summary_type",
    "auto_highlights": "auto_highlights",
    "language_detection": "language_detection",
    "language_confidence_threshold": "language_confidence_threshold",
    "speech_threshold": "speech_threshold",
    "speech_model": "speech_model",
    # 1.x (keyword-only here)
    "language_codes": "language_codes",
    "redact_pii_audio_options": "redact_pii_audio_options",
    "redact_pii_return_unredacted": "redact_pii_return_unredacted",
    "speaker_options": "speaker_options",
    "language_detection_options": "language_detection_options",
    "speech_models": "speech_models",
    "prompt": "prompt",
    "temperature": "temperature",
    "remove_audio_tags": "remove_audio_tags",
    "keyterms_prompt": "keyterms_prompt",
    "keyterms_prompt_options": "keyterms_prompt_options",
    "speech_understanding": "speech_understanding",
    "domain": "domain",
    "topics": "topics",
    "custom_topics": "custom_topics",
}

_POSITIONAL = list(CONFIG_FIELDS)[:35] + ["raw_transcription_config", "speech_model"]

# JSON key -> the kind of value its typed library setter takes. The library checks each value
# against the API spec (type, range, allowed values) and names the field in its error. Fields
# marked "json" are objects, or fields the library does not know: they are merged as JSON.
FIELD_KINDS: Dict[str, str] = {
    "language_code": "str", "punctuate": "bool", "format_text": "bool", "dual_channel": "bool",
    "multichannel": "bool", "webhook_url": "str", "webhook_auth_header_name": "str",
    "webhook_auth_header_value": "str", "audio_start_from": "int", "audio_end_at": "int",
    "word_boost": "strs", "boost_param": "str", "filter_profanity": "bool", "redact_pii": "bool",
    "redact_pii_audio": "bool", "redact_pii_audio_quality": "str", "redact_pii_policies": "strs",
    "redact_pii_sub": "str", "speaker_labels": "bool", "speakers_expected": "int",
    "content_safety": "bool", "content_safety_confidence": "int", "iab_categories": "bool",
    "custom_spelling": "json", "disfluencies": "bool", "sentiment_analysis": "bool",
    "auto_chapters": "bool", "entity_detection": "bool", "summarization": "bool",
    "summary_model": "str", "summary_type": "str", "auto_highlights": "bool",
    "language_detection": "bool", "language_confidence_threshold": "float",
    "speech_threshold": "float", "speech_model": "str", "language_codes": "strs",
    "redact_pii_audio_options": "json", "redact_pii_return_unredacted": "json",
    "speaker_options": "json", "language_detection_options": "json", "speech_models": "strs",
    "prompt": "str", "temperature": "float", "remove_audio_tags": "str", "keyterms_prompt": "strs",
    "keyterms_prompt_options": "json", "speech_understanding": "json", "domain": "json",
    "topics": "strs", "custom_topics": "bool",
}

# JSON key -> (C setter's name, kind of value it takes: "str" or "bool"): used by
# RawTranscriptionConfig. Names, not functions, so that importing declares none of them.
TYPED_SETTERS: Dict[str, Tuple[str, str]] = {
    "language_code": ("aai_config_set_language_code", "str"),
    "speech_model": ("aai_config_set_speech_model", "str"),
    "punctuate": ("aai_config_set_punctuate", "bool"),
    "format_text": ("aai_config_set_format_text", "bool"),
    "speaker_labels": ("aai_config_set_speaker_labels", "bool"),
}
