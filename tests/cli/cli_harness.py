"""Harness for the aai tests: run the built CLI through pipes or a real terminal (a pty)
against the local server. Stdlib only.

The CLI comes from $AAI_CLI_BIN (default build/bin/aai), the server from $AAI_SERVER_BIN
(tests/server/server_harness.py, reused here).
"""

import errno
import os
import pathlib
import pty
import select
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/server"))
from server_harness import Server as _Server  # noqa: E402

AAI = pathlib.Path(os.environ.get("AAI_CLI_BIN", ROOT / "build/bin/aai"))
if not AAI.is_absolute():
    AAI = ROOT / AAI
MAKE_WAV = ROOT / "scripts/make-test-wav"
# tests/security/test_no_key_leak.sh runs the suites with a distinctive key.
KEY = os.environ.get("AAI_TEST_API_KEY") or "cli-key"


def plain_env():
    """This process's environment without any ASSEMBLYAI_* variable."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ASSEMBLYAI_")}


class Server(_Server):
    """The local server, with the environment aai needs to reach it."""

    def env(self, key=KEY):
        env = plain_env()
        env["ASSEMBLYAI_BASE_URL"] = self.base
        if key is not None:
            env["ASSEMBLYAI_API_KEY"] = key
        return env


def make_wav(path, text, seconds=2.0, rate=16000):
    subprocess.run([sys.executable, str(MAKE_WAV), str(path), "--text", text, "--seconds", str(seconds),
                    "--rate", str(rate)], check=True)
    return path


def run(args, env, timeout=60):
    """aai through pipes: stdin empty, stdout and stderr captured (neither is a terminal)."""
    return subprocess.run([str(AAI), *args], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)


def run_pty(args, env, timeout=60):
    """aai on a real terminal: stdin, stdout and stderr are one pty, as in an interactive shell.
    Returns (exit status, everything written to the terminal)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(AAI), *args], env={**env, "TERM": "xterm"}, stdin=slave, stdout=slave,
                            stderr=slave, close_fds=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError as e:          # EIO: the child closed the terminal
                if e.errno != errno.EIO:
                    raise
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    else:
        proc.kill()
    os.close(master)
    status = proc.wait(timeout=10)
    return status, b"".join(chunks).decode("utf-8", "replace")
