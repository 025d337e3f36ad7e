"""TTSSession / AsyncTTSSession (the Text-to-Speech WebSocket API) through the binding against
the local server: the official SDK 1.8.2 README's session examples with only the import changed,
handlers, cancel, refusals and a dropped connection."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Iterator, List

import pytest

import assemblyai_native as aai


@pytest.fixture
def tts_local(local: Any) -> Iterator[Any]:
    saved = aai.settings.tts_base_url
    aai.settings.tts_base_url = local.base_url
    try:
        yield local
    finally:
        aai.settings.tts_base_url = saved


def test_readme_session_speak(tts_local: Any, capsys: Any) -> None:
    played: List[bytes] = []
    play = played.append

    def llm_reply_sentences() -> List[str]:
        return ["Hello there.", "This is the second sentence."]

    with aai.TTSSession(config=aai.TTSConfig(voice_id="aai-jane")) as session:
        for sentence in llm_reply_sentences():
            for chunk in session.speak(sentence):  # raw 24 kHz 16-bit mono PCM
                play(chunk)

    print("spoken:", session.termination)  # the session's summary
    assert sum(map(len, played)) > 24000 * 2
    assert session.termination is not None
    assert session.termination.total_input_char_length == len("Hello there.") + len("This is the second sentence.")
    assert "spoken: TTSTerminationEvent(" in capsys.readouterr().out


def test_readme_session_streaming_text_and_barge_in(tts_local: Any) -> None:
    played: List[bytes] = []
    tokens = ["Streaming ", "the text ", "in as it ", "is generated, ", "token by token."]
    with aai.TTSSession(config=aai.TTSConfig(voice_id="aai-jane")) as session:
        for token in tokens:
            session.generate(token)  # joined exactly as sent: include the spaces
        request = session.flush()  # the request's flush_id; audio may start before this
        for n, chunk in enumerate(session.audio(request)):
            if n == 1:  # user_started_talking()
                session.cancel()  # ends this iteration at once; the server drops the rest
                break
            played.append(chunk)
        # The next request after a cancel: ids skip one.
        session.generate("After the barge in.")
        after = session.flush()
        assert after == request + 2
        assert sum(len(c) for c in session.audio(after)) > 10000
    assert len(played) == 1


def test_handlers_and_word_boundaries(tts_local: Any) -> None:
    events: List[Any] = []
    lock = threading.Lock()

    def record(e: Any) -> None:
        with lock:
            events.append(e)

    session = aai.TTSSession(word_boundaries=True)
    for name in ("Begin", "FlushDone", "WordBoundaries", "Termination"):
        session.on(name, record)
    with session:
        audio = b"".join(session.speak("One two three four."))
        audio2 = b"".join(session.speak("Five six."))
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "TTSBeginEvent" and kinds[-1] == "TTSTerminationEvent"
    bounds = [e for e in events if isinstance(e, aai.TTSWordBoundariesEvent)]
    assert [w.word for b in bounds for w in b.words] == ["One", "two", "three", "four.", "Five", "six."]
    assert bounds[1].audio_start_ms > 0  # the session's timeline
    assert bounds[1].words[0].start >= bounds[1].audio_start_ms
    done = [e for e in events if isinstance(e, aai.TTSFlushDoneEvent)]
    assert abs(done[0].audio_duration_ms - len(audio) / 48) <= 1 and len(audio2) > 0
    assert session.begin is not None and session.begin.configuration["limits"]["max_generate_text_length"] == 2000


def test_audio_handler_turns_off_pulling(tts_local: Any) -> None:
    got: List[int] = []
    session = aai.TTSSession()
    session.on(aai.TTSEvents.Audio, lambda e: got.append(len(e.audio)))
    with session:
        with pytest.raises(RuntimeError):
            session.speak("Hi.")
        session.generate("Pushed to the handler.")
        session.flush()
    assert sum(got) > 10000


def test_refusals(tts_local: Any) -> None:
    with pytest.raises(aai.TTSError) as info:
        with aai.TTSSession(config=aai.TTSConfig(voice_id="aai-nobody")):
            pass
    assert info.value.error_code == "voice_not_found" and info.value.body["close_code"] == 3004
    assert info.value.status_code is None
    with pytest.raises(ValueError):
        aai.TTSSession(config=aai.TTSConfig(container="wav"))
    with aai.TTSSession() as session:
        with pytest.raises(ValueError):
            session.generate("x" * 2001)
        with pytest.raises(ValueError):
            list(session.audio(7))
    with pytest.raises(RuntimeError):
        session.generate("closed")


def test_dropped_connection_raises(tts_local: Any) -> None:
    tts_local.call("POST", "/_local/faults", {"path": "/v1/ws", "kind": "ws_drop", "after_messages": 3})
    try:
        with pytest.raises(aai.TTSError) as info:
            with aai.TTSSession() as session:
                for _ in session.speak("A sentence long enough to be cut while it is spoken."):
                    pass
        assert info.value.retryable is True and info.value.body["close_code"] == 1006
    finally:
        tts_local.call("DELETE", "/_local/faults")


def test_readme_async_session(tts_local: Any) -> None:
    chunks: List[bytes] = []

    async def play(chunk: bytes) -> None:
        chunks.append(chunk)

    async def main() -> None:
        async with aai.AsyncTTSSession(config=aai.TTSConfig(voice_id="aai-jane")) as session:
            async for chunk in session.speak("Hello there."):
                await play(chunk)
            await session.generate("Streamed ")
            await session.generate("in.")
            request = await session.flush()
            async for chunk in session.audio(request):
                await play(chunk)
        assert session.termination is not None

    asyncio.run(main())
    assert sum(map(len, chunks)) > 24000
