"""The 1-3 sentence task summary: task, data, setting, and what the question really asks."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.ground.coverage import split_asks
from bot.ground.labels import Labels
from bot.ground.phrases import join_and, phrase
from bot.ground.relevance import Doc, Query
from bot.ground.text import generic_words, stem, stopwords

MAX_FOCUS = 3
MAX_N = 4
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Za-z]")


def _grams(docs: Sequence[Doc]) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for d in docs:
        st = d.stems
        for n in range(1, MAX_N + 1):
            grams.update(tuple(st[i : i + n]) for i in range(len(st) - n + 1))
    return grams


def _phrases_in(text: str, grams: set[tuple[str, ...]]) -> list[tuple[str, tuple[str, ...]]]:
    """Longest runs of `text`'s words that also occur, in order, in a source."""
    stop, generic = stopwords(), generic_words()
    toks = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    # Hyphenated words ("CPU-only") are several stems in the sources; match on the first part.
    keys = [stem(t.split("-")[0].split("'")[0]) for t, _, _ in toks]
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(toks):
        hit = 0
        for n in range(MAX_N, 0, -1):
            seg = toks[i : i + n]
            if len(seg) < n:
                continue
            first, last = seg[0][0].lower(), seg[-1][0].lower()
            if first in stop or last in stop or keys[i] in generic or keys[i + n - 1] in generic:
                continue
            if n == 1 and len(first) < 4:
                continue
            if tuple(keys[i : i + n]) in grams:
                hit = n
                break
        if hit:
            out.append((text[toks[i][1] : toks[i + hit - 1][2]], tuple(keys[i : i + hit])))
            i += hit
        else:
            i += 1
    return out


def focus_phrases(query: Query, docs: Sequence[Doc], exclude: Sequence[str] = ()) -> list[str]:
    """What the question asks about, in its own words, where the sources speak of it too."""
    grams = _grams(docs)
    asks, context = split_asks(query.text)
    skip = {e.lower() for e in exclude}
    found: list[tuple[str, tuple[str, ...]]] = []
    for part in asks + context:
        found += _phrases_in(part, grams)
    seen: set[str] = set()
    out: list[str] = []
    # Multi-word phrases first, then single words, each stem once, in question order.
    for multi in (True, False):
        for text, key in found:
            if (len(key) > 1) != multi or text.lower() in skip or set(key) <= seen:
                continue
            seen.update(key)
            out.append(text)
    return out[:MAX_FOCUS]


def build(
    *, labels: Labels, query: Query, models: Sequence[str], docs: Sequence[Doc],
    considered: int, selected_names: Sequence[str], covered: bool, listing: bool,
) -> str:
    task = phrase("join.slash").join(labels.domain[:2] or labels.setting[:1]) or "the task"
    setting = phrase("summary.setting", cues=", ".join(query.cues)) if query.cues else ""
    inp = labels.input or "the supplied data"
    if models:
        first = phrase("summary.task_with_model", task=task, models=join_and(models), input=inp,
                       setting=setting)
    else:
        first = phrase("summary.task_plain", task=task, input=inp, setting=setting)
    focus = focus_phrases(query, docs, exclude=models)
    about_labels = [s for s in labels.setting if s not in labels.domain]
    about = phrase("summary.about", labels=join_and(about_labels)) if about_labels else ""
    focus_text = phrase("summary.focus", focus=join_and(focus)) if focus else ""
    second = phrase(
        f"summary.intent.{query.intent}", focus=focus_text, about=about,
        focus_or_task=join_and(focus) or task,
    )
    parts = [first, second]
    if listing:
        if selected_names:
            parts.append(phrase("summary.considered", considered=considered,
                                selected=len(selected_names), names=join_and(selected_names)))
        else:
            parts.append(phrase("summary.considered_none", considered=considered))
    elif not covered:
        parts.append(phrase("summary.not_covered"))
    return " ".join(parts)
