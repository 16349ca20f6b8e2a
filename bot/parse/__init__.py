"""Pasted text -> `SourceBlock`: format detection, then one reader per kind of document.

`parse_block` never raises on any `str` except `TooLarge` above the size limit. Every URL a
source carries is checked against the URLs found in the raw text (`bot.urls.find_urls`), so no
reader can invent one.

Detection order (first that fits): empty; documents that say what they are (OpenMMLab
metafile, CITATION.cff, a model card's front matter); the request format (seed 000); JSON;
BibTeX (a file of entries, not a README with a citation block); YAML records; a plain-text
Daily Papers listing or paper page (no Markdown structure); everything else through the
document model (`_document`: Markdown structure, tables, lists, sections, prose). A reader
that raises is logged at ERROR with its format and the block goes to the document model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from bot.errors import TooLarge
from bot.models import BlockFormat, Source, SourceBlock, SourceKind, SourceRole
from bot.parse._common import Doc, Entry, Parsed, collapse
from bot.parse._request import looks_like_request, parse_request
from bot.parse._structured import front_matter, looks_like_cff, looks_like_metafile
from bot.parse.sentences import split_sentences
from bot.urls import (
    arxiv_id,
    find_urls,
    is_person_url,
    name_from_url,
    normalize_url,
    without_wide_end,
)

__all__ = ["DEFAULT_MAX_BYTES", "parse_block", "split_message", "split_sentences"]


# Each reader is imported by the attempt that needs it (their patterns are compiled at import:
# ~10 ms of a cold `ask` on a request block). The document model also loads the Markdown
# parser: the request format and plain listings (the common chat pastes) never pay for it.
def split_message(text: str) -> tuple[str | None, str]:
    from bot.parse._split import split_message as split

    return split(text)


def read_document(text: str, *, subject: bool = False) -> Parsed:
    from bot.parse._document import read_document as read

    return read(text, subject=subject)


def merge_same_names(parsed: Parsed) -> None:
    from bot.parse._document import merge_same_names as merge

    merge(parsed)

DEFAULT_MAX_BYTES = 1_048_576
_NAME_MAX = 300

_log = logging.getLogger(__name__)

Attempt = Callable[[Doc], Parsed | None]


def _request(doc: Doc) -> Parsed | None:
    return parse_request(doc) if looks_like_request(doc) else None


def _json_block(doc: Doc) -> Parsed | None:
    stripped = doc.text.lstrip()
    if not stripped or stripped[0] not in "[{":
        return None
    from bot.parse import _json
    from bot.parse._records import strings

    data = _json.decode(doc)
    if data is None:
        return None
    parsed = _json.parse_json(doc, data)
    if parsed.entries:
        return parsed
    # No records, but string values that are Markdown (an archive of digest table rows keyed
    # by id): those strings are the document.
    leaves = strings(data)
    if any("](" in leaf or leaf.lstrip().startswith("|") for leaf in leaves):
        parsed = read_document("\n".join(leaf.strip() for leaf in leaves))
        return parsed if parsed.entries else None
    return None


def _bibtex(doc: Doc) -> Parsed | None:
    from bot.parse._bibtex import looks_like_bibtex, parse_bibtex

    return parse_bibtex(doc) if looks_like_bibtex(doc) else None


def _yaml_block(doc: Doc) -> Parsed | None:
    from bot.parse import _yaml

    data = _yaml.decode(doc)
    if data is None:
        return None
    parsed = _yaml.parse_yaml(data)
    merge_same_names(parsed)  # a list filed under two of its sections
    return parsed


_MARKDOWN = re.compile(r"^[^\S\n]{0,3}(?:#{1,6}[^\S\n]|\||[-*+][^\S\n]+\S|\d{1,3}[.)][^\S\n])|\]\(|<a\s|<br|^---$", re.MULTILINE)


def _plain(doc: Doc) -> bool:
    """Text with no Markdown structure (the layouts of copied web pages)."""
    return _MARKDOWN.search(doc.text) is None


def _listing(doc: Doc) -> Parsed | None:
    if not _plain(doc):
        return None
    from bot.parse._listing import count_entries, has_chrome, parse_listing, tagged

    pairs = count_entries(doc)
    if pairs >= 2 or (pairs and has_chrome(doc.text)):
        return parse_listing(doc, tagged(doc))
    return None


def _paper_page(doc: Doc) -> Parsed | None:
    from bot.parse._paper_page import looks_like_paper_page, parse_paper_page

    return parse_paper_page(doc) if _plain(doc) and looks_like_paper_page(doc) else None


def _metafile(doc: Doc) -> Parsed | None:
    from bot.parse._structured import read_metafile

    parsed = read_metafile(doc.text) if looks_like_metafile(doc.text) else None
    if parsed is not None:
        merge_same_names(parsed)  # collections of one paper (one per model family) are one paper
    return parsed


def _cff(doc: Doc) -> Parsed | None:
    from bot.parse._structured import read_cff

    return read_cff(doc.text) if looks_like_cff(doc.text) else None


def _model_card(doc: Doc) -> Parsed | None:
    found = front_matter(doc.text) if doc.text.lstrip("\ufeff").startswith("---") else None
    if found is None:
        return None
    data, body_at = found
    from bot.parse._structured import card_fields

    fields = card_fields(data)
    if not fields and "model-index" not in data:
        return None  # front matter of another kind (a Jekyll page): the document model reads it
    parsed = read_document(doc.text[body_at:], subject=True)
    subject = parsed.entries[0]
    subject.meta = {**fields, **subject.meta}
    subject.name = subject.name or fields.get("model_name", "")
    subject.kind, subject.role = "model", "subject"
    base = fields.get("base_model", "")
    known = {collapse(e.name).lower() for e in parsed.entries}
    if base and "," not in base and base.lower() not in known:
        urls = [u for u in subject.urls if u.rstrip("/").lower().endswith(base.lower())]
        parsed.entries.append(Entry(name=base, urls=urls, kind="model", role="related",
                                    meta={"relation": "base_model"}))
    return parsed


_ATTEMPTS: tuple[tuple[BlockFormat, Attempt], ...] = (
    ("metafile", _metafile),
    ("cff", _cff),
    ("model_card", _model_card),
    ("request", _request),
    ("json", _json_block),
    ("bibtex", _bibtex),
    ("yaml", _yaml_block),
    ("listing", _listing),
    ("paper_page", _paper_page),
)


def parse_block(text: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceBlock:
    """Parse pasted `text`. Raises `TooLarge` above `max_bytes` (UTF-8); nothing else."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise TooLarge(
            f"source block is {size} bytes; the limit is {max_bytes} bytes",
            size=size,
            limit=max_bytes,
        )
    links = find_urls(text)
    if not text.strip():
        return SourceBlock(text=text, format="empty")
    fmt, parsed = _detect(text)
    block = _assemble(text, fmt, parsed, links)
    _log.debug("parsed %d bytes as %s: %d sources", size, fmt, len(block.sources))
    return block


