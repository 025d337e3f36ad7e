"""assemblyai_native: the AssemblyAI Python SDK's API on top of libassemblyai (ctypes).

Use it in place of the official package::

    import assemblyai_native as aai

    aai.settings.api_key = "..."
    transcript = aai.Transcriber().transcribe("./audio.wav")
    print(transcript.text)

Importing raises ImportError when libassemblyai cannot be found or is too old; the message
says what to install or set.
"""

from . import _ffi
from .__version__ import __version__
from ._settings import Settings, settings
from .errors import (
    AssemblyAIError,
    AudioFileError,
    AudioFileNotFoundError,
    InvalidArgumentError,
    LemurError,
    NotImplementedByLibraryError,
    RedactedAudioExpiredError,
    RedactedAudioIncompleteError,
    RedactedAudioUnavailableError,
    TranscriptError,
)
from .transcriber import Transcriber, Transcript
from .types import (
    RawTranscriptionConfig,
    SpeechModel,
    TranscriptionConfig,
    TranscriptStatus,
    Word,
)

library_path: str = _ffi.LIBRARY_PATH
"""Where the loaded libassemblyai came from."""

library_version: str = _ffi.LIBRARY_VERSION
"""The loaded libassemblyai's version ("MAJOR.MINOR.PATCH")."""

__all__ = [
    "AssemblyAIError",
    "AudioFileError",
    "AudioFileNotFoundError",
    "InvalidArgumentError",
    "LemurError",
    "NotImplementedByLibraryError",
    "RawTranscriptionConfig",
    "RedactedAudioExpiredError",
    "RedactedAudioIncompleteError",
    "RedactedAudioUnavailableError",
    "Settings",
    "SpeechModel",
    "Transcriber",
    "Transcript",
    "TranscriptError",
    "TranscriptionConfig",
    "TranscriptStatus",
    "Word",
    "settings",
    "library_path",
    "library_version",
    "__version__",
]
