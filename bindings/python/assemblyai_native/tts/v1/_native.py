"""The Text-to-Speech ctypes names (kept in ``assemblyai_native._tts_ffi``, so that building a
client, which sets the TTS settings, does not import this package)."""

from ..._tts_ffi import *  # noqa: F401,F403
from ..._tts_ffi import (  # noqa: F401
    AAI_TTS_EVENTS,
    AAI_TTS_STREAM,
    AAI_TTS_SYNTHESIZE,
    AUDIO_CALLBACK,
    SESSION_CALLBACK,
    WORDS_CALLBACK,
    TTSConfigP,
    TTSResultP,
    TTSSessionP,
    lib,
)
