"""Does the block answer the question? Judged by the informative words of the question's asks.

The asks are the interrogative sentences, cut at ", and …" into clauses. Each word counts by
how much it says (`lexicon.weight`: rare words a lot, common English words little, stopwords
and words about the asking nothing); numbers count fully. A clause is unsupported when most of
that weight finds no word of the block, or when it asks for a measurement (fps, latency, GPU …)
the block never mentions. The question is not covered only when every clause is unsupported;
otherwise the unsupported parts become one caveat, in the question's own words, naming only
words a reader would not call common ("latency on an edge device", never "second").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from bot.ground.intent import intents
from bot.ground.lexicon import filler, is_artefact, is_hard, nameable, weight
from bot.ground.schema import cues_file, words_file
from bot.ground.text import stem

_ASK_START = re.compile(
    # "and on average how much …": a joiner and a short qualifier may open the ask
    r"^\s*(?:(?:also|and|so|plus|but|then)\s+(?:[\w-]+\s+){0,3}?)?(how|what|which|can|could|does|do|did|is|are|was"
    r"|were|will|would|where|when|why|should|has|have|who"
    # A request is an ask too ("gimme links", "rank them by F1", "pls summarise").
    r"|(?:pls |please )?(?:gimme|give me|show me|send me|tell me|list|rank|sort|compare"
    r"|summari[sz]e|recommend|suggest|explain|pick|find))\b",
    re.IGNORECASE,
)
_WH = r"(how|what|which|is|are|does|do|can|will|where|whether|were|was|when|why)\b"
# A Slack-style second ask after a joiner ("licence + can it even do vocals"): an ask too.
_INNER_ASK = re.compile(
    r"(?:[+&;:\u2014]|\band|\balso)\s+(?:can|could|does|do|is|are|how|what|which|will|would)"
    r"\s+(?:it|they|this|these|we|i|you|one|any)\b", re.IGNORECASE)
_CLAUSE_CUT = re.compile(rf",?\s+and\s+(?={_WH})|[,;]\s+(?={_WH})|\s+[+&]\s+(?={_WH})", re.IGNORECASE)
_LEAD_IN = re.compile(r"\s*(?:for|on|in|with|given|using|at|under|from|among|across|between)\b",
                      re.IGNORECASE)
_SURFACE = re.compile(r"[A-Za-z][A-Za-z0-9]*|[0-9]+(?:[.,][0-9]+)*")
# A requirement stated as an absence ("without a GPU") is met by sources that never mention it.
NEGATION = frozenset({"without", "no", "not", "never", "nor", "non", "rather", "instead"})
NEGATION_REACH = 3
SUPPORTED = 0.5
QUALIFIER_REACH = 4  # words between a measurement and the phrase that qualifies it
# An ask that points back at the story ("anything here for that?", "can it do this?").
_BACK = re.compile(r"\b(that|this|these|those|them|it)\s*[?.!]?\s*$|\bfor (that|this|it)\b", re.IGNORECASE)
PREFIX = 6  # shortest key that may meet longer keys it begins
# Below this an ask names no subject of its own ("which one does this?").
SUBJECT_WEIGHT = 0.6


@dataclass
class Coverage:
    covered: bool = True
    # Unanswered asks, quoted as the question wrote them.
    missing: list[str] = field(default_factory=list)
    # Measurements or resources asked for that no source reports ("latency on an edge device").
    measures: list[str] = field(default_factory=list)


MIN_CLAUSE = 3  # words: "and separately" between two asks asks nothing
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
CJK_ASK = 4  # ideographs or syllables that make an ask one this module cannot weigh
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")


def number_key(token: str) -> str:
    """"2,000" and "2000" meet; "0.5" stays itself."""
    return token.replace(",", "") if _GROUPED.fullmatch(token) else token


def key(token: str) -> str:
    return number_key(token) if token[:1].isdigit() else stem(token)


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int
    key: str
    weight: float
    hard: bool
    negated: bool


_QUOTED = re.compile(r"[\"“‘](?:[^\"”’]{1,80})[\"”’]|(?<![A-Za-z])'[^']{1,80}'(?![A-Za-z])")


_DEMONSTRATIVE = frozenset({"this", "these", "that", "those"})
_PERSON = frozenset({"i", "we", "you"})
_MODAL = frozenset({"can", "could", "would", "might", "may"})
_WITHIN = frozenset({"in", "from", "of", "among", "across", "within", "inside", "on"})


def _aside(before2: str, before: str) -> bool:
    """The word after these two says nothing about the subject: it names the paste ("in this
    bib", "across these tables") or what the asker would do ("a demo I can poke at")."""
    return before in _DEMONSTRATIVE and before2 in _WITHIN or before in _MODAL and before2 in _PERSON


def _words(clause: str) -> list[_Word]:
    # A quoted example ("a prompt like 'upbeat jazz'") is not what the question is about.
    examples = [m.span() for m in _QUOTED.finditer(clause)]
    pattern = hard_phrases()
    measures = [m.span() for m in pattern.finditer(clause)] if pattern is not None else []
    toks = [m for m in _SURFACE.finditer(clause)
            if not any(a <= m.start() < b for a, b in examples)]
    # Where each negation stands, looked up once rather than once per following word.
    negations = [i for i, t in enumerate(toks) if t.group(0).lower() in NEGATION]
    low = [t.group(0).lower() for t in toks]
    out = []
    for i, m in enumerate(toks):
        w = m.group(0)
        hard = is_hard(w) or any(a <= m.start() < b for a, b in measures)
        aside = not hard and i >= 2 and _aside(low[i - 2], low[i - 1])
        out.append(_Word(
            text=w, start=m.start(), end=m.end(), key=key(w),
            weight=0.0 if aside or low[i] in NEGATION else weight(w), hard=hard,
            negated=any(i - NEGATION_REACH <= n < i for n in negations),
        ))
    return out


@lru_cache(maxsize=1)
def hard_phrases() -> re.Pattern[str] | None:
    """The measurement words of several words ("frames per second"), as one pattern."""
    phrases = [p for p in words_file().hard if " " in p]
    if not phrases:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)


