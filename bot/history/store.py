"""`HistoryStore`: the aiosqlite database behind the inbox (jobs), history, follow-ups, dedupe
and the delivery queue (the claim/lease SQL is in `bot.history.queue`).

Two connections per store, WAL mode: aiosqlite's (on its thread) and, for the short
statements of every answer (claims, recording the answer, delivery progress), a plain
one on the event loop's thread that never waits for a lock nor checkpoints (`_run`). SQLite
allows one writer at a time; inside this process an `asyncio.Lock` serialises all use of
both (transactions from different coroutines would otherwise interleave), and every write
transaction is `BEGIN IMMEDIATE`, so a second process or store takes the write lock up front
and waits out `busy_timeout` (on aiosqlite's thread) instead of failing with SQLITE_BUSY
half-way through a read-then-write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import aiosqlite

from bot.chat import HistoryItem, Incoming, Place, Reply
from bot.errors import StoreError
from bot.history import feedback, hop, posts, queue
from bot.history.feedback import FeedbackRecord, Rating
from bot.history.migrations import migrate
from bot.history.queue import Job
from bot.history.record import Claim, Duplicate, NewQuestion, StoredSource, record
from bot.memo import model_json

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
KEEP_SEEN = timedelta(days=7)  # Slack retries for ~5 minutes; re-deliveries come later still
RETENTION = timedelta(days=90)  # SOURCEBOUND_RETENTION_DAYS
# In `mark_delivered`: this update posts the delivery's last part (SET sees the old row).
_COMPLETE = """COALESCE(:total, parts_total) IS NOT NULL
               AND MAX(parts_done, :done) >= COALESCE(:total, parts_total)"""
# One statement, so autocommit (no BEGIN/COMMIT); the post is copied into delivery_posts by
# the v5 trigger within it, atomically with the progress. The last part also settles the
# outcome and frees the claim (what `finish_delivery` would do one statement later).
_MARK_DELIVERED = f"""UPDATE deliveries SET
       parts_done = MAX(parts_done, :done),
       parts_total = COALESCE(:total, parts_total),
       status = CASE WHEN {_COMPLETE} THEN 'done' ELSE status END,
       outcome = CASE WHEN {_COMPLETE} THEN COALESCE(outcome, 'delivered') ELSE outcome END,
       owner = CASE WHEN {_COMPLETE} THEN NULL ELSE owner END,
       lease_until = CASE WHEN {_COMPLETE} THEN 0 ELSE lease_until END,
       updated_at = :now, post_step = :done, post_message = :posted
   WHERE id = :id AND outcome IS NOT 'superseded'"""
CHECKPOINT_WRITES = 200  # writes on the loop's connection between WAL checkpoints
T = TypeVar("T")


def _open_inline(path: Path | str) -> sqlite3.Connection | None:
    """The event loop's own connection to the file (see `HistoryStore._run`); None for an
    in-memory database, which a second connection would not share."""
    name = str(path)
    if name == ":memory:" or name.startswith("file:") or not name:
        return None
    inline = sqlite3.connect(name, isolation_level=None, timeout=0)
    try:
        inline.execute("PRAGMA synchronous = NORMAL")
        inline.execute("PRAGMA foreign_keys = ON")
        inline.execute("PRAGMA wal_autocheckpoint = 0")
    except BaseException:
        inline.close()
        raise
    return inline


_Arrival = tuple[Incoming, Sequence[str], "asyncio.Future[int | None]"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _ago(age: timedelta) -> str:
    return (datetime.now(UTC) - age).isoformat(timespec="microseconds")


async def _enable_wal(db: aiosqlite.Connection) -> None:
    # Switching a fresh file to WAL needs an exclusive lock and SQLite reports SQLITE_BUSY at
    # once, without the busy handler, while another connection opens the same file.
    deadline = asyncio.get_running_loop().time() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or asyncio.get_running_loop().time() > deadline:
                raise
        await asyncio.sleep(0.02)


class HistoryStore:
    def __init__(self, *, db: aiosqlite.Connection,
                 inline: sqlite3.Connection | None = None) -> None:
        self._db = db
        # The per-event statements run here, on the event loop's thread (`_run`).
        self._inline = inline
        self._inline_writes = 0
        self._checkpointing: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        # Events waiting for the next group commit (see `enqueue`).
        self._arrivals: list[_Arrival] = []
        self._committing: asyncio.Task[None] | None = None
        self._superseded: list[Callable[[int], None]] = []

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls, path: Path | str, *, keep_seen: timedelta = KEEP_SEEN,
        retention: timedelta | None = None,
    ) -> AsyncIterator[HistoryStore]:
        """Open (creating and migrating as needed) the database at `path`."""
        try:
            db = await aiosqlite.connect(str(path), isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the history database {path}: {exc}") from exc
        inline: sqlite3.Connection | None = None
        try:
            await cls._configure(db)
            inline = _open_inline(path)
            store = cls(db=db, inline=inline)
            await store._prune(keep_seen)
            if retention is not None:
                await store.prune(retention)
        except sqlite3.Error as exc:
            if inline is not None:
                inline.close()
            await db.close()
            raise StoreError(f"cannot prepare the history database {path}: {exc}") from exc
        except BaseException:
            if inline is not None:
                inline.close()
            await db.close()
            raise
        try:
            yield store
        finally:
            await store._stop_checkpoint()
            if inline is not None:
                inline.close()
            await db.close()

    async def set_busy_timeout(self, ms: int) -> None:
        """How long a write waits for another connection's lock before `StoreError`."""
        async with self._lock:
            await self._db.execute(f"PRAGMA busy_timeout = {int(ms)}")

    @staticmethod
    async def _configure(db: aiosqlite.Connection) -> None:
        await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await _enable_wal(db)
        # NORMAL survives process crashes (the failure we redeliver after), not power loss.
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await migrate(db)

    # -- transactions -------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"history database busy or failing: {exc}") from exc
            try:
                yield self._db
                await self._db.execute("COMMIT")
            except BaseException as exc:
                # Suppressed: if COMMIT already ran (cancelled while awaiting it) there is
                # nothing left to roll back.
                with contextlib.suppress(sqlite3.Error):
                    await self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"history write failed: {exc}") from exc
                raise

    @contextlib.asynccontextmanager
    async def _statement(self) -> AsyncIterator[aiosqlite.Connection]:
        """For a write of ONE statement: SQLite runs it as its own transaction (autocommit),
        so BEGIN and COMMIT, two round trips to the database thread each, are saved; this
        path runs four times per answered event. Under the lock, so the statement never
        lands inside another coroutine's open transaction on the shared connection."""
        async with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"history write failed: {exc}") from exc

    @contextlib.asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        # Under the lock too: on a shared connection a read between another coroutine's
        # statements would see its uncommitted rows.
        async with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"history read failed: {exc}") from exc

    async def _run(self, fn: hop.Sync[T]) -> T:
        """`fn(connection)`, a single statement or a whole `hop.transaction`, with the lock
        held by the caller: on the event loop's own connection, or on the database thread
        when another connection (another process) holds the write lock. (The inbox's group
        commit stays on the thread, see `_commit_arrivals`.)

        A trip to aiosqlite's thread (queue, wake-up, the loop's wake-up) cost more CPU than
        the short statements of an event, eight times per answered event. The loop's
        connection never waits for a lock (busy timeout 0): `SQLITE_BUSY` comes before
        anything is written (BEGIN IMMEDIATE, or the one statement), and then `fn` runs
        again on the thread, which waits out the busy timeout without blocking acks. It
        never checkpoints either (a checkpoint writes and syncs the database file):
        `_checkpoint` does that on the thread every `CHECKPOINT_WRITES` writes."""
        inline = self._inline
        if inline is None:
            return await hop.run(self._db, fn)
        changes = inline.total_changes
        try:
            result = fn(inline)
        except sqlite3.OperationalError as exc:
            if not hop.busy(exc):
                raise
            log.debug("database locked by another connection; waiting on its thread")
            return await hop.run(self._db, fn)
        if inline.total_changes != changes:
            self._inline_writes += 1
            if self._inline_writes >= CHECKPOINT_WRITES:
                self._inline_writes = 0
                self._checkpoint()
        return result

    def _checkpoint(self) -> None:
        if self._checkpointing is None or self._checkpointing.done():
            self._checkpointing = asyncio.create_task(self._checkpoint_now())

    async def _checkpoint_now(self) -> None:
        # PASSIVE: copies what no reader still needs and never waits for anyone; needs no
        # lock of ours (other statements go on meanwhile, on the loop's connection).
        try:
            # Read to the end: a statement left unfinished on the connection would make its
            # next COMMIT fail ("SQL statements in progress").
            await hop.run(self._db,
                          lambda c: c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall())
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint failed (retried after more writes): %s", exc)

    async def _stop_checkpoint(self) -> None:
        if self._checkpointing is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpointing
            self._checkpointing = None

    async def _prune(self, keep_seen: timedelta) -> None:
        cutoff = (datetime.now(UTC) - keep_seen).isoformat(timespec="microseconds")
        async with self._write() as db:
            cursor = await db.execute("DELETE FROM seen_events WHERE seen_at < ?", (cutoff,))
            if cursor.rowcount:
                log.debug("pruned %d dedupe keys older than %s", cursor.rowcount, keep_seen)

    # -- questions ----------------------------------------------------------------------------

    async def is_seen(self, keys: Sequence[str]) -> bool:
        if not keys:
            return False
        marks = ",".join("?" * len(keys))
        async with self._read() as db:
            rows = await db.execute_fetchall(
                f"SELECT 1 FROM seen_events WHERE key IN ({marks}) LIMIT 1", tuple(keys)
            )
        return bool(list(rows))

    async def thread_source(self, place: Place) -> StoredSource | None:
        """The source block last answered from in `place`'s thread, if any."""
        async with self._read():
            rows = await self._run(lambda db: db.execute(
                """SELECT s.text, s.format, s.title, s.parsed
                   FROM threads t JOIN source_blocks s ON s.id = t.source_id
                   WHERE t.platform = ? AND t.workspace = ? AND t.channel = ?
                     AND t.thread_key = ?""",
                (place.platform, place.workspace, place.channel, place.thread),
            ).fetchall())
        if not rows:
            return None
        text, fmt, title, parsed = rows[0]
        return StoredSource(text=text, format=fmt, title=title, parsed=parsed)

    async def record(self, new: NewQuestion, *, claim: Claim | None = None) -> Reply | None:
        """Claim the dedupe keys and store the question, its answer and a pending delivery,
        all in one transaction (see `bot.history.record` and `_run`).
        None when a key was already claimed (nothing is written). With `claim`, the job is
        deleted in the same transaction (None if it is not ours)."""
        now = _now()
        answer_json = model_json(new.answer) if new.answer is not None else None
        async with self._lock:
            try:
                done = await self._run(hop.transaction(
                    lambda db: record(db, new, claim, now=now, answer_json=answer_json)))
            except sqlite3.Error as exc:
                raise StoreError(f"history write failed: {exc}") from exc
        if isinstance(done, Duplicate):
            log.info("duplicate event %s (key %s): already handled", new.event_id, done.why)
            return None
        if done.stopped is not None:
            for listener in self._superseded:
                listener(done.stopped)
        return Reply.model_validate(
            {"delivery_id": done.delivery_id, "place": new.place, "answer": new.answer,
             "event_id": new.event_id, **done.reply}
        )

    # -- deliveries ---------------------------------------------------------------------------

    def on_superseded(self, listener: Callable[[int], None]) -> None:
        """Call `listener(delivery_id)` once an edit's answer, stored by this process, took
        over a delivery still being posted (a worker posting it stops at once)."""
        self._superseded.append(listener)

    async def mark_delivered(
        self, delivery_id: int, parts_done: int, parts_total: int | None = None,
        *, posted: str | None = None,
    ) -> bool:
        """Record progress (never backwards); once parts_done reaches the total the delivery
        is `done`, its outcome `delivered` and its claim free.
        `posted` is the message id step `parts_done` posted (kept for in-place edits).
        False when an edit's answer superseded this delivery: post nothing more of it."""
        args = {"done": parts_done, "total": parts_total, "now": _now(), "id": delivery_id,
                "posted": posted or None}

        def mark(db: sqlite3.Connection) -> int | None:
            """Rows updated; None when an edit's answer superseded the delivery."""
            cursor = db.execute(_MARK_DELIVERED, args)
            # Only a row not updated can have been superseded: the common path skips this.
            if cursor.rowcount == 0 and posts.superseded(db, delivery_id):
                return None
            return cursor.rowcount

        async with self._statement():
            updated = await self._run(mark)
        if updated is None:
            return False
        if updated == 0:
            # Forgotten (or never stored) while it was being posted: nothing to track.
            log.debug("delivery %d not found; progress not recorded", delivery_id)
        return True

    async def posted(self, delivery_id: int) -> list[str]:
        """The messages delivery `delivery_id` recorded as posted, in step order."""
        async with self._read():
            return await self._run(lambda c: posts.posted_messages(c, delivery_id))

    async def answered(self, platform: str, message_key: str) -> bool:
        """Whether the message `message_key` was answered (an edit of it re-answers)."""
        async with self._read():
            return await self._run(
                lambda c: posts.latest_delivery(c, platform, message_key) is not None)

    async def thread_known(self, place: Place) -> bool:
        async with self._read():
            return await self._run(lambda c: posts.thread_known(c, place))

    async def pending(self, platform: str, *, max_age: timedelta = KEEP_SEEN) -> list[Reply]:
        """Accepted replies not yet fully posted on `platform`, oldest first. Older ones are
        left alone: a week-old answer appearing in a thread helps nobody."""
        async with self._read() as db:
            return await queue.pending(db, platform, oldest=_ago(max_age))

    # -- the inbox and the delivery queue (see bot.history.queue) -----------------------------

    async def enqueue(self, incoming: Incoming, keys: Sequence[str]) -> int | None:
        """Commit `incoming` as a job (the adapter acks after this); None for a duplicate.

        Group commit: events arriving while a transaction runs are committed together in
        the next one (a duplicate undoes only its own keys). A burst of 50 events costs a few transactions instead of 50 queued ones, which is what
        keeps the ack fast."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._arrivals.append((incoming, keys, future))
        if self._committing is None or self._committing.done():
            self._committing = asyncio.create_task(self._commit_arrivals())
        return await asyncio.shield(future)

    async def _commit_arrivals(self) -> None:
        while self._arrivals:
            batch, self._arrivals = self._arrivals, []
            now = _now()

            def enqueue_all(db: sqlite3.Connection, batch: list[_Arrival] = batch,
                            now: str = now) -> list[int | None]:
                return [queue.enqueue(db, incoming, keys, now_iso=now)
                        for incoming, keys, _ in batch]

            try:
                async with self._lock:
                    try:
                        # On the thread, unlike the other per-event statements: the
                        # ack waits for this commit, and there it runs beside the loop,
                        # which parses the rest of a burst meanwhile (bigger batches).
                        results = await hop.run(self._db, hop.transaction(enqueue_all))
                    except sqlite3.Error as exc:
                        raise StoreError(f"history database busy or failing: {exc}") from exc
            except BaseException as exc:
                failure = exc if isinstance(exc, Exception) else StoreError("cancelled")
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_, _, future), job_id in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(job_id)

    async def claim_job(
        self, *, owner: str, platforms: Sequence[str], lease: float, now: float,
        job_id: int | None = None,
    ) -> Job | None:
        async with self._statement():  # one statement: see queue.claim_job
            return await self._run(lambda db: queue.claim_job(
                db, owner=owner, platforms=platforms, lease=lease, now=now, job_id=job_id))

    async def renew(self, table: str, row_id: int, *, owner: str, until: float) -> bool:
        async with self._statement():
            return await self._run(
                lambda db: queue.renew(db, table, row_id, owner=owner, until=until))

    async def release_job(
        self, job_id: int, *, owner: str, next_at: float, failed: bool = False
    ) -> None:
        async with self._statement():
            await self._run(lambda db: queue.release_job(
                db, job_id, owner=owner, next_at=next_at, failed=failed))

    async def revise_job(self, edit: Incoming, *, message_key: str, now: float) -> bool:
        async with self._write() as db:
            return await queue.revise_job(db, edit, message_key=message_key, now=now)

    async def update_job(self, job_id: int, incoming: Incoming, *, owner: str) -> None:
        async with self._write() as db:
            await queue.update_job(db, job_id, incoming, owner=owner)

    async def claim_delivery(
        self, *, owner: str, platforms: Sequence[str], lease: float, now: float,
        max_age: timedelta = KEEP_SEEN,
    ) -> Reply | None:
        # The claim is one statement (see queue.claim_delivery); the read after it is ours.
        oldest = _ago(max_age)
        async with self._statement():
            return await self._run(lambda db: queue.claim_delivery(
                db, owner=owner, platforms=platforms, lease=lease, now=now, oldest=oldest))

    async def delivery(self, delivery_id: int) -> Reply | None:
        async with self._read():
            return await self._run(lambda db: queue.delivery(db, delivery_id))

    async def delivery_refused(
        self, delivery_id: int, *, owner: str, delay: Callable[[int], float], now: float
    ) -> int:
        async with self._write() as db:
            return await queue.delivery_refused(
                db, delivery_id, owner=owner, delay=delay, now=now
            )

    async def finish_delivery(self, delivery_id: int, *, outcome: str) -> None:
        now = _now()
        async with self._statement():
            await self._run(lambda db: queue.finish_delivery(
                db, delivery_id, outcome=outcome, now_iso=now))

    async def free_claims(self, *, is_stale: Callable[[str], bool], now: float) -> int:
        async with self._write() as db:
            return await queue.free_claims(db, is_stale=is_stale, now=now)

    async def queued(self) -> int:
        """Jobs not answered yet (tests, the benchmark and shutdown logs)."""
        async with self._read() as db:
            rows = list(await db.execute_fetchall("SELECT COUNT(*) FROM jobs"))
        return int(rows[0][0])

    # -- per-user data ------------------------------------------------------------------------

    async def history(self, platform: str, user: str, limit: int) -> list[HistoryItem]:
        async with self._read() as db:
            rows = list(await db.execute_fetchall(
                """SELECT q.text, q.asked_at, d.place, COALESCE(s.title, '')
                   FROM questions q
                   JOIN deliveries d ON d.question_id = q.id
                   LEFT JOIN source_blocks s ON s.id = q.source_id
                   WHERE q.platform = ? AND q.user = ? AND q.text != ''
                   ORDER BY q.asked_at DESC, q.id DESC LIMIT ?""",
                (platform, user, limit),
            ))
        return [
            HistoryItem(
                question=text,
                asked_at=datetime.fromisoformat(asked_at),
                place=Place.model_validate_json(place),
                source_title=title,
            )
            for text, asked_at, place, title in rows
        ]

    async def forget(self, platform: str, user: str) -> int:
        """Delete everything that names `user` or holds their text: their questions (answers
        and deliveries cascade), their queued jobs, and every source block they pasted, also
        from threads other people asked in; then threads and blocks nobody references any
        more. Returns how many questions and queued jobs went."""
        async with self._write() as db:
            # A block someone else pasted too (the same text) is theirs as well: it stays.
            await db.execute(
                """DELETE FROM source_blocks WHERE id IN (SELECT source_id FROM questions
                       WHERE platform = :p AND user = :u AND pasted = 1)
                   AND NOT EXISTS (SELECT 1 FROM questions o WHERE o.source_id = source_blocks.id
                       AND o.pasted = 1 AND NOT (o.platform = :p AND o.user = :u))""",
                {"p": platform, "u": user},
            )
            cursor = await db.execute(
                "DELETE FROM questions WHERE platform = ? AND user = ?", (platform, user)
            )
            removed = cursor.rowcount
            cursor = await db.execute(
                "DELETE FROM jobs WHERE platform = ? AND user = ?", (platform, user)
            )
            removed += cursor.rowcount
            removed += await feedback.forget_user(db, platform, user)
            await self._drop_orphans(db)
        return removed

    # -- feedback (see bot.history.feedback) --------------------------------------------------

    async def record_feedback(
        self, *, delivery_id: int, platform: str, user: str, rating: Rating,
        reason: str | None = None,
    ) -> int | None:
        async with self._write() as db:
            return await feedback.record(
                db, delivery_id=delivery_id, platform=platform, user=user, rating=rating,
                reason=reason, now_iso=_now(),
            )

    async def feedback_reason(
        self, *, delivery_id: int, platform: str, user: str, reason: str
    ) -> bool:
        async with self._write() as db:
            return await feedback.set_reason(
                db, delivery_id=delivery_id, platform=platform, user=user, reason=reason
            )

    async def feedback(self, *, since: datetime | None = None) -> list[FeedbackRecord]:
        since_iso = since.astimezone(UTC).isoformat(timespec="microseconds") if since else ""
        async with self._read() as db:
            return await feedback.export(db, since_iso=since_iso)

    async def prune(self, retention: timedelta) -> int:
        """Delete questions (answers and deliveries cascade) and jobs older than `retention`,
        then the threads and source blocks nothing references any more."""
        cutoff = _ago(retention)
        async with self._write() as db:
            cursor = await db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,))
            removed = cursor.rowcount
            await db.execute("DELETE FROM jobs WHERE created_at < ?", (cutoff,))
            await self._drop_orphans(db)
        if removed:
            log.info("pruned %d questions older than %s", removed, retention)
        return removed

    @staticmethod
    async def _drop_orphans(db: aiosqlite.Connection) -> None:
        await db.execute(
            """DELETE FROM threads WHERE NOT EXISTS
               (SELECT 1 FROM questions q WHERE q.thread_id = threads.id)"""
        )
        await db.execute(
            """DELETE FROM source_blocks WHERE
               NOT EXISTS (SELECT 1 FROM threads t WHERE t.source_id = source_blocks.id)
               AND NOT EXISTS (SELECT 1 FROM questions q WHERE q.source_id = source_blocks.id)"""
        )

    async def counts(self) -> dict[str, int]:
        """Row counts per table (for tests, benchmarks and diagnostics)."""
        tables = ("threads", "source_blocks", "questions", "answers", "deliveries", "seen_events",
                  "jobs", "feedback")
        out: dict[str, int] = {}
        async with self._read() as db:
            for table in tables:
                rows = list(await db.execute_fetchall(f"SELECT COUNT(*) FROM {table}"))
                out[table] = int(rows[0][0])
        return out

