"""Universal Streaming v3 parameters of the official SDK 1.8.2's StreamingParameters, through the
library's typed by-name setters: checked before connecting, and sent as the official SDK sends
them (the local server records the query)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest

from native_testenv import API_KEY

from assemblyai_native.streaming.v3 import StreamingClient, StreamingClientOptions, StreamingParameters


def last_query(srv: Any) -> dict:
    with urllib.request.urlopen(srv.base_url + "/_local/streaming/sessions", timeout=10) as r:
        query = json.loads(r.read())[-1]["query"]
    return dict(urllib.parse.parse_qsl(query))


def test_every_new_parameter_reaches_the_server(local: Any) -> None:
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    llm = {"model": "claude-sonnet-4-5-20250929", "messages": [{"role": "user", "content": "Summarise"}],
           "max_tokens": 100}
    client.connect(StreamingParameters(
        sample_rate=16000, mode="balanced", domain="medical-v1", voice_focus="far-field", voice_focus_threshold=0.5,
        include_partial_turns=True, continuous_partials=False, session_heartbeat=True, language_codes=["en", "de"],
        interruption_delay=150, turn_left_pad_ms=20, agent_context="A support call", webhook_url="https://example.org/h",
        redact_pii=True, redact_pii_policies=["person_name"], redact_pii_sub="hash", llm_gateway=llm))
    client.disconnect(terminate=True)
    q = last_query(local)
    assert q["mode"] == "balanced" and q["domain"] == "medical-v1" and q["voice_focus"] == "far-field"
    assert q["voice_focus_threshold"] == "0.5" and q["include_partial_turns"] == "true"
    assert q["continuous_partials"] == "false" and q["session_heartbeat"] == "true"
    assert json.loads(q["language_codes"]) == ["en", "de"] and q["interruption_delay"] == "150"
    assert q["turn_left_pad_ms"] == "20" and q["agent_context"] == "A support call"
    assert q["webhook_url"] == "https://example.org/h" and q["redact_pii"] == "true"
    assert json.loads(q["redact_pii_policies"]) == ["person_name"] and q["redact_pii_sub"] == "hash"
    assert json.loads(q["llm_gateway"]) == llm


@pytest.mark.parametrize("params,match", [
    ({"mode": "fastest"}, "mode"),
    ({"voice_focus": "mid-field"}, "voice_focus"),
    ({"voice_focus_threshold": 2.0}, "voice_focus_threshold"),
    ({"include_partial_turns": "yes"}, "include_partial_turns"),
    ({"redact_pii_policies": ["shoe_size"]}, "shoe_size"),
    ({"redact_pii_sub": "mask"}, "redact_pii_sub"),
    ({"interruption_delay": -5}, "interruption_delay"),
    ({"llm_gateway": {"model": "m", "messages": [], "max_tokens": 1}}, "llm_gateway.messages"),
])
def test_bad_values_are_refused_before_connecting(local: Any, params: dict, match: str) -> None:
    before = len(json.loads(urllib.request.urlopen(local.base_url + "/_local/streaming/sessions", timeout=10).read()))
    client = StreamingClient(StreamingClientOptions(api_key=API_KEY))
    with pytest.raises(Exception, match=match):
        client.connect(StreamingParameters(sample_rate=16000, **params))
    after = len(json.loads(urllib.request.urlopen(local.base_url + "/_local/streaming/sessions", timeout=10).read()))
    assert after == before   # nothing reached the server
