"""Harness for the assemblyai-server tests: start the built binary on a free port, talk to it.

The server is started by tests/localserver.py (the one helper every Python suite uses: the
binary is $AAI_SERVER_BIN, default build/bin/assemblyai-server); this module adds a tiny client
for the API routes. Stdlib only (urllib for HTTP). A module of its own, not conftest, so other
suites can import it and its name cannot clash with their conftest modules.
"""

import json
import pathlib
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from localserver import LocalServer, pytest_outcome, server_bin  # noqa: E402

BIN = server_bin()
MAKE_WAV = ROOT / "scripts/make-test-wav"
KEY = "test-key"


class Server(LocalServer):
    """A running assemblyai-server (any non-empty key accepted unless a flag says otherwise) and
    a tiny client for it. A server that cannot start fails the test."""

    def __init__(self, *args: str, env=None):
        with pytest_outcome("fail"):
            super().__init__(*args, env=env)

    # HTTP ------------------------------------------------------------------------------

    def request(self, method, path, body=None, key=KEY, headers=None, raw=None):
        """Returns (status, parsed JSON or raw bytes). `body` is sent as JSON, `raw` as bytes."""
        url = path if path.startswith("http") else self.base + path
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=method)
        if key is not None:
            req.add_header("Authorization", key)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, payload, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            status, payload, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
        if ctype.startswith("application/json"):
            return status, json.loads(payload)
        return status, payload

    def ok(self, method, path, body=None, **kw):
        status, payload = self.request(method, path, body, **kw)
        assert status == 200, (status, payload)
        return payload

    def upload(self, data: bytes) -> str:
        return self.ok("POST", "/v2/upload", raw=data,
                       headers={"Content-Type": "application/octet-stream"})["upload_url"]

    def submit(self, audio_url: str, **params) -> dict:
        return self.ok("POST", "/v2/transcript", {"audio_url": audio_url, **params})

    def wait(self, transcript_id: str, timeout=10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            t = self.ok("GET", f"/v2/transcript/{transcript_id}")
            if t["status"] in ("completed", "error"):
                return t
            assert time.monotonic() < deadline, f"transcript still {t['status']}"
            time.sleep(0.01)

    def validate(self, schema: str, instance) -> dict:
        """The server's spec validator on any value: {"valid": bool, "errors": {spec: [...]}}."""
        return self.request("POST", "/_local/validate", {"schema": schema, "instance": instance}, key=None)[1]


def make_wav(tmp_path, text, *extra) -> bytes:
    """Bytes of a WAV made by scripts/make-test-wav."""
    out = tmp_path / f"w{len(list(tmp_path.iterdir()))}.wav"
    subprocess.run([sys.executable, str(MAKE_WAV), str(out), "--text", text, *extra], check=True)
    return out.read_bytes()


# The documented text-from-audio rules (docs/local-server.md), written independently of the
# server so the tests check the server against the document.

def _strip_punctuation(token: str) -> str:
    out = []
    for i, c in enumerate(token):
        if not unicodedata.category(c).startswith("P"):
            out.append(c)
        elif c in "'\u2019-" and 0 < i < len(token) - 1 and token[i - 1].isalnum() and token[i + 1].isalnum():
            out.append(c)
    return "".join(out)


def expected_words(text, duration_ms, punctuate=True, format_text=True, start=None, end=None):
    """[(text, start, end, confidence, speaker)] as the server must compute them."""
    words, speaker = [], "A"
    for token in text.split():
        if len(token) == 2 and token[1] == ":" and "A" <= token[0] <= "Z":
            speaker = token[0]
            continue
        w = token if punctuate else _strip_punctuation(token)
        if not format_text:
            w = w.lower()
        if w:
            words.append((w, token, speaker))
    lo = min(max(start or 0, 0), duration_ms)
    hi = max(lo, min(duration_ms if end is None else end, duration_ms))
    span, n = hi - lo, len(words)
    out = []
    for i, (w, token, spk) in enumerate(words):
        s = lo + i * span // n
        e = max(s, lo + (i + 1) * span // n - 10)
        out.append((w, s, e, (80 + sum(token.encode()) % 20) / 100, spk))
    return out


def mean(values):
    """Left-to-right sum, as the server does (Python 3.12's sum() compensates and can differ)."""
    total = 0.0
    for v in values:
        total += v
    return total / len(values)
