"""Pasted Hugging Face "Daily Papers" listings (seeds 002-004) and chunks of them.

An entry is a title line followed by an abstract paragraph, then optional metadata lines:
`• N authors` or an organisation line, a `·` separator, and a date that may carry the upvote
count ("Mar 10, 2025 1"). Page chrome ("new", "Subscribe", "Daily Papers", "by AK …") and
date headings ("Jan 5") sit between entries. A chunk may start mid-abstract (that fragment is
skipped with a note) and may end mid-abstract (that entry still counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parse._common import MAX_ENTRIES, Doc, Entry, Line, Parsed, abstract_urls, span_text

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = re.compile(rf"^(?P<date>{_MONTH} \d{{1,2}}(?:, \d{{4}})?)(?:\s+(?P<votes>\d+))?$")
_AUTHORS = re.compile(r"^[\u2022*-]?\s*(?P<n>\d+)\s+authors?$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\u00b7\u2022|]$")
_CHROME = frozenset(
    {
        "new", "get trending papers in your email inbox!", "subscribe", "daily papers",
        "by ak and the research community", "byak and the research community",
        "trending papers", "upvote", "view paper", "submit paper", "search", "log in",
        "sign up", "papers", "previous", "next",
    }
)
_SHORT_META = 48
_LONG = 200  # an abstract paragraph; titles are shorter (the longest seed title has 168 chars)
_TITLE_MAX = 300


@dataclass(frozen=True)
class _Tagged:
    line: Line
    tag: str  # text | chrome | date | authors | sep


def _tag(line: Line) -> str:
    s = line.stripped
    if len(s) > _SHORT_META:  # every metadata and chrome line is short; most lines are not
        return "text"
    if _SEPARATOR.match(s):
        return "sep"
    if _DATE.match(s):
        return "date"
    if _AUTHORS.match(s):
        return "authors"
    if " ".join(s.lower().split()) in _CHROME or s.isdigit():
        return "chrome"
    return "text"


def tagged(doc: Doc) -> list[_Tagged]:
    """The non-blank lines with what each one is."""
    return [_Tagged(line, _tag(line)) for line in doc.content]


def _is_title(rows: list[_Tagged], i: int, *, final_ok: bool) -> bool:
    """A short text line followed by a long prose line (or, at the very end of a chunk, by
    a cut-off one)."""
    row = rows[i]
    title = row.line.stripped
    if row.tag != "text" or len(title) > _TITLE_MAX or title.endswith((".", ",", ";")):
        return False
    if i + 1 >= len(rows) or rows[i + 1].tag != "text":
        return False
    body = rows[i + 1].line.stripped
    if len(body) >= max(_LONG, len(title)):
        return True
    return final_ok and i + 2 == len(rows) and len(body) > len(title)


def count_entries(doc: Doc) -> int:
    """Title + abstract pairs (for format detection). Only the lines before a long line can
    be titles, so only those pairs are tagged."""
    lines = doc.content
    count = 0
    for i in range(len(lines) - 1):
        if len(lines[i + 1].stripped) >= _LONG:
            pair = [_Tagged(lines[i], _tag(lines[i])), _Tagged(lines[i + 1], "text")]
            count += _is_title(pair, 0, final_ok=False)
    return count


def has_chrome(text: str) -> bool:
    return "daily papers" in text.lower() and "trending papers" in text.lower()


class _Collector:
    def __init__(self, text: str) -> None:
        self.text = text
        self.entries: list[Entry] = []
        self.title: str | None = None
        self.body: list[Line] = []
        self.meta: dict[str, str] = {}

    def start(self, title: str) -> None:
        self.flush()
        self.title, self.body, self.meta = title, [], {}

    def flush(self) -> None:
        if self.title is None:
            return
        summary = span_text(self.text, self.body[0], self.body[-1]) if self.body else ""
        self.entries.append(
            Entry(name=self.title, urls=abstract_urls(summary), summary=summary,
                  meta=self.meta, kind="paper")
        )
        self.title = None


def parse_listing(doc: Doc, rows: list[_Tagged]) -> Parsed:
    text = doc.text
    out = _Collector(text)
    parsed = Parsed()
    skipped = capped = False
    previous = ""
    for i, row in enumerate(rows):
        s = row.line.stripped
        if row.tag == "text" and _is_title(rows, i, final_ok=True):
            if len(out.entries) >= MAX_ENTRIES - 1:  # the open entry makes MAX_ENTRIES
                capped = True
                break
            out.start(s)
        elif row.tag == "text" and out.title is not None:
            if out.body and len(s) < _TITLE_MAX and i + 1 < len(rows) and rows[i + 1].tag == "sep":
                out.meta["affiliation"] = s
            elif "authors" not in out.meta and "date" not in out.meta:
                out.body.append(row.line)
        elif row.tag == "text":
            skipped = True
        elif row.tag == "authors" and out.title is not None:
            match = _AUTHORS.match(s)
            assert match is not None
            out.meta["authors"] = match.group("n")
        elif row.tag == "date" and out.title is not None and previous == "sep":
            match = _DATE.match(s)
            assert match is not None
            out.meta["date"] = match.group("date")
            if match.group("votes"):
                out.meta["upvotes"] = match.group("votes")
        previous = row.tag
    out.flush()
    parsed.entries = out.entries
    if capped:
        parsed.full()
    if skipped:
        parsed.notes.append("text before the first listing entry was skipped")
    return parsed
