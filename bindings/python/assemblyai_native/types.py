"""Public types of assemblyai_native: enums, result types, request options, TranscriptionConfig.

Names, fields and behaviour follow the official ``assemblyai`` SDK (``assemblyai.types``, 0.37
and the 1.x line). Result types are built like dataclasses, by ``_model.model`` (the official
SDK uses pydantic models); they compare by value, and ``dict()`` gives the fields as a dict
like pydantic's ``.dict()``.
"""

from __future__ import annotations

import ctypes
import enum
import json
import operator
import reprlib
import sys
import warnings
from collections.abc import Mapping

from . import _ffi, errors
from ._model import field, fields, model
from ._ffi import lib
from ._settings import Settings
from .errors import (
    AssemblyAIError,
    LemurError,
    RedactedAudioExpiredError,
    RedactedAudioIncompleteError,
    RedactedAudioUnavailableError,
    TranscriptError,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, TypeVar, Union

    _E = TypeVar("_E", bound=enum.Enum)
    _T = TypeVar("_T", bound="TranscriptionConfig")

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


def _enum_or_str(kind: "type[_E]", value: Optional[str]) -> Any:
    """The enum member for `value`, or the server's spelling when this version does not know it."""
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        return value


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------


class _Model:
    """dict() / json() like the official SDK's pydantic models, and the __repr__ and __eq__
    that @dataclass writes, for the ``@model`` subclasses (see _model.py)."""

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        cls = type(self)
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _field_names(cls, "repr"))
        return f"{cls.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = _COMPARE_KEYS.get(self.__class__) or _compare_key(self.__class__)
        return key(self) == key(other)  # type: ignore[no-any-return]

    def dict(self, exclude_none: bool = False, **_: Any) -> Dict[str, Any]:
        data: Dict[str, Any] = _asdict(self)
        return _drop_none(data) if exclude_none else data

    def json(self, exclude_none: bool = False, **_: Any) -> str:
        return json.dumps(self.dict(exclude_none=exclude_none), default=_json_default, ensure_ascii=False)


class _Received:
    """Mixin of the streaming event types: ``received_ns``, an extension beyond the official
    SDK and not a model field (not in dict(), json(), ==, repr). For an event made from a server
    message it is when libassemblyai read the message's last byte, in ns on the clock of
    ``time.monotonic_ns()`` (CLOCK_MONOTONIC), so ``time.monotonic_ns() - event.received_ns``
    in a handler is the delivery latency; None for an object built by the application."""

    received_ns: Optional[int] = None


_FIELD_NAMES: Dict[Tuple[type, str], Tuple[str, ...]] = {}


def _field_names(cls: type, flag: str) -> Tuple[str, ...]:
    """The names of the fields of model `cls` whose `flag` ("repr", "compare") is set."""
    names = _FIELD_NAMES.get((cls, flag))
    if names is None:
        names = _FIELD_NAMES[(cls, flag)] = tuple(f.name for f in fields(cls) if getattr(f, flag))
    return names


_COMPARE_KEYS: Dict[type, Callable[[Any], Any]] = {}


def _compare_key(cls: type) -> Callable[[Any], Any]:
    """The values __eq__ compares, as one tuple: attrgetter builds it in C, so that comparing
    long lists of words is as fast as with @dataclass's __eq__."""
    names = _field_names(cls, "compare")
    if len(names) > 1:
        key: Callable[[Any], Any] = operator.attrgetter(*names)
    else:  # attrgetter gives one name's bare value, and takes no fewer than one

        def key(obj: Any) -> Any:
            return tuple(getattr(obj, n) for n in names)

    _COMPARE_KEYS[cls] = key
    return key


def _field_list(value: Any) -> Optional[Tuple[str, ...]]:
    """The field names of a model or dataclass instance (the streaming v3 types are
    dataclasses), None for anything else."""
    if isinstance(value, type):
        return None
    if hasattr(type(value), "__model_fields__"):
        return tuple(f.name for f in fields(type(value)))
    dc = sys.modules.get("dataclasses")  # a dataclass instance means it was imported
    if dc is not None and dc.is_dataclass(value):
        return tuple(f.name for f in dc.fields(value))
    return None


def _asdict(value: Any) -> Any:
    """dataclasses.asdict without private fields."""
    names = _field_list(value)
    if names is not None:
        return {name: _asdict(getattr(value, name)) for name in names if not name.startswith("_")}
    if isinstance(value, (list, tuple)):
        return type(value)(_asdict(v) for v in value)
    if isinstance(value, dict):
        return {k: _asdict(v) for k, v in value.items()}
    return value


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


@model
class Word(_Model):
    """One recognised word. ``start`` and ``end`` are milliseconds from the start of the audio."""

    text: str
    start: int
    end: int
    confidence: float
    speaker: Optional[str] = None
    channel: Optional[str] = None


@model
class UtteranceWord(Word):
    """A word of an utterance."""


@model
class Utterance(UtteranceWord):
    """One turn of one speaker, with its words (speaker_labels or multichannel)."""

    words: List[UtteranceWord] = field(default_factory=list)


@model
class Chapter(_Model):
    """A chapter made by auto_chapters."""

    summary: str
    headline: str
    gist: str
    start: int
    end: int


@model
class Timestamp(_Model):
    """A span of the audio in milliseconds."""

    start: int
    end: int


@model
class AutohighlightResult(_Model):
    """A key phrase found by auto_highlights."""

    count: int
    rank: float
    text: str
    timestamps: List[Timestamp]


