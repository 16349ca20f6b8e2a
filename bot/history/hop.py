"""A whole transaction in one trip to aiosqlite's database thread.

aiosqlite runs every call (`execute`, `fetchall`, `BEGIN`, `COMMIT` …) as its own job on the
connection's thread: a queue put, a thread wake-up and a wake-up of the event loop each. On
the per-event paths (enqueue, record) that was a dozen trips per answered event, costing more
CPU than the statements. `run` hands aiosqlite one plain function over the `sqlite3`
connection instead; `transaction` wraps such a function in `BEGIN IMMEDIATE` … `COMMIT`
(rolled back if it raises), still on that thread, so no other job of the connection can land
inside it.

`HistoryStore._run` runs the same plain functions on its event-loop connection first and
here only when another connection holds the write lock (`busy`).

aiosqlite has no public call for "run this on the connection's thread": `_execute` and `_conn`
are its own internals (stable since 0.17; pinned below 0.23 in pyproject.toml, and the
history tests run every path through here).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

import aiosqlite

T = TypeVar("T")

Sync = Callable[[sqlite3.Connection], T]


async def run(db: aiosqlite.Connection, fn: Sync[T]) -> T:
    """`fn(connection)` on the database thread (sqlite3 errors propagate)."""
    conn = db._conn  # see the module docstring
    execute: Callable[..., Awaitable[object]] = db._execute  # untyped in aiosqlite
    return cast(T, await execute(fn, conn))


def transaction(fn: Sync[T]) -> Sync[T]:
    """`fn` inside `BEGIN IMMEDIATE` … `COMMIT`; any exception rolls it back and propagates
    (`Rollback` carries a result out of a transaction that must leave no trace)."""
    def body(conn: sqlite3.Connection) -> T:
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
        except Rollback as undo:
            conn.execute("ROLLBACK")
            return cast(T, undo.result)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    return body


def busy(exc: sqlite3.OperationalError) -> bool:
    """Whether `exc` is SQLITE_BUSY/LOCKED: another connection holds a lock we need."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # not said (Python < 3.11): by its wording
        return "locked" in str(exc) or "busy" in str(exc)
    return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class Rollback(Exception):  # control flow, not an error
    """Raised inside a `transaction` to undo it and return `result` instead."""

    def __init__(self, result: object = None) -> None:
        super().__init__()
        self.result = result
