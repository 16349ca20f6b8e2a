"""YAML documents that say what they are: OpenMMLab metafiles (`Collections:` / `Models:`),
CITATION.cff files, and Hugging Face model cards (YAML front matter, then the card body).

Each is read for its own fields; summaries are the record's own `key: value` lines as the
block wrote them (one paragraph each), so grounding can quote "Task: Object Detection".
PyYAML is imported here only, when a block is one of these.
"""

from __future__ import annotations

import re
from typing import Any

from bot.parse._common import Entry, Parsed
from bot.urls import find_urls

_METAFILE = re.compile(r"^(?:Collections|Models)\s*:\s*$", re.MULTILINE)
_CFF = re.compile(r"^cff-version\s*:", re.MULTILINE)
_FRONT = re.compile(r"\A\ufeff?---[^\S\n]*\n(?P<yaml>.*?\n)(?:---|\.\.\.)[^\S\n]*(?:\n|\Z)", re.DOTALL)
_ITEM = re.compile(r"^(?P<indent>[^\S\n]*)-[^\S\n]+", re.MULTILINE)
_SCALAR_LINE = re.compile(r"^[^\S\n]*(?:-[^\S\n]+)?[\w@./ ()-]{1,40}:[^\S\n]+\S.*$", re.MULTILINE)
_MAX_CHARS = 300_000


def _load(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError, RecursionError, TypeError):
        return None


def _str(value: object) -> str:
    # Imported here: the detectors of this module run on every block, the readers rarely.
    from bot.parse._markup import clean_name

    return clean_name(str(value)) if isinstance(value, (str, int, float)) else ""


def _lines(span: str) -> str:
    """The record's scalar `key: value` lines, verbatim, one paragraph each."""
    return "\n\n".join(m.group(0).strip().removeprefix("- ") for m in _SCALAR_LINE.finditer(span))


def _spans(text: str, key: str, count: int) -> list[str]:
    """The text of each list item under a top-level `key:`, in order (count of them)."""
    head = re.search(rf"^{key}\s*:\s*$", text, re.MULTILINE)
    if head is None:
        return [""] * count
    rest = text[head.end() :]
    stop = re.search(r"^[A-Za-z][\w -]*:\s*$", rest, re.MULTILINE)
    rest = rest[: stop.start()] if stop else rest
    items = list(_ITEM.finditer(rest))
    if not items:
        return [""] * count
    indent = items[0].group("indent")
    starts = [m.start() for m in items if m.group("indent") == indent]
    spans = [rest[a:b] for a, b in zip(starts, [*starts[1:], len(rest)])]
    return (spans + [""] * count)[:count]


def _urls(value: object) -> list[str]:
    found: list[str] = []
    if isinstance(value, str):
        found += find_urls(value)
    elif isinstance(value, dict):
        for v in value.values():
            found += _urls(v)
    elif isinstance(value, list):
        for v in value:
            found += _urls(v)
    return found


# -- OpenMMLab metafiles ----------------------------------------------------------------------
def looks_like_metafile(text: str) -> bool:
    return len(text) <= _MAX_CHARS and _METAFILE.search(text) is not None


def read_metafile(text: str) -> Parsed | None:
    data = _load(text)
    if not isinstance(data, dict):
        return None
    collections = [c for c in data.get("Collections") or [] if isinstance(c, dict)]
    models = [m for m in data.get("Models") or [] if isinstance(m, dict)]
    if not (collections or models):
        return None
    parsed = Parsed()
    for record, span in zip(collections, _spans(text, "Collections", len(collections))):
        paper = record.get("Paper")
        title = _str(paper.get("Title")) if isinstance(paper, dict) else ""
        urls = _urls(paper) + [u for u in find_urls(span) if u not in _urls(paper)]
        parsed.entries.append(Entry(name=title or _str(record.get("Name")), urls=urls,
                                    summary=_lines(span),
                                    meta={"collection": _str(record.get("Name"))}, kind="paper",
                                    role="related"))
    for record, span in zip(models, _spans(text, "Models", len(models))):
        if parsed.full():
            break
        meta: dict[str, str] = {}
        for key in ("In Collection", "Config", "Alias"):
            if _str(record.get(key)):
                meta[key.lower().replace(" ", "_")] = _str(record.get(key))
        raw = record.get("Results") or []
        # mmdet lists its results; mmseg writes one result as a mapping.
        results = [r for r in (raw if isinstance(raw, list) else [raw]) if isinstance(r, dict)]
        tasks = [_str(r.get("Task")) for r in results if _str(r.get("Task"))]
        datasets = [_str(r.get("Dataset")) for r in results if _str(r.get("Dataset"))]
        metrics = [
            f"{k}: {v}" for r in results if isinstance(r.get("Metrics"), dict)
            for k, v in r["Metrics"].items() if isinstance(v, (str, int, float))
        ]
        if tasks:
            meta["task"] = ", ".join(dict.fromkeys(tasks))
        if datasets:
            meta["dataset"] = ", ".join(dict.fromkeys(datasets))
        if metrics:
            meta["metrics"] = ", ".join(metrics)
        metadata = record.get("Metadata")
        if isinstance(metadata, dict):
            for key, value in metadata.items():
                if isinstance(value, (str, int, float)):
                    meta[str(key).lower()] = _str(value)
        weights = _urls(record.get("Weights"))
        if weights:
            meta["weights"] = weights[0]
        urls = weights + [u for u in find_urls(span) if u not in weights]
        parsed.entries.append(Entry(name=_str(record.get("Name")), urls=urls,
                                    summary=_lines(span), meta=meta, kind="model",
                                    role="listed"))
    return parsed


