"""Streamed LLM Gateway completions (`stream=True`: an iterator of 1.8.2's chunk models), 1.8.2's
`chat.completions.create()`, structured output, and the stream's faults (429 + Retry-After, 5xx,
a reset mid-stream, a stream without `data: [DONE]`, a malformed event) against the local server,
which streams its deterministic answer word by word (docs/local-server.md, "LLM Gateway")."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, List

import pytest

import assemblyai_native as aai

MODEL = "gpt-4.1"
MESSAGES = [{"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Tell me about the invoice and the call with Bob today"}]
WEATHER = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}}


@pytest.fixture
def gateway(local: Any) -> aai.LLMGateway:
    return aai.LLMGateway(base_url=local.base_url)


def text_of(chunks: List[aai.LLMGatewayCompletionChunk]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def sse_bytes(chunks: List[aai.LLMGatewayCompletionChunk]) -> List[int]:
    """The size of each chunk's event on the wire: "data: " + its JSON + a blank line."""
    return [len(b"data: ") + len(c._raw.encode()) + 2 for c in chunks]


def test_stream_delivers_each_chunk_and_the_assembled_response(local: Any, gateway: aai.LLMGateway) -> None:
    plain = gateway.chat_completion(MODEL, MESSAGES)
    stream = gateway.chat_completion(MODEL, MESSAGES, stream=True)
    assert isinstance(stream, aai.LLMGatewayStream)
    chunks = list(stream)
    assert len(chunks) > 5 and all(isinstance(c, aai.LLMGatewayCompletionChunk) for c in chunks)
    assert chunks[0].object == "chat.completion.chunk" and chunks[0].choices[0].delta.role == "assistant"
    assert text_of(chunks) == plain.text
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    usage = [c.usage for c in chunks if c.usage is not None]
    assert len(usage) == 1 and usage[0].total_tokens == usage[0].prompt_tokens + usage[0].completion_tokens > 0
    assert len({c.id for c in chunks}) == 1
    # received_ns (an extension, not a field): read before it was handed over.
    assert all(0 < c.received_ns <= time.monotonic_ns() for c in chunks) and "received_ns" not in chunks[0].dict()
    # When the iteration ends, the assembled response reads like the non-streamed one.
    assert stream.response is not None and stream.response.text == plain.text
    assert stream.response.finish_reason == "stop"
    assert stream.response.usage.total_tokens == usage[0].total_tokens
    assert stream.response.usage.prompt_tokens == usage[0].prompt_tokens
    # The request said "stream": true.
    assert [r for r in local.requests() if r["path"] == "/v1/chat/completions"][-1]["body"]["stream"] is True
    # Iterating again gives nothing more.
    assert list(stream) == []


def test_chat_completions_create_as_in_1_8_2(local: Any, gateway: aai.LLMGateway) -> None:
    completion = gateway.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=50)
    assert isinstance(completion, aai.LLMGatewayChatCompletion)
    assert completion.choices[0].message.content.startswith("Response to")
    assert completion.choices[0].finish_reason == "stop" and completion.request_id
    assert completion.usage.total_tokens > 0
    body = [r for r in local.requests() if r["path"] == "/v1/chat/completions"][-1]["body"]
    assert body["max_tokens"] == 50 and body["messages"] == MESSAGES
    pieces = []
    for chunk in gateway.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True):
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
    assert "".join(pieces) == completion.choices[0].message.content
    # Unknown members stay reachable; unknown names raise AttributeError.
    assert completion.http_status_code == 200
    with pytest.raises(AttributeError):
        completion.no_such_field


def test_stream_tool_call_arguments_come_in_pieces(gateway: aai.LLMGateway) -> None:
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": WEATHER}}]
    plain = gateway.chat_completion(MODEL, prompt="Use get_weather for Paris please", tools=tools)
    stream = gateway.chat_completion(MODEL, prompt="Use get_weather for Paris please", tools=tools, stream=True)
    chunks = list(stream)
    calls = [t for c in chunks if c.choices for t in (c.choices[0].delta.tool_calls or [])]
    assert len(calls) > 2 and {t.index for t in calls} == {0}
    assert calls[0].function.name == "get_weather" and calls[0].id.startswith("call_")
    arguments = "".join(t.function.arguments or "" for t in calls)
    assert arguments == plain.tool_calls[0].arguments
    assert stream.response.tool_calls[0].name == "get_weather"
    assert stream.response.tool_calls[0].arguments == arguments
    assert stream.response.finish_reason == "tool_calls"


