"""Webhook delivery on completion and error (docs/local-server.md, "Webhooks")."""

import http.server
import json
import threading
import time

import pytest

from server_harness import make_wav


class Receiver:
    """A loopback HTTP server that records webhook POSTs and answers with `status`."""

    def __init__(self, status=200):
        self.status = status
        self.calls = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.calls.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": json.loads(body)})
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def deliveries(server, transcript_id, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [d for d in server.ok("GET", "/_local/webhooks", key=None) if d["transcript_id"] == transcript_id]
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("no webhook delivery recorded")


def test_completed_webhook_with_auth_header(server, receiver, tmp_path):
    url = server.upload(make_wav(tmp_path, "hello"))
    hook = f"{receiver.url}/hooks/aai?src=test"
    t = server.submit(url, webhook_url=hook, webhook_auth_header_name="X-Hook-Secret",
                      webhook_auth_header_value="s3cret")
    [d] = deliveries(server, t["id"])
    assert d["url"] == hook and d["status"] == "completed" and d["response_status"] == 200 and d["error"] is None
    assert d["body"] == {"transcript_id": t["id"], "status": "completed"}
    assert d["headers"]["x-hook-secret"] == "s3cret"
    [call] = receiver.calls
    assert call["path"] == "/hooks/aai?src=test"
    assert call["body"] == {"transcript_id": t["id"], "status": "completed"}
    assert call["headers"]["x-hook-secret"] == "s3cret"
    assert call["headers"]["content-type"] == "application/json"
    done = server.wait(t["id"])
    assert done["webhook_status_code"] == 200 and done["webhook_auth"] is True
    assert "webhook_auth_header_value" not in done


def test_error_webhook_and_receiver_status(server, tmp_path):
    r = Receiver(status=503)
    try:
        t = server.submit(server.upload(b"not audio"), webhook_url=f"{r.url}/x")
        [d] = deliveries(server, t["id"])
        assert d["status"] == "error" and d["response_status"] == 503
        assert r.calls[0]["body"] == {"transcript_id": t["id"], "status": "error"}
        assert "x-hook-secret" not in r.calls[0]["headers"]
        assert server.wait(t["id"])["webhook_status_code"] == 503
    finally:
        r.close()


@pytest.mark.parametrize("hook,error", [
    ("http://example.com/hook", "not delivered: example.com is not a loopback address"),
    ("https://127.0.0.1:9/hook", "not delivered: only http:// URLs on a loopback address are called"),
])
def test_non_loopback_webhooks_are_not_called(server, tmp_path, hook, error):
    t = server.submit(server.upload(make_wav(tmp_path, "hi")), webhook_url=hook)
    [d] = deliveries(server, t["id"])
    assert (d["response_status"], d["error"]) == (None, error)
    assert server.wait(t["id"])["webhook_status_code"] is None


def test_unreachable_receiver_is_recorded(server, tmp_path):
    t = server.submit(server.upload(make_wav(tmp_path, "hi")), webhook_url="http://localhost:9/nothing")
    [d] = deliveries(server, t["id"])
    assert d["response_status"] is None and d["error"].startswith("connection failed: ")


def test_no_webhook_without_url_and_clear(server, tmp_path):
    t = server.wait(server.submit(server.upload(make_wav(tmp_path, "hi")))["id"])
    time.sleep(0.1)
    assert all(d["transcript_id"] != t["id"] for d in server.ok("GET", "/_local/webhooks", key=None))
    assert server.ok("DELETE", "/_local/webhooks", key=None) == {"ok": True}
    assert server.ok("GET", "/_local/webhooks", key=None) == []