@model
class AutohighlightResponse(_Model):
    """The result of auto_highlights."""

    status: StatusResult
    results: Optional[List[AutohighlightResult]] = None


@model
class ContentSafetyLabelResult(_Model):
    """A sensitive topic of a flagged section."""

    label: ContentSafetyLabel
    confidence: float
    severity: Optional[float] = None


@model
class ContentSafetySeverityScore(_Model):
    """How severely a label is discussed over the whole audio."""

    low: float
    medium: float
    high: float


@model
class ContentSafetyResult(_Model):
    """A section flagged by content moderation."""

    text: str
    labels: List[ContentSafetyLabelResult]
    timestamp: Timestamp
    sentences_idx_start: Optional[int] = None
    sentences_idx_end: Optional[int] = None


@model
class ContentSafetyResponse(_Model):
    """The result of content_safety."""

    status: StatusResult
    results: Optional[List[ContentSafetyResult]] = None
    summary: Optional[Dict[ContentSafetyLabel, float]] = None
    severity_score_summary: Optional[Dict[ContentSafetyLabel, ContentSafetySeverityScore]] = None


@model
class IABLabelResult(_Model):
    """An IAB topic of a part of the transcript."""

    relevance: float
    label: str


@model
class IABResult(_Model):
    """The topics of one part of the transcript."""

    text: str
    labels: List[IABLabelResult]
    timestamp: Optional[Timestamp]


@model
class IABResponse(_Model):
    """The result of iab_categories (topic detection)."""

    status: StatusResult
    results: Optional[List[IABResult]] = None
    summary: Optional[Dict[str, float]] = None


@model
class Sentiment(Word):
    """The sentiment of one sentence."""

    sentiment: SentimentType = SentimentType.neutral


@model
class Entity(_Model):
    """An entity found by entity_detection."""

    entity_type: EntityType
    text: str
    start: int
    end: int


@model
class WordSearchMatch(_Model):
    """Where one searched word or phrase occurs."""

    text: str
    "The word itself"
    count: int
    "The total amount of times the word is in the transcript"
    timestamps: List[Tuple[int, int]]
    "An array of timestamps structured as [start_time, end_time]"
    indexes: List[int]
    "An array of all index locations for that word within the words array of the completed transcript"


@model
class Sentence(Word):
    """A sentence of the transcript, with its words."""

    words: List[Word] = field(default_factory=list)


@model
class Paragraph(Word):
    """A paragraph of the transcript, with its words."""

    words: List[Word] = field(default_factory=list)


@model
class RedactedAudioResponse(_Model):
    redacted_audio_url: str
    status: str


# --------------------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------------------


@model
class ListTranscriptParameters(_Model):
    """The filters of ``Transcriber.list_transcripts()``."""

    after_id: Optional[str] = None
    "Get transcripts that were created after this transcript ID"
    before_id: Optional[str] = None
    "Get transcripts that were created before this transcript ID"
    created_on: Optional[str] = None
    "Get only transcripts created on this date (YYYY-MM-DD)"
    limit: Optional[int] = None
    "Maximum amount of transcripts to retrieve. Default is 10"
    status: Optional[TranscriptStatus] = None
    "Filter by transcript status"
    throttled_only: Optional[bool] = None
    "Get only throttled transcripts, overrides the status filter"


@model
class PageDetails(_Model):
    """Details of a page of transcripts."""

    current_url: str
    limit: int
    result_count: int
    next_url: Optional[str] = None
    "The next URL always points to a page with newer transcripts."
    prev_url: Optional[str] = None
    "The previous URL always points to a page with older transcripts."
    _before_id_of_prev_url: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def before_id_of_prev_url(self) -> Optional[str]:
        """The ``before_id`` of ``prev_url``: set it as ``ListTranscriptParameters.before_id``
        to get the next older page (None when there is none)."""
        if self._before_id_of_prev_url is not None or not self.prev_url:
            return self._before_id_of_prev_url
        # A PageDetails built by the caller rather than read from the library.
        from urllib.parse import parse_qs, urlparse  # here, not at import: it costs ~1.5 ms

        values = parse_qs(urlparse(self.prev_url).query).get("before_id")
        return values[0] if values else None


@model
class TranscriptItem(_Model):
    """One transcript of a list page."""

    audio_url: str
    created: str
    id: str
    resource_url: str
    status: TranscriptStatus
    completed: Optional[str] = None
    error: Optional[str] = None


@model
class ListTranscriptResponse(_Model):
    """A page of transcripts, newest first, with its page details."""

    page_details: PageDetails
    transcripts: List[TranscriptItem]


# --------------------------------------------------------------------------------------
# LeMUR types
# --------------------------------------------------------------------------------------


@model
class LemurQuestion(_Model):
    """A question to ask LeMUR."""

    question: str
    context: Optional[Union[str, Dict[str, Any]]] = None
    answer_format: Optional[str] = None
    "How the answer should be given (cannot be used with answer_options)."
    answer_options: Optional[List[str]] = None
    "Discrete options to answer with (cannot be used with answer_format)."


@model
class LemurQuestionAnswer(_Model):
    """One answer of a question-answer request."""

    question: str
    answer: str


@model
class LemurUsage(_Model):
    """Token usage of a LeMUR request (None when the server did not say)."""

    input_tokens: Optional[int]
    output_tokens: Optional[int]


class _JSONResponse:
    _json: Optional[str]

    @property
    def json_response(self) -> Dict[str, Any]:
        "The whole response as the server sent it"
        return json.loads(self._json) if self._json else {}


