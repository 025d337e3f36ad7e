"""Transcripts: status progression, text from audio, errors, delete, unknown ids."""

import shutil
import subprocess
import sys
import time

import pytest

from server_harness import MAKE_WAV, expected_words, make_wav, mean


def words_of(t):
    return [(w["text"], w["start"], w["end"], w["confidence"], w["speaker"]) for w in t["words"]]


def test_status_progression_and_exact_words(start_server, tmp_path):
    s = start_server("--queued-ms", "300", "--processing-ms", "600")
    text = "Hello world, this is a test."
    url = s.upload(make_wav(tmp_path, text, "--seconds", "3.0"))
    created = time.monotonic()
    t = s.submit(url)
    assert t["status"] == "queued"
    assert t["text"] is None and t["words"] is None and t["audio_duration"] is None
    seen = [t["status"]]
    while seen[-1] not in ("completed", "error"):
        time.sleep(0.02)
        status = s.ok("GET", f"/v2/transcript/{t['id']}")["status"]
        if status != seen[-1]:
            seen.append(status)
    elapsed = time.monotonic() - created
    assert seen == ["queued", "processing", "completed"]
    assert elapsed >= 0.9

    done = s.ok("GET", f"/v2/transcript/{t['id']}")
    exp = expected_words(text, 3000)
    assert done["text"] == "Hello world, this is a test."
    assert words_of(done) == [(w, st, en, c, None) for w, st, en, c, _ in exp]
    assert done["words"][0] == {"text": "Hello", "start": 0, "end": 490, "confidence": 0.8,
                                "speaker": None, "channel": None}
    assert done["confidence"] == mean([e[3] for e in exp])
    assert done["audio_duration"] == 3
    assert done["utterances"] is None
    assert "error" not in done
    assert s.validate("Transcript", done)["errors"] == {"openapi.yml": [], "openapi-latest.yml": []}
    assert s.validate("Transcript", t)["valid"]


def test_speaker_labels_make_utterances(server, tmp_path):
    text = "A: Good morning, professor. B: Good morning. A: Thank you."
    url = server.upload(make_wav(tmp_path, text, "--seconds", "1.5"))
    t = server.wait(server.submit(url, speaker_labels=True, speakers_expected=2)["id"])
    assert t["status"] == "completed"
    assert t["speaker_labels"] is True and t["speakers_expected"] == 2
    assert t["text"] == "Good morning, professor. Good morning. Thank you."
    exp = expected_words(text, 1500)
    assert words_of(t) == exp
    turns = [("A", exp[0:3]), ("B", exp[3:5]), ("A", exp[5:7])]
    assert len(t["utterances"]) == 3
    for u, (speaker, ws) in zip(t["utterances"], turns):
        assert u["speaker"] == speaker
        assert u["text"] == " ".join(w[0] for w in ws)
        assert (u["start"], u["end"]) == (ws[0][1], ws[-1][2])
        assert u["confidence"] == mean([w[3] for w in ws])
        assert words_of(u) == ws
    assert server.validate("Transcript", t)["valid"]


def test_speaker_labels_without_markers_is_all_speaker_a(server, tmp_path):
    url = server.upload(make_wav(tmp_path, "just one voice"))
    t = server.wait(server.submit(url, speaker_labels=True)["id"])
    assert [u["speaker"] for u in t["utterances"]] == ["A"]
    assert {w["speaker"] for w in t["words"]} == {"A"}


@pytest.mark.parametrize("punctuate,format_text", [(False, True), (True, False), (False, False)])
def test_punctuate_and_format_text(server, tmp_path, punctuate, format_text):
    text = "Hello, World! Don't stop -- it's well-known. (Really?)"
    url = server.upload(make_wav(tmp_path, text, "--seconds", "2.0"))
    t = server.wait(server.submit(url, punctuate=punctuate, format_text=format_text)["id"])
    exp = expected_words(text, 2000, punctuate=punctuate, format_text=format_text)
    assert words_of(t) == [(w, st, en, c, None) for w, st, en, c, _ in exp]
    assert t["text"] == " ".join(w[0] for w in exp)
    assert t["punctuate"] is punctuate and t["format_text"] is format_text
    if not punctuate:
        # Inner apostrophes and hyphens stay; a token of only punctuation is no word at all.
        assert "don't" in t["text"].lower() and "well-known" in t["text"].lower()
        assert "--" not in t["text"] and "," not in t["text"] and "?" not in t["text"]


def test_audio_window(server, tmp_path):
    text = "one two three four"
    url = server.upload(make_wav(tmp_path, text, "--seconds", "4.0"))
    t = server.wait(server.submit(url, audio_start_from=1000, audio_end_at=3000)["id"])
    assert words_of(t) == [(w, s, e, c, None) for w, s, e, c, _ in expected_words(text, 4000, start=1000, end=3000)]
    assert t["words"][0]["start"] == 1000 and t["words"][-1]["end"] == 2990
    assert t["audio_start_from"] == 1000 and t["audio_end_at"] == 3000


def test_wav_without_comment_has_no_words(server, tmp_path):
    # A plain WAV (no LIST chunk), as sox writes it.
    wav = tmp_path / "plain.wav"
    wav.write_bytes(b"RIFF" + (36 + 16000).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
                    + bytes.fromhex("0100 0100 803e0000 007d0000 0200 1000".replace(" ", ""))
                    + b"data" + (16000).to_bytes(4, "little") + bytes(16000))
    t = server.wait(server.submit(server.upload(wav.read_bytes()))["id"])
    assert t["status"] == "completed"
    assert t["text"] == "" and t["words"] == [] and t["confidence"] is None
    assert t["audio_duration"] == 1  # 500 ms rounds half up


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_comment_added_to_espeak_wav(server, tmp_path):
    src = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(src), "hello there general kenobi"], check=True)
    raw = src.read_bytes()
    byte_rate = int.from_bytes(raw[28:32], "little")
    data_at = raw.index(b"data")
    data_size = min(int.from_bytes(raw[data_at + 4:data_at + 8], "little"), len(raw) - data_at - 8)
    duration = data_size * 1000 // byte_rate
    wav = make_wav(tmp_path, "Hello there, General Kenobi.", "--from", str(src))
    t = server.wait(server.submit(server.upload(wav))["id"])
    assert t["text"] == "Hello there, General Kenobi."
    assert words_of(t) == [(w, s, e, c, None) for w, s, e, c, _ in expected_words(t["text"], duration)]


@pytest.mark.parametrize("payload,kind", [
    (b"this is just some text, not audio\n", "text/plain (ASCII text)"),
    (bytes(range(256)) * 4, "application/octet-stream (data)"),
])
def test_non_audio_is_an_error(server, payload, kind):
    t = server.submit(server.upload(payload))
    assert t["status"] == "queued"
    done = server.wait(t["id"])
    assert done["status"] == "error"
    assert done["error"] == f"Transcoding failed. File does not appear to contain audio. File type is {kind}."
    assert done["text"] is None and done["words"] is None
    assert server.validate("Transcript", done)["valid"]


@pytest.mark.parametrize("url", [
    "https://example.com/audio.mp3",
    "http://127.0.0.1:1/_local/uploads/00000000-0000-0000-0000-000000000000",
])
def test_foreign_or_missing_audio_url_is_a_download_error(server, url):
    done = server.wait(server.submit(url)["id"])
    assert done["status"] == "error"
    assert done["error"] == (f"Download error, unable to download {url}. "
                             "Please make sure the file exists and is accessible from the internet.")


