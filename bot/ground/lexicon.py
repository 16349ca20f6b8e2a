"""How much a word says: its frequency in general English (wordfreq's Zipf scale).

A word that every text uses ("read", "second", "order", "want") says little about what a
question is about, however it is spelled in the question; a rare one ("latency", "dehazing",
"photometric") says a lot. Coverage, ranking and caveats weigh words by this instead of by hand
lists. The frequencies are wordfreq's, read from a table made by scripts/build_zipf.py.
"""

from __future__ import annotations

from functools import lru_cache

from bot.ground.schema import words_file
from bot.ground.text import DATA, full_stem, stem

# Zipf 7 is "the", 6 "new"/"first", 5 "model"/"video", 4 "laptop"/"accuracy", 3 "latency".
COMMON = 4.5  # at or above: a common English word ("fit", "edge"), never named in a caveat alone
FILLER = 5.8  # at or above: says nothing about a subject ("want", "need", "really")
_TOP, _SPAN = 6.2, 2.2


@lru_cache(maxsize=1)
def _zipf_table() -> dict[str, float]:
    # wordfreq's list, precomputed by scripts/build_zipf.py: importing wordfreq itself costs
    # ~0.1 s, most of a cold `sourcebound ask`; reading this table costs a few ms.
    table: dict[str, float] = {}
    for line in (DATA / "zipf_en.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            value, words = line.split("\t", 1)
            table.update(dict.fromkeys(words.split(" "), int(value) / 100))
    return table


def zipf(word: str) -> float:
    """Zipf frequency of a lowercased word (0 for words wordfreq does not list: jargon)."""
    return _zipf_table().get(word, 0.0)


@lru_cache(maxsize=1)
def _meta() -> frozenset[str]:
    return frozenset(stem(w) for w in words_file().meta)


@lru_cache(maxsize=1)
def _artefacts() -> frozenset[str]:
    return frozenset(stem(w) for w in words_file().artefacts)


def is_artefact(word: str) -> bool:
    """A word asking for released code or weights ("code", "implementation", "weights")."""
    return stem(word) in _artefacts()


@lru_cache(maxsize=1)
def _hard() -> frozenset[str]:
    return frozenset(full_stem(w) for w in words_file().hard)


def is_meta(word: str) -> bool:
    return stem(word) in _meta()


def is_hard(word: str) -> bool:
    """A measurement or resource word (fps, latency, GPU, license …)."""
    return full_stem(word) in _hard()


@lru_cache(maxsize=65536)
def weight(word: str) -> float:
    """0..1: how much `word` tells about a subject. Numbers and codes count fully."""
    w = word.lower()
    if not w.isalpha():
        return 1.0 if any(c.isdigit() for c in w) else 0.0
    if len(w) == 1 or w in words_file().stopwords or is_meta(w):
        return 0.0  # a lone letter is a shorthand ("w/" for with), no subject
    return max(0.0, min(1.0, (_TOP - zipf(w)) / _SPAN))


def nameable(word: str) -> bool:
    """May a caveat name this word on its own? Only when it is not a common English word."""
    w = word.lower()
    if any(c.isdigit() for c in w):
        return True
    return weight(w) > 0 and (zipf(w) < COMMON or is_hard(w))


def filler(word: str) -> bool:
    """Says nothing about a subject: a stopword, a word about the asking, or very common."""
    w = word.lower()
    return weight(w) == 0.0 or (w.isalpha() and zipf(w) >= FILLER)
