"""ctypes view of libassemblyai (the C contract is include/assemblyai.h).

This module finds and loads the shared library, knows every function of the header with its
argument and result types (declared on first use: see ``_Library``), and turns a failing
``aai_status`` into a Python exception (``check``). Nothing here is public API.
"""

from __future__ import annotations

import ctypes
import os
import weakref
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int,
    c_int64,
    c_long,
    c_size_t,
    c_uint64,
    c_void_p,
)
from . import errors

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Tuple, Type

# Oldest library this binding works with: 0.1.0. The binding speaks the 0.x ABI
# (SONAME libassemblyai.so.0); a 1.x library may have changed functions.
MIN_VERSION_NUMBER = 1000
MAX_VERSION_NUMBER_EXCLUSIVE = 1000000

# --------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------

AAI_OK = 0
AAI_ERR_INVALID_ARGUMENT = 1
AAI_ERR_NOT_IMPLEMENTED = 2
AAI_ERR_IO = 3
AAI_ERR_CONNECTION = 4
AAI_ERR_TIMEOUT = 5
AAI_ERR_TLS = 6
AAI_ERR_HTTP = 7
AAI_ERR_AUTH = 8
AAI_ERR_NOT_FOUND = 9
AAI_ERR_RATE_LIMITED = 10
AAI_ERR_SERVER = 11
AAI_ERR_PROTOCOL = 12
AAI_ERR_TRANSCRIPT = 13
AAI_ERR_CANCELLED = 14
AAI_ERR_NO_MEMORY = 15
AAI_ERR_STATE = 16
AAI_ERR_INTERNAL = 99

AAI_TRANSCRIPT_QUEUED = 0
AAI_TRANSCRIPT_PROCESSING = 1
AAI_TRANSCRIPT_COMPLETED = 2
AAI_TRANSCRIPT_ERROR = 3
AAI_TRANSCRIPT_UNKNOWN = -1


class _aai_client(Structure):  # opaque
    pass


class _aai_config(Structure):  # opaque
    pass


class _aai_transcript(Structure):  # opaque
    pass


class _aai_transcriber(Structure):  # opaque
    pass


ClientP = POINTER(_aai_client)
ConfigP = POINTER(_aai_config)
TranscriptP = POINTER(_aai_transcript)
TranscriberP = POINTER(_aai_transcriber)


class _aai_future(Structure):  # opaque
    pass


class _aai_transcript_group(Structure):  # opaque
    pass


FutureP = POINTER(_aai_future)
TranscriptGroupP = POINTER(_aai_transcript_group)


class aai_word(Structure):
    """One recognised word, as laid out by the C library (times in ms)."""

    _fields_ = [
        ("text", c_char_p),
        ("start", c_int64),
        ("end", c_int64),
        ("confidence", c_double),
        ("speaker", c_char_p),
        ("channel", c_char_p),
    ]


# int (*)(uint64_t bytes_sent, uint64_t bytes_total, void *user_data)
class aai_timestamp(Structure):
    _fields_ = [("start", c_int64), ("end", c_int64)]


# Transcript results (the header's "results" section). aai_timestamp above is shared with it.
class aai_label_score(Structure):
    _fields_ = [("label", c_char_p), ("score", c_double)]


class aai_utterance(aai_word):
    """The header's aai_utterance begins with aai_word's members, in its order (aai_word has no
    tail padding, so the offsets agree): ctypes appends these fields to the inherited ones."""

    _fields_ = [("words", POINTER(aai_word)), ("word_count", c_size_t)]


aai_segment = aai_utterance  # sentences and paragraphs have the shape of utterances


class aai_chapter(Structure):
    _fields_ = [
        ("gist", c_char_p),
        ("headline", c_char_p),
        ("summary", c_char_p),
        ("start", c_int64),
        ("end", c_int64),
    ]


AAI_SENTIMENT_UNKNOWN = -1
AAI_SENTIMENT_NEUTRAL = 0
AAI_SENTIMENT_POSITIVE = 1
AAI_SENTIMENT_NEGATIVE = 2


class aai_sentiment(Structure):
    _fields_ = [
        ("text", c_char_p),
        ("start", c_int64),
        ("end", c_int64),
        ("confidence", c_double),
        ("sentiment", c_char_p),
        ("kind", c_int),
        ("speaker", c_char_p),
        ("channel", c_char_p),
    ]


class aai_entity(Structure):
    _fields_ = [("entity_type", c_char_p), ("text", c_char_p), ("start", c_int64), ("end", c_int64)]


class aai_auto_highlight(Structure):
    _fields_ = [
        ("text", c_char_p),
        ("rank", c_double),
        ("count", c_int64),
        ("timestamps", POINTER(aai_timestamp)),
        ("timestamp_count", c_size_t),
    ]


class aai_content_safety_label(Structure):
    _fields_ = [("label", c_char_p), ("confidence", c_double), ("severity", c_double)]


class aai_content_safety_result(Structure):
    _fields_ = [
        ("text", c_char_p),
        ("labels", POINTER(aai_content_safety_label)),
        ("label_count", c_size_t),
        ("sentences_idx_start", c_int64),
        ("sentences_idx_end", c_int64),
        ("timestamp", aai_timestamp),
    ]


class aai_severity_score_summary(Structure):
    _fields_ = [("label", c_char_p), ("low", c_double), ("medium", c_double), ("high", c_double)]


