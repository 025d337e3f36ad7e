"""The Sync and Dictation API routes (docs/local-server.md, "Sync and Dictation APIs"), spoken to
with hand-built multipart bodies, chunked and not: answers, problem-details errors, the request
record, and the server's faults on these paths."""

import http.client
import json
import urllib.parse

from server_harness import KEY, make_wav

BOUNDARY = "testboundary1234"
TEXT = "Book a flight to Denver."


def body(config, audio, content_type="audio/wav", filename="a.wav", config_first=True):
    cfg = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"config\"\r\n"
           f"Content-Type: application/json\r\n\r\n").encode() + json.dumps(config).encode() + b"\r\n"
    aud = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"{filename}\"\r\n"
           f"Content-Type: {content_type}\r\n\r\n").encode() + audio + b"\r\n"
    parts = cfg + aud if config_first else aud + cfg
    return parts + f"--{BOUNDARY}--\r\n".encode()


def post(server, path, payload, chunked=False, headers=None, key=KEY):
    """POST with http.client, so the body can go chunked. Returns (status, dict, headers)."""
    u = urllib.parse.urlparse(server.base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    h = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", **(headers or {})}
    if key:
        h["Authorization"] = key
    if chunked:
        conn.request("POST", path, body=(payload[i:i + 1000] for i in range(0, len(payload), 1000)), headers=h,
                     encode_chunked=True)
    else:
        conn.request("POST", path, body=payload, headers=h)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data) if data else None, dict(resp.getheaders())


def test_sync_answer_chunked_and_plain(server, tmp_path):
    wav = make_wav(tmp_path, TEXT, "--seconds", "3")
    for chunked in (False, True):
        status, answer, headers = post(server, "/v1/transcribe/live", body({}, wav), chunked=chunked)
        assert status == 200, answer
        assert answer["text"] == TEXT
        assert [w["text"] for w in answer["words"]] == TEXT.split()
        assert all(set(w) == {"text", "confidence"} for w in answer["words"])
        assert answer["audio_duration_ms"] == 3000
        assert len(answer["session_id"]) == 36
        assert 0.8 <= answer["confidence"] < 1.0
    status, answer, _ = post(server, "/v1/transcribe", body({"timestamps": True}, wav))
    assert status == 200
    assert answer["words"][0]["start"] == 0 and answer["words"][1]["start"] == 600


def test_sync_pcm_and_record(server):
    server.ok("DELETE", "/_local/requests", key=None)
    pcm = b"\0\0" * 16000
    status, answer, _ = post(server, "/v1/transcribe/live", body({"sample_rate": 16000, "channels": 1}, pcm,
                                                                 "audio/pcm", "audio.pcm"), chunked=True)
    assert status == 200 and answer["audio_duration_ms"] == 1000 and answer["text"] == ""
    rec = [r for r in server.ok("GET", "/_local/requests", key=None) if r["path"] == "/v1/transcribe/live"][-1]
    assert rec["multipart"][0]["json"] == {"sample_rate": 16000, "channels": 1}
    assert rec["multipart"][1]["content_type"] == "audio/pcm" and rec["multipart"][1]["size"] == 32000
    assert rec["body_size"] > 32000


def test_sync_problem_details(server, start_server, tmp_path):
    wav = make_wav(tmp_path, TEXT)
    cases = [
        (body({}, wav, config_first=False), {}, 400, "Bad Request"),
        (body({}, b"\0\0" * 100, "audio/pcm"), {}, 400, "Bad Audio"),
        (body({}, b"not a wav file at all"), {}, 400, "Bad Audio"),
        (body({}, wav, "audio/mpeg", "a.mp3"), {}, 415, "Unsupported Audio Format"),
        (body({"sample_rate": 8000, "channels": 1}, b"\0\0" * 8000 * 121, "audio/pcm"), {}, 413, "Audio Too Large"),
        (body({}, wav), {"X-AAI-Model": "nope"}, 400, "Unknown Model"),
        (body({"prompt": "x", "language_codes": ["es"]}, wav), {}, 422, "Invalid Config"),
    ]
    for payload, headers, want_status, want_title in cases:
        status, answer, resp_headers = post(server, "/v1/transcribe/live", payload, headers=headers)
        assert (status, answer["title"]) == (want_status, want_title), answer
        assert answer["status"] == want_status and answer["detail"]
        assert resp_headers["Content-Type"] == "application/problem+json"
    keyed = start_server("--api-key", KEY)
    status, answer, _ = post(keyed, "/v1/transcribe/live", body({}, wav), key="wrong")
    assert status == 401 and answer["title"] == "Unauthorized"
    status, answer, _ = post(keyed, "/v1/transcribe/live", body({}, wav))
    assert status == 200


def test_warm(server):
    for path in ("/v1/warm", "/dictation/v1/warm"):
        assert server.ok("GET", path) == {"status": "ok"}


def test_dictation(server, tmp_path):
    wav = make_wav(tmp_path, TEXT)
    status, answer, _ = post(server, "/dictation/v1/transcribe/live", body({}, wav), chunked=True)
    assert status == 200
    assert answer["text"] == TEXT and answer["llm_response"] is None and answer["llm_error"] is None
    assert all(set(w) == {"text", "confidence"} for w in answer["words"])
    assert "sync_time_ms" in answer
    status, answer, _ = post(server, "/dictation/v1/transcribe/live", body({"llm_instruction": "Make it UPPERCASE"}, wav))
    assert answer["llm_response"] == TEXT.upper()
    status, answer, _ = post(server, "/dictation/v1/transcribe/live", body({"llm_instruction": "Summarise"}, wav))
    assert answer["llm_response"] == "Summarise: " + TEXT
    status, answer, _ = post(server, "/dictation/v1/transcribe/live", body({"llm_instruction": "FAIL_LLM"}, wav))
    assert answer["llm_response"] is None and answer["llm_error"]
    status, answer, _ = post(server, "/dictation/v1/transcribe/live", body({"timestamps": True}, wav))
    assert (status, answer["title"]) == (422, "Invalid Config")


def test_faults_apply(server, tmp_path):
    wav = make_wav(tmp_path, TEXT)
    server.ok("POST", "/_local/faults", {"path": "/v1/transcribe/live", "kind": "status", "status": 429,
                                         "retry_after": 5}, key=None)
    status, answer, headers = post(server, "/v1/transcribe/live", body({}, wav), chunked=True)
    assert status == 429 and answer["title"] == "Too Many Requests" and headers["Retry-After"] == "5"
    server.ok("POST", "/_local/faults", {"path": "/dictation/v1/transcribe/live", "kind": "status", "status": 503},
              key=None)
    status, answer, _ = post(server, "/dictation/v1/transcribe/live", body({}, wav))
    assert status == 503 and answer["title"] == "Service Unavailable"
    server.ok("POST", "/_local/faults", {"path": "/v1/transcribe/live", "kind": "reset", "at_byte": 10}, key=None)
    try:
        status, answer, _ = post(server, "/v1/transcribe/live", body({}, wav))
        raise AssertionError(f"expected a broken connection, got {status}")
    except (http.client.HTTPException, ConnectionError):
        pass
    server.ok("DELETE", "/_local/faults", key=None)
