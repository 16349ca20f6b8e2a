""""Ask Sourcebound" on a message: the context menu opens the question modal, the submit is
acknowledged ephemerally and the answer goes in a thread started from the target message
(in a DM, in the DM), read from the message's text and text files only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from tests.adapters.discord.conftest import running_bot
from tests.adapters.discord.support import assert_safe, pngs
from tests.conftest import seed_text
from tests.fakes.discord_gateway import Call, FakeDiscord

MENU = "Ask Sourcebound"
EPHEMERAL = 64


def _callbacks(fake: FakeDiscord, interaction: dict[str, Any]) -> list[Call]:
    return fake.calls_to(rf"interactions/{interaction['id']}/[^/]+/callback")


async def _open_modal(fake: FakeDiscord, target: dict[str, Any]) -> dict[str, Any]:
    used = fake.message_command(MENU, target)
    await fake.dispatch("INTERACTION_CREATE", used)
    await fake.wait_for(lambda _: bool(_callbacks(fake, used)))
    (opened,) = _callbacks(fake, used)
    assert opened.json["type"] == 9  # MODAL
    return dict(opened.json["data"])


async def test_the_menu_is_registered_as_a_message_command(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    (menu,) = [c for c in fake.commands if c["name"] == MENU]
    assert menu["type"] == 3 and not menu.get("options")


async def test_context_menu_modal_submit_answers_in_a_thread_on_the_message(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    # Someone else's paste, no mention: the bot only reads it when asked to.
    target = fake.message(seed_text("000"), mention=False, author=fake.user(fake.new_id(), "pi"))
    modal = await _open_modal(fake, target)
    assert 1 <= len(modal["title"]) <= 45
    (label,) = modal["components"]
    assert label["component"]["required"] is False  # empty asks for an overview

    submit = fake.modal_submit(modal, "How does it generalize across cities?")
    await fake.dispatch("INTERACTION_CREATE", submit)
    thread_id = int(target["id"])  # a thread from the target message shares its id
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)

    (deferred,) = _callbacks(fake, submit)
    assert deferred.json["type"] == 5 and deferred.json["data"]["flags"] & EPHEMERAL
    (note,) = fake.calls_to(rf"webhooks/{fake.app_id}/{submit['token']}/messages/@original")
    assert "thread" in note.content
    (started,) = fake.calls_to(rf"channels/{fake.channel_id}/messages/{thread_id}/threads")
    assert "generalize across cities" in started.json["name"]
    posts = fake.posts(thread_id)
    assert len(posts) == 3 and len(fake.posts()) == 3
    assert "generalize across cities" in posts[0].content
    assert len(pngs(posts)) == 1
    assert "github.com/xiaojihh/cl_all-in-one" in posts[2].text()
    assert_safe([*posts, note])


async def test_an_empty_question_in_a_dm_gets_an_overview_in_the_dm(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    paste = fake.attachment("listing.md", seed_text("002").encode("utf-8"))
    image = fake.attachment("figure.png", b"\x89PNG....", content_type="image/png")
    target = fake.message("see the attached listing", dm=True, mention=False,
                          attachments=[paste, image])
    modal = await _open_modal(fake, target)
    submit = fake.modal_submit(modal, "")
    await fake.dispatch("INTERACTION_CREATE", submit)
    await fake.wait_for(lambda _: len(fake.posts(fake.dm_channel_id)) >= 3)

    assert not fake.calls_to(r"channels/\d+/messages/\d+/threads")
    assert fake.downloads == [paste["id"]]  # the image is not a source, and not refused
    first = fake.posts(fake.dm_channel_id)[0]
    assert "What are these sources about" in first.content
    assert_safe(fake.posts(fake.dm_channel_id))


async def test_a_message_with_nothing_to_read_is_explained_without_a_modal(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    image = fake.attachment("figure.png", b"\x89PNG....", content_type="image/png")
    target = fake.message("", mention=False, attachments=[image])
    used = fake.message_command(MENU, target)
    await fake.dispatch("INTERACTION_CREATE", used)
    await fake.wait_for(lambda _: bool(_callbacks(fake, used)))
    (reply,) = _callbacks(fake, used)
    assert reply.json["type"] == 4 and reply.json["data"]["flags"] & EPHEMERAL
    assert "nothing to answer from" in reply.json["data"]["content"]
    assert not fake.posts()


async def test_a_message_of_embeds_is_read_from_its_embeds(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    """E.g. another bot's post or a link preview: the text is in the embed."""
    target = fake.message("", mention=False, author=fake.user(fake.new_id(), "feed", bot=True))
    target["embeds"] = [{"type": "rich", "title": "Today's papers",
                         "description": seed_text("002")[:4000]}]
    modal = await _open_modal(fake, target)
    await fake.dispatch("INTERACTION_CREATE", fake.modal_submit(modal, ""))
    thread_id = int(target["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
    assert "github.com/" in fake.posts(thread_id)[2].text()  # links only the embed had


async def test_a_question_box_opened_before_a_restart_still_answers_in_the_message_thread(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """The box's custom_id names the message: the new process reads it again by its id."""
    target = fake.keep(fake.message(seed_text("000"), mention=False,
                                    author=fake.user(fake.new_id(), "pi")))
    async with running_bot(fake, tmp_path / "bot.db"):
        modal = await _open_modal(fake, target)
    assert modal["custom_id"] == f"sourcebound:ask:{target['channel_id']}:{target['id']}"

    async with running_bot(fake, tmp_path / "bot.db"):
        submit = fake.modal_submit(modal, "How does it generalize across cities?")
        await fake.dispatch("INTERACTION_CREATE", submit)
        thread_id = int(target["id"])
        await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
        (deferred,) = _callbacks(fake, submit)
        assert deferred.json["type"] == 5 and deferred.json["data"]["flags"] & EPHEMERAL

    assert fake.calls_to(rf"channels/{target['channel_id']}/messages/{target['id']}$")
    (started,) = fake.calls_to(rf"channels/{fake.channel_id}/messages/{thread_id}/threads")
    assert "generalize across cities" in started.json["name"]
    posts = fake.posts(thread_id)
    assert len(posts) == 3 and len(fake.posts()) == 3
    assert "generalize across cities" in posts[0].content
    assert "github.com/xiaojihh/cl_all-in-one" in posts[2].text()
    assert_safe(posts)


@pytest.mark.parametrize("held", ["deleted", "unreadable"])
async def test_a_box_submitted_after_a_restart_on_a_message_it_cannot_read_says_so(
    fake: FakeDiscord, tmp_path: Path, held: str
) -> None:
    target = fake.message(seed_text("000"), mention=False)
    if held == "unreadable":  # no Message Content intent: the read comes back empty
        fake.keep(target, content_intent=False)
    async with running_bot(fake, tmp_path / "bot.db"):
        modal = await _open_modal(fake, target)
    async with running_bot(fake, tmp_path / "bot.db"):
        submit = fake.modal_submit(modal, "What is this about?")
        await fake.dispatch("INTERACTION_CREATE", submit)
        await fake.wait_for(lambda _: bool(_callbacks(fake, submit)))
    (reply,) = _callbacks(fake, submit)
    assert reply.json["type"] == 4 and reply.json["data"]["flags"] & EPHEMERAL
    assert "could not read that message" in reply.json["data"]["content"]
    assert not fake.posts()


async def test_a_box_opened_in_a_dm_before_a_restart_answers_in_the_dm(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    target = fake.keep(fake.message(seed_text("000"), dm=True, mention=False))
    async with running_bot(fake, tmp_path / "bot.db"):
        modal = await _open_modal(fake, target)
    async with running_bot(fake, tmp_path / "bot.db"):
        submit = fake.in_dm(fake.modal_submit(modal, ""))
        await fake.dispatch("INTERACTION_CREATE", submit)
        await fake.wait_for(lambda _: len(fake.posts(fake.dm_channel_id)) >= 3)
    assert not fake.calls_to(r"channels/\d+/messages/\d+/threads")
    first = fake.posts(fake.dm_channel_id)[0]
    assert "What are these sources about" in first.content
    assert_safe(fake.posts(fake.dm_channel_id))
