"""BibTeX entries (bibtexparser v2): title, the URLs the entry writes (url, howpublished,
a doi field only when it is written as a URL), abstract; eprint/arXiv id, authors count, year
and venue go to meta. No URL is built from a DOI or an eprint number."""

from __future__ import annotations

import logging
import re

from bot.parse._common import MAX_ENTRIES, Doc, Entry, Parsed, abstract_urls, collapse, kind_for
from bot.urls import find_urls

# An entry head with its key: "@article{key," (comments, strings and garbage have no key).
_ENTRY = re.compile(r"^[^\S\n]*@[A-Za-z]+[^\S\n]*\{\s*[^\s,{}]+\s*,", re.MULTILINE)
_BRACE = re.compile(r"[{}]")
_URL_FIELDS = ("url", "howpublished", "doi", "eprinturl", "pdf", "code", "github", "note")
_VENUE_FIELDS = ("journal", "booktitle", "publisher", "venue")
_PUBLISHED_TYPES = frozenset(
    ["article", "inproceedings", "incollection", "conference", "proceedings", "book", "inbook", "phdthesis", "mastersthesis", "techreport", "unpublished"]
)
_PUBLISHED_FIELDS = ("eprint", "doi", "journal", "booktitle", "archiveprefix")
_META_FIELDS = {"eprint": "arxiv_id", "year": "year", "doi": "doi", "month": "month"}

_log = logging.getLogger(__name__)


def _published(entry_type: str, fields: dict[str, str]) -> bool:
    return entry_type.lower() in _PUBLISHED_TYPES or any(fields.get(k) for k in _PUBLISHED_FIELDS)


def looks_like_bibtex(doc: Doc) -> bool:
    return "@" in doc.text and _ENTRY.search(doc.text) is not None


def _entry_texts(text: str) -> list[str]:
    """Each complete `@type{key, …}` entry (braces balanced), at most MAX_ENTRIES of them.
    Only these reach bibtexparser, which is slow and logs every broken block it meets."""
    entries: list[str] = []
    pos = 0
    while len(entries) < MAX_ENTRIES and (head := _ENTRY.search(text, pos)) is not None:
        depth = 0
        end = -1
        for brace in _BRACE.finditer(text, text.index("{", head.start())):
            depth += 1 if brace.group(0) == "{" else -1
            if depth == 0:
                end = brace.end()
                break
        if end < 0:
            break  # unterminated: nothing after it can close either
        entries.append(text[head.start() : end])
        pos = end
    return entries


def parse_bibtex(doc: Doc) -> Parsed | None:
    """None when no entry parses, or when the entries are only part of a larger document (a
    README with a citation block): the caller then reads it as a document."""
    entries = _entry_texts(doc.text)
    if not entries:
        return None
    outside = doc.text
    for entry in entries:
        outside = outside.replace(entry, "")
    if re.search(r"\]\(https?://", outside) or len(
        "".join(outside.split())
    ) > sum(len("".join(e.split())) for e in entries):
        return None  # entries inside a document (a README's citation blocks): read the document
    import bibtexparser  # slow to import; only BibTeX blocks need it

    library = bibtexparser.parse_string("\n".join(entries))  # type: ignore[attr-defined]
    if not library.entries:
        return None
    parsed = Parsed()
    for raw in library.entries:
        fields = {f.key.lower(): str(f.value) for f in raw.fields}
        title = collapse(fields.get("title", "").replace("{", "").replace("}", ""))
        summary = fields.get("abstract", "").strip()
        urls: list[str] = []
        for key in _URL_FIELDS:
            urls += [u for u in find_urls(fields.get(key, "")) if u not in urls]
        # Any other field that holds a URL (adsurl, pdf links under local names).
        for key, value in fields.items():
            if key not in ("abstract", "title") and "://" in value:
                urls += [u for u in find_urls(value) if u not in urls]
        urls += [u for u in abstract_urls(summary) if u not in urls]
        meta = {label: fields[key].strip() for key, label in _META_FIELDS.items() if fields.get(key)}
        if fields.get("author"):
            meta["authors"] = str(len(re.split(r"\s+and\s+", fields["author"].strip())))
        venue = next((fields[k] for k in _VENUE_FIELDS if fields.get(k)), "")
        if venue:
            meta["venue"] = collapse(venue.replace("{", "").replace("}", ""))
        meta["bibtex_key"] = raw.key
        parsed.entries.append(
            Entry(name=title or raw.key, urls=urls, summary=summary, meta=meta,
                  kind=kind_for(urls, summary, published=_published(raw.entry_type, fields)))
        )
    if len(entries) == MAX_ENTRIES:
        parsed.full()
    if library.failed_blocks:
        _log.debug("bibtex: %d block(s) failed to parse", len(library.failed_blocks))
        parsed.notes.append(f"{len(library.failed_blocks)} BibTeX block(s) could not be read")
    return parsed
