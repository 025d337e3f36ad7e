"""Test setup: which libassemblyai and which local server the tests use.

- The package is imported from this source tree (bindings/python) unless
  ASSEMBLYAI_NATIVE_TEST_INSTALLED=1, which tests the installed package instead.
- The library: $ASSEMBLYAI_NATIVE_LIB if set, else the newest of the repository's
  build/lib/libassemblyai.so.0, .build/release and .build/debug libassemblyai.so (a copy
  bundled in the package always wins, as at run time).
- The server: $AAI_SERVER_BIN, default <repo>/build/bin/assemblyai-server, started by
  tests/localserver.py. Tests that need it are skipped when it is missing, unless
  AAI_SERVER_BIN was set explicitly, in which case they fail.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, List, Optional

import pytest

from native_testenv import API_KEY, MAKE_TEST_WAV, SERVER_BIN, SERVER_BIN_EXPLICIT  # noqa: E402

import localserver  # noqa: E402  (tests/localserver.py, on the path from native_testenv)

import assemblyai_native as aai  # noqa: E402


class LocalServer(localserver.LocalServer):
    """The local server (tests/localserver.py) with this suite's names for its harness routes."""

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """A harness request (/_local/...): the answer's JSON."""
        return self.admin(method, path, body)

    @property
    def stderr_lines(self) -> List[str]:
        """What the server wrote on stderr so far, line by line."""
        return self.log().splitlines(keepends=True)


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
    with localserver.pytest_outcome("auto"):
        return LocalServer(*extra, api_key=API_KEY)


def stop_server(srv: LocalServer) -> None:
    srv.stop()


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
