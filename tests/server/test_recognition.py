"""Real speech recognition in the local server (docs/local-server.md, "Speech recognition").

Recordings: the LibriVox sentences of Debian's pocketsphinx-testdata (read English, public
domain, with reference transcripts), installed by scripts/deps. These tests need the recogniser
(scripts/deps installs it) and fail, not skip, without it.

Quick by default (CI); AAI_ASR_FULL=1 adds every recording and format.
"""

import io
import json
import os
import pathlib
import re
import signal
import threading
import time
import urllib.request
import wave

import pytest

from server_harness import KEY, Server, make_wav

DATA = pathlib.Path("/usr/share/pocketsphinx/test/data/librivox")
FULL = os.environ.get("AAI_ASR_FULL") == "1"


def references():
    refs = {}
    for line in (DATA / "transcription").read_text().splitlines():
        m = re.match(r"<s>(.*)</s>\s*\((.*)\)", line.strip())
        if m:
            refs[m.group(2)] = m.group(1).split()
    return refs


NUMBERS = {"mr": "mister", "mrs": "missus", "dr": "doctor"}


def normalise(text):
    words = []
    for w in re.sub(r"[-–—]", " ", text.lower()).split():
        w = re.sub(r"[^\w']", "", w)
        if w:
            words.append(NUMBERS.get(w, w))
    return words


def wer(ref, hyp):
    """Word error rate: (substitutions + deletions + insertions) / len(ref), by edit distance."""
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
            prev, d[j] = d[j], cur
    return d[len(hyp)] / max(1, len(ref))


REFS = references() if DATA.exists() else {}
SHORT = "sense_and_sensibility_01_austen_64kb-0880"   # "he was not an ill disposed young man", 3 s
LONG = "sense_and_sensibility_01_austen_64kb-0870"    # 7.1 s


def pcm(name):
    with wave.open(str(DATA / f"{name}.wav")) as w:
        return w.readframes(w.getnframes())


def wav_bytes(frames, rate=16000, channels=1, width=2):
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


@pytest.fixture(scope="module")
def asr():
    assert DATA.exists(), "pocketsphinx-testdata is not installed (scripts/deps installs it)"
    s = Server("--queued-ms", "0", "--processing-ms", "0", "--recognizer-preload")
    state = s.ok("POST", "/_local/recognizer/start", key=None)
    assert state["ready"], f"the speech recogniser is not available: {state}"
    yield s
    s.stop()


def transcribe(s, data, timeout=60, **params):
    t = s.submit(s.upload(data), **params)
    return s.wait(t["id"], timeout=timeout)


