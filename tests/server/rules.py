"""The documented rules of assemblyai-server (docs/local-server.md), written again in Python,
independently of the server, so the tests check the server against the document.

Words are dicts as in the API (`text`, `start`, `end`, `confidence`, `speaker`, `channel`).
"""

import unicodedata

# ---------------------------------------------------------------------------------------------
# Word lists (docs/local-server.md, "Word lists")

FILLERS = {"um", "umm", "uh", "uhm", "hmm", "mhm", "uh-huh", "er", "erm", "ah"}
PROFANITY = {"damn", "shit", "fuck", "fucking", "bitch", "bastard", "crap", "asshole", "dick", "piss"}
ABBREVIATIONS = {"Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr"}
STOPWORDS = set("""a an the and or but if so of to in on at by for with from as is are was were be been being am
do does did have has had i you he she it we they me him her us them my your his its our their this that these
those there here what which who not no yes can will would just very too also then than all any some about into
out up down over again how why when where more most much many one get got like well oh okay""".split())
POSITIVE = set("""good great excellent happy love like wonderful amazing best nice thank thanks glad enjoy fantastic
perfect better awesome beautiful pleased""".split())
NEGATIVE = set("""bad terrible awful sad hate worst poor angry horrible wrong problem sorry unfortunately fail failed
worse disappointed difficult dangerous hurt""".split())
CONTENT_SAFETY = [
    ("accidents", {"crash", "crashed", "accident", "collision", "injured"}),
    ("alcohol", {"beer", "wine", "vodka", "whiskey", "drunk"}),
    ("crime_violence", {"kill", "killed", "murder", "attack", "shooting", "robbery"}),
    ("disasters", {"wildfire", "wildfires", "earthquake", "flood", "hurricane", "tornado"}),
    ("drugs", {"cocaine", "heroin", "drugs", "overdose"}),
    ("gambling", {"casino", "poker", "gambling", "jackpot"}),
    ("health_issues", {"cancer", "disease", "illness", "pandemic", "asthma"}),
    ("profanity", PROFANITY),
    ("weapons", {"gun", "guns", "rifle", "weapon", "weapons", "pistol"}),
]
TOPICS = [
    ("Business>Business and Finance", {"money", "bank", "stock", "stocks", "market", "economy", "business"}),
    ("Education", {"school", "student", "students", "university", "professor", "teacher", "lesson"}),
    ("Food & Drink", {"food", "pizza", "cooking", "recipe", "restaurant", "coffee"}),
    ("Healthy Living", {"health", "doctor", "hospital", "exercise", "medicine"}),
    ("Movies", {"movie", "movies", "film", "cinema", "actor"}),
    ("Music and Audio", {"music", "song", "songs", "guitar", "album", "concert"}),
    ("News and Politics>Politics", {"election", "president", "government", "senate", "vote"}),
    ("Science>Environment", {"climate", "weather", "smoke", "wildfire", "wildfires", "pollution", "air"}),
    ("Sports", {"football", "soccer", "basketball", "tennis", "goal", "team"}),
    ("Technology & Computing", {"computer", "software", "code", "programming", "internet", "app"}),
    ("Travel", {"travel", "flight", "hotel", "airport", "vacation", "trip"}),
]
TITLES = {"Mr", "Mrs", "Ms", "Dr", "Prof"}
LOCATIONS = ["New York", "San Francisco", "Los Angeles", "London", "Paris", "Berlin", "Tokyo", "Chicago", "Boston",
             "Toronto", "Sydney", "Madrid", "Rome", "Dublin", "Canada", "France", "Germany", "Japan", "Spain", "Italy",
             "Ireland", "Maine", "Maryland", "Minnesota"]
ORGANIZATIONS = {"AssemblyAI", "Google", "Microsoft", "Apple", "Amazon", "NASA", "NPR"}
MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"}
LANGUAGES = [
    ("en", set("the and is are of to that it you this was for with".split())),
    ("es", set("el la los las y es que un una por con para del".split())),
    ("fr", set("le les et est une des pour avec dans il elle du".split())),
    ("de", set("der die das und ist nicht ein eine mit zu den ich".split())),
]
SYNTHETIC_VOCABULARY = """the quick brown fox jumps over lazy dog and then runs into a quiet green field where small
birds sing every morning before sun rises above old stone bridge near river bank""".split()

# ---------------------------------------------------------------------------------------------
# Words


def is_punct(c):
    return unicodedata.category(c).startswith("P")


