"""The Text-to-Speech API: text in, audio out (the official SDK's ``assemblyai.tts``).

The implementation lives in ``tts/v1/``; this package re-exports it, so
``from assemblyai_native.tts import TextToSpeech`` works alongside the versioned path.
"""

from . import v1
from .v1 import *  # noqa: F401,F403  (the names of v1.__all__)

__all__ = list(v1.__all__)
