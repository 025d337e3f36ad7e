"""assemblyai_native: the AssemblyAI Python SDK's API on top of libassemblyai (ctypes).

Use it in place of the official package::

    import assemblyai_native as aai

    aai.settings.api_key = "..."
    transcript = aai.Transcriber().transcribe("./audio.wav")
    print(transcript.text)

Importing raises ImportError when libassemblyai cannot be found or is too old; the message
says what to install or set.
"""

from __future__ import annotations

from . import _ffi
from .__version__ import __version__
from ._settings import Settings, settings
from .errors import (
    AssemblyAIError,
    AudioFileError,
    AudioFileNotFoundError,
    InvalidArgumentError,
    LemurError,
    LLMGatewayError,
    NotImplementedByLibraryError,
    RedactedAudioExpiredError,
    RedactedAudioIncompleteError,
    RedactedAudioUnavailableError,
    TranscriptError,
)
from .transcriber import Transcriber, Transcript, TranscriptGroup
from .types import (
    AutohighlightResponse,
    AutohighlightResult,
    Chapter,
    ContentSafetyLabel,
    ContentSafetyLabelResult,
    ContentSafetyResponse,
    ContentSafetyResult,
    ContentSafetySeverityScore,
    CustomFormattingRequest,
    Entity,
    EntityType,
    IABLabelResult,
    IABResponse,
    IABResult,
    KeytermsPromptOptions,
    LanguageCode,
    LanguageDetectionOptions,
    LemurActionItemsResponse,
    LemurModel,
    LemurPurgeResponse,
    LemurQuestion,
    LemurQuestionAnswer,
    LemurQuestionResponse,
    LemurSourceType,
    LemurStringResponse,
    LemurSummaryResponse,
    LemurTaskResponse,
    LemurUsage,
    ListTranscriptParameters,
    ListTranscriptResponse,
    PageDetails,
    Paragraph,
    PIIRedactedAudioQuality,
    PIIRedactionPolicy,
    PIISubstitutionPolicy,
    RawTranscriptionConfig,
    RedactedAudioResponse,
    RedactPiiAudioOptions,
    Sentence,
    Sentiment,
    SentimentType,
    SpeakerIdentificationRequest,
    SpeakerOptions,
    SpeakerType,
    SpeechModel,
    SpeechUnderstandingFeatureRequests,
    SpeechUnderstandingRequest,
    StatusResult,
    SummarizationModel,
    SummarizationType,
    Timestamp,
    TranscriptionConfig,
    TranscriptItem,
    TranscriptStatus,
    TranslationRequest,
    Utterance,
    UtteranceWord,
    Word,
    WordBoost,
    WordSearchMatch,
)
# Streaming, LeMUR, the LLM Gateway and the extras are imported on first use (PEP 562
# __getattr__ below): together with what they import (datetime, concurrent.futures, wave)
# they would add several ms to every import, also for programs that never use them.
_LAZY_MODULES = {
    "lemur": ("Lemur", "LemurSource", "LemurTranscriptSource"),
    "realtime": (
        "AudioEncoding", "RealtimeError", "RealtimeErrorMapping", "RealtimeFinalTranscript",
        "RealtimeMessageTypes", "RealtimePartialTranscript", "RealtimeSessionInformation",
        "RealtimeSessionOpened", "RealtimeTranscriber", "RealtimeTranscript", "RealtimeWord",
    ),
    "llm_gateway": (
        "LLMGateway", "LLMGatewayMessage", "LLMGatewayResponse", "LLMGatewayTool",
        "LLMGatewayToolCall", "LLMGatewayUnderstandingResponse", "LLMGatewayUsage",
        # Streamed completions and 1.8.2's chat.completions.create() answer.
        "LLMGatewayStream", "LLMGatewayChatCompletion", "LLMGatewayChoice", "LLMGatewayResponseMessage",
        "LLMGatewayCompletionChunk", "LLMGatewayChunkChoice", "LLMGatewayChunkDelta",
    ),
    "extras": ("extras",),
    # The Sync and Dictation APIs (sync/v1, dictation/v1).
    "sync.v1": (
        "AsyncLiveSession", "AsyncSyncTranscriber", "LiveSession", "SyncSpeechModel", "SyncTranscriber",
        "SyncTranscriptError", "SyncTranscriptionConfig", "SyncTranscriptResponse", "SyncWord",
    ),
    "dictation.v1": (
        "AsyncDictationLiveSession", "AsyncDictationTranscriber", "DictationConfig", "DictationError",
        "DictationLiveSession", "DictationResponse", "DictationRewriteMode", "DictationTranscriber", "DictationWord",
    ),
    "tts": (
        "AsyncTextToSpeech", "AsyncTTSStream", "TextToSpeech", "TTSConfig", "TTSContainer", "TTSEncoding",
        "TTSError", "TTSResponse", "TTSResponseInfo", "TTSStream", "TTSWord",
        "AsyncTTSSession", "TTSSession", "TTSAudioEvent", "TTSBeginEvent", "TTSCancelledEvent", "TTSEvents",
        "TTSFlushDoneEvent", "TTSTerminationEvent", "TTSWordBoundariesEvent",
    ),
    # asyncio (as 1.8.2): pre-recorded transcription and the client the async classes share.
    "prerecorded.v2": ("AsyncTranscriber", "AsyncTranscript"),
    "_async_client": ("AsyncClient",),
    # The LLM Gateway at 1.8.2's path (llm_gateway.v1): its asyncio client and the names only v1 has.
    "llm_gateway.v1": ("AsyncLLMGateway", "AsyncLLMGatewayStream", "LLMGatewayMessageParam", "LLMGatewayModel",
                       "LLMGatewayModelList"),
}
_LAZY = {name: module for module, names in _LAZY_MODULES.items() for name in names}

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:  # what the names above are, for type checkers and IDEs
    from typing import Any, List

    from . import extras
    from .lemur import Lemur, LemurSource, LemurTranscriptSource
    from .llm_gateway import (
        LLMGateway,
        LLMGatewayMessage,
        LLMGatewayResponse,
        LLMGatewayTool,
        LLMGatewayToolCall,
        LLMGatewayUnderstandingResponse,
        LLMGatewayUsage,
        LLMGatewayStream,
        LLMGatewayChatCompletion,
        LLMGatewayChoice,
        LLMGatewayResponseMessage,
        LLMGatewayCompletionChunk,
        LLMGatewayChunkChoice,
        LLMGatewayChunkDelta,
    )
    from .llm_gateway.v1 import (
        AsyncLLMGateway,
        AsyncLLMGatewayStream,
        LLMGatewayMessageParam,
        LLMGatewayModel,
        LLMGatewayModelList,
    )
    from .realtime import (
        AudioEncoding,
        RealtimeError,
        RealtimeErrorMapping,
        RealtimeFinalTranscript,
        RealtimeMessageTypes,
        RealtimePartialTranscript,
        RealtimeSessionInformation,
        RealtimeSessionOpened,
        RealtimeTranscriber,
        RealtimeTranscript,
        RealtimeWord,
    )


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module = importlib.import_module(f"{__name__}.{module_name}")
    value = module if name == module_name else getattr(module, name)
    globals()[name] = value  # later lookups do not come here
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_LAZY))


