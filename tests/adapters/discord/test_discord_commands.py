"""`/ask` (deferred within the deadline, then follow-ups), the paste modal, `/history`,
`/forget` and `/help`, dispatched as INTERACTION_CREATE to discord.py's real command tree."""

from __future__ import annotations

from adapters.discord import DiscordAdapter
from tests.adapters.discord.support import PNG_MAGIC, assert_safe, pngs
from tests.conftest import seed_text
from tests.fakes.discord_gateway import Call, FakeDiscord

DEADLINE = 3.0  # Discord drops an interaction not answered within 3 s
EPHEMERAL = 64


def _callbacks(fake: FakeDiscord, interaction: dict[str, object]) -> list[Call]:
    return fake.calls_to(rf"interactions/{interaction['id']}/[^/]+/callback")


def _followups(fake: FakeDiscord, interaction: dict[str, object]) -> list[Call]:
    return [c for c in fake.calls_to(rf"webhooks/{fake.app_id}/{interaction['token']}")
            if c.status < 300]


def _dispatched_at(fake: FakeDiscord) -> float:
    return [at for event, at in fake.dispatched if event == "INTERACTION_CREATE"][-1]


async def test_ask_with_a_file_defers_then_follows_up_with_three_parts(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    attachment = fake.attachment("sources.md", seed_text("000").encode("utf-8"))
    interaction = fake.command(
        "ask", {"question": "How does it generalize across cities?", "file": attachment},
        attachments=[attachment],
    )
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.wait_for(lambda _: len(_followups(fake, interaction)) >= 3)

    (callback,) = _callbacks(fake, interaction)
    assert callback.json["type"] == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "thinking…"
    assert callback.at - _dispatched_at(fake) < DEADLINE
    followups = _followups(fake, interaction)
    assert len(followups) == 3
    assert all(callback.at < f.at for f in followups)
    assert "generalize across cities" in followups[0].content
    (png,) = pngs(followups)
    assert png.startswith(PNG_MAGIC)
    assert "github.com/xiaojihh/cl_all-in-one" in followups[2].text()
    assert_safe(followups)
    assert fake.downloads == [attachment["id"]]


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
    await fake.wait_for(lambda _: len(_followups(fake, submit)) >= 3)
    (deferred,) = _callbacks(fake, submit)
    assert deferred.json["type"] == 5
    followups = _followups(fake, submit)
    assert len(followups) == 3
    assert "generalize across cities" in followups[0].content
    assert len(pngs(followups)) == 1
    assert_safe(followups)


async def test_ask_in_the_bots_thread_reuses_its_source_without_a_modal(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asked = fake.message(seed_text("000"))
    await fake.dispatch("MESSAGE_CREATE", asked)
    thread_id = int(asked["id"])
    await fake.wait_for(lambda _: len(fake.posts(thread_id)) >= 3)

    interaction = fake.command("ask", {"question": "What does MATEY add?"}, channel_id=thread_id)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.wait_for(lambda _: len(_followups(fake, interaction)) >= 3)
    (callback,) = _callbacks(fake, interaction)
    assert callback.json["type"] == 5
    assert "earlier source block" in _followups(fake, interaction)[0].content


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


async def test_an_expired_interaction_token_falls_back_to_the_channel(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    fake.webhooks_expired = True  # e.g. an answer slower than the token's 15 minutes
    attachment = fake.attachment("sources.txt", seed_text("000").encode("utf-8"))
    interaction = fake.command("ask", {"question": "How does it generalize?", "file": attachment},
                               attachments=[attachment])
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.wait_for(lambda _: len(fake.posts(fake.channel_id)) >= 3)
    assert len(fake.calls_to(rf"webhooks/{fake.app_id}/[^/]+")) == 1  # tried once, then not
    assert len(fake.posts(fake.channel_id)) == 3
    assert_safe(fake.posts(fake.channel_id))
