"""Ranking sources (and sentences) against the question: BM25 (bm25s) plus vocabulary boosts.

Vocabulary hits become extra tokens ("t:<task>", "c:<cue>") on both sides, so a question that
says "river floods" meets an abstract that says "streamflow" even with no word in common.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np

from bot.ground.coverage import split_asks
from bot.ground.intent import primary_intent, setting_cues
from bot.ground.invariants import norm_url
from bot.ground.tasks import cue_matcher, vocabulary
from bot.ground.text import analyse, generic_words, stems, terms
from bot.models import Source, SourceBlock
from bot.urls import find_urls

# Above this many sources a block is a listing to filter; below, a curated request to keep.
SMALL_BLOCK = 8
MAX_SELECTED = 5


@dataclass
class Doc:
    source: Source
    stems: list[str]
    terms: list[str]
    tasks: Counter[str]
    name_tasks: Counter[str]
    termset: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Query:
    text: str
    stems: list[str]
    terms: list[str]
    tasks: Counter[str]
    cues: list[str]
    intent: str


def concept_tokens(tasks: Counter[str], cues: Counter[str]) -> list[str]:
    """Vocabulary hits as tokens; the task's group too, so related tasks meet weakly."""
    info = vocabulary().info
    groups = {f"g:{info[t].group}" for t in tasks}
    return [f"t:{t}" for t in tasks] + sorted(groups) + [f"c:{c}" for c in cues]


def analyse_source(source: Source) -> Doc:
    vocab = vocabulary()
    name_stems, name_terms = analyse(source.name)
    body_stems, body_terms = analyse(source.summary)
    all_stems = name_stems + ["|"] + body_stems
    tasks = vocab.match(all_stems)
    cues = cue_matcher().match(all_stems)
    toks = name_terms * 2 + body_terms + concept_tokens(tasks, cues)
    return Doc(
        source=source, stems=all_stems, terms=toks, tasks=tasks,
        name_tasks=vocab.match(name_stems), termset=frozenset(all_stems),
    )


def analyse_question(question: str) -> Query:
    q_stems = stems(question)
    generic = generic_words()
    # Words of the actual asks count twice; the surrounding story once ("it adapted" in the
    # story must not outweigh "stay generalizable" in the ask).
    asks, context = split_asks(question)
    q_terms = [t for part in asks for t in terms(part) if t not in generic] * 2
    q_terms += [t for part in context for t in terms(part) if t not in generic]
    tasks = vocabulary().match(q_stems)
    cues = setting_cues(question)
    return Query(
        text=question, stems=q_stems,
        terms=q_terms + concept_tokens(tasks, Counter(cues)),
        tasks=tasks, cues=cues, intent=primary_intent(question),
    )


def bm25_scores(corpus: Sequence[list[str]], query: list[str]) -> np.ndarray:
    if not corpus or not query:
        return np.zeros(len(corpus))
    # bm25s needs at least one token per document to index it.
    docs = [d if d else ["\x00empty"] for d in corpus]
    retriever = bm25s.BM25()
    retriever.index(docs, show_progress=False)
    known = [t for t in query if t in retriever.vocab_dict]
    if not known:
        return np.zeros(len(corpus))
    return np.asarray(retriever.get_scores(known), dtype=float)


def short_name(name: str) -> str:
    """The handle a person would use: "RAFT" for "RAFT: Recurrent All-Pairs …"."""
    head = re.split(r":\s| - | — ", name, maxsplit=1)[0].strip()
    return head if 2 <= len(head) <= 40 else ""


def mentioned(source: Source, question: str) -> bool:
    """The question names this source (by its handle or its repo name)."""
    q = question.lower()
    handles = {short_name(source.name), source.name.split("/")[-1]}
    for h in handles:
        h = h.strip().lower()
        if len(h) >= 3 and re.search(r"(?<![\w-])" + re.escape(h) + r"(?![\w-])", q):
            return True
    return False


def own_paper(model: Source, paper: Source) -> bool:
    """A related paper that is the recommended model's own paper (same URL or handle)."""
    if {norm_url(u) for u in model.urls} & {norm_url(u) for u in paper.urls + find_urls(paper.summary)}:
        return True
    handle = model.name.split("/")[-1].lower()
    return len(handle) >= 3 and short_name(paper.name).lower() == handle


def task_overlap(targets: set[str], found: Collection[str]) -> float:
    """Share of the question's tasks a text addresses (half credit: same task group)."""
    if not targets:
        return 0.0
    vocab = vocabulary()
    groups = {vocab.info[t].group for t in found}
    got = sum(1.0 if t in found else 0.5 if vocab.info[t].group in groups else 0.0 for t in targets)
    return got / len(targets)


def score_sources(block: SourceBlock, docs: Sequence[Doc], query: Query) -> list[float]:
    """Relevance in 0..1 per source (1 = the best match in this block)."""
    if not docs:
        return []
    bm = bm25_scores([d.terms for d in docs], query.terms)
    top = float(bm.max()) if bm.size else 0.0
    bmn = bm / top if top > 0 else np.zeros(len(docs))
    models = [d for d in docs if d.source.kind == "model"] if block.format == "request" else []
    targets = set(query.tasks)
    for m in models:
        targets |= set(m.name_tasks)
    raw: list[float] = []
    for i, d in enumerate(docs):
        s = 0.6 * float(bmn[i]) + 0.3 * task_overlap(targets, d.tasks)
        if mentioned(d.source, query.text):
            s += 0.35
        if any(own_paper(m.source, d.source) for m in models):
            s += 0.3
        raw.append(s)
    # The recommended model is what the question is about ("this model"): it ranks first.
    for i, d in enumerate(docs):
        if d in models:
            raw[i] = max(raw)
    best = max(raw)
    return [round(r / best, 4) if best > 0 else 0.0 for r in raw]


def select(
    block: SourceBlock, docs: Sequence[Doc], rel: Sequence[float], query: Query
) -> list[int]:
    """Indices of the sources that enter the workflow and links, best first.

    A curated request keeps what is not plainly unrelated; any other block keeps the few that
    stand out, and (when the question names an application domain) only sources of that
    domain unless they match strongly anyway.
    """
    order = sorted(range(len(docs)), key=lambda i: (-rel[i], i))
    if not order or rel[order[0]] <= 0:
        return []
    if block.format == "request" and len(docs) <= SMALL_BLOCK:
        return [i for i in order if rel[i] >= 0.2 or docs[i].source.kind == "model"]
    info = vocabulary().info
    targets = {info[t].group for t in query.tasks if info[t].domain}
    floor = 0.3 if len(docs) <= SMALL_BLOCK else 0.45
    keep = []
    for i in order:
        groups = {info[t].group for t in docs[i].tasks if info[t].domain}
        on_topic = not targets or bool(groups & targets) or rel[i] >= 0.75
        if rel[i] >= floor and on_topic:
            keep.append(i)
    return keep[:MAX_SELECTED] or order[:1]
