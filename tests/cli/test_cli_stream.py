"""aai stream against the local server's streaming endpoints: a WAV file (v3 and v2) and the
microphone (ALSA, fed from a file through ALSA's "file" plugin, so no sound hardware is needed).

The text rides in the audio's samples (scripts/make-stream-wav), and the server transcribes
it. A server built without streaming endpoints refuses the WebSocket upgrade with HTTP 404, and
an aai built from a header without the streaming section says "not implemented in this build":
those tests are skipped then, saying so."""

import json
import os
import subprocess
import sys

import pytest

from cli_harness import ROOT, run

MAKE_STREAM_WAV = ROOT / "scripts/make-stream-wav"
TEXT = "Hello world. How are you today?"


def stream_wav(path, *args):
    subprocess.run([sys.executable, str(MAKE_STREAM_WAV), str(path), "--text", TEXT, *args], check=True)
    return path


def skip_without_streaming(r):
    if r.returncode == 5 and "not implemented in this build" in r.stderr:
        pytest.skip("aai was built from a header without the streaming section")
    if r.returncode == 5 and "HTTP 404" in r.stderr:
        pytest.skip("this assemblyai-server has no streaming endpoints: " + r.stderr.strip())


def words(text):
    return "".join(c for c in text.lower() if c.isalnum() or c.isspace()).split()


@pytest.mark.parametrize("protocol", [[], ["--v2"]], ids=["v3", "v2"])
def test_stream_file_prints_the_transcript(server, tmp_path, protocol):
    wav = stream_wav(tmp_path / "speech.wav")
    r = run(["stream", str(wav), "--fast", *protocol], server.env(), timeout=120)
    skip_without_streaming(r)
    assert r.returncode == 0, r.stderr
    assert words(r.stdout) == words(TEXT), r.stdout
    assert r.stderr == ""


def test_stream_json_prints_the_servers_messages(server, tmp_path):
    wav = stream_wav(tmp_path / "speech.wav")
    r = run(["stream", str(wav), "--fast", "--json"], server.env(), timeout=120)
    skip_without_streaming(r)
    assert r.returncode == 0, r.stderr
    types = [json.loads(line).get("type") for line in r.stdout.splitlines()]
    assert types[0] == "Begin" and "Turn" in types and types[-1] == "Termination", types


def test_stream_wrong_key_exits_3(server, tmp_path):
    wav = stream_wav(tmp_path / "speech.wav")
    r = run(["stream", str(wav), "--fast"], server.env(key="wrong-key"), timeout=60)
    skip_without_streaming(r)
    assert r.returncode == 3, r.stderr


def test_stream_not_a_wav_exits_2(server, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio\n")
    r = run(["stream", str(notes), "--fast"], server.env(), timeout=60)
    skip_without_streaming(r)
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""


def test_stream_microphone(server, tmp_path):
    raw = stream_wav(tmp_path / "mic.raw", "--raw")
    conf = tmp_path / "asound.conf"
    conf.write_text(
        'pcm.nullcap { type null }\n'
        f'pcm.filein {{ type file; slave.pcm "nullcap"; file "/dev/null"; infile "{raw}"; format "raw" }}\n'
        'pcm.aaimic { type plug; slave { pcm "filein"; format S16_LE; rate 16000; channels 1 } }\n')
    seconds = int(os.path.getsize(raw) / 32000) + 1
    env = {**server.env(), "ALSA_CONFIG_PATH": str(conf)}
    r = run(["stream", "--mic", "--device", "aaimic", "--seconds", str(seconds)], env, timeout=120)
    skip_without_streaming(r)
    assert r.returncode == 0, r.stderr
    assert words(TEXT)[:2] == words(r.stdout)[:2], r.stdout


def test_stream_prints_llm_gateway_answers(server, tmp_path):
    """v3 with llm_gateway: after each turn, the model's answer as "[llm turn N] TEXT"."""
    wav = stream_wav(tmp_path / "speech.wav")
    gateway = json.dumps({"model": "claude-sonnet-4-5-20250929", "messages": [{"role": "user", "content": "Echo"}],
                          "max_tokens": 100})
    r = run(["stream", str(wav), "--fast", "--set", "llm_gateway=" + gateway, "--format-turns"], server.env(), timeout=120)
    skip_without_streaming(r)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines == ["Hello world.", "[llm turn 0] Hello world.", "How are you today?", "[llm turn 1] How are you today?"], lines


def test_stream_reports_retried_connects(server, tmp_path):
    """A server that refuses the first upgrade with 503: the retry is reported, the session goes on."""
    import urllib.request

    wav = stream_wav(tmp_path / "speech.wav")
    req = urllib.request.Request(server.base + "/_local/faults", method="POST",
                                 data=json.dumps({"kind": "ws_refuse", "status": 503, "path": "/v3/ws", "count": 1}).encode())
    urllib.request.urlopen(req, timeout=10).read()
    r = run(["stream", str(wav), "--fast"], server.env(), timeout=120)
    skip_without_streaming(r)
    assert r.returncode == 0, r.stderr
    assert "connect attempt 1/3 failed" in r.stderr and "503" in r.stderr, r.stderr
    assert words(r.stdout) == words(TEXT)
