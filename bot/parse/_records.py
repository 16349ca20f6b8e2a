"""Structured records (the shapes JSON and YAML pastes share): a list of
`{name, url, summary}` objects, `{"models": […], "papers": […]}`, a wrapper such as
`{"sources": […]}`, or one record. Keys are matched loosely: title/name/model for the name;
url/link/github/arxiv/paper/code/… for links; summary/abstract/description for the summary;
other scalar fields are copied into meta."""

from __future__ import annotations

from collections.abc import Callable

from bot.models import SourceKind
from bot.parse._common import Entry, abstract_urls, kind_for
from bot.parse._markup import clean_name
from bot.urls import find_urls

_NAME_KEYS = ("title", "name", "model", "paper_title", "model_name", "paper", "repo_name", "repo",
              "id")
_URL_KEYS = (
    "url", "urls", "link", "links", "github", "code", "repo", "repository", "arxiv", "paper",
    "pdf", "hf", "huggingface", "hugging_face", "project", "project_page", "homepage", "website",
)
_SUMMARY_KEYS = ("summary", "abstract", "description", "desc", "tldr", "notes")
_KIND_KEYS = ("kind", "type")
_LISTS: dict[str, SourceKind | None] = {
    "models": "model", "tools": "model", "repos": "model", "papers": "paper",
    "sources": None, "items": None, "entries": None, "results": None, "data": None,
    "references": "paper",
}
_NONE = {"none", "null", "n/a", "na", "-", ""}
_META_MAX = 300

Verbatim = Callable[[str], str]


def _named(item: object) -> bool:
    return isinstance(item, dict) and any(
        isinstance(v := item.get(k), str) and v.strip() and not find_urls(v)
        for k in ("title", "name", "paper_title", "paper", "model_name", "model")
    )


def _group(item: dict[object, object]) -> bool:
    """A titled dict that holds a list of titled records is their group, not a record."""
    return any(isinstance(v, list) and sum(1 for i in v if _named(i)) >= 2 for v in item.values())


def _title(item: dict[object, object]) -> str:
    return next((v.strip() for k in ("title", "name") if isinstance(v := item.get(k), str)), "")


def records(data: object, depth: int = 0) -> list[tuple[SourceKind | None, dict[str, object]]]:
    """The record dicts of a decoded document, each with the kind its container implies.
    Records may sit under any key or inside other records ({"iclr2024": [...]}, a venue
    record holding its `awards`): the search goes down to the first level that holds them."""
    nested = _nested(data, depth)
    if nested:
        return nested
    if isinstance(data, list):
        return [(None, _as_record(item)) for item in data if _as_record(item)]
    if not isinstance(data, dict):
        return []
    found: list[tuple[SourceKind | None, dict[str, object]]] = []
    for key, value in data.items():
        name = str(key).lower()
        if name in _LISTS and isinstance(value, list):
            kind = _LISTS[name]
            found += [(kind, _as_record(item)) for item in value if _as_record(item)]
    if found:
        return found
    lowered = {str(k).lower() for k in data}
    if lowered & set(_NAME_KEYS + _URL_KEYS):
        return [(None, {str(k): v for k, v in data.items()})]
    return []


def _nested(data: object, depth: int) -> list[tuple[SourceKind | None, dict[str, object]]]:
    if depth > 4:
        return []
    if isinstance(data, list) and any(_named(i) for i in data):
        return []  # this level holds the records
    if isinstance(data, dict) and _named(data) and not _group(data):
        return []
    children = data if isinstance(data, list) else list(data.values()) if isinstance(data, dict) else []
    # A titled group ({title: "Fully asynchronous", list: [...]}) names its records' section.
    section = _title(data) if isinstance(data, dict) and _named(data) else ""
    found: list[tuple[SourceKind | None, dict[str, object]]] = []
    for child in children:
        if isinstance(child, list) and any(_named(i) for i in child):
            found += [(None, {**_as_record(i), "section": section} if section and "section" not in i
                       else _as_record(i)) for i in child if _named(i)]
        elif isinstance(child, (list, dict)):
            found += _nested(child, depth + 1)
    return found


def _as_record(item: object) -> dict[str, object]:
    if isinstance(item, dict):
        return {str(k): v for k, v in item.items()}
    if isinstance(item, str) and find_urls(item):
        return {"url": item}
    return {}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    return []


def strings(data: object, depth: int = 0, *, limit: int = 6) -> list[str]:
    """Every string value of decoded data, in order (not the keys), down to `limit` levels."""
    if isinstance(data, str):
        return [data]
    if depth > limit:
        return []
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    return [s for v in items for s in strings(v, depth + 1, limit=limit)]


def entry_from(record: dict[str, object], kind: SourceKind | None, verbatim: Verbatim) -> Entry:
    fields = {k.lower(): v for k, v in record.items()}
    name = next(
        (clean_name(v, markdown=False) for k in _NAME_KEYS if isinstance(v := fields.get(k), str)
         and v.strip() and not find_urls(v)),
        "",
    )
    urls: list[str] = []
    for key in _URL_KEYS:
        for value in _strings(fields.get(key)):
            urls += [u for u in find_urls(value) if u not in urls]
    # Any other field whose value is a URL (paper_url, arxiv_page_url, doi, a nested record's).
    for value in strings(record, limit=3):
        if len(value) < 400 and (found := find_urls(value)) and value.strip() == found[0]:
            urls += [found[0]] if found[0] not in urls else []
    inner = [v for v in fields.values() if isinstance(v, dict)]
    summary = next(
        (verbatim(v.strip()) for f in [fields, *[{str(k).lower(): x for k, x in d.items()} for d in inner]]
         for k in _SUMMARY_KEYS if isinstance(v := f.get(k), str) and v.strip()),
        "",
    )
    urls += [u for u in abstract_urls(summary) if u not in urls]
    meta: dict[str, str] = {}
    paper = fields.get("paper", "absent")
    if paper is None or (isinstance(paper, str) and paper.strip().lower() in _NONE):
        meta["paper"] = "None"
    used = set(_NAME_KEYS + _URL_KEYS + _SUMMARY_KEYS + _KIND_KEYS)
    for key, raw in record.items():
        if key.lower() in used or isinstance(raw, (dict, list)) or raw is None:
            continue
        fact = str(raw)
        if len(fact) <= _META_MAX:
            meta[key] = fact
    declared = str(fields.get("kind") or fields.get("type") or "").lower()
    if declared in ("model", "paper"):
        kind = "model" if declared == "model" else "paper"
    # A record that names a paper, or says where and by whom it was published, is a paper
    # even when its only link is a code repository.
    published = any(
        (v := fields.get(k)) is not None and str(v).strip().lower() not in _NONE
        for k in ("paper", "paper_title", "authors", "author", "venue", "journal", "booktitle",
                  "doi", "conference")
    )
    return Entry(name=name, urls=urls, summary=summary, meta=meta,
                 kind=kind or kind_for(urls, summary, published=published))
