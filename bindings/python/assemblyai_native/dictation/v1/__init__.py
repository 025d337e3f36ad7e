from .async_client import AsyncDictationLiveSession, AsyncDictationTranscriber
from .client import DictationLiveSession, DictationTranscriber
from .models import (
    DictationConfig,
    DictationError,
    DictationResponse,
    DictationRewriteMode,
    DictationWord,
)

__all__ = [
    "AsyncDictationLiveSession",
    "AsyncDictationTranscriber",
    "DictationConfig",
    "DictationError",
    "DictationLiveSession",
    "DictationResponse",
    "DictationRewriteMode",
    "DictationTranscriber",
    "DictationWord",
]
