"""The question's own subject terms that the chosen sources share (a data set, a benchmark, a
sensor, a kind of model), for the task summary.

A vocabulary label names the field ("action recognition"); what a reader asks about inside it
is often a narrower thing the label never says (keypoint inputs, a named benchmark, lidar
scans). Only a term the question uses AND a chosen source uses may be named, so the summary
never invents a subject; rare words (lexicon.weight) are the ones that say what it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.ground.lexicon import filler, weight
from bot.ground.relevance import Doc
from bot.ground.text import stem, stems, stopwords

MAX_TERMS = 3
MAX_N = 3
# A term needs one word at least this rare: "classes" or "table" alone tell little.
STRONG = 0.8
# ... or, as a phrase the sources use too, a first word at least this rare: a benchmark's name
# is often common words ("science question answering") that only together say what it is.
PHRASE_LEAD = 0.45
_QUANTITY = re.compile(r"[0-9][0-9.,]*\s*$")
# Hyphens split words, as in the sources' stems ("ScienceQA-style" -> "ScienceQA", "style").
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*[A-Za-z0-9]|[A-Za-z]")


def _key(token: str) -> str:
    return stem(token.split("'")[0])


def _strong(token: str) -> bool:
    head = token.split("'")[0]
    return head.isalpha() and weight(head) >= STRONG and not filler(head)


def _qualifies(seg: Sequence[str]) -> bool:
    if len(seg) == 1 and seg[0].islower() and seg[0].endswith("ed"):
        return False  # a past participle alone ("adapted") says what was done, names no subject
    if any(_strong(t) for t in seg):
        return True
    head = seg[0].split("'")[0]
    return len(seg) > 1 and head.isalpha() and weight(head) >= PHRASE_LEAD


def _source_grams(docs: Sequence[Doc], starts: set[str]) -> set[tuple[str, ...]]:
    """The sources' 1..MAX_N-grams opening with a question stem (only those can match), over
    the name, summary and every field (a metafile's training data, a card's datasets)."""
    grams: set[tuple[str, ...]] = set()
    for d in docs:
        at = d.positions
        _add_grams(grams, d.stems, [i for s in starts if s in at for i in at[s]])
        fields = d.field_stems
        _add_grams(grams, fields, [i for i, s in enumerate(fields) if s in starts])
    return grams


def _add_grams(grams: set[tuple[str, ...]], st: Sequence[str], where: Iterable[int]) -> None:
    for i in where:
        grams.update(tuple(st[i : i + n]) for n in range(1, min(MAX_N, len(st) - i) + 1))


def subject_terms(question: str, docs: Sequence[Doc], said: Iterable[str] = ()) -> list[str]:
    """Up to MAX_TERMS of the question's phrases (in its own spelling) that hold a rare word
    and occur, stem for stem, in a chosen source; none that `said` texts already cover."""
    if not docs:
        return []
    stop = stopwords()
    toks = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(question)]
    keys = [_key(t) for t, _, _ in toks]
    grams = _source_grams(docs, {k for k, (t, _, _) in zip(keys, toks) if t.lower() not in stop})
    known = {s for text in said for s in stems(text)}
    # How many chosen sources hold each stem: a term most of them share says more.
    spread = {k: sum(k in d.termset for d in docs) for k in set(keys)}
    found: list[tuple[float, int, str]] = []
    i = 0
    while i < len(toks):
        hit = 0
        for n in range(MAX_N, 0, -1):
            seg = toks[i : i + n]
            if len(seg) < n or seg[0][0].lower() in stop or seg[-1][0].lower() in stop:
                continue
            if tuple(keys[i : i + n]) in grams and _qualifies([t for t, _, _ in seg]):
                hit = n
                break
        # A word right after a number is its unit ("2 GB"): a constraint, not a subject.
        if hit and _QUANTITY.search(question[: toks[i][1]]):
            hit = 0
        if not hit:
            i += 1
            continue
        span = keys[i : i + hit]
        if not set(span) <= known:
            text = question[toks[i][1] : toks[i + hit - 1][2]]
            found.append((-max(spread[k] for k in span), i, text))
            known.update(span)
        i += hit
    found.sort()
    # Back in the question's order, so the terms read as the question put them.
    return [text for _, _, text in sorted(found[:MAX_TERMS], key=lambda f: f[1])]
