"""HistoryStore against real aiosqlite files: pragmas, migrations, dedupe claims, pruning,
source deduplication and concurrent writers."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.chat import Place
from bot.history.migrations import LATEST, migrate, user_version
from bot.history.record import NewQuestion, StoredSource
from bot.history.store import HistoryStore
from tests.history.support import echo_answer

NOW = datetime.now(UTC).isoformat()
PLACE = Place(platform="slack", workspace="T1", channel="C1", thread="1.0")


def _new(n: int, *, place: Place = PLACE, source: str = "Model: A\nhttps://github.com/a/a",
         user: str = "U1") -> NewQuestion:
    return NewQuestion(
        place=place,
        user=user,
        event_id=f"E{n}",
        dedupe_keys=(f"slack:event:E{n}",),
        question=f"question {n}?",
        answer=echo_answer(source, f"question {n}?"),
        source=StoredSource(text=source, title="A"),
    )


async def test_open_creates_a_wal_database_at_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    async with HistoryStore.open(path) as store:
        assert await store.counts() == dict.fromkeys(
            ("threads", "source_blocks", "questions", "answers", "deliveries", "seen_events",
             "jobs", "feedback"), 0
        )
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST == 5


async def test_a_v1_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, target=1) == 1
        await db.execute(
            "INSERT INTO threads (platform, channel, thread_key, created_at)"
            " VALUES ('slack', 'C1', '1.0', '2024-01-01T00:00:00+00:00')"
        )
        await db.execute(
            "INSERT INTO questions (platform, user, thread_id, event_id, text, asked_at)"
            " VALUES ('slack', 'U1', 1, 'E0', 'old question?', '2024-01-01T00:00:00+00:00')"
        )
        await db.execute(
            "INSERT INTO deliveries (question_id, platform, reply, place, created_at, updated_at)"
            " VALUES (1, 'slack', ?, ?, ?, ?)",
            ('{"kind": "problem", "problem": "no_source", "detail": "", "reused_source": false}',
             PLACE.model_dump_json(), NOW, NOW),
        )
        with pytest.raises(sqlite3.OperationalError):
            await db.execute("SELECT parts_total FROM deliveries")

    async with HistoryStore.open(path) as store:
        (pending,) = await store.pending("slack")
        assert (pending.kind, pending.problem, pending.parts_done) == ("problem", "no_source", 0)
        await store.mark_delivered(pending.delivery_id, 1, 1)  # v2's parts_total column
        assert await store.pending("slack") == []
        (item,) = await store.history("slack", "U1", 5)
        assert item.question == "old question?"
    async with aiosqlite.connect(path) as db:
        assert await user_version(db) == LATEST


async def test_two_stores_opening_a_fresh_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "race.db"

    async def open_and_write(n: int) -> int | None:
        async with HistoryStore.open(path) as store:
            reply = await store.record(_new(n))
            return reply.delivery_id if reply else None

    ids = await asyncio.gather(*(open_and_write(n) for n in range(4)))
    assert sorted(i for i in ids if i is not None) == [1, 2, 3, 4]


async def test_a_claimed_key_refuses_the_second_record_and_writes_nothing(
    tmp_path: Path,
) -> None:
    async with HistoryStore.open(tmp_path / "h.db") as store:
        first = await store.record(_new(1))
        assert first is not None and first.kind == "answer"
        again = replace(_new(2), dedupe_keys=("slack:event:E2", "slack:event:E1"))
        assert await store.record(again) is None
        counts = await store.counts()
        assert counts["questions"] == 1 and counts["seen_events"] == 1  # E2 rolled back too
        assert await store.is_seen(["slack:event:E1"])
        assert not await store.is_seen(["slack:event:E2"])


async def test_old_dedupe_keys_are_pruned_on_open(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    async with HistoryStore.open(path) as store:
        await store.record(_new(1))
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO seen_events VALUES ('slack:event:OLD', '2000-01-01T00:00:00')")
    async with HistoryStore.open(path) as store:
        assert not await store.is_seen(["slack:event:OLD"])
        assert await store.is_seen(["slack:event:E1"])


async def test_the_same_source_text_is_stored_once(tmp_path: Path) -> None:
    async with HistoryStore.open(tmp_path / "h.db") as store:
        for n in range(3):
            place = PLACE.model_copy(update={"thread": f"{n}.0"})
            await store.record(_new(n, place=place))
        counts = await store.counts()
        assert (counts["questions"], counts["threads"], counts["source_blocks"]) == (3, 3, 1)
        stored = await store.thread_source(PLACE.model_copy(update={"thread": "2.0"}))
        assert stored is not None and stored.text.startswith("Model: A")


async def test_two_connections_write_concurrently_without_locking_errors(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.db"
    async with HistoryStore.open(path) as one, HistoryStore.open(path) as two:
        replies = await asyncio.gather(
            *((one if n % 2 else two).record(_new(n)) for n in range(200))
        )
        ids = [r.delivery_id for r in replies if r is not None]
        assert len(set(ids)) == 200
        await asyncio.gather(*((one if i % 2 else two).mark_delivered(i, 1, 1) for i in ids))
        assert (await two.counts())["questions"] == 200
        assert await one.pending("slack") == []
