"""The Text-to-Speech part of the ctypes layer: names for the header's "Text-to-Speech" section.

Every type, constant and signature is generated from include/assemblyai.h into ``_abi.py``
(scripts/gen-bindings); this module only gives the TTS code short names for them. Nothing here
is public API.
"""

from __future__ import annotations

from ctypes import POINTER

from ._abi import (  # noqa: F401
    AAI_TTS_EVENTS,
    AAI_TTS_SESSION_AUDIO,
    AAI_TTS_SESSION_BEGIN,
    AAI_TTS_SESSION_CANCELLED,
    AAI_TTS_SESSION_ERROR,
    AAI_TTS_SESSION_FLUSH_DONE,
    AAI_TTS_SESSION_TERMINATION,
    AAI_TTS_SESSION_WORD_BOUNDARIES,
    AAI_TTS_STREAM,
    AAI_TTS_SYNTHESIZE,
    aai_tts_config,
    aai_tts_info,
    aai_tts_result,
    aai_tts_session,
    aai_tts_session_event,
    aai_tts_word,
)
from ._abi import aai_tts_audio_callback as AUDIO_CALLBACK  # noqa: F401
from ._abi import aai_tts_session_callback as SESSION_CALLBACK  # noqa: F401
from ._abi import aai_tts_words_callback as WORDS_CALLBACK  # noqa: F401
from ._ffi import lib  # noqa: F401

TTSConfigP = POINTER(aai_tts_config)
TTSResultP = POINTER(aai_tts_result)
TTSSessionP = POINTER(aai_tts_session)
