"""Metrics the question asks for that the block names but leaves unfilled.

A card that plans its evaluation ("| ASR-BLEU | translation quality | ☐ TODO |") names the
metric without a value: an answer quoting that row must also say plainly that no value is
reported, or a reader takes the quote for a result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.ground.schema import measures_file
from bot.models import Source

MAX_UNFILLED = 2  # metrics named per answer
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9@+]*(?:[-/][A-Za-z0-9@+]+)*")
# A value stands alone: "Lv3" or "S2ST" name things, "81.2" or "13%" measure them.
_VALUE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*\s?%?(?![\w])")


@dataclass(frozen=True)
class Unfilled:
    measure: str  # as the block writes it
    mark: str  # the placeholder, as written
    source_id: str


@lru_cache(maxsize=1)
def _vocab() -> tuple[frozenset[str], re.Pattern[str] | None]:
    m = measures_file()
    metrics = frozenset(w.lower() for w in (*m.quality, *m.lower_better, *m.rates))
    marks = sorted(m.unfilled, key=len, reverse=True)
    pattern = re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(w) for w in marks) + r")(?![A-Za-z])",
                         re.IGNORECASE) if marks else None
    return metrics, pattern


def _asked_metrics(question: str, metrics: frozenset[str]) -> list[str]:
    """The question's metric words, a compound kept whole ("ASR-BLEU", not "BLEU")."""
    out: list[str] = []
    for m in _TERM.finditer(question):
        term = m.group(0).lower()
        if any(part in metrics for part in re.split(r"[-/]", term)) and term not in out:
            out.append(term)
    return out


def _units(source: Source) -> list[str]:
    return [p for p in source.summary.split("\n\n") if p.strip()] + [
        f"{k}: {v}" for k, v in source.meta.items()]


def find(question: str, sources: Sequence[Source], *, skip: Sequence[str] = ()) -> list[Unfilled]:
    """Each asked metric (not one a ranking in `skip` already reports) that the block names
    only beside a placeholder, never beside a number."""
    metrics, marks = _vocab()
    if marks is None:
        return []
    done = " ".join(skip).lower()
    out: list[Unfilled] = []
    for term in _asked_metrics(question, metrics):
        if term in done:
            continue
        pattern = re.compile(r"(?<![A-Za-z0-9])" + re.escape(term) + r"(?![A-Za-z0-9])", re.IGNORECASE)
        hit: Unfilled | None = None
        valued = False
        for s in sources:
            for unit in _units(s):
                at = pattern.search(unit)
                if at is None:
                    continue
                if _VALUE.search(unit):
                    valued = True
                    break
                mark = marks.search(unit)
                if mark is not None and hit is None:
                    hit = Unfilled(at.group(0), mark.group(0), s.id)
            if valued:
                break
        if hit is not None and not valued:
            out.append(hit)
        if len(out) == MAX_UNFILLED:
            break
    return out