# -- CITATION.cff ------------------------------------------------------------------------------
def looks_like_cff(text: str) -> bool:
    return len(text) <= _MAX_CHARS and _CFF.search(text) is not None


def _cff_entry(record: dict[str, Any], *, kind: str, role: str, summary: str) -> Entry:
    urls: list[str] = []
    for key in ("repository-code", "url", "repository", "repository-artifact"):
        urls += [u for u in _urls(record.get(key)) if u not in urls]
    doi = record.get("doi")
    urls += [u for u in _urls(doi) if u not in urls]
    for ident in record.get("identifiers") or []:
        if isinstance(ident, dict):
            urls += [u for u in _urls(ident.get("value")) if u not in urls]
    meta: dict[str, str] = {}
    authors = record.get("authors")
    if isinstance(authors, list) and authors:
        names = [
            " ".join(_str(a.get(k)) for k in ("given-names", "family-names") if a.get(k)) or _str(a.get("name"))
            for a in authors if isinstance(a, dict)
        ]
        meta["authors"] = ", ".join(n for n in names if n)[:300]
    for key in ("year", "journal", "conference", "license", "version", "date-released", "doi"):
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if _str(value):
            meta["venue" if key in ("journal", "conference") else key.replace("-", "_")] = _str(value)
    abstract = record.get("abstract")
    text = summary or (abstract.strip() if isinstance(abstract, str) else "")
    return Entry(name=_str(record.get("title")), urls=urls, summary=text, meta=meta,
                 kind="paper" if kind == "paper" else "model",
                 role="related" if role == "related" else "subject")


def read_cff(text: str) -> Parsed | None:
    data = _load(text)
    if not isinstance(data, dict) or not data.get("title"):
        return None
    parsed = Parsed()
    abstract = data.get("abstract")
    summary = abstract.strip() if isinstance(abstract, str) and abstract.strip() in text else ""
    parsed.entries.append(_cff_entry(data, kind="model", role="subject", summary=summary))
    cited = [data.get("preferred-citation"), *(data.get("references") or [])]
    for record in cited:
        if isinstance(record, dict) and record.get("title"):
            parsed.entries.append(_cff_entry(record, kind="paper", role="related", summary=""))
    return parsed


# -- Hugging Face model cards ------------------------------------------------------------------
def front_matter(text: str) -> tuple[dict[str, Any], int] | None:
    """The decoded front matter and the offset where the body begins."""
    match = _FRONT.match(text)
    if match is None or len(match.group("yaml")) > _MAX_CHARS:
        return None
    data = _load(match.group("yaml"))
    return (data, match.end()) if isinstance(data, dict) else None


def card_fields(data: dict[str, Any]) -> dict[str, str]:
    """What a card's front matter says: pipeline_tag, datasets, license, base_model, … and
    the model-index results as `metric: value` facts."""
    meta: dict[str, str] = {}
    for key in ("pipeline_tag", "license", "library_name", "language", "datasets", "base_model",
                "model_name", "tags", "metrics"):
        value = data.get(key)
        if isinstance(value, list):
            value = ", ".join(_str(v) for v in value if _str(v))
        if _str(value):
            meta[key] = _str(value)[:300]
    index = data.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict):
        if _str(index[0].get("name")):
            meta["model_name"] = _str(index[0]["name"])
        facts: list[str] = []
        for result in index[0].get("results") or []:
            if not isinstance(result, dict):
                continue
            task = result.get("task")
            if isinstance(task, dict) and _str(task.get("type") or task.get("name")):
                meta.setdefault("task", _str(task.get("name") or task.get("type")))
            dataset = result.get("dataset")
            if isinstance(dataset, dict) and _str(dataset.get("name")):
                meta.setdefault("dataset", _str(dataset.get("name")))
            for metric in result.get("metrics") or []:
                if isinstance(metric, dict) and metric.get("value") is not None:
                    facts.append(f"{_str(metric.get('name') or metric.get('type'))}: {_str(metric.get('value'))}")
        if facts:
            meta["metrics"] = ", ".join(facts)[:300]
    return meta
