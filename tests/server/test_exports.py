"""Exports: SRT/VTT, sentences, paragraphs, word search, redacted audio (docs/local-server.md)."""

import struct
import time

import pytest

import rules
from server_harness import make_wav

TEXT = ("A: Smoke from hundreds of wildfires in Canada is triggering air quality alerts throughout the US. "
        "Skylines from Maine to Maryland to Minnesota are gray and smoggy. And in some places, the air quality "
        "warnings include the warning to stay inside. B: Good morning, professor. A: Good morning! What's happening? "
        "Mr. Decarlo said so. One. Two. Three. Four? Five! Six.")


@pytest.fixture(scope="module")
def done(server, tmp_path_factory):
    """Two completed transcripts of TEXT: without and with speaker labels."""
    url = server.upload(make_wav(tmp_path_factory.mktemp("w"), TEXT, "--seconds", "30"))
    plain = server.submit(url)
    labelled = server.submit(url, speaker_labels=True)
    return server.wait(plain["id"]), server.wait(labelled["id"])


def test_srt_and_vtt_default_and_chars_per_caption(server, done):
    for t in done:
        labelled = t["speaker_labels"]
        sents = rules.sentences(t["words"], labelled)
        for cpc in (None, 20, 32, 1):
            q = "" if cpc is None else f"?chars_per_caption={cpc}"
            caps = rules.captions(t["words"], sents, cpc or rules.DEFAULT_CHARS_PER_CAPTION)
            status, srt = server.request("GET", f"/v2/transcript/{t['id']}/srt{q}")
            assert status == 200
            assert srt.decode() == rules.srt(caps)
            status, vtt = server.request("GET", f"/v2/transcript/{t['id']}/vtt{q}")
            assert status == 200
            assert vtt.decode() == rules.vtt(caps)
            if cpc:
                assert all(len(c[2]) <= cpc or " " not in c[2] for c in caps)


def test_srt_shape(server, done):
    t = done[0]
    srt = server.request("GET", f"/v2/transcript/{t['id']}/srt?chars_per_caption=32")[1].decode()
    first = srt.split("\n\n")[0].split("\n")
    w = t["words"]
    assert first[0] == "1"
    assert first[1] == f"00:00:00,000 --> 00:00:0{w[4]['end'] // 1000},{w[4]['end'] % 1000:03d}"
    assert first[2] == "Smoke from hundreds of wildfires"  # 32 chars; "in" would make 35
    vtt = server.request("GET", f"/v2/transcript/{t['id']}/vtt?chars_per_caption=32")[1].decode()
    assert vtt.startswith("WEBVTT\n\n00:00.000 --> 00:0")
    assert vtt.endswith("\n") and not vtt.endswith("\n\n")


def test_default_caption_length_reproduces_the_spec_example(server, tmp_path):
    text = ("Last year I showed these two slides that demonstrate that the Arctic ice cap, which for most of the "
            "last 3 million years has been the size of the lower 48 states, has shrunk by 40%. But this understates.")
    t = server.wait(server.submit(server.upload(make_wav(tmp_path, text, "--seconds", "12")))["id"])
    srt = server.request("GET", f"/v2/transcript/{t['id']}/srt")[1].decode()
    lines = [cue.split("\n")[2] for cue in srt.strip("\n").split("\n\n")]
    assert lines == ["Last year I showed these two slides that demonstrate that the Arctic",
                     "ice cap, which for most of the last 3 million years has been the size",
                     "of the lower 48 states, has shrunk by 40%.", "But this understates."]


def test_vtt_hours(server):
    t = server.wait(server.submit(f"{server.base}/_local/synthetic?words=4&seconds=8000")["id"])
    vtt = server.request("GET", f"/v2/transcript/{t['id']}/vtt")[1].decode()
    assert vtt == "WEBVTT\n\n00:00.000 --> 02:13:19.990\nThe quick brown fox.\n"
    srt = server.request("GET", f"/v2/transcript/{t['id']}/srt?chars_per_caption=5")[1].decode()
    assert srt.split("\n")[:3] == ["1", "00:00:00,000 --> 00:33:19,990", "The"]
    assert srt.endswith("4\n01:40:00,000 --> 02:13:19,990\nfox.\n")  # 2000 s slots, end = slot end - 10 ms


