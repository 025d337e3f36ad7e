"""Request sub-objects: speaker, language detection, keyterms, PII audio, speech understanding."""

from __future__ import annotations

from .._model import field, model

from .enums import SpeakerType
from ._base import _Model

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional


# --------------------------------------------------------------------------------------
# Request options (1.x)
# --------------------------------------------------------------------------------------


@model
class SpeakerOptions(_Model):
    """Options for speaker diarization."""

    min_speakers_expected: Optional[int] = None
    max_speakers_expected: Optional[int] = None
    use_two_stage_clustering: Optional[bool] = None
    short_file_diarization_method: Optional[str] = None
    long_file_diarization_method: Optional[str] = None


@model
class LanguageDetectionOptions(_Model):
    """Options for automatic language detection."""

    expected_languages: Optional[List[str]] = None
    fallback_language: Optional[str] = None
    code_switching: Optional[bool] = None
    code_switching_confidence_threshold: Optional[float] = None
    on_low_language_confidence: Optional[str] = None
    swiss_german: Optional[bool] = None


@model
class KeytermsPromptOptions(_Model):
    """Options for keyterms_prompt."""

    keyterms_match_strength: Optional[str] = None


@model
class RedactPiiAudioOptions(_Model):
    """Options for the PII-redacted audio."""

    return_redacted_no_speech_audio: Optional[bool] = None
    override_audio_redaction_method: Optional[str] = None


@model
class SpeakerIdentificationRequest(_Model):
    speaker_type: Optional[SpeakerType] = None
    known_values: Optional[List[str]] = None
    speakers: Optional[List[Dict[str, Any]]] = None


@model
class TranslationRequest(_Model):
    target_languages: List[str] = field(default_factory=list)
    formal: Optional[bool] = None
    match_original_utterance: Optional[bool] = None


@model
class CustomFormattingRequest(_Model):
    date: Optional[str] = None
    phone_number: Optional[str] = None
    email: Optional[str] = None


@model
class SpeechUnderstandingFeatureRequests(_Model):
    speaker_identification: Optional[SpeakerIdentificationRequest] = None
    translation: Optional[TranslationRequest] = None
    custom_formatting: Optional[CustomFormattingRequest] = None


@model
class SpeechUnderstandingRequest(_Model):
    """Speech understanding (LLM Gateway features) of a transcript."""

    request: Optional[SpeechUnderstandingFeatureRequests] = None
