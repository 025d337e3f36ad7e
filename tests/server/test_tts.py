"""Text-to-Speech endpoints (docs/local-server.md, "Text-to-Speech"): real speech from espeak-ng,
streamed as it is produced; word timings over Server-Sent Events; the API's error envelope."""

import array
import base64
import io
import json
import time
import urllib.request
import wave

import pytest

from server_harness import KEY

SENTENCE = "The quick brown fox jumps over the lazy dog. It was a sunny day."


def post(server, path, body, key=KEY):
    return server.request("POST", path, body, key=key)


def samples(pcm: bytes):
    a = array.array("h")
    a.frombytes(pcm[: len(pcm) // 2 * 2])
    return a


def mean_square(a):
    return sum(x * x for x in a) / max(1, len(a))


def test_synthesize_wav_is_speech_of_plausible_duration(server):
    status, audio = post(server, "/v1/speech", {"text": SENTENCE, "container": "wav"})
    assert status == 200
    with wave.open(io.BytesIO(audio)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 24000)
        frames = w.readframes(w.getnframes())
        seconds = w.getnframes() / 24000
    # 14 words at a normal speaking rate: roughly 2.5 to 7 seconds.
    assert 2.5 < seconds < 7, seconds
    a = samples(frames)
    assert mean_square(a) > 300 ** 2  # not silence
    # Speech has pauses: some 50 ms windows are much quieter than the loudest.
    window = 1200
    energies = [mean_square(a[i:i + window]) for i in range(0, len(a) - window, window)]
    assert min(energies) < max(energies) / 100


def test_headers(server):
    req = urllib.request.Request(server.base + "/v1/speech", method="POST",
                                 data=json.dumps({"text": "Hello there.", "voice_id": "aai-alba",
                                                  "sample_rate": 16000}).encode(),
                                 headers={"Authorization": KEY, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        h = resp.headers
        body = resp.read()
    assert h["X-TTS-Model"] == "assemblyai-tts-1"
    assert h["X-TTS-Voice-Id"] == "aai-alba"
    assert h["X-TTS-Sample-Rate"] == "16000"
    assert h["X-TTS-Encoding"] == "pcm_s16le"
    assert h["X-TTS-Container"] == "raw"
    assert h["X-TTS-Billed-Characters"] == str(len("Hello there."))
    assert h["Content-Type"] == "audio/pcm;rate=16000;channels=1"
    assert h["X-Request-Id"]
    duration = int(h["X-TTS-Audio-Duration-Ms"])
    assert abs(len(body) / 2 / 16 - duration) <= 1


def test_voices_differ_and_encodings(server):
    _, jane = post(server, "/v1/speech", {"text": "Hello there.", "voice_id": "aai-jane"})
    _, charles = post(server, "/v1/speech", {"text": "Hello there.", "voice_id": "aai-charles"})
    assert jane != charles
    _, mulaw = post(server, "/v1/speech", {"text": "Hello there.", "encoding": "mulaw", "sample_rate": 8000})
    _, pcm8 = post(server, "/v1/speech", {"text": "Hello there.", "sample_rate": 8000})
    # One byte per sample instead of two (espeak's length varies by a few samples between runs).
    assert abs(len(mulaw) * 2 - len(pcm8)) <= 2 * 40
    _, alaw_wav = post(server, "/v1/speech", {"text": "Hi.", "encoding": "pcm_alaw", "container": "wav", "sample_rate": 8000})
    assert alaw_wav[:4] == b"RIFF" and int.from_bytes(alaw_wav[20:22], "little") == 6


def test_stream_sends_audio_before_the_end(server):
    text = " ".join([SENTENCE] * 4)
    req = urllib.request.Request(server.base + "/v1/speech", method="POST",
                                 data=json.dumps({"text": text, "stream": True, "container": "wav"}).encode(),
                                 headers={"Authorization": KEY, "Content-Type": "application/json"})
    t0 = time.monotonic()
    with urllib.request.urlopen(req) as resp:
        assert "X-TTS-Audio-Duration-Ms" not in resp.headers
        first = resp.read1(65536)
        t_first = time.monotonic() - t0
        rest = resp.read()
        t_all = time.monotonic() - t0
    assert first[:4] == b"RIFF" and first[4:8] == b"\xff\xff\xff\xff"  # sizes unknown on a stream
    assert len(rest) > 24000 * 2 * 5
    assert t_first < t_all


def test_events_word_timings_match_the_text(server):
    req = urllib.request.Request(server.base + "/v1/speech/events", method="POST",
                                 data=json.dumps({"text": SENTENCE}).encode(),
                                 headers={"Authorization": KEY, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        assert resp.headers["Content-Type"] == "text/event-stream"
        raw = resp.read().decode()
    events = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    kinds = [k for k, _ in events]
    assert kinds[-1] == "done"
    assert "audio" in kinds and "word_boundaries" in kinds
    audio = b"".join(base64.b64decode(d["audio"]) for k, d in events if k == "audio")
    words = [w for k, d in events if k == "word_boundaries" for w in d["words"]]
    assert [w["word"] for w in words] == SENTENCE.split()
    starts = [w["start"] for w in words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(w["end"] >= w["start"] for w in words)
    duration = events[-1][1]["audio_duration_ms"]
    assert abs(len(audio) / 48 - duration) <= 1
    assert words[-1]["end"] <= duration and words[-1]["start"] > duration / 2
    # Timings arrive as they are known, interleaved with the audio, not all at the end.
    first_words = kinds.index("word_boundaries")
    assert first_words < len(kinds) - 2 and "audio" in kinds[first_words:]


# ---------------------------------------------------------------- MP3 (LAME, libmp3lame0)

MP3_RATES = {  # version bits -> sample rates by index, samples per Layer III frame
    3: ((44100, 48000, 32000), 1152), 2: ((22050, 24000, 16000), 576), 0: ((11025, 12000, 8000), 576)}
MP3_KBPS = {  # MPEG 1 / MPEG 2 and 2.5, Layer III
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}


def mp3_frames(data):
    """Walks the MPEG audio frames of `data` (fails on anything else between them): a list of
    (sample rate, bit rate, channel mode, samples)."""
    frames, i = [], 0
    while i + 4 <= len(data):
        h = int.from_bytes(data[i:i + 4], "big")
        assert h >> 21 == 0x7FF, f"no frame sync at byte {i} of {len(data)}"
        version, layer, bri, sri, pad, mode = (h >> 19) & 3, (h >> 17) & 3, (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1, (h >> 6) & 3
        assert layer == 1 and version != 1 and sri != 3 and 0 < bri < 15, hex(h)   # Layer III
        rates, per_frame = MP3_RATES[version]
        rate, kbps = rates[sri], MP3_KBPS[3 if version == 3 else 2][bri]
        frames.append((rate, kbps * 1000, mode, per_frame))
        i += per_frame // 8 * kbps * 1000 // rate + pad
    assert i == len(data), "a cut frame at the end"
    return frames


@pytest.mark.parametrize("rate,bit_rate", [(24000, 48000), (44100, 128000), (8000, 32000)])
def test_mp3_output_is_constant_bit_rate_mono_frames_of_the_speech(server, rate, bit_rate):
    req = urllib.request.Request(server.base + "/v1/speech", method="POST",
                                 data=json.dumps({"text": SENTENCE, "encoding": "mp3", "sample_rate": rate,
                                                  "bit_rate": bit_rate}).encode(),
                                 headers={"Authorization": KEY, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        h, mp3 = resp.headers, resp.read()
    assert h["Content-Type"] == "audio/mpeg" and h["X-TTS-Encoding"] == "mp3" and h["X-TTS-Bit-Rate"] == str(bit_rate)
    assert "X-TTS-Container" not in h
    frames = mp3_frames(mp3)
    assert {f[:3] for f in frames} == {(rate, bit_rate, 3)}   # channel mode 3: mono
    seconds = sum(f[3] for f in frames) / rate
    duration = int(h["X-TTS-Audio-Duration-Ms"]) / 1000
    # LAME adds its encoder delay (1105 samples) and pads the last frame: at most 3 frames more.
    assert duration <= seconds <= duration + 3 * frames[0][3] / rate + 0.01, (seconds, duration)
    # The same speech as the PCM output: decoded, about as loud and as long.
    av = pytest.importorskip("av")
    with av.open(io.BytesIO(mp3)) as c:
        decoded = b"".join(bytes(f.to_ndarray().astype("<i2").tobytes()) if f.format.name == "s16"
                           else (f.to_ndarray() * 32767).astype("<i2").tobytes() for f in c.decode(audio=0))
    _, pcm = post(server, "/v1/speech", {"text": SENTENCE, "sample_rate": rate})
    loud_mp3, loud_pcm = mean_square(samples(decoded)), mean_square(samples(pcm))
    assert 0.5 < loud_mp3 / loud_pcm < 2, (loud_mp3, loud_pcm)


def test_mp3_streamed_and_over_events(server):
    body = {"text": SENTENCE, "encoding": "mp3", "stream": True}
    status, streamed = post(server, "/v1/speech", body)
    assert status == 200 and mp3_frames(streamed)[0][:2] == (24000, 64000)   # bit_rate defaults to 64000
    req = urllib.request.Request(server.base + "/v1/speech/events", method="POST",
                                 data=json.dumps({"text": SENTENCE, "encoding": "mp3"}).encode(),
                                 headers={"Authorization": KEY, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        raw = resp.read().decode()
    events = [(dict(line.split(": ", 1) for line in b.split("\n"))) for b in raw.strip().split("\n\n")]
    assert events[-1]["event"] == "done"
    audio = b"".join(base64.b64decode(json.loads(e["data"])["audio"]) for e in events if e["event"] == "audio")
    assert sum(f[3] for f in mp3_frames(audio)) / 24000 >= json.loads(events[-1]["data"])["audio_duration_ms"] / 1000


def test_mp3_over_a_session_each_request_is_whole(server):
    with ws(server, "encoding=mp3&sample_rate=16000") as conn:
        assert json.loads(conn.recv(timeout=5))["type"] == "Begin"
        for text in ("Hello world.", "Second one."):
            conn.send(json.dumps({"type": "Generate", "text": text}))
            conn.send(json.dumps({"type": "Flush"}))
            got = frames_until(conn, "FlushDone")
            audio = b"".join(base64.b64decode(f["audio"]) for f in got if f["type"] == "Audio")
            frames = mp3_frames(audio)
            assert {f[:3] for f in frames} == {(16000, 64000, 3)}
            assert sum(f[3] for f in frames) / 16 >= got[-1]["audio_duration_ms"]
        conn.send(json.dumps({"type": "Terminate"}))
        frames_until(conn, "Termination")


@pytest.mark.parametrize("body,status,code,param", [
    ({"text": ""}, 422, "invalid_parameter", "text"),
    ({"text": "a" * 5001}, 422, "invalid_parameter", "text"),
    ({}, 422, "invalid_parameter", "text"),
    ({"text": "hi", "voice_id": "aai-nobody"}, 422, "voice_not_found", "voice_id"),
    ({"text": "hi", "voice": "aai-jane"}, 422, "invalid_parameter", "voice"),
    ({"text": "hi", "sample_rate": 12345}, 422, "invalid_parameter", "sample_rate"),
    ({"text": "hi", "encoding": "flac"}, 422, "invalid_parameter", "encoding"),
    ({"text": "hi", "encoding": "mp3", "container": "wav"}, 422, "invalid_parameter", "container"),
    ({"text": "hi", "encoding": "mp3", "sample_rate": 8000, "bit_rate": 128000}, 422, "invalid_parameter", "bit_rate"),
    ({"text": "hi", "bit_rate": 64000}, 422, "invalid_parameter", "bit_rate"),
    ({"text": "hi", "language": "klingon"}, 422, "invalid_parameter", "language"),
    ({"text": "hi", "model_id": "other"}, 422, "invalid_parameter", "model_id"),
])
def test_refusals_use_the_tts_envelope(server, body, status, code, param):
    got, payload = post(server, "/v1/speech", body)
    assert got == status
    assert payload["code"] == code and payload["param"] == param
    assert payload["message"] and payload["request_id"] and payload["retryable"] is False
    assert payload["errors"][0]["code"] == code


def test_auth_and_cloned_voice(server, start_server):
    keyed = start_server("--api-key", KEY)
    status, payload = post(keyed, "/v1/speech", {"text": "hi"}, key="wrong")
    assert status == 401 and payload["code"] == "unauthorized"
    status, payload = post(keyed, "/v1/speech", {"text": "hi"}, key=None)
    assert status == 401
    status, audio = post(server, "/v1/speech", {"text": "Cloned.", "voice_id": "01a0da61-138c-77c7-ab98-421431ed74e8",
                                                 "extend_biometric_consent": True})
    assert status == 200 and len(audio) > 1000


def test_faults_apply(server):
    server.ok("POST", "/_local/faults", {"method": "POST", "path": "/v1/speech", "kind": "status", "status": 429,
                                        "retry_after": 2}, key=None)
    status, payload = post(server, "/v1/speech", {"text": "hi"})
    assert status == 429 and payload["code"] == "rate_limited" and payload["retryable"] is True
    assert payload["retry_after_seconds"] == 2
    server.request("DELETE", "/_local/faults", key=None)


def test_concurrent_requests_all_complete(server):
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: post(server, "/v1/speech", {"text": f"Request number {i}."}), range(6)))
    assert all(status == 200 and len(audio) > 10000 for status, audio in results)


# ---- the WebSocket session (/v1/ws) ------------------------------------------------------------

websockets = pytest.importorskip("websockets")
from websockets.sync.client import connect  # noqa: E402


def ws(server, query="", key=KEY):
    url = server.base.replace("http://", "ws://") + "/v1/ws" + (("?" + query) if query else "")
    return connect(url, additional_headers={"Authorization": key} if key else {}, open_timeout=5)


def frames_until(conn, kind, limit=500):
    out = []
    for _ in range(limit):
        f = json.loads(conn.recv(timeout=10))
        out.append(f)
        if f["type"] == kind:
            return out
    raise AssertionError(f"no {kind} in {[f['type'] for f in out]}")


def test_session_frames_in_order(server):
    with ws(server, "voice_id=aai-alba&word_boundaries=true&sample_rate=16000") as conn:
        begin = json.loads(conn.recv(timeout=5))
        assert begin["type"] == "Begin" and begin["id"] and begin["expires_at"] > time.time()
        assert begin["configuration"]["limits"]["max_generate_text_length"] == 2000
        assert begin["configuration"]["voice_id"] == "aai-alba"
        conn.send(json.dumps({"type": "Generate", "text": "Hello "}))
        conn.send(json.dumps({"type": "Generate", "text": "world."}))
        conn.send(json.dumps({"type": "Flush"}))
        conn.send(json.dumps({"type": "Generate", "text": "Second one."}))
        conn.send(json.dumps({"type": "Flush"}))
        first = frames_until(conn, "FlushDone")
        audio = b"".join(base64.b64decode(f["audio"]) for f in first if f["type"] == "Audio")
        assert {f["flush_id"] for f in first} == {0} and first[-1]["flush_id"] == 0
        assert abs(len(audio) / 32 - first[-1]["audio_duration_ms"]) <= 1
        assert mean_square(samples(audio)) > 300 ** 2
        wb = json.loads(conn.recv(timeout=5))
        assert wb["type"] == "WordBoundaries" and [w["word"] for w in wb["words"]] == ["Hello", "world."]
        second = frames_until(conn, "FlushDone")
        assert second[-1]["flush_id"] == 1
        wb2 = json.loads(conn.recv(timeout=5))
        assert wb2["audio_start_ms"] == first[-1]["audio_duration_ms"]
        assert wb2["words"][0]["start"] >= wb2["audio_start_ms"]
        conn.send(json.dumps({"type": "Terminate"}))
        term = frames_until(conn, "Termination")[-1]
        assert term["total_input_char_length"] == len("Hello world.Second one.")
        assert term["audio_duration_seconds"] > 1


def test_session_cancel(server):
    with ws(server) as conn:
        json.loads(conn.recv(timeout=5))
        conn.send(json.dumps({"type": "Generate", "text": " ".join([SENTENCE] * 3)}))
        conn.send(json.dumps({"type": "Flush"}))
        f = json.loads(conn.recv(timeout=10))
        assert f["type"] == "Audio"
        conn.send(json.dumps({"type": "Cancel"}))
        got = frames_until(conn, "Cancelled")
        assert all(x["type"] == "Audio" for x in got[:-1])
        assert got[-1]["audio_duration_seconds"] < 15
        conn.send(json.dumps({"type": "Generate", "text": "After."}))
        conn.send(json.dumps({"type": "Flush"}))
        done = frames_until(conn, "FlushDone")[-1]
        assert done["flush_id"] == 2  # flush 0, cancel 1, flush 2


@pytest.mark.parametrize("query,code,kind", [
    ("voice_id=aai-nobody", 3004, "voice_not_found"),
    ("sample_rate=123", 3007, "invalid_parameter"),
    ("container=wav", 3007, "invalid_parameter"),
    ("inactivity_timeout=1", 3007, "invalid_parameter"),
])
def test_session_refusals(server, query, code, kind):
    with ws(server, query) as conn:
        err = json.loads(conn.recv(timeout=5))
        assert err["type"] == "Error" and err["error_type"] == kind and err["error_code"] == code
        with pytest.raises(websockets.exceptions.ConnectionClosed) as info:
            conn.recv(timeout=5)
        assert info.value.rcvd.code == code


def test_session_auth(server, start_server):
    keyed = start_server("--api-key", KEY)
    with ws(keyed, key="wrong") as conn:
        err = json.loads(conn.recv(timeout=5))
        assert err["error_code"] == 1008
    with ws(server, "token=anything", key=None) as conn:
        assert json.loads(conn.recv(timeout=5))["type"] == "Begin"


def test_session_ws_fault(server):
    server.ok("POST", "/_local/faults", {"path": "/v1/ws", "kind": "ws_close", "close_code": 1011,
                                        "reason": "boom", "after_messages": 2}, key=None)
    try:
        with ws(server) as conn:
            json.loads(conn.recv(timeout=5))
            conn.send(json.dumps({"type": "Generate", "text": SENTENCE}))
            conn.send(json.dumps({"type": "Flush"}))
            assert json.loads(conn.recv(timeout=10))["type"] == "Audio"
            with pytest.raises(websockets.exceptions.ConnectionClosed) as info:
                conn.recv(timeout=5)
            assert info.value.rcvd.code == 1011
    finally:
        server.request("DELETE", "/_local/faults", key=None)
