"""`/ask` (deferred within the deadline, then follow-ups), the paste modal, `/history`,
`/forget` and `/help`, dispatched as INTERACTION_CREATE to discord.py's real command tree."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import adapters.discord.adapter as discord_adapter
from adapters.discord import DiscordAdapter
from bot.chat import Reply
from bot.history.queue import Job
from bot.service import Service
from tests.adapters.discord.conftest import running_bot
from tests.adapters.discord.support import PNG_MAGIC, assert_safe, pngs
from tests.adapters.discord.test_discord_delivery import settled
from tests.conftest import seed_text
from tests.fakes.discord_gateway import LOADING, Call, FakeDiscord

DEADLINE = 3.0  # Discord drops an interaction not answered within 3 s
EPHEMERAL = 64


def _callbacks(fake: FakeDiscord, interaction: dict[str, object]) -> list[Call]:
    return fake.calls_to(rf"interactions/{interaction['id']}/[^/]+/callback")


def _followups(fake: FakeDiscord, interaction: dict[str, object]) -> list[Call]:
    return [c for c in fake.calls_to(rf"webhooks/{fake.app_id}/{interaction['token']}")
            if c.status < 300]


def _original_edits(fake: FakeDiscord, interaction: dict[str, object]) -> list[Call]:
    path = rf"webhooks/{fake.app_id}/{interaction['token']}/messages/@original"
    return [c for c in fake.calls_to(path) if c.method == "PATCH"]


def assert_nonces(posts: list[Call]) -> None:
    """Channel posts a retry can repeat without a second message (`enforce_nonce`)."""
    assert posts
    for post in posts:
        assert post.json["nonce"] and post.json["enforce_nonce"] is True, post.json


def _dispatched_at(fake: FakeDiscord) -> float:
    return [at for event, at in fake.dispatched if event == "INTERACTION_CREATE"][-1]


async def test_ask_in_a_channel_answers_in_a_thread_started_from_its_response(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    attachment = fake.attachment("sources.md", seed_text("000").encode("utf-8"))
    interaction = fake.command(
        "ask", {"question": "How does it generalize across cities?", "file": attachment},
        attachments=[attachment],
    )
    await fake.dispatch("INTERACTION_CREATE", interaction)
    response_id = await _response_id(fake, interaction)
    await fake.wait_for(lambda _: len(fake.posts(response_id)) >= 3)

    (callback,) = _callbacks(fake, interaction)
    assert callback.json["type"] == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "thinking…"
    assert callback.at - _dispatched_at(fake) < DEADLINE
    (note,) = _original_edits(fake, interaction)  # "thinking…" becomes the thread's anchor
    assert "generalize across cities" in note.content and "thread" in note.content
    (started,) = fake.calls_to(rf"channels/{fake.channel_id}/messages/{response_id}/threads")
    assert note.at < started.at
    posts = fake.posts(response_id)  # the thread's id is its starter message's id
    assert len(posts) == 3 and len(fake.posts()) == 3  # nothing else, nothing in the channel
    assert not [c for c in _followups(fake, interaction) if c.method == "POST"]
    assert "generalize across cities" in posts[0].content
    (png,) = pngs(posts)
    assert png.startswith(PNG_MAGIC)
    assert "github.com/xiaojihh/cl_all-in-one" in posts[2].text()
    assert_safe([*posts, note])
    assert_nonces(posts)
    assert fake.downloads == [attachment["id"]]


async def _response_id(fake: FakeDiscord, interaction: dict[str, object]) -> int:
    token = str(interaction["token"])
    await fake.wait_for(lambda _: token in fake.originals)
    return fake.originals[token]


async def test_ask_without_a_source_opens_the_paste_modal(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    interaction = fake.command("ask", {"question": "How does it generalize across cities?"})
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.wait_for(lambda _: bool(_callbacks(fake, interaction)))
    (opened,) = _callbacks(fake, interaction)
    assert opened.json["type"] == 9  # MODAL
    modal = opened.json["data"]
    assert 1 <= len(modal["title"]) <= 45
    (label,) = modal["components"]
    field = label["component"]
    assert field["style"] == 2 and field["max_length"] == 4000  # paragraph, Discord's cap

    submit = fake.modal_submit(modal, seed_text("000"))
    await fake.dispatch("INTERACTION_CREATE", submit)
    response_id = await _response_id(fake, submit)
    await fake.wait_for(lambda _: len(fake.posts(response_id)) >= 3)
    (deferred,) = _callbacks(fake, submit)
    assert deferred.json["type"] == 5
    posts = fake.posts(response_id)
    assert len(posts) == 3
    assert "generalize across cities" in posts[0].content
    assert len(pngs(posts)) == 1
    assert_safe(posts)


async def test_ask_in_the_bots_thread_reuses_its_source_without_a_modal(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asked = fake.message(seed_text("000"))
    await fake.dispatch("MESSAGE_CREATE", asked)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)

    interaction = fake.command("ask", {"question": "What does MATEY add?"}, channel_id=thread_id)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 5)
    (callback,) = _callbacks(fake, interaction)
    assert callback.json["type"] == 5
    # Part 1 replaces "thinking…" (an edit a retry repeats harmlessly); 2 and 3 are posts
    # with nonces. No follow-up webhook post, which could not carry one.
    (first,) = _original_edits(fake, interaction)
    assert "earlier source block" in first.content
    assert len(fake.posts(thread_id)) == 5
    assert_nonces(fake.posts(thread_id)[3:])
    assert not [c for c in _followups(fake, interaction) if c.method == "POST"]


async def test_history_forget_and_help_are_ephemeral(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asked = fake.message(seed_text("000"))
    await fake.dispatch("MESSAGE_CREATE", asked)
    await fake.wait_for(lambda _: len(fake.posts(int(asked["id"]))) >= 3)

    async def run(name: str) -> Call:
        interaction = fake.command(name)
        await fake.dispatch("INTERACTION_CREATE", interaction)
        await fake.wait_for(lambda _: bool(_callbacks(fake, interaction)))
        (callback,) = _callbacks(fake, interaction)
        assert callback.json["type"] == 4
        assert callback.json["data"]["flags"] & EPHEMERAL
        assert callback.json["data"]["allowed_mentions"] == {"parse": []}
        return callback

    history = await run("history")
    assert "generalizable" in history.json["data"]["content"]
    forget = await run("forget")
    assert "deleted" in forget.json["data"]["content"]
    assert "no questions" in (await run("history")).json["data"]["content"]
    help_ = await run("help")
    assert "/ask" in help_.json["data"]["content"]
    assert "no mention needed" in help_.json["data"]["content"]


async def test_an_expired_interaction_token_still_answers_in_the_thread(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    fake.webhooks_expired = True  # e.g. an answer slower than the token's 15 minutes
    attachment = fake.attachment("sources.txt", seed_text("000").encode("utf-8"))
    interaction = fake.command("ask", {"question": "How does it generalize?", "file": attachment},
                               attachments=[attachment])
    await fake.dispatch("INTERACTION_CREATE", interaction)
    response_id = await _response_id(fake, interaction)
    await fake.wait_for(lambda _: len(fake.posts(response_id)) >= 3)
    assert len(_original_edits(fake, interaction)) == 1  # tried once, then not
    # The response is still the thread's note: edited with the bot token instead.
    (note,) = fake.edits(fake.channel_id)
    assert note.path.endswith(str(response_id)) and "thread" in note.content
    assert len(fake.posts(response_id)) == 3
    assert_safe([*fake.posts(response_id), note])


async def test_a_lost_response_to_an_interaction_answer_is_not_posted_twice(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """The issue-10 gap: follow-up webhooks take no nonce. Parts of an interaction's answer
    are channel posts with nonces now, so a part that landed while its response was lost
    is found again by its nonce when the worker retries, not created a second time."""
    async with running_bot(fake, tmp_path / "bot.db", retry_base_seconds=0.05) as bot:
        attachment = fake.attachment("sources.md", seed_text("000").encode("utf-8"))
        interaction = fake.command("ask", {"question": "How does it generalize?",
                                           "file": attachment}, attachments=[attachment])
        fake.lose_responses = 1  # part 1 lands, Discord's answer to it does not
        await fake.dispatch("INTERACTION_CREATE", interaction)
        response_id = await _response_id(fake, interaction)
        await fake.wait_for(lambda _: len(fake.posts(response_id)) >= 2)  # + the lost one
        await settled(bot)
    in_thread = [m for m in fake.messages.values() if m["channel_id"] == str(response_id)]
    assert len(in_thread) == 3  # task, workflow, links: once each
    tries = [c for c in fake.calls_to(rf"channels/{response_id}/messages") if c.method == "POST"]
    assert tries[0].status == 503 and tries[1].status == 208  # the retry found it by nonce


async def test_ask_in_a_dm_shows_part_one_in_place_of_thinking(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    attachment = fake.attachment("sources.md", seed_text("000").encode("utf-8"))
    interaction = fake.in_dm(fake.command(
        "ask", {"question": "How does it generalize across cities?", "file": attachment},
        attachments=[attachment]))
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.wait_for(lambda _: len(fake.posts(fake.dm_channel_id)) >= 2)
    (first,) = _original_edits(fake, interaction)
    assert first.content.startswith("## 1/3") and "generalize across cities" in first.content
    rest = fake.posts(fake.dm_channel_id)
    assert len(rest) == 2 and rest[1].embeds[0]["title"].startswith("3/3")
    assert_nonces(rest)
    assert not fake.calls_to(r"channels/\d+/messages/\d+/threads")


class HeldService(Service):
    """Answers nothing: the job stays claimed until shutdown cancels it (a restart then
    resumes it)."""

    started = asyncio.Event()

    async def answer_job(self, job: Job, **kwargs: Any) -> Reply | None:
        type(self).started.set()
        await asyncio.Event().wait()
        return None


async def test_after_a_restart_during_ask_in_a_channel_the_anchor_becomes_the_thread_note(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord_adapter, "SHUTDOWN_GRACE", 0.1)
    HeldService.started = asyncio.Event()
    db = tmp_path / "bot.db"
    attachment = fake.attachment("sources.md", seed_text("000").encode("utf-8"))
    interaction = fake.command("ask", {"question": "How does it generalize across cities?",
                                       "file": attachment}, attachments=[attachment])
    # One process in a test: the next start waits out the (short) lease instead of seeing a
    # dead owner.
    async with running_bot(fake, db, service_class=HeldService, lease_seconds=0.5):
        await fake.dispatch("INTERACTION_CREATE", interaction)
        response_id = await _response_id(fake, interaction)
        await asyncio.wait_for(HeldService.started.wait(), 10)
    assert fake.messages[response_id]["flags"] & LOADING  # still "thinking…"

    async with running_bot(fake, db, lease_seconds=0.5) as bot:
        await fake.wait_for(lambda _: len(fake.posts(response_id)) >= 3)
        await settled(bot)
    anchor = fake.messages[response_id]
    assert not anchor["flags"] & LOADING
    assert "generalize across cities" in anchor["content"] and "thread" in anchor["content"]
    (note,) = fake.edits(fake.channel_id)  # with the bot token: the old token died with bot 1
    (started,) = fake.calls_to(rf"channels/{fake.channel_id}/messages/{response_id}/threads")
    assert note.at < started.at
    assert len(fake.posts(response_id)) == 3 and len(fake.posts()) == 3
    assert_safe([*fake.posts(response_id), note])
