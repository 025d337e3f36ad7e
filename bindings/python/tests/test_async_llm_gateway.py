"""The LLM Gateway from asyncio, as 1.8.2's ``assemblyai.llm_gateway.v1.AsyncLLMGateway``, and the
1.8.2 import paths (``assemblyai_native.llm_gateway.v1``), against the local server: completions
and streamed completions on the library's non-blocking calls (no thread per pending call),
cancellation reaching the native request, failures as LLMGatewayError, and the 1.8.2 README's
asyncio example with only the import changed."""

from __future__ import annotations

import asyncio
import os
import re
import time
from typing import Any, List

import pytest

import assemblyai_native as aai
from assemblyai_native.llm_gateway import LLMGateway as ModuleLLMGateway
from assemblyai_native.llm_gateway.v1 import (
    AsyncLLMGateway,
    LLMGateway,
    LLMGatewayChatCompletion,
    LLMGatewayCompletionChunk,
    LLMGatewayError,
    LLMGatewayModelList,
    LLMGatewayToolCall,
    LLMGatewayUsage,
)

MODEL = "gpt-4.1"
MESSAGES = [{"role": "user", "content": "Tell me about the invoice and the call with Bob today"}]
PATH = "/v1/chat/completions"


@pytest.fixture(autouse=True)
def _clear_faults(request: Any) -> Any:
    """No fault of these tests left armed or on the fired list for the next test file."""
    server = request.getfixturevalue("server") if "local" in request.fixturenames else None
    yield
    if server is not None:
        server.clear_faults()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def gateway(local: Any, **kwargs: Any) -> AsyncLLMGateway:
    return AsyncLLMGateway(base_url=local.base_url, **kwargs)


def os_threads() -> int:
    """The process's OS threads (Python's and the library's)."""
    return len(os.listdir("/proc/self/task"))


