"""The LLM Gateway (chat completions with a transcript as context, tools, structured output,
speech understanding) against the local server, whose answers follow documented rules
(docs/local-server.md, "LLM Gateway"); and the error paths."""

from __future__ import annotations

import concurrent.futures
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import assemblyai_native as aai
from native_expect import write_wav
from conftest import pointed_at

TEXT = "A: Hello Bob, please call 555-123-4567 on 2024-03-05. B: Hi Alice, the weather is great."
MODEL = "claude-sonnet-4-5-20250929"
WEATHER = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"},
                                             "unit": {"type": "string", "enum": ["c", "f"]}}}


@pytest.fixture(scope="module")
def call(server: Any, tmp_path_factory: Any) -> Iterator[aai.Transcript]:
    with pointed_at(server):
        t = aai.Transcriber().transcribe(str(write_wav(tmp_path_factory.mktemp("llm") / "a.wav", TEXT, 5)),
                                         aai.TranscriptionConfig(speaker_labels=True))
    assert t.status == "completed"
    yield t


@pytest.fixture
def gateway(local: Any) -> aai.LLMGateway:
    return aai.LLMGateway(base_url=local.base_url)


def body(local: Any, path: str = "/v1/chat/completions") -> Dict[str, Any]:
    return [r for r in local.requests() if r["method"] == "POST" and r["path"] == path][-1]["body"]


def lead(text: str) -> str:
    return " ".join(text.split()[:10])


def test_chat_completion_with_a_transcript_as_context(local: Any, gateway: aai.LLMGateway, call: aai.Transcript) -> None:
    response = gateway.chat_completion(MODEL, [{"role": "user", "content": "Summarize the call."}],
                                       transcript=call, with_speakers=True, max_tokens=200, temperature=0.5)
    context = "".join(f"Speaker {u.speaker}: {u.text}\n" for u in call.utterances)
    messages = [{"role": "system", "content": f"Transcript {call.id}:\n{context}"},
                {"role": "user", "content": "Summarize the call."}]
    assert body(local) == {"model": MODEL, "messages": messages, "max_tokens": 200, "temperature": 0.5}
    assert body(local)["messages"][0]["content"].startswith(f"Transcript {call.id}:\nSpeaker A: Hello Bob, please")
    assert response.text == "Response to 3 words: Summarize the call."
    assert response.finish_reason == "stop" and response.tool_calls == []
    in_tokens = sum(len(m["content"].split()) for m in messages)
    assert response.usage == aai.LLMGatewayUsage(input_tokens=in_tokens, output_tokens=7, total_tokens=in_tokens + 7,
                                                 prompt_tokens=in_tokens, completion_tokens=7)
    assert re.fullmatch(r"[0-9a-f-]{36}", response.request_id)
    assert response.json_response["http_status_code"] == 200
    assert response.choices[0]["message"]["content"] == response.text
    # Without speakers: the transcript's text.
    gateway.chat_completion(MODEL, prompt="What was said?", transcript=call)
    assert body(local) == {"model": MODEL, "messages": [{"role": "system", "content": f"Transcript {call.id}:\n{call.text}"}],
                           "prompt": "What was said?"}


def test_tool_calls_and_tool_results(local: Any, gateway: aai.LLMGateway) -> None:
    question = "Please use get_weather for Paris tomorrow."
    tools = [aai.LLMGatewayTool("get_time", {"type": "object", "properties": {}}, "The time"),
             {"type": "function", "function": {"name": "get_weather", "description": "The weather", "parameters": WEATHER}}]
    response = gateway.chat_completion("gpt-4.1", [{"role": "user", "content": question}], tools=tools)
    assert body(local)["tools"] == [
        {"type": "function", "function": {"name": "get_time", "description": "The time", "parameters": {"type": "object", "properties": {}}}},
        {"type": "function", "function": {"name": "get_weather", "description": "The weather", "parameters": WEATHER}}]
    assert response.finish_reason == "tool_calls" and response.text == ""
    [tool_call] = response.tool_calls
    assert tool_call.name == "get_weather" and re.fullmatch(r"call_[0-9a-f]{24}", tool_call.id)
    assert tool_call.arguments == json.dumps({"city": lead(question), "days": 6, "unit": "c"}, separators=(",", ":"),
                                             sort_keys=True)
    assert tool_call.parsed_arguments == {"city": lead(question), "days": 6, "unit": "c"}
    # The tool's answer goes back as a tool message.
    response = gateway.chat_completion("gpt-4.1", [
        aai.LLMGatewayMessage(role="user", content=question),
        {"role": "tool", "tool_call_id": tool_call.id, "content": "Sunny and 21 degrees in Paris all day long."}],
        tools=tools)
    assert body(local)["messages"][1] == {"role": "tool", "tool_call_id": tool_call.id,
                                          "content": "Sunny and 21 degrees in Paris all day long."}
    assert response.text == "Tool result received: Sunny and 21 degrees in Paris all day long."
    # tool_choice names the tool.
    response = gateway.chat_completion("gpt-4.1", prompt="Anything", tools=tools,
                                       tool_choice={"type": "function", "function": {"name": "get_time"}})
    assert [c.name for c in response.tool_calls] == ["get_time"] and response.tool_calls[0].arguments == "{}"
    assert gateway.chat_completion("gpt-4.1", prompt="get_weather", tools=tools, tool_choice="none").tool_calls == []


