"""Hand-written fast paths give what the plain patterns they replace give."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parse._document import _cells
from bot.parse._markup import readable

_MARKS = re.compile(r"\*\*|__|`|^#+\s*|^\s*[-*+>]\s+|\|", re.MULTILINE)
_BAR = re.compile(r"(?<!\\)\|(?![^\[]*\]\()")
_TEXT = st.text(alphabet="*_`#->+| \n\ta\u00a0", max_size=40)
_ROW = st.text(alphabet="|[]()\\a ](", max_size=40)


def _reference_cells(row: str) -> list[str]:
    inner = row.strip().removeprefix("|")
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip() for c in _BAR.split(inner)]


@settings(max_examples=400, deadline=None)
@given(_ROW)
def test_cells_split_where_the_bar_pattern_splits(row: str) -> None:
    assert _cells(row) == _reference_cells(row)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_readable_removes_marks_as_the_one_pattern_does(text: str) -> None:
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n[^\S\n]*\n", _MARKS.sub(" ", text)))
    assert readable(text) == "\n\n".join(p for p in paragraphs if p)


def test_a_bar_inside_a_link_label_is_no_cell_boundary() -> None:
    assert _cells("| [a|b](https://x.org/p) | c |") == ["[a|b](https://x.org/p)", "c"]
