"""The fault matrix of issue 10 through the Python binding: every public call that talks HTTP x
every fault the local server injects (docs/local-server.md, "Fault injection") on each request
the call makes ("legs"), once (count 1) and on every request (count -1). The same cases, faults,
expectations and time bound as tests/c/test_faults.c (docs/reliability.md); see test_faults.py.

aai.settings is global to a process, so cases run in worker processes (spawned, one local server
each): `worker_init` sets a worker up, `run_case` runs one case there and returns what failed.

A new row (a call that talks HTTP) is one `Call(...)` in CALLS below: its name, the call, its
legs, its error class; a prep function (made before the fault is armed) if it needs a fresh
object per case. The C matrix keeps its rows in tests/c/faults/rows_*.c.
"""

from __future__ import annotations

import ctypes
import io
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from native_testenv import API_KEY, MAKE_TEST_WAV  # noqa: E402 (before the package)
from localserver import LocalServer  # noqa: E402 (tests/localserver.py, on the path from native_testenv)

import assemblyai_native as aai  # noqa: E402
from assemblyai_native import _ffi  # noqa: E402
from assemblyai_native.streaming.v3 import StreamingClient, StreamingClientOptions  # noqa: E402

T = int(os.environ.get("AAI_FAULT_TIMEOUT_MS", "400")) / 1000.0  # the HTTP timeout under test
UPLOAD_STALL = 1.0  # uploads are bounded by a stall timer checked about once a second

IDEM, CREATE, NOREPEAT = "idempotent", "create", "not repeatable"


@dataclass(frozen=True)
class Leg:
    method: str
    regex: str
    cls: str = IDEM
    json: bool = True           # a cut body is detectable
    upload: bool = False        # every attempt must carry the whole source
    poll: bool = False          # a wait's polling GET (how many happen depends on timing)
    download: bool = False      # the redacted-audio download (not in the server's record)
    gone_after_delete: bool = False
    tts: bool = False           # a streamed answer (Text-to-Speech, LLM Gateway stream=True): a cut comes after the 200 (status_code 200)


UPLOAD = Leg("POST", r"^/v2/upload$", upload=True)
STREAM = Leg("POST", r"^/v2/upload$", NOREPEAT, upload=True)
CREATE_LEG = Leg("POST", r"^/v2/transcript$", CREATE)
POLL = Leg("GET", r"^/v2/transcript/[^/]+$", poll=True)
GET_ONE = Leg("GET", r"^/v2/transcript/[^/]+$")
LIST = Leg("GET", r"^/v2/transcript$")


def get(path_regex: str, json_body: bool = True) -> Leg:
    return Leg("GET", path_regex, json=json_body)


def create(path_regex: str) -> Leg:
    return Leg("POST", path_regex, CREATE)


# ---------------------------------------------------------------------------------------------
# The worker: one local server, settings pointed at it, objects the calls need
# ---------------------------------------------------------------------------------------------


class Worker:
    url = ""
    srv: Optional[LocalServer] = None
    dir = Path()
    wav_path = ""
    wav = b""
    transcriber: Any = None
    done: Any = None          # a completed transcript with PII-redacted audio
    audio_url = ""
    lemur_id = ""
    state: Dict[str, Any] = {}  # per case, made by a call's prep before the fault is armed
    init_error = ""


W = Worker()
_max_retries: List[Optional[int]] = [None]  # applied to every aai_client the binding makes


def start_server(*extra: str) -> LocalServer:
    """A worker's own server; it goes with its worker process (PR_SET_PDEATHSIG)."""
    return LocalServer(*extra, api_key=API_KEY, die_with_parent=True)


def admin(method: str, path: str, body: Any = None) -> Any:
    return W.srv.admin(method, path, body)


def recorded() -> List[Dict[str, Any]]:
    return W.srv.requests()


def _hook_client_new() -> None:
    """The persistent cases run with 1 retry (as the C matrix), which Python cannot set: every
    aai_client the binding makes gets the harness's max_retries (None: the library's default)."""
    lib = _ffi.lib
    original = lib.aai_client_new

    def client_new(out: Any) -> int:
        status = int(original(out))
        if status == 0 and _max_retries[0] is not None:
            lib.aai_client_set_max_retries(out._obj, _max_retries[0])
        return status

    lib.aai_client_new = client_new


def worker_init(wav_src: str, index_queue: Any) -> None:
    """Never raises: a Pool would start the worker again and again; the cases report it instead."""
    try:
        _worker_init(wav_src, index_queue.get(timeout=30))
    except Exception as exc:  # noqa: B902
        W.init_error = f"{type(exc).__name__}: {exc}"


