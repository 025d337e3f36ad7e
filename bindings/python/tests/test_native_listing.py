"""Listing transcripts (the official SDK 0.37 README's "List transcripts", with filters and the
``before_id_of_prev_url`` pagination) and deleting one, against a local server of this module's
own, so that the list holds exactly the transcripts made here."""

from __future__ import annotations

import datetime
from typing import Iterator, List
from urllib.parse import parse_qs

import pytest

import assemblyai_native as aai
from conftest import LocalServer, pointed_at, start_server, stop_server

N = 7


@pytest.fixture(scope="module")
def srv() -> Iterator[LocalServer]:
    s = start_server()
    try:
        yield s
    finally:
        stop_server(s)


@pytest.fixture(scope="module")
def made(srv: LocalServer) -> List[aai.Transcript]:
    """N transcripts, oldest first; the last one fails (not audio), the others complete."""
    with pointed_at(srv):
        transcriber = aai.Transcriber()
        out = [transcriber.transcribe(f"{srv.base_url}/_local/synthetic?words={i + 3}") for i in range(N - 1)]
        out.append(transcriber.transcribe(f"{srv.base_url}/_local/synthetic?words=-1"))
    assert [t.status for t in out] == ["completed"] * (N - 1) + ["error"]
    return out


@pytest.fixture
def here(srv: LocalServer) -> Iterator[LocalServer]:
    with pointed_at(srv) as s:
        yield s


def last_query(srv: LocalServer) -> dict:
    return parse_qs([r for r in srv.requests() if r["method"] == "GET" and r["path"] == "/v2/transcript"][-1]["query"])


def test_readme_list_transcripts(here: LocalServer, made: List[aai.Transcript]) -> None:
    transcriber = aai.Transcriber()
    page = transcriber.list_transcripts()
    assert last_query(here) == {}
    assert [t.id for t in page.transcripts] == [t.id for t in reversed(made)]  # newest first
    newest = page.transcripts[0]
    assert newest == aai.TranscriptItem(
        audio_url=made[-1].audio_url, created=newest.created, id=made[-1].id,
        resource_url=f"{here.base_url}/v2/transcript/{made[-1].id}", status=aai.TranscriptStatus.error,
        completed=None, error=made[-1].error)
    assert newest.status == "error" and newest.error.startswith("Synthetic audio: words must be")
    assert page.transcripts[1].status == aai.TranscriptStatus.completed and page.transcripts[1].completed
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    assert newest.created.startswith(today)
    details = page.page_details
    assert (details.limit, details.result_count) == (10, N)
    assert details.current_url == f"{here.base_url}/v2/transcript?limit=10"
    assert details.prev_url is None and details.next_url is None and details.before_id_of_prev_url is None


def test_readme_list_filters(here: LocalServer, made: List[aai.Transcript]) -> None:
    params = aai.ListTranscriptParameters(
        limit=3,
        status=aai.TranscriptStatus.completed,
    )
    page = aai.Transcriber().list_transcripts(params)
    assert last_query(here) == {"limit": ["3"], "status": ["completed"]}
    assert [t.id for t in page.transcripts] == [t.id for t in made[-2:-5:-1]]
    assert page.page_details.before_id_of_prev_url == made[-4].id
    assert parse_qs(page.page_details.prev_url.split("?", 1)[1]) == {
        "limit": ["3"], "status": ["completed"], "before_id": [made[-4].id]}
    assert page.page_details.next_url is None


def test_readme_pagination(here: LocalServer, made: List[aai.Transcript]) -> None:
    transcriber = aai.Transcriber()

    params = aai.ListTranscriptParameters(limit=2)

    page = transcriber.list_transcripts(params)
    seen = [t.id for t in page.transcripts]
    while page.page_details.before_id_of_prev_url is not None:
        params.before_id = page.page_details.before_id_of_prev_url
        page = transcriber.list_transcripts(params)
        seen += [t.id for t in page.transcripts]
    assert seen == [t.id for t in reversed(made)]
    assert last_query(here) == {"limit": ["2"], "before_id": [made[1].id]}
    # The library's own walk (prev_url after prev_url) gives the same.
    assert [t.id for t in transcriber.list_all_transcripts(aai.ListTranscriptParameters(limit=3))] == seen


def test_other_filters(here: LocalServer, made: List[aai.Transcript]) -> None:
    transcriber = aai.Transcriber()
    page = transcriber.list_transcripts(aai.ListTranscriptParameters(after_id=made[2].id, limit=2))
    assert [t.id for t in page.transcripts] == [made[4].id, made[3].id]
    assert page.page_details.next_url and "after_id=" + made[4].id in page.page_details.next_url
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    page = transcriber.list_transcripts(aai.ListTranscriptParameters(created_on=today, status="error"))
    assert last_query(here) == {"created_on": [today], "status": ["error"]}
    assert [t.id for t in page.transcripts] == [made[-1].id]
    page = transcriber.list_transcripts(aai.ListTranscriptParameters(throttled_only=True))
    assert last_query(here) == {"throttled_only": ["true"]}
    assert page.transcripts == [] and page.page_details.result_count == 0


def test_list_errors(here: LocalServer, made: List[aai.Transcript]) -> None:
    transcriber = aai.Transcriber()
    with pytest.raises(aai.InvalidArgumentError, match="1..200"):
        transcriber.list_transcripts(aai.ListTranscriptParameters(limit=500))
    with pytest.raises(aai.InvalidArgumentError):
        transcriber.list_transcripts(aai.ListTranscriptParameters(status="done"))  # type: ignore[arg-type]
    with pytest.raises(aai.AssemblyAIError) as info:
        transcriber.list_transcripts(aai.ListTranscriptParameters(before_id="no-such-id"))
    assert info.value.status_code == 400 and not isinstance(info.value, aai.TranscriptError)
    aai.settings.api_key = "wrong-key"
    with pytest.raises(aai.AssemblyAIError) as info:
        transcriber.list_transcripts()
    assert info.value.status_code == 401


def test_readme_delete_transcript(here: LocalServer, made: List[aai.Transcript]) -> None:
    audio_url = f"{here.base_url}/_local/synthetic?words=4"
    transcript = aai.Transcriber().transcribe(audio_url)

    deleted = aai.Transcript.delete_by_id(transcript.id)
    assert deleted.id == transcript.id
    assert (deleted.text, deleted.audio_url, deleted.words) == ("Deleted by user.", "http://deleted_by_user", None)
    assert [r["path"] for r in here.requests() if r["method"] == "DELETE"][-1] == f"/v2/transcript/{transcript.id}"
    item = aai.Transcriber().list_transcripts(aai.ListTranscriptParameters(limit=1)).transcripts[0]
    assert (item.id, item.audio_url) == (transcript.id, "http://deleted_by_user")
    with pytest.raises(aai.TranscriptError) as info:
        aai.Transcript.delete_by_id("00000000-0000-4000-8000-000000000000")
    assert info.value.status_code == 404
    assert aai.Transcript.delete_by_id_async(transcript.id).result().text == "Deleted by user."


def test_page_details_from_a_url() -> None:
    """A PageDetails made by hand still answers before_id_of_prev_url (as the official one does)."""
    d = aai.PageDetails(current_url="x", limit=2, result_count=2, prev_url="https://h/v2/transcript?limit=2&before_id=abc")
    assert d.before_id_of_prev_url == "abc"
    assert "_before_id_of_prev_url" not in d.dict()
