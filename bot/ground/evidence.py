"""Evidence: the source sentences that answer the question, quoted exactly.

Candidates come from `split_sentences` (exact substrings); a sentence that reads as prompt
injection is never a candidate, and one that carries a ping is cut to its longest ping-free
stretch (still a contiguous substring) or dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.ground.injection import is_injection
from bot.ground.relevance import Doc, Query, bm25_small, concept_tokens, task_overlap
from bot.ground.tasks import cue_matcher, vocabulary
from bot.ground.text import analyse
from bot.parse.sentences import split_sentences
from bot.safety import has_ping

MIN_CHARS = 25
MAX_CHARS = 600
MAX_EVIDENCE = 8

_PING_SPAN = re.compile(r"@(?:everyone|here|channel|all)\b|<[!@#][^>]*>", re.IGNORECASE)
STRONG_FINDING = re.compile(
    r"\b(we (find|found|show|observe|demonstrate|prove|confirm)|results? (show|indicate|demonstrate|suggest)"
    r"|(experiments|analys[ie]s|evaluations?) (show|demonstrate|reveal)|(it|this|which) demonstrates"
    r"|findings (indicate|show|suggest))\b",
    re.IGNORECASE,
)
FINDING = re.compile(
    r"\b(demonstrates?|outperform\w*|enabl\w+|achiev\w+|surpass\w*|robust\w*|generali[sz]\w*"
    r"|improv\w+|matches|state-of-the-art|faster|fewer|reduc\w+)\b",
    re.IGNORECASE,
)
BACKGROUND = re.compile(
    r"^(a major goal|recent (work|years|advances)|in recent years|traditional(ly)?|existing|prior work"
    r"|previous (work|methods)|however|despite|although|while|modern|advancements|the [\w-]+ "
    r"(problem|task) (is|has)|[\w-]+ (is|are|has been|have been) (widely|increasingly|often|a))\b",
    re.IGNORECASE,
)
RELEASE = re.compile(
    r"\b(code|weights|models?|implementation|dataset|data|library|checkpoints?)\b[^.]{0,80}"
    r"\b(available|released?|open[- ]sourced?|publicly)\b|\bavailable at\b|\bopen[- ]source\b",
    re.IGNORECASE,
)
METHOD = re.compile(
    r"\bwe (propose|introduce|present|develop|reformulate)\b|\bconsists of\b|\bleverag\w+\b",
    re.IGNORECASE,
)


# What a source offers ("we present X, which forecasts …") answers a choice or an overview
# better than its motivation does; for how it works it is part of the answer.
_METHOD_BONUS = {"overview": 0.6, "which_to_pick": 0.2, "general": 0.2, "how_it_works": 0.15}


_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
MIN_WORDS = 3  # words of a quotable sentence besides its URLs


@dataclass
class Candidate:
    text: str
    source_id: str
    rank: int
    position: int
    score: float = 0.0
    terms: list[str] = field(default_factory=list)
    tasks: Counter[str] = field(default_factory=Counter)
    cues: Counter[str] = field(default_factory=Counter)
    # Which wordings (a finding, background, a release, a method) the sentence shows, found on
    # first need. The per-answer copies of a source's sentences share this dict with the
    # block's cached ones, so a follow-up never searches a sentence for them again.
    style: dict[str, bool] = field(default_factory=dict)


def _shows(c: Candidate, name: str, pattern: re.Pattern[str]) -> bool:
    hit = c.style.get(name)
    if hit is None:
        hit = c.style[name] = pattern.search(c.text) is not None
    return hit


def ping_free(sentence: str) -> str:
    """The sentence itself, or its longest contiguous stretch with no ping ("" if too short)."""
    if not has_ping(sentence):
        return sentence
    parts = _PING_SPAN.split(sentence)
    best = max((p.strip(" \t\n,;:-") for p in parts), key=len, default="")
    return best if len(best) >= MIN_CHARS and not has_ping(best) else ""


def candidates(doc: Doc, rank: int) -> tuple[list[Candidate], int]:
    """Quotable sentences of one source (analysed from the source's own analysis), and how
    many of its sentences were injections. They depend on the source alone: worked out once
    per analysed source (a follow-up on the block reuses them), fresh copies per answer."""
    if doc.quotes is None:
        doc.quotes = _candidates(doc)
    found, injected = doc.quotes
    # Built field by field: `dataclasses.replace` inspects the class on every call.
    return [Candidate(c.text, c.source_id, rank, c.position, c.score, c.terms, c.tasks, c.cues,
                      c.style) for c in found], injected


def _candidates(doc: Doc) -> tuple[list[Candidate], int]:
    rank = 0
    out: list[Candidate] = []
    injected = 0
    summary = doc.source.summary
    cursor = 0
    for pos, raw in enumerate(split_sentences(summary)):
        at = summary.find(raw, cursor)
        cursor = at + len(raw)
        if is_injection(raw):
            injected += 1
            continue
        text = ping_free(raw)
        # "Paper: https://…" is a link with a label, not a sentence anyone could quote.
        if len(_URL.sub(" ", text).split()) < MIN_WORDS:
            continue
        if MIN_CHARS <= len(text) <= MAX_CHARS:
            start = at + raw.find(text)
            tm, tasks, cues = doc.sentence(start, start + len(text))
            out.append(Candidate(text, doc.source.id, rank, pos, terms=tm, tasks=tasks, cues=cues))
    if not out:
        name = ping_free(doc.source.name.strip())
        if len(name) >= MIN_CHARS and len(name.split()) >= 4 and not is_injection(name):
            st, tm = analyse(name)
            out.append(Candidate(name, doc.source.id, rank, 0, terms=tm,
                                 tasks=vocabulary().match(st), cues=cue_matcher().match(st)))
    return out, injected


def score(cands: list[Candidate], query: Query) -> None:
    targets = set(query.tasks)
    corpus = [c.terms + concept_tokens(c.tasks, c.cues) for c in cands]
    bm = bm25_small(corpus, query.terms)
    top = max(bm, default=0.0)
    wants_release = query.intent == "reproduce" or any("code" in c for c in query.cues)
    for c, b in zip(cands, bm):
        s = (b / top if top > 0 else 0.0) + 0.3 * task_overlap(targets, c.tasks)
        if query.intent != "reproduce":
            if _shows(c, "strong", STRONG_FINDING):
                s += 0.4
            elif _shows(c, "finding", FINDING):
                s += 0.2
        if _shows(c, "background", BACKGROUND):
            s -= 0.3
        if wants_release and _shows(c, "release", RELEASE):
            s += 0.3
        if _shows(c, "method", METHOD):
            s += _METHOD_BONUS.get(query.intent, 0.0)
        c.score = s


def pick(
    docs: Sequence[Doc], selected: Sequence[int], query: Query
) -> tuple[dict[str, list[Candidate]], int]:
    """Ranked candidates per selected source id (best first), and the injection count."""
    cands: list[Candidate] = []
    injected = 0
    for rank, i in enumerate(selected):
        found, bad = candidates(docs[i], rank)
        cands.extend(found)
        injected += bad
    score(cands, query)
    per: dict[str, list[Candidate]] = {}
    for c in sorted(cands, key=lambda c: (-c.score, c.position)):
        per.setdefault(c.source_id, []).append(c)
    return per, injected


def choose(per_source: dict[str, list[Candidate]], order: Sequence[str]) -> list[Candidate]:
    """At most two sentences per source (one past the third source), best sources first."""
    chosen: list[Candidate] = []
    for rank, sid in enumerate(order):
        ranked = per_source.get(sid, [])
        if not ranked:
            continue
        best = ranked[0]
        chosen.append(best)
        if rank < 3 and len(ranked) > 1:
            second = ranked[1]
            if second.score >= 0.25 and second.score >= 0.5 * best.score:
                chosen.append(second)
        if len(chosen) >= MAX_EVIDENCE:
            break
    seen: Counter[str] = Counter()
    unique = []
    for c in chosen[:MAX_EVIDENCE]:
        if not seen[c.text]:
            unique.append(c)
        seen[c.text] += 1
    return unique
