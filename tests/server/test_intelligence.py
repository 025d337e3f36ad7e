"""Deterministic audio intelligence and text features (docs/local-server.md, "Audio intelligence")."""

import pytest

import rules
from server_harness import expected_words, make_wav

TEXT = ("A: Hello, um, my name is Dr. Jane Doe and I love this great city. I live in New York and my email is "
        "jane@example.com. B: Uh, that is terrible news about the wildfires and the crash. The gun was found. "
        "A: Call 555-123-4567 or visit www.example.com on March 5th for $20 at Google. Damn, the weather and the "
        "climate and the smoke are bad. B: The air quality is bad, the air quality is awful. Thanks! Mr. Smith "
        "counted 3,000 birds in Paris.")
SECONDS = 20
FIELDS = ["summary", "chapters", "auto_highlights_result", "content_safety_labels", "iab_categories_result",
          "sentiment_analysis_results", "entities"]
NULL_BOTH = {"openapi.yml": [], "openapi-latest.yml": []}


@pytest.fixture(scope="module")
def audio_url(server, tmp_path_factory):
    return server.upload(make_wav(tmp_path_factory.mktemp("i"), TEXT, "--seconds", str(SECONDS)))


def expected(request, text=TEXT, seconds=SECONDS):
    """Final words (API shape), cores, entity spans, redacted indexes, per the documented rules."""
    raw = [{"text": w, "start": s, "end": e, "confidence": c, "speaker": spk, "channel": None}
           for w, s, e, c, spk in expected_words(text, seconds * 1000)]
    words, cores, spans, redacted = rules.apply_pipeline(raw, request)
    labelled = bool(request.get("speaker_labels"))
    api_words = [{**w, "speaker": w["speaker"] if labelled else None} for w in words]
    return api_words, cores, spans, redacted


def run(server, url, **request):
    t = server.wait(server.submit(url, **request)["id"])
    assert t["status"] == "completed", t.get("error")
    return t


def test_features_not_requested_are_null(server, audio_url):
    queued = server.submit(audio_url, auto_highlights=True, content_safety=True, summarization=True)
    assert all(queued[f] is None for f in FIELDS)
    t = run(server, audio_url)
    assert all(t[f] is None for f in FIELDS)
    words, *_ = expected({})
    assert t["words"] == words
    assert "um," not in t["text"] and "Uh," not in t["text"]  # filler words are dropped by default


def test_every_feature_at_once(server, audio_url):
    request = dict(speaker_labels=True, auto_highlights=True, content_safety=True, iab_categories=True,
                   summarization=True, auto_chapters=True, sentiment_analysis=True, entity_detection=True)
    t = run(server, audio_url, **request)
    assert server.validate("Transcript", t)["errors"] == NULL_BOTH
    words, cores, spans, _ = expected(request)
    assert t["words"] == words
    sents = rules.sentences(words, True)
    paras = rules.paragraphs(sents, words, True)
    assert t["summary"] == rules.summary(words, sents)
    assert t["chapters"] == rules.chapters(words, sents, paras)
    assert t["auto_highlights_result"] == rules.auto_highlights(words, cores, sents)
    assert t["content_safety_labels"] == rules.content_safety(words, cores, sents)
    assert t["iab_categories_result"] == rules.topics(words, cores, sents)
    assert t["sentiment_analysis_results"] == rules.sentiment(words, cores, sents, True)
    assert t["entities"] == rules.entities(words, cores, spans)

    # A few values spelled out, so a reader sees what the rules give.
    assert t["summary"].split("\n")[0] == "- Hello, my name is Dr. Jane Doe and"
    top = t["auto_highlights_result"]["results"][0]
    assert (top["text"], top["count"], top["rank"]) == ("air quality", 2, 1.0)
    assert [(e["entity_type"], e["text"]) for e in t["entities"]] == [
        ("person_name", "Jane Doe"), ("location", "New York"), ("email_address", "jane@example.com"),
        ("phone_number", "555-123-4567"), ("url", "www.example.com"), ("date", "March 5th"),
        ("money_amount", "$20"), ("organization", "Google"), ("person_name", "Smith"),
        ("number_sequence", "3,000"), ("location", "Paris")]
    labels = {r["text"]: [lb["label"] for lb in r["labels"]] for r in t["content_safety_labels"]["results"]}
    assert labels == {"that is terrible news about the wildfires and the crash.": ["accidents", "disasters"],
                      "The gun was found.": ["weapons"],
                      "Damn, the weather and the climate and the smoke are bad.": ["profanity"]}
    assert [s["sentiment"] for s in t["sentiment_analysis_results"]][:3] == ["POSITIVE", "NEUTRAL", "NEGATIVE"]
    assert t["sentiment_analysis_results"][0]["speaker"] == "A"
    topics = {r["text"]: r["labels"] for r in t["iab_categories_result"]["results"]}
    assert topics["Damn, the weather and the climate and the smoke are bad."] == [
        {"relevance": 1.0, "label": "Science>Environment"}]
    assert len(t["chapters"]) == len(paras) and t["chapters"][0]["gist"] == "Hello, my name"


