"""Exports and lookups of the official SDK 0.37 README against the local server, with exact
values from its documented rules: subtitles (SRT/VTT, chars_per_caption), sentences and
paragraphs, word search, custom spelling, PII redaction and the redacted audio; and their
error paths."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple
from urllib.parse import parse_qs

import pytest

import assemblyai_native as aai
from conftest import pointed_at
from native_expect import (Expected, as_words, expect, paragraph_ranges, recognised_words, rules, segments,
                          sent_body, wav_duration_ms, write_wav)

TEXT = ("A: Hello there, this is the price list. The product costs ten dollars and the price is fair! "
        "B: Is the product good? It is a really well-known product. A: Thanks, goodbye.")
CONFIG = {"speaker_labels": True}


@pytest.fixture(scope="module")
def wav(tmp_path_factory: Any) -> Path:
    return write_wav(tmp_path_factory.mktemp("exports") / "audio.wav", TEXT, 9)


@pytest.fixture(scope="module")
def done(server: Any, wav: Path) -> Iterator[Tuple[aai.Transcript, Expected]]:
    with pointed_at(server):
        t = aai.Transcriber().transcribe(str(wav), aai.TranscriptionConfig(**CONFIG))
    assert t.status == "completed", t.error
    yield t, expect(TEXT, wav, CONFIG)


def gets(local: Any, suffix: str) -> List[Dict[str, Any]]:
    return [r for r in local.requests() if r["method"] == "GET" and r["path"].endswith(suffix)]


# -- subtitles ------------------------------------------------------------------------------------


def test_readme_export_subtitles(local: Any, done: Any) -> None:
    t, e = done
    caps = rules.captions(e.words, e.sents)
    assert t.export_subtitles_srt() == rules.srt(caps)
    assert t.export_subtitles_vtt() == rules.vtt(caps)
    assert t.export_subtitles_vtt().startswith("WEBVTT\n\n00:00.000 --> ")
    # Without chars_per_caption nothing is sent for it (the API's default applies).
    assert gets(local, "/srt")[-1]["query"] == "" and gets(local, "/vtt")[-1]["query"] == ""


@pytest.mark.parametrize("chars", [1, 12, 25, 70, 500])
def test_export_subtitles_chars_per_caption(local: Any, done: Any, chars: int) -> None:
    t, e = done
    caps = rules.captions(e.words, e.sents, chars)
    assert t.export_subtitles_srt(chars_per_caption=chars) == rules.srt(caps)
    assert parse_qs(gets(local, "/srt")[-1]["query"]) == {"chars_per_caption": [str(chars)]}
    assert t.export_subtitles_vtt(chars) == rules.vtt(caps)
    assert parse_qs(gets(local, "/vtt")[-1]["query"]) == {"chars_per_caption": [str(chars)]}


# -- sentences and paragraphs ---------------------------------------------------------------------


def test_readme_sentences_and_paragraphs(local: Any, done: Any) -> None:
    t, e = done
    expected_sentences = [aai.Sentence(text=s["text"], start=s["start"], end=s["end"], confidence=s["confidence"],
                                       speaker=s["speaker"], channel=None, words=as_words(s["words"]))
                          for s in segments(e, e.sents, with_speaker=True)]
    sentences = t.get_sentences()
    assert sentences == expected_sentences
    assert [s.text for s in sentences][:3] == ["Hello there, this is the price list.",
                                               "The product costs ten dollars and the price is fair!",
                                               "Is the product good?"]
    assert [s.speaker for s in sentences] == ["A", "A", "B", "B", "A"]
    paragraphs = t.get_paragraphs()
    assert paragraphs == [aai.Paragraph(text=p["text"], start=p["start"], end=p["end"], confidence=p["confidence"],
                                        speaker=None, channel=None, words=as_words(p["words"]))
                          for p in segments(e, paragraph_ranges(e), with_speaker=False)]
    assert len(paragraphs) == 3
    for sentence in sentences:  # the README's loops
        assert isinstance(sentence.text, str)
    for paragraph in paragraphs:
        assert isinstance(paragraph.text, str)


# -- word search ------------------------------------------------------------------------------------


def test_readme_word_search(local: Any, done: Any) -> None:
    t, e = done
    matches = t.word_search(["price", "product"])
    total, expected = rules.word_search(e.words, "price,product")
    assert matches == [aai.WordSearchMatch(text=m["text"], count=m["count"],
                                           timestamps=[tuple(x) for x in m["timestamps"]], indexes=m["indexes"])
                       for m in expected]
    assert [(m.text, m.count) for m in matches] == [("price", 2), ("product", 3)]
    assert parse_qs(gets(local, "/word-search")[-1]["query"]) == {"words": ["price,product"]}
    for match in matches:  # the README's loop
        assert f"Found '{match.text}' {match.count} times in the transcript"


def test_word_search_phrases_and_misses(local: Any, done: Any) -> None:
    t, e = done
    matches = t.word_search(["the price", "well-known product", "zebra"])
    _, expected = rules.word_search(e.words, "the price,well-known product,zebra")
    assert [(m.text, m.count, m.indexes, [list(x) for x in m.timestamps]) for m in matches] == [
        (m["text"], m["count"], m["indexes"], m["timestamps"]) for m in expected]
    assert matches[2] == aai.WordSearchMatch(text="zebra", count=0, timestamps=[], indexes=[])


# -- custom spelling and PII redaction (config helpers, applied by the server) -------------------------


def test_readme_custom_spelling(local: Any, tmp_path: Path) -> None:
    text = "We run k8s and Sequel databases on kubernetes today."
    wav = write_wav(tmp_path / "cs.wav", text, 4)
    config = aai.TranscriptionConfig()
    config.set_custom_spelling({"Kubernetes": ["k8s"], "SQL": ["Sequel"]})
    t = aai.Transcriber().transcribe(str(wav), config)
    rules_sent = [{"from": ["k8s"], "to": "Kubernetes"}, {"from": ["Sequel"], "to": "SQL"}]
    assert sent_body(local) == {"custom_spelling": rules_sent}
    assert t.text == expect(text, wav, {"custom_spelling": rules_sent}).text
    assert t.text == "We run Kubernetes and SQL databases on kubernetes today."
    assert t.config.custom_spelling == {"Kubernetes": ["k8s"], "SQL": ["Sequel"]}


PII_TEXT = "A: Hi Mr John Smith, mail john@example.com or call 555-123-4567 in London. B: Sure, in March please."


def test_readme_pii_redaction(local: Any, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "pii.wav", PII_TEXT, 6)
    config = aai.TranscriptionConfig()
    config.set_redact_pii(
        policies=[
            aai.PIIRedactionPolicy.credit_card_number,
            aai.PIIRedactionPolicy.email_address,
            aai.PIIRedactionPolicy.location,
            aai.PIIRedactionPolicy.person_name,
            aai.PIIRedactionPolicy.phone_number,
        ],
        substitution=aai.PIISubstitutionPolicy.hash,
    )
    t = aai.Transcriber().transcribe(str(wav), config)
    body = sent_body(local)
    assert body == {"redact_pii": True, "redact_pii_policies": ["credit_card_number", "email_address", "location",
                                                                "person_name", "phone_number"],
                    "redact_pii_sub": "hash"}
    assert t.text == expect(PII_TEXT, wav, body).text
    assert t.text == "Hi Mr #### #####, mail ################ or call ############ in ######. Sure, in March please."
    # entity_name substitution
    config.set_redact_pii(policies=["person_name", "date"], substitution="entity_name")
    t = aai.Transcriber().transcribe(str(wav), config)
    assert t.text == "Hi Mr [PERSON_NAME] [PERSON_NAME], mail john@example.com or call 555-123-4567 in London. " \
                     "Sure, in [DATE] please."


def redacted_copy(original: bytes, words: List[Dict[str, Any]], redacted: List[int]) -> bytes:
    """The documented redacted audio: the samples of every redacted word set to silence."""
    data = bytearray(original)
    offset, rate, align, bits, data_at = 12, 0, 0, 0, 0
    while offset + 8 <= len(data):
        cid, size = bytes(data[offset:offset + 4]), struct.unpack("<I", data[offset + 4:offset + 8])[0]
        if cid == b"fmt ":
            rate = struct.unpack("<I", data[offset + 12:offset + 16])[0]
            align, bits = struct.unpack("<HH", data[offset + 20:offset + 24])
        elif cid == b"data":
            data_at = offset + 8
            data_size = size
        offset += 8 + size + (size & 1)
    silence = 0x80 if bits == 8 else 0
    for i in redacted:
        a = words[i]["start"] * rate // 1000 * align
        b = min(words[i]["end"] * rate // 1000 * align, data_size)
        data[data_at + a:data_at + b] = bytes([silence]) * (b - a)
    return bytes(data)


def test_readme_redacted_audio(local: Any, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "pii.wav", PII_TEXT, 6, "--tone")  # a tone, so that silence shows
    transcript = aai.Transcriber().transcribe(
        str(wav),
        config=aai.TranscriptionConfig(
            redact_pii=True,
            redact_pii_policies=[aai.PIIRedactionPolicy.person_name],
            redact_pii_audio=True,
        ),
    )
    assert sent_body(local) == {"redact_pii": True, "redact_pii_policies": ["person_name"], "redact_pii_audio": True}
    redacted_audio_url = transcript.get_redacted_audio_url()
    assert redacted_audio_url == f"{local.base_url}/_local/redacted-audio/{transcript.id}.wav"
    asked = len(gets(local, "/redacted-audio"))
    assert asked >= 2  # the server answered 202 first (for 500 ms): the binding waited
    out = tmp_path / "redacted_audio.wav"
    transcript.save_redacted_audio(str(out))
    assert transcript.get_redacted_audio_url() == redacted_audio_url  # cached, as in the official SDK
    words = recognised_words(PII_TEXT, wav_duration_ms(wav), {})
    final, _, _, redacted = rules.apply_pipeline(words, {"redact_pii": True, "redact_pii_policies": ["person_name"]})
    assert redacted == [2, 3]  # "John Smith,"
    assert out.read_bytes() == redacted_copy(wav.read_bytes(), final, redacted)
    assert out.read_bytes() != wav.read_bytes()


# -- error paths ---------------------------------------------------------------------------------------


def test_exports_need_a_fetched_transcript() -> None:
    t = aai.Transcript(transcript_id="abc")  # never fetched: nothing to export, as in the official SDK
    for call in (t.export_subtitles_srt, t.export_subtitles_vtt, t.get_sentences, t.get_paragraphs,
                 lambda: t.word_search(["a"])):
        with pytest.raises(ValueError, match="The internal Transcript object is None"):
            call()


def test_export_of_a_transcript_not_completed(local: Any, wav: Path) -> None:
    t = aai.Transcriber().submit(str(wav))
    assert t.status == "queued"
    for call in (t.export_subtitles_srt, t.get_sentences, t.get_paragraphs, lambda: t.word_search(["price"])):
        with pytest.raises(aai.TranscriptError) as info:
            call()
        assert info.value.status_code == 400
        assert info.value.server_text == "Transcript is not completed (status: queued)"


def test_export_of_an_unknown_transcript(local: Any) -> None:
    t = aai.Transcript._from_json(json.dumps({"id": "00000000-0000-4000-8000-000000000000", "status": "completed"}))
    with pytest.raises(aai.TranscriptError) as info:
        t.export_subtitles_vtt()
    assert info.value.status_code == 404
    assert info.value.server_text == "Transcript lookup error, transcript id not found"


def test_bad_export_arguments(local: Any, done: Any) -> None:
    t, _ = done
    with pytest.raises(aai.InvalidArgumentError):
        t.export_subtitles_srt(chars_per_caption=-5)
    with pytest.raises(TypeError):
        t.export_subtitles_srt(chars_per_caption="70")  # type: ignore[arg-type]
    with pytest.raises(aai.InvalidArgumentError):
        t.word_search([])
    with pytest.raises(aai.InvalidArgumentError):
        t.word_search([""])


def test_redacted_audio_not_requested(local: Any, done: Any) -> None:
    t, _ = done
    before = len(gets(local, "/redacted-audio"))
    with pytest.raises(ValueError, match="redact_pii_audio"):
        t.get_redacted_audio_url()
    with pytest.raises(ValueError, match="redact_pii_audio"):
        t.save_redacted_audio("/tmp/never-written.wav")
    assert len(gets(local, "/redacted-audio")) == before  # refused before asking, as the official SDK does


def test_redacted_audio_of_a_deleted_transcript_is_expired(local: Any, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "pii.wav", PII_TEXT, 6)
    t = aai.Transcriber().transcribe(str(wav), aai.TranscriptionConfig(
        redact_pii=True, redact_pii_policies=["person_name"], redact_pii_audio=True))
    aai.Transcript.delete_by_id(t.id)
    with pytest.raises(aai.RedactedAudioExpiredError) as info:
        t.get_redacted_audio_url()
    assert info.value.status_code == 400
    assert info.value.server_text == "Transcript has been deleted"


def test_failed_download_is_redacted_audio_unavailable(local: Any, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "pii.wav", PII_TEXT, 6)
    t = aai.Transcriber().transcribe(str(wav), aai.TranscriptionConfig(
        redact_pii=True, redact_pii_policies=["person_name"], redact_pii_audio=True))
    url = t.get_redacted_audio_url()
    local.call("POST", "/_local/faults", {"kind": "status", "status": 404, "path": "/_local/redacted-audio/", "count": -1})
    out = tmp_path / "out.wav"
    try:
        with pytest.raises(aai.RedactedAudioUnavailableError) as info:
            t.save_redacted_audio(out)
    finally:
        local.call("DELETE", "/_local/faults")
    assert info.value.status_code == 404
    assert not out.exists() and list(tmp_path.glob("out.wav*")) == []  # no partial file left
    t.save_redacted_audio(out)  # works again once the fault is gone
    assert out.stat().st_size == wav.stat().st_size
    assert url.endswith(f"/{t.id}.wav")
