"""Questions that ask for the extreme of a reported number, answered by reading the numbers.

"Which row has the top F1?", "the lowest error", "the strongest checkpoint that runs in
12 GB": a results table, a metafile or a model index reports the values as fields of
each source (`Source.meta`), and BM25 cannot rank by a value. This module finds the metric the
question names among the fields the sources share, which way it improves, any bound the
question puts on another field ("under 24 GB" on a memory field), narrows the candidates to
those the question's identifiers pick out ("at 512x512", "on KITTI"), and orders them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.ground.coverage import is_ask, split_asks, split_sentences
from bot.ground.lexicon import weight
from bot.ground.relevance import negated_stems
from bot.ground.schema import MeasuresFile, measures_file
from bot.ground.text import stem
from bot.ground.wording import Wording
from bot.models import Source

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_VERSION = re.compile(r"[-_ ]?v?\d[\w.]*$")  # "dotav1.0" is DOTA's version 1.0
_NAME_PART = re.compile(r"[a-z]+|[0-9]+")  # "l-coco_pretrain-3x": l, coco, pretrain, 3, x
_KEY_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-/][a-z0-9]+)*|[0-9]+(?:\.[0-9]+)?")
_Q_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*|[0-9]+(?:\.[0-9]+)?")
# "AP: 0.682, AP@0.5: 0.883" — several metrics in one field (a metafile's Metrics).
_SUB_METRIC = re.compile(r"([A-Za-z][\w@.\-/ ()%]*?)\s*[:=]\s*([-+]?\d+(?:\.\d+)?)")
# Fields that identify or describe a source rather than measure it.
_NOT_MEASURES = frozenset({"date", "year", "arxiv_id", "published", "published in", "doi",
                           "config", "weights", "code", "url", "license", "pages", "volume",
                           "section"})
# How far after the superlative the metric's name may be ("the best mean per-class IoU").
METRIC_REACH = 6
BOUND_REACH = 3  # words between a lower-bound word and its number
_BOUND_BEFORE = re.compile(
    r"(?:\b(?:under|below|within|over|above|less than|more than|fewer than|at most|at least|max"
    r"|min|up to|no more than|maximum of|minimum of)|[<>]=?|[≤≥]|\bsub-?)\s*[~≈]?\s*$", re.IGNORECASE)
MAX_RANKED = 5
EVIDENCE_ROWS = 2  # leaders whose reported values are quoted
# A number with a unit: "24 GB", "24GB", "~24 GB", "8.5 ms", "30 fps", "7B".
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([A-Za-z]{1,4}|#?params?)\b")


@dataclass(frozen=True)
class Bound:
    field: str
    upper: bool  # True: at most `limit`
    limit: float
    text: str  # as the question wrote it ("~24 GB")


@dataclass(frozen=True)
class Ranking:
    """Candidates ordered best first on `field`, within `bound` when the question set one."""

    field: str
    higher: bool  # the direction the question asks for
    order: list[tuple[int, str]]  # (index into the sources, value as the block writes it)
    bound: Bound | None
    # Candidates the bound excluded, for saying how many did not fit.
    excluded: int
    ordinal: bool  # the values are ranks ("1st", "2nd"): the first is the best
    # The question's words that named the metric ("linear-probe accuracy"): answered here,
    # though the block may spell the metric otherwise.
    asked: tuple[str, ...] = ()
    unknown: int = 0  # candidates that report no value of the bound's field
    clause: str = ""  # the part of the question this ranking answers


@lru_cache(maxsize=1)
def _vocab() -> tuple[MeasuresFile, dict[str, str]]:
    """The data file and, per superlative word or phrase, its kind."""
    m = measures_file()
    kinds: dict[str, str] = {}
    for kind in ("higher", "lower", "faster", "better"):  # "better" last: a "most …" phrase wins
        for w in getattr(m, kind):
            kinds[w] = kind
    return m, kinds


def _number(text: str) -> float | None:
    found = _NUMBER.search(text.replace(",", "") if re.fullmatch(r"[\d,]+(\.\d+)?", text.strip())
                           else text)
    if found is None:
        return None
    try:
        return float(found.group(0).replace(",", "."))
    except ValueError:
        return None


def measures(source: Source) -> dict[str, str]:
    """Numeric fields of a source: field name (lowercased) -> value as written."""
    out: dict[str, str] = {}
    for key, value in source.meta.items():
        k = key.lower().strip()
        if k in _NOT_MEASURES or not value:
            continue
        subs = _SUB_METRIC.findall(value)
        if len(subs) > 1 or (subs and k in ("metrics", "results")):
            for name, v in subs:
                out.setdefault(name.strip(), v)  # as written ("NDS"): it is shown
        elif _number(value) is not None and len(value) <= 40:
            out[k] = value.strip()
    return out


def _split(words: Sequence[str]) -> set[str]:
    """Each word, its stem, and the parts of a hyphenated one ("linear-probe")."""
    out = set(words)
    for w in words:
        out.update(p for p in re.split(r"[-/]", w) if p)
    return out | {stem(w) for w in out}


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Alias (a column head) -> the metric's name."""
    m, _ = _vocab()
    return {a: name for name, alist in m.aliases.items() for a in alist}


