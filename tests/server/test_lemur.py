"""LeMUR (/lemur/v3) and the LLM Gateway (/v1): deterministic answers (docs/local-server.md, "LeMUR")."""

import json

import pytest

from server_harness import make_wav

TEXT = "A: Hello there. We must ship the release today. B: I will write the notes. A: Great, thanks!"
WORDS = TEXT.replace("A: ", "").replace("B: ", "").split()  # 15 words
NONE = "6f1d2d1e-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def tid(server, tmp_path_factory):
    url = server.upload(make_wav(tmp_path_factory.mktemp("l"), TEXT, "--seconds", "5"))
    return server.wait(server.submit(url, speaker_labels=True)["id"])["id"]


def first(n, words=WORDS):
    return " ".join(words[:n])


def lemur(server, kind, body):
    return server.request("POST", f"/lemur/v3/generate/{kind}", body)


def test_task_get_and_purge(server, tid):
    body = server.ok("POST", "/lemur/v3/generate/task", {"transcript_ids": [tid], "prompt": "Who ships what?",
                                                          "final_model": "anthropic/claude-3-5-sonnet",
                                                          "temperature": 0.2, "context": {"team": "x"}})
    assert body["response"] == f"Response to 'Who ships what?' based on 15 words: {first(10)}"
    assert body["usage"] == {"input_tokens": 15 + 3, "output_tokens": len(body["response"].split())}
    assert server.validate("LemurTaskResponse", body)["errors"]["openapi.yml"] == []
    again = server.ok("GET", f"/lemur/v3/{body['request_id']}")
    assert again == body
    assert server.validate("LemurResponse", again)["errors"]["openapi.yml"] == []
    purge = server.ok("DELETE", f"/lemur/v3/{body['request_id']}")
    assert purge["request_id_to_purge"] == body["request_id"] and purge["deleted"] is True
    assert purge["request_id"] != body["request_id"]
    assert server.validate("PurgeLemurRequestDataResponse", purge)["errors"]["openapi.yml"] == []
    for method in ("GET", "DELETE"):
        assert server.request(method, f"/lemur/v3/{body['request_id']}") == (404, {"error": "LeMUR request not found"})


def test_summary_on_input_text_and_free_form_model(server):
    body = server.ok("POST", "/lemur/v3/generate/summary", {"input_text": "one two three", "answer_format": "TL;DR",
                                                             "final_model": "some-future-model"})
    assert body["response"] == "Summary (TL;DR) of 3 words: one two three"
    assert body["usage"] == {"input_tokens": 3, "output_tokens": 8}
    body = server.ok("POST", "/lemur/v3/generate/summary", {"input_text": "one two three"})
    assert body["response"] == "Summary of 3 words: one two three"


def test_group_of_transcripts_and_max_output_size(server, tid):
    body = server.ok("POST", "/lemur/v3/generate/summary", {"transcript_ids": [tid, tid], "max_output_size": 4})
    assert body["response"] == "Summary of 30 words:"
    assert body["usage"]["input_tokens"] == 30


def test_question_answer(server, tid):
    questions = [{"question": "Is a release planned?", "answer_options": ["No", "Release", "Maybe"]},
                 {"question": "Who writes?", "context": "team", "answer_format": "one word"},
                 {"question": "Color?", "answer_options": ["red", "blue"]}]
    body = server.ok("POST", "/lemur/v3/generate/question-answer", {"transcript_ids": [tid], "questions": questions})
    assert body["response"] == [
        {"question": "Is a release planned?", "answer": "Release"},
        {"question": "Who writes?", "answer": f"Answer to 'Who writes?' (one word) based on 15 words: {first(10)}"},
        {"question": "Color?", "answer": "red"},
    ]
    assert body["usage"]["input_tokens"] == 15 + 4 + 2 + 1
    assert body["usage"]["output_tokens"] == 1 + len(body["response"][1]["answer"].split()) + 1
    assert server.validate("LemurQuestionAnswerResponse", body)["errors"]["openapi.yml"] == []
    assert server.validate("LemurResponse", server.ok("GET", f"/lemur/v3/{body['request_id']}"))["valid"]


