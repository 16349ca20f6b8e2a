"""Word analysis shared by every grounding step: one tokenizer and the Snowball stemmer.

Matching is always stem-against-stem (vocabulary, question, sources), so the stemmer only has
to map word forms of one word to one key.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*|[0-9]+(?:[.,][0-9]+)*|[,;:!?()\[\]]|\.(?=\s|$)")
_CAMEL_WORD = re.compile(r"\b[A-Za-z]*(?:[a-z][A-Z]|[A-Z]{2}[a-z])[A-Za-z0-9]*")
# An acronym with a version ("YOLOv7", "DINOv2") is the acronym, then the version: not "YOL"
# and "Ov".
_CAMEL = re.compile(r"[A-Z]{2,}(?=v[0-9])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
DATA = Path(__file__).resolve().parent / "data"



@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: Snowball's English stemmer in C (bm25s uses the same library)

    return Stemmer.Stemmer("english")


# Snowball leaves some families apart ("generalizable" -> "generaliz", "generalization" ->
# "general"; "handwriting" -> "handwrit", "handwritten"); cutting every stem to this many
# letters joins them, and matching is always stem against stem, so a cut key is never shown.
STEM_CHARS = 7


@lru_cache(maxsize=4096)
def full_stem(word: str) -> str:
    """The Snowball stem, uncut: for telling a few listed words apart exactly ("through" is
    no "throughput", though both cut to one key)."""
    w = word.lower()
    return w if len(w) <= 3 or not w.isalpha() else str(_stemmer().stemWord(w))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter2) stem of a lowercased word, cut to `STEM_CHARS` letters; numbers and
    codes stay as they are. A word form of an over-stemmed vocabulary word has its own key
    (see `bot.ground.tasks.surface_keys`): "tokenizer" is not "tokens"."""
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    if w[-1] == "s" and (word[:-1].isupper() or len(w) == 4 and w.endswith("pus")):
        # An acronym's plural ("GPUs", "LLMs", "cpus") is the acronym: Snowball leaves the
        # "s" after a vowel ("bus"), and an acronym is no English word.
        return stem(w[:-1])
    return _surface_keys().get(w) or snowball_key(w)


@lru_cache(maxsize=1)
def _surface_keys() -> dict[str, str]:
    # Looked up here, where every stem is made, so that the vocabulary, the question, the
    # sources and every ranking term agree on these words; made from the vocabulary once,
    # with `snowball_key` (never `stem`, which would ask for this table again).
    from bot.ground.tasks import surface_keys

    return surface_keys()


def snowball_key(word: str) -> str:
    """The plain stem key of a lowercased alphabetic word longer than three letters: Snowball,
    cut to `STEM_CHARS` letters (`stem` without the vocabulary's own word forms)."""
    s = str(_stemmer().stemWord(word))
    # Snowball keeps "-ition" nouns apart from their verbs ("recognition" -> "recognit",
    # "recognizer" -> "recogn"; "definition" / "define"). Short roots stay ("position").
    if word.endswith("ition") and s.endswith("it") and len(s) >= 7:
        s = s[:-2]
    return s[:STEM_CHARS]


# Where a CamelCase word can be: a capital after a small letter, or two capitals then a small
# one. Only the words around such spots are matched against `_CAMEL_WORD`.
_CAMEL_SPOT = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def camel_words(text: str) -> list[re.Match[str]]:
    """`_CAMEL_WORD.finditer(text)`, without running that backtracking pattern over all of
    `text`: it is tried only at the start of the words that hold a CamelCase spot."""
    out: list[re.Match[str]] = []
    cursor = 0
    for spot in _CAMEL_SPOT.finditer(text):
        if spot.start() < cursor:
            continue
        # Back to where the ASCII letters and digits before the spot begin (at most 64
        # characters, never before the last word found), walked by hand: a pattern anchored
        # with "$" would also stop before a line end ("…nuScenes\n\nmAP" lost "mAP").
        at, lo = spot.start(), max(cursor, spot.start() - 64)
        while at > lo and text[at - 1] in _ALNUM:
            at -= 1
        # `_WORD` tokens start with a letter: skip leading digits as it would.
        while at < spot.start() and text[at].isdigit():
            at += 1
        m = _CAMEL_WORD.match(text, at)
        if m and _ACRONYM_PLURAL.fullmatch(m.group(0)):
            m = None
        if m and m.start() == at and (at == 0 or not text[at - 1].isalnum()):
            out.append(m)
            cursor = m.end()
        else:
            cursor = spot.end()
    return out


