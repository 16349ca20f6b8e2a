"""Which platform messages a delivery posted, and what a new event may refer back to.

`delivery_posts` keeps the message id (Slack ts, Discord message id) of each posted step, and
`deliveries.message_key` the asking message ("{channel}:{ts or id}"), so that an edit of the
asking message can be answered by updating those messages in place (a posted part is recorded
by the v5 trigger on `deliveries`, see `bot.history.migrations`). Plain `sqlite3` functions:
`HistoryStore` runs them on the database thread (`bot.history.hop`), inside a transaction
where they write.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.chat import Place


def latest_delivery(
    db: sqlite3.Connection, platform: str, message_key: str
) -> int | None:
    """The newest delivery that answered the message `message_key` (None: never answered)."""
    if not message_key:
        return None
    rows = db.execute(
        """SELECT id FROM deliveries WHERE platform = ? AND message_key = ?
           ORDER BY id DESC LIMIT 1""",
        (platform, message_key),
    ).fetchall()
    return int(rows[0][0]) if rows else None


def posted_messages(db: sqlite3.Connection, delivery_id: int) -> list[str]:
    """The messages `delivery_id` posted, in order (steps that post no message, like a file
    upload, are not recorded)."""
    rows = db.execute(
        "SELECT message FROM delivery_posts WHERE delivery_id = ? ORDER BY step", (delivery_id,)
    )
    return [str(row[0]) for row in rows]


def thread_known(db: sqlite3.Connection, place: Place) -> bool:
    """Whether the bot answered (or was asked) in `place`'s thread before. A question still
    queued counts: a follow-up typed while the first answer is being worked out is one."""
    key = (place.platform, place.workspace, place.channel, place.thread)
    rows = db.execute(
        """SELECT 1 FROM threads WHERE platform = ? AND workspace = ? AND channel = ?
           AND thread_key = ?
           UNION ALL
           SELECT 1 FROM jobs WHERE platform = ?
           AND json_extract(incoming, '$.place.workspace') = ?
           AND json_extract(incoming, '$.place.channel') = ?
           AND json_extract(incoming, '$.place.thread') = ?
           LIMIT 1""",
        key + key,
    ).fetchall()
    return bool(rows)


def workflow_of(db: sqlite3.Connection, delivery_id: int) -> Any:
    """The workflow (as JSON data) of the answer `delivery_id` delivered; None if none."""
    rows = db.execute(
        """SELECT a.answer FROM deliveries d JOIN answers a ON a.question_id = d.question_id
           WHERE d.id = ?""",
        (delivery_id,),
    ).fetchall()
    return json.loads(rows[0][0]).get("workflow") if rows else None


def supersede(db: sqlite3.Connection, delivery_id: int) -> bool:
    """An edit's answer replaces `delivery_id`: if it is still being posted, stop it (the
    worker posting it learns so from `mark_delivered`; nobody claims it again). True when it
    was still being posted."""
    cursor = db.execute(
        """UPDATE deliveries SET status = 'done', outcome = 'superseded', owner = NULL,
           lease_until = 0 WHERE id = ? AND status = 'pending'""",
        (delivery_id,),
    )
    return bool(cursor.rowcount)


def superseded(db: sqlite3.Connection, delivery_id: int) -> bool:
    rows = db.execute(
        "SELECT 1 FROM deliveries WHERE id = ? AND outcome = 'superseded'", (delivery_id,)
    ).fetchall()
    return bool(rows)