class aai_iab_result(Structure):
    _fields_ = [
        ("text", c_char_p),
        ("labels", POINTER(aai_label_score)),
        ("label_count", c_size_t),
        ("timestamp", aai_timestamp),
    ]


class aai_word_match(Structure):
    _fields_ = [
        ("text", c_char_p),
        ("count", c_int64),
        ("timestamps", POINTER(aai_timestamp)),
        ("timestamp_count", c_size_t),
        ("indexes", POINTER(c_int64)),
        ("index_count", c_size_t),
    ]


class aai_transcript_list_item(Structure):
    _fields_ = [(name, c_char_p) for name in ("id", "resource_url", "status", "created", "completed", "audio_url", "error")]


class aai_lemur_question(Structure):
    _fields_ = [
        ("question", c_char_p),
        ("context", c_char_p),
        ("answer_format", c_char_p),
        ("answer_options", POINTER(c_char_p)),
        ("answer_option_count", c_size_t),
    ]


class aai_lemur_answer(Structure):
    _fields_ = [("question", c_char_p), ("answer", c_char_p)]


class aai_llm_tool_call(Structure):
    _fields_ = [("id", c_char_p), ("name", c_char_p), ("arguments", c_char_p)]


LemurParamsP = c_void_p
LemurResponseP = c_void_p
LLMRequestP = c_void_p
LLMResponseP = c_void_p
SegmentsP = c_void_p
WordSearchP = c_void_p
TranscriptListP = c_void_p

PROGRESS_CALLBACK = CFUNCTYPE(c_int, c_uint64, c_uint64, c_void_p)
# int64_t (*)(void *buffer, size_t capacity, void *user_data)
READ_CALLBACK = CFUNCTYPE(c_int64, c_void_p, c_size_t, c_void_p)
# void (*)(aai_future *future, aai_status status, void *user_data): runs on a library worker thread
FUTURE_CALLBACK = CFUNCTYPE(None, FutureP, c_int, c_void_p)

_status = c_int  # aai_status and aai_transcript_status are C enums (int)

# ---- Streaming (include/assemblyai.h, section "streaming") ----


class _aai_streaming(Structure):  # opaque
    pass


StreamingP = POINTER(_aai_streaming)


class aai_streaming_word(Structure):
    """One word of a streaming transcript (times in ms)."""

    _fields_ = [
        ("text", c_char_p),
        ("start", c_int64),
        ("end", c_int64),
        ("confidence", c_double),
        ("is_final", c_int),
    ]


class aai_streaming_event(Structure):
    """A streaming event; every pointer in it is valid only during the callback."""

    _fields_ = [
        ("type", c_int),
        ("protocol", c_int),
        ("json", c_char_p),
        ("json_length", c_size_t),
        ("session_id", c_char_p),
        ("expires_at", c_int64),
        ("text", c_char_p),
        ("words", POINTER(aai_streaming_word)),
        ("word_count", c_size_t),
        ("audio_start", c_int64),
        ("audio_end", c_int64),
        ("confidence", c_double),
        ("punctuated", c_int),
        ("text_formatted", c_int),
        ("turn_order", c_int64),
        ("end_of_turn", c_int),
        ("turn_is_formatted", c_int),
        ("end_of_turn_confidence", c_double),
        ("utterance", c_char_p),
        ("language_code", c_char_p),
        ("language_confidence", c_double),
        ("speaker_label", c_char_p),
        ("timestamp", c_int64),
        ("audio_duration_seconds", c_double),
        ("session_duration_seconds", c_double),
        ("status", c_int),
        ("close_code", c_int),
        ("close_reason", c_char_p),
        ("code", c_int64),
        ("received_ns", c_int64),  # CLOCK_MONOTONIC ns the message was read (time.monotonic_ns() clock)
    ]


AAI_STREAMING_V2 = 2
AAI_STREAMING_V3 = 3
AAI_STREAMING_EVENT_OPENED = 1
AAI_STREAMING_EVENT_PARTIAL_TRANSCRIPT = 2
AAI_STREAMING_EVENT_FINAL_TRANSCRIPT = 3
AAI_STREAMING_EVENT_TURN = 4
AAI_STREAMING_EVENT_SPEECH_STARTED = 5
AAI_STREAMING_EVENT_SESSION_INFORMATION = 6
AAI_STREAMING_EVENT_TERMINATED = 7
AAI_STREAMING_EVENT_ERROR = 8
AAI_STREAMING_EVENT_WARNING = 9
AAI_STREAMING_EVENT_OTHER = 10
AAI_STREAMING_EVENT_CLOSED = 11

# void (*)(const aai_streaming_event *event, void *user_data): runs on the session's callback thread
STREAMING_CALLBACK = CFUNCTYPE(None, POINTER(aai_streaming_event), c_void_p)



