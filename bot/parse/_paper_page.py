"""A single paper page copied from a paper site (seed 001, eval 012): a title, maybe an arXiv
id line, site chrome ("AI Analysis", "Originality …", "Foundations", "Your Notes"), one or two
AI-written analysis paragraphs and the abstract.

The abstract is the longest prose paragraph; prose paragraphs before it are the site's analysis
(kept in meta, never used as the abstract); text after it is page furniture.
"""

from __future__ import annotations

import re

from bot.parse._common import Doc, Entry, Line, Parsed, abstract_urls
from bot.urls import find_urls

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_AT_END = re.compile(rf"(?P<date>{_MONTH} \d{{1,2}}, \d{{4}})\s*$")
# The page runs the citation count into the version: "arXiv:2412.20601v14 citations" is v1
# with 4 citations. arXiv versions past v9 are rare; a count glued on is what these pages do.
_ARXIV_GLUED = re.compile(
    r"arXiv:\s*(?P<id>\d{4}\.\d{4,5})v(?P<v>\d)(?P<cites>\d*)\s*citations?", re.IGNORECASE
)
_ARXIV = re.compile(r"arXiv:\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_H_INDEX = re.compile(r"h-index:\s*(\d+)", re.IGNORECASE)
_CHROME_PREFIXES = (
    "ai analysis", "originality", "foundations", "your notes", "the foundational work",
    "abstract", "references", "citations", "related papers", "share", "cite", "bibtex", "pdf",
)
_PROSE = 200
_TITLE_MAX = 300


def _chrome(s: str) -> bool:
    low = s.lower()
    return any(low.startswith(p) for p in _CHROME_PREFIXES) and len(s) < _PROSE


def _paragraphs(doc: Doc) -> list[tuple[Line, Line]]:
    """Runs of non-blank lines; a single long line is a paragraph of its own, because pages
    often put each paragraph on one line without blank lines between them."""
    out: list[tuple[Line, Line]] = []
    current: list[Line] = []
    for line in doc.lines:
        if not line.stripped:
            if current:
                out.append((current[0], current[-1]))
            current = []
            continue
        if current and (len(line.stripped) >= _PROSE or len(current[-1].stripped) >= _PROSE):
            out.append((current[0], current[-1]))
            current = []
        current.append(line)
    if current:
        out.append((current[0], current[-1]))
    return out


def looks_like_paper_page(doc: Doc) -> bool:
    return any(len(doc.text[a.start : b.end].strip()) >= _PROSE for a, b in _paragraphs(doc))


def parse_paper_page(doc: Doc) -> Parsed:
    text = doc.text
    paragraphs = _paragraphs(doc)
    sizes = [len(text[a.start : b.end].strip()) for a, b in paragraphs]
    best = max(range(len(paragraphs)), key=lambda i: sizes[i]) if paragraphs else -1
    meta: dict[str, str] = {}
    title = ""
    analysis: list[str] = []
    for i, (first, last) in enumerate(paragraphs[: max(best, 0)]):
        block = text[first.start : last.end].strip()
        if sizes[i] >= _PROSE or (sizes[i] >= _PROSE // 2 and block.endswith(".")):
            analysis.append(block)
            continue
        for line in text[first.start : last.end].splitlines():
            _facts(line.strip(), meta)
            if not title and _title_candidate(line.strip()):
                title = line.strip()
    summary = ""
    if best >= 0:
        first, last = paragraphs[best]
        summary = text[first.start : last.end].strip()
    if analysis:
        meta["analysis"] = "\n\n".join(analysis)
    urls = abstract_urls(summary)
    head = text[: paragraphs[best][0].start] if best >= 0 else text
    urls += [u for u in find_urls(head) if u not in urls]
    parsed = Parsed(entries=[Entry(name=title, urls=urls, summary=summary, meta=meta, kind="paper")])
    if not title:
        parsed.notes.append("no title line found on the paper page")
    return parsed


def _title_candidate(s: str) -> bool:
    return (
        bool(s)
        and len(s) <= _TITLE_MAX
        and not _chrome(s)
        and not _ARXIV.search(s)
        and not _DATE_AT_END.search(s)
        and not s.endswith(".")
    )


def _facts(s: str, meta: dict[str, str]) -> None:
    """Copy the date, arXiv id, citation count and h-index a page line states."""
    date = _DATE_AT_END.search(s)
    if date and "date" not in meta:
        meta["date"] = date.group("date")
    glued = _ARXIV_GLUED.search(s)
    if glued:
        meta["arxiv_id"] = f"{glued.group('id')}v{glued.group('v')}"
        if glued.group("cites"):
            meta["citations"] = glued.group("cites")
    elif (plain := _ARXIV.search(s)) and "arxiv_id" not in meta:
        meta["arxiv_id"] = plain.group("id")
    h_index = _H_INDEX.search(s)
    if h_index:
        meta["h_index"] = h_index.group(1)
