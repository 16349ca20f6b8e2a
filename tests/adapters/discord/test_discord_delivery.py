"""Delivery guarantees: a restart finishes a half-posted answer exactly once; failures end
in a short reply, never a traceback; the MESSAGE_CONTENT switch decides unmentioned follow-ups."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

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


async def test_two_workers_on_one_database_deliver_each_answer_once(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """What raced before (start-up redelivery against the live handler, 6 posts and 2 PNGs)
    is two claimants of the same rows; a second process's worker on the same file is one
    more. Each job and delivery is claimed by exactly one of them."""
    from bot.delivery import Policy
    from bot.history.store import HistoryStore
    from bot.worker import Worker
    from tests.adapters.discord.support import pngs

    db = tmp_path / "bot.db"
    async with running_bot(fake, db) as bot, HistoryStore.open(db) as other_store:
        rival = Service(store=other_store, limits=bot.client.handler._service.limits)
        async with Worker(service=rival, courier=bot.client.handler.courier,
                          policy=Policy(poll=0.01)):
            asked = [fake.message(seed_text("000")) for _ in range(4)]
            for message in asked:
                await fake.dispatch("MESSAGE_CREATE", message)
            for message in asked:
                await fake.wait_for(lambda _, m=message: len(fake.posts(int(m["id"]))) >= 3)
            await settled(bot)
    for message in asked:
        posts = fake.posts(int(message["id"]))
        assert len(posts) == 3
        assert len(pngs(posts)) == 1


async def test_a_long_rate_limit_is_rescheduled_not_an_error(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 429 asking for more than 30 s raises `RateLimited` (not an HTTPException): the
    delivery waits that long in the queue; no ERROR, no apology."""
    caplog.set_level(logging.WARNING)
    async with running_bot(fake, tmp_path / "bot.db") as bot:
        fake.fail_posts(429, after=1)
        asked = fake.message(seed_text("000"))
        await fake.dispatch("MESSAGE_CREATE", asked)
        await fake.wait_for(lambda _: len(fake.posts(int(asked["id"]), ok=False)) >= 2)
        store = bot.client.handler._service.store
        deadline = time.monotonic() + 10
        while bot.busy:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.02)
        (pending,) = await store.pending("discord")
        assert pending.parts_done == 1
        rows = await store.claim_delivery(owner="probe", platforms=("discord",), lease=1,
                                          now=time.time() + 30)
        assert rows is None  # not due before Retry-After (40 s) has passed
    assert len(fake.posts(int(asked["id"]))) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "went wrong" not in " ".join(c.content for c in fake.posts())
