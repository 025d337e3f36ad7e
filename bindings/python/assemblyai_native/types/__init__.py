"""Public types of assemblyai_native: enums, result types, request options, TranscriptionConfig.

Names, fields and behaviour follow the official ``assemblyai`` SDK (``assemblyai.types``). One module
a kind: enums, results, listing, lemur, options, raw_config, config; _base holds what they share and
_fields the request fields' table. This package re-exports them all, so ``assemblyai_native.types.X`` is every name."""

from __future__ import annotations

from .._settings import Settings
from ..errors import (AssemblyAIError, LemurError, LLMGatewayError, RedactedAudioExpiredError,
                      RedactedAudioIncompleteError, RedactedAudioUnavailableError, TranscriptError)
from .enums import (  # noqa: F401
    ContentSafetyLabel, EntityType, LanguageCode, LemurModel, LemurSourceType,
    PIIRedactedAudioQuality, PIIRedactionPolicy, PIISubstitutionPolicy, SentimentType, SpeakerType,
    SpeechModel, StatusResult, SummarizationModel, SummarizationType, TranscriptStatus, WordBoost,
)
from .results import (  # noqa: F401
    AutohighlightResponse, AutohighlightResult, Chapter, ContentSafetyLabelResult,
    ContentSafetyResponse, ContentSafetyResult, ContentSafetySeverityScore, Entity, IABLabelResult,
    IABResponse, IABResult, Paragraph, RedactedAudioResponse, Sentence, Sentiment, Timestamp,
    Utterance, UtteranceWord, Word, WordSearchMatch,
    TranscriptWarning, TranscriptMetadata, CodeSwitchingLanguage, LanguageDetectionResults,
)
from .listing import (  # noqa: F401
    ListTranscriptParameters, ListTranscriptResponse, PageDetails, TranscriptItem,
)
from .lemur import (  # noqa: F401
    LemurActionItemsResponse, LemurPurgeResponse, LemurQuestion, LemurQuestionAnswer,
    LemurQuestionResponse, LemurStringResponse, LemurSummaryResponse, LemurTaskResponse,
    LemurUsage,
)
from .options import (  # noqa: F401
    CustomFormattingRequest, KeytermsPromptOptions, LanguageDetectionOptions,
    RedactPiiAudioOptions, SpeakerIdentificationRequest, SpeakerOptions,
    SpeechUnderstandingFeatureRequests, SpeechUnderstandingRequest, TranslationRequest,
)
from ._fields import (  # noqa: F401
    CONFIG_FIELDS, FIELD_KINDS, TYPED_SETTERS,
)
from .raw_config import (  # noqa: F401
    RawTranscriptionConfig,
)
from .config import (  # noqa: F401
    TranscriptionConfig,
)

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
    "TranscriptWarning",
    "TranscriptMetadata",
    "CodeSwitchingLanguage",
    "LanguageDetectionResults",
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
    # The error classes 1.8.2's assemblyai.types also holds (SyncTranscriptError on first use:
    # its module needs the library's Sync API layer, which importing types must not load).
    "LLMGatewayError",
    "SyncTranscriptError",
]


def __getattr__(name: str) -> object:
    if name == "SyncTranscriptError":
        from ..sync.v1.models import SyncTranscriptError

        return SyncTranscriptError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
