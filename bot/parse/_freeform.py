"""Anything without a recognised structure: one source per recognisable link (GitHub, arXiv,
Hugging Face, project page; failing those, any URL), its line as the summary; with no URL at
all, the whole text as a single source named after its first line. Always with a note."""

from __future__ import annotations

from bot.parse._common import Doc, Entry, Parsed
from bot.parse._urllist import url_entry
from bot.urls import find_urls, link_kind, normalize_url

_NAME_MAX = 100


def parse_freeform(doc: Doc) -> Parsed:
    text = doc.text
    urls = find_urls(text)
    chosen = [u for u in urls if link_kind(u) != "other"] or urls
    parsed = Parsed()
    if chosen:
        line_of: dict[str, str] = {}
        for line in doc.content:
            for found in find_urls(line.text):
                line_of.setdefault(normalize_url(found), line.stripped)
        for url in chosen:
            if parsed.full():
                break
            entry = url_entry(url)
            context = line_of.get(normalize_url(url), "")
            entry.summary = context if context != url else ""
            parsed.entries.append(entry)
        parsed.notes.append("no recognised structure; one source per link")
        return parsed
    first = doc.content[0].stripped if doc.content else ""
    parsed.entries.append(Entry(name=first[:_NAME_MAX].strip(), summary=text.strip()))
    parsed.notes.append("no recognised structure; treated as one source")
    return parsed
