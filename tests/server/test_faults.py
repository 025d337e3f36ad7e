"""Fault injection (docs/local-server.md, "Fault injection")."""

import json
import socket
import time

import pytest

from server_harness import KEY, make_wav


@pytest.fixture
def fs(start_server):
    """A server of its own (faults are global to a server)."""
    return start_server("--queued-ms", "0", "--processing-ms", "0")


def arm(s, *faults):
    return s.ok("POST", "/_local/faults", list(faults), key=None)["armed"]


def raw(s, method, path, body=b"", timeout=5.0, headers=None):
    """Sends one request on a fresh socket; returns (bytes received until close, how it ended)."""
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=timeout)
    head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {KEY}\r\nContent-Length: {len(body)}\r\n"
    for k, v in (headers or {}).items():
        head += f"{k}: {v}\r\n"
    sock.sendall(head.encode() + b"\r\n" + body)
    data, ending = b"", "closed"
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            head_end = data.find(b"\r\n\r\n")
            if head_end >= 0:
                length = [int(line.split(b":")[1]) for line in data[:head_end].split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(data) - head_end - 4 >= length[0]:
                    ending = "complete"
                    break
    except ConnectionResetError:
        ending = "reset"
    except socket.timeout:
        ending = "timeout"
    finally:
        sock.close()
    return data, ending


def split(response: bytes):
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("status,message", [(500, "Internal Server Error"), (502, "Bad Gateway"),
                                            (503, "Service Unavailable"), (504, "Gateway Timeout")])
def test_status_faults(fs, status, message):
    arm(fs, {"kind": "status", "status": status, "path": "/v2/transcript", "method": "GET"})
    assert fs.request("GET", "/v2/transcript") == (status, {"error": message})
    assert fs.request("GET", "/v2/transcript")[0] == 200  # count defaults to 1


def test_429_with_retry_after(fs):
    arm(fs, {"kind": "status", "status": 429}, {"kind": "status", "status": 429, "retry_after": 7, "message": "slow down"})
    status, headers, body = split(raw(fs, "GET", "/v2/transcript")[0])
    assert (status, headers["retry-after"], json.loads(body)) == (429, "1", {"error": "Too Many Requests"})
    status, headers, body = split(raw(fs, "GET", "/v2/transcript")[0])
    assert (status, headers["retry-after"], json.loads(body)) == (429, "7", {"error": "slow down"})


def test_before_and_after_phases(fs, tmp_path):
    url = fs.upload(make_wav(tmp_path, "hi"))
    arm(fs, {"kind": "status", "status": 500, "path": "/v2/transcript", "method": "POST"})
    assert fs.request("POST", "/v2/transcript", {"audio_url": url})[0] == 500
    assert fs.ok("GET", "/v2/transcript")["transcripts"] == []  # not handled
    arm(fs, {"kind": "status", "status": 504, "path": "/v2/transcript", "method": "POST", "phase": "after"})
    assert fs.request("POST", "/v2/transcript", {"audio_url": url})[0] == 504
    assert len(fs.ok("GET", "/v2/transcript")["transcripts"]) == 1  # handled, answer lost
    posts = [r for r in fs.ok("GET", "/_local/requests", key=None) if r["method"] == "POST" and r["path"] == "/v2/transcript"]
    assert len(posts) == 2  # both requests reached the server and were recorded


def test_count_skip_method_and_regex(fs):
    arm(fs, {"kind": "status", "status": 503, "path_regex": "^/v2/transcript/[^/]+$", "count": 2, "skip": 1})
    tid = "6f1d2d1e-0000-4000-8000-000000000000"
    codes = [fs.request("GET", f"/v2/transcript/{tid}")[0] for _ in range(4)]
    assert codes == [404, 503, 503, 404]
    assert fs.request("GET", "/v2/transcript")[0] == 200  # regex does not match the list
    arm(fs, {"kind": "status", "status": 500, "count": -1, "method": "DELETE"})
    assert [fs.request("DELETE", f"/v2/transcript/{tid}")[0] for _ in range(3)] == [500, 500, 500]
    assert fs.request("GET", f"/v2/transcript/{tid}")[0] == 404
    report = fs.ok("GET", "/_local/faults", key=None)
    assert [(f["kind"], f["count"], f["method"]) for f in report["armed"]] == [("status", -1, "DELETE")]
    assert [(f["id"], f["method"]) for f in report["fired"]] == [(1, "GET"), (1, "GET"), (2, "DELETE"), (2, "DELETE"), (2, "DELETE")]
    assert fs.ok("DELETE", "/_local/faults", key=None) == {"ok": True}
    assert fs.ok("GET", "/_local/faults", key=None) == {"armed": [], "fired": []}
    assert fs.request("DELETE", f"/v2/transcript/{tid}")[0] == 404


def test_malformed_json(fs):
    full = raw(fs, "GET", "/v2/transcript?limit=1")[0]
    arm(fs, {"kind": "malformed_json", "path": "/v2/transcript"})
    got, ending = raw(fs, "GET", "/v2/transcript?limit=1")
    status, headers, body = split(got)
    assert (status, ending, headers["content-type"]) == (200, "complete", "application/json")
    _, _, full_body = split(full)
    assert body == full_body[:len(full_body) // 2] and int(headers["content-length"]) == len(body)
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_truncated_body_with_clean_close(fs):
    arm(fs, {"kind": "truncate", "path": "/v2/transcript", "at_byte": 10})
    got, ending = raw(fs, "GET", "/v2/transcript")
    status, headers, body = split(got)
    assert (status, ending, body) == (200, "closed", b'{"page_det')
    assert int(headers["content-length"]) > 10


def test_reset_mid_body(fs):
    arm(fs, {"kind": "reset", "path": "/v2/transcript"})
    got, ending = raw(fs, "GET", "/v2/transcript")
    assert ending == "reset"
    assert fs.request("GET", "/v2/transcript")[0] == 200  # the server carries on


def test_delay(fs):
    arm(fs, {"kind": "delay", "delay_ms": 400, "path": "/v2/transcript"})
    started = time.monotonic()
    assert fs.request("GET", "/v2/transcript")[0] == 200
    assert time.monotonic() - started >= 0.4


def test_hang_until_client_gives_up(fs, tmp_path):
    arm(fs, {"kind": "hang", "path": "/v2/upload"})
    started = time.monotonic()
    got, ending = raw(fs, "POST", "/v2/upload", body=b"x" * 100000, timeout=0.5)
    assert (got, ending) == (b"", "timeout") and time.monotonic() - started < 3
    rec = [r for r in fs.ok("GET", "/_local/requests", key=None) if r["path"] == "/v2/upload"]
    assert len(rec) == 1
    assert fs.upload(b"after") .startswith("http")  # the next upload works


def test_hang_with_bound_closes_without_answer(fs):
    arm(fs, {"kind": "hang", "delay_ms": 300})
    got, ending = raw(fs, "GET", "/v2/transcript", timeout=5)
    assert (got, ending) == (b"", "closed")


def test_hanging_request_does_not_block_shutdown(start_server):
    s = start_server()
    arm(s, {"kind": "hang"})
    sock = socket.create_connection(("127.0.0.1", s.port))
    sock.sendall(f"GET /v2/transcript HTTP/1.1\r\nHost: x\r\nAuthorization: {KEY}\r\n\r\n".encode())
    time.sleep(0.2)
    started = time.monotonic()
    assert s.stop() == 0
    assert time.monotonic() - started < 5
    sock.close()


def test_faults_from_the_command_line(start_server):
    s = start_server("--fault", '{"kind": "status", "status": 502, "path": "/v2/transcript"}')
    assert s.request("GET", "/v2/transcript") == (502, {"error": "Bad Gateway"})
    assert s.request("GET", "/v2/transcript")[0] == 200


def test_gateway_faults_use_gateway_error_shape(fs):
    arm(fs, {"kind": "status", "status": 500, "path": "/v1/"})
    assert fs.request("POST", "/v1/chat/completions", {"model": "m", "prompt": "x"}) == (
        500, {"error": {"code": 500, "message": "Internal Server Error"}})


@pytest.mark.parametrize("fault,message", [
    ({}, "fault field kind is required"),
    ({"kind": "boom"}, "fault field kind must be one of: status, reset, truncate, malformed_json, delay, hang, malformed_event, ws_close, "
                        "ws_drop, ws_reset, ws_malformed_frame, ws_oversized_frame, ws_invalid_utf8, ws_stop_reading, ws_refuse"),
    ({"kind": "status", "status": 200}, "fault field status must be an Integer from 400 to 599"),
    ({"kind": "delay"}, "fault field delay_ms is required for kind delay"),
    ({"kind": "status", "count": 0}, "fault field count must not be 0 (use -1 for every request)"),
    ({"kind": "status", "paht": "/"}, "fault field paht is not allowed (unknown property)"),
    ({"kind": "status", "phase": "during"}, "fault field phase must be one of: before, after"),
])
def test_bad_faults_are_rejected(fs, fault, message):
    assert fs.request("POST", "/_local/faults", [fault], key=None) == (400, {"error": message})
    assert fs.ok("GET", "/_local/faults", key=None)["armed"] == []


def test_admin_routes_are_never_faulted(fs):
    arm(fs, {"kind": "status", "status": 500, "count": -1})
    assert fs.ok("GET", "/_local/health", key=None) == {"ok": True}
    assert fs.ok("GET", "/_local/faults", key=None)["armed"][0]["count"] == -1
