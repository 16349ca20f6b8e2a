"""Word analysis shared by every grounding step: one tokenizer and one crude stemmer.

Matching is always stem-against-stem (vocabulary, question, sources), so the stemmer only has
to map word forms of one word to one key; it need not produce real roots.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*|[0-9]+(?:[.,][0-9]+)*|[,;:!?()\[\]]|\.(?=\s|$)")
_CAMEL_WORD = re.compile(r"\b[A-Za-z]*(?:[a-z][A-Z]|[A-Z]{2}[a-z])[A-Za-z0-9]*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
# Three passes, one strip each: inflection, derivation, then a final -iz/-at/-en/-e/-y. Enough to
# send generalize/generalization/generalizable or handwritten/handwriting to one key.
_PASSES = (
    ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s"),
    ("izations", "isations", "ization", "isation", "ational", "ations", "ation", "ition",
     "ibility", "ability", "ions", "ion", "ments", "ment", "ities", "ity", "ively", "ive", "ably",
     "able", "ibly", "ible", "ate", "izers", "izer", "izes", "ize", "ises", "ise", "ness", "ers", "er",
     "al", "ar", "ous", "ful", "ism", "ist"),
    ("ment", "iz", "at", "en", "e", "y"),
)
_MIN_STEM = 3
DATA = Path(__file__).resolve().parent / "data"

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip suffixes until none applies; double final consonants collapse (written/writing)."""
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    for suffixes in _PASSES:
        for suf in suffixes:
            if w.endswith(suf) and len(w) - len(suf) >= _MIN_STEM:
                if suf == "s" and w[-2] in "su":
                    break
                w = w[: -len(suf)] + ("y" if suf in ("ies", "ied") else "")
                break
    if len(w) > _MIN_STEM and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    return w


def words(text: str) -> list[str]:
    """Lowercased words in order, phrase-ending punctuation kept as its own token (so a
    vocabulary phrase never spans "videos, generated"), then the parts of CamelCase words
    ("DeHaze" -> "de", "haze") after a break."""
    out = _WORD.findall(text.lower())
    camel = _CAMEL_WORD.findall(text)
    if camel:
        out.append("|")
        for w in camel:
            out.extend(p.lower() for p in _CAMEL.findall(w))
            out.append("|")
    return out


def compounds(text: str) -> list[str]:
    """Hyphenated pairs joined ("real-time" -> "realtime"), so spaced and joined forms meet."""
    return [a.lower() + b.lower() for a, b in re.findall(r"\b([A-Za-z]{2,})-([A-Za-z]{2,})\b", text)]


@lru_cache(maxsize=16)
def load_data(name: str) -> Any:
    """A YAML file of data/ (vocabulary, cues, phrases), read once per process."""
    return yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=_LOADER)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(str(w) for w in load_data("stopwords.yaml")["stopwords"])


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    return frozenset(stem(str(w)) for w in load_data("stopwords.yaml")["generic"])


def stems(text: str) -> list[str]:
    """Every word stemmed, stopwords kept (phrase matching needs the sequence intact)."""
    return [stem(w) for w in words(text)]


def analyse(text: str) -> tuple[list[str], list[str]]:
    """(stems, terms) of `text` from one pass: all stems in order, and the content stems for
    ranking (stopwords dropped, hyphen compounds added)."""
    stop = stopwords()
    ws = words(text)
    st = [stem(w) for w in ws]
    tm = [s for w, s in zip(ws, st) if len(w) > 1 and w not in stop]
    if "-" in text:
        tm.extend(stem(c) for c in compounds(text))
    return st, tm


def terms(text: str) -> list[str]:
    return analyse(text)[1]


def norm_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
