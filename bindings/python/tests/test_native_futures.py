"""The ``*_async`` calls and groups run on libassemblyai's non-blocking calls (aai_*_async):
no Python thread waits for a pending call, and ``Future.cancel()`` stops the library's work."""

from __future__ import annotations

import concurrent.futures
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from conftest import LocalServer, pointed_at, start_server, stop_server
from native_expect import write_wav

import assemblyai_native as aai

QUEUED_MS = 3000  # long enough for the checks made while the calls are pending


@pytest.fixture(scope="module")
def slow() -> Iterator[LocalServer]:
    srv = start_server("--queued-ms", str(QUEUED_MS), "--processing-ms", "10")
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture
def here(slow: LocalServer) -> Iterator[LocalServer]:
    with pointed_at(slow) as srv:
        yield srv


def test_pending_calls_hold_no_python_thread(here: LocalServer, tmp_path: Path) -> None:
    wav = str(write_wav(tmp_path / "a.wav", "Hello there.", 2))
    url = f"{here.base_url}/_local/synthetic?words=3"
    transcriber = aai.Transcriber(max_workers=2)  # a pool of its own: the old way made its threads
    before = threading.active_count()
    futures: List[Any] = [transcriber.transcribe_async(url) for _ in range(6)]
    futures.append(transcriber.transcribe_async(wav))
    futures.append(transcriber.submit_async(Path(wav).read_bytes()))
    group = transcriber.transcribe_group_async([url, wav])
    waits = aai.TranscriptGroup.get_by_ids_async([futures[-1].result(60).id])
    time.sleep(0.5)
    assert threading.active_count() == before, [t.name for t in threading.enumerate()]
    pending = [f for f in futures[:-1] + [group, waits] if not f.done()]
    assert len(pending) == 9, "the calls ended before they could be checked: QUEUED_MS too short?"
    assert all(isinstance(f, concurrent.futures.Future) for f in futures + [group, waits])
    for f in futures[:6]:
        assert f.result(60).status == "completed" and f.result().text
    assert futures[6].result(60).status == "completed"
    assert [t.status for t in group.result(60)] == ["completed", "completed"]
    assert [t.status for t in waits.result(60)] == ["completed"]


def transcript_gets(srv: LocalServer) -> int:
    return sum(1 for r in srv.requests() if r["method"] == "GET" and r["path"].startswith("/v2/transcript/"))


def test_cancel_stops_the_library_operation(here: LocalServer) -> None:
    aai.settings.polling_interval = 0.05
    here.call("DELETE", "/_local/requests")
    future = aai.Transcriber().transcribe_async(f"{here.base_url}/_local/synthetic?words=3")
    time.sleep(0.5)  # polling at 50 ms a transcript that stays queued 3 s
    assert not future.done() and transcript_gets(here) >= 2
    assert future.cancel() and future.cancelled()
    with pytest.raises(concurrent.futures.CancelledError):
        future.result(1)
    time.sleep(0.2)  # a poll already in flight may still land
    stopped = transcript_gets(here)
    time.sleep(1.0)  # 20 more polls, were it still polling
    assert transcript_gets(here) == stopped
    assert not future.cancel() or future.cancelled()


def test_cancel_a_group_cancels_its_items(here: LocalServer) -> None:
    aai.settings.polling_interval = 0.05
    here.call("DELETE", "/_local/requests")
    url = f"{here.base_url}/_local/synthetic?words=4"
    group = aai.Transcriber().transcribe_group_async([url, url])
    time.sleep(0.5)
    assert not group.done() and group.cancel()
    with pytest.raises(concurrent.futures.CancelledError):
        group.result(1)
    assert len([r for r in here.requests() if r["method"] == "POST" and r["path"] == "/v2/transcript"]) == 2
    time.sleep(0.2)
    stopped = transcript_gets(here)
    time.sleep(1.0)
    assert transcript_gets(here) == stopped  # both waits stopped polling


def test_sync_errors_arrive_through_the_future(here: LocalServer, tmp_path: Path) -> None:
    """As with the official SDK's executor, a bad argument is raised by result(), not by the call."""
    future = aai.Transcriber().transcribe_async(str(tmp_path / "missing.wav"))
    with pytest.raises(FileNotFoundError):
        future.result(60)
    future = aai.Transcriber().submit_async(b"")
    with pytest.raises(aai.AssemblyAIError):
        future.result(60)
    with pytest.raises(ValueError):
        aai.Transcript(None).wait_for_completion_async().result(60)


@pytest.mark.parametrize("call", ["transcribe_group", "wait_for_completion"])
def test_ctrl_c_in_a_blocking_wait_cancels_it(here: LocalServer, call: str) -> None:
    import signal

    aai.settings.polling_interval = 0.05
    url = f"{here.base_url}/_local/synthetic?words=5"
    transcriber = aai.Transcriber()
    if call == "transcribe_group":
        run: Any = lambda: transcriber.transcribe_group([url, url, url])  # noqa: E731
    else:
        run = transcriber.submit(url).wait_for_completion
    here.call("DELETE", "/_local/requests")
    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)  # raises KeyboardInterrupt
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            run()
        assert time.monotonic() - start < QUEUED_MS / 1000  # before any transcript could complete
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    time.sleep(0.2)
    stopped = transcript_gets(here)
    assert stopped >= 3  # they were polling
    time.sleep(1.0)
    assert transcript_gets(here) == stopped  # and stopped
