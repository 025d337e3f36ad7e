"""The Text-to-Speech API: text in, audio out (the official SDK's ``assemblyai.tts``).

The implementation lives in ``tts/v1/``; this package re-exports it, so
``from assemblyai_native.tts import TextToSpeech`` works alongside the versioned path.
"""

from .v1 import (
    AsyncTTSSession,
    TTSAudioEvent,
    TTSBeginEvent,
    TTSCancelledEvent,
    TTSEvents,
    TTSFlushDoneEvent,
    TTSSession,
    TTSTerminationEvent,
    TTSWordBoundariesEvent,
    AsyncTextToSpeech,
    AsyncTTSStream,
    TextToSpeech,
    TTSConfig,
    TTSContainer,
    TTSEncoding,
    TTSError,
    TTSResponse,
    TTSResponseInfo,
    TTSStream,
    TTSWord,
)

__all__ = [
    "AsyncTTSStream",
    "AsyncTextToSpeech",
    "TTSConfig",
    "TTSContainer",
    "TTSEncoding",
    "TTSError",
    "TTSResponse",
    "TTSResponseInfo",
    "TTSStream",
    "TTSWord",
    "TextToSpeech",
    "AsyncTTSSession",
    "TTSSession",
    "TTSAudioEvent",
    "TTSBeginEvent",
    "TTSCancelledEvent",
    "TTSEvents",
    "TTSFlushDoneEvent",
    "TTSTerminationEvent",
    "TTSWordBoundariesEvent",
]