# name: (restype, argtypes). Every function of include/assemblyai.h, in its order.
# Strings the caller must free with aai_string_free come back as c_void_p (not c_char_p,
# which would copy and lose the pointer); borrowed strings come back as c_char_p.
SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    # Version
    "aai_version": (c_char_p, []),
    "aai_version_number": (c_int, []),
    # Status codes and error details
    "aai_status_name": (c_char_p, [_status]),
    "aai_last_error_status": (_status, []),
    "aai_last_error_message": (c_char_p, []),
    "aai_last_error_http_status": (c_int, []),
    "aai_last_error_server_text": (c_char_p, []),
    "aai_last_error_retryable": (c_int, []),
    "aai_string_free": (None, [c_void_p]),
    # Client
    "aai_client_new": (_status, [POINTER(ClientP)]),
    "aai_client_free": (None, [ClientP]),
    "aai_client_set_api_key": (_status, [ClientP, c_char_p]),
    "aai_client_set_base_url": (_status, [ClientP, c_char_p]),
    "aai_client_set_http_timeout_ms": (_status, [ClientP, c_long]),
    "aai_client_set_polling_interval_ms": (_status, [ClientP, c_long]),
    "aai_client_set_polling_timeout_ms": (_status, [ClientP, c_long]),
    "aai_client_set_max_retries": (_status, [ClientP, c_int]),
    "aai_client_set_user_agent_suffix": (_status, [ClientP, c_char_p]),
    # Transcription config
    "aai_config_new": (_status, [POINTER(ConfigP)]),
    "aai_config_free": (None, [ConfigP]),
    "aai_config_set_json": (_status, [ConfigP, c_char_p]),
    "aai_config_to_json": (_status, [ConfigP, POINTER(c_void_p)]),
    "aai_config_set_language_code": (_status, [ConfigP, c_char_p]),
    "aai_config_set_speech_model": (_status, [ConfigP, c_char_p]),
    "aai_config_set_punctuate": (_status, [ConfigP, c_int]),
    "aai_config_set_format_text": (_status, [ConfigP, c_int]),
    "aai_config_set_speaker_labels": (_status, [ConfigP, c_int]),
    "aai_config_set_bool": (_status, [ConfigP, c_char_p, c_int]),
    "aai_config_set_int": (_status, [ConfigP, c_char_p, c_int64]),
    "aai_config_set_double": (_status, [ConfigP, c_char_p, c_double]),
    "aai_config_set_string": (_status, [ConfigP, c_char_p, c_char_p]),
    "aai_config_set_strings": (_status, [ConfigP, c_char_p, POINTER(c_char_p), c_size_t]),
    "aai_config_unset": (_status, [ConfigP, c_char_p]),
    "aai_config_validate": (_status, [ConfigP]),
    "aai_config_set_casing_and_formatting": (_status, [ConfigP, c_int]),
    "aai_config_set_speaker_diarization": (_status, [ConfigP, c_int, c_int]),
    "aai_config_set_webhook": (_status, [ConfigP, c_char_p, c_char_p, c_char_p]),
    "aai_config_set_audio_slice": (_status, [ConfigP, c_int64, c_int64]),
    "aai_config_set_word_boost": (_status, [ConfigP, POINTER(c_char_p), c_size_t, c_char_p]),
    "aai_config_set_redact_pii": (_status, [ConfigP, c_int, POINTER(c_char_p), c_size_t, c_char_p, c_int, c_char_p]),
    "aai_config_set_content_safety": (_status, [ConfigP, c_int, c_int]),
    "aai_config_set_summarization": (_status, [ConfigP, c_int, c_char_p, c_char_p]),
    "aai_config_add_custom_spelling": (_status, [ConfigP, POINTER(c_char_p), c_size_t, c_char_p]),
    # Transcripts
    "aai_transcript_free": (None, [TranscriptP]),
    "aai_transcript_id": (c_char_p, [TranscriptP]),
    "aai_transcript_get_status": (c_int, [TranscriptP]),
    "aai_transcript_status_text": (c_char_p, [TranscriptP]),
    "aai_transcript_text": (c_char_p, [TranscriptP]),
    "aai_transcript_error": (c_char_p, [TranscriptP]),
    "aai_transcript_audio_url": (c_char_p, [TranscriptP]),
    "aai_transcript_audio_duration": (c_double, [TranscriptP]),
    "aai_transcript_confidence": (c_double, [TranscriptP]),
    "aai_transcript_words": (_status, [TranscriptP, POINTER(POINTER(aai_word)), POINTER(c_size_t)]),
    "aai_transcript_json": (_status, [TranscriptP, POINTER(c_void_p), POINTER(c_size_t)]),
    "aai_transcript_get_json": (_status, [TranscriptP, c_char_p, POINTER(c_void_p)]),
    # Transcriber
    "aai_transcriber_new": (_status, [ClientP, ConfigP, POINTER(TranscriberP)]),
    "aai_transcriber_free": (None, [TranscriberP]),
    "aai_transcriber_set_progress_callback": (_status, [TranscriberP, PROGRESS_CALLBACK, c_void_p]),
    "aai_transcriber_upload_file": (_status, [TranscriberP, c_char_p, POINTER(c_void_p)]),
    "aai_transcriber_upload_bytes": (_status, [TranscriberP, c_void_p, c_size_t, POINTER(c_void_p)]),
    "aai_transcriber_upload_stream": (
        _status,
        [TranscriberP, READ_CALLBACK, c_void_p, c_uint64, POINTER(c_void_p)],
    ),
    "aai_transcriber_submit_url": (_status, [TranscriberP, c_char_p, ConfigP, POINTER(TranscriptP)]),
    "aai_transcriber_submit_file": (_status, [TranscriberP, c_char_p, ConfigP, POINTER(TranscriptP)]),
    "aai_transcriber_submit_bytes": (
        _status,
        [TranscriberP, c_void_p, c_size_t, ConfigP, POINTER(TranscriptP)],
    ),
    "aai_transcriber_transcribe_url": (_status, [TranscriberP, c_char_p, ConfigP, POINTER(TranscriptP)]),
    "aai_transcriber_transcribe_file": (_status, [TranscriberP, c_char_p, ConfigP, POINTER(TranscriptP)]),
    "aai_transcriber_transcribe_bytes": (
        _status,
        [TranscriberP, c_void_p, c_size_t, ConfigP, POINTER(TranscriptP)],
    ),
    "aai_transcriber_wait": (_status, [TranscriberP, c_char_p, POINTER(TranscriptP)]),
    "aai_transcriber_get": (_status, [TranscriberP, c_char_p, POINTER(TranscriptP)]),
    "aai_transcriber_delete": (_status, [TranscriberP, c_char_p, POINTER(TranscriptP)]),
    # Transcript results: utterances and audio intelligence
    "aai_transcript_from_json": (_status, [c_char_p, c_size_t, POINTER(TranscriptP)]),
    "aai_transcript_utterances": (_status, [TranscriptP, POINTER(POINTER(aai_utterance)), POINTER(c_size_t)]),
    "aai_transcript_chapters": (_status, [TranscriptP, POINTER(POINTER(aai_chapter)), POINTER(c_size_t)]),
    "aai_transcript_sentiment_analysis": (_status, [TranscriptP, POINTER(POINTER(aai_sentiment)), POINTER(c_size_t)]),
    "aai_transcript_entities": (_status, [TranscriptP, POINTER(POINTER(aai_entity)), POINTER(c_size_t)]),
    "aai_transcript_auto_highlights": (_status, [TranscriptP, POINTER(POINTER(aai_auto_highlight)), POINTER(c_size_t)]),
    "aai_transcript_auto_highlights_status": (c_char_p, [TranscriptP]),
    "aai_transcript_content_safety": (
        _status,
        [TranscriptP, POINTER(POINTER(aai_content_safety_result)), POINTER(c_size_t)],
    ),
    "aai_transcript_content_safety_summary": (_status, [TranscriptP, POINTER(POINTER(aai_label_score)), POINTER(c_size_t)]),
    "aai_transcript_content_safety_severity_scores": (
        _status,
        [TranscriptP, POINTER(POINTER(aai_severity_score_summary)), POINTER(c_size_t)],
    ),
    "aai_transcript_content_safety_status": (c_char_p, [TranscriptP]),
    "aai_transcript_iab_categories": (_status, [TranscriptP, POINTER(POINTER(aai_iab_result)), POINTER(c_size_t)]),
    "aai_transcript_iab_categories_summary": (_status, [TranscriptP, POINTER(POINTER(aai_label_score)), POINTER(c_size_t)]),
    "aai_transcript_iab_categories_status": (c_char_p, [TranscriptP]),
    "aai_transcript_summary": (c_char_p, [TranscriptP]),
    "aai_transcript_language_code": (c_char_p, [TranscriptP]),
    "aai_transcript_language_confidence": (c_double, [TranscriptP]),
    # LeMUR and the LLM Gateway
    "aai_client_set_llm_gateway_base_url": (_status, [ClientP, c_char_p]),
    "aai_client_set_llm_timeout_ms": (_status, [ClientP, c_long]),
    "aai_lemur_params_new": (_status, [POINTER(LemurParamsP)]),
    "aai_lemur_params_free": (None, [LemurParamsP]),
    "aai_lemur_params_add_transcript_id": (_status, [LemurParamsP, c_char_p]),
    "aai_lemur_params_set_input_text": (_status, [LemurParamsP, c_char_p]),
    "aai_lemur_params_set_context": (_status, [LemurParamsP, c_char_p]),
    "aai_lemur_params_set_final_model": (_status, [LemurParamsP, c_char_p]),
    "aai_lemur_params_set_max_output_size": (_status, [LemurParamsP, c_int]),
    "aai_lemur_params_set_temperature": (_status, [LemurParamsP, c_double]),
    "aai_lemur_params_set_json": (_status, [LemurParamsP, c_char_p]),
    "aai_lemur_task": (_status, [ClientP, LemurParamsP, c_char_p, POINTER(LemurResponseP)]),
    "aai_lemur_summary": (_status, [ClientP, LemurParamsP, c_char_p, POINTER(LemurResponseP)]),
    "aai_lemur_action_items": (_status, [ClientP, LemurParamsP, c_char_p, POINTER(LemurResponseP)]),
    "aai_lemur_question_answer": (_status, [ClientP, LemurParamsP, POINTER(aai_lemur_question), c_size_t, POINTER(LemurResponseP)]),
    "aai_lemur_get_response": (_status, [ClientP, c_char_p, POINTER(LemurResponseP)]),
    "aai_lemur_purge_request_data": (_status, [ClientP, c_char_p, POINTER(c_int)]),
    "aai_lemur_response_request_id": (c_char_p, [LemurResponseP]),
    "aai_lemur_response_text": (c_char_p, [LemurResponseP]),
    "aai_lemur_response_answers": (_status, [LemurResponseP, POINTER(POINTER(aai_lemur_answer)), POINTER(c_size_t)]),
    "aai_lemur_response_usage": (_status, [LemurResponseP, POINTER(c_int64), POINTER(c_int64)]),
    "aai_lemur_response_json": (_status, [LemurResponseP, POINTER(c_void_p), POINTER(c_size_t)]),
    "aai_lemur_response_free": (None, [LemurResponseP]),
    "aai_llm_request_new": (_status, [c_char_p, POINTER(LLMRequestP)]),
    "aai_llm_request_free": (None, [LLMRequestP]),
    "aai_llm_request_add_message": (_status, [LLMRequestP, c_char_p, c_char_p]),
    "aai_llm_request_add_tool_result": (_status, [LLMRequestP, c_char_p, c_char_p]),
    "aai_llm_request_set_prompt": (_status, [LLMRequestP, c_char_p]),
    "aai_llm_request_set_max_tokens": (_status, [LLMRequestP, c_int]),
    "aai_llm_request_set_temperature": (_status, [LLMRequestP, c_double]),
    "aai_llm_request_add_tool": (_status, [LLMRequestP, c_char_p, c_char_p, c_char_p]),
    "aai_llm_request_add_transcript": (_status, [LLMRequestP, TranscriptP, c_int]),
    "aai_llm_request_set_json": (_status, [LLMRequestP, c_char_p]),
    "aai_llm_chat_completion": (_status, [ClientP, LLMRequestP, POINTER(LLMResponseP)]),
    "aai_llm_understanding": (_status, [ClientP, c_char_p, c_char_p, POINTER(LLMResponseP)]),
    "aai_llm_response_text": (c_char_p, [LLMResponseP]),
    "aai_llm_response_finish_reason": (c_char_p, [LLMResponseP]),
    "aai_llm_response_tool_calls": (_status, [LLMResponseP, POINTER(POINTER(aai_llm_tool_call)), POINTER(c_size_t)]),
    "aai_llm_response_request_id": (c_char_p, [LLMResponseP]),
    "aai_llm_response_usage": (_status, [LLMResponseP, POINTER(c_int64), POINTER(c_int64), POINTER(c_int64)]),
    "aai_llm_response_json": (_status, [LLMResponseP, POINTER(c_void_p), POINTER(c_size_t)]),
    "aai_llm_response_free": (None, [LLMResponseP]),
    # exports, lookups and listing
    "aai_transcriber_export_subtitles": (_status, [TranscriberP, c_char_p, c_int, c_int, POINTER(c_void_p)]),
    "aai_transcriber_get_sentences": (_status, [TranscriberP, c_char_p, POINTER(SegmentsP)]),
    "aai_transcriber_get_paragraphs": (_status, [TranscriberP, c_char_p, POINTER(SegmentsP)]),
    "aai_segments_get": (_status, [SegmentsP, POINTER(POINTER(aai_segment)), POINTER(c_size_t)]),
    "aai_segments_json": (_status, [SegmentsP, POINTER(c_void_p), POINTER(c_size_t)]),
    "aai_segments_free": (None, [SegmentsP]),
    "aai_transcriber_word_search": (_status, [TranscriberP, c_char_p, POINTER(c_char_p), c_size_t, POINTER(WordSearchP)]),
    "aai_word_search_matches": (_status, [WordSearchP, POINTER(POINTER(aai_word_match)), POINTER(c_size_t), POINTER(c_int64)]),
    "aai_word_search_free": (None, [WordSearchP]),
    "aai_transcript_export_subtitles": (_status, [TranscriptP, c_int, c_int, POINTER(c_void_p)]),
    "aai_transcript_sentences": (_status, [TranscriptP, POINTER(SegmentsP)]),
    "aai_transcript_paragraphs": (_status, [TranscriptP, POINTER(SegmentsP)]),
    "aai_transcript_word_search": (_status, [TranscriptP, POINTER(c_char_p), c_size_t, POINTER(WordSearchP)]),
    "aai_transcriber_get_redacted_audio_url": (_status, [TranscriberP, c_char_p, POINTER(c_void_p)]),
    "aai_transcriber_save_redacted_audio": (_status, [TranscriberP, c_char_p, c_char_p]),
    "aai_transcriber_list": (_status, [TranscriberP, c_int, c_char_p, c_char_p, c_char_p, c_char_p, c_int, POINTER(TranscriptListP)]),
    "aai_transcriber_list_page": (_status, [TranscriberP, c_char_p, POINTER(TranscriptListP)]),
    "aai_transcript_list_items": (_status, [TranscriptListP, POINTER(POINTER(aai_transcript_list_item)), POINTER(c_size_t)]),
    "aai_transcript_list_limit": (c_int, [TranscriptListP]),
    "aai_transcript_list_result_count": (c_int, [TranscriptListP]),
    "aai_transcript_list_current_url": (c_char_p, [TranscriptListP]),
    "aai_transcript_list_prev_url": (c_char_p, [TranscriptListP]),
    "aai_transcript_list_next_url": (c_char_p, [TranscriptListP]),
    "aai_transcript_list_before_id_of_prev_url": (c_char_p, [TranscriptListP]),
    "aai_transcript_list_json": (_status, [TranscriptListP, POINTER(c_void_p), POINTER(c_size_t)]),
    "aai_transcript_list_free": (None, [TranscriptListP]),
    # Non-blocking calls, groups and webhooks
    "aai_transcriber_submit_url_async": (
        _status, [TranscriberP, c_char_p, ConfigP, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)],
    ),
    "aai_transcriber_submit_file_async": (
        _status, [TranscriberP, c_char_p, ConfigP, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)],
    ),
    "aai_transcriber_submit_bytes_async": (
        _status, [TranscriberP, c_void_p, c_size_t, ConfigP, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)],
    ),
    "aai_transcriber_transcribe_url_async": (
        _status, [TranscriberP, c_char_p, ConfigP, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)],
    ),
    "aai_transcriber_transcribe_file_async": (
        _status, [TranscriberP, c_char_p, ConfigP, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)],
    ),
    "aai_transcriber_transcribe_bytes_async": (
        _status, [TranscriberP, c_void_p, c_size_t, ConfigP, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)],
    ),
    "aai_transcriber_wait_async": (_status, [TranscriberP, c_char_p, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)]),
    "aai_transcriber_get_async": (_status, [TranscriberP, c_char_p, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)]),
    "aai_transcriber_list_async": (
        _status,
        [TranscriberP, c_int, c_char_p, c_char_p, c_char_p, c_char_p, c_int, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)],
    ),
    "aai_future_wait": (_status, [FutureP, c_long, POINTER(_status)]),
    "aai_future_cancel": (_status, [FutureP]),
    "aai_future_free": (None, [FutureP]),
    "aai_future_transcript": (_status, [FutureP, POINTER(TranscriptP)]),
    "aai_future_transcript_list": (_status, [FutureP, POINTER(TranscriptListP)]),
    "aai_transcriber_transcribe_group": (
        _status, [TranscriberP, POINTER(c_char_p), c_size_t, ConfigP, c_int, c_int, POINTER(TranscriptGroupP)],
    ),
    "aai_transcriber_submit_group": (
        _status, [TranscriberP, POINTER(c_char_p), c_size_t, ConfigP, c_int, c_int, POINTER(TranscriptGroupP)],
    ),
    "aai_transcriber_transcribe_group_async": (
        _status,
        [TranscriberP, POINTER(c_char_p), c_size_t, ConfigP, c_int, c_int, FUTURE_CALLBACK, c_void_p, POINTER(FutureP)],
    ),
    "aai_future_group": (_status, [FutureP, POINTER(TranscriptGroupP)]),
    "aai_transcriber_group_from_ids": (
        _status, [TranscriberP, POINTER(c_char_p), c_size_t, c_int, POINTER(TranscriptGroupP)],
    ),
    "aai_transcriber_group_refresh": (_status, [TranscriberP, TranscriptGroupP, c_int, POINTER(TranscriptGroupP)]),
    "aai_transcriber_group_wait": (_status, [TranscriberP, TranscriptGroupP, c_int, POINTER(TranscriptGroupP)]),
    "aai_transcript_group_free": (None, [TranscriptGroupP]),
    "aai_transcript_group_count": (c_size_t, [TranscriptGroupP]),
    "aai_transcript_group_status": (c_int, [TranscriptGroupP]),
    "aai_transcript_group_item": (_status, [TranscriptGroupP, c_size_t, POINTER(TranscriptP), POINTER(_status)]),
    "aai_transcript_group_item_error": (c_char_p, [TranscriptGroupP, c_size_t]),
    "aai_webhook_parse": (_status, [c_char_p, c_size_t, c_char_p, c_char_p, POINTER(c_void_p), POINTER(c_int)]),
    "aai_webhook_parse_redacted_audio": (_status, [c_char_p, c_size_t, c_char_p, c_char_p, POINTER(c_void_p)]),
    # Streaming
    # Streaming
    "aai_streaming_new": (_status, [ClientP, c_int, POINTER(StreamingP)]),
    "aai_streaming_free": (None, [StreamingP]),
    "aai_streaming_set_callback": (_status, [StreamingP, STREAMING_CALLBACK, c_void_p]),
    "aai_streaming_set_url": (_status, [StreamingP, c_char_p]),
    "aai_streaming_set_token": (_status, [StreamingP, c_char_p]),
    "aai_streaming_set_sample_rate": (_status, [StreamingP, c_int]),
    "aai_streaming_set_encoding": (_status, [StreamingP, c_char_p]),
    "aai_streaming_set_param": (_status, [StreamingP, c_char_p, c_char_p]),
    "aai_streaming_set_word_boost": (_status, [StreamingP, POINTER(c_char_p), c_size_t]),
    "aai_streaming_set_disable_partial_transcripts": (_status, [StreamingP, c_int]),
    "aai_streaming_set_enable_extra_session_information": (_status, [StreamingP, c_int]),
    "aai_streaming_set_end_utterance_silence_threshold": (_status, [StreamingP, c_int]),
    "aai_streaming_set_speech_model": (_status, [StreamingP, c_char_p]),
    "aai_streaming_set_format_turns": (_status, [StreamingP, c_int]),
    "aai_streaming_set_keyterms_prompt": (_status, [StreamingP, POINTER(c_char_p), c_size_t]),
    "aai_streaming_set_prompt": (_status, [StreamingP, c_char_p]),
    "aai_streaming_set_inactivity_timeout": (_status, [StreamingP, c_int]),
    "aai_streaming_set_language_detection": (_status, [StreamingP, c_int]),
    "aai_streaming_set_speaker_labels": (_status, [StreamingP, c_int]),
    "aai_streaming_set_max_speakers": (_status, [StreamingP, c_int]),
    "aai_streaming_set_vad_threshold": (_status, [StreamingP, c_double]),
    "aai_streaming_set_min_turn_silence": (_status, [StreamingP, c_int]),
    "aai_streaming_set_max_turn_silence": (_status, [StreamingP, c_int]),
    "aai_streaming_set_end_of_turn_confidence_threshold": (_status, [StreamingP, c_double]),
    "aai_streaming_set_connect_timeout_ms": (_status, [StreamingP, c_long]),
    "aai_streaming_set_keepalive_ms": (_status, [StreamingP, c_long]),
    "aai_streaming_set_queue_capacity": (_status, [StreamingP, c_size_t]),
    "aai_streaming_set_send_timeout_ms": (_status, [StreamingP, c_long]),
    "aai_streaming_url": (_status, [StreamingP, POINTER(c_void_p)]),
    "aai_streaming_connect": (_status, [StreamingP]),
    "aai_streaming_send_audio": (_status, [StreamingP, c_void_p, c_size_t]),
    "aai_streaming_force_endpoint": (_status, [StreamingP]),
    "aai_streaming_update_configuration": (_status, [StreamingP, c_char_p]),
    "aai_streaming_send_json": (_status, [StreamingP, c_char_p]),
    "aai_streaming_close": (_status, [StreamingP, c_long]),
    "aai_streaming_session_id": (c_char_p, [StreamingP]),
    "aai_streaming_close_code": (c_int, [StreamingP]),
    "aai_streaming_close_reason": (c_char_p, [StreamingP]),
    "aai_streaming_close_code_meaning": (c_char_p, [c_int, c_int]),
    "aai_streaming_audio_bytes": (_status, [StreamingP, POINTER(c_uint64), POINTER(c_uint64)]),
    "aai_streaming_send_wav_file": (_status, [StreamingP, c_char_p, c_int, c_int]),
    "aai_streaming_start_microphone": (_status, [StreamingP, c_char_p, c_int, c_long]),
    "aai_streaming_stop_microphone": (_status, [StreamingP]),
    "aai_streaming_create_token_v2": (_status, [ClientP, c_int, POINTER(c_void_p)]),
    "aai_streaming_create_token_v3": (_status, [ClientP, c_char_p, c_int, c_int, POINTER(c_void_p)]),
}

# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

ENV_LIB = "ASSEMBLYAI_NATIVE_LIB"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
BUNDLED_DIR = os.path.join(_PACKAGE_DIR, "_lib")


def _bundled_candidates() -> List[str]:
    try:
        names = os.listdir(BUNDLED_DIR)
    except OSError:
        return []
    libs = [n for n in names
            if n == "libassemblyai.so" or n.startswith("libassemblyai.so.")
            or (n.startswith("libassemblyai") and n.endswith(".dylib"))]
    # Prefer the SONAME file, then the plain name, then anything else (a fuller version).
    order = {"libassemblyai.so.0": 0, "libassemblyai.so": 1}
    libs.sort(key=lambda n: (order.get(n, 2), n))
    return [os.path.join(BUNDLED_DIR, n) for n in libs]


_INSTALL_HINT = (
    "Install a wheel of assemblyai_native that bundles the library "
    "(bindings/python/build_wheel.sh PATH/TO/libassemblyai.so), "
    f"or set {ENV_LIB}=/path/to/libassemblyai.so.0, "
    "or put libassemblyai.so.0 on the library search path (LD_LIBRARY_PATH / ldconfig)."
)


def _load() -> Tuple[ctypes.CDLL, str]:
    """Finds and opens libassemblyai: bundled copy, then $ASSEMBLYAI_NATIVE_LIB, then the
    system search path. Raises ImportError saying what was tried and what to do."""
    tried: List[str] = []

    def attempt(what: str, path: str) -> Optional[ctypes.CDLL]:
        try:
            return ctypes.CDLL(path)
        except OSError as exc:
            tried.append(f"{what} {path!r}: {exc}")
            return None

    for path in _bundled_candidates():
        lib = attempt("bundled copy", path)
        if lib is not None:
            return lib, path
    if not tried:
        tried.append(f"bundled copy: none in {BUNDLED_DIR}")

    env = os.environ.get(ENV_LIB)
    if env:
        lib = attempt(f"${ENV_LIB}", env)
        if lib is not None:
            return lib, env
        # The user named a library explicitly: do not silently pick another one.
        raise ImportError(
            f"assemblyai_native: cannot load libassemblyai from ${ENV_LIB}={env!r} "
            f"({tried[-1].split(': ', 1)[-1]}). Point {ENV_LIB} at an existing libassemblyai.so.0."
        )
    tried.append(f"${ENV_LIB}: not set")

    from ctypes.util import find_library  # only here: it imports subprocess, shutil, tempfile (~10 ms)

    found = find_library("assemblyai")
    if found:
        lib = attempt("find_library('assemblyai')", found)
        if lib is not None:
            return lib, found
    else:
        tried.append("ctypes.util.find_library('assemblyai'): nothing found")

    # find_library() does not always consult LD_LIBRARY_PATH (it needs ldconfig, gcc or
    # ld); the dynamic loader itself does.
    for name in ("libassemblyai.so.0", "libassemblyai.so"):
        lib = attempt("dlopen", name)
        if lib is not None:
            return lib, name

    raise ImportError(
        "assemblyai_native: the native library libassemblyai was not found. "
        + _INSTALL_HINT
        + " Tried: "
        + "; ".join(tried)
    )