def _worker_init(wav_src: str, index: int) -> None:
    import multiprocessing.util

    _hook_client_new()
    W.srv = start_server("--queued-ms", "30", "--processing-ms", "60", "--redacted-audio-ms", "10")
    W.url = W.srv.base_url
    multiprocessing.util.Finalize(None, _worker_exit, exitpriority=10)
    W.dir = Path(wav_src).parent / f"worker{index}"
    W.dir.mkdir()
    W.wav_path = str(W.dir / "audio.wav")
    shutil.copy(wav_src, W.wav_path)
    W.wav = Path(W.wav_path).read_bytes()
    aai.settings.base_url = W.url
    aai.settings.api_key = API_KEY
    aai.settings.polling_interval = 0.02
    aai.settings.http_timeout = T
    aai.settings.sync_base_url = W.url
    aai.settings.dictation_base_url = W.url + "/dictation"
    aai.settings.sync_http_timeout = T
    aai.settings.sync_live_http_timeout = T
    aai.settings.dictation_http_timeout = T
    aai.settings.tts_base_url = W.url
    aai.settings.tts_http_timeout = T
    aai.settings.tts_synthesize_http_timeout = T
    W.transcriber = aai.Transcriber()
    config = aai.TranscriptionConfig(redact_pii=True, redact_pii_policies=[aai.PIIRedactionPolicy.person_name],
                                     redact_pii_audio=True)
    W.done = W.transcriber.transcribe(W.wav_path, config)
    assert W.done.status == aai.TranscriptStatus.completed, W.done.error
    W.audio_url = W.done.audio_url
    W.done.get_redacted_audio_url()  # the redacted audio is made shortly after completion
    W.transcriber.submit(W.audio_url)
    W.transcriber.submit(W.audio_url)  # list pages of one need at least two transcripts
    W.lemur_id = aai.Lemur([W.done.id]).task("Anything?", timeout=T).request_id


def _worker_exit() -> None:
    if W.srv is not None:
        W.srv.stop()


# ---------------------------------------------------------------------------------------------
# The calls: prep (before the fault is armed), run (returns a summary, raises the call's error)
# ---------------------------------------------------------------------------------------------


def _done_transcript() -> Dict[str, Any]:
    return {"t": aai.Transcript.get_by_id(W.done.id)}  # a fresh object: exports cache nothing


def _queued_id() -> Dict[str, Any]:
    return {"id": W.transcriber.submit(W.audio_url).id}


def _own_done_id() -> Dict[str, Any]:
    return {"id": W.transcriber.transcribe(W.wav_path).id}  # its own upload: delete removes it


def _lemur_request() -> Dict[str, Any]:
    return {"id": aai.Lemur([W.done.id]).task("Anything?", timeout=T).request_id}


def _second_page() -> Dict[str, Any]:
    it = W.transcriber.list_all_transcripts(aai.ListTranscriptParameters(limit=1))
    next(it)  # the first page, before the fault
    return {"it": it}


def _transcript(t: Any) -> Dict[str, Any]:
    return {"id": t.id, "status": str(getattr(t.status, "value", t.status))}


def _group(result: Any) -> Dict[str, Any]:
    """(group, failures) of one item: the item's error is the call's; its transcript goes along."""
    group, failures = result
    if failures:
        raise failures[0]
    if len(group) != 1:
        raise AssertionError(f"a group of one came back with {len(group)} items and no failure")
    return _transcript(group.transcripts[0])


def _upload(url: str) -> Dict[str, Any]:
    return {"upload_url": url}


def _with_open(fn: Callable[[Any], Any]) -> Any:
    with open(W.wav_path, "rb") as f:
        return fn(f)


class _ReadOnly:
    def __init__(self, data: bytes) -> None:
        self._f = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._f.read(n)


def _save_redacted(t: Any) -> Dict[str, Any]:
    dest = W.dir / "redacted.wav"
    if dest.exists():
        dest.unlink()
    out: Dict[str, Any] = {}
    try:
        t.save_redacted_audio(dest)
    finally:
        out["file_mode"] = (dest.stat().st_mode & 0o777) if dest.exists() else None
        out["stray"] = sorted(p.name for p in W.dir.iterdir() if p.name not in ("audio.wav", "redacted.wav"))
        if dest.exists():
            dest.unlink()
        W.state["save"] = out
    return out


def _async(fn: Callable[[], Any]) -> Any:
    return fn().result(timeout=120)


def _llm() -> Any:
    return aai.LLMGateway(base_url=W.url, timeout=T)


Run = Callable[[Dict[str, Any]], Dict[str, Any]]


@dataclass(frozen=True)
class Call:
    name: str
    run: Run
    legs: Tuple[Leg, ...]
    error: type               # the exception class the binding documents for the call
    prep: Optional[Callable[[], Dict[str, Any]]] = None
    waits: bool = False       # waits for a transcript it made: a failure hands it back
    extra_hits: int = 0       # requests on the first leg a successful call makes beyond the policy's


tr = lambda: W.transcriber  # noqa: E731
# The Sync and Dictation APIs: one chunked multipart POST, never repeated (its audio is gone once sent).
SYNC_LEG = Leg("POST", r"^/v1/transcribe/live$", NOREPEAT)
DICTATION_LEG = Leg("POST", r"^/dictation/v1/transcribe/live$", NOREPEAT)


