"""ctypes declarations of the header's "Text-to-Speech" section (include/assemblyai.h).

They are added to ``_ffi.SIGNATURES`` here, so ``_ffi.lib`` declares each function on first use
like every other. Nothing here is public API.
"""

from __future__ import annotations

from ctypes import CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int, c_int64, c_long, c_size_t, c_void_p

from . import _ffi
from ._ffi import FUTURE_CALLBACK, ClientP, FutureP, lib

AAI_TTS_SYNTHESIZE = 0
AAI_TTS_STREAM = 1
AAI_TTS_EVENTS = 2


class aai_tts_info(Structure):
    _fields_ = [
        ("request_id", c_char_p),
        ("region", c_char_p),
        ("model", c_char_p),
        ("voice_id", c_char_p),
        ("language", c_char_p),
        ("encoding", c_char_p),
        ("container", c_char_p),
        ("content_type", c_char_p),
        ("sample_rate", c_int),
        ("bit_rate", c_int),
        ("billed_characters", c_int64),
        ("voice_expires_at", c_int64),
        ("audio_duration_ms", c_int64),
    ]


class aai_tts_word(Structure):
    _fields_ = [("word", c_char_p), ("start_ms", c_int64), ("end_ms", c_int64), ("confidence", c_double)]


TTSConfigP = c_void_p
TTSResultP = c_void_p
_status = c_int

# int (*)(const aai_tts_info *, const void *audio, size_t size, void *user_data)
AUDIO_CALLBACK = CFUNCTYPE(c_int, POINTER(aai_tts_info), c_void_p, c_size_t, c_void_p)
# int (*)(const aai_tts_word *words, size_t count, void *user_data)
WORDS_CALLBACK = CFUNCTYPE(c_int, POINTER(aai_tts_word), c_size_t, c_void_p)

_ffi.SIGNATURES.update({
    "aai_tts_config_new": (_status, [POINTER(TTSConfigP)]),
    "aai_tts_config_free": (None, [TTSConfigP]),
    "aai_tts_config_set_voice_id": (_status, [TTSConfigP, c_char_p]),
    "aai_tts_config_set_model_id": (_status, [TTSConfigP, c_char_p]),
    "aai_tts_config_set_language": (_status, [TTSConfigP, c_char_p]),
    "aai_tts_config_set_sample_rate": (_status, [TTSConfigP, c_int]),
    "aai_tts_config_set_encoding": (_status, [TTSConfigP, c_char_p]),
    "aai_tts_config_set_container": (_status, [TTSConfigP, c_char_p]),
    "aai_tts_config_set_bit_rate": (_status, [TTSConfigP, c_int]),
    "aai_tts_config_set_json": (_status, [TTSConfigP, c_char_p]),
    "aai_tts_config_json": (_status, [TTSConfigP, POINTER(c_void_p)]),
    "aai_tts_synthesize": (_status, [ClientP, c_char_p, TTSConfigP, POINTER(TTSResultP)]),
    "aai_tts_stream": (_status, [ClientP, c_char_p, TTSConfigP, AUDIO_CALLBACK, c_void_p, POINTER(TTSResultP)]),
    "aai_tts_stream_events": (
        _status, [ClientP, c_char_p, TTSConfigP, AUDIO_CALLBACK, WORDS_CALLBACK, c_void_p, POINTER(TTSResultP)]),
    "aai_tts_start_async": (
        _status,
        [ClientP, c_int, c_char_p, TTSConfigP, AUDIO_CALLBACK, WORDS_CALLBACK, c_void_p, FUTURE_CALLBACK, c_void_p,
         POINTER(FutureP)],
    ),
    "aai_future_tts_result": (_status, [FutureP, POINTER(TTSResultP)]),
    "aai_tts_result_info": (POINTER(aai_tts_info), [TTSResultP]),
    "aai_tts_result_info_json": (_status, [TTSResultP, POINTER(c_char_p)]),
    "aai_tts_result_audio": (_status, [TTSResultP, POINTER(c_void_p), POINTER(c_size_t)]),
    "aai_tts_result_save": (_status, [TTSResultP, c_char_p]),
    "aai_tts_result_words": (_status, [TTSResultP, POINTER(POINTER(aai_tts_word)), POINTER(c_size_t)]),
    "aai_tts_result_http_status": (c_int, [TTSResultP]),
    "aai_tts_result_error_json": (c_char_p, [TTSResultP]),
    "aai_tts_result_free": (None, [TTSResultP]),
    "aai_client_set_tts_base_url": (_status, [ClientP, c_char_p]),
    "aai_client_set_tts_timeouts_ms": (_status, [ClientP, c_long, c_long]),
})



# ---- WebSocket sessions ----

AAI_TTS_SESSION_BEGIN = 0
AAI_TTS_SESSION_AUDIO = 1
AAI_TTS_SESSION_FLUSH_DONE = 2
AAI_TTS_SESSION_WORD_BOUNDARIES = 3
AAI_TTS_SESSION_CANCELLED = 4
AAI_TTS_SESSION_TERMINATION = 5
AAI_TTS_SESSION_ERROR = 6


class aai_tts_session_event(Structure):
    _fields_ = [
        ("type", c_int),
        ("flush_id", c_int64),
        ("audio", c_void_p),
        ("audio_size", c_size_t),
        ("audio_duration_ms", c_int64),
        ("words", POINTER(aai_tts_word)),
        ("word_count", c_size_t),
        ("audio_start_ms", c_int64),
        ("billed_characters", c_int64),
        ("session_id", c_char_p),
        ("json", c_char_p),
        ("status", c_int),
        ("close_code", c_int),
        ("message", c_char_p),
    ]


TTSSessionP = c_void_p
# void (*)(const aai_tts_session_event *event, void *user_data)
SESSION_CALLBACK = CFUNCTYPE(None, POINTER(aai_tts_session_event), c_void_p)

_ffi.SIGNATURES.update({
    "aai_tts_session_new": (_status, [ClientP, TTSConfigP, c_int, c_int, c_char_p, SESSION_CALLBACK, c_void_p,
                                      POINTER(TTSSessionP)]),
    "aai_tts_session_connect": (_status, [TTSSessionP, c_long]),
    "aai_tts_session_generate": (_status, [TTSSessionP, c_char_p]),
    "aai_tts_session_flush": (_status, [TTSSessionP, POINTER(c_int64)]),
    "aai_tts_session_cancel": (_status, [TTSSessionP, POINTER(c_int64)]),
    "aai_tts_session_keep_alive": (_status, [TTSSessionP]),
    "aai_tts_session_terminate": (_status, [TTSSessionP, c_long]),
    "aai_tts_session_close": (_status, [TTSSessionP]),
    "aai_tts_session_free": (None, [TTSSessionP]),
})
