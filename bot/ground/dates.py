"""When, for an ask that asks it: the date of the heading a quoted line stands under.

A changelog or news page dates its lines by their headings ("#### 2022-11-20 update:" then
"- added layout analysis …"), so a quoted line carries no date of its own; the heading above
it in the block is what answers "when did that land?".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

_WHEN = re.compile(
    r"\bwhen\b|\bwhat (?:date|year|month)\b|\bsince which\b|\bwhich (?:release|year|month)\b"
    r"|\bhow (?:long ago|recent)\b", re.IGNORECASE)
_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?:\s*[-./年]\s*(?:0?[1-9]|1[0-2])(?:\s*[-./月]\s*(?:0?[1-9]|[12]\d|3[01])日?)?)?(?!\d)"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?(?:19|20)\d{2}\b",
    re.IGNORECASE)
_HEADING = re.compile(r"^[^\S\n]{0,3}#{1,6}[^\S\n]+(?P<title>[^\n]+)$", re.MULTILINE)
# Where markup may interrupt a quoted line in the raw block: the line is found by its
# longest stretch free of these.
_MARKUP = re.compile(r"[\[\]()*_`\\<>|]")
MIN_PROBE = 8
MAX_DATED = 3


@dataclass(frozen=True)
class Dated:
    text: str  # the quoted line
    date: str  # as its heading writes it
    source_id: str


def asks_when(question: str) -> bool:
    return _WHEN.search(question) is not None


def dates(question: str, block_text: str, quoted: Sequence[tuple[str, str]]) -> list[Dated]:
    """For each quoted (text, source id) without a date of its own, the date of the nearest
    heading above it in the block, when that heading has one."""
    if not asks_when(question) or "#" not in block_text:
        return []
    heads = [(m.start(), m.group("title")) for m in _HEADING.finditer(block_text)]
    if not heads:
        return []
    starts = [a for a, _ in heads]
    out: list[Dated] = []
    for text, source_id in quoted:
        if _DATE.search(text):
            continue
        at = _where(text, block_text)
        if at < 0:
            continue
        i = bisect_right(starts, at) - 1
        date = _DATE.search(heads[i][1]) if i >= 0 else None
        if date is not None:
            out.append(Dated(text, date.group(0), source_id))
        if len(out) == MAX_DATED:
            break
    return out


def _where(text: str, block_text: str) -> int:
    """Where a quoted line stands in the raw block: its longest markup-free stretch, cut
    shorter until found (a link's brackets may sit anywhere inside it)."""
    probe = max((p.strip() for p in _MARKUP.split(text)), key=len, default="")
    size = len(probe)
    while size >= MIN_PROBE:
        at = block_text.find(probe[:size])
        if at >= 0:
            return at
        size //= 2
    return -1
