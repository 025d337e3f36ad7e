"""Start-up line, auth, uploads, the request record, clean shutdown."""

import http.client
import json
import os
import re
import signal

import pytest

from server_harness import KEY, Server


def test_first_line_names_host_and_port(server):
    assert re.fullmatch(r"assemblyai-server listening on http://127\.0\.0\.1:\d+", server.first_line)
    assert server.request("GET", "/_local/health", key=None) == (200, {"ok": True})


UNAUTHORIZED = (401, {"error": "Authentication error, API token missing/invalid"})


def test_any_key_accepted_without_api_key_flag(server):
    assert server.request("GET", "/v2/transcript", key=None) == UNAUTHORIZED
    assert server.request("GET", "/v2/transcript", key="")[0] == 401
    assert server.request("GET", "/v2/transcript", key="anything")[0] == 200


def test_only_configured_keys_accepted(start_server):
    s = start_server("--api-key", "k1", "--api-key", "k2")
    assert s.request("GET", "/v2/transcript", key="k1")[0] == 200
    assert s.request("GET", "/v2/transcript", key="k2")[0] == 200
    assert s.request("GET", "/v2/transcript", key="Bearer k1") == UNAUTHORIZED
    assert s.request("POST", "/v2/upload", key="wrong", raw=b"x") == UNAUTHORIZED
    # Auth comes before validation, as on the real API.
    assert s.request("POST", "/v2/transcript", {"bad": 1}, key="wrong") == UNAUTHORIZED
    assert s.request("GET", "/_local/health", key=None)[0] == 200


def test_upload_round_trip(server):
    data = os.urandom(300_000)
    url = server.upload(data)
    assert re.fullmatch(re.escape(server.base) + r"/_local/uploads/[0-9a-f-]{36}", url)
    status, body = server.request("GET", url, key=None)
    assert status == 200 and body == data
    assert server.validate("UploadedFile", {"upload_url": url})["valid"]


def test_request_record(server):
    server.ok("DELETE", "/_local/requests", key=None)
    server.request("POST", "/v2/transcript?x=1&y=two", {"audio_url": "https://example.com/a.mp3"},
                   headers={"User-Agent": "rec-test/1.0", "X-Extra": "yes"})
    server.request("POST", "/v2/upload", raw=b"12345", key=None)  # rejected, still recorded
    server.upload(b"abcdefgh")
    server.request("GET", "/_local/health", key=None)                # not recorded
    rec = server.ok("GET", "/_local/requests", key=None)
    assert [(r["method"], r["path"]) for r in rec] == [
        ("POST", "/v2/transcript"), ("POST", "/v2/upload"), ("POST", "/v2/upload")]
    first = rec[0]
    assert first["query"] == "x=1&y=two"
    assert first["body"] == {"audio_url": "https://example.com/a.mp3"}
    assert first["body_size"] == len(json.dumps({"audio_url": "https://example.com/a.mp3"}))
    assert first["headers"]["authorization"] == KEY
    assert first["headers"]["user-agent"] == "rec-test/1.0"
    assert first["headers"]["x-extra"] == "yes"
    assert first["headers"]["content-type"] == "application/json"
    assert "authorization" not in rec[1]["headers"]
    assert rec[2]["body"] is None and rec[2]["body_size"] == 8 and rec[2]["query"] == ""
    server.ok("DELETE", "/_local/requests", key=None)
    assert server.ok("GET", "/_local/requests", key=None) == []


def read_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def test_large_upload_is_streamed_to_disk(start_server, tmp_path):
    s = start_server("--data-dir", str(tmp_path))
    size = 1 << 30  # 1 GiB
    chunk = b"\x5a" * (1 << 20)
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=300)
    conn.putrequest("POST", "/v2/upload")
    conn.putheader("Authorization", KEY)
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    for _ in range(size // len(chunk)):
        conn.send(chunk)
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 200, body
    upload_id = body["upload_url"].rsplit("/", 1)[1]
    assert (tmp_path / "uploads" / upload_id).stat().st_size == size
    peak_mib = read_kib(s.proc.pid, "VmHWM") / 1024
    assert peak_mib < 200, f"server peak RSS {peak_mib:.0f} MiB for a 1 GiB upload"
    rec = s.ok("GET", "/_local/requests", key=None)
    assert rec[-1]["body_size"] == size


def test_sigterm_stops_cleanly_and_removes_temp_dir(tmp_path):
    # The default data dir is a new directory under $TMPDIR, removed on exit.
    s = Server(env={"TMPDIR": str(tmp_path)})
    try:
        s.upload(b"x")
        assert len(list(tmp_path.iterdir())) == 1
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(timeout=10) == 0
        assert list(tmp_path.iterdir()) == []
        with pytest.raises(OSError):
            http.client.HTTPConnection("127.0.0.1", s.port, timeout=2).request("GET", "/_local/health")
    finally:
        s.stop()


def test_sigint_stops_cleanly():
    s = Server()
    try:
        s.proc.send_signal(signal.SIGINT)
        assert s.proc.wait(timeout=10) == 0
    finally:
        s.stop()


def test_discard_uploads(start_server, tmp_path):
    # --discard-uploads: the body is read and counted, nothing is stored, the URL says why.
    s = start_server("--discard-uploads", "--data-dir", str(tmp_path), "--queued-ms", "0", "--processing-ms", "0")
    data = os.urandom(200_000)
    url = s.upload(data)
    assert re.fullmatch(re.escape(s.base) + r"/_local/uploads/[0-9a-f-]{36}", url)
    assert not any((tmp_path / "uploads").iterdir())
    rec = [r for r in s.ok("GET", "/_local/requests", key=None) if r["path"] == "/v2/upload"]
    assert rec[-1]["body_size"] == len(data)
    status, body = s.request("GET", url, key=None)
    assert status == 410 and "--discard-uploads" in body["error"]
    # An id never handed out is still unknown, not discarded.
    assert s.request("GET", s.base + "/_local/uploads/" + "0" * 8 + "-0000-0000-0000-" + "0" * 12, key=None)[0] == 404
    t = s.wait(s.submit(url)["id"])
    assert t["status"] == "error" and "--discard-uploads" in t["error"]