def text_of(chunks: List[LLMGatewayCompletionChunk]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


# ---- import paths ----

def test_v1_paths_and_the_old_names() -> None:
    import assemblyai_native.llm_gateway as package
    from assemblyai_native.llm_gateway.v1 import __all__ as v1_all
    from assemblyai_native.llm_gateway.v1.async_client import AsyncLLMGateway as from_module
    from assemblyai_native.llm_gateway.v1.client import LLMGateway as sync_from_module
    from assemblyai_native.llm_gateway.v1.params import LLMGatewayMessageParam

    # 1.8.2's v1 names, all there (its __all__, read from the unpacked package when present).
    expected = {"AsyncLLMGateway", "LLMGateway", "LLMGatewayChatCompletion", "LLMGatewayChoice",
                "LLMGatewayChunkChoice", "LLMGatewayChunkDelta", "LLMGatewayCompletionChunk", "LLMGatewayError",
                "LLMGatewayMessageParam", "LLMGatewayModel", "LLMGatewayModelList", "LLMGatewayResponseMessage",
                "LLMGatewayToolCall", "LLMGatewayUnderstandingResponse", "LLMGatewayUsage"}
    assert expected <= set(v1_all)
    assert from_module is AsyncLLMGateway is aai.AsyncLLMGateway
    assert sync_from_module is LLMGateway is ModuleLLMGateway is aai.LLMGateway is package.LLMGateway
    assert LLMGatewayError is aai.LLMGatewayError
    assert aai.LLMGatewayMessageParam is LLMGatewayMessageParam and aai.LLMGatewayModelList is LLMGatewayModelList
    assert aai.LLMGatewayStream is package.LLMGatewayStream
    # Under 1.8.2's names, the classes of a completion's tool calls and usage.
    completion = LLMGatewayChatCompletion({"choices": [{"message": {"tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}})
    call = completion.choices[0].message.tool_calls[0]
    assert isinstance(call, LLMGatewayToolCall) and call.function.name == "f"
    assert isinstance(completion.usage, LLMGatewayUsage) and completion.usage.total_tokens == 7
    models = LLMGatewayModelList.parse_obj({"data": [{"id": "gpt-4.1", "name": "GPT 4.1"}]})
    assert [m.id for m in models.data] == ["gpt-4.1"]


# ---- completions ----

def test_create_answers_as_the_sync_call(local: Any) -> None:
    sync = LLMGateway(base_url=local.base_url).chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=50)

    async def main() -> Any:
        async with gateway(local) as gw:
            return await gw.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=50,
                                                    fallbacks=[{"model": "claude-sonnet-4-5-20250929"}])

    completion = run(main())
    assert isinstance(completion, LLMGatewayChatCompletion)
    assert completion.choices[0].message.content == sync.choices[0].message.content
    assert completion.choices[0].message.content and completion.usage.total_tokens > 0
    body = [r for r in local.requests() if r["path"] == PATH][-1]["body"]
    assert body["model"] == MODEL and body["max_tokens"] == 50 and body["messages"] == MESSAGES
    assert body["fallbacks"] == [{"model": "claude-sonnet-4-5-20250929"}] and "stream" not in body


def test_settings_of_the_client_are_used(local: Any) -> None:
    """Without base_url, the AsyncClient's settings (llm_gateway_base_url, api_key) are used."""
    settings = aai.settings.copy()
    settings.llm_gateway_base_url = local.base_url

    async def main() -> Any:
        client = aai.AsyncClient(settings=settings)
        gw = AsyncLLMGateway(client=client)
        assert gw.base_url == local.base_url and gw.client is client
        out = await gw.chat.completions.create(model=MODEL, messages=MESSAGES)
        await gw.aclose()
        assert not client.closed  # a client passed in stays the caller's
        await client.aclose()
        with pytest.raises(RuntimeError):
            await gw.chat.completions.create(model=MODEL, messages=MESSAGES)
        return out

    assert run(main()).choices[0].message.content


def test_errors_map_to_llm_gateway_error(local: Any) -> None:
    local.arm_fault({"method": "POST", "path": PATH, "kind": "status", "status": 400})

    async def main() -> None:
        async with gateway(local) as gw:
            with pytest.raises(LLMGatewayError) as info:
                await gw.chat.completions.create(model=MODEL, messages=MESSAGES)
            assert info.value.status_code == 400
            assert hasattr(info.value, "request_id") and hasattr(info.value, "errors")
            # Refused before sending: InvalidArgumentError (a ValueError), raised from the await.
            with pytest.raises(ValueError):
                await gw.chat.completions.create(model=MODEL, messages=[], temperature=5)
            with pytest.raises(TypeError):
                await gw.chat.completions.create(model=MODEL, messages="hi")  # type: ignore[arg-type]
            local.arm_fault({"method": "GET", "path": "/v1/models", "kind": "status", "status": 503, "count": -1})
            with pytest.raises(LLMGatewayError) as info:
                await gw.models.list()
            assert info.value.status_code == 503

    run(main())


def test_the_gateways_own_refusal(local: Any) -> None:
    """A request the gateway refuses (tool_choice naming no declared tool): 400 with its message;
    request_id is the gateway's (the local server sends none with an error)."""
    async def main() -> None:
        async with gateway(local) as gw:
            with pytest.raises(LLMGatewayError) as info:
                await gw.chat.completions.create(
                    model=MODEL, messages=MESSAGES, tool_choice={"type": "function", "function": {"name": "nope"}},
                    tools=[{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}])
            assert info.value.status_code == 400 and "unknown tool: nope" in str(info.value)
            assert info.value.request_id is None

    run(main())


def test_cancelling_the_coroutine_cancels_the_request(local: Any) -> None:
    local.arm_fault({"method": "POST", "path": PATH, "kind": "hang", "count": 1})

    async def main() -> float:
        async with gateway(local, timeout=300) as gw:
            task = asyncio.ensure_future(gw.chat.completions.create(model=MODEL, messages=MESSAGES))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The gateway answers the next call at once: the hung one no longer holds it.
            completion = await asyncio.wait_for(gw.chat.completions.create(model=MODEL, messages=MESSAGES), 30)
            assert completion.choices[0].message.content
            return time.monotonic() - started

    assert run(main()) < 10


def test_the_library_future_is_cancelled(local: Any) -> None:
    """asyncio.wait_for's timeout cancels the library's future (aai_future_cancel), not only the wait."""
    from assemblyai_native import _aio

    local.arm_fault({"method": "POST", "path": PATH, "kind": "hang", "count": 1})
    seen: List[Any] = []
    original = _aio.result

    async def spy(source: Any) -> Any:
        seen.append(source)
        return await original(source)

    _aio.result = spy  # type: ignore[assignment]
    try:
        async def main() -> None:
            async with gateway(local, timeout=300) as gw:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(gw.chat.completions.create(model=MODEL, messages=MESSAGES), 0.5)
        run(main())
    finally:
        _aio.result = original  # type: ignore[assignment]
    assert len(seen) == 1
    deadline = time.monotonic() + 10
    while not seen[0].done() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen[0].cancelled()


def test_pending_calls_hold_no_thread_each(local: Any) -> None:
    local.arm_fault({"method": "POST", "path": PATH, "kind": "delay", "delay_ms": 1500, "count": 17})

    async def main() -> List[Any]:
        async with gateway(local) as gw:
            await gw.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=5)  # warm-up (delayed)
            before = os_threads()
            tasks = [asyncio.ensure_future(gw.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=5))
                     for _ in range(16)]
            await asyncio.sleep(0.3)
            assert not any(t.done() for t in tasks)
            during = os_threads()
            out = await asyncio.gather(*tasks)
            assert during - before < 4, (before, during)  # not one thread per pending call
            return out

    assert all(c.choices[0].message.content for c in run(main()))


# ---- streamed completions ----

def test_stream_yields_each_chunk(local: Any) -> None:
    plain = LLMGateway(base_url=local.base_url).chat_completion(MODEL, MESSAGES)

    async def main() -> Any:
        async with gateway(local) as gw:
            stream = await gw.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
            chunks = [c async for c in stream]
            again = [c async for c in stream]
            return stream, chunks, again

    stream, chunks, again = run(main())
    assert isinstance(stream, aai.AsyncLLMGatewayStream)
    assert len(chunks) > 5 and all(isinstance(c, LLMGatewayCompletionChunk) for c in chunks)
    assert text_of(chunks) == plain.text and again == []
    assert stream.response is not None and stream.response.text == plain.text
    assert [r for r in local.requests() if r["path"] == PATH][-1]["body"]["stream"] is True


def test_stream_failure_before_any_chunk(local: Any) -> None:
    local.arm_fault({"method": "POST", "path": PATH, "kind": "status", "status": 503})

    async def main() -> None:
        async with gateway(local) as gw:
            stream = await gw.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
            with pytest.raises(LLMGatewayError) as info:
                async for _ in stream:
                    pass
            assert info.value.status_code == 503

    run(main())


def test_stream_cut_after_chunks(local: Any) -> None:
    local.arm_fault({"method": "POST", "path": PATH, "kind": "reset", "at_byte": 600})

    async def main() -> List[Any]:
        got: List[Any] = []
        async with gateway(local) as gw:
            stream = await gw.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
            with pytest.raises(LLMGatewayError) as info:
                async for chunk in stream:
                    got.append(chunk)
            assert info.value.status == "AAI_ERR_CONNECTION"
        return got

    got = run(main())
    assert len(got) >= 1 and len({id(c) for c in got}) == len(got)


def test_closing_the_stream_cancels_the_request(local: Any) -> None:
    """aclose() after the first chunk and cancelling the iterating task both cancel the native stream."""
    local.arm_fault({"method": "POST", "path": PATH, "kind": "hang", "count": 1})

    async def main() -> None:
        async with gateway(local, timeout=300) as gw:
            # A task waiting for the first chunk of a hung request, cancelled.
            stream = await gw.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
            task = asyncio.ensure_future(stream.__anext__())
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            native = stream._native._future
            await asyncio.sleep(0)
            for _ in range(500):
                if native.done():
                    break
                await asyncio.sleep(0.01)
            assert native.cancelled()
            assert [c async for c in stream] == []
            # aclose() mid-stream.
            async with await gw.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as second:
                first = await second.__anext__()
                assert isinstance(first, LLMGatewayCompletionChunk)
            assert second._native._future.done()
            assert [c async for c in second] == []

    run(main())


# ---- understanding ----

def test_understanding_create(local: Any, make_wav: Any) -> None:
    transcript = aai.Transcriber().transcribe(str(make_wav("hello there friend")))
    assert transcript.status == "completed"

    async def main() -> Any:
        async with gateway(local) as gw:
            return await gw.understanding.create(transcript_id=transcript.id,
                                                 request={"translation": {"target_languages": ["de"]}})

    answer = run(main())
    assert isinstance(answer, aai.LLMGatewayUnderstandingResponse)
    assert answer.translated_texts and "de" in answer.translated_texts


# ---- the 1.8.2 README's example ----

def readme_block() -> str:
    from readme_examples import readme_path

    text = readme_path().read_text()
    start = text.index("<summary>Use it from asyncio (`AsyncLLMGateway`)</summary>")
    return re.findall(r"```python\n(.*?)```", text[start:], re.S)[0]


def test_readme_async_example(local: Any, capsys: Any) -> None:
    """The README's example, with only the import changed (and the key, the gateway host pointed
    at the local server). It runs to its stream's last chunk, and there it raises IndexError (as
    1.8.2's own stream loop does against the local server, checked by hand): the local server ends
    a stream with a usage chunk whose ``choices`` is ``[]`` (docs/local-server.md, "LLM
    Gateway"), which the README's loop indexes (``chunk.choices[0]``)."""
    code = readme_block()
    assert "import assemblyai as aai" in code and "AsyncLLMGateway()" in code
    code = code.replace("import assemblyai as aai", "import assemblyai_native as aai")
    code = code.replace('"<YOUR_API_KEY>"', repr(aai.settings.api_key))
    saved = aai.settings.llm_gateway_base_url
    aai.settings.llm_gateway_base_url = local.base_url  # the gateway's host: the local server
    try:
        with pytest.raises(IndexError):
            exec(compile(code, "README (AsyncLLMGateway)", "exec"), {"__name__": "__readme__"})
    finally:
        aai.settings.llm_gateway_base_url = saved
    out = capsys.readouterr().out
    posts = [r for r in local.requests() if r["path"] == PATH][-2:]
    assert [p["body"]["model"] for p in posts] == ["claude-sonnet-5", "claude-sonnet-5"]
    assert "stream" not in posts[0]["body"] and posts[1]["body"]["stream"] is True
    # Both answers printed in full: the completion's line, then every streamed piece.
    sync = LLMGateway(base_url=local.base_url)
    first = sync.chat_completion("claude-sonnet-5", [{"role": "user", "content": "Summarize this call."}]).text
    second = sync.chat_completion("claude-sonnet-5", [{"role": "user", "content": "..."}]).text
    assert out == f"{first}\n{second}"


def test_models_list(local: Any) -> None:
    async def main() -> Any:
        async with gateway(local) as g:
            return await g.models.list()
    models = run(main())
    assert [m.id for m in models.data][:2] == ["claude-sonnet-4-5-20250929", "gpt-5-mini"]
    assert models.data[0].pricing.global_.prompt == 3.0
