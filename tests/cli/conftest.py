"""Fixtures for the aai (command-line tool) tests; helpers live in cli_harness.py."""

import pytest

from cli_harness import KEY, Server


@pytest.fixture(scope="session")
def server():
    """A local server shared by the tests that only add transcripts; it accepts one key."""
    s = Server("--api-key", KEY, "--queued-ms", "30", "--processing-ms", "60")
    yield s
    s.stop()


@pytest.fixture
def start_server():
    """A server with flags of its own (slow processing, ...), stopped after the test."""
    started = []

    def start(*args):
        s = Server("--api-key", KEY, *args)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
