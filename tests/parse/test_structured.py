"""JSON, YAML, BibTeX, Markdown tables and bare URL lists."""

from __future__ import annotations

import json

from bot.parse import parse_block
from tests.conftest import eval_case


def test_json_list_of_records_eval010() -> None:
    text, _spec = eval_case("010")
    block = parse_block(text)
    assert block.format == "json"
    assert [(s.id, s.kind) for s in block.sources] == [
        ("p1", "paper"), ("p2", "paper"), ("m1", "model"), ("p3", "paper"), ("p4", "paper"),
        ("p5", "paper"),
    ]
    audiocraft = block.by_id("m1")
    assert audiocraft is not None and audiocraft.name == "facebookresearch/audiocraft"
    assert audiocraft.urls == ["https://github.com/facebookresearch/audiocraft"]
    musicgen = block.by_id("p4")
    assert musicgen is not None and musicgen.name == "Simple and Controllable Music Generation"
    assert musicgen.urls == [
        "https://arxiv.org/abs/2306.05284", "https://github.com/facebookresearch/audiocraft"
    ]
    # MusicLM's summary has escaped quotes; it is kept as the block spells it.
    musiclm = block.by_id("p1")
    assert musiclm is not None and musiclm.summary in text
    assert '\\"a calming violin melody' in musiclm.summary


def test_json_models_and_papers_shape() -> None:
    text = json.dumps(
        {
            "models": [{"name": "RAFT", "github": "https://github.com/princeton-vl/RAFT",
                        "paper": None}],
            "papers": [{"title": "GMFlow", "link": "https://arxiv.org/abs/2111.13680",
                        "abstract": "Global matching.", "year": 2022}],
        }
    )
    block = parse_block(text)
    assert block.format == "json"
    model, paper = block.sources
    assert (model.id, model.name, model.urls, model.meta) == (
        "m1", "RAFT", ["https://github.com/princeton-vl/RAFT"], {"paper": "None"}
    )
    assert (paper.id, paper.summary, paper.meta["year"]) == ("p1", "Global matching.", "2022")


def test_json_url_not_in_the_text_is_dropped() -> None:
    text = '[{"name": "x", "url": "https:\\/\\/github.com\\/a\\/b"}]'
    block = parse_block(text)
    assert block.sources[0].urls == []
    assert block.links == []


def test_yaml_records() -> None:
    text = (
        "models:\n"
        "  - name: RAFT\n"
        "    github: https://github.com/princeton-vl/RAFT\n"
        "papers:\n"
        "  - title: \"GMFlow: Learning Optical Flow via Global Matching\"\n"
        "    url: http://arxiv.org/pdf/2111.13680v4.pdf\n"
        "    abstract: >\n"
        "      Learning-based optical flow estimation has been dominated\n"
        "      with the pipeline of cost volume.\n"
    )
    block = parse_block(text)
    assert block.format == "yaml"
    model, paper = block.sources
    assert (model.id, model.name, model.urls) == ("m1", "RAFT", ["https://github.com/princeton-vl/RAFT"])
    assert paper.name == "GMFlow: Learning Optical Flow via Global Matching"
    assert paper.urls == ["http://arxiv.org/pdf/2111.13680v4.pdf"]
    assert paper.meta["arxiv_id"] == "2111.13680v4"
    assert " ".join(paper.summary.split()) in " ".join(text.split())


def test_bibtex_entries() -> None:
    text = (
        "@article{pal2024matey,\n"
        "  title={{MATEY}: multiscale adaptive foundation models},\n"
        "  author={Pei Zhang and M. Paul Laiu and Matthew Norman},\n"
        "  journal={arXiv preprint arXiv:2412.20601},\n"
        "  eprint={2412.20601},\n"
        "  abstract={Accurate representation of the multiscale features. Code: https://github.com/x/matey},\n"
        "  year={2024}\n"
        "}\n"
        "@misc{raft, title={RAFT}, howpublished={\\url{https://github.com/princeton-vl/RAFT}}}\n"
    )
    block = parse_block(text)
    assert block.format == "bibtex"
    paper, model = block.sources
    assert paper.name == "MATEY: multiscale adaptive foundation models"
    assert paper.urls == ["https://github.com/x/matey"]  # no URL is built from the eprint
    assert paper.meta["arxiv_id"] == "2412.20601" and paper.meta["authors"] == "3"
    assert paper.summary.startswith("Accurate representation")
    assert (model.id, model.urls) == ("m1", ["https://github.com/princeton-vl/RAFT"])