@model
class LemurStringResponse(_Model, _JSONResponse):
    """A LeMUR response whose answer is text."""

    request_id: str
    usage: LemurUsage
    response: str
    _json: Optional[str] = field(default=None, repr=False, compare=False)


@model
class LemurTaskResponse(LemurStringResponse):
    """The result of a LeMUR task."""


@model
class LemurSummaryResponse(LemurStringResponse):
    """The result of a LeMUR summary."""


@model
class LemurActionItemsResponse(LemurStringResponse):
    """The result of a LeMUR action items request."""


@model
class LemurQuestionResponse(_Model, _JSONResponse):
    """The result of a LeMUR question-answer request."""

    request_id: str
    usage: LemurUsage
    response: List[LemurQuestionAnswer]
    _json: Optional[str] = field(default=None, repr=False, compare=False)


@model
class LemurPurgeResponse(_Model):
    """The result of purging a LeMUR request's data.

    ``request_id`` (the id of the purge request itself) is None: libassemblyai 0.1 reports
    only whether the data was deleted."""

    request_id: Optional[str]
    request_id_to_purge: str
    deleted: bool


# --------------------------------------------------------------------------------------
# Request options (1.x)
# --------------------------------------------------------------------------------------


@model
class SpeakerOptions(_Model):
    """Options for speaker diarization."""

    min_speakers_expected: Optional[int] = None
    max_speakers_expected: Optional[int] = None
    use_two_stage_clustering: Optional[bool] = None
    long_file_diarization_method: Optional[str] = None


@model
class LanguageDetectionOptions(_Model):
    """Options for automatic language detection."""

    expected_languages: Optional[List[str]] = None
    fallback_language: Optional[str] = None
    code_switching: Optional[bool] = None
    code_switching_confidence_threshold: Optional[float] = None
    on_low_language_confidence: Optional[str] = None


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

_INVALID = errors.InvalidArgumentError


