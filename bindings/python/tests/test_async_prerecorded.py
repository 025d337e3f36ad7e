"""asyncio, as the official SDK 1.8.2 has it: ``AsyncTranscriber`` / ``AsyncTranscript`` /
``AsyncClient`` (assemblyai_native.prerecorded.v2, async_client) on libassemblyai's non-blocking
calls. No test needs pytest-asyncio: each runs its coroutine with asyncio.run()."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from conftest import LocalServer, pointed_at, start_server, stop_server
from native_expect import write_wav
from native_testenv import API_KEY, MAKE_TEST_WAV
from readme_examples import readme_path

import assemblyai_native as aai

HERE = Path(__file__).resolve().parent
QUEUED_MS = 3000  # a transcript stays queued this long on the slow server


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


def os_threads() -> int:
    """Every thread of this process (also the library's pthreads, which threading does not see)."""
    return len(os.listdir("/proc/self/task"))


def synthetic(srv: LocalServer, words: int = 3) -> str:
    return f"{srv.base_url}/_local/synthetic?words={words}"


def transcript_gets(srv: LocalServer) -> int:
    return sum(1 for r in srv.requests() if r["method"] == "GET" and r["path"].startswith("/v2/transcript/"))


# -- names and import paths -------------------------------------------------------------------


def test_names_at_the_official_import_paths() -> None:
    from assemblyai_native import async_client
    from assemblyai_native.prerecorded import v2
    from assemblyai_native.prerecorded.v2 import async_client as v2_async_client
    from assemblyai_native.prerecorded.v2 import async_transcript

    assert aai.AsyncTranscriber is v2.AsyncTranscriber is v2_async_client.AsyncTranscriber
    assert aai.AsyncTranscript is v2.AsyncTranscript is async_transcript.AsyncTranscript
    assert aai.AsyncClient is async_client.AsyncClient
    assert v2.Transcriber is aai.Transcriber and v2.Transcript is aai.Transcript
    assert v2.TranscriptGroup is aai.TranscriptGroup and v2.TranscriptionConfig is aai.TranscriptionConfig
    assert {"AsyncClient", "AsyncTranscriber", "AsyncTranscript"} <= set(aai.__all__)
    assert issubclass(aai.AsyncTranscript, aai.Transcript)  # the same fields
    for name in ("transcribe", "submit", "submit_group", "transcribe_group", "get_by_id", "delete_by_id",
                 "list_transcripts", "upload_file", "aclose", "__aenter__", "__aexit__"):
        assert asyncio.iscoroutinefunction(getattr(aai.AsyncTranscriber, name)), name
    for name in ("wait_for_completion", "get_sentences", "get_paragraphs", "export_subtitles_srt",
                 "export_subtitles_vtt", "word_search", "get_redacted_audio_url", "save_redacted_audio"):
        assert asyncio.iscoroutinefunction(getattr(aai.AsyncTranscript, name)), name
    for name in ("get_by_id", "get_by_id_async", "delete_by_id", "delete_by_id_async"):  # on the transcriber instead
        with pytest.raises(AttributeError, match="transcriber"):
            getattr(aai.AsyncTranscript, name)("some-id")


def test_constructor_checks() -> None:
    with pytest.raises(TypeError):
        aai.AsyncTranscriber(config={"speaker_labels": True})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        aai.AsyncTranscriber(client=object())  # type: ignore[arg-type]
    saved = aai.settings.api_key
    try:
        aai.settings.api_key = None
        with pytest.raises(ValueError, match="API key"):
            aai.AsyncClient()
        assert aai.AsyncClient(api_key_required=False).settings.api_key is None
    finally:
        aai.settings.api_key = saved


# -- transcribing ------------------------------------------------------------------------------


def test_transcribe_path_bytes_url_and_file_object(local: LocalServer, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "a.wav", "Hello from asyncio.", 2)

    async def main() -> List[Any]:
        async with aai.AsyncTranscriber() as transcriber:
            with open(wav, "rb") as f:
                return await asyncio.gather(
                    transcriber.transcribe(str(wav)), transcriber.transcribe(wav.read_bytes()),
                    transcriber.transcribe(synthetic(local)), transcriber.transcribe(f))

    results = asyncio.run(main())
    assert all(isinstance(t, aai.AsyncTranscript) for t in results)
    assert [t.status for t in results] == [aai.TranscriptStatus.completed] * 4
    assert results[0].text == results[1].text == results[3].text == "Hello from asyncio."
    assert results[2].text and results[2].words


def test_pending_transcriptions_hold_no_thread(here: LocalServer) -> None:
    """50 transcriptions in flight on one loop: the process has no more threads than with one
    (the library's 4 workers exist already), and all complete."""

    async def main() -> List[Any]:
        async with aai.AsyncTranscriber() as transcriber:
            await transcriber.submit(synthetic(here))  # starts the library's worker pool
            baseline = os_threads()
            tasks = [asyncio.ensure_future(transcriber.transcribe(synthetic(here))) for _ in range(50)]
            await asyncio.sleep(0.5)
            assert not any(t.done() for t in tasks), "finished before they could be checked"
            assert os_threads() <= baseline  # (a thread of an earlier test may end meanwhile)
            return await asyncio.gather(*tasks)

    results = asyncio.run(main())
    assert len(results) == 50 and all(t.status == "completed" for t in results)


def test_cancelling_a_coroutine_cancels_the_library_operation(here: LocalServer) -> None:
    here.call("DELETE", "/_local/requests")

    async def main() -> None:
        async with aai.AsyncTranscriber() as transcriber:
            task = asyncio.ensure_future(transcriber.transcribe(synthetic(here)))
            await asyncio.sleep(0.5)  # polling at 50 ms a transcript that stays queued 3 s
            assert not task.done() and transcript_gets(here) >= 2
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(0.2)  # a poll already in flight may still land
            stopped = transcript_gets(here)
            await asyncio.sleep(1.0)  # 20 more polls, were it still polling
            assert transcript_gets(here) == stopped

    asyncio.run(main())


def test_wait_for_timeout_cancels_too(here: LocalServer) -> None:
    here.call("DELETE", "/_local/requests")

    async def main() -> None:
        async with aai.AsyncTranscriber() as transcriber:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(transcriber.transcribe(synthetic(here)), 0.5)
            await asyncio.sleep(0.2)
            stopped = transcript_gets(here)
            await asyncio.sleep(1.0)
            assert transcript_gets(here) == stopped

    asyncio.run(main())


def test_poll_timeout_raises_transcript_error_with_the_transcript(here: LocalServer) -> None:
    async def main() -> None:
        async with aai.AsyncTranscriber() as transcriber:
            start = time.monotonic()
            with pytest.raises(aai.TranscriptError, match="timed out") as info:
                await transcriber.transcribe(synthetic(here), poll_timeout=0.3)
            assert time.monotonic() - start < QUEUED_MS / 1000
            pending = info.value.transcript
            assert isinstance(pending, aai.AsyncTranscript) and pending.id
            done = await transcriber.get_by_id(pending.id)  # it kept processing on the server
            assert done.status == "completed" and done.id == pending.id

    asyncio.run(main())


def test_submit_then_wait_and_follow_ups(local: LocalServer) -> None:
    async def main() -> None:
        async with aai.AsyncTranscriber() as transcriber:
            queued = await transcriber.submit(synthetic(local, 12))
            assert queued.status in ("queued", "processing", "completed") and queued.id
            done = await queued.wait_for_completion()
            assert done is queued and done.status == "completed"
            sentences = await done.get_sentences()
            paragraphs = await done.get_paragraphs()
            srt = await done.export_subtitles_srt()
            vtt = await done.export_subtitles_vtt(chars_per_caption=20)
            found = await done.word_search([done.words[0].text])
            assert sentences and paragraphs and srt.startswith("1\n") and vtt.startswith("WEBVTT")
            assert found and found[0].count >= 1
            fetched = await transcriber.get_by_id(done.id)
            assert fetched.text == done.text and isinstance(fetched, aai.AsyncTranscript)
            page = await transcriber.list_transcripts(aai.ListTranscriptParameters(limit=2))
            assert len(page.transcripts) == 2 and page.page_details.limit == 2
            deleted = await transcriber.delete_by_id(done.id)
            assert deleted.id == done.id and isinstance(deleted, aai.AsyncTranscript)

    asyncio.run(main())


def test_groups_keep_order_and_report_failures(local: LocalServer, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.wav")

    async def main() -> None:
        async with aai.AsyncTranscriber() as transcriber:
            urls = [synthetic(local, n) for n in (3, 4, 5, 6)]
            results = await transcriber.transcribe_group(urls, max_concurrency=2)
            assert [len(t.words) for t in results] == [3, 4, 5, 6]
            submitted = await transcriber.submit_group(urls[:2])
            assert all(t.id for t in submitted)
            ok, failures = await transcriber.transcribe_group([urls[0], missing], return_failures=True)
            assert len(ok) == 1 and len(failures) == 1 and isinstance(failures[0], aai.AssemblyAIError)
            with pytest.raises(FileNotFoundError):
                await transcriber.transcribe_group([urls[0], missing])
            with pytest.raises(ValueError):
                await transcriber.transcribe_group(urls, max_concurrency=0)

    asyncio.run(main())


# -- errors --------------------------------------------------------------------------------------


def test_errors_are_raised_by_the_await(local: LocalServer, tmp_path: Path) -> None:
    async def main() -> None:
        async with aai.AsyncTranscriber(api_key="wrong-key") as transcriber:
            with pytest.raises(aai.TranscriptError) as info:
                await transcriber.transcribe(synthetic(local))
            assert info.value.status_code == 401 and isinstance(info.value, aai.AssemblyAIError)
        async with aai.AsyncTranscriber() as transcriber:
            with pytest.raises(FileNotFoundError):
                await transcriber.transcribe(str(tmp_path / "missing.wav"))
            with pytest.raises(aai.AssemblyAIError):
                await transcriber.submit(b"")
            with pytest.raises(ValueError):
                await aai.AsyncTranscript(None, transcriber.client).wait_for_completion()
        local.call("DELETE", "/_local/faults")
        local.call("POST", "/_local/faults", {"kind": "status", "status": 500, "method": "POST",
                                              "path_regex": "^/v2/transcript$", "count": 10})
        try:
            async with aai.AsyncTranscriber() as transcriber:
                with pytest.raises(aai.TranscriptError) as info:
                    await transcriber.submit(synthetic(local))
                assert info.value.status_code == 500
        finally:
            local.call("DELETE", "/_local/faults")

    asyncio.run(main())


def test_a_failed_transcript_is_returned_not_raised(local: LocalServer) -> None:
    async def main() -> Any:
        async with aai.AsyncTranscriber() as transcriber:
            return await transcriber.transcribe(b"not audio at all")

    transcript = asyncio.run(main())
    assert transcript.status == aai.TranscriptStatus.error and transcript.error


# -- clients ---------------------------------------------------------------------------------------


def test_clients_own_a_copy_of_the_settings(local: LocalServer) -> None:
    settings = aai.settings.copy()
    client = aai.AsyncClient(settings=settings)
    settings.api_key = "changed-later"  # the client keeps its copy
    assert client.settings.api_key == API_KEY and client.last_response is None
    assert aai.AsyncClient(settings=settings, api_key="other").settings.api_key == "other"

    async def main() -> None:
        async with client:
            first = aai.AsyncTranscriber(client=client)
            second = aai.AsyncTranscriber(client=client, config=aai.TranscriptionConfig(punctuate=False))
            assert first.client is client and second.client is client
            a, b = await asyncio.gather(first.transcribe(synthetic(local)), second.transcribe(synthetic(local)))
            assert a.status == b.status == "completed"
            await first.aclose()  # a client passed in stays the caller's
            assert not client.closed
            keyed = aai.AsyncTranscriber(client=client, api_key="wrong-key")
            assert keyed.client is not client and keyed.client.settings.api_key == "wrong-key"
            with pytest.raises(aai.TranscriptError):
                await keyed.transcribe(synthetic(local))
        assert client.closed
        with pytest.raises(RuntimeError, match="closed"):
            await aai.AsyncTranscriber(client=client).transcribe(synthetic(local))

    asyncio.run(main())


def test_a_transcriber_made_outside_a_loop_works_in_two_runs(local: LocalServer) -> None:
    """No pool is bound to the first loop (1.8.2's reason to have no global async client)."""
    transcriber = aai.AsyncTranscriber()
    for _ in range(2):
        assert asyncio.run(transcriber.transcribe(synthetic(local))).status == "completed"


# -- the official README's examples --------------------------------------------------------------


@pytest.mark.skipif(not readme_path().exists(), reason="the official README is not beside the repository")
def test_readme_asyncio_examples(tmp_path: Path) -> None:
    """The README's "Asyncio Examples" with only the import changed (async_readme_examples.py)."""
    text = "Book a flight to Denver."
    wav = tmp_path / "source.wav"
    subprocess.run([sys.executable, str(MAKE_TEST_WAV), str(wav), "--text", text], check=True)
    srv = start_server()
    try:
        env = dict(os.environ, PYTHONPATH=str(HERE.parent) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        env.pop("ASSEMBLYAI_API_KEY", None)
        proc = subprocess.run([sys.executable, str(HERE / "async_readme_examples.py"), "assemblyai_native",
                               srv.base_url, API_KEY, str(tmp_path / "w"), "--wav", str(wav)],
                              capture_output=True, text=True, timeout=180, env=env)
        requests = [(r["method"], r["path"]) for r in srv.requests() if not r["path"].startswith("/_local")]
    finally:
        stop_server(srv)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert out.count(text) == 1 + 3 + 1, out  # #0 one file, #1 a group of three, #2 the collected one
    assert "#3: share one connection pool" in out
    posts = sum(1 for r in requests if r == ("POST", "/v2/transcript"))
    assert posts == 1 + 2 + 3 + 1 + 2, requests  # #3 transcribes interview.mp3 twice
