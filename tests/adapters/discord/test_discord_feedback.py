"""👍/👎 on the last part of an answer: persistent `sourcebound:fb:` buttons, a click is
recorded in the shared feedback store and acknowledged to the clicker only; a 👎 can add a
reason through a small modal; a button posted before a restart still works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapters.discord import DiscordAdapter
from tests.adapters.discord.conftest import running_bot
from tests.conftest import seed_text
from tests.fakes.discord_gateway import Call, FakeDiscord

EPHEMERAL = 64


def _callbacks(fake: FakeDiscord, interaction: dict[str, Any]) -> list[Call]:
    return fake.calls_to(rf"interactions/{interaction['id']}/[^/]+/callback")


async def _answered(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Ask by mention; the thread's messages once all three parts are posted."""
    asked = fake.message(seed_text("000"))
    await fake.dispatch("MESSAGE_CREATE", asked)
    await fake.wait_for(lambda _: len(fake.posts(int(asked["id"]))) >= 3)
    return [m for m in fake.messages.values() if m["channel_id"] == asked["id"]]


async def _click(fake: FakeDiscord, message_id: int, custom_id: str) -> Call:
    click = fake.click(message_id, custom_id)
    await fake.dispatch("INTERACTION_CREATE", click)
    await fake.wait_for(lambda _: bool(_callbacks(fake, click)))
    (response,) = _callbacks(fake, click)
    return response


async def test_the_last_part_carries_the_buttons_and_a_click_is_recorded(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    task, workflow, links = await _answered(fake)
    assert not fake.buttons(int(task["id"])) and not fake.buttons(int(workflow["id"]))
    up, down = fake.buttons(int(links["id"]))
    (delivery,) = {b.split(":")[2] for b in (up, down)}
    assert up == f"sourcebound:fb:{delivery}:up" and down == f"sourcebound:fb:{delivery}:down"

    response = await _click(fake, int(links["id"]), up)
    assert response.json["type"] == 4  # answered within the click: no deferral needed
    assert response.json["data"]["flags"] & EPHEMERAL
    assert "👍 is recorded" in response.json["data"]["content"]
    (record,) = await bot.client.handler.service.feedback()
    assert (record.platform, record.rating, record.answer_id) == ("discord", "up", int(delivery))
    assert record.user == fake.human["id"] and "generalizable" in record.question


async def test_a_thumbs_down_can_add_a_reason_through_a_modal(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    *_, links = await _answered(fake)
    _, down = fake.buttons(int(links["id"]))
    response = await _click(fake, int(links["id"]), down)
    assert response.json["data"]["flags"] & EPHEMERAL
    assert "👎 is recorded" in response.json["data"]["content"]
    ack = fake.messages[fake.originals[f"token-{response.path.split('/')[1]}"]]
    (why,) = fake.buttons(int(ack["id"]))
    assert why.endswith(":why")

    opened = await _click(fake, int(ack["id"]), why)
    assert opened.json["type"] == 9  # MODAL
    submit = fake.modal_submit(opened.json["data"], "It missed the second paper.")
    await fake.dispatch("INTERACTION_CREATE", submit)
    await fake.wait_for(lambda _: bool(_callbacks(fake, submit)))
    (thanks,) = _callbacks(fake, submit)  # answered once
    assert thanks.json["data"]["flags"] & EPHEMERAL and "note is recorded" in str(thanks.json)
    (record,) = await bot.client.handler.service.feedback()
    assert record.rating == "down" and record.reason == "It missed the second paper."


async def test_a_reason_form_opened_before_a_restart_is_still_recorded(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    async with running_bot(fake, db):
        *_, links = await _answered(fake)
        _, down = fake.buttons(int(links["id"]))
        response = await _click(fake, int(links["id"]), down)
        ack = fake.messages[fake.originals[f"token-{response.path.split('/')[1]}"]]
        (why,) = fake.buttons(int(ack["id"]))
        opened = await _click(fake, int(ack["id"]), why)
    async with running_bot(fake, db) as bot:
        submit = fake.modal_submit(opened.json["data"], "Wrong task.")
        await fake.dispatch("INTERACTION_CREATE", submit)
        await fake.wait_for(lambda _: bool(_callbacks(fake, submit)))
        (record,) = await bot.client.handler.service.feedback()
    assert record.reason == "Wrong task."


async def test_a_button_from_before_a_restart_still_records(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    async with running_bot(fake, db):
        *_, links = await _answered(fake)
    up, _ = fake.buttons(int(links["id"]))
    async with running_bot(fake, db) as bot:  # a new process: no view of the old one
        response = await _click(fake, int(links["id"]), up)
        assert "👍 is recorded" in response.json["data"]["content"]
        (record,) = await bot.client.handler.service.feedback()
    assert record.rating == "up"


async def test_a_button_of_a_forgotten_answer_says_so(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    *_, links = await _answered(fake)
    up, _ = fake.buttons(int(links["id"]))
    await bot.client.handler.service.forget("discord", fake.human["id"])
    response = await _click(fake, int(links["id"]), up)
    assert response.json["data"]["flags"] & EPHEMERAL
    assert "no longer stored" in response.json["data"]["content"]
    assert await bot.client.handler.service.feedback() == []
