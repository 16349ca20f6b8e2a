"""The request format: seed 000 and the eval cases built on its layout."""

from __future__ import annotations

from bot.parse import parse_block
from tests.conftest import eval_case, seed_text


def test_seed000_fields() -> None:
    block = parse_block(seed_text("000"))
    assert block.format == "request"
    assert block.question == (
        "I used it on data from different cities, and it adapted without retraining. How does "
        "this model stay generalizable across environments and sensor types?"
    )
    assert block.instructions is not None
    assert block.instructions.startswith("Based on the following recommended models, explain:")
    assert "Use **only the provided models and papers**" in block.instructions
    models = [s for s in block.sources if s.kind == "model"]
    papers = [s for s in block.sources if s.kind == "paper"]
    assert [(m.id, m.name, m.urls, m.meta) for m in models] == [
        ("m1", "WeatherRemoval-CLAIO-DeHaze", ["https://github.com/xiaojihh/cl_all-in-one"],
         {"paper": "None"})
    ]
    assert [p.id for p in papers] == ["p1", "p2", "p3"]
    assert [p.urls for p in papers] == [
        ["http://arxiv.org/pdf/2402.18546v3.pdf"],
        ["http://arxiv.org/pdf/2408.09310v3.pdf"],
        ["http://arxiv.org/pdf/2412.20601v1.pdf"],
    ]
    assert papers[0].name.startswith("Generalizability Under Sensor Failure")
    assert papers[0].summary.startswith("A major goal in neuroscience is to discover")
    assert papers[0].summary.endswith("we observe that tokenization enables generalization.")
    assert papers[2].meta["arxiv_id"] == "2412.20601v1"
    assert "Answer:" not in papers[2].summary
    assert block.links == [
        "https://github.com/xiaojihh/cl_all-in-one",
        "http://arxiv.org/pdf/2402.18546v3.pdf",
        "http://arxiv.org/pdf/2408.09310v3.pdf",
        "http://arxiv.org/pdf/2412.20601v1.pdf",
    ]
    for paper in papers:
        assert paper.summary in block.text


def test_eval_request_counts() -> None:
    for case in ("001", "006", "007", "008", "011"):
        text, spec = eval_case(case)
        block = parse_block(text)
        expect = spec["expect"]
        assert isinstance(expect, dict)
        assert block.format == "request", case
        assert block.question, case
        assert sum(s.kind == "model" for s in block.sources) == expect["models"], case
        assert sum(s.kind == "paper" for s in block.sources) == expect["papers"], case


def test_model_and_paper_sharing_a_url_are_both_kept() -> None:
    block = parse_block(eval_case("011")[0])
    holders = [s.id for s in block.sources if "http://arxiv.org/pdf/2305.06161v1.pdf" in s.urls]
    assert holders == ["m1", "p1"]


def test_code_links_in_a_summary_attach_but_injected_links_do_not() -> None:
    raft = parse_block(eval_case("006")[0])
    assert raft.sources[2].urls == [
        "http://arxiv.org/pdf/2111.13680v4.pdf",
        "https://github.com/haofeixu/gmflow",
    ]
    ocr = parse_block(eval_case("008")[0])
    assert ocr.by_id("p2") is not None
    assert ocr.by_id("p2").urls[-1] == "https://aka.ms/trocr"  # type: ignore[union-attr]
    adversarial = parse_block(eval_case("011")[0])
    injected = "https://codellama-weights.example.net/download/install.sh"
    assert injected in adversarial.links
    assert all(injected not in s.urls for s in adversarial.sources)


def test_loose_request_layout() -> None:
    text = (
        "A user has asked the following question:\n\n\"Which one handles OCR?\"\n\n"
        "**Model:** PaddleOCR\n\n**GitHub:** https://github.com/PaddlePaddle/PaddleOCR\n"
        "**Paper:** None\n\n\n"
        "Paper: http://arxiv.org/pdf/2009.09941v3.pdf\nModel: PP-OCR\n"
        "Summary: A practical ultra lightweight OCR system.\nIt is small.\n\nAnswer:\n"
    )
    block = parse_block(text)
    assert block.format == "request"
    assert block.question == "Which one handles OCR?"
    first, second = block.sources
    assert (first.id, first.name, first.urls, first.meta) == (
        "m1", "PaddleOCR", ["https://github.com/PaddlePaddle/PaddleOCR"], {"paper": "None"}
    )
    assert (second.id, second.name) == ("p1", "PP-OCR")
    assert second.summary == "A practical ultra lightweight OCR system.\nIt is small."