def _sync_live() -> Dict[str, Any]:
    with aai.SyncTranscriber().open_live() as session:
        for i in range(0, len(W.wav), 4000):
            session.write(W.wav[i:i + 4000])
    return {"text": session.result().text}
TE, LE, GE = aai.TranscriptError, aai.LemurError, aai.LLMGatewayError
REDACTED = get(r"^/v2/transcript/[^/]+/redacted-audio$")
DOWNLOAD = Leg("GET", r"^/_local/redacted-audio/", json=False, download=True)
LEMUR_GET = get(r"^/lemur/v3/[^/]+$")
TTS_SPEECH = Leg("POST", r"^/v1/speech$", NOREPEAT, tts=True)
TTS_EVENTS = Leg("POST", r"^/v1/speech/events$", NOREPEAT, tts=True)
TTS_TEXT = "Hello from the fault matrix."


def _tts() -> Any:
    return aai.TextToSpeech()


async def _tts_async() -> Dict[str, Any]:
    async with aai.AsyncTextToSpeech() as tts:
        return {"n": len((await tts.synthesize(TTS_TEXT)).audio)}

CALLS: Tuple[Call, ...] = (
    Call("SyncTranscriber.transcribe(path)", lambda s: {"text": aai.SyncTranscriber().transcribe(W.wav_path).text},
         (SYNC_LEG,), aai.SyncTranscriptError),
    Call("SyncTranscriber.transcribe_live(iterator)",
         lambda s: {"text": aai.SyncTranscriber().transcribe_live(iter([W.wav[:1000], W.wav[1000:]])).text},
         (SYNC_LEG,), aai.SyncTranscriptError),
    Call("SyncTranscriber.open_live", lambda s: _sync_live(), (SYNC_LEG,), aai.SyncTranscriptError),
    Call("SyncTranscriber.transcribe_async(path)",
         lambda s: {"text": aai.SyncTranscriber().transcribe_async(W.wav_path).result().text},
         (SYNC_LEG,), aai.SyncTranscriptError),
    Call("DictationTranscriber.transcribe_live(path)",
         lambda s: {"text": aai.DictationTranscriber().transcribe_live(W.wav_path).final_text},
         (DICTATION_LEG,), aai.DictationError),
    Call("upload_file(path)", lambda s: _upload(tr().upload_file(W.wav_path)), (UPLOAD,), TE),
    Call("upload_file(bytes)", lambda s: _upload(tr().upload_file(W.wav)), (UPLOAD,), TE),
    # A BytesIO and a regular file are re-readable: uploaded as bytes / a path, so retried.
    Call("upload_file(BytesIO)", lambda s: _upload(tr().upload_file(io.BytesIO(W.wav))), (UPLOAD,), TE),
    Call("upload_file(open file)", lambda s: _upload(_with_open(tr().upload_file)), (UPLOAD,), TE),
    # read() only: a stream the library cannot rewind, so never retried.
    Call("upload_file(read-only stream)", lambda s: _upload(tr().upload_file(_ReadOnly(W.wav))), (STREAM,), TE),
    Call("upload_file_async(path)", lambda s: _upload(_async(lambda: tr().upload_file_async(W.wav_path))), (UPLOAD,), TE),
    Call("submit(url)", lambda s: _transcript(tr().submit(W.audio_url)), (CREATE_LEG,), TE),
    Call("submit(path)", lambda s: _transcript(tr().submit(W.wav_path)), (UPLOAD, CREATE_LEG), TE),
    Call("submit(bytes)", lambda s: _transcript(tr().submit(W.wav)), (UPLOAD, CREATE_LEG), TE),
    Call("submit_async(path)", lambda s: _transcript(_async(lambda: tr().submit_async(W.wav_path))), (UPLOAD, CREATE_LEG), TE),
    Call("transcribe(url)", lambda s: _transcript(tr().transcribe(W.audio_url)), (CREATE_LEG, POLL), TE, waits=True),
    Call("transcribe(path)", lambda s: _transcript(tr().transcribe(W.wav_path)), (UPLOAD, CREATE_LEG, POLL), TE, waits=True),
    Call("transcribe(bytes)", lambda s: _transcript(tr().transcribe(W.wav)), (UPLOAD, CREATE_LEG, POLL), TE, waits=True),
    Call("transcribe(BytesIO)", lambda s: _transcript(tr().transcribe(io.BytesIO(W.wav))), (UPLOAD, CREATE_LEG, POLL), TE,
         waits=True),
    Call("transcribe_async(path)", lambda s: _transcript(_async(lambda: tr().transcribe_async(W.wav_path))),
         (UPLOAD, CREATE_LEG, POLL), TE, waits=True),
    Call("transcribe_async(url)", lambda s: _transcript(_async(lambda: tr().transcribe_async(W.audio_url))),
         (CREATE_LEG, POLL), TE, waits=True),
    Call("Transcript.get_by_id", lambda s: _transcript(aai.Transcript.get_by_id(W.done.id)), (GET_ONE,), TE),
    Call("Transcript.get_by_id_async", lambda s: _transcript(_async(lambda: aai.Transcript.get_by_id_async(W.done.id))),
         (GET_ONE,), TE),
    Call("Transcript.wait_for_completion", lambda s: _transcript(aai.Transcript(s["id"]).wait_for_completion()), (POLL,),
         TE, _queued_id, waits=True),
    Call("Transcript.wait_for_completion_async",
         lambda s: _transcript(_async(lambda: aai.Transcript(s["id"]).wait_for_completion_async())), (POLL,), TE,
         _queued_id, waits=True),
    Call("Transcript.delete_by_id", lambda s: _transcript(aai.Transcript.delete_by_id(s["id"])),
         (Leg("DELETE", r"^/v2/transcript/[^/]+$"),), TE, _own_done_id),
    Call("Transcript.delete_by_id_async", lambda s: _transcript(_async(lambda: aai.Transcript.delete_by_id_async(s["id"]))),
         (Leg("DELETE", r"^/v2/transcript/[^/]+$"),), TE, _own_done_id),
    Call("export_subtitles_srt", lambda s: {"n": len(W.done.export_subtitles_srt())},
         (get(r"^/v2/transcript/[^/]+/srt$", False),), TE),
    Call("export_subtitles_vtt", lambda s: {"n": len(W.done.export_subtitles_vtt())},
         (get(r"^/v2/transcript/[^/]+/vtt$", False),), TE),
    Call("get_sentences", lambda s: {"n": len(W.done.get_sentences())}, (get(r"^/v2/transcript/[^/]+/sentences$"),), TE),
    Call("get_paragraphs", lambda s: {"n": len(W.done.get_paragraphs())}, (get(r"^/v2/transcript/[^/]+/paragraphs$"),), TE),
    Call("word_search", lambda s: {"n": len(W.done.word_search(["hello", "you"]))},
         (get(r"^/v2/transcript/[^/]+/word-search$"),), TE),
    Call("get_redacted_audio_url", lambda s: {"url": s["t"].get_redacted_audio_url()}, (REDACTED,), TE, _done_transcript),
    # get_redacted_audio_url() waits until the audio is ready, then the library asks again and downloads.
    Call("save_redacted_audio", lambda s: _save_redacted(s["t"]), (REDACTED, DOWNLOAD), TE, _done_transcript,
         extra_hits=1),
    Call("list_transcripts", lambda s: {"n": len(tr().list_transcripts(aai.ListTranscriptParameters(limit=2)).transcripts)},
         (LIST,), aai.AssemblyAIError),
    Call("list_all_transcripts (next page)", lambda s: {"id": next(s["it"]).id}, (LIST,), aai.AssemblyAIError, _second_page),
    Call("transcribe_group", lambda s: _group(tr().transcribe_group([W.wav_path], return_failures=True)),
         (UPLOAD, CREATE_LEG, POLL), TE, waits=True),
    Call("transcribe_group_async",
         lambda s: _group(_async(lambda: tr().transcribe_group_async([W.wav_path], return_failures=True))),
         (UPLOAD, CREATE_LEG, POLL), TE, waits=True),
    Call("submit_group", lambda s: _group(tr().submit_group([W.audio_url], return_failures=True)), (CREATE_LEG,), TE),
    Call("TranscriptGroup.wait_for_completion (done)",
         lambda s: _group(aai.TranscriptGroup([W.done.id]).wait_for_completion(return_failures=True)), (GET_ONE,), TE),
    Call("TranscriptGroup.wait_for_completion (queued)",
         lambda s: _group(aai.TranscriptGroup([s["id"]]).wait_for_completion(return_failures=True)), (POLL,), TE,
         _queued_id, waits=True),
    Call("Lemur.task", lambda s: {"id": aai.Lemur([W.done.id]).task("What is said?", timeout=T).request_id},
         (create(r"^/lemur/v3/generate/task$"),), LE),
    Call("Lemur.summarize", lambda s: {"id": aai.Lemur([W.done.id]).summarize(timeout=T).request_id},
         (create(r"^/lemur/v3/generate/summary$"),), LE),
    Call("Lemur.action_items", lambda s: {"id": aai.Lemur([W.done.id]).action_items(timeout=T).request_id},
         (create(r"^/lemur/v3/generate/action-items$"),), LE),
    Call("Lemur.question",
         lambda s: {"id": aai.Lemur([W.done.id]).question(aai.LemurQuestion(question="Who speaks?"), timeout=T).request_id},
         (create(r"^/lemur/v3/generate/question-answer$"),), LE),
    Call("Lemur.task_async",
         lambda s: {"id": _async(lambda: aai.Lemur([W.done.id]).task_async("What is said?", timeout=T)).request_id},
         (create(r"^/lemur/v3/generate/task$"),), LE),
    Call("Lemur.question_async",
         lambda s: {"id": _async(lambda: aai.Lemur([W.done.id]).question_async(aai.LemurQuestion(question="Who?"),
                                                                               timeout=T)).request_id},
         (create(r"^/lemur/v3/generate/question-answer$"),), LE),
    Call("Lemur.get_response_data", lambda s: {"id": aai.Lemur().get_response_data(W.lemur_id, timeout=T).request_id},
         (LEMUR_GET,), LE),
    Call("Lemur.get_response_data_async",
         lambda s: {"id": _async(lambda: aai.Lemur().get_response_data_async(W.lemur_id, timeout=T)).request_id},
         (LEMUR_GET,), LE),
    Call("Lemur.purge_request_data", lambda s: {"deleted": aai.Lemur.purge_request_data(s["id"], timeout=T).deleted},
         (Leg("DELETE", r"^/lemur/v3/[^/]+$", gone_after_delete=True),), LE, _lemur_request),
    Call("Lemur.purge_request_data_async",
         lambda s: {"deleted": _async(lambda: aai.Lemur.purge_request_data_async(s["id"], timeout=T)).deleted},
         (Leg("DELETE", r"^/lemur/v3/[^/]+$", gone_after_delete=True),), LE, _lemur_request),
    Call("LLMGateway.chat_completion",
         lambda s: {"text": _llm().chat_completion("claude-sonnet-4-5-20250929",
                                                   [{"role": "user", "content": "Say hi"}]).text},
         (create(r"^/v1/chat/completions$"),), GE),
    Call("LLMGateway.chat_completion_async",
         lambda s: {"text": _async(lambda: _llm().chat_completion_async(
             "claude-sonnet-4-5-20250929", [{"role": "user", "content": "Say hi"}])).text},
         (create(r"^/v1/chat/completions$"),), GE),
    # Streamed: every chunk joined; a failure raises from the iteration (after what arrived).
    Call("LLMGateway.chat_completion(stream=True)",
         lambda s: {"text": "".join(c.choices[0].delta.content or "" for c in _llm().chat_completion(
             "gpt-4.1", [{"role": "user", "content": "Say hi to everyone"}], stream=True) if c.choices)},
         (Leg("POST", r"^/v1/chat/completions$", CREATE, tts=True),), GE),
    Call("LLMGateway.understanding",
         lambda s: {"id": _llm().understanding(W.done.id, {"request": {"translation": {"target_languages": ["de"]}}})
                    .request_id},
         (create(r"^/v1/understanding$"),), GE),
    Call("LLMGateway.understanding_async",
         lambda s: {"id": _async(lambda: _llm().understanding_async(
             W.done.id, {"request": {"translation": {"target_languages": ["de"]}}})).request_id},
         (create(r"^/v1/understanding$"),), GE),
    Call("RealtimeTranscriber.create_temporary_token",
         lambda s: {"n": len(aai.RealtimeTranscriber.create_temporary_token(expires_in=60))},
         (create(r"^/v2/realtime/token$"),), aai.RealtimeError),
    Call("StreamingClient.create_temporary_token",
         lambda s: {"n": len(StreamingClient(StreamingClientOptions(api_key=API_KEY)).create_temporary_token(60))},
         (get(r"^/v3/token$"),), aai.AssemblyAIError),
    Call("TextToSpeech.synthesize", lambda s: {"n": len(_tts().synthesize(TTS_TEXT).audio)}, (TTS_SPEECH,), aai.TTSError),
    Call("TextToSpeech.stream", lambda s: {"n": len(_tts().stream(TTS_TEXT).read())}, (TTS_SPEECH,), aai.TTSError),
    Call("TextToSpeech.stream_events", lambda s: {"n": len(_tts().stream_events(TTS_TEXT).read())}, (TTS_EVENTS,),
         aai.TTSError),
    Call("AsyncTextToSpeech.synthesize", lambda s: __import__("asyncio").run(_tts_async()), (TTS_SPEECH,), aai.TTSError),
    # asyncio (prerecorded.v2.AsyncTranscriber, and the Sync and Dictation async classes): each
    # call in an event loop of its own, its transcriber made there (a copy of the settings then).
    Call("AsyncTranscriber.transcribe(url)", lambda s: _transcript(_aio_run(lambda t: t.transcribe(W.audio_url))),
         (CREATE_LEG, POLL), TE, waits=True),
    Call("AsyncTranscriber.transcribe(path)", lambda s: _transcript(_aio_run(lambda t: t.transcribe(W.wav_path))),
         (UPLOAD, CREATE_LEG, POLL), TE, waits=True),
    Call("AsyncTranscriber.submit(bytes)", lambda s: _transcript(_aio_run(lambda t: t.submit(W.wav))),
         (UPLOAD, CREATE_LEG), TE),
    Call("AsyncTranscriber.get_by_id", lambda s: _transcript(_aio_run(lambda t: t.get_by_id(W.done.id))), (GET_ONE,), TE),
    Call("AsyncTranscript.wait_for_completion",
         lambda s: _transcript(_aio_run(lambda t: aai.AsyncTranscript(s["id"], t.client).wait_for_completion())),
         (POLL,), TE, _queued_id, waits=True),
    Call("AsyncTranscriber.delete_by_id", lambda s: _transcript(_aio_run(lambda t: t.delete_by_id(s["id"]))),
         (Leg("DELETE", r"^/v2/transcript/[^/]+$"),), TE, _own_done_id),
    Call("AsyncTranscriber.list_transcripts",
         lambda s: {"n": len(_aio_run(lambda t: t.list_transcripts(aai.ListTranscriptParameters(limit=2))).transcripts)},
         (LIST,), aai.AssemblyAIError),
    Call("AsyncTranscript.get_sentences",
         lambda s: {"n": len(_aio_run(lambda t: _async_done(t).get_sentences()))},
         (get(r"^/v2/transcript/[^/]+/sentences$"),), TE),
    Call("AsyncSyncTranscriber.transcribe(path)",
         lambda s: {"text": __import__("asyncio").run(aai.AsyncSyncTranscriber().transcribe(W.wav_path)).text},
         (SYNC_LEG,), aai.SyncTranscriptError),
    Call("AsyncDictationTranscriber.transcribe_live(path)",
         lambda s: {"text": __import__("asyncio").run(aai.AsyncDictationTranscriber().transcribe_live(W.wav_path)).final_text},
         (DICTATION_LEG,), aai.DictationError),
    # The LLM Gateway from asyncio (llm_gateway.v1.AsyncLLMGateway): a completion, and a streamed one
    # (a failure raises from the async iteration, after what arrived), as their sync rows.
    Call("AsyncLLMGateway.chat.completions.create",
         lambda s: {"text": _llm_async(lambda gw: gw.chat.completions.create(
             model="claude-sonnet-4-5-20250929", messages=[{"role": "user", "content": "Say hi"}]))
             .choices[0].message.content},
         (create(r"^/v1/chat/completions$"),), GE),
    Call("AsyncLLMGateway.chat.completions.create(stream=True)",
         lambda s: {"text": "".join(c.choices[0].delta.content or "" for c in _llm_async(_llm_async_stream) if c.choices)},
         (Leg("POST", r"^/v1/chat/completions$", CREATE, tts=True),), GE),
    Call("AsyncLLMGateway.understanding.create",
         lambda s: {"id": _llm_async(lambda gw: gw.understanding.create(
             transcript_id=W.done.id, request={"translation": {"target_languages": ["de"]}})).request_id},
         (create(r"^/v1/understanding$"),), GE),
)


