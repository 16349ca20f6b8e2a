"""Text with no recognised structure, and the empty block."""

from __future__ import annotations

from bot.parse import parse_block


def test_freeform_one_source_per_recognisable_link() -> None:
    block = parse_block(
        "I liked github.com/x/y and the site https://example.com/z. Also https://arxiv.org/abs/1234.56789 maybe"
    )
    assert block.format == "freeform"
    assert [(s.id, s.name, s.urls) for s in block.sources] == [
        ("m1", "x/y", ["github.com/x/y"]),
        ("p1", "1234.56789", ["https://arxiv.org/abs/1234.56789"]),
    ]
    assert block.links == ["github.com/x/y", "https://example.com/z", "https://arxiv.org/abs/1234.56789"]
    assert any("no recognised structure" in note for note in block.notes)


def test_freeform_without_links_is_one_untitled_source() -> None:
    block = parse_block("some words about dehazing\nand a second line")
    assert block.format == "freeform"
    (only,) = block.sources
    assert only.name == "some words about dehazing"
    assert only.summary == "some words about dehazing\nand a second line"
    assert block.links == []


def test_empty_block() -> None:
    block = parse_block(" \n\t ")
    assert block.format == "empty"
    assert block.sources == [] and block.links == []
