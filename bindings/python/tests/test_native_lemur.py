"""LeMUR: every LeMUR scenario of the official SDK 0.37 README (task, summary, question-answer,
input text, a group of transcripts, purge) against the local server, with the exact answers of
its documented rules and the request bodies it received; and the error paths."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import assemblyai_native as aai
from conftest import pointed_at
from native_expect import lemur_action_items, lemur_lead, write_wav

TEXT1 = "A: Hello Bob. B: Hi Alice, thanks for calling about the invoice. A: Is the red car still for sale?"
TEXT2 = "A: The invoice is paid. B: Great, goodbye."


@pytest.fixture(scope="module")
def calls(server: Any, tmp_path_factory: Any) -> Iterator[Tuple[aai.Transcript, aai.Transcript]]:
    d = tmp_path_factory.mktemp("lemur")
    with pointed_at(server):
        transcriber = aai.Transcriber(config=aai.TranscriptionConfig(speaker_labels=True))
        t1 = transcriber.transcribe(str(write_wav(d / "1.wav", TEXT1, 5)))
        t2 = transcriber.transcribe(str(write_wav(d / "2.wav", TEXT2, 3)))
    assert t1.status == t2.status == "completed"
    yield t1, t2


def words(*transcripts: aai.Transcript) -> List[str]:
    return [w for t in transcripts for w in t.text.split()]


def lemur_body(local: Any, endpoint: str) -> Dict[str, Any]:
    return [r for r in local.requests() if r["method"] == "POST" and r["path"] == f"/lemur/v3/generate/{endpoint}"][-1]["body"]


# -- README scenarios ---------------------------------------------------------------------------------


def test_readme_task(local: Any, calls: Any) -> None:
    transcript, _ = calls
    prompt = "Provide a brief summary of the transcript."

    result = transcript.lemur.task(prompt, final_model=aai.LemurModel.claude3_5_sonnet)

    w = words(transcript)
    assert result.response == lemur_lead(f"Response to '{prompt}' based on {len(w)} words", w)
    assert result.response == ("Response to 'Provide a brief summary of the transcript.' based on 17 words: "
                               "Hello Bob. Hi Alice, thanks for calling about the invoice.")
    assert isinstance(result, aai.LemurTaskResponse) and len(result.request_id) == 36
    assert result.usage == aai.LemurUsage(input_tokens=len(w) + len(prompt.split()),
                                          output_tokens=len(result.response.split()))
    assert lemur_body(local, "task") == {"transcript_ids": [transcript.id], "prompt": prompt,
                                         "final_model": "anthropic/claude-3-5-sonnet"}
    assert result.json_response["request_id"] == result.request_id


def test_readme_summarize(local: Any, calls: Any) -> None:
    transcript, _ = calls
    result = transcript.lemur.summarize(
        final_model=aai.LemurModel.claude3_5_sonnet,
        context="A GitLab meeting to discuss logistics",
        answer_format="TLDR",
    )
    w = words(transcript)
    assert result.response == lemur_lead(f"Summary (TLDR) of {len(w)} words", w)
    assert isinstance(result, aai.LemurSummaryResponse)
    assert lemur_body(local, "summary") == {"transcript_ids": [transcript.id], "final_model": "anthropic/claude-3-5-sonnet",
                                            "context": "A GitLab meeting to discuss logistics", "answer_format": "TLDR"}


def test_readme_question(local: Any, calls: Any) -> None:
    transcript, _ = calls
    questions = [
        aai.LemurQuestion(question="What car was the customer interested in?"),
        aai.LemurQuestion(question="What price range is the customer looking for?"),
    ]

    result = transcript.lemur.question(final_model=aai.LemurModel.claude3_5_sonnet, questions=questions)

    w = words(transcript)
    assert result.response == [
        aai.LemurQuestionAnswer(question=q.question, answer=lemur_lead(f"Answer to '{q.question}' based on {len(w)} words", w))
        for q in questions]
    for q in result.response:  # the README's loop
        assert q.question and q.answer
    assert lemur_body(local, "question-answer") == {
        "transcript_ids": [transcript.id], "final_model": "anthropic/claude-3-5-sonnet",
        "questions": [{"question": q.question} for q in questions]}
    assert result.usage.input_tokens == len(w) + sum(len(q.question.split()) for q in questions)


def test_question_options_formats_and_contexts(local: Any, calls: Any) -> None:
    transcript, _ = calls
    result = transcript.lemur.question([
        aai.LemurQuestion(question="Which car?", answer_options=["blue car", "red car"], context="sales call"),
        aai.LemurQuestion(question="Who pays?", answer_format="one word", context={"topic": "billing"}),
    ], context={"call": "customer"})
    w = words(transcript)
    assert [a.answer for a in result.response] == [
        "red car", lemur_lead(f"Answer to 'Who pays?' (one word) based on {len(w)} words", w)]
    assert lemur_body(local, "question-answer") == {
        "transcript_ids": [transcript.id], "context": {"call": "customer"},
        "questions": [{"question": "Which car?", "answer_options": ["blue car", "red car"], "context": "sales call"},
                      {"question": "Who pays?", "answer_format": "one word", "context": '{"topic": "billing"}'}]}
    single = transcript.lemur.question(aai.LemurQuestion(question="Is it paid?", answer_options=["Yes", "No"]))
    assert single.response == [aai.LemurQuestionAnswer(question="Is it paid?", answer="Yes")]


def test_readme_input_text(local: Any, calls: Any) -> None:
    transcript, _ = calls
    text = ""
    for utt in transcript.utterances:
        text += f"Speaker {utt.speaker}:\n{utt.text}\n"

    prompt = ("You are a helpful coach. Provide an analysis of the transcript "
              "and offer areas to improve with exact quotes. Include no preamble. "
              "Start with an overall summary then get into the examples with feedback.")
    result = aai.Lemur().task(prompt, input_text=text, final_model=aai.LemurModel.claude3_5_sonnet)

    w = text.split()
    assert result.response == lemur_lead(f"Response to '{prompt}' based on {len(w)} words", w)
    assert result.response.endswith(" based on 23 words: Speaker A: Hello Bob. Speaker B: Hi Alice, thanks for")
    assert lemur_body(local, "task") == {"input_text": text, "prompt": prompt, "final_model": "anthropic/claude-3-5-sonnet"}


def test_readme_group(local: Any, tmp_path: Path, calls: Any) -> None:
    transcriber = aai.Transcriber()
    transcript_group = transcriber.transcribe_group(
        [str(write_wav(tmp_path / "c1.wav", TEXT1, 5)), str(write_wav(tmp_path / "c2.wav", TEXT2, 3))],
    )
    assert transcript_group.status == aai.TranscriptStatus.completed
    assert len(transcript_group.transcripts) == 2

    result = transcript_group.lemur.task(
        "Summarize all calls.",
        context="These are calls of customers asking for cars. Summarize all calls and create a TLDR.",
        final_model=aai.LemurModel.claude3_5_sonnet,
    )
    w = words(*transcript_group.transcripts)
    assert result.response == lemur_lead(f"Response to 'Summarize all calls.' based on {len(w)} words", w)
    assert lemur_body(local, "task")["transcript_ids"] == [t.id for t in transcript_group]
    # The README's example calls task() without a prompt: a TypeError, as in the official SDK.
    with pytest.raises(TypeError):
        transcript_group.lemur.task(context="no prompt")  # type: ignore[call-arg]


def test_readme_group_by_ids(local: Any, calls: Any) -> None:
    t1, t2 = calls
    transcript_group = aai.TranscriptGroup.get_by_ids([t1.id, t2.id])
    summary = transcript_group.lemur.summarize(context="Customers asking for cars", answer_format="TLDR")
    w = words(t1, t2)
    assert summary.response == lemur_lead(f"Summary (TLDR) of {len(w)} words", w)
    assert lemur_body(local, "summary") == {"transcript_ids": [t1.id, t2.id], "context": "Customers asking for cars",
                                            "answer_format": "TLDR"}
    assert aai.TranscriptGroup.get_by_ids_async([t2.id]).result().transcripts[0].text == t2.text


def test_readme_purge(local: Any, calls: Any) -> None:
    t1, _ = calls
    transcript_group = aai.TranscriptGroup.get_by_ids([t1.id])
    result = transcript_group.lemur.summarize(
        context="Customers providing sensitive, personally identifiable information",
        answer_format="TLDR",
    )
    request_id = result.request_id

    deletion_result = aai.Lemur.purge_request_data(request_id)

    assert deletion_result == aai.LemurPurgeResponse(request_id=None, request_id_to_purge=request_id, deleted=True)
    assert [r["path"] for r in local.requests() if r["method"] == "DELETE"][-1] == f"/lemur/v3/{request_id}"
    with pytest.raises(aai.LemurError) as info:
        aai.Lemur().get_response_data(request_id)
    assert info.value.status_code == 404 and info.value.server_text == "LeMUR request not found"
    with pytest.raises(aai.LemurError) as info:
        aai.Lemur.purge_request_data(request_id)
    assert info.value.status_code == 404


def test_action_items(local: Any, calls: Any) -> None:
    t1, t2 = calls
    result = aai.Lemur(sources=[aai.LemurSource(t1), aai.LemurTranscriptSource(t2.id)]).action_items(
        answer_format="bullet points")
    assert result.response == lemur_action_items(words(t1, t2), "bullet points")
    assert result.response.splitlines()[:2] == ["Action items (bullet points) from 23 words:", "- Hello Bob."]
    assert isinstance(result, aai.LemurActionItemsResponse)
    assert aai.Lemur(sources=[t1]).action_items().response == lemur_action_items(words(t1))


def test_get_response_data(local: Any, calls: Any) -> None:
    t1, _ = calls
    task = t1.lemur.task("What is said?")
    again = aai.Lemur().get_response_data(task.request_id)
    assert isinstance(again, aai.LemurStringResponse)
    assert (again.request_id, again.response, again.usage) == (task.request_id, task.response, task.usage)
    qa = t1.lemur.question(aai.LemurQuestion(question="Who called?"))
    again = t1.lemur.get_response_data(qa.request_id)
    assert isinstance(again, aai.LemurQuestionResponse) and again.response == qa.response


def test_options_reach_the_server(local: Any, calls: Any) -> None:
    t1, _ = calls
    result = t1.lemur.task("Say it.", final_model="anthropic/some-future-model", max_output_size=5, temperature=0.3,
                           timeout=30)
    assert result.response == " ".join(f"Response to 'Say it.' based on {len(words(t1))} words: Hello".split()[:5])
    assert lemur_body(local, "task") == {"transcript_ids": [t1.id], "prompt": "Say it.",
                                         "final_model": "anthropic/some-future-model", "max_output_size": 5,
                                         "temperature": 0.3}


def test_async_variants(local: Any, calls: Any) -> None:
    t1, _ = calls
    lemur = t1.lemur
    futures = [lemur.task_async("What?"), lemur.summarize_async(), lemur.action_items_async(),
               lemur.question_async(aai.LemurQuestion(question="Why?"))]
    assert all(isinstance(f, concurrent.futures.Future) for f in futures)
    task, summary, items, qa = [f.result(timeout=60) for f in futures]
    assert task.response.startswith("Response to 'What?'") and summary.response.startswith("Summary of")
    assert items.response.startswith("Action items from") and qa.response[0].question == "Why?"
    assert lemur.get_response_data_async(task.request_id).result().response == task.response
    assert aai.Lemur.purge_request_data_async(task.request_id).result().deleted is True


# -- errors -----------------------------------------------------------------------------------------


def test_refused_before_sending(local: Any, calls: Any) -> None:
    t1, _ = calls
    before = len(local.requests())
    with pytest.raises(aai.InvalidArgumentError, match="transcript id or an input text"):
        aai.Lemur().task("Summarize")
    with pytest.raises(aai.InvalidArgumentError):
        t1.lemur.task("")
    with pytest.raises(aai.InvalidArgumentError):
        t1.lemur.task("x", temperature=1.5)
    with pytest.raises(TypeError, match="temperature must be a number, not bool"):
        t1.lemur.task("x", temperature=True)  # type: ignore[arg-type]
    with pytest.raises(aai.InvalidArgumentError):
        t1.lemur.task("x", max_output_size=0)
    with pytest.raises(aai.InvalidArgumentError):
        t1.lemur.question([])
    with pytest.raises(ValueError, match="Invalid source"):
        aai.LemurSource("not a transcript")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        aai.Lemur(sources=[aai.Transcript(None)])
    assert len(local.requests()) == before
    assert all(issubclass(aai.InvalidArgumentError, c) for c in (ValueError, aai.AssemblyAIError))


def test_server_errors(local: Any, calls: Any, tmp_path: Path) -> None:
    unknown = "6a0d6b4e-0000-4000-8000-000000000000"
    with pytest.raises(aai.LemurError) as info:
        aai.Lemur(sources=[aai.LemurTranscriptSource(unknown)]).task("Anything?")
    assert info.value.status_code == 400 and info.value.server_text == f"Transcript(s) not found: {unknown}"
    queued = aai.Transcriber().submit(str(write_wav(tmp_path / "q.wav", TEXT2, 3)))
    with pytest.raises(aai.LemurError) as info:
        queued.lemur.summarize()
    assert info.value.server_text == f"Transcript {queued.id} is not completed (status: queued)"
    with pytest.raises(aai.LemurError) as info:
        aai.Lemur().get_response_data(unknown)
    assert info.value.status_code == 404
    t1, _ = calls
    aai.settings.api_key = "wrong-key"
    with pytest.raises(aai.LemurError) as info:
        t1.lemur.task("x")
    assert info.value.status_code == 401
