"""Setting cues as the question wrote them: "from several hospitals", "on an edge device".

The cue vocabulary (data/cues.yaml) says which setting a phrase signals; this module finds where
in the question each cue sits, so the summary can quote the question's own words (with the
preposition that introduces them) instead of listing labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.ground.schema import cues_file
from bot.ground.tasks import cue_matcher
from bot.ground.text import stem, stopwords, token_spans

MAX_GAP = 3  # function words between two cues that still read as one phrase
MAX_LEAD = 2  # determiners crossed to reach a preposition


@dataclass(frozen=True)
class CueSpan:
    labels: tuple[str, ...]
    kind: str
    text: str  # a contiguous part of the question
    quoted: bool  # `text` starts with a preposition, so it reads as an adverbial on its own


@dataclass(frozen=True)
class _Grammar:
    kinds: dict[str, str]
    prepositions: frozenset[str]
    determiners: frozenset[str]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    raw = cues_file()
    kinds = {label: str(kind) for kind, labels in raw.kinds.items() for label in labels}
    return _Grammar(
        kinds=kinds, prepositions=frozenset(raw.prepositions), determiners=frozenset(raw.determiners),
    )


def determiners() -> frozenset[str]:
    return _grammar().determiners


def cue_spans(question: str) -> list[CueSpan]:
    """The question's setting cues in question order; adjacent cues of one kind merge
    ("across environments and sensor types")."""
    toks = token_spans(question)
    words = [question[a:b].lower() for a, b in toks]
    hits = cue_matcher().spans([stem(w) for w in words])
    if not hits:
        return []
    g, stop = _grammar(), stopwords()
    groups: list[list[tuple[int, int, str]]] = []
    for hit in hits:
        prev = groups[-1][-1] if groups else None
        if (
            prev is not None
            and g.kinds.get(prev[2]) == g.kinds.get(hit[2])
            and hit[0] - prev[1] <= MAX_GAP
            and all(w in stop for w in words[prev[1] : hit[0]])
        ):
            groups[-1].append(hit)
        else:
            groups.append([hit])
    out: list[CueSpan] = []
    seen: set[str] = set()
    for grp in groups:
        labels = tuple(dict.fromkeys(label for _, _, label in grp if label not in seen))
        if not labels:  # the question names the same cue twice
            continue
        seen.update(labels)
        start, end = grp[0][0], grp[-1][1]
        quoted = words[start] in g.prepositions
        back = start
        while not quoted and back > 0 and start - back < MAX_LEAD + 1:
            back -= 1
            if words[back] in g.prepositions:
                start, quoted = back, True
            elif words[back] not in g.determiners:
                break
        out.append(CueSpan(
            labels=labels, kind=g.kinds.get(labels[0], "constraint"),
            text=question[toks[start][0] : toks[end - 1][1]], quoted=quoted,
        ))
    return out
