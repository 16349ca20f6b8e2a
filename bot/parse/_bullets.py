"""Bulleted and numbered lists, awesome-list style (eval 009) and `Name — url — summary` lines.

An item is a `-`/`*`/`+`/`•`/`1.` line plus the lines that continue it (a title broken over
two lines is one item). Its name is the leading Markdown link text, a `**bold**` lead, or the
text before the first separator or URL; its URLs are every URL in the item (the title link
first, then `[[CODE]]`-style links); a trailing `Authors (Venue 2019)` becomes meta, any other
remaining text the summary. Items with the same name are merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.parse._common import MAX_ENTRIES, Doc, Entry, Line, Parsed, collapse, kind_for
from bot.urls import find_urls, normalize_url

_ITEM = re.compile(r"^[^\S\n]*(?:[-*+\u2022]|\d{1,3}[.)])[^\S\n]+")
_HEADING = re.compile(r"^[^\S\n]*#{1,6}[^\S\n]")
_LEAD_LINK = re.compile(r"^\[(?P<title>(?:[^\[\]]|\[[^\[\]]*\])+)\]\((?P<url>[^()\s]*)\)")
_LEAD_BOLD = re.compile(r"^\*\*(?P<title>[^*\n]+)\*\*")
_LINK_MARKUP = re.compile(r"\[\[?[^\[\]]*\]?\]\([^()\s]*\)|https?://[^\s<>\"'`()\[\]]+")
_SEPARATORS = (" \u2014 ", " \u2013 ", " - ", " -- ", ": ", " | ")
_EDGE = " \t\n-\u2013\u2014|:;,"
_MAX_ITEMS = 4 * MAX_ENTRIES  # duplicates included
_VENUE = re.compile(r"^(?P<authors>[^()]*?)\s*\((?P<venue>[^()]*\d{4}[^()]*)\)\s*$")


@dataclass
class _Item:
    first: Line
    last: Line
    lines: list[Line] = field(default_factory=list)


def _items(doc: Doc, *, max_other: int | None = None) -> tuple[list[_Item], int]:
    """The items and the number of other content lines (not items, headings or blanks);
    stops early once `max_other` other lines have been seen."""
    items: list[_Item] = []
    other = 0
    current: _Item | None = None
    open_brackets = 0  # a Markdown link title still open: the next line continues the item
    for line in doc.lines:
        if not line.stripped or _HEADING.match(line.text):
            current, open_brackets = None, 0
            continue
        if current is not None and open_brackets > 0:
            current.last = line
        elif _ITEM.match(line.text) or _separated(line.stripped):
            current, open_brackets = _Item(line, line), 0
            items.append(current)
        elif current is not None:
            current.last = line
        else:
            other += 1
            if max_other is not None and other > max_other:
                break
            continue
        open_brackets = max(0, open_brackets + line.text.count("[") - line.text.count("]"))
    return items, other


def _separated(s: str) -> bool:
    """`Name — url — summary`: a separator and a URL on a line that is no list item."""
    return any(sep in s for sep in _SEPARATORS[:4]) and bool(find_urls(s))


def looks_like_bullets(doc: Doc) -> bool:
    items, other = _items(doc, max_other=len(doc.content) // 3 + 1)
    if len(items) < 2 or len(items) < 2 * other:
        return False
    linked = (it for it in items if find_urls(doc.text[it.first.start : it.last.end]))
    return next(linked, None) is not None and next(linked, None) is not None


def _split_name(body: str) -> tuple[str, str]:
    lead = _LEAD_LINK.match(body) or _LEAD_BOLD.match(body)
    if lead:
        return collapse(lead.group("title")), body[lead.end() :]
    urls = find_urls(body)
    cut = body.find(urls[0]) if urls else len(body)
    cut = cut if cut >= 0 else len(body)
    head = body[:cut]
    for sep in _SEPARATORS:
        at = head.find(sep)
        if at > 0:
            return collapse(head[:at]).strip(_EDGE), body[at + len(sep) :]
    return collapse(head).strip(_EDGE), body[cut:]


def _segments(rest: str) -> list[str]:
    """The text pieces of `rest` between link markup and URLs, trimmed of separators."""
    pieces: list[str] = []
    pos = 0
    for match in _LINK_MARKUP.finditer(rest):
        pieces.append(rest[pos : match.start()])
        pos = match.end()
    pieces.append(rest[pos:])
    return [p.strip(_EDGE) for p in pieces if p.strip(_EDGE)]


def _entry(text: str, item: _Item) -> Entry:
    first = item.first.text
    marker = _ITEM.match(first)
    body_start = item.first.start + (marker.end() if marker else len(first) - len(first.lstrip()))
    body = text[body_start : item.last.end]
    name, rest = _split_name(body)
    entry = Entry(name=name, urls=find_urls(body))
    segments = _segments(rest)
    if segments:
        tail = segments[-1]
        venue = _VENUE.match(tail)
        if venue and (not venue.group("authors") or re.search(r",|&| and |et al", tail)):
            if venue.group("authors"):
                entry.meta["authors"] = collapse(venue.group("authors"))
            entry.meta["venue"] = venue.group("venue").strip()
            segments = segments[:-1]
    if segments:
        entry.summary = max(segments, key=len)
    entry.kind = kind_for(entry.urls, entry.summary)
    return entry


def _key(entry: Entry) -> str:
    name = re.sub(r"[\W_]+", " ", entry.name.lower()).strip()
    return name or (normalize_url(entry.urls[0]) if entry.urls else "")


def parse_bullets(doc: Doc) -> Parsed:
    text = doc.text
    items, _other = _items(doc)
    merged: dict[str, Entry] = {}
    duplicates = 0
    capped = False
    for seen, item in enumerate(items):
        if len(merged) >= MAX_ENTRIES or seen >= _MAX_ITEMS:
            capped = True
            break
        entry = _entry(text, item)
        key = _key(entry)
        if not key:
            continue
        if key not in merged:
            merged[key] = entry
            continue
        duplicates += 1
        kept = merged[key]
        known = {normalize_url(u) for u in kept.urls}
        kept.urls += [u for u in entry.urls if normalize_url(u) not in known]
        kept.summary = kept.summary or entry.summary
        kept.meta = {**entry.meta, **kept.meta}
        kept.kind = kind_for(kept.urls, kept.summary)
    parsed = Parsed(entries=list(merged.values()))
    if capped:
        parsed.full()
    if duplicates:
        parsed.notes.append(f"{duplicates} duplicate list item(s) merged")
    return parsed