# An acronym's plural ("LLMs", "GPUs", "CNNs"): the stemmer keeps "llms" apart from "llm", and
# its "LMs" looks like a CamelCase join. It is the acronym, the same word as in "an LLM".
_ACRONYM_PLURAL = re.compile(r"\b[A-Z]{2,}[0-9]*s\b")
# The same without the leading "\b", which keeps the regex engine from skipping ahead to the
# next capital: the word start is checked per match instead (`_plurals`).
_PLURAL_TAIL = re.compile(r"[A-Z]{2,}[0-9]*s\b")


def _plurals(text: str) -> set[str]:
    """The lowercased `_ACRONYM_PLURAL` matches of `text`. A tail match that does not start a
    word is none: no plural can start inside it (it is all word characters)."""
    return {m.group(0).lower() for m in _PLURAL_TAIL.finditer(text)
            if m.start() == 0 or not _is_word(text[m.start() - 1])}


def _lower_words(text: str, *, spots: bool = True) -> list[str]:
    """`_WORD` tokens of `text`, lowercased, acronym plurals made singular (same token count,
    so token spans stay the same). `spots`: whether `text` has a CamelCase spot, as every
    acronym plural does ("LLMs" holds "LMs"); without one there is nothing to look for."""
    out = _WORD.findall(text.lower())
    if not spots:
        return out
    plurals = _plurals(text)
    if plurals:
        out = [w[:-1] if w in plurals else w for w in out]
    return out