def test_structured_output(gateway: aai.LLMGateway) -> None:
    schema = {"type": "object", "properties": {"steps": {"type": "array"}, "final_answer": {"type": "string"}},
              "required": ["steps", "final_answer"]}
    fmt = {"type": "json_schema", "json_schema": {"name": "math_reasoning", "schema": schema, "strict": True}}
    completion = gateway.chat.completions.create(model="gemini-2.5-flash-lite",
                                                 messages=[{"role": "user", "content": "solve 8x + 7 = -23"}],
                                                 response_format=fmt)
    answer = json.loads(completion.choices[0].message.content)
    assert set(answer) == {"steps", "final_answer"}
    streamed = gateway.chat_completion("gemini-2.5-flash-lite", [{"role": "user", "content": "solve 8x + 7 = -23"}],
                                       response_format=fmt, stream=True)
    assert json.loads(text_of(list(streamed))) == answer


def test_closing_a_stream_stops_it(gateway: aai.LLMGateway) -> None:
    with gateway.chat_completion(MODEL, MESSAGES, stream=True) as stream:
        first = next(stream)
        assert first.choices[0].delta.role == "assistant"
    assert list(stream) == []
    # Dropped without being iterated: nothing hangs, the next call works.
    gateway.chat_completion(MODEL, MESSAGES, stream=True)
    assert len(list(gateway.chat_completion(MODEL, MESSAGES, stream=True))) > 5


def test_callbacks_instead_of_iteration(gateway: aai.LLMGateway) -> None:
    """The form an asyncio wrapper uses: chunks and the end handed over on a library thread."""
    got: List[Any] = []
    threads = set()
    done = threading.Event()
    outcome: List[Any] = []

    def on_chunk(chunk: Any) -> None:
        threads.add(threading.get_ident())
        got.append(chunk)

    def on_done(response: Any, exc: Any) -> None:
        outcome.append((response, exc))
        done.set()

    stream = gateway.chat_completion(MODEL, MESSAGES, stream=True, on_chunk=on_chunk, on_done=on_done)
    assert done.wait(10)
    response, exc = outcome[0]
    assert exc is None and response.text == text_of(got) and len(got) > 3
    assert threading.get_ident() not in threads
    assert list(stream) == []  # nothing queued for iteration
    with pytest.raises(TypeError):
        gateway.chat_completion(MODEL, MESSAGES, on_chunk=on_chunk, on_done=on_done)
    # A failure reaches on_done as the exception.
    outcome.clear()
    done.clear()
    gateway.chat_completion(MODEL, MESSAGES, stream=True, on_chunk=on_chunk, on_done=on_done,
                            extra={"tool_choice": {"type": "function", "function": {"name": "nope"}},
                                   "tools": [{"type": "function", "function": {"name": "x"}}]})
    assert done.wait(10)
    assert outcome[0][0] is None and isinstance(outcome[0][1], aai.LLMGatewayError) and outcome[0][1].status_code == 400


