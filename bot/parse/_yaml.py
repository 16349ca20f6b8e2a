"""YAML pastes (PyYAML `safe_load`, the C loader when available), read as records."""

from __future__ import annotations

import re
from typing import Any

from bot.parse._common import Doc, Parsed
from bot.parse._records import entry_from, records

_KEY_LINE = re.compile(
    r"^[^\S\n]*(?:-[^\S\n]+)?(?:name|title|url|link|github|arxiv|paper|summary|abstract"
    r"|description|models|papers|sources)[^\S\n]*:",
    re.IGNORECASE | re.MULTILINE,
)
# PyYAML builds Python objects slowly (seconds per megabyte); YAML records pasted into chat
# are a few kilobytes, so bigger blocks are read by the text formats instead.
_MAX_CHARS = 100_000


def decode(doc: Doc) -> object | None:
    """The document when the block reads as YAML records (two or more record-like key lines)."""
    text = doc.text
    if len(text) > _MAX_CHARS:
        return None
    keys = sum(1 for line in doc.content if ":" in line.text[:40] and _KEY_LINE.match(line.text))
    if keys < 2:
        return None
    import yaml  # only blocks that read as YAML records pay for PyYAML

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError, RecursionError, TypeError):
        return None
    return data if records(data) else None


def parse_yaml(data: object) -> Parsed:
    parsed = Parsed()
    for kind, record in records(data):
        if parsed.full():
            break
        parsed.entries.append(entry_from(record, kind, lambda v: v))
    return parsed
