""""How much do we give up going from A to B?": the change of one reported measure between
two rows the question names, worked out from the block's own numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.ground.compare import _number, _pick_field, _question_words, measures
from bot.models import Source

_FROM_TO = re.compile(
    r"\bfrom\s+(?P<a>[^?,;()]+?)\s+to\s+(?P<b>[^?,;()]+?)(?=\s*(?:[?,;()]|$))", re.IGNORECASE)
MIN_NAME = 4  # characters of a squashed name that may stand inside a longer phrase


@dataclass(frozen=True)
class Change:
    field: str
    before: Source
    after: Source
    was: str
    now: str
    delta: str


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _named(phrase: str, sources: Sequence[Source]) -> Source | None:
    """The source the phrase names: its whole name, or the longest name inside it."""
    p = _squash(phrase)
    hits = [s for s in sources if (n := _squash(s.name)) and (
        n == p or len(n) >= MIN_NAME and n in p)]
    return max(hits, key=lambda s: len(_squash(s.name)), default=None)


def _decimals(value: str) -> int:
    m = re.search(r"\.(\d+)", value)
    return len(m.group(1)) if m else 0


def change(ask: str, sources: Sequence[Source]) -> Change | None:
    """The change the ask means, or None when it names no two rows or no shared measure."""
    m = _FROM_TO.search(ask)
    if m is None:
        return None
    before, after = _named(m.group("a"), sources), _named(m.group("b"), sources)
    if before is None or after is None or before is after:
        return None
    mine, theirs = measures(before), measures(after)
    shared = {f: 2 for f in mine if f in theirs}
    # The measure is named in the ask, outside the two names ("how much image-level AUC …").
    words = _question_words(ask[: m.start()] + " " + ask[m.end():])
    field = _pick_field(words, shared) if shared else None
    if field is None:
        return None
    a, b = _number(mine[field]), _number(theirs[field])
    if a is None or b is None:
        return None
    places = max(_decimals(mine[field]), _decimals(theirs[field]))
    return Change(field=field, before=before, after=after, was=mine[field], now=theirs[field],
                  delta=f"{b - a:+.{places}f}")