def test_markdown_table() -> None:
    text = (
        "| Model | Link | Summary | Year |\n"
        "|---|:---:|---|---|\n"
        "| [RAFT](https://github.com/princeton-vl/RAFT) | https://arxiv.org/abs/2003.12039 | Optical flow. | 2020 |\n"
        "| PaddleOCR | https://github.com/PaddlePaddle/PaddleOCR | OCR toolkit | 2020 |\n"
    )
    block = parse_block(text)
    assert block.format == "markdown"
    raft, ocr = block.sources
    assert (raft.id, raft.name) == ("p1", "RAFT")
    assert raft.summary == "RAFT https://arxiv.org/abs/2003.12039 Optical flow. 2020"
    assert raft.urls == ["https://github.com/princeton-vl/RAFT", "https://arxiv.org/abs/2003.12039"]
    assert raft.meta["year"] == "2020"
    assert (ocr.id, ocr.name, ocr.urls) == ("m1", "PaddleOCR", ["https://github.com/PaddlePaddle/PaddleOCR"])


def test_bare_url_list() -> None:
    text = (
        "https://github.com/princeton-vl/RAFT\n"
        "- https://arxiv.org/abs/2111.13680v4\n"
        "https://huggingface.co/qihoo360/RzenEmbed.\n"
        "<https://huggingface.co/papers/2308.12950>\n"
        "http://github.com/princeton-vl/RAFT/\n"
    )
    block = parse_block(text)
    assert block.format == "markdown"
    assert [(s.id, s.name) for s in block.sources] == [
        ("m1", "princeton-vl/RAFT"),
        ("p1", "2111.13680v4"),
        ("m2", "qihoo360/RzenEmbed"),
        ("p2", "2308.12950"),
    ]
    assert block.sources[2].urls == ["https://huggingface.co/qihoo360/RzenEmbed"]


def test_here_artefact_and_wrapped_url_in_a_listing_entry() -> None:
    abstract = "We study things in depth. " * 12
    text = (
        f"First Paper Title\n\n{abstract}Code will be available at "
        "https://github.com/XintianShen/GKNet{here}.\n\n"
        f"Second Paper Title\n\n{abstract}The code is at https://github.com/hustvl/\nPD-Quant now.\n"
    )
    block = parse_block(text)
    assert block.format == "listing"
    assert [s.urls for s in block.sources] == [
        ["https://github.com/XintianShen/GKNet"],
        ["https://github.com/hustvl/PD-Quant"],
    ]


def test_yaml_groups_with_titles_hold_their_records_and_name_their_section() -> None:
    from bot.parse import parse_block

    text = """streaming:
  title: "Streaming methods"
  list:
    - title: "Quill: Online Speech Chunking"
      year: 2022
      links:
        PDF: https://arxiv.org/abs/2201.00031
    - title: "Wren: Low-Latency Decoding"
      year: 2023
      links:
        Code: https://github.com/example-lab/wren
offline:
  title: "Offline methods"
  list:
    - title: "Finch: Whole-Utterance Rescoring"
      year: 2021
      links:
        PDF: https://arxiv.org/abs/2101.00032
    - title: "Quill: Online Speech Chunking"
      year: 2022
      links:
        PDF: https://arxiv.org/abs/2201.00031
"""
    block = parse_block(text)
    assert block.format == "yaml"
    # The group dicts are sections, not records; a paper filed twice is one source.
    assert [s.name for s in block.sources] == [
        "Quill: Online Speech Chunking", "Wren: Low-Latency Decoding",
        "Finch: Whole-Utterance Rescoring"]
    assert block.sources[1].meta["section"] == "Streaming methods"
    assert "https://github.com/example-lab/wren" in block.sources[1].urls
