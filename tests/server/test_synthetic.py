"""Synthetic transcripts of N words without audio (docs/local-server.md, "Synthetic transcripts")."""

import time

import pytest

import rules
from server_harness import expected_words


def synthetic_text(words, speakers=1, sentence_words=12, turn_sentences=2):
    """The documented generator, written again."""
    out, speaker = [], None
    for i in range(words):
        s = (i // sentence_words // turn_sentences) % speakers
        if speakers > 1 and s != speaker:
            out.append(chr(65 + s) + ":")
            speaker = s
        w = rules.SYNTHETIC_VOCABULARY[i % 32]
        if i % sentence_words == 0:
            w = w[0].upper() + w[1:]
        if i % sentence_words == sentence_words - 1 or i == words - 1:
            w += "."
        out.append(w)
    return " ".join(out)


def test_small_synthetic_transcript_is_exact(server):
    url = f"{server.base}/_local/synthetic?words=30&speakers=3&sentence_words=5&turn_sentences=1&seconds=9"
    t = server.wait(server.submit(url, speaker_labels=True)["id"])
    assert t["status"] == "completed" and t["audio_duration"] == 9
    text = synthetic_text(30, 3, 5, 1)
    assert text.startswith("A: The quick brown fox jumps. B: Over lazy dog and then. C: Runs into a quiet green.")
    exp = expected_words(text, 9000)
    assert [(w["text"], w["start"], w["end"], w["confidence"], w["speaker"]) for w in t["words"]] == exp
    assert [u["speaker"] for u in t["utterances"]] == ["A", "B", "C", "A", "B", "C"]
    assert server.validate("Transcript", t)["valid"]


def test_defaults(server):
    t = server.wait(server.submit(f"{server.base}/_local/synthetic?words=13")["id"])
    assert t["text"] == synthetic_text(13)
    assert t["audio_duration"] == 4  # 13 * 0.3 s = 3.9 s, rounded half up
    assert t["text"] == "The quick brown fox jumps over lazy dog and then runs into. A."


@pytest.mark.parametrize("query,error", [
    ("", "Synthetic audio: words is required"),
    ("words=-1", "Synthetic audio: words must be an integer from 0 to 5000000"),
    ("words=5&speakers=27", "Synthetic audio: speakers must be an integer from 1 to 26"),
    ("words=5&seconds=x", "Synthetic audio: seconds must be a number from 0 to 10000000"),
])
def test_bad_parameters(server, query, error):
    t = server.wait(server.submit(f"{server.base}/_local/synthetic?{query}")["id"])
    assert (t["status"], t["error"]) == ("error", error)


def test_100k_words(server):
    started = time.monotonic()
    t = server.submit(f"http://localhost:{server.port}/_local/synthetic?words=100000&speakers=2", speaker_labels=True)
    done = server.wait(t["id"], timeout=60)
    assert len(done["words"]) == 100000 and len(done["utterances"]) == 100000 // 24 + 1
    assert done["words"][-1]["speaker"] == "A" and done["audio_duration"] == 30000
    status, body = server.request("GET", f"/v2/transcript/{t['id']}", raw=None)
    assert time.monotonic() - started < 60
    status, srt = server.request("GET", f"/v2/transcript/{t['id']}/srt")
    assert status == 200 and srt.startswith(b"1\n00:00:00,000 --> ")