def _key_words(field: str) -> set[str]:
    words = _KEY_WORD.findall(field.lower())
    name = _aliases().get(field.lower())
    short = _vocab()[0].abbreviations
    return _split(words + ([name] if name else []) + [short[w] for w in words if w in short])


def _question_words(text: str) -> list[str]:
    return [w.lower() for w in _Q_WORD.findall(text)]


def _superlative(words: list[str]) -> tuple[int, int, str] | None:
    """(start, end, kind) of the first superlative in the question's words."""
    _, kinds = _vocab()
    for i in range(len(words)):
        for n in (3, 2, 1):
            phrase = " ".join(words[i : i + n])
            if len(words[i : i + n]) == n and phrase in kinds:
                # "most" alone is a quantity of the next word ("most stars", "most cited"):
                # that word names what is counted.
                if phrase in ("most", "least") and i > 0 and words[i - 1] == "at":
                    continue  # "at most 2 GB" bounds, it ranks nothing
                if phrase == "most" and i + 1 < len(words):
                    return i, i + 1, "higher"
                return i, i + n, kinds[phrase]
    return None


_ORDER_WORDS = frozenset({"rank", "ranked", "ranking", "sort", "sorted", "order", "ordered", "going"})
ORDER_REACH = 3  # words between "rank" and its "by" ("rank these three by")


def _ordered_by(words: list[str]) -> int | None:
    """Where the "by" of "rank … by X" stands."""
    for i, w in enumerate(words):
        if w == "by" and any(x in _ORDER_WORDS for x in words[max(0, i - ORDER_REACH - 1) : i]):
            return i
    return None


def _lower_better(field: str) -> bool:
    m, _ = _vocab()
    low = field.lower()
    words = set(_KEY_WORD.findall(low)) | {w.strip("()") for w in low.split()}
    return bool(words & set(m.lower_better)) or "↓" in field


def _is_rate(field: str) -> bool:
    m, _ = _vocab()
    return any(r in field.lower() for r in m.rates)


def _pick_field(window: list[str], fields: dict[str, int]) -> str | None:
    """The field the words after the superlative name: most window words matched, then the
    field most sources report."""
    want = _split(window)
    best: tuple[int, int, str] | None = None
    for f, count in fields.items():
        hit = len(_key_words(f) & want)
        if hit and (best is None or (hit, count) > best[:2]):
            best = (hit, count, f)
    return best[2] if best else None


_ORDINAL = re.compile(r"^\s*#?\d{1,3}(?:st|nd|rd|th)\s*$", re.IGNORECASE)


JARGON = 0.95  # `lexicon.weight` of a column head that names its metric on its own


def _named_anywhere(words: list[str], fields: dict[str, int]) -> str | None:
    """The field whose head's words (two or more, or one jargon word) all occur in the
    question, the longest."""
    asked = _split(words)
    best: tuple[int, int, str] | None = None
    for f, count in fields.items():
        head = [w for w in _KEY_WORD.findall(f.lower()) if len(w) > 2 and not w.isdigit()]
        # One word is enough when it is jargon ("HumanEval"), not a common head ("score").
        named = len(head) >= 2 or len(head) == 1 and weight(head[0]) >= JARGON
        if named and all(w in asked or stem(w) in asked for w in head) and (
                best is None or (len(head), count) > best[:2]):
            best = (len(head), count, f)
    return best[2] if best else None


def _quality_field(fields: dict[str, int]) -> str | None:
    m, _ = _vocab()
    quality = set(m.quality)
    for f in fields:  # in the order the block reports them
        if set(_KEY_WORD.findall(f.lower())) & quality or f.lower() in quality:
            return f
    return None


