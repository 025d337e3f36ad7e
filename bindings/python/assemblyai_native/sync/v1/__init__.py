from .async_client import AsyncLiveSession, AsyncSyncTranscriber
from .client import LiveSession, SyncTranscriber
from .models import (
    SyncSpeechModel,
    SyncTranscriptError,
    SyncTranscriptionConfig,
    SyncTranscriptResponse,
    SyncWord,
)

__all__ = [
    "AsyncLiveSession",
    "AsyncSyncTranscriber",
    "LiveSession",
    "SyncSpeechModel",
    "SyncTranscriber",
    "SyncTranscriptError",
    "SyncTranscriptionConfig",
    "SyncTranscriptResponse",
    "SyncWord",
]