def test_structured_output_max_tokens_and_extra_fields(local: Any, gateway: aai.LLMGateway) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}, "ok": {"type": "boolean"}}}
    response = gateway.chat_completion("gemini-2.5-flash-lite", [{"role": "system", "content": "Be brief."},
                                                                 {"role": "user", "content": "how can I solve 8x + 7 = -23"}],
                                       response_format={"type": "json_schema", "json_schema": {"name": "r", "schema": schema}})
    assert json.loads(response.text) == {"answer": "how can I solve 8x + 7 = -23", "ok": True}
    response = gateway.chat_completion(MODEL, prompt="one two three four five six", max_tokens=3)
    assert (response.text, response.finish_reason) == ("Response to 6", "length")
    # Messages the typed calls cannot express (content parts) are sent as given.
    gateway.chat_completion(MODEL, [{"role": "user", "content": [{"type": "text", "text": "Hi"}], "name": "me"}],
                            extra={"stream": False})
    assert body(local) == {"model": MODEL, "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}],
                                                         "name": "me"}], "stream": False}


def test_speech_understanding(local: Any, gateway: aai.LLMGateway, call: aai.Transcript) -> None:
    result = gateway.understanding(call, {"request": {"translation": {"target_languages": ["de", "fr"]}}})
    assert body(local, "/v1/understanding") == {"transcript_id": call.id, "speech_understanding": {
        "request": {"translation": {"target_languages": ["de", "fr"]}}}}
    assert result.translated_texts == {"de": f"[de] {call.text}", "fr": f"[fr] {call.text}"}
    assert result.speech_understanding["response"]["translation"]["status"] == "completed"
    request = aai.SpeechUnderstandingRequest(request=aai.SpeechUnderstandingFeatureRequests(
        speaker_identification=aai.SpeakerIdentificationRequest(speaker_type=aai.SpeakerType.role,
                                                                known_values=["agent", "customer"])))
    result = gateway.understanding(call.id, request)
    assert body(local, "/v1/understanding")["speech_understanding"] == {
        "request": {"speaker_identification": {"speaker_type": "role", "known_values": ["agent", "customer"]}}}
    assert result.speech_understanding["response"]["speaker_identification"]["mapping"] == {"A": "agent", "B": "customer"}
    assert [u["speaker"] for u in result.utterances] == ["agent", "customer"]
    result = gateway.understanding(call, {"request": {"custom_formatting": {"phone_number": "(xxx)xxx-xxxx",
                                                                            "date": "mm/dd/yyyy"}}})
    formatting = result.speech_understanding["response"]["custom_formatting"]
    assert formatting["mapping"] == {"555-123-4567": "(555)123-4567", "2024-03-05": "03/05/2024"}


def test_async_variants(local: Any, gateway: aai.LLMGateway, call: aai.Transcript) -> None:
    f = gateway.chat_completion_async(MODEL, prompt="hello there")
    g = gateway.understanding_async(call, {"request": {"translation": {"target_languages": ["es"]}}})
    assert isinstance(f, concurrent.futures.Future)
    assert f.result(60).text == "Response to 2 words: hello there"
    assert g.result(60).translated_texts == {"es": f"[es] {call.text}"}


def test_base_url_from_the_settings(local: Any) -> None:
    # $ASSEMBLYAI_LLM_GATEWAY_BASE_URL is read into the settings at import, as the official SDK
    # does (test_native_settings_env.py); the gateway follows the settings.
    saved = aai.settings.llm_gateway_base_url
    try:
        aai.settings.llm_gateway_base_url = "https://llm-gateway.assemblyai.com"
        assert aai.LLMGateway().base_url == "https://llm-gateway.assemblyai.com"
        aai.settings.llm_gateway_base_url = local.base_url
        assert aai.LLMGateway().base_url == local.base_url
        assert aai.LLMGateway().chat_completion(MODEL, prompt="x").text == "Response to 1 words: x"
    finally:
        aai.settings.llm_gateway_base_url = saved


