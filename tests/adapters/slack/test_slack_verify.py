"""The nesting check on raw bodies: brackets inside JSON strings (escaped quotes included) do
not count, and it agrees with a plain character-by-character reading on any text."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.verify import MAX_DEPTH, _depth


def _reference(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def test_brackets_in_strings_do_not_count() -> None:
    body = json.dumps({"event": {"text": 'a "[[[{{" \\ ]]] \n', "blocks": [[{"x": [1]}]]}})
    assert _depth(body) == 6 == _reference(body)
    assert _depth('{"open": "[[[[') == 1  # an unterminated string runs to the end
    assert _depth("[" * (MAX_DEPTH + 10)) > MAX_DEPTH


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]{}"\\ab\n', max_size=60))
def test_agrees_with_a_character_by_character_reading(text: str) -> None:
    assert _depth(text) == _reference(text) or min(_depth(text), _reference(text)) > MAX_DEPTH
