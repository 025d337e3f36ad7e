"""The exception hierarchy of the official SDK 1.8.2's README ("Error Handling"): every class at
its path, with its attributes and base classes, raised by the asyncio classes from the library's
status codes; and the binding's older classes still caught by the clauses written for them."""

from __future__ import annotations

import asyncio
import pickle
import re
import time
from typing import Any, Iterator, List

import pytest

from readme_examples import readme_path

import assemblyai_native as aai
from assemblyai_native import errors, types
from assemblyai_native.streaming import v3


def test_the_readme_table() -> None:
    """Each row of 1.8.2's "Exception Hierarchy" table: the class, where it lives, its base."""
    table = {
        aai.AssemblyAIError: ("status_code",),
        aai.TranscriptError: ("status_code",),
        aai.SyncTranscriptError: ("status_code", "error_code", "retry_after"),
        aai.TTSError: ("status_code", "error_code", "param", "request_id", "retryable", "retry_after", "errors", "body"),
        types.RedactedAudioIncompleteError: ("status_code",),
        types.RedactedAudioExpiredError: ("status_code",),
        types.RedactedAudioUnavailableError: ("status_code",),
    }
    for cls, attributes in table.items():
        assert issubclass(cls, aai.AssemblyAIError), cls
        exc = cls("boom", 418)
        assert str(exc) == "boom" and exc.status_code == 418
        for name in attributes:
            assert hasattr(exc, name), (cls.__name__, name)
    # RealTimeError subclasses Exception directly and is delivered through the Error event.
    assert v3.RealTimeError is v3.StreamingError
    assert not issubclass(v3.RealTimeError, aai.AssemblyAIError)
    error = v3.RealTimeError("Not Authorized", 4001)
    assert error.code == 4001 and str(error) == "Not Authorized"
    assert v3.RealTimeErrorCodes.get(4001) == "Not Authorized"
    # The other classes its README names, with their attributes.
    assert issubclass(aai.LLMGatewayError, aai.AssemblyAIError)
    gateway = aai.LLMGatewayError("invalid", 422, "req-1", ["messages: required"])
    assert (gateway.status_code, gateway.request_id, gateway.errors) == (422, "req-1", ["messages: required"])
    assert aai.LLMGatewayError("x").request_id is None and aai.LLMGatewayError("x").errors is None
    again = pickle.loads(pickle.dumps(gateway))
    assert (type(again), again.request_id, again.errors, again.status_code) == (aai.LLMGatewayError, "req-1",
                                                                               ["messages: required"], 422)
    assert issubclass(aai.DictationError, aai.AssemblyAIError)
    assert not issubclass(aai.DictationError, aai.SyncTranscriptError)  # "a separate class"
    sync = aai.SyncTranscriptError("rate limited", 429, "rate_limited", 5)
    assert (sync.error_code, sync.retry_after) == ("rate_limited", 5)
    # assemblyai.types holds the prerecorded and gateway classes too.
    assert types.AssemblyAIError is aai.AssemblyAIError and types.TranscriptError is aai.TranscriptError
    assert types.LLMGatewayError is aai.LLMGatewayError and types.SyncTranscriptError is aai.SyncTranscriptError


@pytest.mark.skipif(not readme_path().exists(), reason="the official README is not beside the repository")
def test_every_class_the_readme_table_names_exists() -> None:
    text = readme_path().read_text()
    start = text.index("### Exception Hierarchy")
    section = text[start:text.index("### Catching Specific Exceptions")]
    names = re.findall(r"^\| `([\w.]+)`", section, re.M)
    assert len(names) == 8, names
    for dotted in names:
        dotted = dotted.replace("assemblyai.", "aai.")
        obj: Any = aai
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part) if part != "streaming" else __import__("assemblyai_native.streaming.v3").streaming
        assert isinstance(obj, type) and issubclass(obj, Exception), dotted