def _runs(clause: str, words: list[_Word], missing: set[int]) -> list[str]:
    """Missing words that stand together as one phrase of the question ("frames per second",
    "latency on an edge device"): only prepositions, articles and "and"/"or" may join them.
    Edges lose function words and very common words; a phrase is kept when it holds a word a
    caveat may name."""
    join = _joiners()
    runs: list[list[int]] = []
    for i in sorted(missing):
        prev = runs[-1][-1] if runs else None
        if prev is not None and all(
            words[k].text.lower() in join or clause[words[k - 1].end : words[k].start] == "-"
            for k in range(prev + 1, i)
        ) and not re.search(r"[,;.?!()]", clause[words[prev].end : words[i].start]):
            runs[-1].extend(range(prev + 1, i + 1))
        else:
            runs.append([i])
    out = []
    for run in runs:
        while run and _edge_weak(words[run[0]]):
            run = run[1:]
        while run and not words[run[-1]].hard and (
            words[run[-1]].weight == 0 or filler(words[run[-1]].text)
        ):
            run = run[:-1]
        if run and any(nameable(words[i].text) for i in run):
            out.append(clause[words[run[0]].start : words[run[-1]].end] + _qualifier(
                clause, words, run[-1], missing) if any(words[i].hard for i in run) else
                clause[words[run[0]].start : words[run[-1]].end])
    return out


def _qualifier(clause: str, words: list[_Word], end: int, missing: set[int]) -> str:
    """The prepositional phrase that qualifies a measurement a few words on ("which latency
    would we see on an edge device" -> " on an edge device"), when its words are missing too."""
    join, preps = _joiners(), frozenset(cues_file().prepositions)
    for p in range(end + 1, min(len(words), end + 1 + QUALIFIER_REACH)):
        if re.search(r"[,;.?!()]", clause[words[end].end : words[p].start]):
            return ""
        if words[p].text.lower() not in preps:
            continue
        last = p
        for k in range(p + 1, len(words)):
            gap = clause[words[k - 1].end : words[k].start]
            if re.search(r"[,;.?!()]", gap):
                break
            if k in missing or words[k].text.lower() in join or gap == "-":
                last = k
            else:
                break
        held = [k for k in range(p + 1, last + 1) if k in missing]
        return " " + clause[words[p].start : words[last].end] if held else ""
    return ""


def _edge_weak(word: _Word) -> bool:
    return not word.hard and (word.weight == 0 or not nameable(word.text))


@lru_cache(maxsize=1)
def _joiners() -> frozenset[str]:
    cues = cues_file()
    return frozenset(cues.prepositions) | frozenset(cues.determiners) | {"of", "per", "and", "or"}