def _json_default(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if _field_list(value) is not None:
        return _drop_none(_asdict(value))
    if hasattr(value, "dict") and callable(value.dict):
        return value.dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _to_json(value: Any) -> str:
    try:
        return json.dumps(value, default=_json_default, allow_nan=False, ensure_ascii=False)
    except ValueError as exc:  # NaN / infinity
        raise ValueError(f"config value cannot be sent as JSON: {exc}") from None


def _plain(value: Any) -> Any:
    """An enum member as its value; anything else unchanged."""
    return value.value if isinstance(value, enum.Enum) else value


def _c_strings(values: Sequence[Any], what: str) -> Tuple[Any, int]:
    items = [_ffi.encode(_plain(v), what) for v in values]
    array = (ctypes.c_char_p * max(1, len(items)))(*items)
    return array, len(items)


class RawTranscriptionConfig:
    """The request fields of a transcription, exactly as they are sent (without audio_url).

    Backed by an ``aai_config`` handle. Any field of the API can be set, including fields
    this package does not know: ``RawTranscriptionConfig(language_code="de", some_new_field=1)``,
    ``raw.some_new_field = 2``, ``raw["some_new_field"] = 2`` or ``raw.update({...})`` (a
    mapping, or JSON text of an object). Setting a field to None removes it. Values set here
    are sent as given (as the official SDK's pydantic model does); TranscriptionConfig's
    properties check them against the API spec.
    """

    def __init__(self, **fields: Any) -> None:
        handle = _ffi.new_handle(lib.aai_config_new, _ffi.ConfigP, lib.aai_config_free)
        object.__setattr__(self, "_handle", handle)
        if fields:
            self.update(fields)

    # -- writing ------------------------------------------------------------------------

    def update(self, fields: Union[Mapping[str, Any], str, bytes]) -> "RawTranscriptionConfig":
        """Merges fields in. A mapping's keys are Python field names or JSON keys; a str
        is JSON text of an object, passed to the library as is (a value of null removes a
        field). Invalid JSON raises InvalidArgumentError (a ValueError)."""
        if isinstance(fields, (str, bytes)):
            data = fields.encode("utf-8") if isinstance(fields, str) else fields
            if b"\0" in data:
                raise errors.InvalidArgumentError("config JSON must not contain NUL characters")
            _ffi.check(lib.aai_config_set_json(self._handle.ptr, data), errors.InvalidArgumentError)
            return self
        if not isinstance(fields, Mapping):
            raise TypeError(f"update() takes a mapping or JSON text, not {type(fields).__name__}")
        plain: Dict[str, Any] = {}
        for name, value in fields.items():
            key = CONFIG_FIELDS.get(name, name)
            if not isinstance(key, str) or not key:
                raise TypeError("config field names must be non-empty strings")
            if key in TYPED_SETTERS and self._set_typed(key, value):
                continue
            plain[key] = value
        if plain:
            self.update(_to_json(plain))
        return self

    def _set_typed(self, key: str, value: Any) -> bool:
        setter_name, kind = TYPED_SETTERS[key]
        setter = getattr(lib, setter_name)
        ptr = self._handle.ptr
        if kind == "str":
            if value is None:
                _ffi.check(setter(ptr, None), errors.InvalidArgumentError)
                return True
            if isinstance(value, str):
                _ffi.check(setter(ptr, _ffi.encode(_plain(value), key)), errors.InvalidArgumentError)
                return True
        elif kind == "bool" and isinstance(value, bool):
            _ffi.check(setter(ptr, 1 if value else 0), errors.InvalidArgumentError)
            return True
        return False  # anything else goes through JSON, as the caller gave it

    def _set_checked(self, key: str, value: Any) -> None:
        """Sets one field through the library's typed setter for it, which checks the value
        against the API spec; None removes the field. A value of another type than the
        field's is merged as JSON, as given (the server then judges it)."""
        ptr = self._handle.ptr
        k = key.encode()
        if value is None:
            _ffi.check(lib.aai_config_unset(ptr, k), _INVALID)
            return
        kind = FIELD_KINDS.get(key, "json")
        value = _plain(value)
        if kind == "bool" and isinstance(value, bool):
            _ffi.check(lib.aai_config_set_bool(ptr, k, 1 if value else 0), _INVALID)
        elif kind == "int" and isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63:
            _ffi.check(lib.aai_config_set_int(ptr, k, value), _INVALID)
        elif kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            _ffi.check(lib.aai_config_set_double(ptr, k, float(value)), _INVALID)
        elif kind == "str" and isinstance(value, str):
            _ffi.check(lib.aai_config_set_string(ptr, k, _ffi.encode(value, key)), _INVALID)
        elif kind == "strs" and isinstance(value, (list, tuple)) and all(isinstance(_plain(v), str) for v in value):
            array, count = _c_strings(value, key)
            _ffi.check(lib.aai_config_set_strings(ptr, k, array, count), _INVALID)
        else:
            self.update(_to_json({key: value}))

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            raise AttributeError(f"cannot set {name!r} on RawTranscriptionConfig")
        self.update({name: value})

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __delitem__(self, key: str) -> None:
        self.update({key: None})

    # -- reading ------------------------------------------------------------------------

    def json(self) -> str:
        """The fields as the JSON object that will be sent."""
        out = ctypes.c_void_p()
        _ffi.check(lib.aai_config_to_json(self._handle.ptr, ctypes.byref(out)))
        return _ffi.take_string(out) or "{}"

    def dict(self, exclude_none: bool = True, **_: Any) -> Dict[str, Any]:
        """The fields as a dict (JSON keys). With exclude_none=False, every known field is
        present, None when unset (as pydantic's dict() in the official SDK)."""
        data = json.loads(self.json())
        if not isinstance(data, dict):
            raise errors.AssemblyAIError("libassemblyai returned a config that is not a JSON object")
        if not exclude_none:
            full: Dict[str, Any] = {key: None for key in CONFIG_FIELDS.values()}
            full.update(data)
            return full
        return {k: v for k, v in data.items() if v is not None}

    def validate(self) -> None:
        """Checks the rules that span fields (audio_end_at after audio_start_from, redact_pii
        with a policy, ...), as submitting does; raises InvalidArgumentError."""
        _ffi.check(lib.aai_config_validate(self._handle.ptr), _INVALID)

    _handle: _ffi.Handle

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        key = CONFIG_FIELDS.get(name, name)
        data = self.dict()
        if key in data:
            return data[key]
        if name in CONFIG_FIELDS:
            return None
        raise AttributeError(f"'RawTranscriptionConfig' has no field {name!r}")

    def __getitem__(self, key: str) -> Any:
        return self.dict()[CONFIG_FIELDS.get(key, key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and CONFIG_FIELDS.get(key, key) in self.dict()

    def __iter__(self) -> Iterator[str]:
        return iter(self.dict())

    def copy(self) -> "RawTranscriptionConfig":
        other = RawTranscriptionConfig()
        other.update(self.json())
        return other

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RawTranscriptionConfig):
            return self.dict() == other.dict()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RawTranscriptionConfig({self.json()})"


def _custom_spelling_to_api(replacement: Optional[Mapping[str, Union[str, Sequence[str]]]]) -> Optional[List[Dict[str, Any]]]:
    """{"to": "from" or ["from", ...]} (the official SDK's form) -> the API's list."""
    if replacement is None:
        return None
    if not isinstance(replacement, Mapping):
        return list(replacement)  # already in the API's form
    out = []
    for to, from_ in replacement.items():
        out.append({"from": [from_] if isinstance(from_, str) else list(from_), "to": to})
    return out


_UNSET: Any = object()


class TranscriptionConfig:
    """Transcription options (the API's TranscriptParams), as in the official SDK.

    Takes the official SDK's keyword arguments (and the 0.37 ones positionally, in its order).
    Each is a read/write property; None means "not set" (not sent). Values are checked by
    libassemblyai against the API spec as they are set (a bad value raises
    InvalidArgumentError, a ValueError, naming the field). The ``set_*`` helpers work as in the
    official SDK. Fields the package does not know yet can be set through
    ``raw_transcription_config`` / the ``raw`` property, a :class:`RawTranscriptionConfig`,
    which is what is sent::

        config = TranscriptionConfig(speaker_labels=True)
        config.raw["some_new_field"] = True        # or config.raw.update({...})

    Unlike the official SDK, arguments left at None do not clear a value that
    ``raw_transcription_config`` brings.
    """

    _raw: RawTranscriptionConfig

    # Properties generated from CONFIG_FIELDS (annotated here for type checkers).
    language_code: Optional[Union[str, LanguageCode]]
    punctuate: Optional[bool]
    format_text: Optional[bool]
    dual_channel: Optional[bool]
    multichannel: Optional[bool]
    webhook_url: Optional[str]
    webhook_auth_header_name: Optional[str]
    webhook_auth_header_value: Optional[str]
    audio_start_from: Optional[int]
    audio_end_at: Optional[int]
    word_boost: Optional[List[str]]
    boost_param: Optional[Union[str, WordBoost]]
    filter_profanity: Optional[bool]
    redact_pii: Optional[bool]
    redact_pii_audio: Optional[bool]
    redact_pii_audio_quality: Optional[Union[str, PIIRedactedAudioQuality]]
    redact_pii_policies: Optional[List[Union[str, PIIRedactionPolicy]]]
    redact_pii_sub: Optional[Union[str, PIISubstitutionPolicy]]
    speaker_labels: Optional[bool]
    speakers_expected: Optional[int]
    content_safety: Optional[bool]
    content_safety_confidence: Optional[int]
    iab_categories: Optional[bool]
    custom_spelling: Optional[Dict[str, Union[str, List[str]]]]
    disfluencies: Optional[bool]
    sentiment_analysis: Optional[bool]
    auto_chapters: Optional[bool]
    entity_detection: Optional[bool]
    summarization: Optional[bool]
    summary_model: Optional[Union[str, SummarizationModel]]
    summary_type: Optional[Union[str, SummarizationType]]
    auto_highlights: Optional[bool]
    language_detection: Optional[bool]
    language_confidence_threshold: Optional[float]
    speech_threshold: Optional[float]
    speech_model: Optional[Union[str, SpeechModel]]
    language_codes: Optional[List[str]]
    redact_pii_audio_options: Optional[Dict[str, Any]]
    redact_pii_return_unredacted: Optional[bool]
    speaker_options: Optional[Dict[str, Any]]
    language_detection_options: Optional[Dict[str, Any]]
    speech_models: Optional[List[str]]
    prompt: Optional[str]
    temperature: Optional[float]
    remove_audio_tags: Optional[str]
    keyterms_prompt: Optional[List[str]]
    keyterms_prompt_options: Optional[Dict[str, Any]]
    speech_understanding: Optional[Dict[str, Any]]
    domain: Optional[str]
    topics: Optional[List[str]]
    custom_topics: Optional[bool]

    if TYPE_CHECKING:  # the signature type checkers see (the official SDK's)

        def __init__(
            self,
            language_code: Optional[Union[str, LanguageCode]] = None,
            punctuate: Optional[bool] = None,
            format_text: Optional[bool] = None,
            dual_channel: Optional[bool] = None,
            multichannel: Optional[bool] = None,
            webhook_url: Optional[str] = None,
            webhook_auth_header_name: Optional[str] = None,
            webhook_auth_header_value: Optional[str] = None,
            audio_start_from: Optional[int] = None,
            audio_end_at: Optional[int] = None,
            word_boost: Optional[List[str]] = None,
            boost_param: Optional[Union[str, WordBoost]] = None,
            filter_profanity: Optional[bool] = None,
            redact_pii: Optional[bool] = None,
            redact_pii_audio: Optional[bool] = None,
            redact_pii_audio_quality: Optional[Union[str, PIIRedactedAudioQuality]] = None,
            redact_pii_policies: Optional[Sequence[Union[str, PIIRedactionPolicy]]] = None,
            redact_pii_sub: Optional[Union[str, PIISubstitutionPolicy]] = None,
            speaker_labels: Optional[bool] = None,
            speakers_expected: Optional[int] = None,
            content_safety: Optional[bool] = None,
            content_safety_confidence: Optional[int] = None,
            iab_categories: Optional[bool] = None,
            custom_spelling: Optional[Mapping[str, Union[str, Sequence[str]]]] = None,
            disfluencies: Optional[bool] = None,
            sentiment_analysis: Optional[bool] = None,
            auto_chapters: Optional[bool] = None,
            entity_detection: Optional[bool] = None,
            summarization: Optional[bool] = None,
            summary_model: Optional[Union[str, SummarizationModel]] = None,
            summary_type: Optional[Union[str, SummarizationType]] = None,
            auto_highlights: Optional[bool] = None,
            language_detection: Optional[bool] = None,
            language_confidence_threshold: Optional[float] = None,
            speech_threshold: Optional[float] = None,
            raw_transcription_config: Optional[Union[RawTranscriptionConfig, Mapping[str, Any], str]] = None,
            speech_model: Optional[Union[str, SpeechModel]] = None,
            *,
            language_codes: Optional[List[str]] = None,
            redact_pii_audio_options: Optional[Union[RedactPiiAudioOptions, Mapping[str, Any]]] = None,
            redact_pii_return_unredacted: Optional[bool] = None,
            speaker_options: Optional[Union[SpeakerOptions, Mapping[str, Any]]] = None,
            language_detection_options: Optional[Union[LanguageDetectionOptions, Mapping[str, Any]]] = None,
            speech_models: Optional[List[str]] = None,
            prompt: Optional[str] = None,
            temperature: Optional[float] = None,
            remove_audio_tags: Optional[str] = None,
            keyterms_prompt: Optional[List[str]] = None,
            keyterms_prompt_options: Optional[Union[KeytermsPromptOptions, Mapping[str, Any]]] = None,
            speech_understanding: Optional[Union[SpeechUnderstandingRequest, Mapping[str, Any]]] = None,
            domain: Optional[str] = None,
            topics: Optional[List[str]] = None,
            custom_topics: Optional[bool] = None,
        ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[no-redef]
        if len(args) > len(_POSITIONAL):
            raise TypeError(f"TranscriptionConfig takes at most {len(_POSITIONAL)} positional arguments")
        for name, value in zip(_POSITIONAL, args):
            if name in kwargs:
                raise TypeError(f"TranscriptionConfig got multiple values for argument {name!r}")
            kwargs[name] = value
        raw_config = kwargs.pop("raw_transcription_config", None)
        for name in kwargs:
            if name not in CONFIG_FIELDS:
                raise TypeError(
                    f"TranscriptionConfig got an unexpected keyword argument {name!r} "
                    f"(set fields this package does not know through raw_transcription_config)"
                )

        if isinstance(raw_config, RawTranscriptionConfig):
            raw = raw_config
        else:
            raw = RawTranscriptionConfig()
            if raw_config is not None:
                raw.update(raw_config)
        object.__setattr__(self, "_raw", raw)
        self._apply(kwargs)

    def _apply(self, kw: Dict[str, Any]) -> None:
        """Sets the constructor's arguments in the official SDK's order, each field through its
        setter or helper. A group whose arguments are all None (or absent) is left alone, so
        that values from raw_transcription_config stay."""

        def given(*names: str) -> bool:
            return any(kw.get(n) is not None for n in names)

        def simple(*names: str) -> None:
            for n in names:
                if kw.get(n) is not None:
                    setattr(self, n, kw[n])

        simple("language_code", "language_codes", "punctuate", "format_text", "dual_channel", "multichannel")
        if given("webhook_url", "webhook_auth_header_name", "webhook_auth_header_value"):
            self.set_webhook(kw.get("webhook_url"), kw.get("webhook_auth_header_name"),
                             kw.get("webhook_auth_header_value"))
        if given("audio_start_from", "audio_end_at"):
            self.set_audio_slice(kw.get("audio_start_from"), kw.get("audio_end_at"))
        if kw.get("word_boost") is not None or kw.get("boost_param") is not None:
            self.set_word_boost(kw.get("word_boost") or [], kw.get("boost_param"))
        simple("filter_profanity")
        if given("redact_pii", "redact_pii_audio", "redact_pii_audio_quality", "redact_pii_policies",
                 "redact_pii_sub", "redact_pii_audio_options", "redact_pii_return_unredacted"):
            self.set_redact_pii(kw.get("redact_pii"), kw.get("redact_pii_audio"), kw.get("redact_pii_audio_quality"),
                                kw.get("redact_pii_policies"), kw.get("redact_pii_sub"),
                                redact_audio_options=kw.get("redact_pii_audio_options"),
                                return_unredacted=kw.get("redact_pii_return_unredacted"))
        if given("speaker_labels", "speakers_expected", "speaker_options"):
            self.set_speaker_diarization(kw.get("speaker_labels"), kw.get("speakers_expected"),
                                         kw.get("speaker_options"))
        if given("content_safety", "content_safety_confidence"):
            self.set_content_safety(kw.get("content_safety"), kw.get("content_safety_confidence"))
        simple("iab_categories")
        if kw.get("custom_spelling") is not None:
            self.set_custom_spelling(kw["custom_spelling"], override=True)
        simple("disfluencies", "sentiment_analysis", "auto_chapters", "entity_detection")
        if given("summarization", "summary_model", "summary_type"):
            self.set_summarize(kw.get("summarization"), kw.get("summary_model"), kw.get("summary_type"))
        simple("auto_highlights", "language_detection", "language_confidence_threshold",
               "language_detection_options", "speech_threshold", "speech_model", "speech_models", "prompt",
               "temperature", "remove_audio_tags", "keyterms_prompt", "keyterms_prompt_options",
               "speech_understanding", "domain", "topics", "custom_topics")

    @property
    def raw(self) -> RawTranscriptionConfig:
        """The fields as sent; set unknown fields here."""
        return self._raw

    def _get(self, key: str) -> Any:
        return self._raw.dict().get(key)

    def _set(self, key: str, value: Any) -> None:
        self._raw._set_checked(key, value)

    def _call(self, status: int) -> None:
        _ffi.check(status, _INVALID)

    def validate(self) -> None:
        """Checks the rules that span fields, as submitting does (raises InvalidArgumentError)."""
        self._raw.validate()

    # -- the official SDK's helpers -----------------------------------------------------

    def set_casing_and_formatting(self: _T, enable: bool = True) -> _T:
        """Enable or disable Automatic Punctuation and Text Formatting together."""
        self._call(lib.aai_config_set_casing_and_formatting(self._raw._handle.ptr, 1 if enable else 0))
        return self

    def set_speaker_diarization(self: _T, enable: Optional[bool] = True, speakers_expected: Optional[int] = None,
                                speaker_options: Optional[Union[SpeakerOptions, Mapping[str, Any]]] = None) -> _T:
        """Speaker Diarization, with the number of speakers expected and speaker options.
        ``enable=False`` removes all three; ``enable=None`` sets only the values given."""
        if enable is False:
            for key in ("speaker_labels", "speakers_expected", "speaker_options"):
                self._set(key, None)
            return self
        if enable is True and isinstance(speakers_expected, int) and not isinstance(speakers_expected, bool) \
                and 1 <= speakers_expected < 2**31:
            self._call(lib.aai_config_set_speaker_diarization(self._raw._handle.ptr, 1, speakers_expected))
        else:
            if speakers_expected is not None:
                self._set("speakers_expected", speakers_expected)
            if enable is True:
                self._set("speaker_labels", True)
        if speaker_options is not None:
            self._set("speaker_options", speaker_options)
        return self

    def set_webhook(self: _T, url: Optional[str], auth_header_name: Optional[str] = None,
                    auth_header_value: Optional[str] = None) -> _T:
        """A webhook called on completion, optionally with an auth header (name and value).
        ``url=None`` removes the webhook fields."""
        ptr = self._raw._handle.ptr
        if url is None:
            self._call(lib.aai_config_set_webhook(ptr, None, None, None))
        elif auth_header_name and auth_header_value:
            self._call(lib.aai_config_set_webhook(ptr, _ffi.encode(url, "url"),
                                                  _ffi.encode(auth_header_name, "auth_header_name"),
                                                  _ffi.encode(auth_header_value, "auth_header_value")))
        else:
            self._set("webhook_url", url)
        return self

    def set_audio_slice(self: _T, start: Optional[int] = None, end: Optional[int] = None) -> _T:
        """Transcribe only from ``start`` to ``end`` (milliseconds; None leaves that end open).
        ``end`` must be after ``start``."""
        for name, value in (("start", start), ("end", end)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"set_audio_slice: {name} must be an int (milliseconds) or None")
        self._call(lib.aai_config_set_audio_slice(self._raw._handle.ptr, -1 if start is None else start,
                                                  -1 if end is None else end))
        return self

    def set_word_boost(self: _T, words: Sequence[str],
                       boost: Optional[Union[str, WordBoost]] = WordBoost.default) -> _T:
        """Boost custom vocabulary, with a boost weight; an empty list removes word boost."""
        array, count = _c_strings(list(words or []), "word_boost")
        b = None if boost is None else _ffi.encode(_plain(boost), "boost_param")
        self._call(lib.aai_config_set_word_boost(self._raw._handle.ptr, array, count, b))
        return self

    def set_redact_pii(
        self: _T,
        enable: Optional[bool] = True,
        redact_audio: Optional[bool] = None,
        redact_audio_quality: Optional[Union[str, PIIRedactedAudioQuality]] = None,
        policies: Optional[Sequence[Union[str, PIIRedactionPolicy]]] = None,
        substitution: Optional[Union[str, PIISubstitutionPolicy]] = None,
        *,
        redact_audio_options: Optional[Union[RedactPiiAudioOptions, Mapping[str, Any]]] = None,
        return_unredacted: Optional[bool] = None,
    ) -> _T:
        """PII Redaction with its policies (at least one), substitution and redacted audio.
        ``enable=False`` removes every redaction field."""
        ptr = self._raw._handle.ptr
        if not enable:
            self._call(lib.aai_config_set_redact_pii(ptr, 0, None, 0, None, -1, None))
            self._set("redact_pii_audio_options", None)
            self._set("redact_pii_return_unredacted", None)
            return self
        if not policies:
            raise errors.InvalidArgumentError("You must provide at least one PII redaction policy.")
        array, count = _c_strings(list(policies), "policies")
        self._call(lib.aai_config_set_redact_pii(
            ptr, 1, array, count,
            None if substitution is None else _ffi.encode(_plain(substitution), "substitution"),
            -1 if redact_audio is None else (1 if redact_audio else 0),
            None if redact_audio_quality is None else _ffi.encode(_plain(redact_audio_quality), "redact_audio_quality")))
        self._set("redact_pii_audio_options", redact_audio_options)
        self._set("redact_pii_return_unredacted", return_unredacted)
        return self

    def set_content_safety(self: _T, enable: Optional[bool] = True,
                           content_safety_confidence: Optional[int] = None) -> _T:
        """Content Safety Detection, with the minimum confidence of a label (25 to 100)."""
        if not enable:
            self._set("content_safety", None)
            self._set("content_safety_confidence", None)
            return self
        c = content_safety_confidence
        if c is None or (isinstance(c, int) and not isinstance(c, bool) and c != 0 and -2**31 <= c < 2**31):
            self._call(lib.aai_config_set_content_safety(self._raw._handle.ptr, 1, c or 0))
        else:  # 0 or another type: the typed setter judges it
            self._set("content_safety_confidence", c)
            self._set("content_safety", True)
        return self

    def set_summarize(self: _T, enable: Optional[bool] = True,
                      model: Optional[Union[str, SummarizationModel]] = None,
                      type: Optional[Union[str, SummarizationType]] = None) -> _T:
        """Summarization with its model and type. Needs punctuate and format_text not disabled."""
        ptr = self._raw._handle.ptr
        if not enable:
            self._call(lib.aai_config_set_summarization(ptr, 0, None, None))
            return self
        if self.punctuate is False:
            raise errors.InvalidArgumentError("If `summarization` is enabled, then `punctuate` must not be disabled")
        if self.format_text is False:
            raise errors.InvalidArgumentError("If `summarization` is enabled, then `format_text` must not be disabled")
        self._call(lib.aai_config_set_summarization(
            ptr, 1, None if model is None else _ffi.encode(_plain(model), "model"),
            None if type is None else _ffi.encode(_plain(type), "type")))
        return self

    def set_custom_spelling(self: _T, replacement: Optional[Mapping[str, Union[str, Sequence[str]]]],
                            override: bool = True) -> _T:
        """Customize how words are spelled: ``{"to": "from" or ["from", ...]}``. With
        ``override=False`` the rules are added to the existing ones; None removes them all."""
        ptr = self._raw._handle.ptr
        if replacement is None:
            self._set("custom_spelling", None)
            return self
        if not isinstance(replacement, Mapping):
            self._set("custom_spelling", list(replacement))  # already in the API's form
            return self
        rules = []
        for to, from_ in replacement.items():
            words = [from_] if isinstance(from_, str) else list(from_)
            rules.append((_c_strings(words, "custom_spelling from"), _ffi.encode(to, "custom_spelling to")))
        if override:
            self._set("custom_spelling", None)
        for (array, count), to_bytes in rules:
            self._call(lib.aai_config_add_custom_spelling(ptr, array, count, to_bytes))
        return self

    def set_language_detection(
        self: _T,
        enable: Optional[bool] = True,
        confidence_threshold: Optional[float] = None,
        expected_languages: Optional[List[str]] = None,
        fallback_language: Optional[str] = None,
        on_low_language_confidence: Optional[str] = None,
    ) -> _T:
        """Automatic Language Detection with its options (1.x)."""
        if not enable:
            for key in ("language_detection", "language_confidence_threshold", "language_detection_options"):
                self._set(key, None)
            return self
        self._set("language_confidence_threshold", confidence_threshold)
        self._set("language_detection", True)
        if expected_languages or fallback_language or on_low_language_confidence:
            self._set("language_detection_options", LanguageDetectionOptions(
                expected_languages=expected_languages, fallback_language=fallback_language,
                on_low_language_confidence=on_low_language_confidence))
        return self

    # -- plumbing -----------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        prop = getattr(type(self), name, None)
        if isinstance(prop, property) and prop.fset is not None:
            prop.fset(self, value)
            return
        raise AttributeError(
            f"TranscriptionConfig has no field {name!r} (set unknown fields through config.raw)"
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TranscriptionConfig):
            return self._raw == other._raw
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TranscriptionConfig({self._raw.json()})"


def _field_property(key: str) -> property:
    def fget(self: TranscriptionConfig) -> Any:
        return self._get(key)

    def fset(self: TranscriptionConfig, value: Any) -> None:
        self._set(key, value)

    return property(fget, fset, doc=f"The request field {key!r} (None: not set).")


def _custom_spelling_get(self: TranscriptionConfig) -> Optional[Dict[str, Union[str, List[str]]]]:
    value = self._get("custom_spelling")
    if not value:
        return None
    out: Dict[str, Union[str, List[str]]] = {}
    for item in value:
        if isinstance(item, Mapping):
            to = item.get("to")
            if not isinstance(to, str):
                raise ValueError("`to` argument must be a string!")
            out[to] = item.get("from")  # type: ignore[assignment]
    return out or None


def _custom_spelling_set(self: TranscriptionConfig, value: Any) -> None:
    self.set_custom_spelling(value)


def _auto_chapters_set(self: TranscriptionConfig, enable: Optional[bool]) -> None:
    if enable and self.punctuate is False:
        raise errors.InvalidArgumentError("If `auto_chapters` is enabled, then `punctuate` must not be disabled")
    self._set("auto_chapters", enable)


for _name, _key in CONFIG_FIELDS.items():
    setattr(TranscriptionConfig, _name, _field_property(_key))
TranscriptionConfig.custom_spelling = property(  # type: ignore[assignment]
    _custom_spelling_get, _custom_spelling_set,
    doc="Custom spellings as {to: from}, as in the official SDK (the API's list is in config.raw).",
)
TranscriptionConfig.auto_chapters = property(  # type: ignore[assignment]
    lambda self: self._get("auto_chapters"), _auto_chapters_set, doc="Enable Auto Chapters.")
del _name, _key


__all__ = [
    "AssemblyAIError",
    "TranscriptError",
    "LemurError",
    "RedactedAudioIncompleteError",
    "RedactedAudioExpiredError",
    "RedactedAudioUnavailableError",
    "Settings",
    "TranscriptStatus",
    "LanguageCode",
    "WordBoost",
    "PIIRedactedAudioQuality",
    "EntityType",
    "PIIRedactionPolicy",
    "PIISubstitutionPolicy",
    "SummarizationModel",
    "SummarizationType",
    "SpeechModel",
    "ContentSafetyLabel",
    "StatusResult",
    "SentimentType",
    "SpeakerType",
    "LemurModel",
    "LemurSourceType",
    "Word",
    "UtteranceWord",
    "Utterance",
    "Chapter",
    "Timestamp",
    "AutohighlightResult",
    "AutohighlightResponse",
    "ContentSafetyLabelResult",
    "ContentSafetySeverityScore",
    "ContentSafetyResult",
    "ContentSafetyResponse",
    "IABLabelResult",
    "IABResult",
    "IABResponse",
    "Sentiment",
    "Entity",
    "WordSearchMatch",
    "Sentence",
    "Paragraph",
    "RedactedAudioResponse",
    "ListTranscriptParameters",
    "PageDetails",
    "TranscriptItem",
    "ListTranscriptResponse",
    "LemurQuestion",
    "LemurQuestionAnswer",
    "LemurUsage",
    "LemurStringResponse",
    "LemurTaskResponse",
    "LemurSummaryResponse",
    "LemurActionItemsResponse",
    "LemurQuestionResponse",
    "LemurPurgeResponse",
    "SpeakerOptions",
    "LanguageDetectionOptions",
    "KeytermsPromptOptions",
    "RedactPiiAudioOptions",
    "SpeakerIdentificationRequest",
    "TranslationRequest",
    "CustomFormattingRequest",
    "SpeechUnderstandingFeatureRequests",
    "SpeechUnderstandingRequest",
    "CONFIG_FIELDS",
    "RawTranscriptionConfig",
    "TranscriptionConfig",
]
