"""aai on a real terminal (a pty): the upload progress bar and the status spinner appear on
stderr when it is a terminal, and never when it is a pipe."""

import re

import pytest

from cli_harness import make_wav, run, run_pty

TEXT = "Progress display test."
ESC = "\x1b["


@pytest.fixture(scope="module")
def big_wav(tmp_path_factory):
    # 60 s of 48 kHz audio: about 5.5 MiB, so the upload reports progress several times.
    return make_wav(tmp_path_factory.mktemp("audio") / "big.wav", TEXT, seconds=60, rate=48000)


@pytest.fixture
def slow(start_server):
    # Long enough in queued and processing for the spinner to turn and show both statuses.
    return start_server("--queued-ms", "700", "--processing-ms", "700")


def test_terminal_shows_progress_bar_and_spinner(slow, big_wav):
    status, screen = run_pty(["transcribe", str(big_wav), "--poll-interval", "200"], slow.env())
    assert status == 0, screen
    # The upload bar: a bar, a percentage, bytes of the total, a rate; it ends at 100%.
    bars = re.findall(r"Uploading \[[=> ]+\]\s+(\d+)%\s+[\d.]+ (?:B|KiB|MiB) / 5\.\d MiB\s+[\d.]+ \S+/s", screen)
    assert bars and bars[-1] == "100", screen[:2000]
    assert "ETA" in screen or " in 0:0" in screen
    # The spinner, redrawn in place, with the transcript's status as the server reports it.
    assert re.search(r"[|/\\-] Transcribing: queued", screen), screen[-2000:]
    assert re.search(r"[|/\\-] Transcribing: processing", screen), screen[-2000:]
    assert "\r" in screen and ESC + "K" in screen          # redrawn in place, line erased
    assert len(set(re.findall(r"([|/\\-]) Transcribing", screen))) >= 2   # it turns
    # Then the result, on stdout (the same terminal).
    assert TEXT in screen.splitlines()[-1]


def test_pipe_gets_no_progress_display(slow, big_wav):
    r = run(["transcribe", str(big_wav), "--poll-interval", "200"], slow.env())
    assert r.returncode == 0, r.stderr
    assert r.stdout == TEXT + "\n"
    assert r.stderr == ""
    assert "\r" not in r.stdout and ESC not in r.stdout


def test_no_progress_option_on_a_terminal(slow, big_wav):
    status, screen = run_pty(["--no-progress", "transcribe", str(big_wav), "--poll-interval", "200"], slow.env())
    assert status == 0, screen
    assert "Uploading" not in screen and "Transcribing" not in screen and ESC not in screen
    assert screen.strip() == TEXT


def test_terminal_error_clears_the_line_and_keeps_the_exit_code(slow, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio\n")
    status, screen = run_pty(["transcribe", str(notes), "--poll-interval", "200"], slow.env())
    assert status == 1, screen
    assert "Transcribing:" in screen
    assert "Transcoding failed" in screen.splitlines()[-1]