def test_action_items(server, tid):
    body = server.ok("POST", "/lemur/v3/generate/action-items", {"transcript_ids": [tid], "answer_format": "list"})
    assert body["response"] == ("Action items (list) from 15 words:\n- Hello there.\n- We must ship the release today."
                                "\n- I will write the notes.")
    assert server.validate("LemurActionItemsResponse", body)["errors"]["openapi.yml"] == []


@pytest.mark.parametrize("kind,body,message", [
    ("task", {"prompt": "x"}, "Either transcript_ids or input_text must be provided"),
    ("summary", {"transcript_ids": [], "input_text": ""}, "Either transcript_ids or input_text must be provided"),
    ("summary", {"transcript_ids": [NONE], "input_text": "x"}, "Only one of transcript_ids or input_text may be given"),
    ("summary", {"transcript_ids": [NONE]}, f"Transcript(s) not found: {NONE}"),
    ("task", {"input_text": "x", "prompt": "  "}, "prompt must not be empty"),
    ("task", {"input_text": "x"}, "prompt is required"),
    ("question-answer", {"input_text": "x", "questions": []}, "questions must not be empty"),
    ("summary", {"input_text": "x", "temperature": 2}, "temperature must be less than or equal to 1"),
    ("summary", {"input_text": "x", "transcript_ids": ["nope"]}, "transcript_ids[0] must be a valid UUID"),
])
def test_lemur_errors(server, kind, body, message):
    assert lemur(server, kind, body) == (400, {"error": message})


def test_lemur_on_unfinished_transcript(start_server, tmp_path):
    s = start_server("--queued-ms", "5000")
    t = s.submit(s.upload(make_wav(tmp_path, "hi")))
    assert lemur(s, "summary", {"transcript_ids": [t["id"]]}) == (
        400, {"error": f"Transcript {t['id']} is not completed (status: queued)"})


# --- LLM Gateway ------------------------------------------------------------------------------

def chat(server, body, **kw):
    return server.request("POST", "/v1/chat/completions", body, **kw)


def gateway_valid(server, schema, value):
    return server.validate(schema, value)["errors"]["llm-gateway.yml"] == []


def test_chat_with_messages(server):
    body = {"model": "claude-sonnet-4-5-20250929", "temperature": 0.5,
            "messages": [{"role": "system", "content": "Be brief."},
                         {"role": "user", "content": [{"type": "text", "text": "Hello there,"}, {"type": "text", "text": "how are you today?"}]}]}
    status, r = chat(server, body)
    assert status == 200 and gateway_valid(server, "Response", r)
    assert r["choices"] == [{"message": {"role": "assistant", "content": "Response to 6 words: Hello there, how are you today?"},
                             "finish_reason": "stop", "index": 0}]
    assert r["usage"] == {"input_tokens": 8, "output_tokens": 10, "total_tokens": 18, "prompt_tokens": 8, "completion_tokens": 10}
    assert r["request"] == {"model": "claude-sonnet-4-5-20250929", "max_tokens": 1000, "temperature": 0.5}
    assert (r["http_status_code"], r["llm_status_code"]) == (200, 200) and r["response_time"] > 0


def test_chat_prompt_and_max_tokens(server):
    status, r = chat(server, {"model": "m", "prompt": "one two three four five", "max_tokens": 4})
    assert r["choices"][0] == {"message": {"role": "assistant", "content": "Response to 5 words:"}, "finish_reason": "length", "index": 0}
    assert r["request"]["max_tokens"] == 4


def test_chat_transcript_as_context(server, tid):
    t = server.ok("GET", f"/v2/transcript/{tid}")
    status, r = chat(server, {"model": "m", "messages": [{"role": "user", "content": f"Summarize: {t['text']}"}]})
    assert r["choices"][0]["message"]["content"] == "Response to 16 words: Summarize: " + first(9)


TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
                                            "parameters": {"type": "object", "properties": {
                                                "city": {"type": "string"}, "days": {"type": "integer"},
                                                "unit": {"type": "string", "enum": ["c", "f"]}}}}},
         {"type": "function", "function": {"name": "book", "parameters": {"type": "object", "properties": {}}}}]