def _bound(question: str, fields: dict[str, int]) -> Bound | None:
    m, _ = _vocab()
    lower_words = set(m.lower_bound)
    # An amount inside a name ("ImageNet-22K", "R50") bounds nothing; "sub-30M" does.
    amounts = [f for f in _AMOUNT.finditer(question) if not _in_name(question, f.start())]
    # "our box has a 12GB card — which stays under ~10GB?": the amount a bound word or sign
    # stands against is the bound; an amount the story tells in passing is not.
    amounts.sort(key=lambda f: not _BOUND_BEFORE.search(question[max(0, f.start() - 16): f.start()]))
    asked = set(_question_words(question))
    picked = next(((f, t) for f in amounts if (t := _unit_field(f, fields, m.units, asked))), None) \
        or next(((f, t) for f in amounts if (t := _counted_field(question, f, fields))), None)
    if picked is None:
        return None
    found, target = picked
    before = " ".join(_question_words(question[: found.start()])[-BOUND_REACH:])
    # A sign written against the amount (">=150 fps", "≤ 8 GB") says it outright.
    sign = question[: found.start()].rstrip()[-2:]
    lower = sign.endswith((">", ">=", "≥")) or not sign.endswith(("<", "<=", "≤")) and (
        any(f" {w} " in f" {before} " for w in lower_words) or (
            _is_rate(target) and not _lower_better(target)))
    start = found.start()
    if start and question[start - 1] in "~≈":
        start -= 1
    return Bound(field=target, upper=not lower, limit=float(found.group(1)),
                 text=question[start : found.end()].strip())


def _unit_field(found: re.Match[str], fields: dict[str, int],
                units: dict[str, list[str]], asked: set[str]) -> str | None:
    """The field the amount's unit names ("24 GB" -> a memory field); of several, the one
    whose head shares most words with the question ("average peak memory" -> "avg (…)")."""
    unit = found.group(2).lower().lstrip("#")
    names = units.get(unit) or units.get(unit.rstrip("s")) or []
    matching = [f for f in fields if unit in _KEY_WORD.findall(f.lower())
                or any(n in _KEY_WORD.findall(f.lower()) for n in names)]
    if len(matching) < 2:
        return matching[0] if matching else None
    short = _vocab()[0].abbreviations

    def shared(f: str) -> int:
        words = _KEY_WORD.findall(f.lower())
        return sum(1 for w in set(words) | {short[w] for w in words if w in short} if w in asked)

    return max(matching, key=lambda f: (shared(f), -matching.index(f)))


def _counted_field(question: str, found: re.Match[str], fields: dict[str, int]) -> str | None:
    """"5M training timesteps": with no unit naming a field, the words after a count do."""
    if found.group(2).lower() not in _COUNT_SCALE:
        return None
    after = {stem(w) for w in _question_words(question[found.end():])[:BOUND_REACH]}
    return next((f for f in fields if after & {
        stem(w) for w in _KEY_WORD.findall(f.lower()) if len(w) > 2}), None)


_BOUND_PREFIX = re.compile(r"(?:^|[^\w])(?:sub|under|below|over|above|max|min)[-_]$", re.IGNORECASE)


def _in_name(question: str, start: int) -> bool:
    before = question[:start]
    if not before or not (before[-1].isalnum() or before[-1] in "-_"):
        return False
    return not _BOUND_PREFIX.search(before)


# "3M params" against a field that counts parameters one by one (2320000).
_COUNT_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9}


