"""Answer -> Slack messages: always three, always within Slack's limits, never a ping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.chat import HistoryItem, Place, Reply
from bot.models import Answer, Evidence, Link, Source, Step, Task, Workflow
from bot.render.env import make_environment
from bot.render.slack import (
    BLOCK_TEXT_BUDGET,
    block_texts,
    problems,
    render_answer,
    render_history,
    render_reply,
)
from bot.safety import has_ping
from bot.settings import Limits
from tests.render.sample import reference_answer

ENV = make_environment()
PINGS = " <!channel> @everyone <@U123> <!here> <!subteam^S1|team>"


def listing_answer(n: int = 100) -> Answer:
    """A 100-paper listing answer with long titles, abstracts and pings everywhere."""
    sources, links, evidence, steps = [], [], [], [Step(id="in", kind="input", label="papers")]
    for i in range(1, n + 1):
        name = f"Paper {i}: a rather long title about scaling foundation models for survival" + PINGS
        sources.append(Source(id=f"p{i}", kind="paper", name=name,
                              urls=[f"https://arxiv.org/abs/2501.{i:05d}"]))
        links.append(Link(url=f"https://arxiv.org/abs/2501.{i:05d}", label=name,
                          source_id=f"p{i}", kind="arxiv"))
        links.append(Link(url=f"https://github.com/org{i}/repo-{i}", label=name + " code",
                          source_id=f"p{i}", kind="github"))
        evidence.append(Evidence(text="We show that our method improves the concordance index "
                                 "by a large margin on every cohort we tried. " * 3 + PINGS,
                                 source_id=f"p{i}"))
        steps.append(Step(id=f"t{i}", kind="technique", label=f"technique {i}" + PINGS,
                          note="helps" + PINGS, source_ids=[f"p{i}"]))
    steps.append(Step(id="out", kind="output", label="risk scores"))
    return Answer(
        question="Which of these papers help with whole-slide survival prediction?" + PINGS,
        task=Task(summary="Survival prediction from whole-slide images." + PINGS,
                  labels=["survival prediction"], input="WSIs", output="risk"),
        workflow=Workflow(steps=steps, edges=[("in", "out")]),
        evidence=evidence,
        links=links,
        caveats=["Most papers do not report external validation." + PINGS] * 5,
        sources=sources,
    )


def _texts(message_blocks: list[dict[str, object]]) -> list[str]:
    return block_texts(message_blocks)  # type: ignore[arg-type]


@pytest.mark.parametrize("answer", [reference_answer(), reference_answer(hostile=True),
                                    listing_answer()], ids=["reference", "hostile", "listing"])
@pytest.mark.parametrize("feedback", ["off", "context_actions", "buttons"])
def test_always_three_messages_within_every_limit(answer: Answer, feedback: str) -> None:
    messages = render_answer(answer, env=ENV, feedback_ref="42", feedback=feedback)  # type: ignore[arg-type]
    assert len(messages) == 3
    rated = [m for m in messages if any(b["block_id"].startswith("sourcebound_feedback")
                                        for b in m.blocks if "block_id" in b)]
    assert rated == ([] if feedback == "off" else [messages[2]])
    if feedback == "context_actions":  # the plain buttons to fall back to fit as well
        assert messages[2].fallback_blocks is not None
        assert problems(replace(messages[2], blocks=messages[2].fallback_blocks)) == []
    assert [m.diagram for m in messages] == [False, True, False]
    for message in messages:
        assert problems(message) == []
        texts = _texts(message.blocks)
        assert len(message.blocks) <= 50
        assert sum(map(len, texts)) <= BLOCK_TEXT_BUDGET < 11_000
        assert all(len(t) <= 3_000 for t in texts)
        assert 0 < len(message.text) < 40_000


def test_a_long_listing_says_what_it_left_out() -> None:
    _task, workflow, links = render_answer(listing_answer(), env=ENV)
    link_text = "\n".join(_texts(links.blocks))
    assert "https://arxiv.org/abs/2501.00001" in link_text
    assert "more links from the source block" in link_text
    assert "more quoted sentences" in "\n".join(_texts(workflow.blocks))


def test_pasted_pings_never_ping() -> None:
    for answer in (reference_answer(hostile=True), listing_answer(5)):
        for message in render_answer(answer, env=ENV):
            for text in [message.text, *_texts(message.blocks)]:
                assert not has_ping(text), text
                assert "<!channel>" not in text and "<@U123>" not in text
                assert "@everyone" not in text


def test_reference_answer_substance() -> None:
    task, workflow, links = render_answer(reference_answer(), env=ENV)
    task_text = "\n".join(_texts(task.blocks))
    assert "image dehazing" in task_text and "without retraining" in task_text
    flow = "\n".join(_texts(workflow.blocks))
    assert "WeatherRemoval-CLAIO-DeHaze" in flow and "```" in flow
    assert "Evidence from the sources" in flow and "Caveats" in flow
    assert "https://github.com/xiaojihh/cl_all-in-one" in "\n".join(_texts(links.blocks))


@pytest.mark.parametrize("code", ["empty", "no_question", "no_source", "too_large",
                                  "binary_attachment", "unsupported_attachment", "bad_input",
                                  "internal", "store"])
def test_every_problem_code_renders_one_short_message(code: str) -> None:
    place = Place(platform="slack", channel="C1", thread="1.1")
    reply = Reply(delivery_id=1, place=place, kind="problem", problem=code, detail="x")
    (message,) = render_reply(reply, env=ENV, limits=Limits())
    assert problems(message) == []
    assert 20 < len(message.text) < 600


def test_history_escapes_questions() -> None:
    item = HistoryItem(question="why <!channel> & co?", asked_at=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
                       place=Place(platform="slack", channel="C1", thread="1.1"))
    message = render_history([item], env=ENV)
    assert "2025-01-02 03:04" in message.text
    assert "&amp; co?" in message.text and not has_ping(message.text)


def test_a_cached_answer_renders_the_same_with_its_own_feedback_ref() -> None:
    from bot.render.slack import answer_cache

    cache = answer_cache()
    answer = reference_answer()
    plain = render_answer(answer, env=ENV, feedback_ref="7", feedback="context_actions")
    first = render_answer(answer, env=ENV, feedback_ref="7", feedback="context_actions",
                          cache=cache)
    second = render_answer(answer, env=ENV, feedback_ref="8", feedback="context_actions",
                           cache=cache)
    assert first == plain and len(cache) == 1 and cache.hits == 1
    assert second[:2] == first[:2]
    # Only the feedback block names the delivery: 8's buttons, not 7's.
    assert second[2].blocks[:-1] == first[2].blocks[:-1]
    assert second[2].blocks[-1]["block_id"].endswith(":8")
    assert first[2].blocks[-1]["block_id"].endswith(":7")
    assert second[2].fallback_blocks is not None
    assert second[2].fallback_blocks[-1]["block_id"].endswith(":8")
    # Different flags (a reused source, no feedback room) are rendered, not reused.
    reused = render_answer(answer, env=ENV, reused_source=True, cache=cache)
    assert reused == render_answer(answer, env=ENV, reused_source=True)
    assert len(cache) == 2
