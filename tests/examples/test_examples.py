"""Every C example in examples/c, built by `make examples`, run against the local server: each
prints what its section of the official SDK's README promises, from a WAV whose words are known
(the server's rules: docs/local-server.md)."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "build", "examples")
sys.path.insert(0, os.path.join(ROOT, "tests"))
from localserver import LocalServer, pytest_outcome  # noqa: E402

TEXT = ("A: Hello, I am Mr. John Smith. Call me at 555-123-4567 about the car crash. "
        "B: Thanks John, that is great news. The Sequel database is ready in Paris. "
        "A: Good. Hello again, see you tomorrow.")
# tests/security/test_no_key_leak.sh runs the suites with a distinctive key.
KEY = os.environ.get("AAI_TEST_API_KEY") or "example-key"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with pytest_outcome("fail"):
        srv = LocalServer("--queued-ms", "20", "--processing-ms", "40", "--redacted-audio-ms", "100", api_key=KEY)
    url = srv.base_url
    wav = str(tmp_path_factory.mktemp("audio") / "call.wav")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make-test-wav"), wav, "--text", TEXT, "--seconds", "12"],
                   check=True, stdout=subprocess.DEVNULL)
    e = dict(os.environ, ASSEMBLYAI_API_KEY=KEY, ASSEMBLYAI_BASE_URL=url, ASSEMBLYAI_LLM_GATEWAY_URL=url)
    yield e, wav
    srv.stop()


def run(env, *args):
    e, _ = env
    out = subprocess.run([os.path.join(BIN, args[0]), *args[1:]], env=e, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_transcribe_with_speakers(env):
    out = run(env, "transcribe", "--speaker-labels", env[1])
    assert out.startswith("Speaker A: Hello, I am Mr. John Smith.")
    assert "\nSpeaker B: Thanks John," in out


def test_export_subtitles(env):
    out = run(env, "export_subtitles", env[1], "32")
    assert out.startswith("1\n00:00:00,000 --> ")
    assert "\nWEBVTT\n" in out
    assert all(len(line) <= 32 for line in out.splitlines() if line and not re.match(r"^\d+$|.*-->|WEBVTT", line))


def test_sentences_and_paragraphs(env):
    out = run(env, "sentences_paragraphs", env[1])
    assert "sentences: 6\n" in out
    assert "] Hello, I am Mr. John Smith.\n" in out          # "Mr." does not end a sentence
    assert re.search(r"paragraphs: [1-9]", out)


def test_word_search(env):
    out = run(env, "word_search", env[1], "hello", "john smith", "zebra")
    assert out.startswith("3 matches\n")
    assert re.search(r"^hello: 2 \[\d+-\d+ ms\] \[\d+-\d+ ms\]$", out, re.M)
    assert re.search(r"^john smith: 1 ", out, re.M)
    assert "zebra: 0\n" in out


def test_custom_spelling(env):
    out = run(env, "custom_spelling", env[1])
    assert "The SQL database" in out and "Sequel" not in out


def test_pii_redaction_and_redacted_audio(env, tmp_path):
    target = str(tmp_path / "redacted.wav")
    out = run(env, "pii_redaction", env[1], target)
    assert "[PERSON_NAME] [PERSON_NAME]" in out and "[PHONE_NUMBER]" in out and "John Smith" not in out
    assert "redacted audio saved to" in out
    with open(target, "rb") as f:
        assert f.read(4) == b"RIFF"
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"   # made with mkstemp, renamed into place


def test_audio_intelligence(env):
    out = run(env, "audio_intelligence", env[1])
    assert re.search(r"^chapter \d+-\d+: ", out, re.M)
    assert re.search(r"^key phrase: ", out, re.M)
    assert re.search(r"^sentiment (POSITIVE|NEGATIVE|NEUTRAL): ", out, re.M)
    assert "entity person_name: John Smith" in out and "entity phone_number: 555-123-4567" in out
    assert "entity location: Paris" in out
    assert re.search(r"^content safety accidents \(", out, re.M)


def test_list_and_delete(env):
    out = run(env, "list_transcripts", "completed")
    count = int(re.search(r"^(\d+) transcripts$", out, re.M).group(1))
    assert count >= 1
    first_id = out.split()[0]
    out = run(env, "delete_transcript", first_id)
    assert out.startswith(f"deleted {first_id}")


def test_lemur(env):
    out = run(env, "lemur", env[1])
    assert out.startswith("task: ")
    assert "\nsummary: " in out and "\naction items: " in out
    assert re.search(r"^Q: Is the tone positive\? A: (yes|no)$", out, re.M)
    assert "purged: 1" in out


def test_llm_gateway(env):
    out = run(env, "llm_gateway", env[1], "What is ready?")
    assert re.search(r"\(\d+ tokens\)\n$", out)