def quoted(clause: str) -> str:
    """An unanswered ask as the question wrote it, for a caveat."""
    text = re.sub(r"^\s*(and|but|so|also)\b\s*", "", clause.strip(), flags=re.IGNORECASE)
    return "“" + text.rstrip(" ?.!") + "”"


def split_sentences(question: str) -> list[str]:
    """The question's sentences, cut after ".", "?" or "!"."""
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", question.strip()) if s.strip()]


def is_ask(sentence: str) -> bool:
    """A sentence that asks something though it ends in no question mark."""
    return bool(_ASK_START.match(sentence) or _INNER_ASK.search(sentence))


def split_asks(question: str) -> tuple[list[str], list[str]]:
    sentences = split_sentences(question)
    asks = [s for s in sentences if s.endswith("?") or is_ask(s)]
    context = [s for s in sentences if s not in asks]
    if not asks:
        asks, context = sentences, []
    clauses = []
    for a in asks:
        pieces = [c for c in _CLAUSE_CUT.split(a) if c and not _is_cut_word(c)]
        if len(pieces) > 1 and _LEAD_IN.match(pieces[0]) and not pieces[0].rstrip().endswith("?"):
            # "For dashcam footage (KITTI-like), which checkpoint …?": the phrase before the
            # ask says what it is for; it tells, it does not ask.
            context.append(pieces.pop(0))
        # A scrap between two cuts ("and separately") asks nothing; a short ask on its own
        # ("latency?") still does.
        long = [c for c in pieces if len(c.split()) >= MIN_CLAUSE]
        clauses += long if long else pieces
    return clauses, context


def _is_cut_word(piece: str) -> bool:
    return re.fullmatch(_WH, piece, re.IGNORECASE) is not None


def _supported(words: list[_Word], known: Known | Collection[str], bar: float) -> bool:
    weights = [(1.0 if w.hard else w.weight, _has(w, known)) for w in words
               if (w.weight > 0 or w.hard) and not w.negated]
    total = sum(wt for wt, _ in weights)
    return total == 0 or sum(wt for wt, hit in weights if hit) / total >= bar


def _measures(phrase: str) -> bool:
    return any(w.hard for w in _words(phrase))


def informative(question: str) -> float:
    """Total weight of the question's words: ~0 for "please answer this" or "thoughts?"."""
    return sum(w.weight for w in _words(question))


class Known:
    """The keys of a block's words; a key also meets the longer keys it begins
    ("handwrit" meets "handwritten": the stemmer leaves some word families apart)."""

    def __init__(
        self, keys: Collection[str], shown: Mapping[str, Callable[[], bool]] | None = None,
        text: str = "",
    ) -> None:
        self._keys = frozenset(keys)
        self._sorted = sorted(k for k in self._keys if len(k) >= PREFIX)
        # Keys a block shows without writing them ("Apache-2.0" shows "license"), each
        # checked (over the whole block text) only when a question asks for it.
        self._shown = dict(shown or {})
        self._text = text  # the block's lowercased text, for acronyms asked about

    def with_words(self, words: Collection[str]) -> Known:
        """These keys plus those of `words` (what an answer found another way)."""
        return Known(self._keys | {key(w) for w in words}, self._shown, self._text)

    def spells(self, acronym: str) -> bool:
        """The block writes out the acronym ("RL": "reinforcement learning"): words whose
        initials spell it, one after another."""
        letters = acronym.lower()
        if not (ACRONYM_MIN <= len(letters) <= ACRONYM_MAX and letters.isalpha()) or not self._text:
            return False
        return _spelled(letters, self._text)

    def __contains__(self, k: object) -> bool:
        if not isinstance(k, str):
            return False
        if k in self._keys:
            return True
        check = self._shown.get(k)
        if check is not None and check():
            return True
        if len(k) < PREFIX or not k.isalpha():
            return False
        at = bisect_left(self._sorted, k)
        return at < len(self._sorted) and self._sorted[at].startswith(k)


ACRONYM_MIN, ACRONYM_MAX = 2, 5


@lru_cache(maxsize=256)
def _spelled_pattern(letters: str) -> re.Pattern[str]:
    return re.compile(r"\b" + r"[\w]*[\s-]+".join(re.escape(c) for c in letters) + r"\w*")


