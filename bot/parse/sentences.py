"""Sentence splitting for evidence: every piece returned is an exact substring of the input.

Grounding quotes these pieces as evidence and the invariant check looks them up in the pasted
block, so nothing here rewrites text: a piece is `text[i:j].strip()` and nothing else.

Boundaries: blank lines; a line break before a list item, heading, table row or `Label:` line;
a line that ends with a colon; and `.`, `!`, `?` (plus closing quotes/brackets) followed by
whitespace and an upper-case letter, digit, opening quote/bracket or the end of the text. A
`.` does not end a sentence after an abbreviation (e.g., i.e., et al., Fig., vs. …), a single
initial, or a list number at the start of a line. The full-width stops `。！？` end a
sentence wherever they stand. Decimals, versions and file names
(`2.3B`, `v3.pdf`) and URLs never match because no whitespace follows their dots.
"""

from __future__ import annotations

import re

_CANDIDATE = re.compile(
    r"(?P<para>\n[^\S\n]*\n)"
    r"|(?P<line>\n(?=[^\S\n]*(?:[-*+\u2022>#|][^\S\n]|\d{1,3}[.)][^\S\n]"
    r"|(?:\*\*)?[A-Z][\w ]{0,30}(?:\*\*)?:[^\S\n])))"
    r"|(?P<colon>(?<=:)[^\S\n]*\n)"
    r"|(?P<stop>[.!?]+[\"'\u201d\u2019)\]]*)(?=\s|$)"
    r"|(?P<cjk>[\u3002\uff01\uff1f]+[\u300d\u300f\uff09\u201d\u2019]*)"
)
_OPENERS = "\"'\u201c\u2018(["
_ABBREVIATIONS = frozenset(
    ["e.g", "eg", "i.e", "ie", "al", "fig", "figs", "eq", "eqs", "ref", "refs", "sec", "secs", "tab", "no", "nos", "vs", "cf", "approx", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "resp", "ca", "viz", "incl", "vol", "pp", "ed", "eds", "dept", "univ", "inc", "ltd", "co", "corp", "ph.d", "u.s"]
)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_WORD_START = re.compile(r"[\s(\[]")


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether the first non-space character at or after `pos` can open a sentence."""
    end = len(text)
    while pos < end and text[pos].isspace():
        pos += 1
    if pos == end:
        return True
    first = text[pos]
    return first.isupper() or first.isdigit() or first in _OPENERS


def _abbreviation_before(text: str, dot: int, floor: int) -> bool:
    """True when the `.` at `dot` closes an abbreviation, an initial or a list number."""
    start = dot
    while start > floor and not _WORD_START.match(text[start - 1]):
        start -= 1
    word = text[start:dot]
    if not word:
        return False
    lowered = word.lower()
    if lowered in _ABBREVIATIONS or _DOTTED.fullmatch(word):
        return True
    if len(word) == 1 and word.isalpha():
        return True
    if word.isdigit() and len(word) <= 3:
        line_start = text.rfind("\n", 0, start) + 1
        return not text[max(line_start, floor):start].strip()
    return False


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, in order; each one is `text[i:j]` for some i < j (no rewriting)."""
    pieces: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        stop = match.group("stop")
        if stop is not None:
            if not _starts_sentence(text, match.end()):
                continue
            if stop == "." and _abbreviation_before(text, match.start(), start):
                continue
            cut = resume = match.end()
        elif match.group("cjk") is not None:  # "。": Chinese and Japanese need no space after
            cut = resume = match.end()
        else:  # a paragraph or line break: the break itself belongs to neither side
            cut, resume = match.start(), match.end()
        piece = text[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = resume
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces
