"""LeMUR, mirroring the official SDK's ``assemblyai.lemur``: questions, summaries, action items
and custom tasks over transcripts or input text, through libassemblyai's ``aai_lemur_*`` calls."""

from __future__ import annotations

import concurrent.futures
import ctypes
import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, TypeVar, Union, cast

from . import _ffi, errors
from ._ffi import lib
from ._settings import _build_client, settings
from ._arrays import _items, _usage
from ._pools import _shared_executor
from .transcript import Transcript
from .transcript_group import TranscriptGroup
from .types import LemurActionItemsResponse, LemurModel, LemurPurgeResponse, LemurQuestion, LemurQuestionAnswer, LemurQuestionResponse, LemurSourceType, LemurStringResponse, LemurSummaryResponse, LemurTaskResponse, LemurUsage
from .types._base import _plain, _to_json

_dec = _ffi.text
_R = TypeVar("_R", bound=LemurStringResponse)
Context = Union[str, Dict[str, Any]]


class LemurSource:
    """A source LeMUR works on (a Transcript), as in the official SDK."""

    def __init__(self, source: Transcript) -> None:
        if not isinstance(source, Transcript):
            raise ValueError(f"Invalid source: {source}")
        self._source = source
        self._type = LemurSourceType.transcript

    @property
    def source(self) -> Transcript:
        return self._source

    @property
    def type(self) -> LemurSourceType:
        return self._type


class LemurTranscriptSource(LemurSource):
    """A transcript (or a transcript id) as a LeMUR source."""

    def __init__(self, transcript: Union[Transcript, str]) -> None:
        if isinstance(transcript, str):
            transcript = Transcript(transcript_id=transcript)
        super().__init__(transcript)


def _transcript_ids(sources: Optional[Iterable[Any]]) -> List[str]:
    ids: List[str] = []
    for s in sources or ():
        if isinstance(s, LemurSource):
            s = s.source
        if isinstance(s, TranscriptGroup):
            ids.extend(s.transcript_ids)
            continue
        if isinstance(s, Transcript):
            s = s.id
        if not isinstance(s, str) or not s:
            raise ValueError(f"Invalid source: {s!r} (a LemurSource, Transcript, TranscriptGroup or transcript id)")
        ids.append(s)
    return ids


def _client(timeout: Optional[float]) -> _ffi.Handle:
    """The client for a call: the settings' one, or with `timeout` (seconds) a copy of it
    whose LeMUR/LLM time limit is that."""
    if timeout is None:
        return settings._client_handle()
    settings._client_handle()  # the same checks (API key) as without a timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds greater than 0, got {timeout!r}")
    client = _build_client(settings.dict())
    ms = max(1, min(2**31 - 1, int(round(timeout * 1000))))
    _ffi.check(lib.aai_client_set_llm_timeout_ms(client.ptr, ctypes.c_long(ms)), errors.InvalidArgumentError)
    return client


def _string_response(handle: _ffi.Handle, cls: Any) -> Any:
    ptr = handle.ptr
    text = _dec(lib.aai_lemur_response_text(ptr))
    if text is None and cls is LemurStringResponse:  # get_response_data of a question-answer request
        return _question_response(handle)
    return cls(request_id=_dec(lib.aai_lemur_response_request_id(ptr)) or "", usage=_lemur_usage(ptr),
               response=text or "", _json=_json_text(ptr))


def _question_response(handle: _ffi.Handle) -> LemurQuestionResponse:
    ptr = handle.ptr
    answers = ctypes.POINTER(_ffi.aai_lemur_answer)()
    count = ctypes.c_size_t()
    _ffi.check(lib.aai_lemur_response_answers(ptr, ctypes.byref(answers), ctypes.byref(count)))
    return LemurQuestionResponse(
        request_id=_dec(lib.aai_lemur_response_request_id(ptr)) or "", usage=_lemur_usage(ptr),
        response=[LemurQuestionAnswer(question=_dec(a.question) or "", answer=_dec(a.answer) or "")
                  for a in _items(answers, count.value)],
        _json=_json_text(ptr))


def _lemur_usage(ptr: Any) -> LemurUsage:
    i, o = ctypes.c_int64(-1), ctypes.c_int64(-1)
    _ffi.check(lib.aai_lemur_response_usage(ptr, ctypes.byref(i), ctypes.byref(o)))
    return LemurUsage(input_tokens=_usage(i.value), output_tokens=_usage(o.value))


def _json_text(ptr: Any) -> Optional[str]:
    out = ctypes.c_void_p()
    length = ctypes.c_size_t()
    if lib.aai_lemur_response_json(ptr, ctypes.byref(out), ctypes.byref(length)) != _ffi.AAI_OK or not out.value:
        return None
    return ctypes.string_at(out.value, length.value).decode("utf-8", "replace")


