"""The invariant predicates, on every seed and eval case and on hand-made violations."""

from __future__ import annotations

import pytest

from bot.ground.invariants import check, evidence_grounded, link_grounded, model_step_grounded
from bot.models import Evidence, Link, Step
from tests.conftest import seed_text
from tests.ground.helpers import EVAL_CASES, answer, load_case


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_invariants_hold_on_every_seed(prefix: str) -> None:
    block, ans = answer(seed_text(prefix), "How does it work and which should we pick?")
    assert check(block, ans) == []


@pytest.mark.parametrize("name", EVAL_CASES)
def test_invariants_hold_on_every_eval_case(name: str) -> None:
    text, case = load_case(name)
    q = case.get("question")
    block, ans = answer(text, q if isinstance(q, str) else None)
    assert check(block, ans) == []


def test_predicates_catch_violations() -> None:
    block, ans = answer(seed_text("000"))
    assert link_grounded(block, "https://github.com/xiaojihh/cl_all-in-one/")
    assert link_grounded(block, "https://arxiv.org/pdf/2402.18546v3.pdf")  # http -> https is fine
    assert not link_grounded(block, "https://github.com/xiaojihh/other")
    assert evidence_grounded(block, "We find that TOTEM outperforms or matches EEGNet")
    assert not evidence_grounded(block, "TOTEM always wins.")
    assert model_step_grounded(block, Step(id="s", kind="model", label="MATEY", source_ids=["p3"]))
    assert not model_step_grounded(block, Step(id="s", kind="model", label="GPT-9", source_ids=["p3"]))
    bad = ans.model_copy(update={
        "links": [Link(url="https://evil.example/x", label="x", source_id="m1", kind="other")],
        "evidence": [Evidence(text="Invented sentence.", source_id="p1")],
        "caveats": ["@everyone look"],
    })
    problems = check(block, bad)
    assert len(problems) == 3
    assert any("link" in p for p in problems) and any("ping" in p for p in problems)


def test_evidence_is_a_span_once_markup_is_removed() -> None:
    from bot.parse import parse_block

    block = parse_block(
        "| Model | Task | Notes |\n|---|---|---|\n"
        "| **RTM**<br />v2 | [Object Detection](https://a.org/x) | fast &amp; small |\n"
    )
    assert evidence_grounded(block, "RTM v2 Object Detection fast &amp; small")
    assert evidence_grounded(block, "Object Detection")
    assert not evidence_grounded(block, "RTM Object Detection")  # cells skipped: not contiguous
    assert not evidence_grounded(block, "Object Detection https://a.org/x fast")
