"""Mentions, thread follow-ups, long pastes and DMs through discord.py's real client."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord import DiscordAdapter
from tests.adapters.discord.support import PNG_MAGIC, assert_safe, pngs
from tests.conftest import seed_text
from tests.fakes.discord_gateway import FakeDiscord


async def _settled(bot: DiscordAdapter, timeout: float = 5.0) -> None:
    """Every accepted reply is fully posted (so no further post can follow). The fake sees a
    post before the adapter records it as delivered: poll for the record, with a deadline."""
    service = bot.client.handler._service
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await service.pending("discord") and loop.time() < deadline:
        await asyncio.sleep(0.02)
    assert await service.pending("discord") == []


async def test_mention_with_seed_000_answers_in_a_thread_from_the_message(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asked = fake.message(seed_text("000"))
    await fake.dispatch("MESSAGE_CREATE", asked)
    thread_id = asked["id"]
    await fake.wait_for(lambda _: len(fake.posts(int(thread_id))) >= 3)
    await _settled(bot)

    (start,) = fake.calls_to(r"channels/\d+/messages/\d+/threads")
    assert start.path == f"channels/{fake.channel_id}/messages/{thread_id}/threads"
    assert 1 <= len(start.json["name"]) <= 100
    assert "generalizable" in start.json["name"]
    replies = fake.posts(int(thread_id))
    assert len(replies) == 3
    assert fake.posts(fake.channel_id) == []  # nothing in the channel itself
    task, workflow, links = replies
    assert "1/3" in task.content and "generalizable" in task.content
    assert "2/3" in workflow.content and "```" in workflow.content
    assert "WeatherRemoval" in workflow.content
    assert links.embeds and "https://github.com/xiaojihh/cl_all-in-one" in links.text()
    assert "2402.18546" in links.text()
    (png,) = pngs(replies)
    assert png.startswith(PNG_MAGIC) and workflow.files
    assert_safe(replies)
    assert all(len(r.content) <= 2000 for r in replies)


async def test_follow_up_in_the_thread_reuses_the_source(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asked = fake.message(seed_text("000"))
    await fake.dispatch("MESSAGE_CREATE", asked)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)

    # No mention: the MESSAGE_CONTENT intent is on and the thread is the bot's.
    follow = fake.message("What does MATEY contribute here?", channel_id=thread_id, mention=False)
    await fake.dispatch("MESSAGE_CREATE", follow)
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 6)
    await _settled(bot)

    assert len(fake.calls_to(r"channels/\d+/messages/\d+/threads")) == 1
    task = fake.posts(thread_id)[3]
    assert "MATEY" in task.content
    assert "earlier source block" in task.content
    assert_safe(fake.posts(thread_id))


async def test_unmentioned_message_outside_threads_is_ignored(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    await fake.dispatch("MESSAGE_CREATE", fake.message(seed_text("000"), mention=False))
    marker = fake.message("", dm=True, mention=False)  # a DM is always answered
    await fake.dispatch("MESSAGE_CREATE", marker)
    await fake.wait_for(lambda _: len(fake.posts(fake.dm_channel_id)) >= 1)
    assert not fake.calls_to(r"channels/\d+/messages/\d+/threads")


async def test_long_paste_as_message_txt_is_answered(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    pasted = seed_text("000").encode("utf-8")
    attachment = fake.attachment("message.txt", pasted, content_type="text/plain; charset=utf-8")
    asked = fake.message("", attachments=[attachment])
    await fake.dispatch("MESSAGE_CREATE", asked)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
    await _settled(bot)
    replies = fake.posts(thread_id)
    assert len(replies) == 3
    assert "generalizable" in replies[0].content
    assert "github.com/xiaojihh/cl_all-in-one" in replies[2].text()
    assert fake.downloads == [attachment["id"]]


async def test_dm_is_answered_directly(fake: FakeDiscord, bot: DiscordAdapter) -> None:
    await fake.dispatch("MESSAGE_CREATE", fake.message(seed_text("000"), dm=True, mention=False))
    await fake.wait_for(lambda _: len(fake.posts(fake.dm_channel_id)) >= 3)
    await _settled(bot)
    assert len(fake.posts(fake.dm_channel_id)) == 3
    assert not fake.calls_to(r"channels/\d+/messages/\d+/threads")
    assert len(pngs(fake.posts(fake.dm_channel_id))) == 1
    assert_safe(fake.posts(fake.dm_channel_id))


@pytest.mark.parametrize(
    ("content", "attachment", "expected"),
    [
        ("", None, "I need a **question**"),
        ("Summarise this", ("message.txt", b"x" * 2_000_000, 2_000_000), "more than I read"),
        ("Summarise this", ("message.txt", b"\x89PNG\x00\x01\x02binary", None), "not text"),
    ],
    ids=["empty-mention", "oversize-attachment", "binary-attachment"],
)
async def test_bad_input_gets_one_helpful_reply(
    fake: FakeDiscord,
    bot: DiscordAdapter,
    content: str,
    attachment: tuple[str, bytes, int | None] | None,
    expected: str,
) -> None:
    attachments = []
    if attachment is not None:
        name, data, size = attachment
        attachments.append(fake.attachment(name, data, size=size))
    asked = fake.message(content, attachments=attachments)
    await fake.dispatch("MESSAGE_CREATE", asked)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 1)
    await _settled(bot)
    (reply,) = fake.posts(thread_id)
    assert expected in reply.content
    assert "Traceback" not in reply.content
    assert_safe([reply])
    if content and attachment and attachment[2]:
        assert fake.downloads == []  # refused from the reported size, never downloaded


async def test_pings_in_the_source_never_ping(fake: FakeDiscord, bot: DiscordAdapter) -> None:
    hostile = seed_text("000").replace(
        "WeatherRemoval-CLAIO-DeHaze",
        "WeatherRemoval-CLAIO-DeHaze @everyone <@123456789012345678> <@&456456456456456456> @here",
    ).replace("How does this model", "@everyone <@123456789012345678> How does this model")
    asked = fake.message(hostile)
    await fake.dispatch("MESSAGE_CREATE", asked)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
    await _settled(bot)
    replies = fake.posts(thread_id)
    assert_safe(replies)
    everything = "\n".join(r.text() for r in replies)
    assert "everyone" in everything  # shown, defanged, not dropped
    (start,) = fake.calls_to(r"channels/\d+/messages/\d+/threads")
    assert "@everyone" not in start.json["name"]