def _llm_async(call: Callable[[Any], Any]) -> Any:
    """Runs `call(gateway)` (a coroutine) with a new AsyncLLMGateway, in an event loop of its own."""
    import asyncio

    async def main() -> Any:
        async with aai.AsyncLLMGateway(base_url=W.url, timeout=T) as gateway:
            return await call(gateway)

    return asyncio.run(main())


async def _llm_async_stream(gateway: Any) -> List[Any]:
    stream = await gateway.chat.completions.create(model="gpt-4.1", messages=[{"role": "user", "content": "Say hi to everyone"}],
                                                   stream=True)
    return [chunk async for chunk in stream]


def _aio_run(call: Callable[[Any], Any]) -> Any:
    """Runs `call(transcriber)` (a coroutine) with a new AsyncTranscriber, in an event loop of its own."""
    import asyncio

    async def main() -> Any:
        async with aai.AsyncTranscriber() as transcriber:
            return await call(transcriber)

    return asyncio.run(main())


def _async_done(transcriber: Any) -> Any:
    """The completed transcript as an AsyncTranscript of `transcriber` (no request)."""
    from assemblyai_native.prerecorded.v2.async_transcript import AsyncTranscript

    t = aai.AsyncTranscript(W.done.id, transcriber.client)
    t._set_handle(W.done._require()[0])
    assert isinstance(t, AsyncTranscript)
    return t

