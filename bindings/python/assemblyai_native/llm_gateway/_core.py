"""The LLM Gateway (LeMUR's successor), through libassemblyai's ``aai_llm_*`` calls.

The official SDK's 1.x line has no chat client of its own: it reaches the gateway's speech
understanding through ``TranscriptionConfig(speech_understanding=...)`` (supported here too)
and tells users to send ``transcript.text`` to an LLM. This module is that LLM call, on the
gateway's own host, shaped like the gateway's JSON (which follows the OpenAI chat format)::

    gateway = aai.LLMGateway()
    response = gateway.chat_completion(
        "claude-sonnet-4-5-20250929",
        [{"role": "user", "content": "Summarize the call."}],
        transcript=transcript,          # the transcript as context (a system message)
    )
    print(response.text, response.usage.total_tokens)
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import json
import threading
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .. import _ffi, errors
from .._ffi import lib
from .._model import field, model
from .._settings import _build_client, settings
from .._arrays import _items, _usage
from .._pools import _shared_executor
from ..transcript import Transcript
from ..types import SpeechUnderstandingRequest
from ..types._base import _JSONResponse, _Model, _plain, _to_json

_dec = _ffi.text

ENV_BASE_URL = "ASSEMBLYAI_LLM_GATEWAY_BASE_URL"
DEFAULT_BASE_URL = "https://llm-gateway.assemblyai.com"


# --------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------


@model
class LLMGatewayMessage(_Model):
    """A chat message: role "system", "user", "assistant" or "tool" (with tool_call_id)."""

    role: str
    content: Union[str, List[Dict[str, Any]]]
    tool_call_id: Optional[str] = None
    name: Optional[str] = None


@model
class LLMGatewayTool(_Model):
    """A function the model may call; ``parameters`` is a JSON Schema object."""

    name: str
    parameters: Optional[Dict[str, Any]] = None
    description: Optional[str] = None


@model
class LLMGatewayToolCall(_Model):
    """A call of a declared function that the model asks for; ``arguments`` is JSON text."""

    id: str
    name: str
    arguments: str

    @property
    def parsed_arguments(self) -> Any:
        "The arguments, parsed"
        return json.loads(self.arguments) if self.arguments else None


@model
class LLMGatewayUsage(_Model):
    """Token usage (None when the gateway did not say). A streamed answer's usage chunk carries
    the provider's ``prompt_tokens`` and ``completion_tokens`` (as in 1.8.2's model); the
    assembled response of a stream has both spellings."""

    input_tokens: Optional[int]
    output_tokens: Optional[int]
    total_tokens: Optional[int]
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None


@model
class LLMGatewayResponse(_Model, _JSONResponse):
    """A chat completion: the first choice's text, finish reason and tool calls, usage, and the
    whole response in ``json_response`` (``choices`` for every choice)."""

    request_id: Optional[str]
    text: Optional[str]
    finish_reason: Optional[str]
    tool_calls: List[LLMGatewayToolCall]
    usage: LLMGatewayUsage
    _json: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def choices(self) -> List[Dict[str, Any]]:
        return list(self.json_response.get("choices") or [])


@model
class LLMGatewayUnderstandingResponse(_Model, _JSONResponse):
    """The answer of a speech understanding task (translation, speaker identification, custom
    formatting): the transcript's fields it changed, with ``speech_understanding`` holding the
    request and the results."""

    request_id: Optional[str]
    _json: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def speech_understanding(self) -> Optional[Dict[str, Any]]:
        return self.json_response.get("speech_understanding")

    @property
    def translated_texts(self) -> Optional[Dict[str, str]]:
        return self.json_response.get("translated_texts")

    @property
    def utterances(self) -> Optional[List[Dict[str, Any]]]:
        return self.json_response.get("utterances")


# --------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------

def _message_dict(m: Any) -> Dict[str, Any]:
    if isinstance(m, LLMGatewayMessage):
        return m.dict(exclude_none=True)
    if isinstance(m, Mapping):
        return dict(m)
    raise TypeError(f"messages must be dicts or LLMGatewayMessage objects, not {type(m).__name__}")


def _tool_parts(t: Any) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """(name, description, parameters JSON) of an LLMGatewayTool or a tool dict of the API."""
    name: Optional[str]
    if isinstance(t, LLMGatewayTool):
        name, description, parameters = t.name, t.description, t.parameters
    elif isinstance(t, Mapping):
        fn = t.get("function", t)
        if not isinstance(fn, Mapping):
            raise TypeError("a tool dict must be {'type': 'function', 'function': {...}}")
        name, description, parameters = fn.get("name"), fn.get("description"), fn.get("parameters")
    else:
        raise TypeError(f"tools must be dicts or LLMGatewayTool objects, not {type(t).__name__}")
    return name, description, None if parameters is None else _to_json(parameters)


class LLMGateway:
    """The LLM Gateway on its own host (``base_url``, default ``aai.settings.llm_gateway_base_url``:
    $ASSEMBLYAI_LLM_GATEWAY_BASE_URL or https://llm-gateway.assemblyai.com), authenticated with
    ``aai.settings.api_key``. ``timeout`` is the time limit of one call in seconds (default
    ``aai.settings.llm_gateway_http_timeout``, 600 s).

    Failures the gateway reports raise :class:`LLMGatewayError` with its ``status_code``;
    requests the library refuses before sending (no messages nor prompt, a role it does not
    know, temperature out of 0..2, ...) raise InvalidArgumentError (a ValueError)."""

    def __init__(self, base_url: Optional[str] = None, timeout: Optional[float] = None) -> None:
        self._base_url = base_url
        if self._base_url is not None and not isinstance(self._base_url, str):
            raise TypeError("base_url must be a str")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0):
            raise ValueError(f"timeout must be a number of seconds greater than 0, got {timeout!r}")
        self._timeout = timeout
        self._lock = threading.Lock()
        self._cached: Optional[Tuple[_ffi.Handle, _ffi.Handle]] = None
        #: 1.8.2's resources: ``chat.completions.create(...)``, ``models.list()``.
        self.chat = _Chat(self)
        self.models = _Models(self)
        if self._base_url is not None:  # check it now rather than at the first call
            self._configure(_ffi.new_handle(lib.aai_client_new, _ffi.ClientP, lib.aai_client_free))

    @property
    def base_url(self) -> str:
        """The gateway's URL in use. Unless given here or in the settings, it follows the
        settings' base URL: the EU gateway for the EU REST host, else the US one."""
        current = self._settings()
        if self._base_url:
            return self._base_url
        if current.llm_gateway_base_url != DEFAULT_BASE_URL:
            return current.llm_gateway_base_url
        if current.base_url.rstrip("/").lower() == "https://api.eu.assemblyai.com":
            return "https://llm-gateway.eu.assemblyai.com"
        return DEFAULT_BASE_URL

    def _configure(self, client: _ffi.Handle) -> _ffi.Handle:
        invalid = errors.InvalidArgumentError
        if self._base_url is not None:
            _ffi.check(lib.aai_client_set_llm_gateway_base_url(client.ptr, _ffi.encode(self._base_url, "base_url")), invalid)
        if self._timeout is not None:
            ms = max(1, min(2**31 - 1, int(round(self._timeout * 1000))))
            _ffi.check(lib.aai_client_set_llm_timeout_ms(client.ptr, ctypes.c_long(ms)), invalid)
        return client

    def _settings(self) -> Any:
        """The settings this gateway's requests use: the global ``aai.settings``."""
        return settings

    def _client(self) -> _ffi.Handle:
        """A client with the current settings and this gateway's URL (rebuilt when the settings change)."""
        source = self._settings()
        current = source._client_handle()
        with self._lock:
            if self._cached is None or self._cached[0] is not current:
                self._cached = (current, self._configure(_build_client(source.dict())))
            return self._cached[1]

    # -- chat completions --------------------------------------------------------------------

    def chat_completion(
        self,
        model: str,
        messages: Optional[Sequence[Union[LLMGatewayMessage, Mapping[str, Any]]]] = None,
        *,
        prompt: Optional[str] = None,
        max_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
        tools: Optional[Sequence[Union[LLMGatewayTool, Mapping[str, Any]]]] = None,
        tool_choice: Optional[Union[str, Mapping[str, Any]]] = None,
        response_format: Optional[Mapping[str, Any]] = None,
        transcript: Optional[Transcript] = None,
        with_speakers: bool = False,
        extra: Optional[Mapping[str, Any]] = None,
        stream: bool = False,
        on_chunk: Optional[Any] = None,
        on_done: Optional[Any] = None,
        _as_future: bool = False,
    ) -> Any:
        """Sends a chat completion request (POST /v1/chat/completions).

        With ``stream=True`` the request is sent with ``"stream": true`` and the call returns
        at once with an :class:`LLMGatewayStream`: iterate it for each
        :class:`LLMGatewayCompletionChunk` as the gateway sends it (see that class). With
        ``on_chunk`` and ``on_done`` as well (for an asyncio wrapper), nothing is queued for
        iteration: ``on_chunk(chunk)`` runs for each chunk and ``on_done(response, exception)``
        once at the end, on a library worker thread.

        Args:
            model: the model, e.g. "claude-sonnet-4-5-20250929" or "gpt-4.1".
            messages: the conversation: dicts as the API takes them, or LLMGatewayMessage.
            prompt: a plain prompt (the gateway makes it a user message).
            max_tokens, temperature: generation limits (temperature 0 to 2).
            tools: functions the model may call (dicts of the API, or LLMGatewayTool).
            tool_choice, response_format: as the API takes them.
            transcript: a Transcript whose text goes first, as a system message; with
                ``with_speakers`` one "Speaker X: ..." line per utterance.
            extra: more request fields, merged into the request as given.
        """
        invalid = errors.InvalidArgumentError
        req = _ffi.new_handle(lib.aai_llm_request_new, _ffi.LLMRequestP, lib.aai_llm_request_free,
                              _ffi.encode(model, "model"), kind=invalid)
        ptr = req.ptr
        msgs = [_message_dict(m) for m in (messages or ())]

        def simple(m: Dict[str, Any]) -> bool:
            """A message the typed calls express (the library checks its role)."""
            if not isinstance(m.get("content"), str) or not isinstance(m.get("role"), str):
                return False
            if m["role"] == "tool":
                return isinstance(m.get("tool_call_id"), str) and set(m) <= {"role", "content", "tool_call_id"}
            return set(m) <= {"role", "content"}

        if transcript is not None and not isinstance(transcript, Transcript):
            raise TypeError(f"transcript must be a Transcript, not {type(transcript).__name__}")
        keep_alive = transcript._require()[0] if transcript is not None else None
        if all(simple(m) for m in msgs):
            if keep_alive is not None:
                _ffi.check(lib.aai_llm_request_add_transcript(ptr, keep_alive.ptr, 1 if with_speakers else 0), invalid)
            for m in msgs:
                content = _ffi.encode(m["content"], "message content")
                if m["role"] == "tool":
                    _ffi.check(lib.aai_llm_request_add_tool_result(ptr, _ffi.encode(m["tool_call_id"], "tool_call_id"),
                                                                   content), invalid)
                else:
                    _ffi.check(lib.aai_llm_request_add_message(ptr, _ffi.encode(m["role"], "role"), content), invalid)
        else:
            # Messages the typed calls cannot express (content parts, names): sent as given,
            # followed by the transcript's context message.
            _ffi.check(lib.aai_llm_request_set_json(ptr, _to_json({"messages": msgs}).encode()), invalid)
            if keep_alive is not None:
                _ffi.check(lib.aai_llm_request_add_transcript(ptr, keep_alive.ptr, 1 if with_speakers else 0), invalid)
        if prompt is not None:
            _ffi.check(lib.aai_llm_request_set_prompt(ptr, _ffi.encode(prompt, "prompt")), invalid)
        if max_tokens is not None:
            if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or not -2**31 <= max_tokens < 2**31:
                raise invalid(f"max_tokens must be an int >= 1, got {max_tokens!r}")
            _ffi.check(lib.aai_llm_request_set_max_tokens(ptr, max_tokens), invalid)
        if temperature is not None:
            _ffi.check(lib.aai_llm_request_set_temperature(ptr, _ffi.number(temperature, "temperature")), invalid)
        for t in tools or ():
            name, description, parameters = _tool_parts(t)
            _ffi.check(lib.aai_llm_request_add_tool(
                ptr, _ffi.encode(name, "tool name") if name is not None else None,
                None if description is None else _ffi.encode(description, "tool description"),
                None if parameters is None else parameters.encode()), invalid)
        merged: Dict[str, Any] = {}
        if tool_choice is not None:
            merged["tool_choice"] = _plain(tool_choice)
        if response_format is not None:
            merged["response_format"] = response_format
        merged.update(extra or {})
        if merged:
            _ffi.check(lib.aai_llm_request_set_json(ptr, _to_json(merged).encode()), invalid)

        if not isinstance(stream, bool):
            raise TypeError(f"stream must be a bool, not {type(stream).__name__}")
        client = self._client()
        if (on_chunk is not None or on_done is not None) and not (stream and on_chunk is not None and on_done is not None):
            raise TypeError("on_chunk and on_done go together, with stream=True")
        if stream:
            return LLMGatewayStream(client, req, on_chunk=on_chunk, on_done=on_done)
        if _as_future:
            # On the library's worker pool (aai_llm_chat_completion_async): no Python thread waits.
            from .. import _futures

            def finish(c_future: Any, status: int) -> LLMGatewayResponse:
                out = _ffi.LLMResponseP()
                got = lib.aai_future_llm_response(c_future, ctypes.byref(out))
                _ = client  # the client lives until the answer is read
                return _chat_response(_response(got, out))

            return _futures.start(lib.aai_llm_chat_completion_async, (client.ptr, ptr), finish,
                                  lambda status: _ffi.last_error(status, errors.LLMGatewayError))
        out = _ffi.LLMResponseP()
        status = lib.aai_llm_chat_completion(client.ptr, ptr, ctypes.byref(out))
        return _chat_response(_response(status, out))

    def chat_completion_async(self, *args: Any, **kwargs: Any) -> "concurrent.futures.Future[LLMGatewayResponse]":
        """chat_completion() without blocking, on libassemblyai's worker pool (no Python thread
        per call): a ``concurrent.futures.Future`` of the LLMGatewayResponse. Bad arguments
        raise here, as chat_completion() does; cancel() cancels the request."""
        if kwargs.get("stream"):
            raise TypeError("chat_completion_async() does not stream: use chat_completion(..., stream=True)")
        return self.chat_completion(*args, _as_future=True, **kwargs)  # type: ignore[no-any-return]

    # -- speech understanding -------------------------------------------------------------------

    @property
    def understanding(self) -> "_Understanding":
        """Speech understanding: call it, ``understanding(transcript, {"request": {...}})``, or
        as 1.8.2 does, ``understanding.create(transcript_id=..., request={...})``."""
        return _Understanding(self)

    def _list_models(self) -> "LLMGatewayModelList":
        """GET /v1/models through aai_llm_list_models: the answer's JSON as 1.8.2's model list."""
        client = self._client()
        out = ctypes.POINTER(_ffi.aai_llm_model_list)()
        status = lib.aai_llm_list_models(client.ptr, ctypes.byref(out))
        handle = _ffi.Handle(out, lib.aai_llm_model_list_free) if out else None
        _ffi.check(status, errors.LLMGatewayError)
        if handle is None:
            raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no model list", status="AAI_ERR_INTERNAL")
        text = ctypes.c_void_p()
        length = ctypes.c_size_t()
        _ffi.check(lib.aai_llm_model_list_json(handle.ptr, ctypes.byref(text), ctypes.byref(length)))
        raw = ctypes.string_at(text.value, length.value).decode("utf-8", "replace")
        return LLMGatewayModelList(json.loads(raw), raw)

    def _understanding(self, transcript: Union[Transcript, str],
                      speech_understanding: Union[SpeechUnderstandingRequest, Mapping[str, Any]]) -> LLMGatewayUnderstandingResponse:
        """Runs a speech understanding task on a completed transcript (POST /v1/understanding),
        e.g. ``{"request": {"translation": {"target_languages": ["de"]}}}``."""
        tid = transcript.id if isinstance(transcript, Transcript) else transcript
        if not isinstance(tid, str) or not tid:
            raise ValueError("understanding() needs a transcript or a transcript id")
        client = self._client()
        out = _ffi.LLMResponseP()
        status = lib.aai_llm_understanding(client.ptr, _ffi.encode(tid, "transcript id"),
                                           _to_json(speech_understanding).encode(), ctypes.byref(out))
        handle = _response(status, out)
        return LLMGatewayUnderstandingResponse(request_id=_dec(lib.aai_llm_response_request_id(handle.ptr)),
                                               _json=_json_text(handle.ptr))

    def understanding_async(self, *args: Any, **kwargs: Any) -> "concurrent.futures.Future[LLMGatewayUnderstandingResponse]":
        return _shared_executor().submit(self._understanding, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<LLMGateway base_url={self.base_url!r}>"


class _ClientGateway(LLMGateway):
    """The LLMGateway under an ``AsyncLLMGateway``: its requests use an ``AsyncClient``'s
    settings (and fail with RuntimeError once that client is closed)."""

    def __init__(self, async_client: Any, base_url: Optional[str] = None, timeout: Optional[float] = None) -> None:
        self._async_client = async_client
        super().__init__(base_url, timeout)

    def _settings(self) -> Any:
        return self._async_client.settings

    def _client(self) -> _ffi.Handle:
        self._async_client._client_handle()  # RuntimeError when the client is closed
        return super()._client()


# --------------------------------------------------------------------------------------
# Streamed completions (1.8.2's chunk models) and 1.8.2's resource surface
# --------------------------------------------------------------------------------------


class _Loose:
    """A JSON object read by attribute, as 1.8.2's LLM Gateway models (pydantic, extra="allow"):
    the fields a class names are None when absent, any other member is reachable too, nested
    objects become the classes of ``_nested``. ``dict()`` gives the JSON back."""

    _fields: Tuple[str, ...] = ()
    _nested: Dict[str, Any] = {}

    def __init__(self, data: Mapping[str, Any], _raw: Optional[str] = None) -> None:
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "_raw", _raw)  # the JSON text as received, when there is one

    @classmethod
    def parse_obj(cls, data: Mapping[str, Any]) -> Any:
        return cls(data)

    model_validate = parse_obj

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        data = object.__getattribute__(self, "_data")
        if name not in data:
            if name in type(self)._fields:
                return [] if name in ("choices", "data") else None
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        value = data[name]
        kind = type(self)._nested.get(name)
        if kind is not None and value is not None:
            return [kind(v) for v in value] if isinstance(value, list) else kind(value)
        return value

    def dict(self, **_: Any) -> Dict[str, Any]:
        return json.loads(json.dumps(object.__getattribute__(self, "_data")))

    model_dump = dict

    def json(self, **_: Any) -> str:
        return json.dumps(object.__getattribute__(self, "_data"), ensure_ascii=False)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return object.__getattribute__(self, "_data") == object.__getattribute__(other, "_data")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({object.__getattribute__(self, '_data')!r})"


class LLMGatewayChunkFunction(_Loose):
    """``name`` and a piece of the JSON ``arguments``: join the pieces of one tool call index."""
    _fields = ("name", "arguments")


class LLMGatewayChunkToolCall(_Loose):
    """A tool call as it arrives mid-stream: ``index`` always, the rest once or in pieces."""
    _fields = ("index", "id", "type", "function")
    _nested = {"function": LLMGatewayChunkFunction}


class LLMGatewayChunkDelta(_Loose):
    """What one chunk adds to a choice: ``content`` (the next piece of text), ``role``, ``tool_calls``."""
    _fields = ("content", "role", "tool_calls")
    _nested = {"tool_calls": LLMGatewayChunkToolCall}


class LLMGatewayChunkChoice(_Loose):
    _fields = ("index", "delta", "finish_reason")
    _nested = {"delta": LLMGatewayChunkDelta}


class LLMGatewayCompletionUsage(_Loose):
    """A chat completion's (or a usage chunk's) ``usage``, as 1.8.2's ``LLMGatewayUsage``:
    ``prompt_tokens``, ``completion_tokens``, ``total_tokens`` and their details."""
    _fields = ("input_tokens", "prompt_tokens", "output_tokens", "completion_tokens", "total_tokens",
               "prompt_tokens_details", "completion_tokens_details")


class LLMGatewayCompletionChunk(_Loose):
    """One streamed ``chat.completion.chunk``, as 1.8.2 names it: ``id``, ``object``,
    ``created``, ``model``, ``choices`` (each with its ``delta``), ``usage`` on the usage chunk
    (``prompt_tokens``, ``completion_tokens``, ``total_tokens``), any other member by name."""
    _fields = ("id", "object", "created", "model", "service_tier", "system_fingerprint", "choices", "usage",
               "obfuscation")
    _nested = {"choices": LLMGatewayChunkChoice, "usage": LLMGatewayCompletionUsage}

    #: An extension beyond 1.8.2, not a field (not in dict() or json()): when libassemblyai read the
    #: chunk's last byte, in ns on the clock of ``time.monotonic_ns()``, so ``time.monotonic_ns() -
    #: chunk.received_ns`` is the delivery latency; None for a chunk built by the application.
    received_ns: Optional[int] = None


class LLMGatewayFunction(_Loose):
    _fields = ("name", "arguments")


class LLMGatewayCompletionToolCall(_Loose):
    _fields = ("id", "type", "function")
    _nested = {"function": LLMGatewayFunction}


class LLMGatewayResponseMessage(_Loose):
    _fields = ("role", "content", "thinking", "tool_calls", "tool_call_id", "name")
    _nested = {"tool_calls": LLMGatewayCompletionToolCall}


class LLMGatewayChoice(_Loose):
    _fields = ("index", "finish_reason", "message")
    _nested = {"message": LLMGatewayResponseMessage}


class LLMGatewayProvider(_Loose):
    """A provider of a model: ``id``, ``name``."""
    _fields = ("id", "name")


class LLMGatewayPricingData(_Loose):
    """Prices per million tokens: ``prompt``, ``completions`` (and the cache prices where given)."""
    _fields = ("completions", "prompt", "input_cache_read", "input_cache_write", "input_cache_write_1h")


class LLMGatewayPricing(_Loose):
    """A model's prices per million tokens by region: ``us``, ``eu``, ``global_`` (the JSON's
    ``global``, a Python keyword), each with ``prompt`` and ``completions``."""
    _fields = ("us", "eu", "global", "regional_increase_percent")
    _nested = {"us": LLMGatewayPricingData, "eu": LLMGatewayPricingData, "global": LLMGatewayPricingData}

    def __getattr__(self, name: str) -> Any:
        return super().__getattr__("global" if name == "global_" else name)


class LLMGatewayModel(_Loose):
    """One model of 1.8.2's ``LLMGatewayModelList`` (``id``, ``name``, ``context_length``,
    ``pricing``, ``providers``, ...), from ``LLMGateway().models.list()``. The lists the gateway
    sends as null (``supported_parameters``, ``available_regions``, ``providers``) read as []."""
    _fields = ("id", "name", "description", "context_length", "pricing", "default_parameters", "supported_parameters",
               "top_provider", "creator", "retirement_date", "available_regions", "providers", "default_provider")
    _nested = {"pricing": LLMGatewayPricing, "providers": LLMGatewayProvider, "default_provider": LLMGatewayProvider}

    def __getattr__(self, name: str) -> Any:
        value = super().__getattr__(name)
        return [] if value is None and name in ("supported_parameters", "available_regions", "providers") else value


class LLMGatewayModelList(_Loose):
    """1.8.2's answer of ``models.list()``: ``data``, a list of :class:`LLMGatewayModel`."""
    _fields = ("object", "data")
    _nested = {"data": LLMGatewayModel}


class LLMGatewayChatCompletion(_Loose):
    """A chat completion as 1.8.2's ``chat.completions.create()`` returns it: ``request_id``,
    ``choices`` (``choices[0].message.content``), ``usage``, ``request``, ``http_status_code``,
    ``response_time``, ``llm_status_code``, any other member by name."""
    _fields = ("request_id", "choices", "usage", "request", "http_status_code", "response_time", "llm_status_code")
    _nested = {"choices": LLMGatewayChoice, "usage": LLMGatewayCompletionUsage}


class LLMGatewayStream:
    """The chunks of a streamed chat completion, as they arrive: iterate it (once) for each
    :class:`LLMGatewayCompletionChunk`. The request runs on libassemblyai's worker threads
    (``aai_llm_chat_completion_stream_async``); no Python thread is started, and iterating
    waits only for the next chunk. When the iteration ends, ``response`` is the assembled
    :class:`LLMGatewayResponse` (text joined, finish reason, tool calls, usage), as a request
    without streaming would have answered.

    A 429 before anything streamed is retried by the library; any other failure raises
    :class:`LLMGatewayError` from the iteration after the chunks that arrived before it (a cut
    or a stream that ends without ``data: [DONE]``: ``status`` ``AAI_ERR_CONNECTION``; a
    malformed event: ``AAI_ERR_PROTOCOL``), never a chunk twice. ``close()`` (or leaving a
    ``with`` block, or dropping the iterator) stops the request.

    For asyncio: ``LLMGatewayStream(client, request, on_chunk=f, on_done=g)`` calls ``f(chunk)``
    for each chunk and ``g(response_or_None, exception_or_None)`` once, on a library worker
    thread, instead of queueing them (hand them to a loop with ``call_soon_threadsafe``)."""

    def __init__(self, client: _ffi.Handle, request: _ffi.Handle, *,
                 on_chunk: Optional[Any] = None, on_done: Optional[Any] = None) -> None:
        import queue

        self._queue: Any = queue.SimpleQueue()
        self._on_chunk = on_chunk
        self._on_done = on_done
        self._finished = False
        self._iterated = False
        self.response: Optional[LLMGatewayResponse] = None
        self._client = client  # kept alive while the request runs
        self._event_cb = _ffi.aai_llm_stream_callback(self._event)
        event_cb = self._event_cb
        from .. import _futures

        def finish(c_future: Any, status: int) -> Any:
            out = _ffi.LLMResponseP()
            got = lib.aai_future_llm_response(c_future, ctypes.byref(out))
            _ = event_cb  # the thunk lives until the request is done
            return _chat_response(_response(got, out))

        self._future = _futures.start(lib.aai_llm_chat_completion_stream_async,
                                      (client.ptr, request.ptr, event_cb, None), finish,
                                      lambda status: _ffi.last_error(status, errors.LLMGatewayError))
        if self._future.done() and isinstance(self._future.exception(), errors.InvalidArgumentError):
            # Refused before anything was sent (no messages nor prompt, ...): raised here, at the call.
            raise self._future.exception()  # type: ignore[misc]
        self._future.add_done_callback(self._done)

    def _event(self, event: Any, _user_data: Any) -> int:
        e = event.contents
        if not e.last_in_chunk:
            return 0  # one chunk, several choices: the chunk goes out with its last piece
        raw = e.chunk_json.decode("utf-8", "replace")
        chunk = LLMGatewayCompletionChunk(json.loads(raw), raw)
        object.__setattr__(chunk, "received_ns", int(e.received_ns) or None)
        if self._on_chunk is not None:
            try:
                self._on_chunk(chunk)
            except BaseException:  # noqa: B902 - a handler's failure stops the stream
                return 1
        else:
            self._queue.put(chunk)
        return 0

    def _done(self, fut: Any) -> None:
        exc = None if fut.cancelled() else fut.exception()
        value = None if fut.cancelled() or exc is not None else fut.result()
        if fut.cancelled():
            exc = errors.LLMGatewayError("the stream was closed", None, status="AAI_ERR_CANCELLED")
        self.response = value
        if self._on_done is not None:
            self._on_done(value, exc)
        else:
            self._queue.put(_StreamEnd(exc))

    def __iter__(self) -> "LLMGatewayStream":
        return self

    def __next__(self) -> LLMGatewayCompletionChunk:
        if self._finished or self._on_chunk is not None:
            raise StopIteration
        item = self._queue.get()
        if isinstance(item, _StreamEnd):
            self._finished = True
            if item.exc is not None:
                raise item.exc
            raise StopIteration
        return item  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stops the request (the iteration then ends)."""
        if not self._future.done():
            self._future.cancel()
        self._finished = True

    def __enter__(self) -> "LLMGatewayStream":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if not self._future.done():
                self._future.cancel()
        except Exception:
            pass


class _StreamEnd:
    __slots__ = ("exc",)

    def __init__(self, exc: Optional[BaseException]) -> None:
        self.exc = exc


class _Completions:
    """``gateway.chat.completions``: 1.8.2's ``create()``."""

    def __init__(self, gateway: "LLMGateway") -> None:
        self._gateway = gateway

    def create(self, *, model: str, messages: Sequence[Mapping[str, Any]], stream: bool = False, **kwargs: Any) -> Any:
        """Creates a chat completion as 1.8.2's ``LLMGateway().chat.completions.create()``:
        ``messages`` are dicts, every other keyword (``max_tokens``, ``temperature``,
        ``tools``, ``tool_choice``, ``response_format``, ``fallbacks``, ``transcript_id``, ...)
        goes into the request body as given. Returns an :class:`LLMGatewayChatCompletion`, or
        with ``stream=True`` an :class:`LLMGatewayStream` of :class:`LLMGatewayCompletionChunk`.
        A failure raises :class:`LLMGatewayError`; a request the library refuses before
        sending, InvalidArgumentError (a ValueError)."""
        result = self._gateway.chat_completion(model, **_create_arguments(messages, kwargs), stream=stream)
        if stream:
            return result
        return LLMGatewayChatCompletion(result.json_response)


def _create_arguments(messages: Sequence[Mapping[str, Any]], kwargs: Mapping[str, Any]) -> Dict[str, Any]:
    """chat_completion()'s keywords for 1.8.2's ``chat.completions.create(messages=..., **kwargs)``:
    max_tokens and temperature typed, every other keyword into the request body as given."""
    if not isinstance(messages, (list, tuple)):
        raise TypeError(f"messages must be a list of dicts, not {type(messages).__name__}")
    extra = dict(kwargs)
    max_tokens = extra.pop("max_tokens", None)
    temperature = extra.pop("temperature", None)
    return {"messages": list(messages), "max_tokens": max_tokens, "temperature": temperature, "extra": extra or None}


class _Chat:
    def __init__(self, gateway: "LLMGateway") -> None:
        self.completions = _Completions(gateway)


class _Models:
    """``gateway.models``: 1.8.2's ``list()``."""

    def __init__(self, gateway: "LLMGateway") -> None:
        self._gateway = gateway

    def list(self) -> LLMGatewayModelList:
        """The models the gateway offers (GET /v1/models, ``aai_llm_list_models``), with the
        models on ``.data``."""
        return self._gateway._list_models()


class _Understanding:
    """``gateway.understanding``: 1.8.2's ``create()``."""

    def __init__(self, gateway: "LLMGateway") -> None:
        self._gateway = gateway

    def create(self, *, transcript_id: str, request: Mapping[str, Any], **kwargs: Any) -> LLMGatewayUnderstandingResponse:
        """Runs speech understanding features (``request``, e.g. ``{"translation": {...}}``) on a
        transcript, as 1.8.2's ``LLMGateway().understanding.create()``."""
        if kwargs:
            raise TypeError(f"unsupported argument(s): {', '.join(sorted(kwargs))}")
        return self._gateway._understanding(transcript_id, {"request": dict(request)})

    def __call__(self, transcript: Union[Transcript, str],
                 speech_understanding: Union[SpeechUnderstandingRequest, Mapping[str, Any]]) -> LLMGatewayUnderstandingResponse:
        """Runs a speech understanding task on a completed transcript (POST /v1/understanding),
        e.g. ``{"request": {"translation": {"target_languages": ["de"]}}}``."""
        return self._gateway._understanding(transcript, speech_understanding)


def _response(status: int, out: Any) -> _ffi.Handle:
    handle = _ffi.Handle(out, lib.aai_llm_response_free) if out else None
    _ffi.check(status, errors.LLMGatewayError)
    if handle is None:
        raise errors.AssemblyAIError("libassemblyai returned AAI_OK but no LLM Gateway response", status="AAI_ERR_INTERNAL")
    return handle


def _json_text(ptr: Any) -> Optional[str]:
    out = ctypes.c_void_p()
    length = ctypes.c_size_t()
    if lib.aai_llm_response_json(ptr, ctypes.byref(out), ctypes.byref(length)) != _ffi.AAI_OK or not out.value:
        return None
    return ctypes.string_at(out.value, length.value).decode("utf-8", "replace")


def _chat_response(handle: _ffi.Handle) -> LLMGatewayResponse:
    ptr = handle.ptr
    calls = ctypes.POINTER(_ffi.aai_llm_tool_call)()
    count = ctypes.c_size_t()
    _ffi.check(lib.aai_llm_response_tool_calls(ptr, ctypes.byref(calls), ctypes.byref(count)))
    i, o, t = ctypes.c_int64(-1), ctypes.c_int64(-1), ctypes.c_int64(-1)
    _ffi.check(lib.aai_llm_response_usage(ptr, ctypes.byref(i), ctypes.byref(o), ctypes.byref(t)))
    text = _json_text(ptr)
    # The provider's spelling of the counts (a streamed answer's usage chunk), where present.
    raw_usage: Any = None
    if text and '"prompt_tokens"' in text:
        raw_usage = (json.loads(text).get("usage") or None)
    prompt = raw_usage.get("prompt_tokens") if isinstance(raw_usage, dict) else None
    completion = raw_usage.get("completion_tokens") if isinstance(raw_usage, dict) else None
    return LLMGatewayResponse(
        request_id=_dec(lib.aai_llm_response_request_id(ptr)),
        text=_dec(lib.aai_llm_response_text(ptr)),
        finish_reason=_dec(lib.aai_llm_response_finish_reason(ptr)),
        tool_calls=[LLMGatewayToolCall(id=_dec(c.id) or "", name=_dec(c.name) or "", arguments=_dec(c.arguments) or "")
                    for c in _items(calls, count.value)],
        usage=LLMGatewayUsage(input_tokens=_usage(i.value), output_tokens=_usage(o.value), total_tokens=_usage(t.value),
                              prompt_tokens=prompt if isinstance(prompt, int) else None,
                              completion_tokens=completion if isinstance(completion, int) else None),
        _json=text)

