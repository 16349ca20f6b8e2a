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


def _entry_spans(text: str) -> list[tuple[int, int]]:
    """Where each complete `@type{key, …}` entry (braces balanced) is, at most MAX_ENTRIES of
    them. Only these reach bibtexparser, which is slow and logs every broken block it meets."""
    entries: list[tuple[int, int]] = []
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
        entries.append((head.start(), end))
        pos = end
    return entries


def parse_bibtex(doc: Doc) -> Parsed | None:
    """None when no entry parses, or when the entries are only part of a larger document (a
    README with a citation block): the caller then reads it as a document."""
    text = doc.text
    spans = _entry_spans(text)
    if not spans:
        return None
    entries = [text[a:b] for a, b in spans]
    # The text between the entries (one join, not a replace of the whole text per entry).
    outside = "".join(text[a:b] for a, b in zip([0] + [e for _, e in spans],
                                                 [s for s, _ in spans] + [len(text)]))
    if re.search(r"\]\(https?://", outside) or len(
        "".join(outside.split())
    ) > sum(len("".join(e.split())) for e in entries):
        return None  # entries inside a document (a README's citation blocks): read the document
    found, failed = bibtex_entries(entries)
    if not found:
        return None
    parsed = Parsed(entries=found)
    if len(entries) == MAX_ENTRIES:
        parsed.full()
    if failed:
        _log.debug("bibtex: %d block(s) failed to parse", failed)
        parsed.notes.append(f"{failed} BibTeX block(s) could not be read")
    return parsed


def cited_works(text: str) -> list[Entry]:
    """The works a citation block inside another document (a README's ```bibtex fence) cites."""
    return bibtex_entries([text[a:b] for a, b in _entry_spans(text)])[0]


def bibtex_entries(entries: list[str]) -> tuple[list[Entry], int]:
    """An `Entry` per readable `@type{…}` text (title, abstract, every URL field, venue, year),
    and the number that could not be read."""
    read, failed = _read_entries(entries)
    found: list[Entry] = []
    for entry_type, key, fields in read:
        title = collapse(fields.get("title", "").replace("{", "").replace("}", ""))
        summary = fields.get("abstract", "").strip()
        urls: list[str] = []
        for name in _URL_FIELDS:
            urls += [u for u in find_urls(fields.get(name, "")) if u not in urls]
        # Any other field that holds a URL (adsurl, pdf links under local names).
        for name, value in fields.items():
            if name not in ("abstract", "title") and "://" in value:
                urls += [u for u in find_urls(value) if u not in urls]
        urls += [u for u in abstract_urls(summary) if u not in urls]
        meta = {label: fields[f].strip() for f, label in _META_FIELDS.items() if fields.get(f)}
        if fields.get("author"):
            meta["authors"] = str(len(re.split(r"\s+and\s+", fields["author"].strip())))
        venue = next((fields[k] for k in _VENUE_FIELDS if fields.get(k)), "")
        if venue:
            meta["venue"] = collapse(venue.replace("{", "").replace("}", ""))
        meta["bibtex_key"] = key
        found.append(
            Entry(name=title or key, urls=urls, summary=summary, meta=meta,
                  kind=kind_for(urls, summary, published=_published(entry_type, fields)))
        )
    return found, failed


Read = tuple[str, str, dict[str, str]]  # entry type (lower case), key, fields (lower-case keys)


def _read_entries(entries: list[str]) -> tuple[list[Read], int]:
    """Each entry's type, key and fields, and the number of blocks that could not be read.
    An entry of plain `name = {…}` / `"…"` / number fields is read here; any other (string
    macros, `#` concatenation, odd syntax) by bibtexparser, whose splitter takes ~0.5 ms an
    entry (most of the time of a megabyte of BibTeX). A key seen before is a duplicate and
    not read, as bibtexparser does."""
    read: list[Read] = []
    seen: set[str] = set()
    failed = 0
    for text in entries:
        found = _plain_entry(text)
        if found is None:
            import bibtexparser  # slow to import; only entries the plain reader declines

            library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
            failed += len(library.failed_blocks)
            found = next(((e.entry_type.lower(), e.key, {f.key.lower(): str(f.value)
                                                         for f in e.fields})
                          for e in library.entries), None)
            if found is None:
                continue
        if found[1] in seen:
            failed += 1  # a duplicate key (bibtexparser's DuplicateBlockKeyBlock)
            continue
        seen.add(found[1])
        read.append(found)
    return read, failed


_HEAD = re.compile(r"\s*@(?P<type>[A-Za-z]+)\s*\{\s*(?P<key>[^\s,{}]+)\s*,")
_NAME = re.compile(r"[\s,]*(?P<name>[A-Za-z][\w:.+-]*)\s*=\s*")
# A number, or a bare name (`month = oct`): a string macro, never defined here (`@string`
# blocks have no key and are not passed on), so bibtexparser too keeps the name as written.
_NUMBER = re.compile(r"\d+|[A-Za-z][\w.-]*")
_REST = re.compile(r"\s*(?P<mark>[,}])")


def _plain_entry(text: str) -> Read | None:
    head = _HEAD.match(text)
    if head is None:
        return None
    fields: dict[str, str] = {}
    pos = head.end()
    end = len(text) - 1  # the entry's closing brace (the span ends on it)
    while True:
        closing = _REST.match(text, pos)
        if closing is not None and closing.group("mark") == "}" and closing.end() - 1 == end:
            return head.group("type").lower(), head.group("key"), fields
        name = _NAME.match(text, pos)
        if name is None:
            return None
        pos = name.end()
        value, pos = _value(text, pos)
        if value is None:
            return None
        key = name.group("name").lower()
        if key in fields:
            return None  # a repeated field: bibtexparser's rules decide
        fields[key] = value
        after = _REST.match(text, pos)
        if after is None:
            return None  # "#" concatenation or garbage
        pos = after.end() if after.group("mark") == "," else after.start()


def _value(text: str, pos: int) -> tuple[str | None, int]:
    """A braced or quoted value without its enclosing marks, a number or a bare name; and
    where it ends."""
    first = text[pos : pos + 1]
    if first == "{":
        depth = 0
        for brace in _BRACE.finditer(text, pos):
            depth += 1 if brace.group(0) == "{" else -1
            if depth == 0:
                return text[pos + 1 : brace.start()], brace.end()
        return None, pos
    if first == '"':
        depth, i = 0, pos + 1
        while i < len(text):
            c = text[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == '"' and depth == 0 and text[i - 1] != "\\":
                return text[pos + 1 : i], i + 1
            i += 1
        return None, pos
    number = _NUMBER.match(text, pos)
    return (number.group(0), number.end()) if number else (None, pos)