# ---------------------------------------------------------------------------------------------
# Faults and what each case expects
# ---------------------------------------------------------------------------------------------

F429, F500, F502, F503, F504, F500_AFTER = "429", "500", "502", "503", "504", "500_after_handling"
RESET, TRUNCATE, MALFORMED, SLOW, DELAY, HANG = "reset", "truncate", "malformed_json", "slow", "delay_past_timeout", "hang"
TRANSIENT = (F429, F500, F502, F503, F504, F500_AFTER, RESET, TRUNCATE, MALFORMED, SLOW, DELAY, HANG)
PERSISTENT = (F429, F503, F500_AFTER, RESET, TRUNCATE, MALFORMED, DELAY, HANG)
STATUS = {F429: 429, F500: 500, F502: 502, F503: 503, F504: 504, F500_AFTER: 500}


def fault_json(fault: str, leg: Leg, count: int) -> Dict[str, Any]:
    t_ms = int(1000 * (UPLOAD_STALL if leg.upload else T))
    f: Dict[str, Any]
    if fault in STATUS:
        f = {"kind": "status", "status": STATUS[fault]}
        if fault == F429:
            f["retry_after"] = 0
        if fault == F500_AFTER:
            f["phase"] = "after"
    elif fault == SLOW:
        f = {"kind": "delay", "delay_ms": int(T * 1000) // 4}
    elif fault == DELAY:
        f = {"kind": "delay", "delay_ms": 3 * t_ms + 2000}
    elif fault == HANG:
        f = {"kind": "hang", "delay_ms": 3 * t_ms + 2000}
    else:
        f = {"kind": fault}
    # Uploads: let the server take (and record) every attempt's body, then fail the answer.
    if leg.upload and (fault in STATUS or fault in (DELAY, HANG)):
        f["phase"] = "after"
    f.update(method=leg.method, path="/", path_regex=leg.regex, count=count)
    return f


@dataclass
class Expect:
    status: Optional[str] = None   # the library status name on the exception (None: success)
    message: str = ""
    attempts: int = 1
    may_have_received: bool = False
    http: Optional[int] = None     # the exception's status_code


def expected(fault: str, leg: Leg, persistent: bool, max_retries: int) -> Expect:
    if fault == SLOW or (fault == MALFORMED and not leg.json):
        return Expect()  # within the timeout / a cut text or audio body is not detectable
    if fault == F429:
        status, msg = "AAI_ERR_RATE_LIMITED", "HTTP 429"
    elif fault in STATUS:
        status, msg = "AAI_ERR_SERVER", f"HTTP {STATUS[fault]}"
    elif fault in (RESET, TRUNCATE):
        status, msg = "AAI_ERR_CONNECTION", "connection"
    elif fault == MALFORMED:
        status, msg = "AAI_ERR_PROTOCOL", "malformed JSON"
    else:
        status, msg = "AAI_ERR_TIMEOUT", "timed out"
    if leg.download and fault in STATUS and fault != F429:
        msg = "HTTP 5"
    retried = {IDEM: fault != MALFORMED, CREATE: fault == F429, NOREPEAT: False}[leg.cls]
    if not persistent and retried:
        if leg.gone_after_delete and fault in (RESET, TRUNCATE):
            # The first attempt deleted it and its answer was lost: the retry finds nothing.
            return Expect("AAI_ERR_NOT_FOUND", "earlier attempt", 2, http=404)
        return Expect(attempts=2)
    # status_code: the answer's status; none without an answer (reset, cut, timed out).
    http = 200 if fault == MALFORMED or (leg.tts and fault in (RESET, TRUNCATE)) else STATUS.get(fault)
    return Expect(status, msg, max_retries + 1 if retried else 1, leg.cls == CREATE and fault != F429, http)


def budget(leg: Leg, e: Expect, waits: bool) -> float:
    """The longest a case may take: every attempt up to its time limit, the backoffs, a margin."""
    t = max(T, UPLOAD_STALL) + 1.0 if leg.upload else T
    b = e.attempts * (t + 0.3) + sum(0.25 * 2 ** i for i in range(e.attempts - 1)) + 2.5
    return b + (1.5 if waits else 0.0)


@dataclass(frozen=True)
class Case:
    call: int      # index into CALLS
    leg: int
    fault: str
    persistent: bool

    @property
    def name(self) -> str:
        c = CALLS[self.call]
        lg = c.legs[self.leg]
        return f"{c.name} [{lg.method} {lg.regex}] x {self.fault} {'every time' if self.persistent else 'once'}"


def all_cases() -> List[Case]:
    cases = []
    for ci, call in enumerate(CALLS):
        for li, leg in enumerate(call.legs):
            for persistent, faults in ((False, TRANSIENT), (True, PERSISTENT)):
                for fault in faults:
                    # 500 after handling differs from 500 before only where the request creates something.
                    if fault == F500_AFTER and leg.cls != CREATE:
                        continue
                    cases.append(Case(ci, li, fault, persistent))
    return cases


# ---------------------------------------------------------------------------------------------
# Running a case (in a worker)
# ---------------------------------------------------------------------------------------------


def run_case(case: Case) -> Tuple[str, List[str], float, float]:
    """Runs `case`; returns its name, what was wrong (empty: passed), how long the call took and
    its time limit."""
    why: List[str] = []
    if W.init_error:
        return case.name, [f"worker setup failed: {W.init_error}"], 0.0, 0.0
    try:
        elapsed, limit = _run_case(case, why)
    except Exception as exc:  # the harness itself failed: report it as the case's failure
        why.append(f"harness: {type(exc).__name__}: {exc}")
        elapsed, limit = 0.0, 0.0
    return case.name, why, elapsed, limit


def _run_case(case: Case, why: List[str]) -> Tuple[float, float]:
    call = CALLS[case.call]
    leg = call.legs[case.leg]
    max_retries = 1 if case.persistent else 3  # 3: the library's default, which Python users get
    e = expected(case.fault, leg, case.persistent, max_retries)
    _max_retries[0] = None
    W.state = call.prep() if call.prep else {}
    admin("DELETE", "/_local/faults")
    admin("DELETE", "/_local/requests")
    _max_retries[0] = 1 if case.persistent else None
    aai.settings.http_timeout = T  # a new client: the retry count above applies
    admin("POST", "/_local/faults", fault_json(case.fault, leg, -1 if case.persistent else 1))
    result: Optional[Dict[str, Any]] = None
    exc: Optional[BaseException] = None
    t0 = time.monotonic()
    try:
        result = call.run(W.state)
    except BaseException as caught:  # noqa: B902 - anything at all is checked below
        exc = caught
    elapsed = time.monotonic() - t0
    admin("DELETE", "/_local/faults")
    _max_retries[0] = None
    aai.settings.http_timeout = T  # back to the library's default retries for the next prep

    if exc is None and e.status is not None:
        why.append(f"succeeded ({result}), want {e.status} ({e.message})")
    if exc is not None:
        _check_error(exc, call, leg, e, why)
    limit = budget(leg, e, leg.poll or len(call.legs) > 1)
    if elapsed > limit:
        why.append(f"took {elapsed:.2f} s, budget {limit:.2f} s")
    _check_record(leg, e, why, call.extra_hits if exc is None and case.leg == 0 else 0)
    if exc is not None and call.waits and leg.poll:
        t = getattr(exc, "transcript", None)
        if t is None or not t.id:
            why.append("the wait gave up without handing back the transcript (exc.transcript)")
    if result is not None and leg.poll and result.get("status") != "completed":
        why.append(f"transcript {result.get('status')}")
    if result is not None and "upload_url" in result and leg.cls == IDEM and not _stored_equals_source(result["upload_url"]):
        why.append("the stored upload differs from the source")
    save = W.state.get("save")
    if save is not None:
        if exc is None and save["file_mode"] != 0o600:
            why.append(f"saved file mode {save['file_mode']!r}, want 0600")
        if exc is not None and save["file_mode"] is not None:
            why.append("a failed download left the destination file")
        if save["stray"]:
            why.append(f"files left beside the destination: {save['stray']}")
    return elapsed, limit


def _check_error(exc: BaseException, call: Call, leg: Leg, e: Expect, why: List[str]) -> None:
    if not isinstance(exc, aai.AssemblyAIError) or isinstance(exc, (OSError, ctypes.ArgumentError)):
        why.append(f"raised {type(exc).__name__}: {exc!r}, want {call.error.__name__}")
        return
    if e.status is None:
        why.append(f"raised {exc!r}, want success")
        return
    want_cls = aai.RedactedAudioUnavailableError if leg.download else call.error
    if not isinstance(exc, want_cls):
        why.append(f"raised {type(exc).__name__}, want {want_cls.__name__}")
    msg = str(exc)
    if exc.status != e.status:
        why.append(f"status {exc.status}, want {e.status} ({msg})")
    if exc.status_code != e.http:
        why.append(f"status_code {exc.status_code}, want {e.http}")
    # errors.py: retryable for a connection failure, a timeout, HTTP 429 or 5xx.
    transient = e.status in ("AAI_ERR_RATE_LIMITED", "AAI_ERR_SERVER", "AAI_ERR_CONNECTION", "AAI_ERR_TIMEOUT")
    if transient and exc.retryable is not True:
        why.append(f"retryable {exc.retryable!r} for {e.status}")
    if not msg:
        why.append("empty message")
    elif e.message.lower() not in msg.lower():
        why.append(f"message {msg!r} does not say {e.message!r}")
    if API_KEY in msg:
        why.append("the message contains the API key")
    if e.may_have_received and "may have" not in msg:
        why.append(f"message {msg!r} does not warn that the request may have been received")
    if leg.download:
        if "redacted-audio" not in msg:
            why.append(f"message {msg!r} does not name the download")
    elif f"{leg.method} " not in msg:
        why.append(f"message {msg!r} does not name the request")


def _check_record(leg: Leg, e: Expect, why: List[str], extra: int) -> None:
    if leg.download:
        return  # downloads are not in the server's record
    hits = [r for r in recorded() if r.get("method") == leg.method and re.search(leg.regex, r.get("path", ""))]
    for i, r in enumerate(hits):
        if leg.upload and r.get("body_size") != len(W.wav):
            why.append(f"upload attempt {i + 1} carried {r.get('body_size')} bytes, want {len(W.wav)}")
    want = e.attempts + extra
    if (len(hits) < want) if leg.poll else (len(hits) != want):
        why.append(f"{len(hits)} {leg.method} requests reached the server, want {'>= ' if leg.poll else ''}{want}")


def _stored_equals_source(upload_url: str) -> bool:
    path = upload_url[upload_url.find("/_local/uploads/"):]
    with urllib.request.urlopen(W.url + path, timeout=10) as resp:
        return bool(resp.read() == W.wav)


def make_wav(path: Path) -> None:
    subprocess.run([sys.executable, str(MAKE_TEST_WAV), str(path), "--text",
                    "A: Hello there. How are you? B: I am fine.", "--seconds", "0.5"],
                   check=True, capture_output=True)