def test_chars_per_caption_must_be_positive(server, done):
    status, body = server.request("GET", f"/v2/transcript/{done[0]['id']}/srt?chars_per_caption=0")
    assert (status, body) == (400, {"error": "chars_per_caption must be greater than 0"})
    status, body = server.request("GET", f"/v2/transcript/{done[0]['id']}/vtt?chars_per_caption=x")
    assert (status, body) == (400, {"error": "chars_per_caption must be an Integer"})


def test_sentences(server, done):
    for t in done:
        labelled = t["speaker_labels"]
        body = server.ok("GET", f"/v2/transcript/{t['id']}/sentences")
        assert server.validate("SentencesResponse", body)["errors"] == {"openapi.yml": [], "openapi-latest.yml": []}
        assert (body["id"], body["confidence"], body["audio_duration"]) == (t["id"], t["confidence"], 30)
        sents = rules.sentences(t["words"], labelled)
        assert [(s["start"], s["end"], s["text"], s["speaker"]) for s in body["sentences"]] == [
            (t["words"][a]["start"], t["words"][b - 1]["end"], " ".join(w["text"] for w in t["words"][a:b]),
             t["words"][a]["speaker"]) for a, b in sents]
        for s, (a, b) in zip(body["sentences"], sents):
            assert s["words"] == t["words"][a:b]
            assert s["confidence"] == rules.mean([w["confidence"] for w in t["words"][a:b]])
        texts = [s["text"] for s in body["sentences"]]
        assert "Mr. Decarlo said so." in texts  # an abbreviation does not end a sentence
    # With speaker labels, "professor." ends a turn anyway; "B:" splits mid-text only with labels.
    assert len(server.ok("GET", f"/v2/transcript/{done[0]['id']}/sentences")["sentences"]) == 13


def test_paragraphs(server, done):
    for t in done:
        labelled = t["speaker_labels"]
        body = server.ok("GET", f"/v2/transcript/{t['id']}/paragraphs")
        assert server.validate("ParagraphsResponse", body)["valid"]
        sents = rules.sentences(t["words"], labelled)
        paras = rules.paragraphs(sents, t["words"], labelled)
        got = [(p["start"], p["end"], p["text"]) for p in body["paragraphs"]]
        want = []
        for a, b in paras:
            wa, wb = sents[a][0], sents[b - 1][1]
            want.append((t["words"][wa]["start"], t["words"][wb - 1]["end"],
                         " ".join(w["text"] for w in t["words"][wa:wb])))
        assert got == want
    assert [len(p["words"]) for p in server.ok("GET", f"/v2/transcript/{done[0]['id']}/paragraphs")["paragraphs"]] \
        == [45, 9, 3]  # 5, 5 and 3 sentences


def test_word_search(server, done):
    t = done[0]
    terms = "Good morning, AIR quality,smoke,nothing-here,  ,the"
    from urllib.parse import quote
    body = server.ok("GET", f"/v2/transcript/{t['id']}/word-search?words={quote(terms)}")
    assert server.validate("WordSearchResponse", body)["valid"]
    total, matches = rules.word_search(t["words"], terms)
    assert body == {"id": t["id"], "total_count": total, "matches": matches}
    by = {m["text"]: m for m in body["matches"]}
    assert by["Good morning"]["count"] == 2 and by["AIR quality"]["count"] == 2
    assert by["smoke"]["indexes"] == [0]
    assert by["smoke"]["timestamps"] == [[t["words"][0]["start"], t["words"][0]["end"]]]
    assert by["nothing-here"] == {"text": "nothing-here", "count": 0, "timestamps": [], "indexes": []}
    assert "" not in by
    status, err = server.request("GET", f"/v2/transcript/{t['id']}/word-search")
    assert (status, err) == (400, {"error": "words is required"})