class _Library:
    """libassemblyai's functions by name. Each is declared (restype, argtypes from SIGNATURES)
    on first use and then kept as an attribute, so a program pays only for what it calls. A
    function the loaded library lacks fails at that first use, naming the function."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self._cdll = cdll
        self._path = path

    def __getattr__(self, name: str) -> Any:
        try:
            restype, argtypes = SIGNATURES[name]
        except KeyError:
            raise AttributeError(f"libassemblyai has no function {name!r} in include/assemblyai.h") from None
        try:
            fn = self._cdll[name]  # a new function object (not CDLL's shared cache)
        except AttributeError:
            raise errors.NotImplementedByLibraryError(
                f"assemblyai_native: the library at {self._path!r} lacks {name}: it is older than "
                f"this binding or not libassemblyai. " + _INSTALL_HINT,
                status="AAI_ERR_NOT_IMPLEMENTED",
            ) from None
        fn.restype = restype
        fn.argtypes = argtypes
        self.__dict__[name] = fn  # later lookups skip __getattr__
        return fn


def _open() -> Tuple[_Library, str, int]:
    lib, path = _load()
    try:
        vn = lib.aai_version_number
    except AttributeError:
        raise ImportError(
            f"assemblyai_native: {path!r} is not libassemblyai (no aai_version_number). "
            + _INSTALL_HINT
        ) from None
    vn.restype = c_int
    vn.argtypes = []
    number = int(vn())
    if not (MIN_VERSION_NUMBER <= number < MAX_VERSION_NUMBER_EXCLUSIVE):
        have = f"{number // 1000000}.{number // 1000 % 1000}.{number % 1000}"
        raise ImportError(
            f"assemblyai_native: libassemblyai at {path!r} is version {have}; this binding needs "
            f"0.x with x.y >= 0.1.0. " + _INSTALL_HINT
        )
    return _Library(lib, path), path, number


lib, LIBRARY_PATH, VERSION_NUMBER = _open()
LIBRARY_VERSION: str = (lib.aai_version() or b"").decode("ascii", "replace")

# --------------------------------------------------------------------------------------
# Strings
# --------------------------------------------------------------------------------------


def text(value: Optional[bytes]) -> Optional[str]:
    """A borrowed C string (as ctypes hands it over) as str, None for NULL."""
    if value is None:
        return None
    return value.decode("utf-8", "replace")


def take_string(ptr: c_void_p) -> Optional[str]:
    """Copies a caller-owned C string into a str and frees it with aai_string_free."""
    if not ptr.value:
        return None
    try:
        return ctypes.string_at(ptr.value).decode("utf-8", "replace")
    finally:
        lib.aai_string_free(ptr)


def encode(value: str, what: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} must not contain NUL characters")
    return value.encode("utf-8")


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------

# Failures whose cause is local: they get a class that also derives from the matching
# Python built-in, whatever operation failed.
_LOCAL_CLASSES: Dict[int, Type[errors.AssemblyAIError]] = {
    AAI_ERR_INVALID_ARGUMENT: errors.InvalidArgumentError,
    AAI_ERR_NOT_IMPLEMENTED: errors.NotImplementedByLibraryError,
    AAI_ERR_IO: errors.AudioFileError,
    AAI_ERR_NO_MEMORY: errors.AssemblyAIError,
    AAI_ERR_INTERNAL: errors.AssemblyAIError,
}

# Set by the settings module: returns the current API key so that it can be scrubbed from
# messages (the library promises never to put it there; this is a second guard).
secret_provider: Callable[[], Optional[str]] = lambda: None


def _scrub(s: Optional[str]) -> Optional[str]:
    if not s:
        return s
    secret = secret_provider()
    if secret and len(secret) >= 4 and secret in s:
        s = s.replace(secret, "***")
    return s


def status_name(status: int) -> str:
    return text(lib.aai_status_name(status)) or "AAI_ERR_UNKNOWN"


def last_error(status: int, kind: Type[errors.AssemblyAIError] = errors.AssemblyAIError,
               path: Optional[str] = None) -> errors.AssemblyAIError:
    """Builds the exception for `status`, which the last call on this thread returned."""
    name = status_name(status)
    if lib.aai_last_error_status() == status:
        message = _scrub(text(lib.aai_last_error_message())) or name
        http = int(lib.aai_last_error_http_status()) or None
        server_text = _scrub(text(lib.aai_last_error_server_text()))
        retryable = bool(lib.aai_last_error_retryable())
    else:
        # The details on record belong to an earlier failure: do not show them.
        message, http, server_text, retryable = f"{name} (the library gave no details)", None, None, False
    cls = _LOCAL_CLASSES.get(status, kind)
    if cls is errors.AudioFileError and path is not None and not os.path.exists(path):
        cls = errors.AudioFileNotFoundError
    exc = cls(message, http, server_text=server_text, retryable=retryable, status=name)
    if isinstance(exc, OSError) and path is not None:
        exc.filename = path
    return exc


def check(status: int, kind: Type[errors.AssemblyAIError] = errors.AssemblyAIError,
          path: Optional[str] = None) -> None:
    """Raises the right exception when `status` is not AAI_OK."""
    if status != AAI_OK:
        raise last_error(status, kind, path)


# --------------------------------------------------------------------------------------
# Handles
# --------------------------------------------------------------------------------------


class Handle:
    """Owns one library handle and frees it when garbage-collected (or on close()).

    Callers keep the Handle object referenced for as long as a C call uses its pointer."""

    __slots__ = ("ptr", "_finalizer", "__weakref__")

    def __init__(self, ptr: Any, free: Callable[[Any], None]) -> None:
        self.ptr = ptr
        self._finalizer = weakref.finalize(self, free, ptr)

    def close(self) -> None:
        self._finalizer()


def new_handle(fn: Callable[..., int], ptr_type: Any, free: Callable[[Any], None], *args: Any,
               kind: Type[errors.AssemblyAIError] = errors.AssemblyAIError) -> Handle:
    out = ptr_type()
    check(fn(*args, ctypes.byref(out)), kind)
    if not out:
        raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no handle", status="AAI_ERR_INTERNAL")
    return Handle(out, free)

