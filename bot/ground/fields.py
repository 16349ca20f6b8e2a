"""Questions about a declared property ("what license?", "which base model?", "how many
epochs?") answered from the fields a card, a CFF file or a metafile declares.

A model card's front matter and a citation file state such facts as fields (`Source.meta`),
not as sentences, so sentence evidence never quotes them. A field answers the question when
every informative word of its name is a word of the question (stem against stem).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.ground.lexicon import is_hard, weight
from bot.ground.text import stem, words
from bot.models import Source

# Fields that are bookkeeping, links or already shown elsewhere in the answer.
_SKIP = frozenset({"tags", "arxiv_id", "disclaimer", "relation", "config", "weights", "code",
                   "url", "in_collection", "collection", "readme", "model sha256 hash",
                   "metrics", "results", "title", "name", "alias", "section"})
MAX_VALUE = 120  # characters of a field value shown
MAX_FACTS = 4
# Tables mark yes/no with emoji; said in words.
_MARKS = {":x:": "no", "❌": "no", "✗": "no", ":white_check_mark:": "yes", ":heavy_check_mark:": "yes",
          "✅": "yes", "✔": "yes", "✔️": "yes", "✓": "yes"}


@dataclass(frozen=True)
class Fact:
    source: Source
    field: str  # as a reader says it ("base model", "license")
    value: str


def _reportable(key: str, value: str, skipped: set[str]) -> bool:
    """A field worth stating: not bookkeeping or already said, short, not a link."""
    return key not in _SKIP and key not in skipped and bool(value) and len(value) <= MAX_VALUE \
        and "://" not in value


def _readable(key: str) -> str:
    return re.sub(r"[_\s]+", " ", key).strip()


def _head(key: str) -> str:
    """A field's measure without the setting its table adds: "fps (batch size=8)" -> "fps"."""
    return key.lower().split(" (")[0]


def _key_stems(key: str) -> set[str]:
    """The stems of a field name's informative words ("base_model" -> base, model)."""
    ws = [w for w in words(_readable(key)) if w.isalpha()]
    strong = {stem(w) for w in ws if weight(w) > 0 or is_hard(w)}
    return strong or {stem(w) for w in ws}


def facts(
    question: str, sources: Sequence[Source], skip: Sequence[str] = ()
) -> list[Fact]:
    """Field values of `sources` that the question asks for, each source's in the order the
    question names them, the sources taking turns; `skip`: fields the answer already states
    (a ranking's metric)."""
    skipped = {k.lower() for k in skip}
    heads = {_head(k) for k in skipped}  # the same measure in another setting
    asked = {stem(w) for w in words(question) if w.isalpha()}
    asked |= {stem(p) for w in words(question) for p in w.split("-") if p}
    order = [stem(w) for w in words(question)]
    per: list[list[Fact]] = []
    for s in sources:
        # Each fact with where the question first names its field.
        found: list[tuple[int, Fact]] = []
        for key, value in s.meta.items():
            k = key.lower()
            if not _reportable(k, value, skipped) or _head(k) in heads:
                continue
            # A table's column names its measure before the table's setting ("window
            # (Image AUC)"): the measure named is enough.
            need = _key_stems(_head(k) or k)
            if need and need <= asked:
                text = value.strip()
                if len(text) == 1 and not text.isdigit() and text not in _MARKS:
                    continue  # a lone "x" marks yes in one table and no in the next
                at = min((order.index(x) for x in need if x in order), default=0)
                found.append((at, Fact(source=s, field=_readable(k), value=_MARKS.get(text, text))))
        per.append(_question_order(found))
    # Each source's first facts before any source's later ones: two backbones' rows are
    # both heard from.
    spread = [o[rank] for rank in range(max((len(o) for o in per), default=0))
              for o in per if rank < len(o)]
    return spread[:MAX_FACTS]


def _question_order(found: list[tuple[int, Fact]]) -> list[Fact]:
    """In the order the question names them, each measure once before any twice ("window"
    and "screen" of the first table before either of the second)."""
    seen: dict[str, int] = {}
    ranked: list[tuple[int, int, Fact]] = []
    for at, f in sorted(found, key=lambda x: x[0]):
        head = _head(f.field)
        nth = seen.get(head, 0)
        seen[head] = nth + 1
        ranked.append((nth, at, f))
    return [f for _, _, f in sorted(ranked, key=lambda x: (x[0], x[1]))]


def leader_fact(question: str, source: Source, ranked: str, ranking_words: Sequence[str] = (),
                skip: Sequence[str] = ()) -> Fact | None:
    """The other reported number the question asks of a ranking's leader (its VRAM when a
    question ranks by score and also asks for VRAM): the field sharing most of the question's
    informative words beyond those that asked for the ranking, then the one qualified like the
    ranked field ("avg (…)")."""
    used = {stem(w) for w in ranking_words}
    asked = {stem(w) for w in words(question) if w.isalpha() and (weight(w) > 0 or is_hard(w))
             } - used
    skipped = {k.lower() for k in (ranked, *skip)}
    head = _head(ranked)
    # The bound's field in another setting ("fps (batch size=8)" beside a bound on "fps (batch
    # size=1)") shares the words that asked for the bound, not a question of its own.
    bound_heads = {_head(k) for k in skip}
    best: tuple[int, int, str, str] | None = None
    for key, value in source.meta.items():
        k = key.lower()
        if not _reportable(k, value, skipped) or _head(k) in bound_heads:
            continue
        shared = len({stem(w) for w in words(_readable(k)) if w.isalpha()} & asked)
        if shared:
            rank = (shared, int(_head(k) == head))
            if best is None or rank > best[:2]:
                best = (*rank, k, value.strip())
    return Fact(source=source, field=_readable(best[2]), value=best[3]) if best else None
