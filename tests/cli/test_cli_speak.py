"""aai speak: Text-to-Speech into a file, against the local server's espeak-ng speech."""

import subprocess
import wave

import pytest

from cli_harness import AAI, plain_env, run, run_pty


def env(server):
    e = server.env()
    e["ASSEMBLYAI_TTS_BASE_URL"] = server.base
    return e


def test_help():
    r = run(["speak", "--help"], plain_env())
    assert r.returncode == 0 and r.stdout.startswith("usage: aai speak")
    assert "Exit status" in r.stdout


def test_speak_to_a_wav_file(server, tmp_path):
    out = tmp_path / "hello.wav"
    r = run(["speak", "Hello from the command line.", "-o", str(out), "--voice", "aai-alba"], env(server))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""  # nothing but errors off a terminal
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 24000)
        assert 1.0 < w.getnframes() / 24000 < 5.0  # real sizes in the header
    assert [p.name for p in tmp_path.iterdir()] == ["hello.wav"]  # no temporary file left


def test_raw_stdout_telephony_and_words(server, tmp_path):
    r = subprocess.run([str(AAI), "speak", "One two three.", "-o", "-", "--encoding", "pcm_mulaw", "--sample-rate", "8000"],
                       env=env(server), stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    # One byte per sample at 8 kHz: about a second.
    assert 3000 < len(r.stdout) < 40000
    out = tmp_path / "w.raw"
    r = run(["speak", "One two three.", "-o", str(out), "--words"], env(server))
    assert r.returncode == 0, r.stderr
    lines = [line.split(" ", 2) for line in r.stdout.splitlines()]
    assert [w for _, _, w in lines] == ["One", "two", "three."]
    starts = [int(s) for s, _, _ in lines]
    assert starts == sorted(starts)
    assert out.stat().st_size > 24000


def test_errors_and_exit_statuses(server, tmp_path):
    out = tmp_path / "x.wav"
    assert run(["speak", "-o", str(out)], env(server)).returncode == 2            # no text
    assert run(["speak", "Hi."], env(server)).returncode == 2                     # no -o
    assert run(["speak", "Hi.", "-o", str(out), "--bogus"], env(server)).returncode == 2
    assert run(["speak", "Hi.", "-o", str(out), "--region", "mars"], env(server)).returncode == 2
    r = run(["speak", "", "-o", str(out)], env(server))
    assert r.returncode == 2 and "empty" in r.stderr
    r = run(["speak", "Hi.", "-o", str(out), "--voice", "aai-nobody"], env(server))
    assert r.returncode == 5 and "voice_not_found" in r.stderr and "422" in r.stderr
    e = env(server)
    e["ASSEMBLYAI_API_KEY"] = "wrong"
    assert run(["speak", "Hi.", "-o", str(out)], e).returncode == 3
    assert not out.exists()
    r = run(["speak", "Hi.", "-o", str(tmp_path / "missing-dir" / "x.wav")], env(server))
    assert r.returncode == 6


def test_cut_stream_leaves_no_file(server, tmp_path):
    server.ok("POST", "/_local/faults", {"method": "POST", "path": "/v1/speech", "kind": "truncate", "at_byte": 5000},
              key=None)
    out = tmp_path / "cut.wav"
    r = run(["speak", "A sentence long enough to be cut in the middle of its audio.", "-o", str(out)], env(server))
    server.request("DELETE", "/_local/faults", key=None)
    assert r.returncode == 4, r.stderr
    assert "cut" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_progress_on_a_terminal(server, tmp_path):
    out = tmp_path / "t.wav"
    status, screen = run_pty(["speak", "Hello from a terminal. " * 5, "-o", str(out)], env(server))
    assert status == 0, screen
    assert "Wrote" in screen and "s of audio" in screen
    assert out.stat().st_size > 44
