"""Transcription against the local server (docs/local-server.md states its rules).

The server's "recognition": the transcript of a WAV is its LIST/INFO/ICMT comment, split on
whitespace; "A:"-style tokens switch the speaker; word i of n gets the slot
[i*D/n, (i+1)*D/n) of the audio's D milliseconds (integer division), ending 10 ms before the
slot ends; its confidence is (80 + sum of the token's UTF-8 bytes % 20) / 100;
audio_duration is whole seconds rounded half up; confidence is the mean of the words'.
"""

from __future__ import annotations

import concurrent.futures
import io
import json
import struct
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import assemblyai_native as aai
from native_testenv import API_KEY

NOT_AUDIO_TEXT = "Transcoding failed. File does not appear to contain audio. File type is text/plain (ASCII text)."


# -- what the server should answer ------------------------------------------------------


def wav_duration_ms(path: Path) -> int:
    """data chunk size * 1000 / byte rate, rounded down (as the server reads it)."""
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    offset, byte_rate, data_size = 12, None, None
    while offset + 8 <= len(data):
        cid, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        size = min(size, len(data) - offset - 8)
        if cid == b"fmt ":
            byte_rate = struct.unpack("<I", data[offset + 16:offset + 20])[0]
        elif cid == b"data":
            data_size = size
        offset += 8 + size + (size & 1)
    assert byte_rate and data_size is not None
    return data_size * 1000 // byte_rate


def expected_words(text: str, duration_ms: int, labelled: bool = False,
                   start_from: int = 0, end_at: Optional[int] = None) -> List[aai.Word]:
    tokens = []
    speaker = "A"
    for token in text.split():
        if len(token) == 2 and token[1] == ":" and "A" <= token[0] <= "Z":
            speaker = token[0]
            continue
        tokens.append((token, speaker))
    n = len(tokens)
    s_ms = min(max(start_from, 0), duration_ms)
    e_ms = max(s_ms, min(duration_ms if end_at is None else end_at, duration_ms))
    words = []
    for i, (token, spk) in enumerate(tokens):
        start = s_ms + i * (e_ms - s_ms) // n
        slot_end = s_ms + (i + 1) * (e_ms - s_ms) // n
        words.append(aai.Word(text=token, start=start, end=max(start, slot_end - 10),
                              confidence=(80 + sum(token.encode("utf-8")) % 20) / 100,
                              speaker=spk if labelled else None, channel=None))
    return words


def check_completed(t: aai.Transcript, text: str, wav: Path, labelled: bool = False) -> None:
    assert t.status == aai.TranscriptStatus.completed, (t.status, t.error)
    assert t.status == "completed"
    assert t.error is None
    words = expected_words(text, wav_duration_ms(wav), labelled)
    assert t.text == " ".join(w.text for w in words)
    assert t.words == words
    assert t.audio_duration == (wav_duration_ms(wav) + 500) // 1000
    mean = 0.0
    for w in words:
        mean += w.confidence
    assert t.confidence == pytest.approx(mean / len(words), abs=1e-12)
    assert t.json_response["id"] == t.id
    assert t.json_response["text"] == t.text


def requests_to(local: Any, method: str, path_prefix: str) -> List[Dict[str, Any]]:
    return [r for r in local.requests() if r["method"] == method and r["path"].startswith(path_prefix)]


@pytest.fixture
def hello(make_wav: Any) -> Path:
    return make_wav("Hello world, this is a test.")


HELLO = "Hello world, this is a test."


# -- transcribe from every kind of source -----------------------------------------------


def test_transcribe_local_path(local: Any, hello: Path) -> None:
    t = aai.Transcriber().transcribe(str(hello))
    check_completed(t, HELLO, hello)
    assert t.audio_url.startswith(local.base_url + "/_local/uploads/")
    uploads = [r for r in requests_to(local, "POST", "/v2/upload")]
    assert uploads and uploads[-1]["body_size"] == hello.stat().st_size
    assert uploads[-1]["headers"]["authorization"] == API_KEY
    created = requests_to(local, "POST", "/v2/transcript")[-1]
    assert created["body"]["audio_url"] == t.audio_url


def test_transcribe_pathlike(local: Any, hello: Path) -> None:
    check_completed(aai.Transcriber().transcribe(hello), HELLO, hello)


def test_transcribe_bytes(local: Any, hello: Path) -> None:
    data = hello.read_bytes()
    transcriber = aai.Transcriber()
    check_completed(transcriber.transcribe(data), HELLO, hello)
    check_completed(transcriber.transcribe(bytearray(data)), HELLO, hello)
    check_completed(transcriber.transcribe(memoryview(data)), HELLO, hello)