def _detect(text: str) -> tuple[BlockFormat, Parsed]:
    from bot.parse._html import looks_like_html_page, page_text

    if looks_like_html_page(text):
        # A saved web page: its content, as text, goes through the document model.
        try:
            return "html", read_document(page_text(text))
        except Exception:  # noqa: BLE001 - as below: one reader's bug costs its format only
            _log.exception("html reader failed; reading the block as a document")
    from bot.parse._rst import looks_like_rst, rst_markdown

    if looks_like_rst(text):
        # A docs page in reStructuredText: its sections, list-tables and links, as Markdown.
        try:
            return "rst", read_document(rst_markdown(text))
        except Exception:  # noqa: BLE001 - as below: one reader's bug costs its format only
            _log.exception("rst reader failed; reading the block as a document")
    doc = Doc(text)
    for fmt, attempt in _ATTEMPTS:
        try:
            parsed = attempt(doc)
        # A parser bug must cost one format, never the answer: parse_block promises to raise
        # nothing but TooLarge on any text.
        except Exception as exc:  # noqa: BLE001
            _log.error("%s reader failed (%s); reading the block as a document", fmt,
                       type(exc).__name__, exc_info=exc)
            continue
        if parsed is not None and (parsed.entries or fmt == "request"):
            return fmt, parsed
    try:
        return "markdown", read_document(text)
    except Exception:  # noqa: BLE001 - see above; the block is then one subject of plain text
        _log.exception("markdown reader failed")
        return "freeform", Parsed(entries=[Entry(name=collapse(text.strip().split("\n")[0])[:100],
                                                 summary=text.strip())],
                                  notes=["the text could not be read; treated as one source"])


def _assemble(text: str, fmt: BlockFormat, parsed: Parsed, links: list[str]) -> SourceBlock:
    allowed = {normalize_url(u) for u in links}
    notes = list(parsed.notes)
    dropped = 0
    sources: list[Source] = []
    counters = {"model": 0, "paper": 0}
    for entry in parsed.entries:
        urls, lost = _checked_urls(entry, allowed)
        dropped += lost
        name = _name(entry, urls)
        if not (name or urls or entry.summary):
            continue
        kind = entry.kind or "paper"
        counters[kind] += 1
        meta = dict(entry.meta)
        ident = next((i for u in urls if (i := arxiv_id(u))), "")
        if ident and "arxiv_id" not in meta:
            meta["arxiv_id"] = ident
        sources.append(
            Source(
                id=f"{kind[0]}{counters[kind]}",
                kind=kind,
                role=entry.role or _default_role(fmt, kind),
                name=name,
                urls=urls,
                summary=entry.summary,
                meta=meta,
            )
        )
    if dropped:
        notes.append(f"{dropped} URL(s) not found verbatim in the block were dropped")
    if not links:
        notes.append("the block contains no URL")
    return SourceBlock(
        text=text,
        format=fmt,
        question=parsed.question,
        instructions=parsed.instructions,
        sources=sources,
        links=links,
        notes=notes,
    )


def _default_role(fmt: BlockFormat, kind: SourceKind) -> SourceRole:
    if fmt == "request":
        return "recommended" if kind == "model" else "related"
    if fmt == "paper_page":
        return "subject"
    return "listed"


def _checked_urls(entry: Entry, allowed: set[str]) -> tuple[list[str], int]:
    kept: list[str] = []
    seen: set[str] = set()
    lost = 0
    for url in entry.urls:
        if is_person_url(url):
            continue  # an author's profile: the link list is about works
        key = normalize_url(url)
        if key not in allowed and (bare := without_wide_end(url)) != url:
            url, key = bare, normalize_url(bare)  # the block's plain spelling of "…/x。"
        if key not in allowed:
            lost += 1
        elif key not in seen:
            seen.add(key)
            kept.append(url)
    return kept, lost


# What is left of "(Read more on [arXiv](…) or [HuggingFace](…))" once its links are out.
_EMPTIED = re.compile(r"\s*\((?:\s*(?:read|more|see|on|or|and|at|via|in|the|also|here|available"
                      r"|details)\b)*\s*\)", re.IGNORECASE)


def _name(entry: Entry, urls: list[str]) -> str:
    name = collapse(entry.name)[:_NAME_MAX].strip()
    if "(" in name:
        name = _EMPTIED.sub("", name).strip()
    if name:
        return name
    if urls:
        return name_from_url(urls[0])
    first = split_sentences(entry.summary)[:1]
    return collapse(first[0])[:_NAME_MAX].strip() if first else ""