def test_bad_input_is_refused_before_sending(local: Any, gateway: aai.LLMGateway) -> None:
    before = len(local.requests())
    with pytest.raises(ValueError):
        gateway.chat_completion(MODEL, [], stream=True)
    with pytest.raises(TypeError):
        gateway.chat_completion(MODEL, MESSAGES, stream="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        gateway.chat.completions.create(model=MODEL, messages="hi")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        gateway.chat_completion(MODEL, MESSAGES, temperature=5, stream=True)
    with pytest.raises(TypeError, match="temperature must be a number, not str"):
        gateway.chat_completion(MODEL, MESSAGES, temperature="hot", stream=True)  # type: ignore[arg-type]
    assert len(local.requests()) == before


# ---- faults: nothing lost, nothing twice, a clear error ----

def test_429_before_the_stream_is_retried(local: Any, gateway: aai.LLMGateway) -> None:
    full = list(gateway.chat_completion(MODEL, MESSAGES, stream=True))
    local.arm_fault({"method": "POST", "path": "/v1/chat/completions", "kind": "status", "status": 429, "retry_after": 1})
    again = list(gateway.chat_completion(MODEL, MESSAGES, stream=True))
    assert text_of(again) == text_of(full) and len(again) == len(full)
    assert len(local.faults()["fired"]) == 1


def test_5xx_fails_before_any_chunk(local: Any, gateway: aai.LLMGateway) -> None:
    local.arm_fault({"method": "POST", "path": "/v1/chat/completions", "kind": "status", "status": 503})
    got = []
    with pytest.raises(aai.LLMGatewayError) as info:
        for chunk in gateway.chat_completion(MODEL, MESSAGES, stream=True):
            got.append(chunk)
    assert got == [] and info.value.status_code == 503 and "may have received" in str(info.value)


def test_reset_mid_stream(local: Any, gateway: aai.LLMGateway) -> None:
    full = list(gateway.chat_completion(MODEL, MESSAGES, stream=True))
    sizes = sse_bytes(full)
    local.arm_fault({"method": "POST", "path": "/v1/chat/completions", "kind": "reset", "at_byte": sum(sizes[:3]) + 10})
    got = []
    with pytest.raises(aai.LLMGatewayError) as info:
        for chunk in gateway.chat_completion(MODEL, MESSAGES, stream=True):
            got.append(chunk)
    assert info.value.status == "AAI_ERR_CONNECTION" and "may have received" in str(info.value)
    assert 1 <= len(got) < len(full)
    assert text_of(full).startswith(text_of(got))


def test_stream_without_done_is_an_error_after_every_chunk(local: Any, gateway: aai.LLMGateway) -> None:
    full = list(gateway.chat_completion(MODEL, MESSAGES, stream=True))
    local.arm_fault({"method": "POST", "path": "/v1/chat/completions", "kind": "malformed_event",
                     "at_byte": sum(sse_bytes(full))})
    got = []
    with pytest.raises(aai.LLMGatewayError) as info:
        for chunk in gateway.chat_completion(MODEL, MESSAGES, stream=True):
            got.append(chunk)
    assert len(got) == len(full) and text_of(got) == text_of(full)
    assert [c.choices[0].delta.dict() if c.choices else c.usage.dict() for c in got] == \
        [c.choices[0].delta.dict() if c.choices else c.usage.dict() for c in full]
    assert info.value.status == "AAI_ERR_CONNECTION" and "[DONE]" in str(info.value)


def test_malformed_event(local: Any, gateway: aai.LLMGateway) -> None:
    full = list(gateway.chat_completion(MODEL, MESSAGES, stream=True))
    local.arm_fault({"method": "POST", "path": "/v1/chat/completions", "kind": "malformed_event",
                     "at_byte": sse_bytes(full)[0] + 30})
    got = []
    with pytest.raises(aai.LLMGatewayError) as info:
        for chunk in gateway.chat_completion(MODEL, MESSAGES, stream=True):
            got.append(chunk)
    assert len(got) == 1
    assert info.value.status == "AAI_ERR_PROTOCOL" and "malformed JSON in event 2" in str(info.value)


def test_chat_completion_async_runs_on_the_library_pool(gateway: aai.LLMGateway) -> None:
    """chat_completion_async() is aai_llm_chat_completion_async: a library future, no executor thread."""
    fut = gateway.chat_completion_async(MODEL, MESSAGES)
    assert hasattr(fut, "_aai_cancel")  # the library's future (its cancel() reaches the request)
    plain = gateway.chat_completion(MODEL, MESSAGES)
    assert fut.result(10).text == plain.text
    with pytest.raises(TypeError):
        gateway.chat_completion_async(MODEL, MESSAGES, stream=True)
    bad = gateway.chat_completion_async(MODEL, [])
    with pytest.raises(ValueError):
        bad.result(10)