def _scaled_limit(bound: Bound, values: Sequence[float | None]) -> float:
    """The bound in the field's own scale: a count written with a suffix ("3M") compared
    with values written in full is multiplied out."""
    unit = _AMOUNT.search(bound.text)
    scale = _COUNT_SCALE.get(unit.group(2).lower(), 1.0) if unit else 1.0
    known = sorted(v for v in values if v is not None)
    if scale > 1 and known and known[len(known) // 2] > 1000 * bound.limit:
        return bound.limit * scale
    return bound.limit


def _identifiers(question: str) -> list[str]:
    """Tokens of the question that name a variant: sizes and codes with digits ("512x512",
    "r50", "2019")."""
    return [w for w in _question_words(question)
            if any(c.isdigit() for c in w) and any(c.isalpha() for c in w) or re.fullmatch(
                r"(19|20)\d\d", w)]


def _clause_of(question: str, word: str) -> str:
    """The question without its other asks: the sentence that holds `word`, with the story
    around it (a memory budget stated first), not a second question about something else."""
    sentences = split_sentences(question)
    asks = [p for p in sentences if p.endswith("?") or is_ask(p)]
    own = next((a for a in asks if word in a.lower()), "")
    return " ".join(p for p in sentences if p == own or p not in asks) if own else question


def _narrow(question: str, sources: Sequence[Source], cands: list[int]) -> list[int]:
    """Keep the candidates that carry an identifier the question names, when only some do."""
    for ident in _identifiers(question):
        having = [i for i in cands if ident in _described(sources[i])]
        if having and len(having) < len(cands):
            cands = having
    # A dataset the question names, when candidates report different ones.
    q = question.lower()
    datasets = {i: sources[i].meta.get("dataset", "").lower() for i in cands}
    # "DOTA" names "DOTAv1.0": a dataset by its name without its version.
    named = {d for d in datasets.values() if d and (re.search(rf"\b{re.escape(d)}\b", q) or (
        len(lead := _VERSION.sub("", d)) >= 3 and re.search(rf"\b{re.escape(lead)}\b", q)))}
    if named and len(set(datasets.values())) > 1:
        cands = [i for i in cands if datasets[i] in named]
    return cands


def _described(source: Source) -> str:
    return (source.name + " " + " ".join(source.meta.values())).lower()


# With no metric named ("which is best here?"), only sources this relevant (of the best) are
# ranked by the block's quality metric: "best" then means best among those on topic.
ON_TOPIC = 0.5
_OF_THOSE = re.compile(r"\b(?:of|among|from)\s+(?:those|them|these ones|the above)\b", re.IGNORECASE)


def rank(
    question: str, sources: Sequence[Source], rel: Sequence[float] | None = None
) -> Ranking | None:
    """The sources ordered by the value the question asks the extreme of, or None when it asks
    for none or no field of the sources holds it."""
    words = _question_words(question)
    sup = _superlative(words)
    # "Which backbone is better on screw?": a comparison between the rows, when it names the
    # column it compares by.
    comparative = sup is None and "better" in words
    if comparative:
        at = words.index("better")
        sup = (at, at + 1, "better")
    by = _ordered_by(words)
    if by is not None:
        # "order these by F1", "sorted by stars": best first, by the column named,
        # among the rows the question is about.
        comparative, sup = True, (by, by + 1, "better")
    # A "rank by" beside another ask that picks a topic ranks the rows picked; alone, all.
    ordering = sup is not None and comparative and words[sup[0]] == "by" and len(
        split_asks(question)[0]) >= 2
    if sup is None:
        return None
    table = [measures(s) for s in sources]
    fields: dict[str, int] = {}
    for t in table:
        for f in t:
            fields[f] = fields.get(f, 0) + 1
    fields = {f: n for f, n in fields.items() if n >= 2}  # one source alone is no comparison
    if not fields:
        return None
    _, end, kind = sup
    window = words[end : end + METRIC_REACH]
    # The ask that holds the superlative sets the bound and the narrowing: another ask of the
    # question (whether a checkpoint exists for another dataset) is answered apart.
    clause = _clause_of(question, words[sup[0]])
    bound = _bound(clause, fields)
    if bound is None and by is not None:
        # "Which fit in 4 GB? Order those by F1.": the rows "those" are, bounded
        # in the ask before.
        bound = _bound(question, fields)
    if bound is not None and (lead := _question_words(bound.text)[:1]) and lead[0] in window[1:]:
        # "best AP with >=150 fps at batch 1": the words from the bound on say what it bounds.
        window = window[: window.index(lead[0], 1)]
    chosen = _pick_field(window, {f: n for f, n in fields.items()
                                  if bound is None or f != bound.field})
    if chosen is None and kind == "better":
        # "Which tops the board for anomaly detection?": a column the question names
        # anywhere, every word of its head in the question.
        chosen = _named_anywhere(words, fields)
    if chosen is None and kind == "faster":
        # "Which is fastest?": the block's first speed column (tokens/sec, fps).
        rates = [f for f in fields if _is_rate(f) and (bound is None or f != bound.field)]
        chosen = rates[0] if rates else None
    named = chosen is not None
    if chosen is None and kind == "better" and not comparative:
        chosen = _quality_field(fields)
    if chosen is None:
        return None
    ordinal = all(_ORDINAL.match(t[chosen]) for t in table if chosen in t)
    if kind == "better":
        higher = not (_lower_better(chosen) or ordinal)  # a rank: 1st is best
    elif kind == "faster":
        higher = _is_rate(chosen)
    else:
        higher = kind == "higher"
    cands = [i for i, t in enumerate(table) if chosen in t and _number(t[chosen]) is not None]
    # A bound picks the rows it lets through itself ("fits in 4 GB? order those by …").
    if (not named or _OF_THOSE.search(clause) or ordering and bound is None) and rel:
        # Also a superlative over "those" the question picked first ("… of those, most stars?").
        top = max(rel)
        cands = [i for i in cands if top > 0 and rel[i] >= ON_TOPIC * top]
    cands = _narrow(clause, sources, cands)
    ruled = negated_stems(clause)  # a pretraining the ask says to leave out
    if ruled:
        kept = [i for i in cands if ruled.isdisjoint(stem(w) for w in _NAME_PART.findall(
            sources[i].name.lower()))]
        cands = kept or cands
    excluded = unknown = 0
    if bound is not None:
        fitting = []
        limit = _scaled_limit(bound, [_number(table[i].get(bound.field, "")) for i in cands])
        for i in cands:
            v = _number(table[i].get(bound.field, ""))
            if v is None:
                unknown += 1  # no value to hold against the bound: not known to fit
            elif v <= limit if bound.upper else v >= limit:
                fitting.append(i)
        excluded = len(cands) - len(fitting) - unknown
        cands = fitting
    if not cands:
        return None
    cands.sort(key=lambda i: (-(_number(table[i][chosen]) or 0.0) if higher
                              else (_number(table[i][chosen]) or 0.0), i))
    asked = tuple(words[sup[0] : end + METRIC_REACH]) if named else tuple(words[sup[0] : end])
    if bound is not None:
        # The clause that states the bound ("keeping to sub-8 GB cards") is answered too.
        stated = next((c for c in re.split(r"[,;?!]|\. ", question) if bound.text in c), "")
        asked += tuple(_question_words(stated))
    return Ranking(field=chosen, higher=higher, ordinal=ordinal,
                   order=[(i, table[i][chosen]) for i in cands[:MAX_RANKED]],
                   bound=bound, excluded=excluded, asked=asked, unknown=unknown, clause=clause)


# Where the ranked candidates land in 0..1 relevance: above every other source, in order.
RANKED_TOP, RANKED_STEP, OTHERS = 1.0, 0.02, 0.8


def promote(rel: Sequence[float], ranking: Ranking) -> list[float]:
    """Relevance with the ranking's candidates first, best first; the rest keep their order
    below them."""
    out = [round(r * OTHERS, 4) for r in rel]
    for p, (i, _) in enumerate(ranking.order):
        out[i] = round(RANKED_TOP - RANKED_STEP * p, 4)
    return out


def _limit(value: float) -> str:
    return f"{value:g}"


def sentence(ranking: Ranking, names: Sequence[str], say: Wording) -> str:
    """The finding in one sentence; `names` are the ranked sources' labels, in order."""
    values = [v for _, v in ranking.order]
    bound = ranking.bound
    return say.say(
        "ranking", field=ranking.field, higher=ranking.higher, first=names[0], value=values[0],
        rest=[say.say("ranked_item", name=n, value=v) for n, v in zip(names[1:3], values[1:3])],
        bound=bound.field if bound else "",
        # As the question wrote it when it has a unit ("3M", "~24 GB"), else the number.
        limit=(bound.text if re.search(r"[A-Za-z]", bound.text) else _limit(bound.limit))
        if bound else "",
        upper=bound.upper if bound else True, excluded=ranking.excluded,
        ordinal=ranking.ordinal, unknown=ranking.unknown,
    )


def evidence_lines(ranking: Ranking, sources: Sequence[Source], grounded: Callable[[str], bool]
                   ) -> list[tuple[str, str]]:
    """(text, source id) of the lines that report the leaders' values, as the block wrote
    them: the rows behind the stated finding."""
    out: list[tuple[str, str]] = []
    fields = [ranking.field] + ([ranking.bound.field] if ranking.bound else [])
    for i, value in ranking.order[:EVIDENCE_ROWS]:
        s = sources[i]
        for line in s.summary.splitlines():
            line = line.strip()
            if not line or (line, s.id) in out:
                continue
            low = line.lower()
            hit = value in line or any(
                f.lower() in low and (v := s.meta.get(f, "")) and v in line for f in fields)
            if hit and grounded(line):
                out.append((line, s.id))
    return out
