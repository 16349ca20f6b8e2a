"""What the question asks (intent) and under which conditions (setting cues)."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.ground.schema import intents_file
from bot.ground.tasks import cue_matcher
from bot.ground.text import stems

INTENTS = (
    "how_it_works", "which_to_pick", "compare", "apply", "limitations", "reproduce", "overview",
)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    raw = intents_file().intents
    by_name: dict[str, list[str]] = {str(k): v for k, v in raw.items()}
    return tuple((name, tuple(re.compile(p) for p in by_name.get(name, []))) for name in INTENTS)


@lru_cache(maxsize=1024)
def _intents(question: str) -> tuple[tuple[str, int], ...]:
    return tuple(_scan(question).items())


def intents(question: str) -> dict[str, int]:
    """Every intent the question shows, strongest first, with where it first shows."""
    return dict(_intents(question))


def _scan(question: str) -> dict[str, int]:
    """Every intent the question shows, strongest first (hits, then first position), each
    with the position of its first hit."""
    q = question.lower()
    scored: list[tuple[int, int, str]] = []
    for name, pats in _patterns():
        hits = [m.start() for p in pats for m in p.finditer(q)]
        if hits:
            scored.append((-len(hits), min(hits), name))
    return {name: at for _, at, name in sorted(scored, key=lambda t: (t[0], t[1]))} or {"general": 0}


def primary_intent(question: str) -> str:
    return primary_of(intents(question))


def primary_of(intents: dict[str, int]) -> str:
    found = list(intents)
    # "Which of these …, and is the code released?" is first of all a choice.
    if "which_to_pick" in found and found[0] in ("reproduce", "apply", "limitations"):
        return "which_to_pick"
    return found[0]


def setting_cues(question: str) -> list[str]:
    found = cue_matcher().match(stems(question))
    return sorted(found, key=lambda c: list(found).index(c))
