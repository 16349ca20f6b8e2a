"""The reader parses Markdown with GFM's block rules only (no inline pass, for speed): the
blocks it walks, and their source spans, must be those full GFM finds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import markdown_it_pyrs
import pytest

from bot.parse._document import _tree

DATA = Path(__file__).resolve().parent.parent / "data"
TEXTS = sorted([*DATA.glob("*/*/source.txt"), *DATA.glob("seeds/*.txt")])
_BLOCKS = {
    "blockquote", "code_block", "fence", "heading", "lheading", "hr", "bullet_list", "ordered_list",
    "list_item", "paragraph", "html_block", "table", "thead", "tbody", "trow", "tcell",
}


def _shape(node: Any, out: list[tuple[str, tuple[int, ...], object]]) -> list[tuple[str, tuple[int, ...], object]]:
    for child in node.children:
        if child.name in _BLOCKS:
            out.append((child.name, tuple(child.srcmap or ()), child.meta.get("level")))
            _shape(child, out)
    return out


def test_every_sample_is_read() -> None:
    assert len(TEXTS) > 50


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.parent.name if p.name == "source.txt" else p.stem)
def test_block_rules_give_the_blocks_of_full_gfm(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # GFM's rules without linkify: markdown-it.rs 0.6.0's linkify panics on a URL followed by
    # "。" (a char-boundary slice in skip_text.rs), and linkify only makes inline links.
    full = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(
        ["table", "strikethrough", "tasklist"]).tree(text)
    assert _shape(_tree(text), []) == _shape(full, [])


def test_inline_markup_is_left_in_the_source_text() -> None:
    root = _tree("- **[BERT](https://arxiv.org/abs/1810.04805)** &amp; more\n")
    item = root.children[0].children[0]
    assert item.name == "list_item"
    assert {c.name for c in item.children} <= {"text", "paragraph"}
