"""Result types of a transcript: words, utterances, chapters, audio intelligence, ..."""

from __future__ import annotations

from .._model import field, model

from .enums import ContentSafetyLabel, EntityType, SentimentType, StatusResult
from ._base import _Model

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple


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


@model
class TranscriptWarning(_Model):
    "A warning about the transcription."

    message: str
    "The warning message."


@model
class TranscriptMetadata(_Model):
    "Metadata returned from the transcription API."

    domain_used: Optional[str] = None
    "The domain that was actually used for the transcription."
    warning: Optional[str] = None
    "An optional warning message, if applicable."
    warnings: Optional[List[TranscriptWarning]] = None
    "A list of warnings about the transcription."


@model
class CodeSwitchingLanguage(_Model):
    "A language detected with code switching."

    language_code: str
    "The language code detected"
    confidence: float
    "The confidence score for this language detection, between 0.0 and 1.0"


@model
class LanguageDetectionResults(_Model):
    "Language detection results including code switching languages"

    code_switching_languages: Optional[List[CodeSwitchingLanguage]] = None
    "List of detected languages with confidence scores when code switching is enabled"

