"""WebSocket faults of the streaming endpoints (docs/local-server.md, "Fault injection", ws_*
kinds): what each one puts on the wire, seen by a raw socket client (bytes, FIN, RST) and by
Python's `websockets` (an independent client's verdict: the close code it fails with), and what
the server records (GET /_local/faults "fired", the session's `sent`, `fault`,
`client_close_code`)."""

import base64
import importlib.machinery
import importlib.util
import json
import os
import socket
import struct
import time

import pytest

from server_harness import KEY, ROOT

websockets = pytest.importorskip("websockets")
from websockets.sync.client import connect  # noqa: E402

V2 = "/v2/realtime/ws?sample_rate=16000"
V3 = "/v3/ws?sample_rate=16000"
CHUNK = 3200  # 100 ms of 16 kHz PCM16: inside v3's 50..1000 ms


def _make_stream_wav():
    loader = importlib.machinery.SourceFileLoader("make_stream_wav", str(ROOT / "scripts/make-stream-wav"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("make_stream_wav", loader))
    loader.exec_module(module)
    return module


def audio(text="Hello world. How are you?", span_ms=2000, seconds=3.0):
    """PCM16 whose streaming transcript is `text` (scripts/make-stream-wav --raw)."""
    mod = _make_stream_wav()
    samples = mod.embed_pcm16([0] * int(seconds * 16000), mod.frame(text, span_ms))
    return struct.pack(f"<{len(samples)}h", *samples)


AUDIO = audio()


@pytest.fixture
def fs(start_server):
    """A server of its own: faults and session records are global to a server."""
    return start_server()


def arm(s, **fault):
    return s.ok("POST", "/_local/faults", fault, key=None)["armed"][0]


def last_session(s):
    return s.ok("GET", "/_local/streaming/sessions", key=None)[-1]


def wait_for(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


class RawWS:
    """A WebSocket client on a bare socket: masked frames out, frames in exactly as sent."""

    def __init__(self, s, path, key=KEY):
        self.sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        nonce = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {nonce}\r\nSec-WebSocket-Version: 13\r\nAuthorization: {key}\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.send_error = None
        assert head.startswith(b"HTTP/1.1 101"), head

    def _recv(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError("the server closed the connection (FIN)")
        return data

    def _take(self, n):
        while len(self.buf) < n:
            self.buf += self._recv()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def frame(self):
        """(first byte, mask key or None, payload unmasked)."""
        b0, b1 = self._take(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._take(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._take(8))[0]
        key = self._take(4) if b1 & 0x80 else None
        payload = self._take(n)
        if key:
            payload = bytes(c ^ key[i % 4] for i, c in enumerate(payload))
        return b0, key, payload

    def send(self, opcode, payload):
        key = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else
                                         bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                         bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload)))

    def send_audio(self, data=AUDIO):
        """All of it, in 100 ms chunks; stops if the connection is gone (send_error says how:
        a RST that meets a send is reported there, and later reads only see the end)."""
        try:
            for i in range(0, len(data), CHUNK):
                self.send(0x2, data[i:i + CHUNK])
        except (BrokenPipeError, ConnectionResetError) as e:
            self.send_error = type(e)

    def messages(self, n):
        out = []
        while len(out) < n:
            b0, key, payload = self.frame()
            assert b0 == 0x81 and key is None, (hex(b0), payload[:80])
            out.append(json.loads(payload))
        return out

    def close(self):
        self.sock.close()


def ws_session(s, path, send=AUDIO, max_size=None, terminate=None):
    """A `websockets` session: audio (then `terminate`), then reading until the end. Returns
    (messages, the ConnectionClosed exception)."""
    received = []
    with connect(s.base.replace("http://", "ws://") + path, additional_headers={"Authorization": KEY},
                 max_size=max_size, close_timeout=2) as ws:
        try:
            for i in range(0, len(send), CHUNK):
                ws.send(send[i:i + CHUNK])
            if terminate:
                ws.send(terminate)
        except websockets.ConnectionClosed:
            pass  # the server closed while we were sending: what it sent before is still queued
        try:
            while True:
                received.append(json.loads(ws.recv(timeout=5)))
        except websockets.ConnectionClosed as e:
            return received, e


def check_record(s, kind, n, messages):
    """The session record and the fired list agree with what the client got."""
    rec = last_session(s)
    assert [json.loads(m) for m in rec["sent"]] == messages
    assert rec["fault"]["kind"] == kind and rec["fault"]["after_messages"] == n
    report = s.ok("GET", "/_local/faults", key=None)
    fired = [f for f in report["fired"] if f["kind"] == kind]
    assert len(fired) == 1 and fired[0]["session_id"] == rec["id"] and fired[0]["after_messages"] == n
    assert fired[0]["method"] == "GET" and fired[0]["path"] == rec["path"]
    assert report["armed"] == []
    return rec


# ---- arming ----------------------------------------------------------------------------------

def test_ws_fault_fields_are_checked_and_shown(fs):
    shown = arm(fs, kind="ws_close", path="/v3/ws", close_code=3005, reason="Injected", after_messages=4)
    assert shown == {"id": 1, "kind": "ws_close", "path": "/v3/ws", "count": 1, "skip": 0, "after_messages": 4,
                     "close_code": 3005, "reason": "Injected"}
    assert arm(fs, kind="ws_malformed_frame", frame="masked")["frame"] == "masked"
    assert arm(fs, kind="ws_oversized_frame")["frame_bytes"] == 16 * 1024 * 1024 + 1
    assert arm(fs, kind="ws_stop_reading", delay_ms=500)["delay_ms"] == 500
    for bad, message in [({"frame": "bogus"}, "frame must be one of: rsv, opcode, masked, control"),
                         ({"close_code": 70000}, "close_code must be an Integer from 0 to 65535"),
                         ({"reason": "x" * 124}, "reason must be at most 123 bytes"),
                         ({"after_messages": -1}, "after_messages must be an Integer")]:
        status, body = fs.request("POST", "/_local/faults", {"kind": "ws_close", **bad}, key=None)
        assert status == 400 and message in body["error"], body


# ---- each kind on the wire ---------------------------------------------------------------------

@pytest.mark.parametrize("path,code,reason", [(V2, 4008, "Session Expired"), (V2, 1011, "Injected failure"),
                                              (V3, 3005, "Session Cancelled: injected"), (V3, 4999, "")])
def test_ws_close_sends_the_code_and_reason(fs, path, code, reason):
    arm(fs, kind="ws_close", path=path.split("?")[0], close_code=code, reason=reason, after_messages=5)
    messages, closed = ws_session(fs, path)
    assert len(messages) == 5 and messages[0].get("message_type", messages[0].get("type")) in ("SessionBegins", "Begin")
    assert closed.rcvd.code == code and closed.rcvd.reason == reason
    rec = check_record(fs, "ws_close", 5, messages)
    assert rec["close_code"] == code and rec["close_reason"] == reason
    assert rec["client_close_code"] == code  # websockets echoes the code, as RFC 6455 says


@pytest.mark.parametrize("path", [V2, V3])
def test_ws_drop_ends_with_fin_and_no_close_frame(fs, path):
    arm(fs, kind="ws_drop", path=path.split("?")[0], after_messages=5)
    ws = RawWS(fs, path)
    ws.send_audio()
    messages = ws.messages(5)
    with pytest.raises(EOFError):  # not ConnectionResetError, and no close frame first
        ws.frame()
    assert ws.send_error is None
    ws.close()
    rec = check_record(fs, "ws_drop", 5, messages)
    assert rec["close_code"] == 1006 and rec["client_close_code"] is None


@pytest.mark.parametrize("path", [V2, V3])
def test_ws_reset_ends_with_rst(fs, path):
    arm(fs, kind="ws_reset", path=path.split("?")[0], after_messages=5)
    ws = RawWS(fs, path)
    ws.send_audio()
    messages = ws.messages(5)
    try:
        ws.frame()
        ended = "a frame"
    except ConnectionResetError:
        ended = ConnectionResetError
    except EOFError:  # the reset was reported to a send already
        ended = ws.send_error
    assert ended is ConnectionResetError
    ws.close()
    assert check_record(fs, "ws_reset", 5, messages)["close_code"] == 1006


# (variant, first byte, mask, payload length, websockets' close code)
FRAMES = [("rsv", 0xC1, False, 2, 1002), ("opcode", 0x83, False, 2, 1002), ("masked", 0x81, True, 2, 1002),
          ("control", 0x89, False, 126, 1002)]


@pytest.mark.parametrize("variant,b0,masked,length,verdict", FRAMES)
def test_ws_malformed_frame_bytes(fs, variant, b0, masked, length, verdict):
    arm(fs, kind="ws_malformed_frame", frame=variant, path="/v3/ws", after_messages=3)
    ws = RawWS(fs, V3)
    ws.send_audio()
    messages = ws.messages(3)
    got = ws.frame()
    assert (got[0], got[1] is not None, len(got[2])) == (b0, masked, length)
    # The client fails the connection with 1002: the server answers the close (the framework
    # answers with 1000) and hangs up.
    ws.send(0x8, struct.pack(">H", 1002) + b"bad frame")
    b0_close, _, payload = ws.frame()
    assert b0_close == 0x88 and len(payload) >= 2
    with pytest.raises(EOFError):
        ws.frame()
    ws.close()
    rec = check_record(fs, "ws_malformed_frame", 3, messages)
    assert rec["client_close_code"] == 1002 and rec["client_close_reason"] == "bad frame"


@pytest.mark.parametrize("path", [V2, V3])
@pytest.mark.parametrize("kind,variant,verdict", [("ws_malformed_frame", v[0], v[4]) for v in FRAMES] +
                         [("ws_invalid_utf8", None, 1007), ("ws_oversized_frame", None, 1009)])
def test_ws_frame_faults_make_websockets_fail_the_connection(fs, path, kind, variant, verdict):
    fault = {"kind": kind, "path": path.split("?")[0], "after_messages": 4}
    if variant:
        fault["frame"] = variant
    arm(fs, **fault)
    messages, closed = ws_session(fs, path, max_size=16 * 1024 * 1024)
    assert closed.sent is not None and closed.sent.code == verdict
    wait_for(lambda: last_session(fs)["client_close_code"] is not None)
    sent = [json.loads(m) for m in last_session(fs)["sent"]]
    # websockets drops messages it had queued but not handed out when it fails the connection
    assert len(sent) == 4 and messages == sent[:len(messages)]
    rec = check_record(fs, kind, 4, sent)
    assert rec["client_close_code"] == verdict


def test_ws_invalid_utf8_bytes(fs):
    arm(fs, kind="ws_invalid_utf8", path="/v2/realtime/ws", after_messages=2)
    ws = RawWS(fs, V2)
    ws.send_audio()
    ws.messages(2)
    assert ws.frame() == (0x81, None, b'{"text":"\xff\xfe"}')
    ws.close()


def test_ws_oversized_frame_bytes(fs):
    arm(fs, kind="ws_oversized_frame", path="/v3/ws", after_messages=1)
    ws = RawWS(fs, V3)
    ws.messages(1)
    head = ws._take(10)  # text, FIN, 64-bit length
    assert head[:2] == bytes([0x81, 127]) and struct.unpack(">Q", head[2:])[0] == 16 * 1024 * 1024 + 1
    body = ws._take(16 * 1024 * 1024 + 1)
    assert body.startswith(b'{"padding":"xxx') and body.endswith(b'x"}') and json.loads(body)["padding"]
    ws.close()
    # A size under a client's limit: a complete, valid text message of exactly that many bytes.
    arm(fs, kind="ws_oversized_frame", path="/v3/ws", after_messages=1, frame_bytes=200)
    ws = RawWS(fs, V3)
    ws.messages(1)
    b0, _, payload = ws.frame()
    assert b0 == 0x81 and len(payload) == 200 and set(json.loads(payload)) == {"padding"}
    ws.close()


def test_ws_stop_reading_backs_up_the_client_then_resets(fs):
    arm(fs, kind="ws_stop_reading", path="/v2/realtime/ws", after_messages=1, delay_ms=1500)
    ws = RawWS(fs, V2)
    begin = ws.messages(1)
    assert begin[0]["message_type"] == "SessionBegins"
    # Send until the socket stays full for 0.3 s: the server no longer takes any bytes.
    ws.sock.setblocking(False)
    frame = bytes([0x82, 0x80 | 126]) + struct.pack(">H", CHUNK) + b"\0\0\0\0" + bytes(CHUNK)
    sent, pending, stalled_since = 0, b"", None
    while stalled_since is None or time.monotonic() - stalled_since < 0.3:
        try:
            pending = pending or frame
            n = ws.sock.send(pending)
            pending = pending[n:]
            sent += n
            stalled_since = None
        except BlockingIOError:
            stalled_since = stalled_since or time.monotonic()
            time.sleep(0.01)
        assert sent < 256 << 20, "the server kept reading"
    received = last_session(fs)["audio_bytes"]
    time.sleep(0.3)
    assert last_session(fs)["audio_bytes"] == received < sent
    # After delay_ms the server gives up: the connection is reset.
    ws.sock.setblocking(True)
    ws.sock.settimeout(10)
    with pytest.raises(ConnectionResetError):
        while True:
            ws.frame()
    ws.close()
    check_record(fs, "ws_stop_reading", 1, begin)


# ---- which sessions a fault hits -------------------------------------------------------------

def test_ws_faults_count_sessions_and_never_touch_http(fs):
    terminate_v2 = json.dumps({"terminate_session": True})
    arm(fs, kind="ws_close", path="/v2/realtime/ws", skip=1, count=1, after_messages=1)
    arm(fs, kind="status", status=503, count=-1, path="/v3/ws")  # HTTP faults never hit sessions

    def v2_close_code():
        with connect(fs.base.replace("http://", "ws://") + V2, additional_headers={"Authorization": KEY}) as ws:
            ws.recv(timeout=5)
            try:
                ws.send(terminate_v2)
                while True:
                    ws.recv(timeout=5)
            except websockets.ConnectionClosed as e:
                return e.rcvd.code

    assert v2_close_code() == 1000          # skipped
    _, closed = ws_session(fs, V3, send=AUDIO[:CHUNK * 5], terminate=json.dumps({"type": "Terminate"}))
    assert closed.rcvd.code == 1000         # another path: not hit
    assert v2_close_code() == 1011          # hit
    assert v2_close_code() == 1000          # count used up
    fs.ok("DELETE", "/_local/faults", key=None)
    arm(fs, kind="ws_reset", count=-1)      # path "/": every session, but no HTTP request
    assert fs.request("GET", "/v2/transcript")[0] == 200
    assert [f["kind"] for f in fs.ok("GET", "/_local/faults", key=None)["fired"]] == []


def test_ws_fault_before_the_session_begins(fs):
    arm(fs, kind="ws_close", path="/v3/ws", after_messages=0, close_code=1011, reason="before")
    messages, closed = ws_session(fs, V3, send=b"")
    assert messages == [] and (closed.rcvd.code, closed.rcvd.reason) == (1011, "before")
    rec = check_record(fs, "ws_close", 0, [])
    assert rec["began"] is False


def test_ws_fault_not_reached_is_used_up_without_firing(fs):
    arm(fs, kind="ws_reset", path="/v3/ws", after_messages=1000)
    with connect(fs.base.replace("http://", "ws://") + V3, additional_headers={"Authorization": KEY}) as ws:
        ws.recv(timeout=5)
        ws.send(json.dumps({"type": "Terminate"}))
        with pytest.raises(websockets.ConnectionClosedOK):
            while True:
                ws.recv(timeout=5)
    report = fs.ok("GET", "/_local/faults", key=None)
    assert report == {"armed": [], "fired": []}
    assert last_session(fs)["fault"] is None


def test_ws_refuse_refuses_upgrades_then_accepts(fs):
    """ws_refuse answers the upgrade with its HTTP status (JSON error, Retry-After) `count` times,
    then upgrades go through; each refusal is recorded as fired, and no session is recorded."""
    arm(fs, kind="ws_refuse", status=429, retry_after=2, count=2, path="/v3/ws")
    for _ in range(2):
        with pytest.raises(websockets.exceptions.InvalidStatus) as info:
            with connect(fs.base.replace("http://", "ws://") + V3, additional_headers={"Authorization": KEY}):
                pass
        response = info.value.response
        assert response.status_code == 429 and response.headers["Retry-After"] == "2"
        assert json.loads(response.body) == {"error": "Too Many Requests"}
    _, closed = ws_session(fs, V3, send=AUDIO[:CHUNK * 5], terminate=json.dumps({"type": "Terminate"}))
    assert closed.rcvd.code == 1000
    fired = fs.ok("GET", "/_local/faults", key=None)["fired"]
    assert [f["kind"] for f in fired] == ["ws_refuse", "ws_refuse"]
    assert len(fs.ok("GET", "/_local/streaming/sessions", key=None)) == 1
