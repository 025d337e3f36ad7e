"""Pre-recorded (polled job) transcription against the v2 transcript API, as
``assemblyai.prerecorded.v2`` of the official SDK 1.8.2: the threaded ``Transcriber`` and its
asyncio counterpart ``AsyncTranscriber``."""

from ...transcriber import Transcriber, Transcript, TranscriptGroup
from ...types import TranscriptionConfig
from .async_client import AsyncTranscriber
from .async_transcript import AsyncTranscript

__all__ = [
    "AsyncTranscriber",
    "AsyncTranscript",
    "Transcriber",
    "Transcript",
    "TranscriptGroup",
    "TranscriptionConfig",
]
