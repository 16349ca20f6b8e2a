from __future__ import annotations

import pytest

from bot.models import Answer, Task, Workflow
from bot.render.env import make_environment
from bot.render.markdown import render_markdown
from bot.safety import has_ping
from tests.render.sample import reference_answer

# What a chat client or Markdown viewer would turn into a notification.
RAW_PINGS = ["@everyone", "@here", "<!channel>", "<!here>", "<@U123ABC>"]


@pytest.fixture(scope="module")
def env():  # type: ignore[no-untyped-def]
    return make_environment()


def test_three_parts_in_order_with_question_and_count(env) -> None:  # type: ignore[no-untyped-def]
    md = render_markdown(reference_answer(), env=env)
    positions = [md.index(h) for h in ("## 1. Task", "## 2. Workflow", "## 3. Links")]
    assert positions == sorted(positions)
    assert "How does this model stay generalizable" in md.split("## 1. Task")[0]
    assert "Considered 4 sources" in md
    assert "image dehazing · adverse weather removal · domain generalization" in md
    workflow = md.split("## 2. Workflow")[1].split("## 3. Links")[0]
    assert workflow.count("```") == 2
    assert "WeatherRemoval-CLAIO-DeHaze  [m1]" in workflow
    assert "robust to sensor variability/failure" in workflow
    assert "TOTEM outperforms or matches EEGNet" in workflow and "[p1]" in workflow
    assert "no paper was supplied" in workflow
    links = md.split("## 3. Links")[1]
    assert "- WeatherRemoval-CLAIO-DeHaze — https://github.com/xiaojihh/cl_all-in-one [m1]" in links
    assert "http://arxiv.org/pdf/2402.18546v3.pdf [p1]" in links


def test_source_text_is_escaped_outside_code(env) -> None:  # type: ignore[no-untyped-def]
    md = render_markdown(reference_answer(), env=env)
    assert r"\*generalization\*" in md


def test_hostile_source_text_pings_nobody_and_keeps_the_fence(env) -> None:  # type: ignore[no-untyped-def]
    md = render_markdown(reference_answer(hostile=True), env=env)
    assert not has_ping(md)
    assert not [p for p in RAW_PINGS if p in md]
    assert md.count("```") == 2  # the ``` pasted into a label did not end the code block


def test_uncovered_and_empty_answer_still_has_three_parts(env) -> None:  # type: ignore[no-untyped-def]
    answer = Answer(question="What is XMem's memory size?", task=Task(summary="Unknown."),
                    workflow=Workflow(), covered=False)
    md = render_markdown(answer, env=env)
    for header in ("## 1. Task", "## 2. Workflow", "## 3. Links"):
        assert header in md
    assert "do not cover this question" in md
    assert "```" not in md
    assert "Considered 0 sources" in md
    assert "\n\n\n" not in md
