"""Universal Streaming v3 from asyncio: ``assemblyai_native.streaming.v3.AsyncRealTimeTranscriber``
(alias ``AsyncStreamingClient``), as the official SDK 1.8.2 has it, against the local server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, List

import pytest

from native_testenv import API_KEY
from readme_examples import readme_path
from test_native_streaming import FINALS, clear_sessions, pcm_chunks, sessions, stream_wav  # noqa: F401

import assemblyai_native as aai
from assemblyai_native.streaming import v3
from assemblyai_native.streaming.v3 import (AsyncRealTimeTranscriber, RealTimeEvents, RealTimeParameters,
                                            RealTimeTranscriberOptions)

HERE = Path(__file__).resolve().parent


def test_names() -> None:
    assert v3.AsyncRealTimeTranscriber is v3.AsyncStreamingClient is AsyncRealTimeTranscriber
    assert {"AsyncRealTimeTranscriber", "AsyncStreamingClient"} <= set(v3.__all__)
    for name in ("connect", "disconnect", "stream", "set_params", "force_endpoint", "keep_alive",
                 "create_temporary_token", "__aenter__", "__aexit__"):
        assert asyncio.iscoroutinefunction(getattr(AsyncRealTimeTranscriber, name)), name
    with pytest.raises(ValueError):
        AsyncRealTimeTranscriber()


def test_calls_before_connect_raise_and_connect_is_once(local: Any, stream_wav: Any) -> None:  # noqa: F811
    path = stream_wav()

    async def main() -> None:
        client = AsyncRealTimeTranscriber(api_key=API_KEY)
        for call in (client.stream(b"\0\0"), client.force_endpoint(), client.keep_alive()):
            with pytest.raises(RuntimeError, match="not connected"):
                await call
        await client.disconnect()  # never connected: nothing to do
        async with client:
            await client.connect(RealTimeParameters(sample_rate=16000))
            with pytest.raises(RuntimeError, match="already been connected"):
                await client.connect(RealTimeParameters(sample_rate=16000))
            await client.stream(pcm_chunks(path))
        await client.stream(b"\0\0" * 800)  # after the end: a no-op, as in 1.8.2
        await client.force_endpoint()

    asyncio.run(main())


def test_events_reach_sync_and_async_handlers_in_order_on_the_loop(local: Any, stream_wav: Any) -> None:  # noqa: F811
    path = stream_wav()
    clear_sessions(local)
    seen: List[Any] = []
    loop_threads: List[bool] = []

    async def main() -> None:
        main_thread = threading.get_ident()

        def on_begin(client: Any, event: Any) -> None:
            loop_threads.append(threading.get_ident() == main_thread)
            seen.append(("begin", event.id))

        async def on_turn(client: Any, event: Any) -> None:
            loop_threads.append(threading.get_ident() == main_thread)
            await asyncio.sleep(0.01)  # awaited inline: the next event waits for it
            seen.append(("turn", event.transcript, event.end_of_turn, event.turn_is_formatted))

        async def on_termination(client: Any, event: Any) -> None:
            seen.append(("termination", event.audio_duration_seconds))

        client = AsyncRealTimeTranscriber(RealTimeTranscriberOptions(api_key=API_KEY))
        client.on(RealTimeEvents.Begin, on_begin)
        client.on(RealTimeEvents.Turn, on_turn)
        client.on(RealTimeEvents.Termination, on_termination)
        client.on(RealTimeEvents.Error, lambda c, e: seen.append(("error", str(e))))
        await client.connect(RealTimeParameters(sample_rate=16000, format_turns=True))
        await client.stream(pcm_chunks(path))
        await client.disconnect(terminate=True)
        assert seen[-1][0] == "termination"  # everything dispatched before disconnect() returned

    asyncio.run(main())
    assert seen[0][0] == "begin" and seen[0][1]
    assert [s[1] for s in seen if s[0] == "turn" and s[2] and s[3]] == FINALS
    assert seen[-1] == ("termination", 3)
    assert not any(s[0] == "error" for s in seen)
    assert loop_threads and all(loop_threads)  # every handler ran on the loop's thread
    assert sessions(local)[-1]["close_code"] == 1000


def test_a_refused_connection_goes_to_the_error_handler(local: Any) -> None:
    errors: List[Any] = []

    async def main() -> None:
        async with AsyncRealTimeTranscriber(api_key="wrong-key") as client:
            client.on(RealTimeEvents.Error, lambda c, e: errors.append(e))
            await client.connect(RealTimeParameters(sample_rate=16000))  # does not raise, as in 1.8.2
            await client.stream(b"\0\0" * 1600)  # quietly dropped: the session never began

    asyncio.run(main())
    assert len(errors) == 1 and isinstance(errors[0], v3.RealTimeError) and errors[0].code == 1008


def test_many_sessions_hold_no_thread_each(local: Any, stream_wav: Any) -> None:  # noqa: F811
    """20 sessions open at once from one loop: the process's threads do not grow per session
    (the library's one I/O thread and callback pool serve them all)."""
    path = stream_wav()
    chunks = pcm_chunks(path)

    async def main() -> List[int]:
        counts = []
        clients = [AsyncRealTimeTranscriber(api_key=API_KEY) for _ in range(20)]
        finals: List[List[str]] = [[] for _ in clients]
        for i, c in enumerate(clients):
            c.on(RealTimeEvents.Turn, lambda _c, e, i=i: e.end_of_turn and e.turn_is_formatted and finals[i].append(e.transcript))
        await clients[0].connect(RealTimeParameters(sample_rate=16000, format_turns=True))
        counts.append(len(os.listdir("/proc/self/task")))
        for c in clients[1:]:
            await c.connect(RealTimeParameters(sample_rate=16000, format_turns=True))
        counts.append(len(os.listdir("/proc/self/task")))
        await asyncio.gather(*[c.stream(chunks) for c in clients])
        await asyncio.gather(*[c.disconnect(terminate=True) for c in clients])
        assert all(f == FINALS for f in finals), finals
        return counts

    one, twenty = asyncio.run(main())
    assert twenty <= one + 2, (one, twenty)  # at most a callback thread or two more, not 19


@pytest.mark.skipif(not readme_path().exists(), reason="the official README is not beside the repository")
def test_readme_async_streaming_example(local: Any, tmp_path: Path) -> None:
    """1.8.2's "Stream a local file (async)", with only the import changed (and the host, chunk
    pace and model named in async_readme_examples.py)."""
    wav = tmp_path / "stream.wav"
    subprocess.run([sys.executable, str(HERE.parents[2] / "scripts" / "make-stream-wav"), str(wav), "--text",
                    "Hello world. How are you?"], check=True, capture_output=True)
    clear_sessions(local)
    env = dict(os.environ, PYTHONPATH=str(HERE.parent) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, str(HERE / "async_readme_examples.py"), "assemblyai_native", local.base_url,
                           API_KEY, str(tmp_path / "w"), "--wav", str(wav), "--streaming",
                           local.base_url.replace("http://", "ws://")], capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "hello world (end_of_turn=True)" in lines and "how are you (end_of_turn=True)" in lines, proc.stdout
    record = sessions(local)[-1]
    assert record["close_code"] == 1000 and "speech_model=universal-streaming-english" in record["query"]