def test_eu_base_url_means_the_eu_gateway() -> None:
    saved = aai.settings.dict()
    try:
        aai.settings.llm_gateway_base_url = "https://llm-gateway.assemblyai.com"
        aai.settings.base_url = "https://api.eu.assemblyai.com"
        assert aai.LLMGateway().base_url == "https://llm-gateway.eu.assemblyai.com"
        assert aai.LLMGateway(base_url="http://127.0.0.1:9").base_url == "http://127.0.0.1:9"
    finally:
        for k, v in saved.items():
            setattr(aai.settings, k, v)


def test_refused_before_sending(local: Any, gateway: aai.LLMGateway, call: aai.Transcript) -> None:
    before = len(local.requests())
    with pytest.raises(aai.InvalidArgumentError, match="messages or a prompt"):
        gateway.chat_completion(MODEL)
    with pytest.raises(aai.InvalidArgumentError):
        gateway.chat_completion(MODEL, [{"role": "robot", "content": "x"}])
    with pytest.raises(aai.InvalidArgumentError):
        gateway.chat_completion(MODEL, prompt="x", temperature=3)
    with pytest.raises(aai.InvalidArgumentError):
        gateway.chat_completion(MODEL, prompt="x", max_tokens=0)
    with pytest.raises(aai.InvalidArgumentError):
        gateway.chat_completion("", prompt="x")
    with pytest.raises(aai.InvalidArgumentError):
        gateway.chat_completion(MODEL, prompt="x", tools=[aai.LLMGatewayTool("")])
    with pytest.raises(aai.InvalidArgumentError):
        aai.LLMGateway(base_url="http://example.com")  # plain http only on loopback
    with pytest.raises(ValueError):
        aai.Transcript(None).lemur  # noqa: B018 - no id: no source
    with pytest.raises(ValueError):
        gateway.chat_completion(MODEL, prompt="x", transcript=aai.Transcript("never-fetched"))
    assert len(local.requests()) == before


def test_gateway_errors(local: Any, gateway: aai.LLMGateway, call: aai.Transcript, tmp_path: Path) -> None:
    with pytest.raises(aai.LLMGatewayError) as info:
        gateway.chat_completion(MODEL, prompt="x", tools=[aai.LLMGatewayTool("a", {"type": "object"})],
                                tool_choice={"type": "function", "function": {"name": "b"}})
    assert info.value.status_code == 400 and "tool_choice names an unknown tool: b" in str(info.value)
    with pytest.raises(aai.LLMGatewayError) as info:
        gateway.understanding("6a0d6b4e-0000-4000-8000-000000000000", {"request": {"translation": {"target_languages": ["de"]}}})
    assert info.value.status_code == 404
    queued = aai.Transcriber().submit(str(write_wav(tmp_path / "q.wav", TEXT, 5)))
    with pytest.raises(aai.LLMGatewayError) as info:
        gateway.understanding(queued, {"request": {"translation": {"target_languages": ["de"]}}})
    assert "Transcript is not completed (status: queued)" in str(info.value)
    aai.settings.api_key = "wrong-key"
    with pytest.raises(aai.LLMGatewayError) as info:
        gateway.chat_completion(MODEL, prompt="x")
    assert info.value.status_code == 401


def test_models_list(local: Any, gateway: aai.LLMGateway) -> None:
    """1.8.2's README example (``gateway.models.list().data``, ``model.pricing.global_``): GET
    /v1/models through aai_llm_list_models; the lists the gateway sends as null read as []."""
    models = gateway.models.list()
    assert [m.id for m in models.data] == ["claude-sonnet-4-5-20250929", "gpt-5-mini", "gemini-2.5-flash-lite"]
    first, _, last = models.data
    assert first.context_length == 200000 and first.pricing.global_.prompt == 3.0
    assert [p.name for p in first.providers] == ["Anthropic", "Amazon Bedrock"]
    assert first.default_provider.id == "anthropic" and first.available_regions == ["us", "eu"]
    assert last.providers == [] and last.available_regions == [] and last.supported_parameters == []
    assert last.retirement_date == 1798761600
    assert models.dict()["data"][0]["pricing"]["global"]["completions"] == 15.0
    assert [r for r in local.requests() if r["path"] == "/v1/models"][-1]["method"] == "GET"


def test_models_list_errors(local: Any, gateway: aai.LLMGateway) -> None:
    local.arm_fault({"method": "GET", "path": "/v1/models", "kind": "status", "status": 503, "count": -1})
    try:
        with pytest.raises(aai.LLMGatewayError) as info:
            gateway.models.list()
        assert info.value.status_code == 503
    finally:
        local.clear_faults()