def test_read_speech_is_recognised_with_words_and_timestamps(asr):
    t = transcribe(asr, (DATA / f"{LONG}.wav").read_bytes())
    assert t["status"] == "completed", t.get("error")
    assert wer(REFS[LONG], normalise(t["text"])) <= 0.15, t["text"]
    words = t["words"]
    assert len(words) >= 15
    starts = [w["start"] for w in words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(0 <= w["start"] <= w["end"] <= 7200 for w in words)
    assert all(0 < w["confidence"] <= 1 for w in words)
    assert t["text"][0].isupper() and t["text"].endswith(".")   # punctuation and casing from the engine
    assert t["audio_duration"] == 7
    assert 0 < t["confidence"] <= 1
    # Exports follow from the real words.
    found = asr.ok("GET", f"/v2/transcript/{t['id']}/word-search?words=Dashwood")
    assert found["matches"][0]["count"] == 1
    sentences = asr.ok("GET", f"/v2/transcript/{t['id']}/sentences")["sentences"]
    assert len(sentences) == 1 and sentences[0]["start"] == words[0]["start"]
    status, srt = asr.request("GET", f"/v2/transcript/{t['id']}/srt")
    assert status == 200 and srt.decode().startswith("1\n00:00:00,")


def test_punctuate_and_format_text_false(asr):
    t = transcribe(asr, (DATA / f"{SHORT}.wav").read_bytes(), punctuate=False, format_text=False)
    assert t["status"] == "completed"
    assert t["text"] == t["text"].lower() and not re.search(r"[.,?!]", t["text"])
    assert wer(REFS[SHORT], normalise(t["text"])) <= 0.3, t["text"]


def test_formats_rates_and_channels(asr):
    av = pytest.importorskip("av")
    import numpy as np
    mono = np.frombuffer(pcm(SHORT), dtype="<i2")

    def encode(fmt, codec, rate, layout):
        out = io.BytesIO()
        with av.open(out, "w", format=fmt) as c:
            st = c.add_stream(codec, rate=rate)
            st.layout = layout
            frame = av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = 16000
            rs = av.AudioResampler(format=st.format.name, layout=layout, rate=rate)
            for f in rs.resample(frame) + rs.resample(None):
                for p in st.encode(f):
                    c.mux(p)
            for p in st.encode(None):
                c.mux(p)
        return out.getvalue()

    stereo44 = np.repeat(np.interp(np.arange(0, len(mono), 16000 / 44100), np.arange(len(mono)), mono).astype("<i2"), 2)
    cases = {"wav 44.1 kHz stereo": wav_bytes(stereo44.tobytes(), rate=44100, channels=2),
             "flac": encode("flac", "flac", 16000, "mono"),
             "mp3": encode("mp3", "libmp3lame", 44100, "stereo")}
    if FULL:
        cases["ogg opus"] = encode("ogg", "libopus", 48000, "mono")
        cases["m4a aac"] = encode("ipod", "aac", 22050, "stereo")
        cases["wav 8 kHz u8"] = wav_bytes(((mono[::2].astype(np.int32) >> 8) + 128).astype(np.uint8).tobytes(), rate=8000, width=1)
    for name, data in cases.items():
        t = transcribe(asr, data)
        assert t["status"] == "completed", (name, t.get("error"))
        assert wer(REFS[SHORT], normalise(t["text"])) <= 0.3, (name, t["text"])


def test_not_audio_and_comment_wavs_keep_their_rules(asr, tmp_path):
    t = transcribe(asr, b"just some text, not audio\n")
    assert t["status"] == "error"
    assert t["error"] == "Transcoding failed. File does not appear to contain audio. File type is text/plain (ASCII text)."
    t = transcribe(asr, make_wav(tmp_path, "Hello there, general Kenobi.", "--seconds", "2"))
    assert t["text"] == "Hello there, general Kenobi."   # a WAV comment still wins in auto mode


@pytest.mark.skipif(not FULL, reason="AAI_ASR_FULL=1: every LibriVox sentence")
def test_every_librivox_sentence_under_12_percent(asr):
    ref_words = hyp_errors = 0
    for name, ref in REFS.items():
        t = transcribe(asr, (DATA / f"{name}.wav").read_bytes())
        hyp_errors += wer(ref, normalise(t["text"])) * len(ref)
        ref_words += len(ref)
    assert hyp_errors / ref_words <= 0.12


# ---------------------------------------------------------------- streaming

def stream(s, path, audio, rate=16000, chunk_ms=100, terminate=None):
    """Streams `audio` (PCM16 mono) at real-time pace; returns the messages received, with
    the time (s since the first audio) each arrived."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect
    url = s.base.replace("http", "ws") + path
    got = []
    box = []
    try:
        with connect(url, additional_headers={"Authorization": KEY}, max_size=None) as ws:
            box.append(ws)
            got.append((0.0, json.loads(ws.recv(timeout=10))))
            t0 = time.monotonic()
            done = threading.Event()

            def reader():
                try:
                    while True:
                        m = json.loads(ws.recv(timeout=60))
                        got.append((time.monotonic() - t0, m))
                except Exception:
                    done.set()

            threading.Thread(target=reader, daemon=True).start()
            step = rate * 2 * chunk_ms // 1000
            for i in range(0, len(audio), step):
                ws.send(audio[i:i + step])
                time.sleep(max(0, (i + step) / (rate * 2) - (time.monotonic() - t0)))
            ws.send(json.dumps(terminate or {"type": "Terminate"}))
            done.wait(60)
    except ConnectionClosed:
        pass   # the server closed the session first; its close code is checked by the caller
    ws = box[0]
    return got, (ws.close_code, ws.close_reason)


def speech_then_silence(name, silence_s=1.5):
    return pcm(name) + b"\0\0" * int(16000 * silence_s)


def test_v3_partials_then_a_formatted_turn(asr):
    got, close = stream(asr, "/v3/ws?sample_rate=16000&format_turns=true", speech_then_silence(SHORT))
    turns = [m for _, m in got if m.get("type") == "Turn"]
    partial = [m for m in turns if not m["end_of_turn"]]
    final = [m for m in turns if m["end_of_turn"] and not m["turn_is_formatted"]]
    formatted = [m for m in turns if m["turn_is_formatted"]]
    assert partial, turns
    assert final and formatted, turns
    assert turns.index(partial[0]) < turns.index(final[0])
    assert wer(REFS[SHORT], normalise(final[0]["transcript"])) <= 0.3, final[0]
    assert formatted[0]["transcript"][0].isupper() and formatted[0]["transcript"].endswith(".")
    starts = [w["start"] for w in final[0]["words"]]
    assert starts == sorted(starts) and starts[0] < 500
    assert got[-1][1]["type"] == "Termination" and close[0] == 1000


def test_v2_partial_then_final(asr):
    got, close = stream(asr, "/v2/realtime/ws?sample_rate=16000", speech_then_silence(SHORT),
                        terminate={"terminate_session": True})
    kinds = [m["message_type"] for _, m in got]
    assert kinds[0] == "SessionBegins" and "PartialTranscript" in kinds and "FinalTranscript" in kinds
    assert kinds.index("PartialTranscript") < kinds.index("FinalTranscript")
    final = next(m for _, m in got if m["message_type"] == "FinalTranscript" and m["text"])
    assert wer(REFS[SHORT], normalise(final["text"])) <= 0.3, final
    assert kinds[-1] == "SessionTerminated" and close[0] == 1000


def test_streams_with_embedded_text_keep_the_deterministic_rules(asr, tmp_path):
    import subprocess
    import sys
    out = tmp_path / "e.wav"
    subprocess.run([sys.executable, str(pathlib.Path(__file__).parents[2] / "scripts/make-stream-wav"), str(out),
                    "--text", "Hello world."], check=True)
    with wave.open(str(out)) as w:
        audio = w.readframes(w.getnframes())
    got, _ = stream(asr, "/v3/ws?sample_rate=16000", audio, chunk_ms=100)
    finals = [m["transcript"] for _, m in got if m.get("type") == "Turn" and m["end_of_turn"]]
    assert finals == ["hello world"]


# ---------------------------------------------------------------- faults

def long_audio(seconds=60):
    one = b"".join(pcm(n) + b"\0\0" * 8000 for n in REFS)
    return wav_bytes(one * (int(seconds * 32000) // len(one) + 1))


def wait_for(pred, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_a_killed_recogniser_fails_its_transcript_and_is_restarted(start_server):
    s = start_server("--queued-ms", "0", "--processing-ms", "0", "--recognizer-preload")
    first = s.ok("POST", "/_local/recognizer/start", key=None)
    assert first["ready"]
    t = s.submit(s.upload(long_audio(90)))
    wait_for(lambda: s.ok("GET", "/_local/recognizer", key=None)["outstanding"] == 1)
    time.sleep(0.5)
    os.kill(first["pid"], signal.SIGKILL)
    t = s.wait(t["id"], timeout=30)
    assert t["status"] == "error"
    assert t["error"] == "Speech recognition failed: the recogniser process was killed by signal 9"
    state = wait_for(lambda: (st := s.ok("POST", "/_local/recognizer/start", key=None))["ready"] and st)
    assert state["restarts"] == 1 and state["pid"] != first["pid"]
    t = transcribe(s, (DATA / f"{SHORT}.wav").read_bytes())
    assert t["status"] == "completed" and "young man" in t["text"]


def test_a_stalled_recogniser_is_killed_and_restarted(start_server):
    s = start_server("--queued-ms", "0", "--processing-ms", "0", "--recognizer-preload", "--recognizer-stall-ms", "1500")
    first = s.ok("POST", "/_local/recognizer/start", key=None)
    t = s.submit(s.upload((DATA / f"{SHORT}.wav").read_bytes()))
    os.kill(first["pid"], signal.SIGSTOP)
    t = s.wait(t["id"], timeout=30)
    assert t["status"] == "error"
    assert re.fullmatch(r"Speech recognition failed: the recogniser stopped responding for \d+ s and was restarted", t["error"]), t["error"]
    state = wait_for(lambda: (st := s.ok("POST", "/_local/recognizer/start", key=None))["ready"] and st)
    assert state["restarts"] == 1


def test_a_recogniser_killed_mid_stream_closes_the_session_with_1011(start_server):
    s = start_server("--recognizer-preload")
    first = s.ok("POST", "/_local/recognizer/start", key=None)
    threading.Timer(1.5, lambda: os.kill(first["pid"], signal.SIGKILL)).start()
    got, close = stream(s, "/v3/ws?sample_rate=16000", speech_then_silence(LONG, 2))
    assert close[0] == 1011
    assert close[1] == "Internal error: Speech recognition failed: the recogniser process was killed by signal 9"


def test_beyond_capacity_transcripts_get_429_with_retry_after(start_server):
    s = start_server("--queued-ms", "0", "--processing-ms", "0", "--recognizer-jobs", "1", "--recognizer-queue", "1")
    url = s.upload(long_audio(20))
    a = s.submit(url)
    b = s.submit(url)
    req = urllib.request.Request(s.base + "/v2/transcript", data=json.dumps({"audio_url": url}).encode(),
                                 headers={"Authorization": KEY, "Content-Type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 429
    assert int(e.value.headers["Retry-After"]) >= 1
    assert json.loads(e.value.read())["error"] == "Too many transcripts are being recognised at once; retry later"
    for t in (a, b):
        assert s.wait(t["id"], timeout=120)["status"] == "completed"
    assert s.submit(url)["status"] in ("queued", "processing")   # room again


def test_local_recognize_route_is_the_bytes_entry_point(asr):
    status, body = asr.request("POST", "/_local/recognize", raw=(DATA / f"{SHORT}.wav").read_bytes(), key=None)
    assert status == 200
    assert body["duration_ms"] == 2990 and wer(REFS[SHORT], normalise(body["text"])) <= 0.3
    assert [w["start"] for w in body["words"]] == sorted(w["start"] for w in body["words"])
    status, body = asr.request("POST", "/_local/recognize", raw=b"<html>not audio</html>", key=None)
    assert status == 400
    assert body["error"] == "Transcoding failed. File does not appear to contain audio. File type is text/html (HTML document, ASCII text)."


def test_streams_beyond_capacity_are_refused_with_a_close_code(start_server):
    s = start_server("--recognizer-streams", "0")
    got, close = stream(s, "/v3/ws?sample_rate=16000", pcm(SHORT)[:32000])
    assert close == (1013, "Try again later: speech recognition is at capacity")
    got, close = stream(s, "/v2/realtime/ws?sample_rate=16000", pcm(SHORT)[:32000], terminate={"terminate_session": True})
    assert close == (4102, "Too many concurrent sessions: speech recognition is at capacity")


def test_sync_and_dictation_recognise_speech(asr):
    """The Sync and Dictation routes choose as the pre-recorded path does: real speech (no
    comment) goes to the recogniser."""
    from test_audio_requests import body, post
    wav = (DATA / f"{LONG}.wav").read_bytes()
    status, answer, _ = post(asr, "/v1/transcribe", body({"timestamps": True}, wav))
    assert status == 200, answer
    assert wer(REFS[LONG], normalise(answer["text"])) <= 0.15, answer["text"]
    starts = [w["start"] for w in answer["words"]]
    assert starts and starts == sorted(starts) and all(0 <= s <= 7200 for s in starts)
    status, answer, _ = post(asr, "/dictation/v1/transcribe/live", body({}, wav), chunked=True)
    assert status == 200, answer
    assert wer(REFS[LONG], normalise(answer["text"])) <= 0.15, answer["text"]


def test_a_recogniser_stalled_mid_stream_closes_the_session_with_1011_and_recovers(start_server):
    s = start_server("--recognizer-preload", "--recognizer-stall-ms", "1500")
    first = s.ok("POST", "/_local/recognizer/start", key=None)
    threading.Timer(1.5, lambda: os.kill(first["pid"], signal.SIGSTOP)).start()
    got, close = stream(s, "/v3/ws?sample_rate=16000", speech_then_silence(LONG, 3))
    assert close[0] == 1011, close
    assert re.fullmatch(r"Internal error: Speech recognition failed: the recogniser stopped responding for \d+ s and was restarted",
                        close[1]), close
    state = wait_for(lambda: (st := s.ok("POST", "/_local/recognizer/start", key=None))["ready"] and st)
    assert state["restarts"] == 1 and state["pid"] != first["pid"]
    # The server stayed up, and the new worker recognises the next session.
    got, close = stream(s, "/v3/ws?sample_rate=16000", speech_then_silence(SHORT))
    finals = [m["transcript"] for _, m in got if m.get("type") == "Turn" and m["end_of_turn"]]
    assert close[0] == 1000 and any("young man" in f for f in finals), finals


# ---------------------------------------------------------------- long recordings

def vm_hwm_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM")


def long_recording(path, seconds, every_s):
    """A WAV of about `seconds`: silence, with the SHORT sentence ("he was not an ill disposed
    young man") starting at every_s/2, then every every_s. Returns the sentence start times and
    the length (s)."""
    speech = pcm(SHORT)
    starts, t = [], 0.0
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        second = b"\0\0" * 16000
        for i in range(seconds):
            if i % every_s == every_s // 2:
                starts.append(t)
                w.writeframes(speech)
                t += len(speech) / 32000
            else:
                w.writeframes(second)
                t += 1
    return starts, t


def upload_file(s, path):
    with open(path, "rb") as f:
        req = urllib.request.Request(s.base + "/v2/upload", data=f, method="POST",
                                     headers={"Authorization": KEY, "Content-Length": str(os.path.getsize(path))})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())["upload_url"]


def recognise_long(start_server, tmp_path, seconds, every_s, env=None, timeout=120):
    path = tmp_path / "long.wav"
    starts, length = long_recording(path, seconds, every_s)
    s = start_server("--queued-ms", "0", "--processing-ms", "0", "--recognizer-preload", env=env)
    state = s.ok("POST", "/_local/recognizer/start", key=None)
    assert state["ready"], state
    before = vm_hwm_mib(state["pid"])
    t = s.submit(upload_file(s, path))
    t = s.wait(t["id"], timeout=timeout)
    assert t["status"] == "completed", t.get("error")
    assert abs(t["audio_duration"] - length) <= 1, (t["audio_duration"], length)
    grew = vm_hwm_mib(state["pid"]) - before
    # Every sentence is found, at its own time (pieces are recognised with their offsets).
    found = [w["start"] / 1000 for w in t["words"] if w["text"].lower().startswith("young")]
    assert len(found) == len(starts), (found, starts)
    for at, start in zip(found, starts):
        assert start < at < start + 3, (found, starts)
    return s, t, grew


def test_a_long_recording_is_recognised_in_pieces_with_bounded_memory(start_server, tmp_path):
    """10 minutes in pieces of 60 s (CI). Recognised whole, the worker would hold the decoded
    file and run the voice-activity model over all of it at once (measured: about 270 MiB more
    for one 300 s piece, growing with the piece)."""
    s, t, grew = recognise_long(start_server, tmp_path, 600, 150, env={"AAI_RECOGNIZER_CHUNK_S": "60"})
    assert grew < 250, f"the worker's peak RSS grew by {grew} MiB"


@pytest.mark.skipif(not FULL, reason="AAI_ASR_FULL=1: a 3-hour recording (a few minutes)")
def test_a_three_hour_recording_does_not_exhaust_memory(start_server, tmp_path):
    """3 hours (the default 300 s pieces). Whole, its samples alone would be 660 MiB as float32."""
    s, t, grew = recognise_long(start_server, tmp_path, 3 * 3600, 300, timeout=900)
    assert grew < 400, f"the worker's peak RSS grew by {grew} MiB"
    assert vm_hwm_mib(s.proc.pid) < 150   # the upload streamed to disk, not into the server


def test_text_to_speech_mp3_is_recognised_back(asr):
    """The MP3 the TTS route encodes (LAME) is speech the recogniser hears (PyAV decodes it)."""
    status, mp3 = asr.request("POST", "/v1/speech", {"text": "The quick brown fox jumps over the lazy dog.",
                                                     "encoding": "mp3", "sample_rate": 22050}, key=KEY)
    assert status == 200 and mp3[:2] == b"\xff\xf3", mp3[:4]   # an MPEG-2 Layer III frame
    t = transcribe(asr, mp3)
    assert t["status"] == "completed", t.get("error")
    assert wer("the quick brown fox jumps over the lazy dog".split(), normalise(t["text"])) <= 0.25, t["text"]


def test_beyond_capacity_sync_dictation_and_local_recognize_get_429_with_retry_after(start_server):
    """The body-audio routes share the recogniser's places with transcripts: with the one place
    taken (and no queue), each answers 429 with Retry-After, and recognises again once it is free."""
    from test_audio_requests import body, post
    s = start_server("--queued-ms", "0", "--processing-ms", "0", "--recognizer-jobs", "1", "--recognizer-queue", "0",
                     "--recognizer-preload")
    assert s.ok("POST", "/_local/recognizer/start", key=None)["ready"]
    held = s.submit(s.upload(long_audio(120)))
    wait_for(lambda: s.ok("GET", "/_local/recognizer", key=None)["outstanding"] == 1)
    wav = (DATA / f"{SHORT}.wav").read_bytes()
    for path, chunked in (("/v1/transcribe", False), ("/dictation/v1/transcribe/live", True)):
        status, answer, headers = post(s, path, body({}, wav), chunked=chunked)
        assert status == 429, (path, status, answer)
        assert int(headers["Retry-After"]) >= 1 and answer["title"] == "Too Many Requests", (path, answer)
    req = urllib.request.Request(s.base + "/_local/recognize", data=wav, method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert e.value.code == 429 and int(e.value.headers["Retry-After"]) >= 1
    assert s.wait(held["id"], timeout=120)["status"] == "completed"
    status, answer, _ = post(s, "/v1/transcribe", body({}, wav))
    assert status == 200 and "young man" in answer["text"], answer
