"""The Text-to-Speech API, version 1 (the official SDK's ``assemblyai.tts.v1``)."""

from .async_client import AsyncTextToSpeech, AsyncTTSStream
from .client import TextToSpeech, TTSStream
from .models import TTSConfig, TTSContainer, TTSEncoding, TTSError, TTSResponse, TTSResponseInfo, TTSWord

from .async_session import AsyncTTSSession
from .session import TTSSession
from .ws_models import (
    TTSAudioEvent,
    TTSBeginEvent,
    TTSCancelledEvent,
    TTSEvents,
    TTSFlushDoneEvent,
    TTSTerminationEvent,
    TTSWordBoundariesEvent,
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
