"""A transaction run as one job on aiosqlite's thread: all or nothing, also when the caller
is cancelled while it runs."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from bot.history import hop


async def _rows(db: aiosqlite.Connection) -> list[int]:
    return [int(r[0]) for r in await db.execute_fetchall("SELECT n FROM t ORDER BY n")]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    async with aiosqlite.connect(str(tmp_path / "t.db"), isolation_level=None) as conn:
        await conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
        yield conn


async def test_a_transaction_commits_all_its_statements(db: aiosqlite.Connection) -> None:
    def body(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO t VALUES (1)")
        conn.execute("INSERT INTO t VALUES (2)")
        return threading.get_ident()

    ran_on = await hop.run(db, hop.transaction(body))
    assert ran_on != threading.get_ident()  # the database thread, not the event loop's
    assert await _rows(db) == [1, 2]


async def test_a_failing_statement_rolls_back_the_ones_before(db: aiosqlite.Connection) -> None:
    def body(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t VALUES (1)")
        conn.execute("INSERT INTO t VALUES (1)")  # primary key taken

    with pytest.raises(sqlite3.IntegrityError):
        await hop.run(db, hop.transaction(body))
    assert await _rows(db) == []
    assert not db.in_transaction


async def test_rollback_undoes_and_returns_its_result(db: aiosqlite.Connection) -> None:
    def body(conn: sqlite3.Connection) -> str:
        conn.execute("INSERT INTO t VALUES (3)")
        raise hop.Rollback("duplicate")

    assert await hop.run(db, hop.transaction(body)) == "duplicate"
    assert await _rows(db) == []


async def test_a_cancelled_caller_still_gets_the_whole_transaction(
    db: aiosqlite.Connection,
) -> None:
    started, release = threading.Event(), threading.Event()

    def body(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t VALUES (1)")
        started.set()
        release.wait(5)
        conn.execute("INSERT INTO t VALUES (2)")

    task = asyncio.create_task(hop.run(db, hop.transaction(body)))
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The job ran to its COMMIT on the database thread; the next call queues behind it.
    assert await _rows(db) == [1, 2]
