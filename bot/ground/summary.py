"""The 1-3 sentence task summary: task, data, setting, and what the question really asks."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.ground.coverage import split_asks
from bot.ground.labels import Labels
from bot.ground.lexicon import filler
from bot.ground.relevance import Doc, Query
from bot.ground.setting import CueSpan, cue_spans, determiners
from bot.ground.subject import subject_terms
from bot.ground.text import stem, stopwords
from bot.ground.wording import Wording
from bot.ground.workflow import clip_words

MAX_FOCUS = 2
METHOD_WORDS = 30
MAX_CLAUSES = 2
MAX_N = 4
_JOINED = re.compile(r"\b(and|or)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Za-z]")


def _grams(docs: Sequence[Doc], starts: set[str]) -> set[tuple[str, ...]]:
    """The sources' n-grams that begin with a stem in `starts` (the question's): only those can
    match, and building every n-gram of a long listing costs more than the rest of the answer."""
    grams: set[tuple[str, ...]] = set()
    for d in docs:
        st, at = d.stems, d.positions
        for i in (i for s in starts if s in at for i in at[s]):
            grams.update(tuple(st[i : i + n]) for n in range(2, min(MAX_N, len(st) - i) + 1))
    return grams


def _phrases_in(text: str, grams: set[tuple[str, ...]]) -> list[tuple[str, tuple[str, ...]]]:
    """Longest runs of `text`'s words that also occur, in order, in a source."""
    stop = stopwords()
    toks = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    # Hyphenated words ("CPU-only") are several stems in the sources; match on the first part.
    keys = [stem(t.split("-")[0].split("'")[0]) for t, _, _ in toks]
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(toks):
        hit = 0
        for n in range(MAX_N, 1, -1):
            seg = toks[i : i + n]
            if len(seg) < n:
                continue
            first, last = seg[0][0].lower(), seg[-1][0].lower()
            if first in stop or last in stop or filler(first) or filler(last):
                continue
            if tuple(keys[i : i + n]) in grams:
                hit = n
                break
        if hit:
            # Keep the article the question put before it ("the physical system").
            lead = i - 1 if i and toks[i - 1][0].lower() in determiners() else i
            out.append((text[toks[lead][1] : toks[i + hit - 1][2]], tuple(keys[i : i + hit])))
            i += hit
        else:
            i += 1
    return out


def focus_phrases(
    query: Query, docs: Sequence[Doc], say: Wording, exclude: Sequence[str] = ()
) -> list[str]:
    """What the question asks about, in its own words, where the sources use the same
    multi-word phrase (single words say too little to stand in a summary)."""
    # Only content words can open a phrase (see `_phrases_in`).
    grams = _grams(docs, {stem(w) for w in _WORD.findall(query.text) if not filler(w)})
    asks, context = split_asks(query.text)
    skip = " ".join(exclude).lower()
    found: list[tuple[str, tuple[str, ...]]] = []
    for part in asks + context:
        found += _phrases_in(part, grams)
    seen: set[str] = set()
    out: list[str] = []
    for text, key in found:
        # A coordination ("reproduce and study") is rarely the thing asked about.
        if len(key) < 2 or text.lower() in skip or set(key) & seen or _JOINED.search(text):
            continue
        seen.update(key)
        out.append(reflect(text, say))
    return out[:MAX_FOCUS]


def reflect(text: str, say: Wording) -> str:
    """The question's words from the reader's side ("our cohort" -> "your cohort")."""
    swap = say.table("reflect")
    return re.sub(r"[A-Za-z]+", lambda m: swap.get(m.group(0).lower(), m.group(0)), text)


def _words(span: CueSpan, say: Wording) -> str:
    """A cue as an adverbial: the question's own words when they start with a preposition,
    else the template's wording of its labels."""
    if span.quoted:
        return reflect(span.text, say)
    words = say.table("cue_words")
    return say.say("and_list", items=[words.get(label, label) for label in span.labels])


def _setting(spans: Sequence[CueSpan], say: Wording) -> str:
    out = ""
    for span in spans:
        if span.kind == "origin":
            out += " " + say.say("origin", text=reflect(span.text, say), quoted=span.quoted)
        elif span.kind in ("input", "constraint"):
            out += say.say("condition", text=_words(span, say))
    return out


def _clauses(query: Query, spans: Sequence[CueSpan], topic: str, say: Wording) -> list[str]:
    asks, _ = split_asks(query.text)
    shift = [s for s in spans if s.kind == "shift"]
    # Conditions named in the asks come before those told in the story around them.
    shift.sort(key=lambda s: not any(s.text in a for a in asks))
    cond = " ".join(_words(s, say) for s in shift)
    found = [i for i in query.intents if i not in ("general", "overview")]
    lead = query.intent if query.intent != "overview" else "general"
    chosen = list(dict.fromkeys([lead, *found]))[:MAX_CLAUSES]
    chosen.sort(key=lambda i: query.intents.get(i, 0))  # in the order the question asks
    # The conditions belong to the ask about holding up, else to the ask about how it works.
    home = next((i for i in ("limitations", "how_it_works") if i in chosen), chosen[0])
    clauses = []
    for intent in chosen:
        if intent == "reproduce" and intent != lead:
            clauses.append(say.say("clause", intent="release"))
        else:
            clauses.append(say.say("clause", intent=intent, topic=topic,
                                   cond=cond if intent == home else ""))
    if "reproduce" not in chosen and any(s.kind == "ask" for s in spans):
        clauses.append(say.say("clause", intent="release"))
    return clauses


def build(
    *, labels: Labels, query: Query, models: Sequence[str], docs: Sequence[Doc],
    considered: int, selected_names: Sequence[str], covered: bool, listing: bool,
    covers: Sequence[str], say: Wording, method: tuple[str, str] = ("", ""), subject: str = "",
    finding: str = "",
) -> str:
    task = " / ".join(labels.domain[:2] or labels.setting[:1])
    spans = cue_spans(query.text)
    first = say.say("task_sentence", task=task, models=list(models), input=labels.input,
                    setting=_setting(spans, say), subject=subject)
    about_labels = [s for s in labels.setting if s not in labels.domain]
    exclude = [*models, *labels.all, *(s.text for s in spans)]
    focus = focus_phrases(query, docs, say, exclude=exclude)
    contrast = say.table("contrast")
    second = say.say(
        "asks", clauses=_clauses(query, spans, say.say("and_list", items=focus) or task, say),
        focus=focus, about=about_labels,
        contrasts=[text for label, text in contrast.items() if label in query.cues],
    )
    terms = subject_terms(query.text, docs, said=[first, second, *exclude])
    parts = [first, second, say.say("subject_terms", terms=[reflect(t, say) for t in terms])]
    if method[1]:
        parts.insert(1, say.say("own_method", name=method[0],
                                note=clip_words(method[1], METHOD_WORDS)))
    if finding:  # the answer to a "which is best on X" question comes right after the task
        parts.insert(1, finding)
    if listing:
        parts.append(say.say("considered", n=considered, names=list(selected_names)))
    elif not covered:
        parts.append(say.say("not_covered_summary", covers=list(covers)))
    return " ".join(p for p in parts if p)
