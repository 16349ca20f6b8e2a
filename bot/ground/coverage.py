"""Does the block answer the question? Judged by the question's own asks and key terms.

The asks are the interrogative sentences, cut at ", and …" into clauses. A clause is
unsupported when most of its content words (measurements, hardware and numbers count double)
appear in no source; a clause that asks about a measurement no source mentions makes the whole
question not covered. Words from the question's context (not an ask) that no source mentions
are reported too, without flipping coverage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from bot.ground.text import generic_words, load_data, stem, stopwords

_ASK_START = re.compile(
    r"^\s*(how|what|which|can|could|does|do|did|is|are|was|were|will|would|where|when|why|"
    r"should|has|have|who)\b",
    re.IGNORECASE,
)
_CLAUSE_CUT = re.compile(
    r",?\s+and\s+(?=(how|what|which|is|are|does|do|can|will|where|whether|were|was|when|why)\b)"
    r"|[,;]\s+(?=(how|what|which|is|are|does|do|can|will|where|whether|were|was|when|why)\b)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^\d")
_SURFACE = re.compile(r"[A-Za-z][A-Za-z0-9]*|[0-9]+(?:[.,][0-9]+)*")


@dataclass
class Coverage:
    covered: bool = True
    missing: list[str] = field(default_factory=list)  # surface words of unsupported asks
    context_missing: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _hard() -> frozenset[str]:
    return frozenset(stem(str(w)) for w in load_data("stopwords.yaml")["hard"])


def _content(text: str) -> list[tuple[str, str]]:
    """(surface word as written, stem) of the content words of `text`."""
    stop, generic = stopwords(), generic_words()
    out = []
    for m in _SURFACE.finditer(text):
        w = m.group(0)
        low = w.lower()
        st = stem(low)
        if low in stop or st in generic or len(w) < 3 and not w.isdigit():
            continue
        out.append((w, st))
    return out


def _runs(clause: str, missing: list[str]) -> list[str]:
    """Adjacent missing words as one phrase as the question wrote it ("frames per second")."""
    stop = stopwords()
    out: list[str] = []
    pos, last_end, last_start = 0, -1, 0
    for w in missing:
        at = clause.find(w, pos)
        if at < 0:
            continue
        gap = clause[last_end:at] if last_end >= 0 else ""
        if out and last_end >= 0 and all(g in stop for g in re.findall(r"[A-Za-z]+", gap.lower())) \
                and not re.search(r"[,;.?!]", gap):
            out[-1] = clause[last_start:at + len(w)]
        else:
            out.append(w)
            last_start = at
        pos = last_end = at + len(w)
    return out


def split_asks(question: str) -> tuple[list[str], list[str]]:
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", question.strip()) if s.strip()]
    asks = [s for s in sentences if s.endswith("?") or _ASK_START.match(s)]
    context = [s for s in sentences if s not in asks]
    if not asks:
        asks, context = sentences, []
    clauses = [c for a in asks for c in _CLAUSE_CUT.split(a) if c and not _is_cut_word(c)]
    return clauses, context


def _is_cut_word(piece: str) -> bool:
    return piece.lower() in {
        "how", "what", "which", "is", "are", "does", "do", "can", "will", "where", "whether",
        "were", "was", "when", "why",
    }


def assess(question: str, source_stems: Iterable[frozenset[str]]) -> Coverage:
    known: set[str] = set()
    for s in source_stems:
        known |= s
    hard = _hard()
    result = Coverage()
    clauses, context = split_asks(question)
    checked = unsupported = 0
    for clause in clauses:
        content = _content(clause)
        if not content:
            continue
        weight = {st: (2.0 if st in hard or _NUMBER.match(st) else 1.0) for _, st in content}
        total = sum(weight.values())
        supported = sum(w for st, w in weight.items() if st in known)
        hard_terms = [st for st, w in weight.items() if w > 1]
        missing = _runs(clause, [w for w, st in content if st not in known])
        hard_missing = bool(hard_terms) and not any(st in known for st in hard_terms)
        checked += 1
        if hard_missing or supported / total < 0.5:
            result.missing.extend(m for m in missing if m not in result.missing)
            unsupported += 1
            if hard_missing:
                result.covered = False
    if checked and unsupported == checked:
        result.covered = False
    for sentence in context:
        for w, st in _content(sentence):
            if st in hard and st not in known and w not in result.context_missing:
                result.context_missing.append(w)
    return result
