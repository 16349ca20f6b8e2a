"""The development eval cases' expectations, as tests (hidden cases test the same things)."""

from __future__ import annotations

import re

import pytest

from bot.safety import has_ping
from bot.urls import normalize_url as norm_url
from tests.ground.helpers import EVAL_CASES, answer, caveat_text, load_case


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.mark.parametrize("name", EVAL_CASES)
def test_eval_case(name: str) -> None:
    text, case = load_case(name)
    exp = case["expect"]
    assert isinstance(exp, dict)
    question = case.get("question")
    _, ans = answer(text, question if isinstance(question, str) else None)
    ranked = sorted(ans.sources, key=lambda s: -s.relevance)
    top3 = [_norm(s.name) for s in ranked[:3]]
    for want in exp.get("relevant_top", []):
        assert any(_norm(want) in t for t in top3), (want, top3)
    labels = " | ".join(_norm(s.label) for s in ans.workflow.steps)
    for unwanted in exp.get("irrelevant", []):
        assert _norm(unwanted) not in labels
    got = {norm_url(link.url) for link in ans.links}
    assert {norm_url(u) for u in exp.get("links_all", [])} <= got
    assert not {norm_url(u) for u in exp.get("links_none", [])} & got
    blob = _norm(" ".join([ans.task.summary, *ans.task.labels, ans.task.input, ans.task.output]))
    for group in exp.get("task_any", []):
        assert any(s in blob for s in group), (group, blob[:200])
    if exp.get("caveat_any"):
        assert any(c in caveat_text(ans) for c in exp["caveat_any"])
    assert ans.covered is not bool(exp.get("not_covered"))
    assert ans.evidence and any(s.kind == "model" for s in ans.workflow.steps)
    assert not has_ping(ans.model_dump_json())