def split_word(text):
    """(prefix, core, suffix): leading and trailing Unicode punctuation (P*) around the core."""
    lo, hi = 0, len(text)
    while lo < hi and is_punct(text[lo]):
        lo += 1
    while hi > lo and is_punct(text[hi - 1]):
        hi -= 1
    return text[:lo], text[lo:hi], text[hi:]


def key(text):
    return split_word(text)[1].lower()


def mean(values):
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def apply_pipeline(words, request):
    """The text features in the documented order; words carry internal speakers ("A", ...).
    Returns (final words, cores, entities [(type, start_index, end_index_exclusive)], redacted indexes)."""
    parts = [list(split_word(w["text"])) for w in words]
    words = [dict(w) for w in words]
    if not request.get("disfluencies"):
        keep = [i for i, p in enumerate(parts) if p[1].lower() not in FILLERS]
        words, parts = [words[i] for i in keep], [parts[i] for i in keep]
    rules = request.get("custom_spelling") or []
    if rules:
        out_w, out_p, i = [], [], 0
        keys = [p[1].lower() for p in parts]
        while i < len(words):
            done = False
            for rule in rules:
                for frm in rule["from"]:
                    toks = [key(t) for t in frm.split()]
                    toks = [t for t in toks if t]
                    k = len(toks)
                    if k and keys[i:i + k] == toks:
                        p = [parts[i][0], rule["to"], parts[i + k - 1][2]]
                        seg = words[i:i + k]
                        out_w.append({**seg[0], "text": "".join(p), "end": seg[-1]["end"],
                                      "confidence": mean([w["confidence"] for w in seg])})
                        out_p.append(p)
                        i += k
                        done = True
                        break
                if done:
                    break
            if not done:
                out_w.append(words[i])
                out_p.append(parts[i])
                i += 1
        words, parts = out_w, out_p
    if request.get("filter_profanity"):
        for p in parts:
            if p[1].lower() in PROFANITY:
                p[1] = p[1][0] + "*" * (len(p[1]) - 1)
    entities = detect_entities(parts) if request.get("entity_detection") or request.get("redact_pii") else []
    redacted = set()
    if request.get("redact_pii"):
        policies = set(request.get("redact_pii_policies") or [])
        by_name = request.get("redact_pii_sub") == "entity_name"
        for typ, a, b in entities:
            if typ in policies:
                for i in range(a, b):
                    if i not in redacted:
                        redacted.add(i)
                        parts[i][1] = f"[{typ.upper()}]" if by_name else "#" * len(parts[i][1])
    for w, p in zip(words, parts):
        w["text"] = "".join(p)
    return words, [p[1] for p in parts], entities, sorted(redacted)


def _digits(s):
    return all("0" <= c <= "9" for c in s)


def _is_email(s):
    halves = s.split("@")
    return len(halves) == 2 and halves[0] != "" and "." in halves[1] and not halves[1].startswith(".")


def _is_phone(s):
    return len(s) == 12 and s[3] == "-" and s[7] == "-" and _digits(s[:3] + s[4:7] + s[8:])


def _is_money(s):
    return len(s) >= 2 and s[0] == "$" and _digits(s[1]) and all(_digits(c) or c in ",." for c in s[2:])


def _is_number(s):
    return s != "" and _digits(s[0]) and all(_digits(c) or c in ",." for c in s)


def _is_day(s):
    for e in ("st", "nd", "rd", "th"):
        if s.endswith(e):
            s = s[:-2]
            break
    return 1 <= len(s) <= 2 and _digits(s) and 1 <= int(s) <= 31


def detect_entities(parts):
    locs = sorted(enumerate(LOCATIONS), key=lambda e: (-len(e[1].split()), e[0]))
    out, i, n = [], 0, len(parts)
    while i < n:
        core = parts[i][1]
        if core in TITLES and i + 1 < n and parts[i + 1][1][:1].isupper():
            j = i + 2
            while j < n and parts[j - 1][2] == "" and parts[j][1][:1].isupper():
                j += 1
            out.append(("person_name", i + 1, j))
            i = j
            continue
        found = None
        low = core.lower()
        if _is_email(core):
            found = ("email_address", 1)
        elif low.startswith(("http://", "https://", "www.")):
            found = ("url", 1)
        elif _is_phone(core):
            found = ("phone_number", 1)
        elif _is_money(core):
            found = ("money_amount", 1)
        elif core in MONTHS:
            found = ("date", 2 if parts[i][2] == "" and i + 1 < n and _is_day(parts[i + 1][1]) else 1)
        else:
            for _, name in locs:
                toks = name.split()
                if i + len(toks) <= n and all(parts[i + j][1] == t and (j == len(toks) - 1 or parts[i + j][2] == "")
                                              for j, t in enumerate(toks)):
                    found = ("location", len(toks))
                    break
            if found is None and core in ORGANIZATIONS:
                found = ("organization", 1)
            elif found is None and _is_number(core):
                found = ("number_sequence", 1)
        if found:
            out.append((found[0], i, i + found[1]))
            i += found[1]
        else:
            i += 1
    return out


