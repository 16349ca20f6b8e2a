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
    except RecursionError:
        return None
    except ValueError:
        return _salvage(stripped)
    return data


_DECODER = json.JSONDecoder()
_GAP = " \t\r\n,"


def _salvage(text: str) -> list[object] | None:
    """The whole records of a JSON paste cut short ("[{…}, {…}, {…" copied from the top of a
    long file) or written one object after another (JSON Lines): the records that decode, in
    order; None when fewer than two do (a broken single document is no listing)."""
    pos = 1 if text[0] == "[" else 0
    found: list[object] = []
    end = len(text)
    while pos < end:
        while pos < end and text[pos] in _GAP:
            pos += 1
        if pos >= end or text[pos] != "{":
            break
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        found.append(value)
    return found if len(found) >= 2 else None


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
