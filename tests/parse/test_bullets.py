"""Bulleted/numbered lists: the awesome-list of eval 009 and `Name — url — summary` lines."""

from __future__ import annotations

from bot.parse import parse_block
from tests.conftest import eval_case


def test_awesome_list_entries_links_and_duplicates() -> None:
    block = parse_block(eval_case("009")[0])
    assert block.format == "markdown"
    # 79 bullets in the section, two of them repeated: 77 sources, all papers (paper links).
    assert len(block.sources) == 77
    assert all(s.kind == "paper" for s in block.sources)
    assert any("duplicate" in note for note in block.notes)
    names = [s.name for s in block.sources]
    assert len(names) == len(set(names))
    osokin = next(s for s in block.sources if s.name.endswith("Lightweight OpenPose"))
    assert osokin.name == "Real-time 2D Multi-Person Pose Estimation on CPU: Lightweight OpenPose"
    assert osokin.urls == [
        "https://arxiv.org/pdf/1811.12004.pdf",
        "https://github.com/Daniil-Osokin/lightweight-human-pose-estimation.pytorch",
    ]
    assert osokin.meta == {"authors": "Osokin, D.", "venue": "Arxiv 2018", "arxiv_id": "1811.12004"}
    # The duplicate without [[CODE]] came first; the merged source carries both links.
    pil = next(s for s in block.sources if s.name == "Human Pose Estimation with Parsing Induced Learner")
    assert pil.urls[-1] == "https://github.com/NieXC/pytorch-pil"


def test_title_broken_over_two_lines_is_one_entry() -> None:
    block = parse_block(eval_case("009")[0])
    names = [s.name for s in block.sources]
    assert "Simple Baselines for Human Pose Estimation and Tracking" in names
    assert (
        "Self-supervised Keypoint Correspondences for Multi-Person Pose Estimation and Tracking "
        "in Videos" in names
    )
    assert not any(n.startswith(("[", "]", "and Tracking")) for n in names)


def test_numbered_and_dash_separated_lines() -> None:
    text = (
        "1. RAFT — https://github.com/princeton-vl/RAFT — optical flow model\n"
        "2. GMFlow — https://arxiv.org/abs/2111.13680 — global matching optical flow\n"
        "3. **PaddleOCR** https://github.com/PaddlePaddle/PaddleOCR OCR toolkit\n"
    )
    block = parse_block(text)
    assert block.format == "markdown"
    assert [(s.id, s.name, s.urls) for s in block.sources] == [
        ("m1", "RAFT", ["https://github.com/princeton-vl/RAFT"]),
        ("p1", "GMFlow", ["https://arxiv.org/abs/2111.13680"]),
        ("m2", "PaddleOCR", ["https://github.com/PaddlePaddle/PaddleOCR"]),
    ]
    assert block.sources[0].summary.endswith("optical flow model")


def test_a_list_of_bold_named_works_without_links_is_a_list_of_entries() -> None:
    from bot.parse import parse_block

    text = """# Notes

## This week
- **Osprey** — sparse attention for long videos. [2604.00101]
- **Tern** — a tokenizer for genomes. [2604.00102]
- **Gull / G2** — distillation for speech encoders.
- **Status**: drafts only
"""
    block = parse_block(text)
    assert [s.name for s in block.sources] == ["Osprey", "Tern", "Gull / G2"]
    assert block.sources[0].meta["arxiv_id"] == "2604.00101"
