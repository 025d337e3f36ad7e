"""The one way the Python test suites start the local AssemblyAI-compatible server.

Used by tests/server (server_harness.py), tests/cli (through server_harness), tests/streaming,
tests/examples, bindings/python/tests (conftest.py, fault_matrix.py) and scripts/bench. The shell
scripts use scripts/lib/localserver.sh, the C suites tests/c/harness.h (h_spawn_server): the same
rules in those languages.

- The binary: $AAI_SERVER_BIN (a relative path is taken from the repository root), else
  build/bin/assemblyai-server (what `make server` stages).
- `LocalServer(*flags, api_key=None, env=None, die_with_parent=False)` runs
  `BIN --host 127.0.0.1 --port 0 [--api-key KEY] FLAGS...`, waits for its first line
  (`assemblyai-server listening on http://127.0.0.1:PORT`, docs/local-server.md) and takes the
  URL from it. stdout and stderr go to unnamed temporary files: no pipe to drain, nothing that
  can fill up and stall the server; `log()` is what it wrote on stderr.
- The harness routes (`/_local/*`, no API key): `admin()`, `requests()`, `clear_requests()`,
  `arm_fault()`, `faults()`, `clear_faults()`, `reset()`.
- `stop()`: SIGTERM, SIGKILL after a timeout; returns the exit status. A server that died before
  it was stopped, or did not stop on SIGTERM, has its log written to stderr (the test's report).

Stdlib only (scripts/bench imports it without pytest). Errors are exceptions: `ServerMissing`
(no binary) and `ServerStartError` (no first line); `pytest_outcome()` turns them into
pytest.fail / pytest.skip the way each suite always did.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_BIN = ROOT / "build" / "bin" / "assemblyai-server"
PREFIX = "assemblyai-server listening on "
START_TIMEOUT = 60.0


def server_bin() -> pathlib.Path:
    """$AAI_SERVER_BIN (relative to the repository root when not absolute), else build/bin."""
    value = os.environ.get("AAI_SERVER_BIN")
    if not value:
        return DEFAULT_BIN
    path = pathlib.Path(value)
    return path if path.is_absolute() else ROOT / path


def bin_explicit() -> bool:
    """Whether $AAI_SERVER_BIN names the binary (then a missing one is an error, not a skip)."""
    return "AAI_SERVER_BIN" in os.environ


class ServerMissing(RuntimeError):
    """The server binary does not exist."""


class ServerStartError(RuntimeError):
    """The server did not print its first line (it exited, or took too long)."""


def _pdeathsig() -> Callable[[], None]:
    """A preexec_fn that makes the server get SIGTERM when its parent thread ends (the prctl
    is looked up here, in the parent: the child only calls it)."""
    prctl = ctypes.CDLL(None).prctl
    return lambda: prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LocalServer:
    """A running assemblyai-server: its process, its URL, its harness routes."""

    def __init__(self, *flags: str, api_key: Optional[str] = None, env: Optional[Mapping[str, str]] = None,
                 binary: Optional[os.PathLike] = None, die_with_parent: bool = False,
                 timeout: float = START_TIMEOUT) -> None:
        self.binary = pathlib.Path(binary) if binary is not None else server_bin()
        if not self.binary.exists():
            raise ServerMissing(f"server binary not found at {self.binary}; build it (make server) or set AAI_SERVER_BIN")
        args = [str(self.binary), "--host", "127.0.0.1", "--port", "0"]
        if api_key is not None:
            args += ["--api-key", api_key]
        args += [str(f) for f in flags]
        self.args = args
        self._stdout = tempfile.TemporaryFile()
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdout=self._stdout, stderr=self._stderr,
                                     env={**os.environ, **(env or {})},
                                     preexec_fn=_pdeathsig() if die_with_parent else None)
        self._stopped = False
        line = self._first_line(timeout)
        if not line.startswith(PREFIX):
            self._kill()
            raise ServerStartError(f"the local server did not start ({' '.join(args)}): first line {line!r}, "
                                   f"exit status {self.proc.returncode}; stderr: {self.log()[-2000:]}")
        self.first_line = line
        self.base_url = line[len(PREFIX):].strip().rstrip("/")
        self.port = int(self.base_url.rsplit(":", 1)[1])

    def _first_line(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        fd = self._stdout.fileno()
        while True:
            data = os.pread(fd, 4096, 0)
            if b"\n" in data:
                return data.split(b"\n", 1)[0].decode("utf-8", "replace")
            if self.proc.poll() is not None or time.monotonic() > deadline:
                return os.pread(fd, 4096, 0).decode("utf-8", "replace")
            time.sleep(0.005)

    # -- addresses --------------------------------------------------------------------------

    @property
    def base(self) -> str:
        """The base URL, `http://127.0.0.1:PORT` (no trailing slash)."""
        return self.base_url

    def ws_url(self, path: str = "") -> str:
        """The WebSocket URL of `path` (`ws://127.0.0.1:PORT/v3/ws...`)."""
        return "ws://" + self.base_url[len("http://"):] + path

    # -- the harness routes (/_local/*, no API key) -----------------------------------------

    def admin(self, method: str, path: str, body: Any = None, timeout: float = 10) -> Any:
        """A harness request: the answer's JSON, None when empty. HTTP errors raise HTTPError."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw.decode("utf-8")) if raw else None

    def requests(self) -> List[Dict[str, Any]]:
        """Every API request the server recorded since start or the last clear, oldest first."""
        data = self.admin("GET", "/_local/requests")
        if isinstance(data, dict):
            for key in ("requests", "items", "data"):
                if isinstance(data.get(key), list):
                    return data[key]
        assert isinstance(data, list), f"unexpected /_local/requests answer: {data!r}"
        return data

    def clear_requests(self) -> None:
        self.admin("DELETE", "/_local/requests")

    def arm_fault(self, fault: Dict[str, Any]) -> Any:
        """Arms one fault (docs/local-server.md, "Fault injection")."""
        return self.admin("POST", "/_local/faults", fault)

    def faults(self) -> Any:
        return self.admin("GET", "/_local/faults")

    def clear_faults(self) -> None:
        self.admin("DELETE", "/_local/faults")

    def reset(self) -> None:
        """No fault armed, an empty request record."""
        self.clear_faults()
        self.clear_requests()

    # -- the process ------------------------------------------------------------------------

    def log(self) -> str:
        """What the server wrote on stderr so far."""
        fd = self._stderr.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")

    def _kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stop(self, timeout: float = 10) -> int:
        """Stops the server (SIGTERM, then SIGKILL); its exit status. Shows its log on stderr
        when it had died already or did not stop on SIGTERM."""
        if self._stopped:
            return self.proc.returncode
        self._stopped = True
        died = self.proc.poll()
        if died is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill()
                self._report("did not stop within %g s of SIGTERM (killed)" % timeout)
        elif died != 0:
            self._report(f"had exited with status {died} before it was stopped")
        return self.proc.returncode

    def _report(self, what: str) -> None:
        print(f"assemblyai-server at {self.base_url} {what}; its stderr:\n{self.log()[-4000:]}", file=sys.stderr)

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


@contextlib.contextmanager
def pytest_outcome(missing: str = "fail") -> Iterator[None]:
    """Turns a failed start into pytest's outcome: ServerStartError fails the test; ServerMissing
    fails it (`missing="fail"`), skips it (`"skip"`), or skips it unless $AAI_SERVER_BIN was set
    (`"auto"`)."""
    import pytest
    try:
        yield
    except ServerMissing as e:
        if missing == "skip" or (missing == "auto" and not bin_explicit()):
            pytest.skip(str(e))
        pytest.fail(str(e))
    except ServerStartError as e:
        pytest.fail(str(e))