def test_transcribe_file_object(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber()
    with open(hello, "rb") as f:
        check_completed(transcriber.transcribe(f), HELLO, hello)
    assert requests_to(local, "POST", "/v2/upload")[-1]["body_size"] == hello.stat().st_size
    check_completed(transcriber.transcribe(io.BytesIO(hello.read_bytes())), HELLO, hello)

    class ReadOnly:  # only read(), no readinto()
        def __init__(self, data: bytes) -> None:
            self._f = io.BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self._f.read(min(n, 1000))  # short reads on purpose

    check_completed(transcriber.transcribe(ReadOnly(hello.read_bytes())), HELLO, hello)


def test_transcribe_url(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber()
    url = transcriber.upload_file(str(hello))
    t = transcriber.transcribe(url)
    check_completed(t, HELLO, hello)
    assert t.audio_url == url
    assert requests_to(local, "POST", "/v2/transcript")[-1]["body"] == {"audio_url": url}


def test_rereadable_file_objects_are_retried_and_others_are_not(local: Any, hello: Path) -> None:
    """A BytesIO, and a regular file at its start, upload as bytes and paths do: a 503 on the
    upload is retried with the whole body again. A stream read only through read() cannot
    be re-read, so the same fault fails it (the library's documented limit)."""
    data = hello.read_bytes()
    transcriber = aai.Transcriber()

    def upload_with_one_503(source: Any) -> str:
        local.call("DELETE", "/_local/faults")
        local.call("POST", "/_local/faults", {"kind": "status", "status": 503, "method": "POST",
                                              "path_regex": "^/v2/upload$", "phase": "after", "count": 1})
        before = len(requests_to(local, "POST", "/v2/upload"))
        try:
            return transcriber.upload_file(source)
        finally:
            uploads = requests_to(local, "POST", "/v2/upload")[before:]
            upload_with_one_503.sizes = [r["body_size"] for r in uploads]  # type: ignore[attr-defined]
            local.call("DELETE", "/_local/faults")

    def content(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.read()

    buffer = io.BytesIO(data)
    assert content(upload_with_one_503(buffer)) == data
    assert upload_with_one_503.sizes == [len(data), len(data)]  # type: ignore[attr-defined]
    assert buffer.tell() == len(data)  # consumed, as reading it would
    buffer.write(b"still usable")  # the buffer export was released

    offset = io.BytesIO(data)
    offset.seek(100)
    assert content(upload_with_one_503(offset)) == data[100:]  # from where it stands, as a read would

    with open(hello, "rb") as f:
        assert content(upload_with_one_503(f)) == data
        assert f.tell() == len(data)
    assert upload_with_one_503.sizes == [len(data), len(data)]  # type: ignore[attr-defined]

    class ReadOnly:
        def __init__(self) -> None:
            self._f = io.BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self._f.read(n)

    with pytest.raises(aai.TranscriptError, match="HTTP 503"):
        upload_with_one_503(ReadOnly())
    assert upload_with_one_503.sizes == [len(data)]  # type: ignore[attr-defined]


def test_a_file_object_that_decodes_uploads_what_it_reads(local: Any, hello: Path, tmp_path: Path) -> None:
    """A GzipFile has the fileno() of the compressed file: the upload must be what read() gives,
    as with the official SDK, not the file on disk. The same for a BytesIO whose read() differs."""
    import gzip

    data = hello.read_bytes()
    packed = tmp_path / "hello.wav.gz"
    packed.write_bytes(gzip.compress(data))

    class Upper(io.BytesIO):
        def read(self, n: Optional[int] = -1) -> bytes:
            return super().read(n).upper()

        readinto = None  # type: ignore[assignment]

    transcriber = aai.Transcriber()
    with gzip.open(packed, "rb") as f:
        url = transcriber.upload_file(f)
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.read() == data
    url = transcriber.upload_file(Upper(b"abc" * 100))
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.read() == b"ABC" * 100


def test_upload_file_from_every_source(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber()
    data = hello.read_bytes()
    with open(hello, "rb") as f:
        urls = [transcriber.upload_file(str(hello)), transcriber.upload_file(data), transcriber.upload_file(f)]
    for url in urls:
        assert url.startswith(local.base_url + "/_local/uploads/")
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.read() == data


def test_documented_example(local: Any, make_wav: Any) -> None:
    # docs/local-server.md: 6 words of 500 ms slots; Hello 0-490 (0.80), world, 500-990, ...
    wav = make_wav("Hello world, this is a test.", "--seconds", "3")
    t = aai.Transcriber().transcribe(str(wav))
    assert t.audio_duration == 3
    assert t.words[0] == aai.Word(text="Hello", start=0, end=490, confidence=0.80)
    assert (t.words[1].text, t.words[1].start, t.words[1].end) == ("world,", 500, 990)
    assert (t.words[-1].text, t.words[-1].start, t.words[-1].end) == ("test.", 2500, 2990)
    assert len(t.words) == 6


def test_wav_without_words(local: Any, make_wav: Any) -> None:
    t = aai.Transcriber().transcribe(str(make_wav("")))
    assert t.status == "completed"
    assert t.text == ""
    assert t.words == []  # the server sent an empty list, not null
    assert t.confidence is None


def test_unicode_text(local: Any, make_wav: Any) -> None:
    text = "Grüße aus Köln — naïve café"
    wav = make_wav(text)
    check_completed(aai.Transcriber().transcribe(str(wav)), text, wav)


# -- config -------------------------------------------------------------------------------


def test_config_is_sent_and_applied(local: Any, make_wav: Any) -> None:
    text = "A: Hello, there! B: General Kenobi."
    wav = make_wav(text)
    config = aai.TranscriptionConfig(punctuate=False, format_text=False, speaker_labels=True, language_code="en_us")
    t = aai.Transcriber().transcribe(str(wav), config)
    body = requests_to(local, "POST", "/v2/transcript")[-1]["body"]
    assert body == {"audio_url": t.audio_url, "punctuate": False, "format_text": False,
                    "speaker_labels": True, "language_code": "en_us"}
    assert t.status == "completed"
    assert t.text == "hello there general kenobi"
    assert [w.speaker for w in t.words] == ["A", "A", "B", "B"]
    assert t.config.speaker_labels is True and t.config.punctuate is False


def test_transcriber_default_config_and_per_call_override(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber(config=aai.TranscriptionConfig(punctuate=False))
    t = transcriber.transcribe(str(hello))
    assert t.text == "Hello world this is a test"
    # The default config is used by reference, as in the official SDK.
    transcriber.config.format_text = False
    assert transcriber.transcribe(str(hello)).text == "hello world this is a test"
    transcriber.config = aai.TranscriptionConfig()
    assert transcriber.transcribe(str(hello)).text == HELLO
    t = transcriber.transcribe(str(hello), config=aai.TranscriptionConfig(format_text=False))
    assert t.text == "hello world, this is a test."


def test_raw_field_reaches_the_server(local: Any, make_wav: Any) -> None:
    wav = make_wav("one two three four", "--seconds", "3")
    config = aai.TranscriptionConfig(raw_transcription_config={"audio_start_from": 500})
    config.raw.update('{"audio_end_at": 1700}')
    t = aai.Transcriber().transcribe(str(wav), config)
    body = requests_to(local, "POST", "/v2/transcript")[-1]["body"]
    assert body["audio_start_from"] == 500 and body["audio_end_at"] == 1700
    assert t.status == "completed"
    assert t.words == expected_words("one two three four", 3000, start_from=500, end_at=1700)
    assert t.words[0].start == 500 and t.words[-1].end == 1690


def test_server_rejection_of_a_config_is_a_transcript_error(local: Any, hello: Path) -> None:
    config = aai.TranscriptionConfig(raw_transcription_config={"punctuate": "not a boolean"})
    with pytest.raises(aai.TranscriptError) as info:
        aai.Transcriber().transcribe(str(hello), config)
    err = info.value
    assert err.status_code == 400
    assert err.status == "AAI_ERR_HTTP"
    assert err.server_text
    assert err.retryable is False


# -- submit, get, wait, delete ------------------------------------------------------------


def test_submit_then_get_by_id_then_wait(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber()
    t = transcriber.submit(str(hello))
    assert t.id
    assert t.status in (aai.TranscriptStatus.queued, aai.TranscriptStatus.processing)
    assert t.text is None and t.words is None and t.audio_duration is None and t.confidence is None

    fetched = aai.Transcript.get_by_id(t.id)  # waits, as in the official SDK
    check_completed(fetched, HELLO, hello)

    assert t.wait_for_completion() is t
    check_completed(t, HELLO, hello)

    other = aai.Transcript(t.id)
    with pytest.raises(ValueError):
        other.text  # nothing fetched yet
    assert other._refresh().status == "completed"  # one GET, no waiting
    polls = requests_to(local, "GET", f"/v2/transcript/{t.id}")
    assert polls


def test_submit_every_source(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber()
    data = hello.read_bytes()
    url = transcriber.upload_file(data)
    with open(hello, "rb") as f:
        submitted = [transcriber.submit(str(hello)), transcriber.submit(data), transcriber.submit(f),
                     transcriber.submit(url)]
    for t in submitted:
        assert t.status in ("queued", "processing")
        check_completed(t.wait_for_completion(), HELLO, hello)


def test_delete_by_id(local: Any, hello: Path) -> None:
    t = aai.Transcriber().transcribe(str(hello))
    deleted = aai.Transcript.delete_by_id(t.id)
    assert isinstance(deleted, aai.Transcript)
    assert deleted.id == t.id
    assert deleted.text == "Deleted by user."
    assert deleted.audio_url == "http://deleted_by_user"
    assert deleted.words is None
    assert requests_to(local, "DELETE", f"/v2/transcript/{t.id}")
    again = aai.Transcript.get_by_id(t.id)
    assert again.text == "Deleted by user."


def test_unknown_id_is_not_found(local: Any) -> None:
    with pytest.raises(aai.TranscriptError) as info:
        aai.Transcript.get_by_id("00000000-0000-0000-0000-000000000000")
    assert info.value.status_code == 404
    assert info.value.status == "AAI_ERR_NOT_FOUND"
    assert info.value.server_text == "Transcript lookup error, transcript id not found"
    with pytest.raises(aai.TranscriptError) as info:
        aai.Transcript.delete_by_id("00000000-0000-0000-0000-000000000000")
    assert info.value.status_code == 404


# -- failures ---------------------------------------------------------------------------


def test_wrong_api_key(local: Any, hello: Path) -> None:
    aai.settings.api_key = "wrong-key-0123456789"
    with pytest.raises(aai.AssemblyAIError) as info:
        aai.Transcriber().transcribe(str(hello))
    err = info.value
    assert isinstance(err, aai.TranscriptError)
    assert err.status_code == 401
    assert err.status == "AAI_ERR_AUTH"
    assert err.server_text == "Authentication error, API token missing/invalid"
    assert err.retryable is False
    for text in (str(err), repr(err), str(err.server_text), str(err.args)):
        assert "wrong-key-0123456789" not in text
    assert requests_to(local, "POST", "/v2/upload")[-1]["headers"]["authorization"] == "wrong-key-0123456789"


def test_settings_changes_reach_existing_transcribers(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber()
    assert transcriber.transcribe(str(hello)).status == "completed"
    aai.settings.api_key = "another-wrong-key"
    with pytest.raises(aai.AssemblyAIError) as info:
        transcriber.transcribe(str(hello))
    assert info.value.status_code == 401
    aai.settings.api_key = API_KEY
    assert transcriber.transcribe(str(hello)).status == "completed"


def test_non_audio_gives_a_transcript_with_status_error(local: Any, tmp_path: Path) -> None:
    transcriber = aai.Transcriber()
    t = transcriber.transcribe(b"this is not audio at all\n")
    assert t.status == aai.TranscriptStatus.error
    assert t.error == NOT_AUDIO_TEXT
    assert t.text is None and t.words is None
    assert t.json_response["error"] == NOT_AUDIO_TEXT

    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    t = transcriber.transcribe(str(path))
    assert t.status == "error" and t.error == NOT_AUDIO_TEXT

    submitted = transcriber.submit(str(path))
    assert submitted.wait_for_completion().status == "error"
    assert aai.Transcript.get_by_id(submitted.id).error == NOT_AUDIO_TEXT


def test_unreachable_url_gives_a_transcript_with_status_error(local: Any) -> None:
    url = "https://example.org/no-such-audio.mp3"
    t = aai.Transcriber().transcribe(url)
    assert t.status == "error"
    assert t.error.startswith(f"Download error, unable to download {url}")


def test_missing_file(local: Any, tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "missing.wav"
    before = len(local.requests())
    transcriber = aai.Transcriber()
    for call in (transcriber.transcribe, transcriber.submit, transcriber.upload_file):
        with pytest.raises(FileNotFoundError) as info:
            call(str(missing))
        err = info.value
        assert isinstance(err, aai.AssemblyAIError)
        assert err.status == "AAI_ERR_IO"
        assert str(missing) in str(err)
        assert err.filename == str(missing)
    assert len(local.requests()) == before  # nothing was sent


def test_a_failing_stream_raises_its_own_exception(local: Any) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        aai.Transcriber().transcribe(Broken())
    with pytest.raises(TypeError, match="binary"):
        aai.Transcriber().upload_file(io.StringIO("text"))
    with pytest.raises(TypeError):
        aai.Transcriber().transcribe(12345)  # type: ignore[arg-type]


# -- async ------------------------------------------------------------------------------


def test_async_methods_return_futures(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber()
    futures = [transcriber.transcribe_async(str(hello)) for _ in range(4)]
    assert all(isinstance(f, concurrent.futures.Future) for f in futures)
    for f in futures:
        check_completed(f.result(timeout=60), HELLO, hello)

    submitted = transcriber.submit_async(hello.read_bytes())
    assert isinstance(submitted, concurrent.futures.Future)
    t = submitted.result(timeout=60)
    assert t.status in ("queued", "processing")
    got = aai.Transcript.get_by_id_async(t.id).result(timeout=60)
    check_completed(got, HELLO, hello)
    assert t.wait_for_completion_async().result(timeout=60).status == "completed"
    url = transcriber.upload_file_async(str(hello)).result(timeout=60)
    assert url.startswith(local.base_url)
    assert aai.Transcript.delete_by_id_async(t.id).result(timeout=60).text == "Deleted by user."


def test_async_failure_is_raised_from_the_future(local: Any, tmp_path: Path) -> None:
    future = aai.Transcriber().transcribe_async(str(tmp_path / "missing.wav"))
    with pytest.raises(FileNotFoundError):
        future.result(timeout=60)


def test_own_executor(local: Any, hello: Path) -> None:
    transcriber = aai.Transcriber(max_workers=2)
    assert transcriber.transcribe_async(str(hello)).result(timeout=60).status == "completed"


# -- the transcript JSON -----------------------------------------------------------------


def test_json_response_is_a_valid_transcript(local: Any, hello: Path) -> None:
    t = aai.Transcriber().transcribe(str(hello), aai.TranscriptionConfig(speaker_labels=True))
    data = t.json_response
    assert data["status"] == "completed" and data["speaker_labels"] is True
    assert [w["text"] for w in data["words"]] == [w.text for w in t.words]
    req = urllib.request.Request(
        local.base_url + "/_local/validate",
        data=json.dumps({"schema": "Transcript", "instance": data}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        verdict = json.loads(resp.read())
    assert verdict["valid"], verdict["errors"]
    assert repr(t) == f"<Transcript id={t.id!r} status='completed'>"


def test_polling_interval_setting_reaches_the_library(local: Any, hello: Path) -> None:
    # The server keeps a transcript queued 100 ms, then processing 300 ms (its defaults).
    transcriber = aai.Transcriber()
    fast = transcriber.transcribe(str(hello))
    fast_polls = len(requests_to(local, "GET", f"/v2/transcript/{fast.id}"))
    aai.settings.polling_interval = 1.0
    slow = transcriber.transcribe(str(hello))
    slow_polls = len(requests_to(local, "GET", f"/v2/transcript/{slow.id}"))
    assert fast_polls >= 4, fast_polls
    assert 1 <= slow_polls <= 2, slow_polls


def test_empty_bytes_are_rejected_locally(local: Any) -> None:
    before = len(local.requests())
    with pytest.raises(ValueError) as info:
        aai.Transcriber().transcribe(b"")
    assert isinstance(info.value, aai.InvalidArgumentError)
    assert info.value.status == "AAI_ERR_INVALID_ARGUMENT"
    assert len(local.requests()) == before


def test_ctrl_c_cancels_a_blocking_transcribe_promptly(tmp_path):
    """KeyboardInterrupt during transcribe() lands at once (the library's operation is cancelled),
    instead of when a long wait ends."""
    import os
    import signal
    import subprocess
    import sys
    import time as _time
    import localserver
    with localserver.pytest_outcome("auto"):
        srv = localserver.LocalServer("--processing-ms", "20000", api_key="slow-key")
    url = srv.base_url
    wav = tmp_path / "slow.wav"
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "make-test-wav"),
                    str(wav), "--text", "slow"], check=True, stdout=subprocess.DEVNULL)
    saved = aai.settings.dict()
    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)  # raises KeyboardInterrupt
    try:
        aai.settings.base_url, aai.settings.api_key, aai.settings.polling_interval = url, "slow-key", 0.2
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        start = _time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            aai.Transcriber().transcribe(str(wav))
        assert _time.monotonic() - start < 3.0   # the server would take 20 s
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        for k, v in saved.items():
            setattr(aai.settings, k, v)
        srv.stop()
