"""Delivery under trouble, without a restart: 429 storms, a 1 message/s per-channel limit, a
refused diagram upload (retried as its own step), bounded attempts ending in one note, and a
resumed delivery that finds its parts already in the thread (message metadata)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.adapters.slack.conftest import CHANNEL, SlackHarness, all_text, headers_of, running
from tests.conftest import seed_text
from tests.fakes.slack_api import FakeSlackApi

ANSWER_HEADERS = ["1/3 · Task", "2/3 · Workflow (input → model → output)", "3/3 · Links"]
FAST = {"retry_base_seconds": 0.05}


async def _delivered(slack: SlackHarness, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    store = slack.service.store
    while await store.queued() or await store.pending("slack") or slack.adapter.busy:
        assert time.monotonic() < deadline, "deliveries still pending"
        await asyncio.sleep(0.05)


async def test_a_429_storm_is_delivered_without_a_restart(api: FakeSlackApi, tmp_path: Path) -> None:
    # Three 429s in a row outlast slack-sdk's own retry; the worker retries later.
    api.rate_limit("chat.postMessage", retry_after=0, times=4)
    async with running(api, tmp_path / "db.sqlite", **FAST) as slack:
        await slack.event(slack.mention(seed_text("000")))
        await api.wait_for("chat.postMessage", count=7)
        await _delivered(slack)
        assert headers_of(slack.posted()) == ANSWER_HEADERS


async def test_a_per_channel_limit_delivers_every_part_once(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    api.channel_rate = 0.3
    async with running(api, tmp_path / "db.sqlite", **FAST) as slack:
        threads = [slack.next_ts() for _ in range(3)]
        for ts in threads:
            await slack.event(slack.mention(seed_text("000"), ts=ts))
        await api.wait_for("chat.postMessage", count=9, timeout=30)
        await _delivered(slack, timeout=30)
        assert api.called("chat.postMessage", ok=False)  # the limit did bite
        for ts in threads:
            assert headers_of(slack.posted(thread_ts=ts)) == ANSWER_HEADERS


async def test_a_refused_upload_is_retried_as_its_own_step(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    api.fail("files.completeUploadExternal", error="internal_error")
    async with running(api, tmp_path / "db.sqlite", **FAST) as slack:
        ts = slack.next_ts()
        await slack.event(slack.mention(seed_text("000"), ts=ts))
        await _delivered(slack)
        assert headers_of(slack.posted()) == ANSWER_HEADERS
        completes = api.called("files.completeUploadExternal")
        assert [c.ok for c in completes] == [False, True]
        files = [f for m in api.thread(CHANNEL, ts) for f in m["files"]]
        assert len(files) == 1


async def test_bounded_attempts_end_in_one_short_note(api: FakeSlackApi, tmp_path: Path) -> None:
    api.fail("chat.postMessage", error="fatal_error", after=1, times=3)
    async with running(api, tmp_path / "db.sqlite", delivery_attempts=3, **FAST) as slack:
        ts = slack.next_ts()
        await slack.event(slack.mention(seed_text("000"), ts=ts))
        await api.wait_for("chat.postMessage", count=5)
        await _delivered(slack)
        posted = slack.posted(thread_ts=ts)
        assert headers_of(posted)[:1] == ANSWER_HEADERS[:1]
        assert len(posted) == 2 and "could not be delivered" in all_text(posted[1])
        await api.settle(quiet=0.3)
        assert len(slack.posted()) == 2


async def test_a_resumed_delivery_skips_parts_already_in_the_thread(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    """Parts that landed but were never recorded (a crash between the post and the write)
    are found by their metadata and not posted again."""
    async with running(api, tmp_path / "db.sqlite", **FAST) as slack:
        ts = slack.next_ts()
        await slack.event(slack.mention(seed_text("000"), ts=ts))
        await _delivered(slack)
        (message,) = [m for m in api.thread(CHANNEL, ts) if m["metadata"]][:1]
        delivery_id = message["metadata"]["event_payload"]["delivery"]
        reply = await slack.service.store.claim_delivery(
            owner="x", platforms=("slack",), lease=1, now=time.time()
        )
        assert reply is None  # done deliveries are never claimed again
        done = await slack.service.store.delivery(delivery_id)
        assert done is not None
        resumed = done.model_copy(update={"parts_done": 0, "claims": 2})
        steps = await slack.adapter.courier.plan(resumed)
        before = len(slack.posted())
        for step in steps:
            await step()
        assert len(slack.posted()) == before
        assert len(api.called("files.completeUploadExternal")) == 1


async def test_a_database_busy_while_recording_keeps_the_question_and_says_so(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    import sqlite3

    from bot.engines import Progress, Solved
    from bot.service import Service
    from bot.settings import Limits
    from tests.history.support import FakeEngine

    reached, release = asyncio.Event(), asyncio.Event()

    class Gated(FakeEngine):
        async def solve(self, text: str, question: str | None, *, limits: Limits,
                        progress: Progress | None = None) -> Solved:
            reached.set()
            await release.wait()
            return await super().solve(text, question, limits=limits, progress=progress)

    db = tmp_path / "db.sqlite"
    async with running(api, db, lease_seconds=0.5, **FAST,
                       make_service=lambda store, limits: Service(
                           store=store, limits=limits, engine=Gated())) as slack:
        await slack.service.store.set_busy_timeout(100)
        ts = slack.next_ts()
        await slack.event(slack.mention("Which one?\n\nModel: A\nhttps://github.com/a/a", ts=ts))
        await asyncio.wait_for(reached.wait(), 10)
        # Another connection takes the database (waiting, off the loop, for a worker's
        # claim poll to finish first).
        other = sqlite3.connect(db, isolation_level=None, timeout=10, check_same_thread=False)
        await asyncio.to_thread(other.execute, "BEGIN EXCLUSIVE")
        release.set()
        (note,) = await api.wait_for("chat.postMessage", count=1)
        assert "question is kept" in all_text(note)
        other.execute("ROLLBACK")
        other.close()
        await _delivered(slack)
        posted = slack.posted(thread_ts=ts)
        assert "question is kept" in all_text(posted[0])
        assert headers_of(posted[1:])[0].startswith("1/")
        assert sum("question is kept" in all_text(c) for c in posted) == 1
