"""Markdown and diagrams of real pipeline answers for every eval case: the three parts, no
ping, balanced code fences, diagrams within width, and chunks that fit Discord's limit."""

from __future__ import annotations

import pytest

from bot.pipeline import answer_text
from bot.render.diagram import WIDTH, text_diagram, width
from bot.render.env import make_environment
from bot.render.markdown import render_markdown
from bot.render.split import split_text
from bot.safety import has_ping
from bot.settings import Limits
from tests.conftest import DATA, eval_case

CASES = sorted(p.name[:3] for p in (DATA / "eval").iterdir() if (p / "case.json").exists())


@pytest.mark.parametrize("case", CASES)
def test_real_answer_renders_cleanly(case: str) -> None:
    text, spec = eval_case(case)
    if spec["expect"].get("error"):  # type: ignore[union-attr]
        pytest.skip("an error case has no answer to render")
    answer = answer_text(text, spec.get("question"), limits=Limits())  # type: ignore[arg-type]
    md = render_markdown(answer, env=make_environment())
    assert md.index("## 1. Task") < md.index("## 2. Workflow") < md.index("## 3. Links")
    assert not has_ping(md)
    assert md.count("```") % 2 == 0
    for link in answer.links:
        assert link.url in md
    diagram = text_diagram(answer.workflow, heading="why")
    assert all(width(line) <= WIDTH for line in diagram.splitlines())
    chunks = split_text(md, 2000)
    assert all(len(c) <= 2000 and c.count("```") % 2 == 0 for c in chunks)