def test_the_older_classes_are_still_caught() -> None:
    """Code written for the binding's own classes (and for Python's built-ins) keeps working."""
    assert issubclass(errors.InvalidArgumentError, ValueError)
    assert issubclass(errors.InvalidArgumentError, aai.AssemblyAIError)
    assert issubclass(errors.AudioFileNotFoundError, FileNotFoundError)
    assert issubclass(errors.AudioFileError, OSError)
    assert issubclass(errors.NotImplementedByLibraryError, NotImplementedError)
    assert issubclass(aai.LemurError, aai.AssemblyAIError)
    assert issubclass(aai.RealtimeError, aai.AssemblyAIError)  # the v2 realtime class
    exc = errors.TranscriptError("gone", 404, server_text="Transcript not found", retryable=False, status="AAI_ERR_NOT_FOUND")
    assert (exc.server_text, exc.status, exc.retryable) == ("Transcript not found", "AAI_ERR_NOT_FOUND", False)
    gateway = aai.LLMGatewayError("busy", 503, server_text="overloaded", retryable=True, status="AAI_ERR_SERVER")
    assert gateway.retryable and gateway.server_text == "overloaded" and gateway.request_id is None


@pytest.fixture
def apis(local: Any) -> Iterator[Any]:
    """The Sync, Dictation and Text-to-Speech hosts pointed at the local server too."""
    saved = {k: getattr(aai.settings, k) for k in ("sync_base_url", "dictation_base_url", "tts_base_url")}
    aai.settings.sync_base_url = local.base_url
    aai.settings.dictation_base_url = local.base_url + "/dictation"
    aai.settings.tts_base_url = local.base_url
    try:
        yield local
    finally:
        for k, v in saved.items():
            setattr(aai.settings, k, v)


def test_a_wrong_key_raises_each_apis_class_from_asyncio(apis: Any, tmp_path: Any) -> None:
    """AAI_ERR_AUTH from the library becomes the class of the API that failed, HTTP 401 attached,
    and every one is caught by `except aai.AssemblyAIError`."""
    pcm = b"\0\0" * 16000

    async def main() -> None:
        url = f"{apis.base_url}/_local/synthetic?words=3"
        calls = [
            (aai.TranscriptError, aai.AsyncTranscriber(api_key="wrong").transcribe(url)),
            (aai.SyncTranscriptError, aai.AsyncSyncTranscriber(api_key="wrong").transcribe(
                pcm, aai.SyncTranscriptionConfig(sample_rate=16000, channels=1))),
            (aai.DictationError, aai.AsyncDictationTranscriber(api_key="wrong").transcribe_live(
                pcm, aai.DictationConfig(sample_rate=16000, channels=1))),
        ]
        for cls, call in calls:
            with pytest.raises(cls) as info:
                await call
            assert info.value.status_code == 401 and isinstance(info.value, aai.AssemblyAIError), cls
            assert info.value.status == "AAI_ERR_AUTH"
        saved = aai.settings.api_key
        aai.settings.api_key = "wrong"
        try:
            async with aai.AsyncTextToSpeech() as tts:
                with pytest.raises(aai.TTSError) as info:
                    await tts.synthesize("Hello.", aai.TTSConfig(voice_id="aai-jane"))
            assert info.value.status_code == 401
        finally:
            aai.settings.api_key = saved

    asyncio.run(main())


@pytest.mark.skipif(not readme_path().exists(), reason="the official README is not beside the repository")
def test_readme_catching_specific_exceptions(local: Any, tmp_path: Any, capsys: Any, monkeypatch: Any) -> None:
    """1.8.2's "Catching Specific Exceptions" example, with only the import changed, for a
    server that answers 500 to every transcript request: the TranscriptError clause prints."""
    text = readme_path().read_text()
    start = text.index("### Catching Specific Exceptions")
    code = re.findall(r"```python\n(.*?)```", text[start:], re.S)[0]
    code = code.replace("import assemblyai as aai", "import assemblyai_native as aai")
    code = code.replace('aai.settings.api_key = "<YOUR_API_KEY>"', "")
    wav = tmp_path / "audio.mp3"
    from native_expect import write_wav

    write_wav(wav, "Hello.", 1)
    monkeypatch.chdir(tmp_path)
    local.call("DELETE", "/_local/faults")
    local.call("POST", "/_local/faults", {"kind": "status", "status": 500, "method": "POST",
                                          "path_regex": "^/v2/transcript$", "count": 20})
    try:
        exec(compile(code, "<README>", "exec"), {"__name__": "readme"})
    finally:
        local.call("DELETE", "/_local/faults")
    assert "Transcript error (HTTP 500):" in capsys.readouterr().out