def test_config_fields_are_echoed(server, tmp_path):
    url = server.upload(make_wav(tmp_path, "x"))
    params = dict(language_code="de", punctuate=False, format_text=False, webhook_url="https://hook.example/x",
                  webhook_auth_header_name="X-Secret", webhook_auth_header_value="s3cret", speaker_labels=True,
                  filter_profanity=True, redact_pii=True, redact_pii_policies=["person_name"], redact_pii_sub="hash",
                  custom_spelling=[{"from": ["a"], "to": "b"}], speech_threshold=0.5, disfluencies=True,
                  auto_highlights=True, summarization=True, summary_type="gist", summary_model="informative")
    t = server.submit(url, **params)
    for k, v in params.items():
        if k != "webhook_auth_header_value":
            assert t[k] == v, k
    assert "webhook_auth_header_value" not in t
    assert t["webhook_auth"] is True
    assert t["webhook_status_code"] is None
    assert server.validate("Transcript", server.wait(t["id"]))["valid"]


def test_latest_spec_fields_are_echoed(server, tmp_path):
    url = server.upload(make_wav(tmp_path, "x"))
    t = server.wait(server.submit(url, speech_models=["universal-3-pro", "universal-2"], keyterms_prompt=["Kenobi"],
                                  language_detection=True, temperature=0.2)["id"])
    assert t["speech_models"] == ["universal-3-pro", "universal-2"]
    assert t["speech_model_used"] == "universal-3-pro"
    assert t["keyterms_prompt"] == ["Kenobi"] and t["temperature"] == 0.2
    assert t["language_code"] == "en" and t["language_confidence"] == 1.0
    v = server.validate("Transcript", t)
    assert v["errors"]["openapi-latest.yml"] == []


def test_old_spec_fields_are_echoed(server, tmp_path):
    url = server.upload(make_wav(tmp_path, "x"))
    t = server.wait(server.submit(url, word_boost=["aws"], boost_param="high", dual_channel=False)["id"])
    assert (t["word_boost"], t["boost_param"], t["dual_channel"]) == (["aws"], "high", False)
    assert "speech_models" not in t
    assert server.validate("Transcript", t)["errors"]["openapi.yml"] == []


def test_delete_keeps_transcript_but_removes_content_and_upload(server, tmp_path):
    url = server.upload(make_wav(tmp_path, "secret words", "--seconds", "2.0"))
    t = server.wait(server.submit(url, webhook_url="https://hook.example/x")["id"])
    d = server.ok("DELETE", f"/v2/transcript/{t['id']}")
    assert d["id"] == t["id"] and d["status"] == "completed"
    assert d["text"] == "Deleted by user."
    assert d["audio_url"] == "http://deleted_by_user" and d["webhook_url"] == "http://deleted_by_user"
    assert d["words"] is None and d["utterances"] is None and d["confidence"] is None
    assert d["audio_duration"] == 2
    assert server.validate("Transcript", d)["valid"]
    assert server.ok("GET", f"/v2/transcript/{t['id']}") == d
    status, _ = server.request("GET", url, key=None)
    assert status == 404
    items = server.ok("GET", "/v2/transcript?limit=200")["transcripts"]
    assert [i["audio_url"] for i in items if i["id"] == t["id"]] == ["http://deleted_by_user"]


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_transcript_is_404(server, method):
    status, body = server.request(method, "/v2/transcript/6f1d2d1e-0000-4000-8000-000000000000")
    assert status == 404
    assert body == {"error": "Transcript lookup error, transcript id not found"}
    assert server.validate("Error", body)["valid"]


def test_unknown_route_is_404_json(server):
    status, body = server.request("GET", "/v2/nothing-here")
    assert (status, body) == (404, {"error": "Not found"})


def test_make_test_wav_reads_text_from_stdin(server, tmp_path):
    text = " ".join(f"w{i}" for i in range(2000))
    out = tmp_path / "long.wav"
    subprocess.run([sys.executable, str(MAKE_WAV), str(out), "--text-file", "-", "--rate", "100", "--seconds", "200"],
                   input=text.encode(), check=True)
    t = server.wait(server.submit(server.upload(out.read_bytes()))["id"])
    assert t["text"] == text and len(t["words"]) == 2000
    assert (t["words"][1]["start"], t["words"][1]["end"]) == (100, 190)
