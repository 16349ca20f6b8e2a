"""The LLM engine behind Discord: the thread opens with a progress note while the model works,
then the three parts; the model is a local fake OpenAI-compatible server."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engines import LLMEngine
from bot.ground import ground
from bot.llm import ChatClient, LLMBackend
from bot.parse import parse_block
from bot.render.env import make_environment
from bot.service import Service
from bot.settings import Settings
from tests.adapters.discord.conftest import running_bot
from tests.adapters.discord.support import assert_safe
from tests.conftest import seed_text
from tests.fakes.discord_gateway import FakeDiscord
from tests.fakes.openai_api import FakeOpenAI, Reply, draft_of


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


async def test_llm_answer_follows_a_progress_note_in_the_thread(
    fake: FakeDiscord, model: FakeOpenAI, tmp_path: Path
) -> None:
    seed = seed_text("000")
    block = parse_block(seed)
    draft = draft_of(ground(block, block.question or ""))
    draft["task"]["summary"] = "A fluent summary written by the model about image dehazing."
    model.script(Reply.json(draft))
    client = ChatClient(base_url=model.base_url, model="fake", timeout=5.0, max_retries=0)
    backend = LLMBackend(settings=Settings(), env=make_environment(), client=client)
    with_llm = functools.partial(Service, engine=LLMEngine(backend=backend))

    async with client, backend, running_bot(fake, tmp_path / "d.db", service_class=with_llm):
        asked = fake.message(seed)
        await fake.dispatch("MESSAGE_CREATE", asked)
        thread_id = int(asked["id"])
        await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 4)

    replies = fake.posts(thread_id)
    assert len(replies) == 4
    assert "Reading 4 sources" in replies[0].content
    assert "1/3" in replies[1].content and "fluent summary written by the model" in replies[1].content
    assert "3/3" in replies[3].content or "3/3" in replies[3].text()
    assert len(fake.calls_to(r"channels/\d+/messages/\d+/threads")) == 1
    assert_safe(replies)