library_path: str = _ffi.LIBRARY_PATH
"""Where the loaded libassemblyai came from."""

library_version: str = _ffi.LIBRARY_VERSION
"""The loaded libassemblyai's version ("MAJOR.MINOR.PATCH")."""

__all__ = [
    "AssemblyAIError",
    "AudioEncoding",
    "AudioFileError",
    "AudioFileNotFoundError",
    "AutohighlightResponse",
    "AutohighlightResult",
    "Chapter",
    "ContentSafetyLabel",
    "ContentSafetyLabelResult",
    "ContentSafetyResponse",
    "ContentSafetyResult",
    "ContentSafetySeverityScore",
    "CustomFormattingRequest",
    "Entity",
    "EntityType",
    "IABLabelResult",
    "IABResponse",
    "IABResult",
    "InvalidArgumentError",
    "KeytermsPromptOptions",
    "LanguageCode",
    "LanguageDetectionOptions",
    "Lemur",
    "LemurActionItemsResponse",
    "LemurError",
    "LemurModel",
    "LemurPurgeResponse",
    "LemurQuestion",
    "LemurQuestionAnswer",
    "LemurQuestionResponse",
    "LemurSource",
    "LemurSourceType",
    "LemurStringResponse",
    "LemurSummaryResponse",
    "LemurTaskResponse",
    "LemurTranscriptSource",
    "LemurUsage",
    "ListTranscriptParameters",
    "ListTranscriptResponse",
    "LLMGateway",
    "LLMGatewayError",
    "LLMGatewayMessage",
    "LLMGatewayResponse",
    "LLMGatewayTool",
    "LLMGatewayToolCall",
    "LLMGatewayUnderstandingResponse",
    "LLMGatewayUsage",
    "LLMGatewayStream",
    "LLMGatewayChatCompletion",
    "LLMGatewayChoice",
    "LLMGatewayResponseMessage",
    "LLMGatewayCompletionChunk",
    "LLMGatewayChunkChoice",
    "LLMGatewayChunkDelta",
    "AsyncLLMGateway",
    "AsyncLLMGatewayStream",
    "LLMGatewayMessageParam",
    "LLMGatewayModel",
    "LLMGatewayModelList",
    "NotImplementedByLibraryError",
    "PageDetails",
    "Paragraph",
    "PIIRedactedAudioQuality",
    "PIIRedactionPolicy",
    "PIISubstitutionPolicy",
    "RawTranscriptionConfig",
    "RealtimeError",
    "RealtimeErrorMapping",
    "RealtimeFinalTranscript",
    "RealtimeMessageTypes",
    "RealtimePartialTranscript",
    "RealtimeSessionInformation",
    "RealtimeSessionOpened",
    "RealtimeTranscriber",
    "RealtimeTranscript",
    "RealtimeWord",
    "RedactedAudioExpiredError",
    "RedactedAudioIncompleteError",
    "RedactedAudioResponse",
    "RedactedAudioUnavailableError",
    "RedactPiiAudioOptions",
    "Sentence",
    "Sentiment",
    "SentimentType",
    "Settings",
    "SpeakerIdentificationRequest",
    "SpeakerOptions",
    "SpeakerType",
    "SpeechModel",
    "SpeechUnderstandingFeatureRequests",
    "SpeechUnderstandingRequest",
    "StatusResult",
    "SummarizationModel",
    "SummarizationType",
    "Timestamp",
    "Transcriber",
    "Transcript",
    "TranscriptError",
    "TranscriptGroup",
    "TranscriptionConfig",
    "TranscriptItem",
    "TranscriptStatus",
    "TranslationRequest",
    "Utterance",
    "UtteranceWord",
    "Word",
    "WordBoost",
    "WordSearchMatch",
    "extras",
    "settings",
    "library_path",
    "library_version",
    "__version__",
    # The Sync and Dictation APIs.
    "AsyncDictationLiveSession", "AsyncDictationTranscriber", "AsyncLiveSession", "AsyncSyncTranscriber",
    "DictationConfig", "DictationError", "DictationLiveSession", "DictationResponse", "DictationRewriteMode",
    "DictationTranscriber", "DictationWord", "LiveSession", "SyncSpeechModel", "SyncTranscriber",
    "SyncTranscriptError", "SyncTranscriptionConfig", "SyncTranscriptResponse", "SyncWord",
    # Text-to-Speech (tts/)
    "AsyncTextToSpeech",
    "AsyncTTSStream",
    "TextToSpeech",
    "TTSConfig",
    "TTSContainer",
    "TTSEncoding",
    "TTSError",
    "TTSResponse",
    "TTSResponseInfo",
    "TTSStream",
    "TTSWord",
    "AsyncTTSSession",
    "TTSSession",
    "TTSAudioEvent",
    "TTSBeginEvent",
    "TTSCancelledEvent",
    "TTSEvents",
    "TTSFlushDoneEvent",
    "TTSTerminationEvent",
    "TTSWordBoundariesEvent",
    # asyncio (prerecorded/v2, async_client.py)
    "AsyncClient",
    "AsyncTranscriber",
    "AsyncTranscript",
]