def test_sync_and_dictation_send_with_the_async_clients_settings(apis: Any) -> None:
    """An AsyncClient passed to the Sync and Dictation transcribers is used (its key), as in 1.8.2."""
    pcm = b"\0\0" * 16000
    sync_config = aai.SyncTranscriptionConfig(sample_rate=16000, channels=1)
    dictation_config = aai.DictationConfig(sample_rate=16000, channels=1)

    async def main() -> None:
        async with aai.AsyncClient(api_key="wrong-key") as wrong, aai.AsyncClient() as right:
            with pytest.raises(aai.SyncTranscriptError) as info:
                await aai.AsyncSyncTranscriber(client=wrong).transcribe(pcm, sync_config)
            assert info.value.status_code == 401
            with pytest.raises(aai.DictationError) as info2:
                await aai.AsyncDictationTranscriber(client=wrong).transcribe_live(pcm, dictation_config)
            assert info2.value.status_code == 401
            transcriber = aai.AsyncSyncTranscriber(client=right)
            assert transcriber.client is right
            result = await transcriber.transcribe(pcm, sync_config)
            assert result.text is not None
            # api_key wins over the client's key, the client itself is left as it was
            result = await aai.AsyncSyncTranscriber(client=wrong, api_key=aai.settings.api_key).transcribe(pcm, sync_config)
            assert result.text is not None and wrong.settings.api_key == "wrong-key"
        with pytest.raises(TypeError):
            aai.AsyncSyncTranscriber(client=object())

    asyncio.run(main())


@pytest.mark.parametrize("api", ["sync", "dictation", "live session"])
def test_cancelling_a_sync_or_dictation_request_aborts_it_in_the_library(apis: Any, api: str, monkeypatch: Any) -> None:
    """The server withholds its answer (a `hang` fault); cancelling the awaiting coroutine calls
    the library's cancel on the request (NativeLive.cancel: aai_sync_live_cancel) and ends at once."""
    from assemblyai_native import _audio_request

    cancelled: List[Any] = []
    real_cancel = _audio_request.NativeLive.cancel

    def spy(self: Any) -> None:
        cancelled.append(self)
        real_cancel(self)

    monkeypatch.setattr(_audio_request.NativeLive, "cancel", spy)
    pcm = b"\0\0" * 16000
    apis.call("DELETE", "/_local/faults")
    apis.call("POST", "/_local/faults", {"kind": "hang", "method": "POST", "path_regex": "transcribe", "delay_ms": 20000})

    async def main() -> float:
        if api == "sync":
            call = aai.AsyncSyncTranscriber().transcribe(pcm, aai.SyncTranscriptionConfig(sample_rate=16000, channels=1))
        elif api == "dictation":
            call = aai.AsyncDictationTranscriber().transcribe_live(pcm, aai.DictationConfig(sample_rate=16000, channels=1))
        else:
            session = aai.AsyncSyncTranscriber().open_live(aai.SyncTranscriptionConfig(sample_rate=16000, channels=1))
            session.write(pcm)
            call = session.result()
        task = asyncio.ensure_future(call)
        await asyncio.sleep(0.5)
        assert not task.done()
        start = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - start

    try:
        assert asyncio.run(main()) < 1.0
        fired = apis.call("GET", "/_local/faults")["fired"]
        assert fired and fired[0]["kind"] == "hang"  # the request reached the server and was waiting
        assert len(cancelled) == 1
    finally:
        apis.call("DELETE", "/_local/faults")