@pytest.mark.parametrize("summary_type", ["bullets", "bullets_verbose", "gist", "headline", "paragraph"])
def test_summary_types(server, audio_url, summary_type):
    t = run(server, audio_url, summarization=True, summary_type=summary_type, summary_model="informative")
    words, *_ = expected({})
    assert t["summary"] == rules.summary(words, rules.sentences(words, False), summary_type)
    assert t["summary_type"] == summary_type


def test_disfluencies_keep_filler_words(server, audio_url):
    t = run(server, audio_url, disfluencies=True)
    words, *_ = expected({"disfluencies": True})
    assert t["words"] == words
    assert t["text"].startswith("Hello, um, my name")
    assert "Uh, that" in t["text"]


def test_custom_spelling(server, audio_url):
    spelling = [{"from": ["jane doe", "JANE"], "to": "Jayne Dough"}, {"from": ["new york"], "to": "NYC"},
                {"from": ["the"], "to": "teh"}]
    t = run(server, audio_url, custom_spelling=spelling)
    words, *_ = expected({"custom_spelling": spelling})
    assert t["words"] == words
    assert "Dr. Jayne Dough and I love" in t["text"] and "live in NYC and" in t["text"]
    assert "teh" in t["text"].split() and "The" not in t["text"].split()
    merged = [w for w in t["words"] if w["text"] == "Jayne Dough"][0]
    jane, doe = expected({})[0][5:7]
    assert (merged["start"], merged["end"]) == (jane["start"], doe["end"])


def test_filter_profanity(server, audio_url):
    t = run(server, audio_url, filter_profanity=True)
    assert t["words"] == expected({"filter_profanity": True})[0]
    assert "D***, the weather" in t["text"]


@pytest.mark.parametrize("sub,person,phone", [("hash", "#### ###", "############"),
                                              ("entity_name", "[PERSON_NAME] [PERSON_NAME]", "[PHONE_NUMBER]")])
def test_redact_pii(server, audio_url, sub, person, phone):
    request = dict(redact_pii=True, redact_pii_policies=["person_name", "phone_number", "email_address"],
                   redact_pii_sub=sub, entity_detection=True)
    t = run(server, audio_url, **request)
    words, cores, spans, _ = expected(request)
    assert t["words"] == words
    assert f"Dr. {person} and" in t["text"] and f"Call {phone} or" in t["text"]
    assert "jane@example.com" not in t["text"]
    assert t["entities"] == rules.entities(words, cores, spans)
    assert t["entities"][0]["text"] == person
    assert server.validate("Transcript", t)["valid"]


def test_content_safety_confidence_threshold(server, audio_url):
    t = run(server, audio_url, content_safety=True, content_safety_confidence=75)
    words, cores, *_ = expected({})
    got = t["content_safety_labels"]
    assert got == rules.content_safety(words, cores, rules.sentences(words, False), threshold=75)
    assert got["results"] == [] and got["summary"] == {}  # every label here has k = 1 (confidence 0.7)


def test_language_detection(server, tmp_path):
    url = server.upload(make_wav(tmp_path, "el perro y la casa de la familia es muy grande con el gato"))
    t = run(server, url, language_detection=True)
    assert (t["language_code"], t["language_confidence"]) == ("es", 1.0)
    url = server.upload(make_wav(tmp_path, "the cat y el perro and the dog"))
    t = run(server, url, language_detection=True)
    assert (t["language_code"], t["language_confidence"]) == ("en", 3 / 5)
    t = server.wait(server.submit(url, language_detection=True, language_confidence_threshold=0.7)["id"])
    assert t["status"] == "error"
    assert t["error"] == ("detected language 'en', confidence 0.6, is below the requested confidence threshold "
                          "value of '0.7'")


def test_empty_transcript_features(server, tmp_path):
    url = server.upload(make_wav(tmp_path, ""))
    t = run(server, url, auto_highlights=True, content_safety=True, iab_categories=True, summarization=True,
            auto_chapters=True, sentiment_analysis=True, entity_detection=True)
    assert t["summary"] == "" and t["chapters"] == [] and t["entities"] == []
    assert t["auto_highlights_result"] == {"status": "success", "results": []}
    assert t["content_safety_labels"] == {"status": "success", "results": [], "summary": {}, "severity_score_summary": {}}
    assert t["iab_categories_result"] == {"status": "success", "results": [], "summary": {}}
    assert server.validate("Transcript", t)["valid"]
