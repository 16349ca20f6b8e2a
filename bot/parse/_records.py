"""Structured records (the shapes JSON and YAML pastes share): a list of
`{name, url, summary}` objects, `{"models": […], "papers": […]}`, a wrapper such as
`{"sources": […]}`, or one record. Keys are matched loosely: title/name/model for the name;
url/link/github/arxiv/paper/code/… for links; summary/abstract/description for the summary;
other scalar fields are copied into meta."""

from __future__ import annotations

from collections.abc import Callable

from bot.models import SourceKind
from bot.parse._common import Entry, abstract_urls, collapse, kind_for
from bot.urls import find_urls

_NAME_KEYS = ("title", "name", "model", "paper_title", "model_name", "repo", "id")
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


def records(data: object) -> list[tuple[SourceKind | None, dict[str, object]]]:
    """The record dicts of a decoded document, each with the kind its container implies."""
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


def entry_from(record: dict[str, object], kind: SourceKind | None, verbatim: Verbatim) -> Entry:
    fields = {k.lower(): v for k, v in record.items()}
    name = next(
        (collapse(v) for k in _NAME_KEYS if isinstance(v := fields.get(k), str)
         and v.strip() and not find_urls(v)),
        "",
    )
    urls: list[str] = []
    for key in _URL_KEYS:
        for value in _strings(fields.get(key)):
            urls += [u for u in find_urls(value) if u not in urls]
    summary = next(
        (verbatim(v.strip()) for k in _SUMMARY_KEYS if isinstance(v := fields.get(k), str) and v.strip()),
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
    return Entry(name=name, urls=urls, summary=summary, meta=meta, kind=kind or kind_for(urls, summary))