def ends_sentence(text):
    t = text.rstrip("\"')]\u201d\u2019")
    if not t or t[-1] not in ".?!":
        return False
    if t[-1] == ".":
        _, core, suffix = split_word(text)
        if core in ABBREVIATIONS and suffix == ".":
            return False
    return True


def sentences(words, labelled):
    """Word index ranges (start, end_exclusive)."""
    out, start = [], 0
    for i, w in enumerate(words):
        if i == len(words) - 1 or ends_sentence(w["text"]) or (labelled and words[i + 1]["speaker"] != w["speaker"]):
            out.append((start, i + 1))
            start = i + 1
    return out


def paragraphs(sents, words, labelled):
    """Sentence index ranges."""
    out, start = [], 0
    for s in range(1, len(sents)):
        changed = labelled and words[sents[s][0]]["speaker"] != words[sents[s - 1][0]]["speaker"]
        if s - start == 5 or changed:
            out.append((start, s))
            start = s
    if start < len(sents):
        out.append((start, len(sents)))
    return out


def detect_language(cores):
    counts, any_hit = [0] * len(LANGUAGES), 0
    for c in cores:
        k = c.lower()
        hit = False
        for i, (_, ws) in enumerate(LANGUAGES):
            if k in ws:
                counts[i] += 1
                hit = True
        any_hit += hit
    if not any_hit:
        return "en", 1.0
    best = max(range(len(counts)), key=lambda i: (counts[i], -i))
    return LANGUAGES[best][0], counts[best] / any_hit


# ---------------------------------------------------------------------------------------------
# Exports

DEFAULT_CHARS_PER_CAPTION = 70


def captions(words, sents, max_chars=DEFAULT_CHARS_PER_CAPTION):
    out = []
    for a, b in sents:
        cur = []
        for w in words[a:b]:
            if cur and len(" ".join(x["text"] for x in cur + [w])) > max_chars:
                out.append(cur)
                cur = []
            cur.append(w)
        if cur:
            out.append(cur)
    return [(c[0]["start"], c[-1]["end"], " ".join(x["text"] for x in c)) for c in out]


def _ts(ms, sep, hours):
    h, m, s, f = ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000
    return (f"{h:02d}:" if hours else "") + f"{m:02d}:{s:02d}{sep}{f:03d}"


def srt(caps):
    return "\n".join(f"{i + 1}\n{_ts(a, ',', True)} --> {_ts(b, ',', True)}\n{t}\n" for i, (a, b, t) in enumerate(caps))


def vtt(caps):
    return "WEBVTT\n" + "".join(f"\n{_ts(a, '.', a >= 3600000)} --> {_ts(b, '.', b >= 3600000)}\n{t}\n"
                                for a, b, t in caps)


def word_search(words, terms):
    keys = [key(w["text"]) for w in words]
    matches = []
    for term in terms.split(","):
        text = term.strip(" ")
        toks = [key(t) for t in text.split()]
        toks = [t for t in toks if t]
        if not toks:
            continue
        idx = [i for i in range(len(keys) - len(toks) + 1) if keys[i:i + len(toks)] == toks]
        matches.append({"text": text, "count": len(idx), "indexes": idx,
                        "timestamps": [[words[i]["start"], words[i + len(toks) - 1]["end"]] for i in idx]})
    return sum(m["count"] for m in matches), matches


# ---------------------------------------------------------------------------------------------
# Audio intelligence (on the final words; `cores` from apply_pipeline or key() of each word)

def _text(words, a, b):
    return " ".join(w["text"] for w in words[a:b])


def summary(words, sents, summary_type="bullets"):
    ss = [words[a:b] for a, b in sents]
    first = lambda n, ws: " ".join(w["text"] for w in ws[:n])  # noqa: E731
    if summary_type == "bullets_verbose":
        return "\n".join("- " + first(len(s), s) for s in ss[:5])
    if summary_type == "gist":
        return first(3, words)
    if summary_type == "headline":
        return first(10, ss[0]) if ss else ""
    if summary_type == "paragraph":
        return " ".join(first(len(s), s) for s in ss[:3])
    return "\n".join("- " + first(8, s) for s in ss[:5])


