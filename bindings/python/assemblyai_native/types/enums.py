"""Enums of the API: statuses, languages, models, PII policies, ..."""

from __future__ import annotations

import enum
import warnings


TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _E = TypeVar("_E", bound=enum.Enum)


# --------------------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------------------


class TranscriptStatus(str, enum.Enum):
    """Transcript status."""

    queued = "queued"
    processing = "processing"
    completed = "completed"
    error = "error"


class _DeprecatedLanguageCodeMeta(enum.EnumMeta):
    """Warns when a LanguageCode member is named, as the official SDK does."""

    def __getattribute__(cls, name: str) -> Any:
        if not name.startswith("_"):
            try:
                members = type.__getattribute__(cls, "_member_map_")
            except AttributeError:  # while the class is being built
                members = {}
            if name in members:
                warnings.warn(
                    "LanuageCode Enum is deprecated and will be removed in 1.0.0. Use a string instead.",
                    DeprecationWarning,
                    stacklevel=2,
                )
        return super().__getattribute__(name)


class LanguageCode(str, enum.Enum, metaclass=_DeprecatedLanguageCodeMeta):
    """Deprecated (as in the official SDK): use a string. Supported languages."""

    de = "de"
    en = "en"
    en_au = "en_au"
    en_uk = "en_uk"
    en_us = "en_us"
    es = "es"
    fi = "fi"
    fr = "fr"
    hi = "hi"
    it = "it"
    ja = "ja"
    ko = "ko"
    nl = "nl"
    pl = "pl"
    pt = "pt"
    ru = "ru"
    tr = "tr"
    uk = "uk"
    vi = "vi"
    zh = "zh"


class WordBoost(str, enum.Enum):
    """How much weight word_boost gets (boost_param)."""

    low = "low"
    default = "default"
    high = "high"


class PIIRedactedAudioQuality(str, enum.Enum):
    """The format of the PII-redacted audio."""

    mp3 = "mp3"
    wav = "wav"


class EntityType(str, enum.Enum):
    """Entity types of Entity Detection (and the policies of PII Redaction)."""

    account_number = "account_number"
    banking_information = "banking_information"
    blood_type = "blood_type"
    credit_card_cvv = "credit_card_cvv"
    credit_card_expiration = "credit_card_expiration"
    credit_card_number = "credit_card_number"
    date = "date"
    date_interval = "date_interval"
    date_of_birth = "date_of_birth"
    drivers_license = "drivers_license"
    drug = "drug"
    duration = "duration"
    email_address = "email_address"
    event = "event"
    filename = "filename"
    gender_sexuality = "gender_sexuality"
    healthcare_number = "healthcare_number"
    injury = "injury"
    ip_address = "ip_address"
    language = "language"
    location = "location"
    marital_status = "marital_status"
    medical_condition = "medical_condition"
    medical_process = "medical_process"
    money_amount = "money_amount"
    nationality = "nationality"
    number_sequence = "number_sequence"
    occupation = "occupation"
    organization = "organization"
    passport_number = "passport_number"
    password = "password"
    person_age = "person_age"
    person_name = "person_name"
    phone_number = "phone_number"
    physical_attribute = "physical_attribute"
    political_affiliation = "political_affiliation"
    religion = "religion"
    statistics = "statistics"
    time = "time"
    url = "url"
    us_social_security_number = "us_social_security_number"
    username = "username"
    vehicle_id = "vehicle_id"
    zodiac_sign = "zodiac_sign"


PIIRedactionPolicy = EntityType
"""PII Redaction policies (the same values as EntityType, as in the official SDK)."""


class PIISubstitutionPolicy(str, enum.Enum):
    """How detected PII is replaced."""

    hash = "hash"
    entity_name = "entity_name"


class SummarizationModel(str, enum.Enum):
    """Summarization models."""

    informative = "informative"
    conversational = "conversational"
    catchy = "catchy"


class SummarizationType(str, enum.Enum):
    """Summarization types."""

    bullets = "bullets"
    bullets_verbose = "bullets_verbose"
    gist = "gist"
    headline = "headline"
    paragraph = "paragraph"


class SpeechModel(str, enum.Enum):
    """The speech model to transcribe with."""

    best = "best"
    "The best model optimized for accuracy."

    nano = "nano"
    "A lightweight, lower cost model for a wide range of languages."

    slam_1 = "slam-1"
    universal = "universal"


class ContentSafetyLabel(str, enum.Enum):
    """Content Safety (moderation) labels."""

    accidents = "accidents"
    alcohol = "alcohol"
    financials = "financials"
    crime_violence = "crime_violence"
    drugs = "drugs"
    gambling = "gambling"
    hate_speech = "hate_speech"
    health_issues = "health_issues"
    manga = "manga"
    marijuana = "marijuana"
    disasters = "disasters"
    negative_news = "negative_news"
    nsfw = "nsfw"
    pornography = "pornography"
    profanity = "profanity"
    sensitive_social_issues = "sensitive_social_issues"
    terrorism = "terrorism"
    tobacco = "tobacco"
    weapons = "weapons"


class StatusResult(str, enum.Enum):
    """The status of an audio intelligence model's result."""

    success = "success"
    unavailable = "unavailable"


class SentimentType(str, enum.Enum):
    """The sentiment of a sentence."""

    positive = "POSITIVE"
    neutral = "NEUTRAL"
    negative = "NEGATIVE"


class SpeakerType(str, enum.Enum):
    """How speaker identification names speakers (1.x)."""

    role = "role"
    name = "name"


class LemurModel(str, enum.Enum):
    """LeMUR final models. Any other string is accepted too (models newer than this package)."""

    claude_opus_4_20250514 = "anthropic/claude-opus-4-20250514"
    claude_sonnet_4_20250514 = "anthropic/claude-sonnet-4-20250514"
    claude3_7_sonnet_20250219 = "anthropic/claude-3-7-sonnet-20250219"
    claude3_5_sonnet = "anthropic/claude-3-5-sonnet"
    claude3_opus = "anthropic/claude-3-opus"
    claude3_5_haiku_20241022 = "anthropic/claude-3-5-haiku-20241022"
    claude3_haiku = "anthropic/claude-3-haiku"
    claude3_sonnet = "anthropic/claude-3-sonnet"
    claude2_1 = "anthropic/claude-2-1"
    claude2_0 = "anthropic/claude-2"
    default = "default"
    mistral7b = "assemblyai/mistral-7b"


class LemurSourceType(str, enum.Enum):
    """The source type of a LeMUR request."""

    transcript = "transcript"
