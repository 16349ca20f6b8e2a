"""JSON pastes: decoded with the standard library, then read as records (`_records`).

A summary is kept as the block wrote it: when the decoded string does not occur in the block
(it had escapes such as `\\"`), the escaped spelling that does occur is used, so evidence
quoted from it can still be found in the pasted text."""

from __future__ import annotations

import json
from collections.abc import Callable

from bot.parse._common import Doc, Parsed
from bot.parse._records import entry_from, records


def decode(doc: Doc) -> object | None:
    """The decoded document, or None when the block is not JSON (or too deeply nested)."""
    stripped = doc.text.strip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        data: object = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return data


def _verbatim(text: str) -> Callable[[str], str]:
    def pick(value: str) -> str:
        if value in text:
            return value
        for ascii_only in (False, True):
            escaped = json.dumps(value, ensure_ascii=ascii_only)[1:-1]
            if escaped in text:
                return escaped
        return value

    return pick


def parse_json(doc: Doc, data: object) -> Parsed:
    pick = _verbatim(doc.text)
    parsed = Parsed()
    for kind, record in records(data):
        if parsed.full():
            break
        parsed.entries.append(entry_from(record, kind, pick))
    if not parsed.entries:
        parsed.notes.append("JSON without name/url/summary records")
    return parsed
