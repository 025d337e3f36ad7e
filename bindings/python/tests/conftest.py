"""Test setup: which libassemblyai and which local server the tests use.

- The package is imported from this source tree (bindings/python) unless
  ASSEMBLYAI_NATIVE_TEST_INSTALLED=1, which tests the installed package instead.
- The library: $ASSEMBLYAI_NATIVE_LIB if set, else the newest of the repository's
  build/lib/libassemblyai.so.0, .build/release and .build/debug libassemblyai.so (a copy
  bundled in the package always wins, as at run time).
- The server: $AAI_SERVER_BIN, default <repo>/.build-server/debug/assemblyai-server. Tests
  that need it are skipped when it is missing, unless AAI_SERVER_BIN was set explicitly,
  in which case they fail.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from native_testenv import API_KEY, MAKE_TEST_WAV, SERVER_BIN, SERVER_BIN_EXPLICIT  # noqa: E402

import assemblyai_native as aai  # noqa: E402


class LocalServer:
    def __init__(self, proc: subprocess.Popen, base_url: str) -> None:
        self.proc = proc
        self.base_url = base_url
        self.stderr_lines: List[str] = []

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """A harness request (/_local/...): the answer's JSON."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw.decode("utf-8")) if raw else None

    def requests(self) -> List[Dict[str, Any]]:
        """What the server received so far (GET /_local/requests)."""
        with urllib.request.urlopen(self.base_url + "/_local/requests", timeout=10) as resp:
            data = json.loads(resp.read().decode("utf-8"))
        if isinstance(data, dict):
            for key in ("requests", "items", "data"):
                if isinstance(data.get(key), list):
                    return data[key]
        assert isinstance(data, list), f"unexpected /_local/requests answer: {data!r}"
        return data


def _need(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} not found at {path}"
    if SERVER_BIN_EXPLICIT:
        pytest.fail(message)
    pytest.skip(message)


def start_server(*extra: str) -> LocalServer:
    """Starts the local server (with the test API key and `extra` flags) and waits for it."""
    _need(SERVER_BIN, "the local server (AAI_SERVER_BIN)")
    proc = subprocess.Popen(
        [str(SERVER_BIN), "--port", "0", "--api-key", API_KEY, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first: List[str] = []

    def read_first_line() -> None:
        assert proc.stdout is not None
        first.append(proc.stdout.readline())

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    reader.join(60)
    line = first[0].strip() if first else ""
    prefix = "assemblyai-server listening on "
    if not line.startswith(prefix):
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"the local server did not start: first line {line!r}, stderr: {err[-2000:]}")
    srv = LocalServer(proc, line[len(prefix):].strip().rstrip("/"))

    # Keep draining the pipes so the server never blocks on a full pipe.
    def drain(stream: Any, sink: Optional[List[str]]) -> None:
        for chunk in stream:
            if sink is not None:
                sink.append(chunk)

    threading.Thread(target=drain, args=(proc.stdout, None), daemon=True).start()
    threading.Thread(target=drain, args=(proc.stderr, srv.stderr_lines), daemon=True).start()
    return srv


def stop_server(srv: LocalServer) -> None:
    srv.proc.terminate()
    try:
        srv.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.proc.kill()
        srv.proc.wait()


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    srv = start_server()
    try:
        yield srv
    finally:
        stop_server(srv)


@contextlib.contextmanager
def pointed_at(srv: LocalServer) -> Iterator[LocalServer]:
    """aai.settings pointed at `srv` (fast polling), restored afterwards."""
    saved = aai.settings.dict()
    aai.settings.base_url = srv.base_url
    aai.settings.api_key = API_KEY
    aai.settings.polling_interval = 0.05
    aai.settings.http_timeout = 30.0
    try:
        yield srv
    finally:
        aai.settings.base_url = saved["base_url"]
        aai.settings.api_key = saved["api_key"]
        aai.settings.polling_interval = saved["polling_interval"]
        aai.settings.http_timeout = saved["http_timeout"]


@pytest.fixture
def local(server: LocalServer) -> Iterator[LocalServer]:
    """Points aai.settings at the local server for one test, and restores them after."""
    with pointed_at(server) as srv:
        yield srv


@pytest.fixture
def make_wav(tmp_path: Path) -> Any:
    """make_wav(text, name="audio.wav", *extra_args) -> Path of a WAV whose transcript is `text`."""
    _need(MAKE_TEST_WAV, "scripts/make-test-wav")
    counter = [0]

    def make(text: str, *extra: str, name: Optional[str] = None) -> Path:
        counter[0] += 1
        out = tmp_path / (name or f"audio{counter[0]}.wav")
        subprocess.run([sys.executable, str(MAKE_TEST_WAV), str(out), "--text", text, *extra],
                       check=True, capture_output=True, text=True)
        return out

    return make


def pytest_report_header(config: Any) -> List[str]:
    return [
        f"assemblyai_native: {aai.__file__}",
        f"libassemblyai {aai.library_version}: {aai.library_path}",
        f"assemblyai-server: {SERVER_BIN}{'' if SERVER_BIN.exists() else ' (missing)'}",
    ]
