"""Delivery guarantees: a restart finishes a half-posted answer exactly once; failures end
in a short reply, never a traceback; the MESSAGE_CONTENT switch decides unmentioned follow-ups."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from adapters.discord import DiscordAdapter
from bot.chat import Incoming
from bot.service import Service
from tests.adapters.discord.conftest import running_bot
from tests.adapters.discord.support import assert_safe
from tests.conftest import seed_text
from tests.fakes.discord_gateway import FakeDiscord

UNAVAILABLE = 503  # discord.py raises at once (500/502/504 it retries, sleeping 1+3+5+7 s)


async def test_restart_after_a_failed_delivery_posts_the_missing_parts_once(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    asked = fake.message(seed_text("000"))
    thread_id = int(asked["id"])
    async with running_bot(fake, db) as bot:
        fake.fail_posts(UNAVAILABLE, after=1)  # part 1 goes out, then Discord is down
        await fake.dispatch("MESSAGE_CREATE", asked)
        await fake.wait_for(lambda _: len(fake.posts(thread_id, ok=False)) >= 2)
        (pending,) = await bot.client.handler._service.pending("discord")
        assert pending.parts_done == 1
    assert len(fake.posts(thread_id)) == 1

    fake.fail_posts(None)
    async with running_bot(fake, db) as bot:
        await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
        await settled(bot)
    replies = fake.posts(thread_id)
    assert [r.content.split("\n")[0] for r in replies[:2]] == ["## 1/3 · Task",
                                                                "## 2/3 · Workflow (input → model → output)"]
    assert len(replies) == 3 and replies[2].embeds[0]["title"].startswith("3/3")
    assert len(fake.calls_to(r"channels/\d+/messages/\d+/threads")) == 1  # reused, not re-made
    assert_safe(replies)

    async with running_bot(fake, db) as bot:
        await settled(bot)
    assert len(fake.posts(thread_id)) == 3  # once: a third start posts nothing


async def settled(bot: DiscordAdapter, timeout: float = 10.0) -> None:
    """Nothing queued, nothing pending, nothing being worked on."""
    store = bot.client.handler._service.store
    deadline = time.monotonic() + timeout
    while await store.queued() or await store.pending("discord") or bot.busy:
        assert time.monotonic() < deadline, "work still pending"
        await asyncio.sleep(0.05)


class BrokenService(Service):
    async def accept(self, incoming: Incoming) -> int | None:
        raise RuntimeError("the history database vanished")


async def test_unexpected_failure_gets_a_short_apology(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path / "bot.db", service_class=BrokenService):
        asked = fake.message(seed_text("000"))
        await fake.dispatch("MESSAGE_CREATE", asked)
        await fake.wait_for(lambda _: len(fake.posts(fake.channel_id)) >= 1)
    (apology,) = fake.posts(fake.channel_id)
    assert "went wrong on my side" in apology.content
    assert "vanished" not in apology.content and "Traceback" not in apology.content
    assert str(apology.json["message_reference"]["message_id"]) == asked["id"]
    assert_safe([apology])


async def test_unreadable_attachment_is_explained(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path / "bot.db"):
        attachment = fake.attachment("message.txt", b"")
        del fake.files[attachment["id"]]  # the CDN answers 404
        attachment["size"] = 100
        asked = fake.message("what is this?", attachments=[attachment])
        await fake.dispatch("MESSAGE_CREATE", asked)
        await fake.wait_for(lambda _: len(fake.posts(int(asked["id"]))) >= 1)
    (reply,) = fake.posts(int(asked["id"]))
    assert "could not read the attached file" in reply.content


async def test_without_message_content_follow_ups_need_a_mention(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(fake, tmp_path / "bot.db", discord_message_content=False):
        asked = fake.message(seed_text("000"))
        await fake.dispatch("MESSAGE_CREATE", asked)
        thread_id = int(asked["id"])
        await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
        # Discord would send this one with empty content; the bot must not answer it.
        await fake.dispatch("MESSAGE_CREATE", fake.message("", channel_id=thread_id,
                                                           mention=False))
        mentioned = fake.message("What does MATEY add?", channel_id=thread_id)
        await fake.dispatch("MESSAGE_CREATE", mentioned)
        await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 6)
        assert "MATEY" in fake.posts(thread_id)[3].content
        assert len(fake.posts(thread_id)) == 6
