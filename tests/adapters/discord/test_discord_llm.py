"""The LLM engine behind Discord: the thread opens with a progress note while the model works,
then the three parts; the model is a local fake OpenAI-compatible server."""

from __future__ import annotations

import functools
from pathlib import Path

from bot.service import Service
from tests.adapters.discord.conftest import running_bot
from tests.adapters.discord.support import assert_safe
from tests.conftest import seed_text
from tests.fakes.discord_gateway import FakeDiscord
from tests.fakes.openai_api import FakeOpenAI
from tests.llm.support import MODEL_SUMMARY, llm_engine, script_faithful


async def test_llm_answer_follows_a_progress_note_in_the_thread(
    fake: FakeDiscord, model: FakeOpenAI, tmp_path: Path
) -> None:
    seed = seed_text("000")
    script_faithful(model, seed)
    async with llm_engine(model) as engine:
        with_llm = functools.partial(Service, engine=engine)
        async with running_bot(fake, tmp_path / "d.db", service_class=with_llm):
            asked = fake.message(seed)
            await fake.dispatch("MESSAGE_CREATE", asked)
            thread_id = int(asked["id"])
            await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 4)

    replies = fake.posts(thread_id)
    assert len(replies) == 4
    assert "Reading 4 sources" in replies[0].content
    assert "1/3" in replies[1].content and MODEL_SUMMARY in replies[1].content
    assert "3/3" in replies[3].content or "3/3" in replies[3].text()
    assert len(fake.calls_to(r"channels/\d+/messages/\d+/threads")) == 1
    assert_safe(replies)