class Lemur:
    """LeMUR over transcripts (``sources``) or over ``input_text``, as in the official SDK.

    ``sources`` takes LemurSource objects (what ``transcript.lemur`` and
    ``transcript_group.lemur`` use), and also plain Transcripts, TranscriptGroups or transcript
    ids. Errors from the API raise :class:`LemurError` with its ``status_code``; arguments
    the library refuses before sending (an empty prompt, nothing to work on, a temperature
    out of range, ...) raise InvalidArgumentError (a ValueError).
    """

    def __init__(self, sources: Optional[Sequence[Any]] = None, client: Any = None) -> None:
        if client is not None:
            raise NotImplementedError("assemblyai_native has no Client objects yet: use aai.settings")
        self._sources = list(sources) if sources is not None else []
        self._transcript_ids = _transcript_ids(self._sources)

    @property
    def sources(self) -> List[Any]:
        return list(self._sources)

    # -- building the request ------------------------------------------------------------

    def _params(self, context: Optional[Context], final_model: Optional[Union[str, LemurModel]],
                max_output_size: Optional[int], temperature: Optional[float],
                input_text: Optional[str]) -> _ffi.Handle:
        params = _ffi.new_handle(lib.aai_lemur_params_new, _ffi.LemurParamsP, lib.aai_lemur_params_free)
        ptr = params.ptr
        invalid = errors.InvalidArgumentError
        for tid in self._transcript_ids:
            _ffi.check(lib.aai_lemur_params_add_transcript_id(ptr, _ffi.encode(tid, "transcript id")), invalid)
        if input_text is not None:
            _ffi.check(lib.aai_lemur_params_set_input_text(ptr, _ffi.encode(input_text, "input_text")), invalid)
        if isinstance(context, str):
            _ffi.check(lib.aai_lemur_params_set_context(ptr, _ffi.encode(context, "context")), invalid)
        elif context is not None:  # an object (the API takes a string or an object)
            _ffi.check(lib.aai_lemur_params_set_json(ptr, _to_json({"context": context}).encode()), invalid)
        if final_model is not None:
            _ffi.check(lib.aai_lemur_params_set_final_model(ptr, _ffi.encode(_plain(final_model), "final_model")), invalid)
        if max_output_size is not None:
            if isinstance(max_output_size, bool) or not isinstance(max_output_size, int) or not 0 < max_output_size < 2**31:
                raise invalid(f"max_output_size must be a positive int, got {max_output_size!r}")
            _ffi.check(lib.aai_lemur_params_set_max_output_size(ptr, max_output_size), invalid)
        if temperature is not None:
            _ffi.check(lib.aai_lemur_params_set_temperature(ptr, _ffi.number(temperature, "temperature")), invalid)
        return params

    @staticmethod
    def _response(status: int, out: Any) -> _ffi.Handle:
        handle = _ffi.Handle(out, lib.aai_lemur_response_free) if out else None
        _ffi.check(status, errors.LemurError)
        if handle is None:
            raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no LeMUR response", status="AAI_ERR_INTERNAL")
        return handle

    def _string_call(self, fn: Any, text: Optional[str], what: str, cls: "type[_R]", context: Optional[Context],
                     final_model: Any, max_output_size: Optional[int], timeout: Optional[float],
                     temperature: Optional[float], input_text: Optional[str]) -> _R:
        params = self._params(context, final_model, max_output_size, temperature, input_text)
        client = _client(timeout)
        arg = None if text is None else _ffi.encode(text, what)
        out = _ffi.LemurResponseP()
        status = fn(client.ptr, params.ptr, arg, ctypes.byref(out))
        return cast(_R, _string_response(self._response(status, out), cls))

    # -- the calls ---------------------------------------------------------------------------

    def task(self, prompt: str, context: Optional[Context] = None, final_model: Optional[Union[str, LemurModel]] = None,
             max_output_size: Optional[int] = None, timeout: Optional[float] = None,
             temperature: Optional[float] = None, input_text: Optional[str] = None) -> LemurTaskResponse:
        """A custom task: `prompt` applied to the sources (or `input_text`)."""
        return self._string_call(lib.aai_lemur_task, prompt, "prompt", LemurTaskResponse, context, final_model,
                                 max_output_size, timeout, temperature, input_text)

    def summarize(self, context: Optional[Context] = None, answer_format: Optional[str] = None,
                  final_model: Optional[Union[str, LemurModel]] = None, max_output_size: Optional[int] = None,
                  timeout: Optional[float] = None, temperature: Optional[float] = None,
                  input_text: Optional[str] = None) -> LemurSummaryResponse:
        """A summary of the sources (or `input_text`), in `answer_format` (e.g. "TLDR")."""
        return self._string_call(lib.aai_lemur_summary, answer_format, "answer_format", LemurSummaryResponse, context,
                                 final_model, max_output_size, timeout, temperature, input_text)

    def action_items(self, context: Optional[Context] = None, answer_format: Optional[str] = None,
                     final_model: Optional[Union[str, LemurModel]] = None, max_output_size: Optional[int] = None,
                     timeout: Optional[float] = None, temperature: Optional[float] = None,
                     input_text: Optional[str] = None) -> LemurActionItemsResponse:
        """Action items from the sources (or `input_text`)."""
        return self._string_call(lib.aai_lemur_action_items, answer_format, "answer_format", LemurActionItemsResponse,
                                 context, final_model, max_output_size, timeout, temperature, input_text)

    def question(self, questions: Union[LemurQuestion, Sequence[LemurQuestion]], context: Optional[Context] = None,
                 final_model: Optional[Union[str, LemurModel]] = None, max_output_size: Optional[int] = None,
                 timeout: Optional[float] = None, temperature: Optional[float] = None,
                 input_text: Optional[str] = None) -> LemurQuestionResponse:
        """Answers to one or several questions about the sources (or `input_text`). A
        question's own ``context`` given as a dict is sent as its JSON text."""
        if isinstance(questions, LemurQuestion):
            questions = [questions]
        qs = list(questions)
        keep: List[Any] = []  # the bytes and arrays the structs point to
        array = (_ffi.aai_lemur_question * max(1, len(qs)))()
        for i, q in enumerate(qs):
            if isinstance(q, dict):
                q = LemurQuestion(**q)
            if not isinstance(q, LemurQuestion):
                raise TypeError(f"questions must be LemurQuestion objects, not {type(q).__name__}")
            item = array[i]
            item.question = _ffi.encode(q.question, "question")
            if q.context is not None:
                ctx = q.context if isinstance(q.context, str) else json.dumps(q.context, ensure_ascii=False)
                item.context = _ffi.encode(ctx, "question context")
            if q.answer_format is not None:
                item.answer_format = _ffi.encode(q.answer_format, "answer_format")
            if q.answer_options:
                options = [_ffi.encode(o, "answer_options") for o in q.answer_options]
                opt_array = (ctypes.c_char_p * len(options))(*options)
                keep.append(opt_array)
                item.answer_options = opt_array
                item.answer_option_count = len(options)
        params = self._params(context, final_model, max_output_size, temperature, input_text)
        client = _client(timeout)
        out = _ffi.LemurResponseP()
        status = lib.aai_lemur_question_answer(client.ptr, params.ptr, array, len(qs), ctypes.byref(out))
        return _question_response(self._response(status, out))

    def get_response_data(self, request_id: str,
                          timeout: Optional[float] = None) -> Union[LemurStringResponse, LemurQuestionResponse]:
        """A previous LeMUR response, by its request id."""
        return _get_response(request_id, timeout)

    @classmethod
    def purge_request_data(cls, request_id: str, timeout: Optional[float] = None) -> LemurPurgeResponse:
        """Deletes the data of a previous LeMUR request."""
        client = _client(timeout)
        deleted = ctypes.c_int(0)
        status = lib.aai_lemur_purge_request_data(client.ptr, _ffi.encode(request_id, "request_id"), ctypes.byref(deleted))
        _ffi.check(status, errors.LemurError)
        return LemurPurgeResponse(request_id=None, request_id_to_purge=request_id, deleted=bool(deleted.value))

    # -- _async variants ---------------------------------------------------------------------

    def task_async(self, *args: Any, **kwargs: Any) -> "concurrent.futures.Future[LemurTaskResponse]":
        return _shared_executor().submit(self.task, *args, **kwargs)

    def summarize_async(self, *args: Any, **kwargs: Any) -> "concurrent.futures.Future[LemurSummaryResponse]":
        return _shared_executor().submit(self.summarize, *args, **kwargs)

    def action_items_async(self, *args: Any, **kwargs: Any) -> "concurrent.futures.Future[LemurActionItemsResponse]":
        return _shared_executor().submit(self.action_items, *args, **kwargs)

    def question_async(self, *args: Any, **kwargs: Any) -> "concurrent.futures.Future[LemurQuestionResponse]":
        return _shared_executor().submit(self.question, *args, **kwargs)

    def get_response_data_async(self, request_id: str, timeout: Optional[float] = None) -> "concurrent.futures.Future[Any]":
        return _shared_executor().submit(self.get_response_data, request_id, timeout)

    @classmethod
    def purge_request_data_async(cls, request_id: str,
                                 timeout: Optional[float] = None) -> "concurrent.futures.Future[LemurPurgeResponse]":
        return _shared_executor().submit(cls.purge_request_data, request_id, timeout)

    def __repr__(self) -> str:
        return f"<Lemur transcript_ids={self._transcript_ids!r}>"


def _get_response(request_id: str, timeout: Optional[float]) -> Union[LemurStringResponse, LemurQuestionResponse]:
    client = _client(timeout)
    out = _ffi.LemurResponseP()
    status = lib.aai_lemur_get_response(client.ptr, _ffi.encode(request_id, "request_id"), ctypes.byref(out))
    return _string_response(Lemur._response(status, out), LemurStringResponse)  # type: ignore[no-any-return]


__all__ = ["Lemur", "LemurSource", "LemurTranscriptSource"]
