"""Text with no recognised structure, and the empty block."""

from __future__ import annotations

from bot.parse import parse_block


def test_prose_with_links_is_one_subject_with_every_link() -> None:
    block = parse_block(
        "I liked github.com/x/y and the site https://example.com/z. Also https://arxiv.org/abs/1234.56789 maybe"
    )
    assert block.format == "markdown"
    (only,) = block.sources
    assert only.role == "subject"
    assert only.urls == ["github.com/x/y", "https://example.com/z", "https://arxiv.org/abs/1234.56789"]
    assert block.links == only.urls


def test_prose_without_links_is_one_subject_named_by_its_first_line() -> None:
    block = parse_block("some words about dehazing\nand a second line")
    assert block.format == "markdown"
    (only,) = block.sources
    assert only.name == "some words about dehazing"
    assert only.summary == "some words about dehazing and a second line"
    assert block.links == []


def test_empty_block() -> None:
    block = parse_block(" \n\t ")
    assert block.format == "empty"
    assert block.sources == [] and block.links == []
