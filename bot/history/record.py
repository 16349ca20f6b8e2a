"""Storing an answered (or refused) question: the dedupe keys, the source block, the thread,
the question, its answer and the pending delivery, as one transaction that `HistoryStore`
runs on the database thread in a single trip (`bot.history.hop`)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from bot.chat import Place
from bot.history import posts, queue
from bot.history.hop import Rollback
from bot.models import Answer


@dataclass(frozen=True, slots=True)
class StoredSource:
    """A source block as stored: the raw text plus what was parsed from it."""

    text: str
    format: str = ""
    title: str = ""
    parsed: str = "{}"  # JSON

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewQuestion:
    """Everything `record` stores for one accepted question, answered or refused."""

    place: Place
    user: str
    event_id: str
    dedupe_keys: tuple[str, ...]
    question: str
    answer: Answer | None = None
    source: StoredSource | None = None  # the block the answer came from (new or reused)
    problem: str | None = None
    detail: str = ""
    reused_source: bool = False
    message_key: str = ""  # the asking message (an edit: the message it edits)
    edits: bool = False  # answer an edit of `message_key`: rewrite its earlier answer


@dataclass(frozen=True, slots=True)
class Claim:
    """Record an answer for job `job_id` held by `owner`, and hand the new delivery to the
    same owner (leased until `lease_until`), so nobody else starts posting it meanwhile."""

    job_id: int
    owner: str
    lease_until: float


@dataclass(frozen=True, slots=True)
class Recorded:
    delivery_id: int
    reply: dict[str, object]  # the delivery's `reply` column, as data
    stopped: int | None  # an earlier delivery this edit's answer took over, still posting


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Nothing was stored: `why` (a dedupe key already claimed, or a job no longer ours)."""

    why: str


def record(db: sqlite3.Connection, new: NewQuestion, claim: Claim | None, *,
           now: str, answer_json: str | None) -> Recorded | Duplicate:
    """Inside a `hop.transaction`: raises `Rollback(Duplicate)` to leave no trace.
    `answer_json`: `new.answer` serialised beforehand, so the write lock is not held while
    a large answer is encoded."""
    if claim is not None and not queue.take_job(db, claim.job_id, owner=claim.owner):
        raise Rollback(Duplicate(f"job {claim.job_id}"))
    for key in new.dedupe_keys:
        cursor = db.execute(
            "INSERT INTO seen_events (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (key, now),
        )
        if cursor.rowcount == 0:
            raise Rollback(Duplicate(key))
    source_id = _source_id(db, new.source, now)
    # The thread adopts any source block it was given (answered or not: a block sent
    # without a question is answered by the next question in the thread).
    thread_id = _thread_id(db, new.place, source_id, now)
    cursor = db.execute(
        """INSERT INTO questions
           (platform, user, thread_id, source_id, event_id, text, asked_at, pasted)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (new.place.platform, new.user, thread_id, source_id, new.event_id, new.question, now,
         int(source_id is not None and not new.reused_source)),
    )
    question_id = cursor.lastrowid
    if answer_json is not None:
        db.execute("INSERT INTO answers (question_id, answer) VALUES (?, ?)",
                   (question_id, answer_json))
    reply: dict[str, object] = {
        "kind": "answer" if new.answer is not None else "problem",
        "problem": new.problem,
        "detail": new.detail,
        "reused_source": new.reused_source,
    }
    stopped: int | None = None
    if new.edits:
        earlier = posts.latest_delivery(db, new.place.platform, new.message_key)
        if earlier is not None:
            # Still being posted: this answer takes over (and posts the rest).
            if posts.supersede(db, earlier):
                stopped = earlier
            reply["updates"] = posts.posted_messages(db, earlier)
            # The same diagram needs no second image in the thread.
            before = posts.workflow_of(db, earlier)
            reply["redraw"] = new.answer is None or before != (
                new.answer.workflow.model_dump(mode="json"))
    cursor = db.execute(
        """INSERT INTO deliveries
           (question_id, platform, reply, place, created_at, updated_at, event_id,
            owner, lease_until, claims, message_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (question_id, new.place.platform, json.dumps(reply), new.place.model_dump_json(), now,
         now, new.event_id, claim.owner if claim else None,
         claim.lease_until if claim else 0, 1 if claim else 0, new.message_key),
    )
    assert cursor.lastrowid is not None
    return Recorded(delivery_id=cursor.lastrowid, reply=reply, stopped=stopped)


def _source_id(db: sqlite3.Connection, source: StoredSource | None, now: str) -> int | None:
    if source is None:
        return None
    digest = source.digest
    # Asked first: a block answered before (every repeat and follow-up) is found by its
    # hash. An upsert's no-op `DO UPDATE` rewrote the whole row (text and parse, ~10 KB of
    # WAL) on every answer. Inside the caller's write transaction, so nobody inserts between.
    found = db.execute("SELECT id FROM source_blocks WHERE hash = ?", (digest,)).fetchone()
    if found is not None:
        return int(found[0])
    cursor = db.execute(
        """INSERT INTO source_blocks (hash, text, format, title, parsed, created_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (digest, source.text, source.format, source.title, source.parsed, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _thread_id(db: sqlite3.Connection, place: Place, source_id: int | None, now: str) -> int:
    # A new block replaces the thread's source; a message without one leaves it.
    rows = db.execute(
        """INSERT INTO threads (platform, workspace, channel, thread_key, source_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (platform, workspace, channel, thread_key)
           DO UPDATE SET source_id = COALESCE(excluded.source_id, threads.source_id)
           RETURNING id""",
        (place.platform, place.workspace, place.channel, place.thread, source_id, now),
    ).fetchall()
    return int(rows[0][0])
