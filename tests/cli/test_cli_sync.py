"""aai sync and aai dictate against the local server."""

import pytest

from cli_harness import make_wav, run, run_pty

TEXT = "Book a flight to Denver."


def env_for(server):
    env = server.env()
    env["ASSEMBLYAI_SYNC_BASE_URL"] = server.base
    env["ASSEMBLYAI_DICTATION_BASE_URL"] = server.base + "/dictation"
    return env


def test_sync_prints_text_words_json(server, tmp_path):
    wav = make_wav(tmp_path / "call.wav", TEXT)
    r = run(["sync", str(wav)], env_for(server))
    assert (r.returncode, r.stdout, r.stderr) == (0, TEXT + "\n", "")
    r = run(["sync", str(wav), "--timestamps", "--words"], env_for(server))
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert len(lines) == 5 and lines[0].startswith("0\t") and lines[0].endswith("\tBook")
    r = run(["sync", str(wav), "--json"], env_for(server))
    assert '"session_id"' in r.stdout
    r = run(["sync", "--sync-url", server.base, str(wav)], server.env())
    assert r.stdout == TEXT + "\n"


def test_sync_refuses_bad_audio_before_sending(server, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not audio")
    r = run(["sync", str(text)], env_for(server))
    assert r.returncode == 2 and "unsupported audio format" in r.stderr
    long = make_wav(tmp_path / "long.wav", "x", seconds=121)
    r = run(["sync", str(long)], env_for(server))
    assert r.returncode == 2 and "120 s" in r.stderr
    r = run(["sync", str(tmp_path / "missing.wav")], env_for(server))
    assert r.returncode == 6
    r = run(["sync"], env_for(server))
    assert r.returncode == 2


def test_sync_api_errors(start_server, tmp_path):
    srv = start_server()
    wav = make_wav(tmp_path / "call.wav", TEXT)
    srv.ok("POST", "/_local/faults", {"path": "/v1/transcribe/live", "kind": "status", "status": 429,
                                      "retry_after": 3}, key=None)
    r = run(["sync", str(wav)], env_for(srv))
    assert r.returncode == 5
    assert "429" in r.stderr and "error_code too_many_requests" in r.stderr and "retry after 3 s" in r.stderr
    r = run(["sync", str(wav)], {**env_for(srv), "ASSEMBLYAI_API_KEY": "wrong"})
    assert r.returncode == 3


def test_dictate(server, tmp_path):
    wav = make_wav(tmp_path / "note.wav", TEXT)
    r = run(["dictate", str(wav)], env_for(server))
    assert (r.returncode, r.stdout) == (0, TEXT + "\n")
    r = run(["dictate", str(wav), "--instruction", "uppercase please"], env_for(server))
    assert r.stdout == TEXT.upper() + "\n"
    r = run(["dictate", str(wav), "--rewrite-mode", "slow", "--instruction", "x"], env_for(server))
    assert r.returncode == 2


@pytest.mark.parametrize("command", ["sync", "dictate"])
def test_help(command):
    r = run([command, "--help"], {})
    assert r.returncode == 0 and r.stdout.startswith(f"usage: aai {command}") and "Exit status" in r.stdout


def test_spinner_on_a_terminal(server, tmp_path):
    wav = make_wav(tmp_path / "call.wav", TEXT)
    status, out = run_pty(["sync", str(wav)], env_for(server))
    assert status == 0 and TEXT in out
