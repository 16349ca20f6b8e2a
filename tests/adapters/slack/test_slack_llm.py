"""The LLM engine behind Slack: a progress note in the thread while the model works, then the
three parts, every one of them grounded; the model is a local fake OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engines import LLMEngine
from bot.ground import ground
from bot.history.store import HistoryStore
from bot.llm import ChatClient, LLMBackend
from bot.parse import parse_block
from bot.render.env import make_environment
from bot.service import Service
from bot.settings import Limits, Settings
from tests.adapters.slack.conftest import all_text, headers_of, running
from tests.adapters.slack.test_slack_answers import ANSWER_HEADERS, slackified
from tests.conftest import seed_text
from tests.fakes.openai_api import FakeOpenAI, Reply, draft_of
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


async def test_llm_answer_follows_a_progress_note_in_the_thread(
    api: FakeSlackApi, model: FakeOpenAI, tmp_path: Path
) -> None:
    seed = seed_text("000")
    block = parse_block(seed)
    draft = draft_of(ground(block, block.question or ""))
    draft["task"]["summary"] = "A fluent summary written by the model about image dehazing."
    model.script(Reply.json(draft))

    client = ChatClient(base_url=model.base_url, model="fake", timeout=5.0, max_retries=0)
    backend = LLMBackend(settings=Settings(), env=make_environment(), client=client)
    engine = LLMEngine(backend=backend)

    def with_llm(store: HistoryStore, limits: Limits) -> Service:
        return Service(store=store, limits=limits, engine=engine)

    async with client, backend, running(api, tmp_path / "s.db", make_service=with_llm) as slack:
        ts = slack.next_ts()
        await slack.event(slack.mention(slackified(seed), ts=ts))
        await slack.api.wait_for("chat.postMessage", count=4)
        await slack.api.settle()

    posted = slack.posted(thread_ts=ts)
    assert len(posted) == 4
    assert "Reading 4 sources" in all_text(posted[0])
    assert headers_of(posted[1:]) == ANSWER_HEADERS
    assert "fluent summary written by the model" in all_text(posted[1])
    assert len(model.requests) == 1
