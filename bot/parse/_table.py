"""Markdown tables: `| name | link | summary |` with a `|---|` separator under the header.

Columns are recognised by header words (name/title/model/paper, link/url/github/arxiv/code,
summary/description/abstract); without recognisable headers the first column is the name and
the longest other text cell the summary. Every URL in a row belongs to that row's source.
"""

from __future__ import annotations

import re

from bot.parse._common import Doc, Entry, Parsed, collapse, kind_for
from bot.urls import find_urls

_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LINK_TEXT = re.compile(r"\[([^\[\]]+)\]\([^()\s]*\)")
_NAME_WORDS = ("name", "title", "model", "paper", "method", "project", "tool", "repo")
_SUMMARY_WORDS = ("summary", "description", "abstract", "notes", "note", "details", "what", "task")
_LINK_WORDS = ("link", "url", "github", "arxiv", "code", "pdf", "hf", "hugging", "page", "repo")
_FACT_WORDS = ("year", "venue", "date", "authors", "stars", "license")


def looks_like_table(doc: Doc) -> bool:
    rows = [line.stripped for line in doc.content if line.stripped.startswith("|")]
    return len(rows) >= 3 and any(_SEPARATOR_ROW.match(r) for r in rows)


def _cells(row: str) -> list[str]:
    inner = row.strip()
    inner = inner.removeprefix("|")
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def _column(headers: list[str], words: tuple[str, ...], skip: set[int]) -> int | None:
    for i, header in enumerate(headers):
        low = header.lower()
        if i not in skip and any(w in low for w in words):
            return i
    return None


def _plain(cell: str) -> str:
    return collapse(_LINK_TEXT.sub(r"\1", cell)).strip("*_` ")


def parse_table(doc: Doc) -> Parsed:
    lines = [line.stripped for line in doc.lines]
    parsed = Parsed()
    headers: list[str] = []
    for i, row in enumerate(lines):
        if not row.startswith("|"):
            headers = []
            continue
        if _SEPARATOR_ROW.match(row):
            headers = _cells(lines[i - 1]) if i > 0 and lines[i - 1].startswith("|") else []
            continue
        if i + 1 < len(lines) and _SEPARATOR_ROW.match(lines[i + 1]):
            continue  # a header row
        if parsed.full():
            break
        entry = _row_entry(_cells(row), headers)
        if entry is not None:
            parsed.entries.append(entry)
    return parsed


def _row_entry(cells: list[str], headers: list[str]) -> Entry | None:
    name_col = _column(headers, _NAME_WORDS, set())
    summary_col = _column(headers, _SUMMARY_WORDS, {name_col} if name_col is not None else set())
    if name_col is None:
        name_col = 0
    name_cell = cells[name_col] if name_col < len(cells) else ""
    urls: list[str] = []
    for cell in cells:
        urls += [u for u in find_urls(cell) if u not in urls]
    name = _plain(name_cell)
    if name and find_urls(name) == [name]:
        name = ""  # the name column held a bare URL; the caller names it from the URL
    if summary_col is not None and summary_col < len(cells):
        summary = cells[summary_col].strip()
    else:
        others = [
            c for i, c in enumerate(cells)
            if i != name_col and not find_urls(c) and not _is_fact(headers, i)
        ]
        summary = max(others, key=len) if others else ""
    meta = {
        headers[i].strip().lower(): collapse(cells[i])
        for i in range(min(len(headers), len(cells)))
        if _is_fact(headers, i) and cells[i]
    }
    if not (name or urls or summary):
        return None
    return Entry(name=name, urls=urls, summary=summary, meta=meta, kind=kind_for(urls, summary))


def _is_fact(headers: list[str], i: int) -> bool:
    return i < len(headers) and any(w in headers[i].lower() for w in _FACT_WORDS) and not any(
        w in headers[i].lower() for w in _LINK_WORDS + _SUMMARY_WORDS
    )
