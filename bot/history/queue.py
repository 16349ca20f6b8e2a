"""The durable inbox and the delivery queue: SQL for jobs and deliveries, claimed with leases.

Every function here runs inside a transaction `HistoryStore` opened (`BEGIN IMMEDIATE`), so a
claim is one `UPDATE … WHERE the claim is free or expired` that no other writer — in this
process or another one on the same file — can interleave with. Times are unix seconds (REAL):
leases are compared across processes, which share a clock, not an event loop.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.chat import Incoming, Place, Reply
from bot.models import Answer


@dataclass(frozen=True, slots=True)
class Job:
    """An accepted event waiting for its answer."""

    id: int
    incoming: Incoming
    claims: int  # including this one: above 1, an earlier attempt may have posted a note
    failures: int


def _marks(values: Sequence[str]) -> str:
    return ",".join("?" * len(values))


def enqueue(
    db: sqlite3.Connection, incoming: Incoming, keys: Sequence[str], *, now_iso: str
) -> int | None:
    """Claim the dedupe keys and insert the job; None (nothing written) for a duplicate.
    Plain `sqlite3`: the whole batch of arrivals runs on the database thread in one trip."""
    if keys:
        # All keys in one statement; RETURNING names the ones this event claimed, so a
        # duplicate undoes only its own.
        claimed = [str(row[0]) for row in db.execute(
            "INSERT INTO seen_events (key, seen_at) VALUES "
            + ",".join(["(?, ?)"] * len(keys))
            + " ON CONFLICT (key) DO NOTHING RETURNING key",
            tuple(value for key in keys for value in (key, now_iso)),
        ).fetchall()]
        if len(claimed) < len(keys):
            if claimed:  # cheaper than a savepoint per event in a batch
                db.execute(f"DELETE FROM seen_events WHERE key IN ({_marks(claimed)})",
                           tuple(claimed))
            return None
    cursor = db.execute(
        """INSERT INTO jobs (platform, user, event_id, incoming, created_at)
           VALUES (?, ?, ?, ?, ?)""",
        (incoming.place.platform, incoming.user, incoming.event_id,
         incoming.model_dump_json(), now_iso),
    )
    return cursor.lastrowid


def claim_job(
    db: sqlite3.Connection, *, owner: str, platforms: Sequence[str], lease: float, now: float,
    job_id: int | None = None,
) -> Job | None:
    """The oldest due job of `platforms` (or job `job_id`) that nobody holds, now ours.

    One statement (find, claim and read back with RETURNING), so it is atomic on its own and
    runs without BEGIN/COMMIT, on a path every lane takes for every event."""
    where = "id = ?" if job_id is not None else f"platform IN ({_marks(platforms)})"
    args: tuple[Any, ...] = (job_id,) if job_id is not None else tuple(platforms)
    rows = db.execute(
        f"""UPDATE jobs SET owner = ?, lease_until = ?, claims = claims + 1
            WHERE id = (SELECT id FROM jobs WHERE {where} AND next_at <= ?
                        AND (owner IS NULL OR lease_until < ?) ORDER BY id LIMIT 1)
            RETURNING id, incoming, claims, failures""",
        (owner, now + lease, *args, now, now),
    ).fetchall()
    if not rows:
        return None
    (row,) = rows
    return Job(id=int(row[0]), incoming=Incoming.model_validate_json(row[1]),
               claims=int(row[2]), failures=int(row[3]))


def renew(
    db: sqlite3.Connection, table: str, row_id: int, *, owner: str, until: float
) -> bool:
    """Extend our lease; False when the row is gone or someone else holds it now."""
    assert table in ("jobs", "deliveries")
    cursor = db.execute(
        f"UPDATE {table} SET lease_until = ? WHERE id = ? AND owner = ?", (until, row_id, owner)
    )
    return cursor.rowcount > 0


def release_job(
    db: sqlite3.Connection, job_id: int, *, owner: str, next_at: float, failed: bool
) -> None:
    db.execute(
        """UPDATE jobs SET owner = NULL, lease_until = 0, next_at = ?,
               failures = failures + ? WHERE id = ? AND owner = ?""",
        (next_at, 1 if failed else 0, job_id, owner),
    )


async def update_job(
    db: aiosqlite.Connection, job_id: int, incoming: Incoming, *, owner: str
) -> None:
    """Keep what answering learnt on the way (e.g. the anchor message a command posted)."""
    await db.execute(
        "UPDATE jobs SET incoming = ? WHERE id = ? AND owner = ?",
        (incoming.model_dump_json(), job_id, owner),
    )


async def revise_job(
    db: aiosqlite.Connection, edit: Incoming, *, message_key: str, now: float
) -> bool:
    """An edit of a question still waiting in the inbox: the waiting job takes the edited
    text and files (it keeps its own event id and keys). False when no unclaimed job asks
    from `message_key` (answered, being answered, or never asked)."""
    rows = list(await db.execute_fetchall(
        """SELECT id, incoming FROM jobs WHERE platform = ?
           AND json_extract(incoming, '$.message_key') = ?
           AND (owner IS NULL OR lease_until < ?)""",
        (edit.place.platform, message_key, now),
    ))
    for job_id, raw in rows:
        waiting = Incoming.model_validate_json(raw)
        revised = waiting.model_copy(update={
            "text": edit.text, "files": edit.files, "attachments": edit.attachments})
        await db.execute("UPDATE jobs SET incoming = ? WHERE id = ?",
                         (revised.model_dump_json(), job_id))
    return bool(rows)


def take_job(db: sqlite3.Connection, job_id: int, *, owner: str) -> bool:
    """Delete our job as its answer is recorded (same transaction); False if it is not ours
    any more (forgotten, or our lease ran out and another worker took it)."""
    cursor = db.execute("DELETE FROM jobs WHERE id = ? AND owner = ?", (job_id, owner))
    return cursor.rowcount > 0


_DELIVERY_COLUMNS = """d.id, d.reply, d.place, d.parts_done, a.answer, d.event_id, d.claims,
                       d.failures"""


def claim_delivery(
    db: sqlite3.Connection, *, owner: str, platforms: Sequence[str], lease: float, now: float,
    oldest: str,
) -> Reply | None:
    """The next due delivery nobody holds, now ours. The claim is one statement (atomic on
    its own, no BEGIN/COMMIT); lanes ask before every job, and usually nothing is due."""
    rows = db.execute(
        f"""UPDATE deliveries SET owner = ?, lease_until = ?, claims = claims + 1
            WHERE id = (SELECT id FROM deliveries WHERE platform IN ({_marks(platforms)})
                        AND status = 'pending' AND next_at <= ? AND created_at >= ?
                        AND (owner IS NULL OR lease_until < ?) ORDER BY next_at, id LIMIT 1)
            RETURNING id""",
        (owner, now + lease, *platforms, now, oldest, now),
    ).fetchall()
    if not rows:
        return None
    return delivery(db, int(rows[0][0]))


def delivery(db: sqlite3.Connection, delivery_id: int) -> Reply | None:
    rows = db.execute(
        f"""SELECT {_DELIVERY_COLUMNS} FROM deliveries d
            LEFT JOIN answers a ON a.question_id = d.question_id WHERE d.id = ?""",
        (delivery_id,),
    ).fetchall()
    return reply_from_row(rows[0]) if rows else None


async def pending(db: aiosqlite.Connection, platform: str, *, oldest: str) -> list[Reply]:
    rows = await db.execute_fetchall(
        f"""SELECT {_DELIVERY_COLUMNS} FROM deliveries d
            LEFT JOIN answers a ON a.question_id = d.question_id
            WHERE d.platform = ? AND d.status = 'pending' AND d.created_at >= ?
            ORDER BY d.id""",
        (platform, oldest),
    )
    return [reply_from_row(row) for row in rows]


async def delivery_refused(
    db: aiosqlite.Connection, delivery_id: int, *, owner: str, delay: Callable[[int], float],
    now: float,
) -> int:
    """One more refusal: free the claim until `now + delay(refusals so far)`; returns the
    refusals so far."""
    rows = list(await db.execute_fetchall(
        "SELECT failures FROM deliveries WHERE id = ? AND owner = ?", (delivery_id, owner)
    ))
    if not rows:
        return 0
    failures = int(rows[0][0]) + 1
    await db.execute(
        """UPDATE deliveries SET owner = NULL, lease_until = 0, next_at = ?, failures = ?
           WHERE id = ?""",
        (now + delay(failures), failures, delivery_id),
    )
    return failures


def finish_delivery(
    db: sqlite3.Connection, delivery_id: int, *, outcome: str, now_iso: str
) -> None:
    db.execute(
        """UPDATE deliveries SET status = 'done', outcome = ?, owner = NULL, lease_until = 0,
               updated_at = ? WHERE id = ? AND outcome IS NOT 'superseded'""",
        (outcome, now_iso, delivery_id),
    )


async def free_claims(
    db: aiosqlite.Connection, *, is_stale: Callable[[str], bool], now: float
) -> int:
    """Free every live claim whose owner `is_stale` says is dead (e.g. a killed process on
    this host), so a restart resumes its work at once instead of waiting out the lease."""
    freed = 0
    for table in ("jobs", "deliveries"):
        owners = [str(r[0]) for r in await db.execute_fetchall(
            f"SELECT DISTINCT owner FROM {table} WHERE owner IS NOT NULL AND lease_until >= ?",
            (now,),
        )]
        for owner in filter(is_stale, owners):
            cursor = await db.execute(
                f"UPDATE {table} SET owner = NULL, lease_until = 0 WHERE owner = ?", (owner,)
            )
            freed += cursor.rowcount
    return freed


def reply_from_row(row: Any) -> Reply:
    delivery_id, reply, place, parts_done, answer, event_id, claims, _failures = row
    return Reply.model_validate(
        {
            **json.loads(reply),
            "delivery_id": delivery_id,
            "place": Place.model_validate_json(place),
            "answer": Answer.model_validate_json(answer) if answer else None,
            "parts_done": parts_done,
            "event_id": event_id,
            "claims": max(int(claims), 1),
        }
    )
