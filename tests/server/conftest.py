"""Fixtures for the assemblyai-server tests (helpers live in server_harness.py)."""

import pytest

from server_harness import Server


@pytest.fixture(scope="session")
def server():
    """Shared server with short queued/processing times."""
    s = Server("--queued-ms", "20", "--processing-ms", "30")
    yield s
    s.stop()


@pytest.fixture
def start_server():
    """Factory for a server with its own flags; stopped after the test."""
    started = []

    def start(*args, env=None):
        s = Server(*args, env=env)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
