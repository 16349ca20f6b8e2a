"""Forum channels listed in SOURCEBOUND_DISCORD_FORUMS: a new post (THREAD_CREATE plus the
starter message, in either order) is answered once, in the post's own thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.discord import DiscordAdapter
from tests.adapters.discord.conftest import running_bot
from tests.adapters.discord.support import assert_safe, pngs
from tests.adapters.discord.test_discord_delivery import settled
from tests.conftest import seed_text
from tests.fakes.discord_gateway import FakeDiscord


@pytest.fixture
async def forum_bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[DiscordAdapter]:
    forums = f"{fake.forum_id}, {fake.new_id()}"  # as the env var spells it
    async with running_bot(fake, tmp_path / "bot.db", discord_forums=forums) as adapter:
        yield adapter


async def test_a_new_forum_post_is_answered_in_its_thread(
    fake: FakeDiscord, forum_bot: DiscordAdapter
) -> None:
    thread, starter = fake.forum_post("Dehazing across cities", seed_text("000"))
    await fake.dispatch("THREAD_CREATE", thread)
    await fake.dispatch("MESSAGE_CREATE", starter)
    thread_id = int(thread["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
    await settled(forum_bot)

    posts = fake.posts(thread_id)
    assert len(posts) == 3 and len(fake.posts()) == 3  # once, though both events came
    assert not fake.calls_to(r"channels/\d+/messages/\d+/threads")  # the post is the thread
    assert len(pngs(posts)) == 1
    assert_safe(posts)

    # The post is the bot's to answer in: a follow-up needs no mention.
    follow_up = fake.message("What does MATEY add?", channel_id=thread_id, mention=False)
    await fake.dispatch("MESSAGE_CREATE", follow_up)
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 6)
    assert "MATEY" in fake.posts(thread_id)[3].content


async def test_a_starter_that_arrives_before_its_thread_is_answered_once(
    fake: FakeDiscord, forum_bot: DiscordAdapter
) -> None:
    thread, starter = fake.forum_post("Dehazing across cities", seed_text("000"))
    await fake.dispatch("MESSAGE_CREATE", starter)  # the channel is unknown yet
    await fake.dispatch("THREAD_CREATE", thread)
    thread_id = int(thread["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
    await settled(forum_bot)
    assert len(fake.posts()) == 3


async def test_posts_in_other_forums_are_left_alone(
    fake: FakeDiscord, forum_bot: DiscordAdapter
) -> None:
    thread, starter = fake.forum_post("Unrelated", seed_text("000"), forum_id=fake.new_id())
    await fake.dispatch("THREAD_CREATE", thread)
    await fake.dispatch("MESSAGE_CREATE", starter)
    mentioned = fake.message("What does MATEY add?", channel_id=fake.channel_id)
    await fake.dispatch("MESSAGE_CREATE", mentioned)  # a marker: handled after the post
    await fake.wait_for(lambda _: len(fake.posts(int(mentioned["id"]))) >= 1)
    await settled(forum_bot)
    assert fake.posts(int(thread["id"])) == []