@pytest.mark.parametrize("export", ["srt", "vtt", "sentences", "paragraphs", "word-search?words=a", "redacted-audio"])
def test_exports_of_unknown_and_unfinished_transcripts(start_server, tmp_path, export):
    s = start_server("--queued-ms", "5000")
    status, body = s.request("GET", f"/v2/transcript/6f1d2d1e-0000-4000-8000-000000000000/{export}")
    assert (status, body) == (404, {"error": "Transcript lookup error, transcript id not found"})
    t = s.submit(s.upload(make_wav(tmp_path, "hello")), redact_pii_audio=True)
    status, body = s.request("GET", f"/v2/transcript/{t['id']}/{export}")
    assert (status, body) == (400, {"error": "Transcript is not completed (status: queued)"})


def test_exports_of_failed_and_deleted_transcripts(server, tmp_path):
    t = server.wait(server.submit(server.upload(b"not audio at all"))["id"])
    status, body = server.request("GET", f"/v2/transcript/{t['id']}/sentences")
    assert (status, body) == (400, {"error": "Transcript is not completed (status: error)"})
    t = server.wait(server.submit(server.upload(make_wav(tmp_path, "hello")))["id"])
    server.ok("DELETE", f"/v2/transcript/{t['id']}")
    status, body = server.request("GET", f"/v2/transcript/{t['id']}/srt")
    assert (status, body) == (400, {"error": "Transcript has been deleted"})


def test_empty_transcript_exports(server, tmp_path):
    t = server.wait(server.submit(server.upload(make_wav(tmp_path, "")))["id"])
    assert server.request("GET", f"/v2/transcript/{t['id']}/srt")[1] == b""
    assert server.request("GET", f"/v2/transcript/{t['id']}/vtt")[1] == b"WEBVTT\n"
    body = server.ok("GET", f"/v2/transcript/{t['id']}/sentences")
    assert body == {"id": t["id"], "confidence": 0.0, "audio_duration": 2, "sentences": []}
    assert server.validate("SentencesResponse", body)["valid"]


# --- redacted audio ---------------------------------------------------------------------------

def _samples(wav: bytes):
    at = wav.index(b"data")
    size = struct.unpack("<I", wav[at + 4:at + 8])[0]
    return at + 8, wav[at + 8:at + 8 + size]


def test_redacted_audio_not_requested_is_400(server, done):
    status, body = server.request("GET", f"/v2/transcript/{done[0]['id']}/redacted-audio")
    assert (status, body) == (400, {"error": "Redacted audio is not available: redact_pii_audio was not enabled "
                                             "for this transcript"})


def test_redacted_audio_202_then_ready_with_silenced_words(start_server, tmp_path):
    s = start_server("--queued-ms", "0", "--processing-ms", "0", "--redacted-audio-ms", "600")
    text = "My name is Mr. John Smith and my number is 555-123-4567 thanks"
    wav = make_wav(tmp_path, text, "--seconds", "1.3", "--rate", "8000", "--tone")
    t = s.wait(s.submit(s.upload(wav), redact_pii=True, redact_pii_audio=True,
                        redact_pii_policies=["person_name", "phone_number"])["id"])
    assert t["text"] == "My name is Mr. #### ##### and my number is ############ thanks"
    status, body = s.request("GET", f"/v2/transcript/{t['id']}/redacted-audio")
    assert (status, body) == (202, {"error": "Redacted audio is not ready yet"})
    time.sleep(0.7)
    body = s.ok("GET", f"/v2/transcript/{t['id']}/redacted-audio")
    assert body == {"status": "redacted_audio_ready", "redacted_audio_url": f"{s.base}/_local/redacted-audio/{t['id']}.wav"}
    assert s.validate("RedactedAudioResponse", body)["valid"]
    status, copy = s.request("GET", body["redacted_audio_url"], key=None)
    assert status == 200 and len(copy) == len(wav)
    offset, original = _samples(wav)
    _, redacted = _samples(copy)
    assert copy[:offset] == wav[:offset]
    silent = bytearray(original)
    for i in (4, 5, 10):  # John, Smith, the phone number
        w = t["words"][i]
        a, b = w["start"] * 8000 // 1000 * 2, w["end"] * 8000 // 1000 * 2
        silent[a:b] = bytes(b - a)
    assert redacted == bytes(silent) and redacted != original
    s.ok("DELETE", f"/v2/transcript/{t['id']}")
    assert s.request("GET", body["redacted_audio_url"], key=None)[0] == 404
