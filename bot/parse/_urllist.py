"""A bare list of URLs (arXiv / GitHub / Hugging Face …), one per line, optionally bulleted or
numbered: one source per distinct URL, named from the URL itself (`owner/repo`, arXiv id)."""

from __future__ import annotations

import re

from bot.parse._common import Doc, Entry, Parsed, kind_for
from bot.urls import arxiv_id, clean_url, find_urls, name_from_url, normalize_url

_MARKER = re.compile(r"^(?:[-*+\u2022]|\d{1,3}[.)])\s+")


def _url_line(s: str) -> bool:
    body = _MARKER.sub("", s).strip()
    urls = find_urls(body)
    return len(urls) == 1 and " " not in body and clean_url(body.strip("<>")) != ""


def looks_like_url_list(doc: Doc) -> bool:
    allowed_misses = len(doc.content) // 5
    misses = 0
    for line in doc.content:
        if not _url_line(line.stripped):
            misses += 1
            if misses > allowed_misses:
                return False
    return len(doc.content) > misses


def url_entry(url: str) -> Entry:
    """A source that is nothing but a URL."""
    meta = {"arxiv_id": ident} if (ident := arxiv_id(url)) else {}
    return Entry(name=name_from_url(url), urls=[url], meta=meta, kind=kind_for([url], ""))


def parse_url_list(doc: Doc) -> Parsed:
    text = doc.text
    seen: set[str] = set()
    parsed = Parsed()
    for url in find_urls(text):
        if parsed.full():
            break
        key = normalize_url(url)
        if key not in seen:
            seen.add(key)
            parsed.entries.append(url_entry(url))
    return parsed
