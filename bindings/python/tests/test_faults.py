"""Issue 10 from Python: the fault matrix through the binding (fault_matrix.py, run on several
local servers at once), and the checks outside it: Retry-After, the default retry policy, a
failed wait hands back its transcript, a Transcriber stays usable after failures, the *_async
futures raise what the blocking calls raise, a create that may have arrived is not repeated.

Knobs (as tests/c/test_faults.c): AAI_FAULT_WORKERS (parallel servers, default 8),
AAI_FAULT_TIMEOUT_MS (HTTP timeout, default 400), AAI_FAULT_ONLY=substring (run matching cases),
AAI_FAULT_VERBOSE=1 (print every case).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from pathlib import Path
from typing import Any, Iterator, List

import pytest

import fault_matrix as fm
from conftest import LocalServer, pointed_at, start_server, stop_server
from native_testenv import SERVER_BIN, SERVER_BIN_EXPLICIT

import assemblyai_native as aai


def _need_server() -> None:
    if not SERVER_BIN.exists():
        (pytest.fail if SERVER_BIN_EXPLICIT else pytest.skip)(f"the local server not found at {SERVER_BIN}")


def _estimate(case: fm.Case) -> float:
    leg = fm.CALLS[case.call].legs[case.leg]
    return fm.budget(leg, fm.expected(case.fault, leg, case.persistent, 1 if case.persistent else 3), leg.poll)


def test_fault_matrix(tmp_path: Path) -> None:
    _need_server()
    only = os.environ.get("AAI_FAULT_ONLY")
    cases = [c for c in fm.all_cases() if not only or only in c.name]
    cases.sort(key=_estimate, reverse=True)  # the long cases first: the workers finish together
    workers = max(1, min(len(cases), int(os.environ.get("AAI_FAULT_WORKERS", "8"))))
    wav = tmp_path / "audio.wav"
    fm.make_wav(wav)
    ctx = multiprocessing.get_context("spawn")  # a fresh process: settings and library state of its own
    indexes: Any = ctx.Queue()
    for i in range(4 * workers):  # spares, should a worker die and be replaced
        indexes.put(i)
    failed: List[str] = []
    t0 = time.monotonic()
    pool = ctx.Pool(workers, initializer=fm.worker_init, initargs=(str(wav), indexes))
    finished = False
    try:
        results = pool.imap_unordered(fm.run_case, cases)
        pending = {c.name for c in cases}
        tightest = (0.0, "")
        for _ in cases:
            try:
                name, why, took, limit = results.next(timeout=180)
            except multiprocessing.TimeoutError:
                failed.append(f"no answer in 180 s (a hang or a crashed worker); unfinished: {sorted(pending)[:10]}")
                break
            pending.discard(name)
            if limit and took / limit > tightest[0]:
                tightest = (took / limit, f"{name}: {took:.2f} of {limit:.2f} s")
            if why:
                failed.append(f"{name} ({took:.2f} s): {'; '.join(why)}")
            elif os.environ.get("AAI_FAULT_VERBOSE"):
                print(f"ok - {name} ({took:.2f} s)")
        else:
            finished = True
    finally:
        if finished:
            pool.close()  # the workers stop their servers as they exit
        else:
            pool.terminate()  # their servers get SIGTERM from the kernel (PR_SET_PDEATHSIG)
        pool.join()
    print(f"# python fault matrix: {len(cases)} cases on {workers} servers in {time.monotonic() - t0:.1f} s, "
          f"{len(failed)} failed; closest to its time limit: {tightest[1]}")
    assert not failed, f"{len(failed)} of {len(cases)} cases failed:\n" + "\n".join(sorted(failed))


# ---------------------------------------------------------------------------------------------
# Outside the matrix: one server of their own (faults are global to a server)
# ---------------------------------------------------------------------------------------------

T = fm.T


@pytest.fixture(scope="module")
def faulty() -> Iterator[LocalServer]:
    _need_server()
    srv = start_server("--queued-ms", "30", "--processing-ms", "60")
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture
def here(faulty: LocalServer) -> Iterator[LocalServer]:
    with pointed_at(faulty) as srv:
        aai.settings.polling_interval = 0.02
        aai.settings.http_timeout = T
        srv.call("DELETE", "/_local/faults")
        try:
            yield srv
        finally:
            srv.call("DELETE", "/_local/faults")


def arm(srv: LocalServer, **fault: Any) -> None:
    srv.call("DELETE", "/_local/faults")
    srv.call("DELETE", "/_local/requests")
    srv.call("POST", "/_local/faults", fault)


def hits(srv: LocalServer, method: str, regex: str) -> int:
    return sum(1 for r in srv.requests() if r.get("method") == method and re.search(regex, r.get("path", "")))


ONE = r"^/v2/transcript/[^/]+$"


def synthetic(srv: LocalServer) -> str:
    return f"{srv.base_url}/_local/synthetic?words=5&speakers=1"


def test_retry_after_honoured(here: LocalServer) -> None:
    """A 429 on the create and a 503 on a GET: each retry waits at least what Retry-After says."""
    t0 = time.monotonic()
    arm(here, kind="status", status=429, retry_after=1, method="POST", path_regex=r"^/v2/transcript$")
    transcript = aai.Transcriber().submit(synthetic(here))
    took = time.monotonic() - t0
    assert 0.99 <= took < 1.0 + 1.5
    assert hits(here, "POST", r"^/v2/transcript$") == 2
    arm(here, kind="status", status=503, retry_after=2, method="GET", path_regex=ONE)
    t0 = time.monotonic()
    assert aai.Transcript.get_by_id(transcript.id).id == transcript.id
    assert 1.99 <= time.monotonic() - t0 < 2.0 + 1.5


def test_default_policy_retries_three_times(here: LocalServer) -> None:
    """Python users get the library's default policy: 3 retries, then TranscriptError with the status."""
    done = aai.Transcriber().transcribe(synthetic(here))
    arm(here, kind="status", status=503, retry_after=0, count=-1, method="GET", path_regex=ONE)
    with pytest.raises(aai.TranscriptError) as info:
        aai.Transcript.get_by_id(done.id)
    assert info.value.status_code == 503 and info.value.status == "AAI_ERR_SERVER"
    assert info.value.retryable is True
    assert "HTTP 503" in str(info.value) and "GET " in str(info.value)
    assert hits(here, "GET", ONE) == 4


