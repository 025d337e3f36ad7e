"""Text-to-Speech through the binding against the local server (espeak-ng speech): the official
SDK 1.8.2 README's TTS examples with only the import changed, streaming, word timings, asyncio,
errors and cancellation."""

from __future__ import annotations

import asyncio
import io
import threading
import time
import wave
from typing import Any, Iterator, List

import pytest

import assemblyai_native as aai
from native_testenv import API_KEY

SENTENCE = "Streaming straight to the speakers. This sentence is long enough to arrive in pieces."


@pytest.fixture
def tts_local(local: Any) -> Iterator[Any]:
    saved = aai.settings.tts_base_url
    aai.settings.tts_base_url = local.base_url
    try:
        yield local
    finally:
        aai.settings.tts_base_url = saved


def _recorded(srv: Any, path: str) -> List[dict]:
    return [r for r in srv.requests() if r.get("path") == path]


# ---- the official README's examples (assemblyai -> assemblyai_native) ----------------------


def test_readme_synthesize_a_wav_file(tts_local: Any, tmp_path: Any, monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.chdir(tmp_path)
    tts = aai.TextToSpeech()

    response = tts.synthesize(
        "Hello from AssemblyAI.",
        aai.TTSConfig(voice_id="aai-jane", container=aai.TTSContainer.wav),
    )
    # A config given per call replaces the client's default config whole.

    with open("hello.wav", "wb") as out:
        out.write(response.audio)

    print(response.model, response.voice_id, response.audio_duration_ms, "ms")

    printed = capsys.readouterr().out
    assert printed.startswith("assemblyai-tts-1 aai-jane ")
    with wave.open(str(tmp_path / "hello.wav")) as w:
        assert w.getframerate() == 24000 and w.getnchannels() == 1 and w.getsampwidth() == 2
        assert abs(w.getnframes() * 1000 // 24000 - response.audio_duration_ms) <= 1
    assert response.request_id and response.billed_characters == len("Hello from AssemblyAI.")


def test_readme_stream_audio(tts_local: Any, capsys: Any) -> None:
    played: List[bytes] = []
    play = played.append

    tts = aai.TextToSpeech(config=aai.TTSConfig(voice_id="aai-alba"))

    with tts.stream("Streaming straight to the speakers.") as speech:
        print("speaking with", speech.info.model, "at", speech.info.sample_rate, "Hz")
        for chunk in speech:
            play(chunk)  # raw 24 kHz 16-bit mono PCM

    assert capsys.readouterr().out == "speaking with assemblyai-tts-1 at 24000 Hz\n"
    assert sum(map(len, played)) > 24000  # over half a second of audio
    assert len(played) > 1
    assert _recorded(tts_local, "/v1/speech")[-1]["body"] == {
        "text": "Streaming straight to the speakers.", "voice_id": "aai-alba", "stream": True}


def test_readme_telephony_and_cloned_voice(tts_local: Any) -> None:
    sent: List[bytes] = []
    send_to_call = sent.append

    telephony = aai.TTSConfig(
        voice_id="01a0da61-138c-77c7-ab98-421431ed74e8",  # a voice cloned in the dashboard
        encoding=aai.TTSEncoding.pcm_mulaw,
        sample_rate=8000,
    )

    with aai.TextToSpeech(config=telephony).stream("Your appointment is confirmed.") as speech:
        for chunk in speech:
            send_to_call(chunk)

    assert speech.info.encoding == "pcm_mulaw" and speech.info.sample_rate == 8000
    assert speech.info.voice_id == "01a0da61-138c-77c7-ab98-421431ed74e8"
    assert 8000 < sum(map(len, sent)) < 8000 * 5


def test_readme_handle_errors(tts_local: Any, capsys: Any) -> None:
    tts = aai.TextToSpeech()

    try:
        response = tts.synthesize("Hello.", aai.TTSConfig(voice_id="aai-nobody"))
    except aai.TTSError as e:
        print(e.status_code, e.error_code, e.param, e.request_id)  # 422 voice_not_found voice_id ...
        if e.retryable:
            time.sleep(e.retry_after or 1)
    else:
        pytest.fail(f"synthesized {response!r}")

    status, code, param, request_id = capsys.readouterr().out.split()
    assert (status, code, param) == ("422", "voice_not_found", "voice_id")
    assert request_id != "None"


def test_readme_asyncio(tts_local: Any, capsys: Any) -> None:
    chunks: List[bytes] = []

    async def play(chunk: bytes) -> None:
        chunks.append(chunk)

    async def main() -> None:
        async with aai.AsyncTextToSpeech() as tts:
            response = await tts.synthesize("Hello from AssemblyAI.")
            print(len(response.audio), "bytes")

            async with tts.stream("And streamed.") as speech:
                async for chunk in speech:
                    await play(chunk)  # your own coroutine

    asyncio.run(main())
    n = int(capsys.readouterr().out.split()[0])
    assert n > 24000
    assert sum(map(len, chunks)) > 10000


def test_settings_and_env() -> None:
    s = aai.Settings(tts_base_url="https://tts.eu.assemblyai.com")
    assert s.tts_base_url == "https://tts.eu.assemblyai.com"
    assert aai.Settings().tts_http_timeout == 30.0
    assert aai.Settings().tts_synthesize_http_timeout == 610.0
    with pytest.raises(ValueError):
        aai.settings.tts_base_url = "http://tts.example.com"  # plain http off loopback


def test_env_var(monkeypatch: Any) -> None:
    monkeypatch.setenv("ASSEMBLYAI_TTS_BASE_URL", "https://tts.eu.assemblyai.com")
    monkeypatch.setenv("ASSEMBLYAI_TTS_HTTP_TIMEOUT", "12.5")
    s = aai.Settings()
    assert s.tts_base_url == "https://tts.eu.assemblyai.com"
    assert s.tts_http_timeout == 12.5


# ---- beyond the README ------------------------------------------------------------------------


def test_first_audio_before_the_end(tts_local: Any) -> None:
    tts = aai.TextToSpeech()
    t0 = time.monotonic()
    with tts.stream(" ".join([SENTENCE] * 3)) as speech:
        first = time.monotonic() - t0
        total = len(speech.read())
    assert time.monotonic() - t0 > first
    assert total > 24000 * 2 * 4


def test_stream_to_file_and_iterator(tts_local: Any, tmp_path: Any) -> None:
    tts = aai.TextToSpeech(config=aai.TTSConfig(container="wav"))
    path = tmp_path / "out.wav"
    tts.stream("Saved as it arrives.").save(str(path))
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and len(data) > 10000
    synthesized = tts.synthesize("Saved as it arrives.")
    synthesized.save(str(tmp_path / "whole.wav"))
    with wave.open(str(tmp_path / "whole.wav")) as w:
        assert w.getnframes() > 0


def test_word_timings(tts_local: Any) -> None:
    batches: List[Any] = []
    tts = aai.TextToSpeech()
    with tts.stream_events(SENTENCE, on_words=batches.append) as speech:
        audio = speech.read()
    words = speech.words
    assert [w.word for w in words] == SENTENCE.split()
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert len(batches) > 1 and sum(map(len, batches)) == len(words)
    assert speech.info.audio_duration_ms and words[-1].end <= speech.info.audio_duration_ms
    assert abs(len(audio) / 48 - speech.info.audio_duration_ms) <= 1


def test_empty_text_refused_before_sending(tts_local: Any) -> None:
    before = len(_recorded(tts_local, "/v1/speech"))
    tts = aai.TextToSpeech()
    with pytest.raises(aai.TTSError) as info:
        tts.synthesize("")
    assert isinstance(info.value, ValueError) and "empty" in str(info.value)
    with pytest.raises(ValueError):
        with tts.stream(""):
            pass
    with pytest.raises(TypeError):
        tts.synthesize(aai.TTSConfig())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        aai.TTSConfig(voice="aai-jane")
    with pytest.raises(ValueError):
        aai.TTSConfig(speed=1)
    assert len(_recorded(tts_local, "/v1/speech")) == before


def test_refusal_before_audio_raises_from_enter(tts_local: Any) -> None:
    tts = aai.TextToSpeech(config=aai.TTSConfig(sample_rate=12345))
    with pytest.raises(aai.TTSError) as info:
        with tts.stream("Hello."):
            pass
    e = info.value
    assert e.status_code == 422 and e.error_code == "invalid_parameter" and e.param == "sample_rate"
    assert e.retryable is False and e.body["code"] == "invalid_parameter"


def test_cut_stream_raises_retryable(tts_local: Any) -> None:
    tts_local.call("POST", "/_local/faults", {"method": "POST", "path": "/v1/speech", "kind": "truncate",
                                              "at_byte": 20000})
    try:
        got = bytearray()
        with pytest.raises(aai.TTSError) as info:
            with aai.TextToSpeech().stream(SENTENCE) as speech:
                for chunk in speech:
                    got += chunk
        assert info.value.status_code == 200 and info.value.retryable is True
        assert info.value.error_code is None
        assert 0 < len(got) <= 20000
    finally:
        tts_local.call("DELETE", "/_local/faults")


def test_close_cancels_at_once(tts_local: Any) -> None:
    tts_local.call("POST", "/_local/faults", {"method": "POST", "path": "/v1/speech", "kind": "delay",
                                              "delay_ms": 5000})
    try:
        tts = aai.TextToSpeech()
        stream = tts.stream("Hello.")
        errors: List[BaseException] = []

        def read() -> None:
            try:
                stream.read()
            except BaseException as exc:  # noqa: B902
                errors.append(exc)

        t = threading.Thread(target=read)
        t.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        stream.close()
        assert time.monotonic() - t0 < 0.1
        t.join(3)
        assert not t.is_alive()
        assert errors and time.monotonic() - t0 < 3
    finally:
        tts_local.call("DELETE", "/_local/faults")


def test_async_stream_events_and_cancel(tts_local: Any) -> None:
    async def main() -> None:
        async with aai.AsyncTextToSpeech() as tts:
            async with tts.stream_events(SENTENCE) as speech:
                n = len(await speech.read())
            assert n > 24000 and [w.word for w in speech.words] == SENTENCE.split()
            # Cancelling the task that awaits a synthesis stops it.
            task = asyncio.ensure_future(tts.synthesize(" ".join([SENTENCE] * 20)))
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            with pytest.raises(aai.TTSError):
                await tts.synthesize("Hi.", aai.TTSConfig(voice_id="aai-nobody"))

    asyncio.run(main())


def test_async_runs_many_on_one_thread(tts_local: Any) -> None:
    before = threading.active_count()

    async def main() -> List[int]:
        tts = aai.AsyncTextToSpeech()
        results = await asyncio.gather(*(tts.synthesize(f"Request number {i}.") for i in range(8)))
        return [len(r.audio) for r in results]

    sizes = asyncio.run(main())
    assert all(n > 10000 for n in sizes)
    assert threading.active_count() <= before + 1  # no Python thread per call


def test_same_requests_as_official_sdk(tts_local: Any) -> None:
    """What 1.8.2 sends (api.py): POST {tts_base_url}/v1/speech, the key as Authorization, JSON body
    with text, the set options and `stream`."""
    aai.TextToSpeech(config=aai.TTSConfig(voice_id="aai-alba", sample_rate=16000)).synthesize("Same.")
    r = _recorded(tts_local, "/v1/speech")[-1]
    assert r["method"] == "POST"
    assert r["body"] == {"text": "Same.", "voice_id": "aai-alba", "sample_rate": 16000, "stream": False}
    headers = {k.lower(): v for k, v in r["headers"].items()}
    assert headers["authorization"] == API_KEY
    assert headers["content-type"] == "application/json"


def test_public_names() -> None:
    from assemblyai_native.tts import TextToSpeech as T1
    from assemblyai_native.tts.v1 import TextToSpeech as T2
    from assemblyai_native.tts.v1.models import TTSConfig, TTSContainer, TTSEncoding  # noqa: F401

    assert T1 is T2 is aai.TextToSpeech
    assert str(aai.TTSEncoding.pcm_mulaw) == "pcm_mulaw"
    buf = io.BytesIO()
    buf.write(b"")
