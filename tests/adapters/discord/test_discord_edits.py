"""Editing the asking message within 24 h re-answers it in place: the posted parts are
rewritten with `Message.edit` (PATCH), nothing new is posted; also after a restart, since
the message ids are in the database. Unfurls and stale edits change nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from adapters.discord import DiscordAdapter
from bot.chat import Place
from bot.history import HistoryStore, NewQuestion
from tests.adapters.discord.conftest import running_bot
from tests.adapters.discord.support import assert_safe
from tests.adapters.discord.test_discord_delivery import settled
from tests.conftest import seed_text
from tests.fakes.discord_gateway import EPOCH_MS, FakeDiscord

EDITED_QUESTION = "Which of the papers would help with night-time images?"


def _thread_messages(fake: FakeDiscord, asked: dict[str, Any]) -> list[dict[str, Any]]:
    # Copies: the fake edits its stored messages in place.
    return [dict(m) for m in fake.messages.values() if m["channel_id"] == asked["id"]]


async def _ask(fake: FakeDiscord, asked: dict[str, Any]) -> list[dict[str, Any]]:
    await fake.dispatch("MESSAGE_CREATE", asked)
    await fake.wait_for(lambda _: len(fake.posts(int(asked["id"]))) >= 3)
    return _thread_messages(fake, asked)


async def test_an_edit_rewrites_the_posted_parts_in_place_even_after_a_restart(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    asked = fake.message(seed_text("000"))
    async with running_bot(fake, db) as bot:
        before = await _ask(fake, asked)
        await settled(bot)
    old_buttons = fake.buttons(int(before[-1]["id"]))

    async with running_bot(fake, db) as bot:
        edited = fake.message_update(asked, f"{EDITED_QUESTION}\n\n{seed_text('000')}")
        await fake.dispatch("MESSAGE_UPDATE", edited)
        await fake.wait_for(lambda _: len(fake.edits(int(asked["id"]))) >= 3)
        await settled(bot)
        # Link previews resolving send the same edit again: answered once.
        await fake.dispatch("MESSAGE_UPDATE", {**edited, "embeds": []})
        await settled(bot)

    edits = fake.edits(int(asked["id"]))
    assert len(edits) == 3
    assert [c.path.rsplit("/", 1)[1] for c in edits] == [m["id"] for m in before]
    assert len(fake.posts()) == 3  # nothing new was posted
    assert "night-time images" in edits[0].content
    assert "night-time images" not in before[0]["content"]
    assert edits[1].files and edits[1].files[0].name.endswith(".png")
    assert_safe(edits)
    after = _thread_messages(fake, asked)
    new_buttons = fake.buttons(int(after[-1]["id"]))
    assert len(new_buttons) == 2 and new_buttons != old_buttons  # they rate the new answer


async def test_unfurls_and_edits_older_than_a_day_change_nothing(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asked = fake.message(seed_text("000"))
    await _ask(fake, asked)
    await settled(bot)
    await fake.dispatch("MESSAGE_UPDATE", {**asked, "embeds": []})  # no edited_timestamp

    two_days_ago = int(time.time() * 1000) - 2 * 86_400_000
    old = fake.message(seed_text("000"))
    old["id"] = str(((two_days_ago - EPOCH_MS) << 22) + 1)
    await _ask(fake, old)
    await settled(bot)
    await fake.dispatch("MESSAGE_UPDATE", fake.message_update(old, f"{EDITED_QUESTION}\n\n"
                                                                   f"{seed_text('000')}"))
    marker = fake.message("What does MATEY add?")
    await fake.dispatch("MESSAGE_CREATE", marker)  # handled after the updates
    await fake.wait_for(lambda _: len(fake.posts(int(marker["id"]))) >= 1)
    await settled(bot)
    assert fake.edits() == []
    assert len(fake.posts(int(asked["id"]))) == 3 and len(fake.posts(int(old["id"]))) == 3


async def test_editing_a_message_the_bot_never_answered_is_ignored(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    plain = fake.message("lunch at noon?", mention=False)
    await fake.dispatch("MESSAGE_CREATE", plain)
    await fake.dispatch("MESSAGE_UPDATE", fake.message_update(plain, seed_text("000")))
    marker = fake.message("What does MATEY add?")
    await fake.dispatch("MESSAGE_CREATE", marker)
    await fake.wait_for(lambda _: len(fake.posts(int(marker["id"]))) >= 1)
    await settled(bot)
    assert fake.posts() == fake.posts(int(marker["id"]))


async def test_an_edit_that_leaves_nothing_to_answer_replaces_the_answer_with_one_note(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asked = fake.message(seed_text("000"))
    before = await _ask(fake, asked)
    await settled(bot)
    await fake.dispatch("MESSAGE_UPDATE", fake.message_update(asked, ""))  # just the mention
    thread_id = int(asked["id"])
    await fake.wait_for(lambda _: len(fake.calls_to(rf"channels/{thread_id}/messages/\d+"))
                        >= 3)
    await settled(bot)
    (edit,) = fake.edits(thread_id)
    assert edit.path.endswith(before[0]["id"]) and "## 1/3" not in edit.content
    deleted = [c for c in fake.calls_to(rf"channels/{thread_id}/messages/\d+")
               if c.method == "DELETE"]
    assert [c.path.rsplit("/", 1)[1] for c in deleted] == [m["id"] for m in before[1:]]
    assert len(fake.posts()) == 3


async def test_an_edit_while_a_rate_limit_holds_the_first_answer_stops_that_answer(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    # Part 2 of the first answer meets a 429 (5 s): discord.py waits it out and would post
    # again. The edit arriving meanwhile takes over: the held part is never posted.
    fake.retry_after = 5.0  # long enough for the edit to be answered meanwhile
    asked = fake.message(seed_text("000"))
    thread_id = int(asked["id"])
    async with running_bot(fake, tmp_path / "bot.db") as bot:
        fake.fail_posts(429, after=1)
        await fake.dispatch("MESSAGE_CREATE", asked)
        await fake.wait_for(lambda _: len(fake.posts(thread_id, ok=False)) >= 1)
        fake.fail_posts(None)
        (first,) = _thread_messages(fake, asked)
        await fake.dispatch("MESSAGE_UPDATE", fake.message_update(
            asked, f"{EDITED_QUESTION}\n\n{seed_text('000')}"))
        await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)
        await settled(bot)  # also waits for the held post, had it gone on
        store = bot.client.handler._service.store
        assert await store.pending("discord") == []

    posts = fake.posts(thread_id)
    assert len(posts) == 3, [p.content[:40] for p in posts]  # old part 1, then parts 2 and 3
    # Part 1 is rewritten in place. On a loaded machine the held part may still get through
    # before the edit lands; the edit's answer then rewrites it too, never posts it twice.
    rewrites = fake.edits(thread_id)
    assert rewrites[0].path.endswith(first["id"])
    assert "night-time images" in rewrites[0].content
    assert [p.content.split("\n")[0] for p in posts[1:2]] == [
        "## 2/3 · Workflow (input → model → output)"]
    thread = _thread_messages(fake, asked)
    assert len(thread) == 3 and "night-time images" in thread[0]["content"]



def _deleted(fake: FakeDiscord, message_id: int) -> bool:
    return any(c.method == "DELETE" and c.path.endswith(f"/messages/{message_id}")
               and c.status < 300 for c in fake.calls)


async def test_a_part_still_in_flight_when_an_edit_takes_over_is_removed(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    # Part 2 of the first answer has reached Discord, but its answer is slow; the edit's
    # answer stops that step mid-request. The bot sees its post on the gateway (nonce
    # `sb{delivery}.2.0`) and removes it: the thread shows the edited answer only.
    fake.echo_posts = True
    asked = fake.message(seed_text("000"))
    thread_id = int(asked["id"])
    async with running_bot(fake, tmp_path / "bot.db") as bot:
        released = fake.hold_post(2)
        await fake.dispatch("MESSAGE_CREATE", asked)
        # Part 2 exists at Discord; its answer (and so its call record) is held.
        await fake.wait_for(lambda _: len(_thread_messages(fake, asked)) >= 2)
        first, stray = (int(m["id"]) for m in _thread_messages(fake, asked))
        await fake.dispatch("MESSAGE_UPDATE", fake.message_update(
            asked, f"{EDITED_QUESTION}\n\n{seed_text('000')}"))
        await fake.wait_for(lambda _: _deleted(fake, stray))
        released.set()
        await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 4)
        await settled(bot)

    thread = _thread_messages(fake, asked)
    assert len(thread) == 3, [m["content"][:40] for m in thread]
    assert int(thread[0]["id"]) == first and "night-time images" in thread[0]["content"]
    assert stray not in {int(m["id"]) for m in thread}
    assert [m["content"].split("\n")[0] for m in thread[1:2]] == [
        "## 2/3 · Workflow (input → model → output)"]


async def test_a_part_that_landed_as_another_process_took_the_answer_over_is_removed(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    # The step finished, but its record is refused: a process on the same database file
    # recorded an edit's answer meanwhile. What the step posted is known from its result.
    db = tmp_path / "bot.db"
    asked = fake.message(seed_text("000"))
    async with running_bot(fake, db) as bot:
        released = fake.hold_post(2)
        await fake.dispatch("MESSAGE_CREATE", asked)
        # Part 2 exists at Discord; its answer (and so its call record) is held.
        await fake.wait_for(lambda _: len(_thread_messages(fake, asked)) >= 2)
        first, stray = (int(m["id"]) for m in _thread_messages(fake, asked))
        async with HistoryStore.open(db) as elsewhere:
            edit = await elsewhere.record(NewQuestion(
                place=Place(platform="discord", workspace=str(fake.guild_id),
                            channel=asked["channel_id"], thread=asked["id"]),
                user=fake.human["id"], event_id=f"{asked['id']}.e1",
                dedupe_keys=(f"discord:{asked['id']}.e1",), question="", problem="no_question",
                message_key=f"{asked['channel_id']}:{asked['id']}",
                edits=True))
        assert edit is not None and edit.updates == [str(first)]
        released.set()
        await fake.wait_for(lambda _: _deleted(fake, stray))
        await settled(bot)

    assert stray not in fake.messages
    assert first in fake.messages  # the edit's own answer rewrites it