def words(text: str) -> list[str]:
    """Lowercased words in order, phrase-ending punctuation kept as its own token (so a
    vocabulary phrase never spans "videos, generated"), then the parts of CamelCase words
    ("DeHaze" -> "de", "haze") after a break."""
    spots = _CAMEL_SPOT.search(text) is not None
    out = _lower_words(text, spots=spots)
    camel = [m.group(0) for m in camel_words(text)] if spots else []
    if camel:
        out.append("|")
        for w in camel:
            out.extend(p.lower() for p in _CAMEL.findall(w))
            out.append("|")
    return out


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token `words` yields before its CamelCase parts, in order."""
    return [m.span() for m in _WORD.finditer(text)]


_COMPOUND = re.compile(r"\b([A-Za-z]{2,})-([A-Za-z]{2,})\b")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def compounds(text: str) -> list[str]:
    """Hyphenated pairs joined ("real-time" -> "realtime"), so spaced and joined forms meet:
    `_COMPOUND.findall(text)`, found from each hyphen outwards. The pattern itself is tried at
    every letter of the text and backtracks through each word; a source has a few hyphens."""
    out: list[str] = []
    pos, n = 0, len(text)
    at = text.find("-")
    while at >= 0:
        start = at
        while start > pos and text[start - 1] in _LETTERS:
            start -= 1
        end = at + 1
        while end < n and text[end] in _LETTERS:
            end += 1
        if (
            at - start >= 2 and end - at > 2
            and (start == 0 or not _is_word(text[start - 1]))
            and (end == n or not _is_word(text[end]))
        ):
            out.append(text[start:at].lower() + text[at + 1 : end].lower())
            pos = end
            at = text.find("-", end)
        else:
            at = text.find("-", at + 1)
    return out


def _is_word(char: str) -> bool:
    """What `\\b` counts as a word character."""
    return char.isalnum() or char == "_"


@lru_cache(maxsize=16)
def load_data(name: str) -> Any:
    """A YAML file of data/, read once per process from its compiled JSON (scripts/build_data.py;
    unchecked here: see `bot.ground.schema`)."""
    compiled = DATA / "compiled" / f"{Path(name).stem}.json"
    return json.loads(compiled.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bot.ground.schema import words_file

    return frozenset(words_file().stopwords)


def stems(text: str) -> list[str]:
    """Every word stemmed, stopwords kept (phrase matching needs the sequence intact)."""
    return list(map(stem, words(text)))


def analyse(text: str) -> tuple[list[str], list[str]]:
    """(stems, terms) of `text` from one pass: all stems in order, and the content stems for
    ranking (stopwords dropped, hyphen compounds added)."""
    ws = words(text)
    st = list(map(stem, ws))
    return st, _terms(text, ws)


@dataclass
class Analysed:
    """One pass over a text, kept so that any part of it (a sentence) can be analysed again
    without tokenizing or stemming it a second time.

    `stems` is exactly `stems(text)`: the words in order, then "|" and each CamelCase word's
    parts followed by "|". `camel` holds, per CamelCase word, (where it begins, index of its
    first part, index after its last part).
    """

    text: str
    words: list[str]
    stems: list[str]
    camel: list[tuple[int, int, int]]

    @cached_property
    def starts(self) -> list[int]:
        """Where each word (before the CamelCase parts) begins; only sentences need it."""
        return [m.start() for m in _WORD.finditer(self.text)]

    def ranges(self, start: int, end: int) -> list[tuple[int, int]]:
        """Index ranges into `stems` that make up text[start:end]: its words, then the parts
        of each of its CamelCase words. `start` and `end` must fall between words."""
        out = [(bisect_left(self.starts, start), bisect_left(self.starts, end))]
        out += [(a, b) for at, a, b in self.camel if start <= at < end]
        return out

    def part(self, start: int, end: int) -> tuple[list[str], list[str], list[tuple[int, int]]]:
        """(words, stems, `ranges`) of text[start:end], as `analyse` would see it alone."""
        ranges = self.ranges(start, end)
        (lo, hi), camel = ranges[0], ranges[1:]
        ws, st = self.words[lo:hi], self.stems[lo:hi]
        if camel:
            ws, st = ws + ["|"], st + ["|"]
            for a, b in camel:
                ws += self.words[a:b] + ["|"]
                st += self.stems[a:b] + ["|"]
        return ws, st, ranges

    @cached_property
    def _term_index(self) -> tuple[list[int], list[str]]:
        """Positions in `stems` of the ranking terms (stopwords dropped), and those stems."""
        stop = stopwords()
        idx = [i for i, w in enumerate(self.words) if len(w) > 1 and w not in stop]
        return idx, [self.stems[i] for i in idx]

    def terms(self, start: int = 0, end: int | None = None) -> list[str]:
        """The ranking terms of text[start:end], as `analyse` gives them."""
        if start == 0 and end is None:
            return _terms(self.text, self.words)
        end = len(self.text) if end is None else end
        return self.part_terms(start, end, self.ranges(start, end))

    def part_terms(self, start: int, end: int, ranges: list[tuple[int, int]]) -> list[str]:
        """`terms(start, end)` from the index ranges `part(start, end)` gave."""
        idx, st = self._term_index
        out: list[str] = []
        for lo, hi in ranges:
            out += st[bisect_left(idx, lo) : bisect_left(idx, hi)]
        text = self.text[start:end]
        if "-" in text:
            out.extend(stem(c) for c in compounds(text))
        return out


class _TermKeys(dict[str, "str | None"]):
    """word -> its ranking term (its stem), None for a stopword or a one-letter token: one
    lookup per word where every source of a long listing would test both again."""

    SIZE = 65536  # as `stem`'s cache: the words of many blocks, never unbounded

    def __missing__(self, word: str) -> str | None:
        if len(self) >= self.SIZE:
            self.clear()
        term = stem(word) if len(word) > 1 and word not in stopwords() else None
        self[word] = term
        return term


_TERM_KEYS = _TermKeys()


def _terms(text: str, ws: list[str]) -> list[str]:
    """The ranking terms of `text`, whose words are `ws`: the stems of its content words, then
    its hyphen compounds."""
    tm = [t for t in map(_TERM_KEYS.__getitem__, ws) if t is not None]
    if "-" in text:
        tm.extend(stem(c) for c in compounds(text))
    return tm


def analysed(text: str) -> Analysed:
    spots = _CAMEL_SPOT.search(text) is not None
    ws = _lower_words(text, spots=spots)
    camel: list[tuple[int, int, int]] = []
    found = camel_words(text) if spots else []
    if found:
        ws.append("|")
        for m in found:
            first = len(ws)
            ws.extend(p.lower() for p in _CAMEL.findall(m.group(0)))
            camel.append((m.start(), first, len(ws)))
            ws.append("|")
    return Analysed(text=text, words=ws, stems=list(map(stem, ws)), camel=camel)


def terms(text: str) -> list[str]:
    return analyse(text)[1]


def norm_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
