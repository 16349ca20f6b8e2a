"""What a delivery posted (message ids per step) and how an edit of the asking message finds
the answer to rewrite: through the real Service and SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.history.store import HistoryStore
from bot.service import Service
from bot.settings import Limits
from tests.history.support import FakeEngine, incoming

BLOCK = "Model: Alpha\nhttps://github.com/a/alpha"


async def test_an_edit_carries_the_earlier_answers_messages_and_a_second_edit_the_first(
    tmp_path: Path,
) -> None:
    async with HistoryStore.open(tmp_path / "h.db") as store:
        service = Service(store=store, limits=Limits(), engine=FakeEngine())
        first = await service.ask(incoming(f"What is Alpha?\n\n{BLOCK}", message="C1:5.0"))
        assert first is not None and first.updates == []
        assert await service.answered("slack", "C1:5.0")
        assert not await service.answered("slack", "C1:6.0")
        for step, ts in ((1, "10.1"), (2, "10.2"), (3, None), (4, "10.3")):
            await service.delivered(first.delivery_id, step, parts_total=4, posted=ts)

        edit = incoming(f"What is Alpha for?\n\n{BLOCK}", event="E2",
                        message="C1:5.0:edit:7.0").model_copy(update={"edits": "C1:5.0"})
        second = await service.ask(edit)
        assert second is not None and second.updates == ["10.1", "10.2", "10.3"]
        # Updated in place: the same messages, recorded again for the next edit.
        for step, ts in ((1, "10.1"), (2, "10.2"), (3, "10.3")):
            await service.delivered(second.delivery_id, step, parts_total=3, posted=ts)
        again = incoming(f"What is Alpha made of?\n\n{BLOCK}", event="E3",
                         message="C1:5.0:edit:8.0").model_copy(update={"edits": "C1:5.0"})
        third = await service.ask(again)
        assert third is not None and third.updates == ["10.1", "10.2", "10.3"]


async def test_thread_known_only_after_a_question_there(tmp_path: Path) -> None:
    async with HistoryStore.open(tmp_path / "h.db") as store:
        service = Service(store=store, limits=Limits(), engine=FakeEngine())
        asked = incoming(f"What is Alpha?\n\n{BLOCK}", thread="5.0")
        assert not await service.thread_known(asked.place)
        await service.accept(asked)  # queued, not answered yet: already the bot's thread
        assert await service.thread_known(asked.place)
        await service.resume("slack")
        assert await service.store.queued() == 0
        assert await service.thread_known(asked.place)
        other = asked.place.model_copy(update={"thread": "6.0"})
        assert not await service.thread_known(other)


async def test_a_part_and_its_message_are_recorded_together_and_the_last_settles_it(
    tmp_path: Path,
) -> None:
    async with HistoryStore.open(tmp_path / "h.db") as store:
        service = Service(store=store, limits=Limits(), engine=FakeEngine())
        first = await service.ask(incoming(f"What is Alpha?\n\n{BLOCK}", message="C1:5.0"))
        assert first is not None
        assert await service.delivered(first.delivery_id, 1, parts_total=3, posted="10.1")
        edit = incoming(f"What is Alpha for?\n\n{BLOCK}", event="E2",
                        message="C1:5.0:edit:7.0").model_copy(update={"edits": "C1:5.0"})
        second = await service.ask(edit)
        assert second is not None and second.updates == ["10.1"]
        # Superseded mid-delivery: the next part is neither counted nor its message kept.
        assert not await service.delivered(first.delivery_id, 2, parts_total=3, posted="10.2")
        assert await store.posted(first.delivery_id) == ["10.1"]
        assert await service.delivered(second.delivery_id, 1, parts_total=2, posted="10.1")
        assert await service.delivered(second.delivery_id, 2, parts_total=2, posted="20.2")
    with sqlite3.connect(tmp_path / "h.db") as raw:
        rows = raw.execute(
            "SELECT id, status, outcome, owner, parts_done FROM deliveries ORDER BY id"
        ).fetchall()
        posts = raw.execute("SELECT delivery_id, step, message FROM delivery_posts"
                            " ORDER BY delivery_id, step").fetchall()
    assert rows == [(first.delivery_id, "done", "superseded", None, 1),
                    (second.delivery_id, "done", "delivered", None, 2)]
    assert posts == [(first.delivery_id, 1, "10.1"), (second.delivery_id, 1, "10.1"),
                     (second.delivery_id, 2, "20.2")]