def test_tool_calls(server):
    msg = [{"role": "user", "content": "Please call get_weather for Paris"}]
    status, r = chat(server, {"model": "m", "messages": msg, "tools": TOOLS})
    assert status == 200 and gateway_valid(server, "Response", r)
    choice = r["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] == ""
    call = choice["tool_calls"][0]
    assert call["type"] == "function" and call["id"].startswith("call_") and len(call["id"]) == 29
    assert call["function"] == {"name": "get_weather",
                                "arguments": '{"city":"Please call get_weather for Paris","days":5,"unit":"c"}'}
    assert r["request"]["tools"] == TOOLS
    # tool_choice: none -> no call; a named function -> that one even if not mentioned
    r = chat(server, {"model": "m", "messages": msg, "tools": TOOLS, "tool_choice": "none"})[1]
    assert "tool_calls" not in r["choices"][0] and r["choices"][0]["finish_reason"] == "stop"
    r = chat(server, {"model": "m", "messages": msg, "tools": TOOLS,
                      "tool_choice": {"type": "function", "function": {"name": "book"}}})[1]
    assert r["choices"][0]["tool_calls"][0]["function"] == {"name": "book", "arguments": "{}"}
    # not mentioned, auto -> plain answer; a tool result -> acknowledged
    r = chat(server, {"model": "m", "messages": [{"role": "user", "content": "hi"}], "tools": TOOLS})[1]
    assert r["choices"][0]["message"]["content"] == "Response to 1 words: hi"
    msgs = msg + [{"role": "assistant", "content": ""}, {"role": "tool", "tool_call_id": call["id"], "content": "Sunny, 21 C"}]
    r = chat(server, {"model": "m", "messages": msgs, "tools": TOOLS})[1]
    assert r["choices"][0]["message"]["content"] == "Tool result received: Sunny, 21 C"


def test_response_format_json_schema(server):
    schema = {"type": "object", "properties": {"steps": {"type": "array"}, "final_answer": {"type": "string"}}}
    r = chat(server, {"model": "m", "prompt": "solve 8x + 7", "response_format": {
        "type": "json_schema", "json_schema": {"name": "math", "schema": schema}}})[1]
    assert r["choices"][0]["message"]["content"] == '{"final_answer":"solve 8x + 7","steps":[]}'


def sse_chunks(payload: bytes):
    """The data of each event of a text/event-stream body, in order."""
    events = payload.decode().split("\n\n")
    assert events[-1] == ""
    return [e[len("data: "):] for e in events[:-1]]


def test_chat_stream_is_server_sent_events(server):
    body = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "Tell me about the invoice today"}]}
    plain = chat(server, body)[1]
    status, payload = chat(server, {**body, "stream": True})
    assert status == 200 and isinstance(payload, bytes)
    data = sse_chunks(payload)
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"} and len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == plain["choices"][0]["message"]["content"]
    assert len(chunks) == 2 + len(text.split()) + 1  # role, a word each, finish, usage
    assert chunks[-2]["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop"}
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"] == {
        "prompt_tokens": plain["usage"]["input_tokens"], "completion_tokens": plain["usage"]["output_tokens"],
        "total_tokens": plain["usage"]["total_tokens"]}


def test_chat_stream_tool_call_arguments_in_pieces(server):
    status, payload = chat(server, {"model": "m", "prompt": "use get_weather", "tools": TOOLS, "stream": True})
    chunks = [json.loads(d) for d in sse_chunks(payload)[:-1]]
    calls = [t for c in chunks if c["choices"] for t in c["choices"][0]["delta"].get("tool_calls", [])]
    assert calls[0]["function"]["name"] == "get_weather" and calls[0]["id"].startswith("call_")
    pieces = [t["function"]["arguments"] for t in calls[1:]]
    assert all(len(p) <= 8 for p in pieces) and json.loads("".join(pieces)) is not None
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"


def test_malformed_event_fault_on_an_event_stream(server):
    """malformed_event on an event stream: the events up to at_byte, the cut one closed with a
    blank line, a clean end without [DONE]."""
    body = {"model": "m", "prompt": "hello there", "stream": True}
    full = chat(server, body)[1]
    first = full.index(b"\n\n") + 2
    server.request("POST", "/_local/faults", {"path": "/v1/chat/completions", "kind": "malformed_event", "at_byte": first + 10})
    status, cut = chat(server, body)
    assert status == 200 and len(cut) == first + 12 and cut.endswith(b"\n\n")
    data = sse_chunks(cut)
    assert len(data) == 2 and data[-1] != "[DONE]"
    with pytest.raises(ValueError):
        json.loads(data[1])


