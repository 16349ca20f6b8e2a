"""The LLM engine behind Slack: the thread status says how many sources the model reads (or,
where Slack refuses the status, a progress note in the thread), then the three parts, every
one of them grounded; the model is a local fake OpenAI-compatible server."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from bot.service import Service
from tests.adapters.slack.conftest import CHANNEL, all_text, headers_of, running
from tests.adapters.slack.test_slack_answers import ANSWER_HEADERS, slackified
from tests.conftest import seed_text
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.slack_api import FakeSlackApi
from tests.llm.support import MODEL_SUMMARY, llm_engine, script_faithful


async def _mention_with_llm(
    api: FakeSlackApi, model: FakeOpenAI, tmp_path: Path, seed: str, *, posts: int
) -> tuple[Any, str]:
    """Mention the bot with `seed` on the LLM engine; (the stopped Slack harness, thread ts)
    once `posts` messages are up."""
    script_faithful(model, seed)
    async with llm_engine(model) as engine:
        with_llm = functools.partial(Service, engine=engine)
        async with running(
            api, tmp_path / "s.db",
            make_service=lambda store, limits: with_llm(store=store, limits=limits),
        ) as slack:
            ts = slack.next_ts()
            await slack.event(slack.mention(slackified(seed), ts=ts))
            await slack.api.wait_for("chat.postMessage", count=posts)
            await slack.api.settle()
    return slack, ts


async def test_llm_answer_sets_the_status_with_the_source_count(
    api: FakeSlackApi, model: FakeOpenAI, tmp_path: Path
) -> None:
    seed = seed_text("000")
    slack, ts = await _mention_with_llm(api, model, tmp_path, seed, posts=3)

    statuses = [c.params for c in api.called("assistant.threads.setStatus")]
    # One status, once the block is parsed: the count is known before the model is asked.
    assert [s["status"] for s in statuses] == ["is reading 4 sources…"]
    assert {(s["channel_id"], s["thread_ts"]) for s in statuses} == {(CHANNEL, ts)}
    posted = slack.posted(thread_ts=ts)
    assert headers_of(posted) == ANSWER_HEADERS  # no note: the status said it
    assert MODEL_SUMMARY in all_text(posted[0])


async def test_llm_answer_follows_a_progress_note_where_the_status_is_refused(
    api: FakeSlackApi, model: FakeOpenAI, tmp_path: Path
) -> None:
    seed = seed_text("000")
    api.fail("assistant.threads.setStatus", error="missing_scope")
    slack, ts = await _mention_with_llm(api, model, tmp_path, seed, posts=4)

    posted = slack.posted(thread_ts=ts)
    assert len(posted) == 4
    assert "Reading 4 sources" in all_text(posted[0])
    assert headers_of(posted[1:]) == ANSWER_HEADERS
    assert MODEL_SUMMARY in all_text(posted[1])
    assert len(model.requests) == 1
