"""Daily Papers listings. Paper counts were made by hand from the files: every title line
followed by an abstract paragraph (seed 002: 56, seed 003: 33, seed 004: 45)."""

from __future__ import annotations

import pytest

from bot.parse import parse_block
from tests.conftest import eval_case, seed_text


@pytest.mark.parametrize(("seed", "papers"), [("002", 56), ("003", 33), ("004", 45)])
def test_seed_listing_counts(seed: str, papers: int) -> None:
    block = parse_block(seed_text(seed))
    assert block.format == "listing"
    assert len(block.sources) == papers
    assert all(s.kind == "paper" for s in block.sources)
    assert [s.id for s in block.sources] == [f"p{i}" for i in range(1, papers + 1)]
    for source in block.sources:
        assert source.summary and source.summary in block.text


@pytest.mark.parametrize(("case", "papers"), [("003", 36), ("004", 16), ("005", 20)])
def test_eval_listing_chunks(case: str, papers: int) -> None:
    text, spec = eval_case(case)
    assert spec["expect"]["papers"] == papers  # type: ignore[index]
    block = parse_block(text)
    assert block.format == "listing"
    assert sum(s.kind == "paper" for s in block.sources) == papers


def test_seed002_titles_meta_and_code_links() -> None:
    block = parse_block(seed_text("002"))
    first = block.sources[0]
    assert first.name == "PD-Quant: Post-Training Quantization based on Prediction Difference Metric"
    assert first.urls == ["https://github.com/hustvl/PD-Quant"]
    assert first.meta == {"authors": "6", "date": "Dec 14, 2022"}
    assert first.summary.startswith("Post-training quantization (PTQ) is a neural network")
    by_name = {s.name.split(":")[0]: s for s in block.sources}
    river = by_name["RiverMamba"]
    assert river.urls == ["https://hakamshams.github.io/RiverMamba"]
    assert river.meta == {"affiliation": "UniBonn Univerity of Bonn", "date": "May 28, 2025"}
    assert by_name["OTSurv"].urls == ["https://github.com/Y-Research-SBU/OTSurv"]
    assert by_name["Learning Global-aware Kernel for Image Harmonization"].urls == [
        "https://github.com/XintianShen/GKNet"  # written ".../GKNet{here}."
    ]
    assert by_name["AGBD"].urls == ["github.com/ghjuliasialelli/AGBD"]  # bare, as written
    unleash = next(s for s in block.sources if s.name.startswith("Unleashing the Potential"))
    assert unleash.meta["upvotes"] == "1" and unleash.meta["date"] == "Mar 10, 2025"
    survival = next(s for s in block.sources if s.name.startswith("Multimodal Optimal Transport"))
    assert survival.urls == []  # "The code is released." with no link: none is made up


def test_seed004_date_heading_is_not_an_entry_date() -> None:
    block = parse_block(seed_text("004"))
    first = block.sources[0]
    assert first.name == "RzenEmbed: Towards Comprehensive Multimodal Retrieval"
    assert first.meta["date"] == "Oct 31"  # the "Dec 9" heading above it is page chrome
    assert first.urls == ["https://huggingface.co/qihoo360/RzenEmbed"]
    prithvi = next(s for s in block.sources if s.name.startswith("Prithvi WxC"))
    assert prithvi.meta == {"authors": "29", "date": "Sep 20, 2024", "upvotes": "4"}
    assert prithvi.urls == []


def test_chunk_cut_mid_abstract_keeps_the_last_entry_and_skips_a_leading_fragment() -> None:
    text = seed_text("003")
    dissecting = text.index("Dissecting the Effects of SGD Noise")
    start = text.index(". ", text.index("\n\n", dissecting) + 200) + 2  # mid-abstract
    cut = text.index("Not All Semantics are Created Equal")
    chunk = text[start : cut + 300]  # ends mid-abstract of "Not All Semantics"
    block = parse_block(chunk)
    assert block.format == "listing"
    assert [s.name.split(":")[0] for s in block.sources] == [
        (
            "Interpretable structural model error discovery from sparse assimilation increments "
            "using spectral bias-reduced neural networks"
        ),
        "Small-scale proxies for large-scale Transformer training instabilities",
        "Not All Semantics are Created Equal",
    ]
    assert block.sources[-1].summary.startswith("In this paper, we aim to optimize")
    assert not any(s.name.startswith("Dissecting") for s in block.sources)
    assert any("skipped" in note for note in block.notes)
