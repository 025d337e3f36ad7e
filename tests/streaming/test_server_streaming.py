"""The local server's streaming endpoints, driven by an independent client: Python's
`websockets` (pip install websockets). Checks the rules of docs/local-server-streaming.md:
messages, the deterministic transcript, the close codes, tokens.

Run: python3 -m pytest -q tests/streaming   (the server: $AAI_SERVER_BIN, default build/bin; tests/localserver.py)
"""

import json
import pathlib
import sys
import time
import urllib.request

import pytest

websockets = pytest.importorskip("websockets")
from websockets.sync.client import connect  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY = "stream-key"
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
from localserver import LocalServer, pytest_outcome  # noqa: E402


def make_audio(text, span_ms=None, seconds=None, rate=16000, encoding="pcm_s16le"):
    """Samples with the text frame, as scripts/make-stream-wav --raw writes them."""
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("make_stream_wav", str(ROOT / "scripts/make-stream-wav"))
    spec = importlib.util.spec_from_loader("make_stream_wav", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    words = [t for t in text.split() if not (len(t) == 2 and t[1] == ":")]
    span = span_ms if span_ms is not None else 400 * len(words)
    secs = seconds if seconds is not None else span / 1000 + 1.5
    payload = mod.frame(text, span)
    if encoding == "pcm_mulaw":
        return mod.mulaw_silence_with(payload, int(secs * rate))
    samples = mod.embed_pcm16([0] * int(secs * rate), payload)
    import struct
    return struct.pack(f"<{len(samples)}h", *samples)


@pytest.fixture(scope="module")
def server():
    """The server's base URL (skipped when the binary is missing)."""
    with pytest_outcome("skip"):
        srv = LocalServer(api_key=KEY)
    yield srv.base_url
    srv.stop()


def ws_url(base, path):
    return base.replace("http://", "ws://") + path


def http(base, method, path, body=None, key=KEY):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": key, "Content-Type": "application/json"} if key else {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def session(base, path, audio=b"", chunk=3200, messages_after=(), key=KEY, terminate=None):
    """Runs a session: sends audio in chunks, then messages; returns (messages, close code, reason)."""
    headers = {"Authorization": key} if key else {}
    received = []
    with connect(ws_url(base, path), additional_headers=headers, max_size=None) as ws:
        try:
            for i in range(0, len(audio), chunk):
                ws.send(audio[i:i + chunk])
            for m in messages_after:
                ws.send(m)
            if terminate:
                ws.send(terminate)
            while True:
                received.append(json.loads(ws.recv(timeout=5)))
        except websockets.ConnectionClosed:
            pass
        return received, ws.close_code, ws.close_reason


def test_v3_turns_follow_the_rules(server):
    audio = make_audio("Hello world. How are you?", span_ms=2000, seconds=3)
    msgs, code, _ = session(server, "/v3/ws?sample_rate=16000&format_turns=true", audio,
                            terminate=json.dumps({"type": "Terminate"}))
    assert code == 1000
    assert msgs[0]["type"] == "Begin" and isinstance(msgs[0]["expires_at"], int)
    ends = [(m["turn_order"], m["transcript"], m["turn_is_formatted"]) for m in msgs if m["type"] == "Turn" and m["end_of_turn"]]
    assert ends == [(0, "hello world", False), (0, "Hello world.", True), (1, "how are you", False), (1, "How are you?", True)]
    partials = [m for m in msgs if m["type"] == "Turn" and not m["end_of_turn"]]
    assert partials and all(m["utterance"] == "" and m["end_of_turn_confidence"] == 0 for m in partials)
    first_end = next(m for m in msgs if m["type"] == "Turn" and m["end_of_turn"])
    assert [(w["text"], w["start"], w["end"], w["word_is_final"]) for w in first_end["words"]] == \
        [("hello", 0, 390, True), ("world", 400, 790, True)]
    assert first_end["words"][0]["confidence"] == 0.8  # "Hello": bytes sum 500 -> 0.80
    assert msgs[-1] == {"type": "Termination", "audio_duration_seconds": 3, "session_duration_seconds": msgs[-1]["session_duration_seconds"]}


def test_v2_partials_finals_and_session_information(server):
    audio = make_audio("Hello world. How are you?", span_ms=2000, seconds=3)
    msgs, code, _ = session(server, "/v2/realtime/ws?sample_rate=16000&enable_extra_session_information=true", audio,
                            terminate=json.dumps({"terminate_session": True}))
    assert code == 1000
    assert msgs[0]["message_type"] == "SessionBegins"
    finals = [m for m in msgs if m["message_type"] == "FinalTranscript"]
    assert [f["text"] for f in finals] == ["Hello world.", "How are you?"]
    assert finals[0]["audio_start"] == 0 and finals[0]["audio_end"] == 790
    assert finals[0]["punctuated"] and finals[0]["text_formatted"]
    assert set(finals[0]) == {"message_type", "audio_start", "audio_end", "confidence", "text", "words", "created", "punctuated", "text_formatted"}
    assert any(m["message_type"] == "PartialTranscript" and m["text"] == "hello world how" for m in msgs)
    assert msgs[-2] == {"message_type": "SessionInformation", "audio_duration_seconds": 3.0}
    assert msgs[-1] == {"message_type": "SessionTerminated"}


def test_mulaw_and_no_text(server):
    audio = make_audio("Mu law works.", rate=8000, encoding="pcm_mulaw")
    msgs, _, _ = session(server, "/v3/ws?sample_rate=8000&encoding=pcm_mulaw", audio, chunk=800,
                         terminate=json.dumps({"type": "Terminate"}))
    assert [m["transcript"] for m in msgs if m["type"] == "Turn" and m["end_of_turn"]] == ["mu law works"]
    msgs, _, _ = session(server, "/v3/ws", bytes(32000), terminate=json.dumps({"type": "Terminate"}))
    turns = [m for m in msgs if m["type"] == "Turn"]
    assert len(turns) == 1 and turns[0]["transcript"] == "" and turns[0]["end_of_turn"]


def test_auth_and_parameters_close_codes(server):
    assert session(server, "/v2/realtime/ws?sample_rate=16000", key=None)[1:] == (4001, "Not Authorized")
    assert session(server, "/v2/realtime/ws?sample_rate=16000", key="wrong")[1:] == (4001, "Not Authorized")
    assert session(server, "/v2/realtime/ws")[1:] == (4000, "Sample rate must be a positive integer")
    assert session(server, "/v2/realtime/ws?sample_rate=16000&word_boost=%5B1%5D")[1:] == (4104, "Could not parse word boost parameter")
    assert session(server, "/v3/ws", key=None)[1:] == (1008, "Unauthorized Connection: Missing Authorization header")
    assert session(server, "/v3/ws", key="wrong")[1:] == (1008, "Unauthorized Connection: Invalid API key")
    code, reason = session(server, "/v3/ws?inactivity_timeout=2")[1:]
    assert code == 3006 and "inactivity_timeout" in reason


def test_message_close_codes(server):
    assert session(server, "/v2/realtime/ws?sample_rate=16000", messages_after=["{nope"])[1:] == (4100, "Endpoint received invalid JSON")
    assert session(server, "/v2/realtime/ws?sample_rate=16000", messages_after=['{"end_utterance_silence_threshold": 20001}'])[1] == 4101
    assert session(server, "/v3/ws", messages_after=["{nope"])[1] == 3006
    assert session(server, "/v3/ws", messages_after=["[]"])[1:] == (3006, "Invalid Message: []")
    assert session(server, "/v3/ws", messages_after=['{"type": "Dance"}'])[1:] == (3006, "Invalid Message Type: Dance")
    # 20 ms and 1.1 s chunks
    assert session(server, "/v3/ws", bytes(640))[1:] == (3007, "Input duration violation: 20 ms. Expected between 50 and 1000 ms")
    assert session(server, "/v3/ws", bytes(35200), chunk=35200)[1] == 3007
    # KeepAlive is accepted
    msgs, code, _ = session(server, "/v3/ws", messages_after=['{"type": "KeepAlive"}'], terminate='{"type": "Terminate"}')
    assert code == 1000 and msgs[-1]["type"] == "Termination"


def test_force_endpoint_and_update_configuration(server):
    audio = make_audio("one two three four", span_ms=1600, seconds=4)
    with connect(ws_url(server, "/v3/ws"), additional_headers={"Authorization": KEY}) as ws:
        ws.recv()
        for i in range(0, 38400, 3200):
            ws.send(audio[i:i + 3200])
        ws.send('{"type": "ForceEndpoint"}')
        ws.send('{"type": "UpdateConfiguration", "max_turn_silence": 100}')
        for i in range(38400, 64000, 3200):
            ws.send(audio[i:i + 3200])
        ws.send('{"type": "Terminate"}')
        got = []
        try:
            while True:
                got.append(json.loads(ws.recv(timeout=5)))
        except websockets.ConnectionClosed:
            pass
    ends = [(m["turn_order"], m["transcript"]) for m in got if m["type"] == "Turn" and m["end_of_turn"]]
    assert ends == [(0, "one two three"), (1, "four")]


def test_tokens(server):
    status, body = http(server, "POST", "/v2/realtime/token", {"expires_in": 30})
    assert status == 400
    status, body = http(server, "POST", "/v2/realtime/token", {"expires_in": 60}, key=None)
    assert status == 401
    status, body = http(server, "POST", "/v2/realtime/token", {"expires_in": 60})
    assert status == 200 and set(body) == {"token"}
    t2 = body["token"]
    assert http(server, "GET", "/v3/token")[0] == 400
    assert http(server, "GET", "/v3/token?expires_in_seconds=601")[0] == 400
    assert http(server, "GET", "/v3/token?expires_in_seconds=60&max_session_duration_seconds=59")[0] == 400
    status, body = http(server, "GET", "/v3/token?expires_in_seconds=60&max_session_duration_seconds=600")
    assert status == 200 and body["expires_in_seconds"] == 60
    t3 = body["token"]
    msgs, code, _ = session(server, f"/v2/realtime/ws?sample_rate=16000&token={t2}", key=None, terminate='{"terminate_session": true}')
    assert code == 1000 and msgs[0]["message_type"] == "SessionBegins"
    msgs, code, _ = session(server, f"/v3/ws?token={t3}", key=None, terminate='{"type": "Terminate"}')
    assert code == 1000 and msgs[0]["expires_at"] - time.time() < 601
    assert session(server, f"/v3/ws?token={t3}", key=None)[1] == 1008        # single use
    assert session(server, f"/v3/ws?token={t2}", key=None)[1] == 1008        # wrong protocol


def test_idle_and_recording(server):
    urllib.request.urlopen(urllib.request.Request(server + "/_local/streaming/sessions", method="DELETE"))
    http(server, "POST", "/_local/streaming/settings", {"v2_idle_timeout_ms": 200, "v3_inactivity_unit_ms": 40})
    try:
        assert session(server, "/v2/realtime/ws?sample_rate=16000")[1:] == (4031, "Session idle for too long")
        msgs, code, _ = session(server, "/v3/ws?inactivity_timeout=5")
        assert code == 1000 and msgs[-1]["type"] == "Termination"
    finally:
        http(server, "POST", "/_local/streaming/settings", {"v2_idle_timeout_ms": 30000, "v3_inactivity_unit_ms": 1000})
    with urllib.request.urlopen(server + "/_local/streaming/sessions") as r:
        records = json.loads(r.read())
    assert [(s["protocol"], s["close_code"]) for s in records] == [("v2", 4031), ("v3", 1000)]
    assert records[1]["query"] == "inactivity_timeout=5" and records[1]["headers"]["authorization"] == KEY


def test_send_times_recorded(server):
    """sent_ns: one CLOCK_MONOTONIC time per message sent (the clock this process's
    time.monotonic_ns reads), in order, between the session's start and its end here."""
    urllib.request.urlopen(urllib.request.Request(server + "/_local/streaming/sessions", method="DELETE"))
    before = time.monotonic_ns()
    msgs, code, _ = session(server, "/v3/ws?sample_rate=16000", make_audio("Hello world.", span_ms=800, seconds=2),
                            terminate=json.dumps({"type": "Terminate"}))
    after = time.monotonic_ns()
    with urllib.request.urlopen(server + "/_local/streaming/sessions") as r:
        record = json.loads(r.read())[0]
    assert code == 1000 and len(record["sent_ns"]) == len(record["sent"]) == len(msgs)
    assert before <= record["sent_ns"][0] and record["sent_ns"] == sorted(record["sent_ns"]) and record["sent_ns"][-1] <= after
