"""Single paper pages: seed 001 (no URL at all) and eval 012."""

from __future__ import annotations

from bot.parse import parse_block
from tests.conftest import eval_case, seed_text


def test_seed001_matey_page() -> None:
    block = parse_block(seed_text("001"))
    assert block.format == "paper_page"
    (paper,) = block.sources
    assert paper.id == "p1" and paper.kind == "paper"
    assert paper.name == (
        "MATEY: multiscale adaptive foundation models for spatiotemporal physical systems"
    )
    assert paper.meta["arxiv_id"] == "2412.20601v1"  # "v14 citations" is v1 + 4 citations
    assert paper.meta["citations"] == "4"
    assert paper.meta["date"] == "Dec 29, 2024"
    assert paper.summary.startswith("Accurate representation")
    assert paper.summary.endswith("especially in the low data regime with frozen attention.")
    # The site's AI analysis is kept apart, never taken for the abstract.
    assert paper.meta["analysis"].startswith("This work addresses computational bottlenecks")
    assert "AI Analysis" not in paper.summary and "Foundations" not in paper.summary
    assert paper.urls == [] and block.links == []
    assert any("no URL" in note for note in block.notes)


def test_xmem_page_keeps_its_project_link() -> None:
    text, spec = eval_case("012")
    block = parse_block(text)
    assert block.format == "paper_page"
    (paper,) = block.sources
    assert paper.name.startswith("XMem: Long-Term Video Object Segmentation")
    assert paper.summary.startswith("We present XMem")
    assert paper.urls == ["https://hkchengrex.github.io/XMem"]
    assert paper.meta["analysis"].startswith("This addresses the challenge")
    assert spec["expect"]["papers"] == 1  # type: ignore[index]
