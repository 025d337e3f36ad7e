"""What the local server should answer, computed from its documented rules
(docs/local-server.md), which tests/server/rules.py implements independently of the server.
The tests compare the binding's typed results with these values."""

from __future__ import annotations

import struct
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from native_testenv import MAKE_TEST_WAV, REPO_ROOT  # first: it chooses the library

import assemblyai_native as aai  # noqa: E402

sys.path.insert(0, str(REPO_ROOT / "tests" / "server"))
import rules  # noqa: E402  (tests/server/rules.py)


def write_wav(path: Path, text: str, seconds: float = 12.0, *extra: str) -> Path:
    """A WAV whose transcript on the local server is `text` (scripts/make-test-wav)."""
    subprocess.run([sys.executable, str(MAKE_TEST_WAV), str(path), "--text", text, "--seconds", str(seconds), *extra],
                   check=True, capture_output=True, text=True)
    return path


def sent_body(local: Any) -> Dict[str, Any]:
    """The config of the last transcript request the server received (without audio_url)."""
    body = [r for r in local.requests() if r["method"] == "POST" and r["path"] == "/v2/transcript"][-1]["body"]
    return {k: v for k, v in body.items() if k != "audio_url"}


def as_words(ws: List[Dict[str, Any]], cls: Any = aai.Word) -> List[Any]:
    return [cls(text=w["text"], start=w["start"], end=w["end"], confidence=w["confidence"], speaker=w["speaker"],
                channel=w["channel"]) for w in ws]


def wav_duration_ms(path: Path) -> int:
    """data chunk size * 1000 / byte rate, rounded down (as the server reads it)."""
    data = path.read_bytes()
    offset, byte_rate, data_size = 12, None, None
    while offset + 8 <= len(data):
        cid, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        size = min(size, len(data) - offset - 8)
        if cid == b"fmt ":
            byte_rate = struct.unpack("<I", data[offset + 16:offset + 20])[0]
        elif cid == b"data":
            data_size = size
        offset += 8 + size + (size & 1)
    assert byte_rate and data_size is not None
    return data_size * 1000 // byte_rate


def _strip_punct(token: str) -> str:
    """punctuate: false: drop punctuation except ' ’ - between letters or digits."""
    out = []
    for i, c in enumerate(token):
        if unicodedata.category(c).startswith("P"):
            inner = c in "'\u2019-" and 0 < i < len(token) - 1 and token[i - 1].isalnum() and token[i + 1].isalnum()
            if not inner:
                continue
        out.append(c)
    return "".join(out)


def recognised_words(text: str, duration_ms: int, request: Dict[str, Any]) -> List[Dict[str, Any]]:
    """"Text from audio": tokens, speaker markers, timing in the window, confidences. Every word
    carries its speaker letter (the pipeline needs it); `speaker` is reset later without labels."""
    tokens: List[Tuple[str, str]] = []
    speaker = "A"
    for token in text.split():
        if len(token) == 2 and token[1] == ":" and "A" <= token[0] <= "Z":
            speaker = token[0]
            continue
        tokens.append((token, speaker))
    kept = []
    for token, spk in tokens:
        word = token
        if request.get("punctuate") is False:
            word = _strip_punct(word)
        if request.get("format_text") is False:
            word = word.lower()
        if word:
            kept.append((token, word, spk))
    n = len(kept)
    s = min(max(request.get("audio_start_from") or 0, 0), duration_ms)
    e = request.get("audio_end_at")
    e = max(s, min(duration_ms if e is None else e, duration_ms))
    words = []
    for i, (token, word, spk) in enumerate(kept):
        start = s + i * (e - s) // n
        end = max(start, s + (i + 1) * (e - s) // n - 10)
        words.append({"text": word, "start": start, "end": end,
                      "confidence": (80 + sum(token.encode("utf-8")) % 20) / 100, "speaker": spk, "channel": None})
    return words


@dataclass
class Expected:
    words: List[Dict[str, Any]]      # final words; speaker None without speaker labels
    cores: List[str]
    entity_spans: List[Tuple[str, int, int]]
    sents: List[Tuple[int, int]]
    paras: List[Tuple[int, int]]
    labelled: bool

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)


def expect(text: str, wav: Path, request: Optional[Dict[str, Any]] = None) -> Expected:
    """The transcript the server makes of `wav` (whose comment is `text`) for `request`."""
    request = dict(request or {})
    words = recognised_words(text, wav_duration_ms(wav), request)
    final, cores, spans, _ = rules.apply_pipeline(words, request)
    labelled = bool(request.get("speaker_labels"))
    sents = rules.sentences(final, labelled)
    paras = rules.paragraphs(sents, final, labelled)
    if not labelled:
        final = [{**w, "speaker": None} for w in final]
    return Expected(final, cores, spans, sents, paras, labelled)


def segments(exp: Expected, ranges: List[Tuple[int, int]], with_speaker: bool) -> List[Dict[str, Any]]:
    out = []
    for a, b in ranges:
        ws = exp.words[a:b]
        out.append({"text": " ".join(w["text"] for w in ws), "start": ws[0]["start"], "end": ws[-1]["end"],
                    "confidence": rules.mean([w["confidence"] for w in ws]),
                    "speaker": ws[0]["speaker"] if with_speaker and exp.labelled else None, "words": ws})
    return out


def paragraph_ranges(exp: Expected) -> List[Tuple[int, int]]:
    return [(exp.sents[a][0], exp.sents[b - 1][1]) for a, b in exp.paras]


def utterance_ranges(exp: Expected) -> List[Tuple[int, int]]:
    out, start = [], 0
    for i, w in enumerate(exp.words):
        if i == len(exp.words) - 1 or exp.words[i + 1]["speaker"] != w["speaker"]:
            out.append((start, i + 1))
            start = i + 1
    return out


# -- LeMUR (docs/local-server.md, "LeMUR") --------------------------------------------------


def lemur_lead(head: str, words: List[str]) -> str:
    return f"{head}: {' '.join(words[:10])}" if words else f"{head}:"


def lemur_action_items(words: List[str], answer_format: Optional[str] = None) -> str:
    fmt = f" ({answer_format})" if answer_format else ""
    lines = [f"Action items{fmt} from {len(words)} words:"]
    sent: List[str] = []
    count = 0
    for i, w in enumerate(words):
        sent.append(w)
        if rules.ends_sentence(w) or i == len(words) - 1:
            if count < 3:
                lines.append("- " + " ".join(sent[:6]))
            count += 1
            sent = []
    return "\n".join(lines)