def test_failed_wait_hands_back_the_transcript(here: LocalServer) -> None:
    """transcribe(), Transcript.wait_for_completion() and transcribe_group() that give up
    waiting still say which transcript they made or waited for."""
    arm(here, kind="status", status=500, count=-1, method="GET", path_regex=ONE)
    with pytest.raises(aai.TranscriptError) as info:
        aai.Transcriber().transcribe(synthetic(here))
    made = [r for r in here.requests() if r["method"] == "GET" and "/v2/transcript/" in r["path"]]
    tid = made[0]["path"].rsplit("/", 1)[1]
    assert info.value.transcript is not None and info.value.transcript.id == tid
    assert info.value.transcript.status == aai.TranscriptStatus.queued  # as last seen (the create's answer)

    waiting = aai.Transcript(tid)
    with pytest.raises(aai.TranscriptError) as info:
        waiting.wait_for_completion()
    assert info.value.transcript is waiting and info.value.transcript.id == tid

    group, failures = aai.Transcriber().transcribe_group([synthetic(here)], return_failures=True)
    assert len(group) == 0 and len(failures) == 1
    lost = failures[0].transcript
    assert lost is not None and lost.id and lost.id != tid
    here.call("DELETE", "/_local/faults")
    assert aai.Transcript.get_by_id(lost.id).status == aai.TranscriptStatus.completed


def test_transcriber_reusable_after_failures(here: LocalServer, tmp_path: Path) -> None:
    """A Transcriber whose calls failed (timeouts, resets, a hang) works for the next call."""
    transcriber = aai.Transcriber()
    wav = tmp_path / "a.wav"
    fm.make_wav(wav)
    for fault in ({"kind": "hang", "delay_ms": 3000}, {"kind": "reset"}, {"kind": "malformed_json"}):
        arm(here, count=-1, method="POST", path_regex=r"^/v2/(upload|transcript)$", **fault)
        with pytest.raises(aai.TranscriptError):
            transcriber.transcribe(wav)
        with pytest.raises(aai.TranscriptError):
            transcriber.submit_async(synthetic(here)).result(timeout=30)
        here.call("DELETE", "/_local/faults")
        assert transcriber.transcribe(wav).status == aai.TranscriptStatus.completed
        assert transcriber.submit_async(synthetic(here)).result(timeout=30).id


def _error(fn: Any) -> aai.AssemblyAIError:
    with pytest.raises(aai.AssemblyAIError) as info:
        fn()
    return info.value


def _same(message: str) -> str:
    """A message with its ids (transcripts, LeMUR requests) made alike."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<id>", message)


def test_async_futures_raise_what_blocking_calls_raise(here: LocalServer) -> None:
    done = aai.Transcriber().transcribe(synthetic(here))
    pairs = [
        (lambda: aai.Transcriber().transcribe(synthetic(here)),
         lambda: aai.Transcriber().transcribe_async(synthetic(here)).result(30), "GET", ONE),
        (lambda: aai.Transcript.get_by_id(done.id), lambda: aai.Transcript.get_by_id_async(done.id).result(30), "GET", ONE),
        (lambda: aai.Transcriber().submit(synthetic(here)), lambda: aai.Transcriber().submit_async(synthetic(here)).result(30),
         "POST", r"^/v2/transcript$"),
        (lambda: aai.Lemur([done.id]).task("Hi?", timeout=T),
         lambda: aai.Lemur([done.id]).task_async("Hi?", timeout=T).result(30), "POST", r"^/lemur/v3/generate/task$"),
    ]
    for blocking, future, method, regex in pairs:
        for fault in ({"kind": "status", "status": 502, "retry_after": 0}, {"kind": "truncate"}):
            arm(here, count=-1, method=method, path_regex=regex, **fault)
            a, b = _error(blocking), _error(future)
            assert (type(a), a.status, a.status_code, a.retryable) == (type(b), b.status, b.status_code, b.retryable)
            assert _same(str(a)) == _same(str(b))


def test_create_that_may_have_arrived_is_not_repeated(here: LocalServer) -> None:
    """A create whose answer never came: one transcript on the server, an error that says so."""
    transcriber = aai.Transcriber()
    before = transcriber.list_transcripts(aai.ListTranscriptParameters(limit=200)).page_details.result_count
    arm(here, kind="hang", phase="after", delay_ms=3000, method="POST", path_regex=r"^/v2/transcript$")
    with pytest.raises(aai.TranscriptError) as info:
        transcriber.submit(synthetic(here))
    assert info.value.status == "AAI_ERR_TIMEOUT" and "may have received" in str(info.value)
    assert info.value.retryable is True and info.value.transcript is None
    assert hits(here, "POST", r"^/v2/transcript$") == 1
    here.call("DELETE", "/_local/faults")
    after = transcriber.list_transcripts(aai.ListTranscriptParameters(limit=200)).page_details.result_count
    assert after == before + 1