def chapters(words, sents, paras):
    out = []
    for a, b in paras:
        wa, wb = sents[a][0], sents[b - 1][1]
        out.append({"gist": " ".join(w["text"] for w in words[wa:wb][:3]),
                    "headline": _text(words, *sents[a]),
                    "summary": " ".join(_text(words, *s) for s in sents[a:b][:2]),
                    "start": words[wa]["start"], "end": words[wb - 1]["end"]})
    return out


def auto_highlights(words, cores, sents):
    keys = [c.lower() for c in cores]
    phrases, order = {}, []

    def add(text, size, i):
        if text not in phrases:
            phrases[text] = {"count": 0, "size": size, "first": i, "timestamps": []}
            order.append(text)
        phrases[text]["count"] += 1
        phrases[text]["timestamps"].append({"start": words[i]["start"], "end": words[i + size - 1]["end"]})

    usable = lambda i: keys[i] != "" and keys[i] not in STOPWORDS  # noqa: E731
    for a, b in sents:
        for i in range(a, b):
            if usable(i):
                add(keys[i], 1, i)
                if i + 1 < b and usable(i + 1):
                    add(keys[i] + " " + keys[i + 1], 2, i)
    ranked = sorted(order, key=lambda t: (-phrases[t]["count"], -phrases[t]["size"], phrases[t]["first"]))[:10]
    top = phrases[ranked[0]]["count"] if ranked else 1
    return {"status": "success", "results": [
        {"count": phrases[t]["count"], "rank": phrases[t]["count"] / top, "text": t,
         "timestamps": phrases[t]["timestamps"]} for t in ranked]}


def content_safety(words, cores, sents, threshold=50):
    results, per_label = [], {}
    for si, (a, b) in enumerate(sents):
        labels = []
        for label, triggers in CONTENT_SAFETY:
            k = sum(1 for i in range(a, b) if cores[i].lower() in triggers)
            conf = min(99, 60 + 10 * k)
            if k == 0 or conf < threshold:
                continue
            labels.append({"label": label, "confidence": conf / 100, "severity": min(100, 30 * k) / 100})
            per_label.setdefault(label, []).append(k)
        if labels:
            results.append({"text": _text(words, a, b), "labels": labels, "sentences_idx_start": si,
                            "sentences_idx_end": si, "timestamp": {"start": words[a]["start"], "end": words[b - 1]["end"]}})
    summary_ = {lb: len(ks) / len(results) for lb, ks in per_label.items()}
    severity = {lb: {"low": sum(k == 1 for k in ks) / len(ks), "medium": sum(k == 2 for k in ks) / len(ks),
                     "high": sum(k >= 3 for k in ks) / len(ks)} for lb, ks in per_label.items()}
    return {"status": "success", "results": results, "summary": summary_, "severity_score_summary": severity}


def topics(words, cores, sents):
    results, carrying = [], {}
    for a, b in sents:
        hits = []
        for label, kws in TOPICS:
            k = sum(1 for i in range(a, b) if cores[i].lower() in kws)
            if k:
                hits.append((label, k))
        if not hits:
            continue
        total = sum(k for _, k in hits)
        hits = [h for _, h in sorted(enumerate(hits), key=lambda e: (-e[1][1], e[0]))]
        for label, _ in hits:
            carrying[label] = carrying.get(label, 0) + 1
        results.append({"text": _text(words, a, b), "labels": [{"relevance": k / total, "label": lb} for lb, k in hits],
                        "timestamp": {"start": words[a]["start"], "end": words[b - 1]["end"]}})
    return {"status": "success", "results": results, "summary": {lb: n / len(results) for lb, n in carrying.items()}}


def sentiment(words, cores, sents, labelled):
    out = []
    for a, b in sents:
        d = sum((cores[i].lower() in POSITIVE) - (cores[i].lower() in NEGATIVE) for i in range(a, b))
        out.append({"text": _text(words, a, b), "start": words[a]["start"], "end": words[b - 1]["end"],
                    "sentiment": "POSITIVE" if d > 0 else "NEGATIVE" if d < 0 else "NEUTRAL",
                    "confidence": (60 + 10 * min(3, abs(d))) / 100,
                    "speaker": words[a]["speaker"] if labelled else None, "channel": None})
    return out


def entities(words, cores, spans):
    return [{"entity_type": t, "text": " ".join(cores[a:b]), "start": words[a]["start"], "end": words[b - 1]["end"]}
            for t, a, b in spans]
