"""The history schema, as an ordered list of migrations keyed by `PRAGMA user_version`.

Migration N (1-based) takes a database at version N-1 to version N. Each is a tuple of single
SQL statements rather than one script: `sqlite3.executescript` commits any open transaction
first, and a migration must run inside the caller's `BEGIN IMMEDIATE` so that two processes
opening a fresh file cannot both apply it. Never edit a released migration; append one.
"""

from __future__ import annotations

import aiosqlite

Migration = tuple[str, ...]

_V1: Migration = (
    """
    CREATE TABLE source_blocks (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,          -- sha256 of the text: one row per distinct block
        text TEXT NOT NULL,
        format TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        parsed TEXT NOT NULL DEFAULT '{}',  -- the parsed block as JSON, minus the text
        created_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE threads (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        workspace TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL,
        thread_key TEXT NOT NULL,
        source_id INTEGER REFERENCES source_blocks(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        UNIQUE (platform, workspace, channel, thread_key)
    )
    """,
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        source_id INTEGER REFERENCES source_blocks(id) ON DELETE SET NULL,
        event_id TEXT NOT NULL,
        text TEXT NOT NULL,
        asked_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL UNIQUE REFERENCES questions(id) ON DELETE CASCADE,
        answer TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL UNIQUE REFERENCES questions(id) ON DELETE CASCADE,
        platform TEXT NOT NULL,
        reply TEXT NOT NULL,                -- kind, problem, detail, reused_source as JSON
        place TEXT NOT NULL,                -- the Place as JSON: enough to post again
        parts_done INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE seen_events (
        key TEXT PRIMARY KEY,
        seen_at TEXT NOT NULL
    ) WITHOUT ROWID
    """,
)

# v2: adapters learn how many parts a reply renders to only when they post it, so the total
# is recorded with progress; plus the indexes that `pending`, `history` and pruning scan by.
_V2: Migration = (
    "ALTER TABLE deliveries ADD COLUMN parts_total INTEGER",
    "CREATE INDEX deliveries_pending ON deliveries (platform, status, id)",
    "CREATE INDEX questions_user ON questions (platform, user, asked_at)",
    "CREATE INDEX questions_thread ON questions (thread_id)",
    "CREATE INDEX seen_events_age ON seen_events (seen_at)",
)

# v3: the durable inbox. An accepted event is a `jobs` row (committed before the ack) until
# its answer is recorded; jobs and deliveries are claimed with an owner and a lease (one
# UPDATE … WHERE the claim is free or expired), and refused posts wait for `next_at`.
_V3: Migration = (
    """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        event_id TEXT NOT NULL,
        incoming TEXT NOT NULL,             -- the Incoming as JSON: all that answering needs
        owner TEXT,                         -- who claimed it; NULL when free
        lease_until REAL NOT NULL DEFAULT 0,  -- unix seconds; an expired lease is free again
        claims INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX jobs_due ON jobs (platform, next_at, id)",
    "CREATE INDEX jobs_user ON jobs (platform, user)",
    "ALTER TABLE deliveries ADD COLUMN owner TEXT",
    "ALTER TABLE deliveries ADD COLUMN lease_until REAL NOT NULL DEFAULT 0",
    "ALTER TABLE deliveries ADD COLUMN claims INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE deliveries ADD COLUMN failures INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE deliveries ADD COLUMN next_at REAL NOT NULL DEFAULT 0",
    "ALTER TABLE deliveries ADD COLUMN event_id TEXT NOT NULL DEFAULT ''",
    # 'delivered', or 'gave_up' after the bounded attempts (status stays 'done' either way).
    "ALTER TABLE deliveries ADD COLUMN outcome TEXT",
    "CREATE INDEX questions_age ON questions (asked_at)",
    # Who pasted a block (as opposed to reusing the thread's): `forget` deletes those blocks
    # even from threads other people asked in.
    "ALTER TABLE questions ADD COLUMN pasted INTEGER NOT NULL DEFAULT 0",
    """
    UPDATE questions SET pasted = 1 WHERE source_id IS NOT NULL AND id IN
        (SELECT question_id FROM deliveries WHERE json_extract(reply, '$.reused_source') = 0)
    """,
)

# v4: feedback and edits. `feedback` keeps one row per click on an answer's 👍/👎 (a later
# click adds a row; the export shows every one); it hangs off the delivery it rates, so it
# goes when the answer is forgotten or pruned. `delivery_posts` records the platform id of each
# posted message (Slack ts, Discord message id) and `deliveries.message_key` the asking
# message, so an edit of that message can update the posted parts in place.
_V4: Migration = (
    """
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
        reason TEXT,
        created_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX feedback_delivery ON feedback (delivery_id, platform, user)",
    "CREATE INDEX feedback_user ON feedback (platform, user)",
    "CREATE INDEX feedback_age ON feedback (created_at)",
    """
    CREATE TABLE delivery_posts (
        delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,              -- 1-based step of the delivery that posted it
        message TEXT NOT NULL,              -- Slack ts / Discord message id
        PRIMARY KEY (delivery_id, step)
    ) WITHOUT ROWID
    """,
    "ALTER TABLE deliveries ADD COLUMN message_key TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX deliveries_message ON deliveries (platform, message_key)",
)

# v5: recording a posted part is ONE statement (the bot's most frequent write, once per part).
# `mark_delivered` sets `post_step`/`post_message` in the progress UPDATE and this trigger
# copies them into `delivery_posts` inside that same statement: progress and the post land
# together or not at all (what a SIGKILL between two statements could split), without the
# BEGIN/COMMIT round trips a two-statement transaction costs on aiosqlite's thread.
_V5: Migration = (
    "ALTER TABLE deliveries ADD COLUMN post_step INTEGER",
    "ALTER TABLE deliveries ADD COLUMN post_message TEXT",
    """
    CREATE TRIGGER deliveries_record_post AFTER UPDATE OF post_message ON deliveries
    WHEN NEW.post_message IS NOT NULL
    BEGIN
        INSERT INTO delivery_posts (delivery_id, step, message)
        VALUES (NEW.id, NEW.post_step, NEW.post_message)
        ON CONFLICT (delivery_id, step) DO UPDATE SET message = excluded.message;
    END
    """,
)

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _V4, _V5)
LATEST = len(MIGRATIONS)


async def user_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection, *, target: int = LATEST) -> int:
    """Bring `db` (opened with `isolation_level=None`) up to `target`; returns the version.

    Each step runs in its own immediate transaction and re-reads the version inside it, so a
    second process that waited on the lock sees the first one's work and skips it.
    """
    if not 0 <= target <= LATEST:
        raise ValueError(f"no schema version {target}; latest is {LATEST}")
    version = await user_version(db)
    while version < target:
        await db.execute("BEGIN IMMEDIATE")
        try:
            version = await user_version(db)
            if version < target:
                for statement in MIGRATIONS[version]:
                    await db.execute(statement)
                version += 1
                # user_version lives in the file header and commits with the transaction.
                await db.execute(f"PRAGMA user_version = {version}")
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
    return version
