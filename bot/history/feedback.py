"""Feedback on answers: one `feedback` row per 👍/👎 click, and the export of them.

Every click is kept (a change of mind is a second row, not an update), so the export shows
what people did, in order; a 👎 reason given afterwards goes on that user's latest 👎 of the
answer. An answer is named by its delivery id (`answer_ref`, what the adapters put in the
button's value): a row hangs off that delivery and so goes with it when the answer is
forgotten or pruned. The functions run inside a `HistoryStore` transaction, like
`bot.history.queue`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

import aiosqlite
from pydantic import BaseModel, ConfigDict

Rating = Literal["up", "down"]
RATINGS: tuple[Rating, ...] = ("up", "down")
REASON_CHARS = 2_000


class FeedbackRecord(BaseModel):
    """One click, as `sourcebound feedback` exports it."""

    model_config = ConfigDict(extra="forbid")

    id: int
    time: datetime
    platform: str
    user: str
    answer_id: int  # the delivery id the button carried
    rating: Rating
    reason: str | None = None
    question: str
    asker: str
    channel: str
    thread: str
    source_title: str = ""


def parse_ref(answer_ref: str) -> int | None:
    """The delivery id an adapter's `answer_ref` names; None for anything malformed (a
    forged or stale button value must not reach SQL as something else)."""
    text = answer_ref.strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


async def record(
    db: aiosqlite.Connection, *, delivery_id: int, platform: str, user: str, rating: Rating,
    reason: str | None, now_iso: str,
) -> int | None:
    """Insert one click; its id, or None when no such answer is stored (forgotten, pruned)."""
    rows = list(await db.execute_fetchall(
        "SELECT 1 FROM deliveries WHERE id = ? AND platform = ?", (delivery_id, platform)
    ))
    if not rows:
        return None
    cursor = await db.execute(
        """INSERT INTO feedback (delivery_id, platform, user, rating, reason, created_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (delivery_id, platform, user, rating, _clean(reason), now_iso),
    )
    return cursor.lastrowid


async def set_reason(
    db: aiosqlite.Connection, *, delivery_id: int, platform: str, user: str, reason: str,
) -> bool:
    """Put `reason` on `user`'s latest 👎 of the answer; False when there is none."""
    cursor = await db.execute(
        """UPDATE feedback SET reason = ? WHERE id = (
               SELECT id FROM feedback WHERE delivery_id = ? AND platform = ? AND user = ?
               AND rating = 'down' ORDER BY id DESC LIMIT 1)""",
        (_clean(reason), delivery_id, platform, user),
    )
    return cursor.rowcount > 0


async def forget_user(db: aiosqlite.Connection, platform: str, user: str) -> int:
    cursor = await db.execute(
        "DELETE FROM feedback WHERE platform = ? AND user = ?", (platform, user)
    )
    return cursor.rowcount


async def export(db: aiosqlite.Connection, *, since_iso: str = "") -> list[FeedbackRecord]:
    """Every click since `since_iso` (ISO time; "" for all), oldest first, with the question
    it rated and where it was asked."""
    rows = await db.execute_fetchall(
        """SELECT f.id, f.created_at, f.platform, f.user, f.delivery_id, f.rating, f.reason,
                  q.text, q.user, d.place, COALESCE(s.title, '')
           FROM feedback f
           JOIN deliveries d ON d.id = f.delivery_id
           JOIN questions q ON q.id = d.question_id
           LEFT JOIN source_blocks s ON s.id = q.source_id
           WHERE f.created_at >= ? ORDER BY f.created_at, f.id""",
        (since_iso,),
    )
    out: list[FeedbackRecord] = []
    for (fid, at, platform, user, delivery_id, rating, reason, question, asker, place,
         title) in rows:
        where = json.loads(place)
        out.append(FeedbackRecord(
            id=fid, time=datetime.fromisoformat(at), platform=platform, user=user,
            answer_id=delivery_id, rating=rating, reason=reason, question=question,
            asker=asker, channel=str(where.get("channel", "")),
            thread=str(where.get("thread", "")), source_title=title,
        ))
    return out


def _clean(reason: str | None) -> str | None:
    if reason is None or not reason.strip():
        return None
    return reason.strip()[:REASON_CHARS]