@pytest.mark.parametrize("body,status,message", [
    ({"messages": [{"role": "user", "content": "x"}]}, 400, "model is required"),
    ({"model": "m"}, 400, "Either messages or prompt must be provided"),
    ({"model": "m", "prompt": "x", "max_tokens": 0}, 400, "max_tokens must be greater than or equal to 1"),
    ({"model": "m", "messages": [{"role": "robot", "content": "x"}]}, 400, None),
    ({"model": "m", "prompt": "x", "tools": TOOLS, "tool_choice": {"type": "function", "function": {"name": "zz"}}},
     400, "tool_choice names an unknown tool: zz"),
])
def test_chat_errors_have_the_gateway_shape(server, body, status, message):
    got_status, got = chat(server, body)
    assert got_status == status and set(got) == {"error"} and got["error"]["code"] == status
    if message:
        assert got["error"]["message"] == message
    assert gateway_valid(server, "ErrorResponse", got)


def test_gateway_auth_error_shape(server):
    assert chat(server, {"model": "m", "prompt": "x"}, key=None) == (
        401, {"error": {"code": 401, "message": "Authentication error, API token missing/invalid"}})


def test_understanding(server, tid):
    def su(request):
        return server.request("POST", "/v1/understanding", {"transcript_id": tid, "speech_understanding": {"request": request}})

    request = {"translation": {"target_languages": ["es", "de"], "match_original_utterance": True}}
    status, r = su(request)
    assert status == 200 and gateway_valid(server, "LLMGatewayTranslationResponse", r)
    text = " ".join(WORDS)
    assert r["translated_texts"] == {"es": f"[es] {text}", "de": f"[de] {text}"}
    assert r["speech_understanding"] == {"request": request, "response": {"translation": {"status": "completed"}}}
    assert [u["translated_texts"]["es"] for u in r["utterances"]] == [
        "[es] " + first(8), "[es] " + " ".join(WORDS[8:13]), "[es] " + " ".join(WORDS[13:])]

    status, r = su({"speaker_identification": {"speaker_type": "role", "known_values": ["lead", "writer"]}})
    assert r["speech_understanding"]["response"]["speaker_identification"] == {
        "mapping": {"A": "lead", "B": "writer"}, "status": "completed"}
    assert [u["speaker"] for u in r["utterances"]] == ["lead", "writer", "lead"]
    assert gateway_valid(server, "LLMGatewaySpeakerIdentificationResponse", r)

    status, r = su({"custom_formatting": {"date": "mm/dd/yyyy"}})
    assert r["speech_understanding"]["response"]["custom_formatting"]["formatted_text"] == text
    assert gateway_valid(server, "LLMGatewayCustomFormattingResponse", r)

    status, r = server.request("POST", "/v1/understanding", {"transcript_id": NONE, "speech_understanding": {
        "request": {"custom_formatting": {}}}})
    assert (status, r) == (404, {"error": {"code": 404, "message": "Transcript lookup error, transcript id not found"}})


def test_custom_formatting_rewrites_phones_and_dates(server, tmp_path):
    url = server.upload(make_wav(tmp_path, "A: Call 555-123-4567 on 2024-12-25. B: Thanks."))
    t = server.wait(server.submit(url, speaker_labels=True)["id"])
    status, r = server.request("POST", "/v1/understanding", {"transcript_id": t["id"], "speech_understanding": {
        "request": {"custom_formatting": {"date": "mm/dd/yyyy", "phone_number": "(xxx)xxx-xxxx"}}}})
    cf = r["speech_understanding"]["response"]["custom_formatting"]
    assert cf["formatted_text"] == "Call (555)123-4567 on 12/25/2024. Thanks."
    assert cf["mapping"] == {"555-123-4567": "(555)123-4567", "2024-12-25": "12/25/2024"}
    assert [u["text"] for u in cf["formatted_utterances"]] == ["Call (555)123-4567 on 12/25/2024.", "Thanks."]
