"""TranscriptGroup as in the official SDK 0.37 (transcribe_group, get_by_ids, status, failures).
Interim: the binding runs one library call per file until libassemblyai's group API lands."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path
from typing import Any

import pytest

import assemblyai_native as aai
from native_expect import write_wav

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_transcribe_group(local: Any, tmp_path: Path) -> None:
    files = [str(write_wav(tmp_path / f"{i}.wav", f"Call number {i} here.", 2)) for i in range(3)]
    group = aai.Transcriber().transcribe_group(files, aai.TranscriptionConfig(punctuate=False))
    assert [t.text for t in group] == ["Call number 0 here", "Call number 1 here", "Call number 2 here"]
    assert group.status == aai.TranscriptStatus.completed and len(group.transcripts) == 3
    bodies = [r["body"] for r in local.requests() if r["method"] == "POST" and r["path"] == "/v2/transcript"][-3:]
    assert all(b["punctuate"] is False for b in bodies)
    future = aai.Transcriber().transcribe_group_async(files[:1])
    assert isinstance(future, concurrent.futures.Future) and future.result(60).transcripts[0].text == "Call number 0 here."


def test_submit_group_then_wait(local: Any, tmp_path: Path) -> None:
    files = [str(write_wav(tmp_path / f"{i}.wav", "Hello there.", 2)) for i in range(2)]
    group = aai.Transcriber().submit_group(files)
    assert group.status == aai.TranscriptStatus.queued
    assert group.wait_for_completion() is group and group.status == "completed"


def test_get_by_ids_and_failures(local: Any, tmp_path: Path) -> None:
    t = aai.Transcriber().transcribe(str(write_wav(tmp_path / "a.wav", "Hello there.", 2)))
    bad = aai.Transcriber().transcribe(f"{local.base_url}/_local/synthetic?words=-1")
    group = aai.TranscriptGroup.get_by_ids([t.id, bad.id])
    assert [x.id for x in group] == [t.id, bad.id] and group.status == aai.TranscriptStatus.error
    # A transcript that cannot be fetched is dropped; return_failures tells which.
    group, failures = aai.TranscriptGroup([t.id, UNKNOWN]).wait_for_completion(return_failures=True)
    assert [x.id for x in group] == [t.id]
    assert len(failures) == 1 and failures[0].status_code == 404
    assert [x.id for x in aai.TranscriptGroup.get_by_ids([UNKNOWN, t.id])] == [t.id]  # silently, as the official SDK
    group = aai.TranscriptGroup().add_transcript(t).add_transcript(bad.id)
    assert group.transcript_ids == [t.id, bad.id]
    with pytest.raises(TypeError):
        group.add_transcript(42)  # type: ignore[arg-type]