def _spelled(letters: str, text: str) -> bool:
    return _spelled_pattern(letters).search(text) is not None


def _has(word: _Word, known: Known | Collection[str]) -> bool:
    """The block has the word, or spells out the acronym it is."""
    return word.key in known or (isinstance(known, Known) and word.text.isupper()
                                 and known.spells(word.text))


def assess(question: str, known: Known | Collection[str]) -> Coverage:
    """`known`: the keys (`key`) of every word of the block's sources (a `Known`)."""
    result = Coverage()
    clauses, context = split_asks(question)
    # An ask that names nothing ("which one does this?") points back at the story told
    # before it: that story is what the ask is about.
    story = " ".join(context)
    checked = unsupported = 0
    for clause in clauses:
        if "overview" in intents(clause):
            checked += 1  # any block answers "what is this?"
            continue
        if len(CJK.findall(clause)) >= CJK_ASK:
            # Words of Chinese, Japanese or Korean carry no weight here (no frequency list,
            # no word breaks): such an ask cannot be judged absent, so it is never refused.
            checked += 1
            continue
        words = _words(clause)
        told = False
        # A choosing ask ("anything here worth reading?") is about the story's subject.
        choosing = next(iter(intents(clause))) == "which_to_pick"
        if story and (
            choosing and not _supported(words, known, SUPPORTED)
            or sum(w.weight for w in words if not w.negated) < SUBJECT_WEIGHT
            or _BACK.search(clause) and not _supported(words, known, SUPPORTED)
        ):
            clause, story, told = story, "", True
            words = _words(clause)
        content = [i for i, w in enumerate(words) if (w.weight > 0 or w.hard) and not w.negated]
        if not content:
            continue
        checked += 1
        weights = {i: (1.0 if words[i].hard else words[i].weight) for i in content}
        total = sum(weights.values())
        # An ask for code or weights ("is any of it released?") is answered by the links
        # themselves; the answer says which sources link code (or that none does).
        artefact = {i for i in weights if is_artefact(words[i].text)}
        if sum(weights[i] for i in artefact) >= total / 2 and all(
                _has(words[i], known) for i in weights if i not in artefact):
            continue
        if artefact and len(artefact) < len(weights):
            # The links answer the code part either way; the rest of the ask decides.
            weights = {i: wt for i, wt in weights.items() if i not in artefact}
            content = [i for i in content if i not in artefact]
            total = sum(weights.values())
        found = sum(wt for i, wt in weights.items() if _has(words[i], known))
        absent = {i for i in content if not _has(words[i], known)}
        hard_terms = [i for i in content if words[i].hard]
        hard_missing = bool(hard_terms) and all(i in absent for i in hard_terms)
        # A story stands in for an ask that names nothing: it tells more than is asked, so
        # half of it found is enough.
        bar = SUPPORTED / 2 if told else SUPPORTED
        if not (hard_missing or found / total < bar):
            # Answered, but a measurement it also asks for is reported nowhere ("…and how
            # many parameters?"): that part is the caveat.
            unmet = {i for i in absent if words[i].hard}
            if unmet and any(i not in absent for i in hard_terms):
                gaps = [g for g in _runs(clause, words, unmet) if _measures(g)]
                result.measures += [g for g in gaps if g not in result.measures]
            continue
        unsupported += 1
        if hard_missing:
            # The measurement asked for is the gap, with the words that qualify it.
            gaps = [g for g in _runs(clause, words, absent) if _measures(g)]
            result.measures += [g for g in gaps if g not in result.measures]
        elif told:
            gaps = _runs(clause, words, absent)
            result.missing += [g for g in gaps if g not in result.missing]
        else:
            result.missing.append(quoted(clause))
    for sentence in context if story else ():
        words = _words(sentence)
        hard = [w for w in words if w.hard and not w.negated]
        if not hard or any(_has(w, known) for w in hard):
            continue  # the story's resources are reported, or it names none
        absent = {i for i, w in enumerate(words) if (w.weight > 0 or w.hard) and not w.negated
                  and not _has(w, known)}
        for gap in _runs(sentence, words, absent):
            if _measures(gap) and gap not in result.measures:
                result.measures.append(gap)
    if checked and unsupported == checked:
        result.covered = False
    # "an edge device" says nothing that "latency on an edge device" does not.
    result.measures = [m for m in result.measures
                       if not any(m != other and m in other for other in result.measures)]
    return result
