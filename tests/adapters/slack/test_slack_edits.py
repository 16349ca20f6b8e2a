"""Editing the asking message re-answers in place: `message_changed` -> chat.update of the
posted parts (their ts are in the deliveries table), nothing new posted. Through bolt's real
request handling, the real Service and SQLite, against the fake Web API."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bot.engines import ExtractiveEngine, Progress, Solved
from bot.service import Service
from bot.settings import Limits
from tests.adapters.slack.conftest import CHANNEL, SlackHarness, all_text, headers_of, running
from tests.adapters.slack.test_slack_answers import ANSWER_HEADERS, slackified
from tests.conftest import seed_text
from tests.fakes.slack_api import BOT_USER, TEAM, FakeSlackApi

QUESTION = "How does this model stay generalizable across environments and sensor types?"


def _now_ts(offset: float = 0.0) -> str:
    return f"{time.time() + offset:.6f}"


def _changed(ts: str, old: str, new: str, *, user: str = "UASKER",
             **message: Any) -> dict[str, Any]:
    edit_ts = _now_ts()
    return {
        "type": "message", "subtype": "message_changed", "hidden": True, "channel": CHANNEL,
        "channel_type": "channel", "ts": edit_ts, "event_ts": edit_ts,
        "message": {"type": "message", "user": user, "text": new, "ts": ts, "team": TEAM,
                    "edited": {"user": user, "ts": edit_ts}, **message},
        "previous_message": {"type": "message", "user": user, "text": old, "ts": ts},
    }


async def _asked(slack: SlackHarness, text: str, ts: str) -> None:
    await slack.event(slack.mention(text, ts=ts))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()


async def test_an_edit_updates_the_three_parts_in_place(slack: SlackHarness) -> None:
    ts = _now_ts(-3600)
    block = slackified(seed_text("000"))
    first = f"<@{BOT_USER}> {block}"
    await _asked(slack, block, ts)
    parts = [m["ts"] for m in slack.api.thread(CHANNEL, ts) if not m["files"]]
    assert len(parts) == 3

    edited = f"<@{BOT_USER}> Which paper explains robustness to sensor failure?\n\n{block}"
    status, _, _ = await slack.event(_changed(ts, first, edited))
    assert status == 200
    updates = await slack.api.wait_for("chat.update", count=3)
    await slack.api.settle()
    assert [u.params["ts"] for u in updates] == parts
    assert headers_of(updates) == ANSWER_HEADERS
    assert "Which paper explains robustness" in all_text(updates[0])
    assert len(slack.posted()) == 3  # nothing new posted
    # No post cleared the "is reading…" status: the edit's delivery clears it itself.
    assert slack.api.called("assistant.threads.setStatus")[-1].params["status"] == ""
    images = len(slack.api.called("files.completeUploadExternal"))
    assert images <= 2  # a new image only if the diagram changed
    texts = [m["text"] for m in slack.api.thread(CHANNEL, ts) if not m["files"]]
    assert "Which paper explains robustness" in texts[0]

    # A second edit rewrites the same messages again.
    again = f"<@{BOT_USER}> Which paper is about learned optimizers?\n\n{block}"
    await slack.event(_changed(ts, edited, again))
    updates = await slack.api.wait_for("chat.update", count=6)
    await slack.api.settle()
    assert [u.params["ts"] for u in updates[3:]] == parts
    assert len(slack.posted()) == 3
    images = len(slack.api.called("files.completeUploadExternal"))

    # An edit that leaves the question as it was (a trailing line) keeps the same diagram:
    # the parts are rewritten, no second image is uploaded.
    await slack.event(_changed(ts, again, again + "\n"))
    await slack.api.wait_for("chat.update", count=9)
    await slack.api.settle()
    assert len(slack.api.called("files.completeUploadExternal")) == images
    assert len(slack.posted()) == 3


async def test_edits_that_are_not_a_new_question_are_ignored(slack: SlackHarness) -> None:
    ts = _now_ts(-60)
    block = slackified(seed_text("000"))
    await _asked(slack, block, ts)
    before = len(slack.api.calls)
    text = f"<@{BOT_USER}> {block}"
    old_ts = "1600000000.000100"  # far more than a day ago
    for event in (
        _changed(ts, text, text, attachments=[{"title": "unfurl"}]),  # an unfurl, same text
        _changed(old_ts, "old question", "old question, edited"),
        _changed(_now_ts(-5), "never asked me", "never asked me, edited"),  # not answered
        _changed(ts, text, text + " more", user=BOT_USER),
    ):
        status, _, _ = await slack.event(event)
        assert status == 200
    await slack.api.settle(quiet=0.5)
    assert [c.method for c in slack.api.calls[before:]] == []


async def test_an_edit_that_becomes_a_problem_updates_the_first_part_and_removes_the_rest(
    slack: SlackHarness,
) -> None:
    ts = _now_ts(-60)
    block = slackified(seed_text("000"))
    await _asked(slack, block, ts)
    parts = [m["ts"] for m in slack.api.thread(CHANNEL, ts) if not m["files"]]
    await slack.event(_changed(ts, f"<@{BOT_USER}> {block}", f"<@{BOT_USER}> "))
    (update,) = await slack.api.wait_for("chat.update")
    deletes = await slack.api.wait_for("chat.delete", count=2)
    await slack.api.settle()
    assert update.params["ts"] == parts[0]
    assert [d.params["ts"] for d in deletes] == parts[1:]
    assert "Traceback" not in all_text(update)
    assert len(slack.posted()) == 3


async def test_an_edit_while_the_answer_is_still_being_posted_takes_it_over(
    api: FakeSlackApi, tmp_path: Path,
) -> None:
    # Part 2 of the first answer is refused (a 5xx, and slack-sdk's one retry): the delivery
    # waits for its backoff with part 1 posted when the edit arrives.
    api.fail("chat.postMessage", error="internal_error", status=500, times=2, after=1)
    async with running(api, tmp_path / "s.db", retry_base_seconds=30) as slack:
        ts = _now_ts(-60)
        block = slackified(seed_text("000"))
        await slack.event(slack.mention(block, ts=ts))
        await slack.api.wait_for("chat.postMessage", count=3)  # part 1, then the refusals
        await slack.api.settle()
        (first,) = slack.posted()

        await slack.event(_changed(ts, f"<@{BOT_USER}> {block}",
                                   f"<@{BOT_USER}> Which paper is about sensor failure?\n\n{block}"))
        (update,) = await slack.api.wait_for("chat.update")
        await slack.api.wait_for("chat.postMessage", count=5)
        await slack.api.settle(quiet=0.5)
        posted = slack.posted()
        assert len(posted) == 3  # old part 1 rewritten, parts 2 and 3 posted once
        assert headers_of([update, *posted[1:]]) == ANSWER_HEADERS
        assert "Which paper is about sensor failure" in all_text(update)
        assert first.params["text"] != update.params["text"]
        assert await slack.service.pending("slack") == []


async def test_an_edited_dm_question_is_rewritten_in_place_too(slack: SlackHarness) -> None:
    ts = _now_ts(-60)
    block = slackified(seed_text("000"))
    await slack.event(slack.dm(block, ts=ts))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()
    event = _changed(ts, block, f"Which paper is about learned optimizers?\n\n{block}")
    event.update(channel="D0DM", channel_type="im")
    await slack.event(event)
    updates = await slack.api.wait_for("chat.update", count=3)
    await slack.api.settle()
    assert {u.params["channel"] for u in updates} == {"D0DM"}
    assert "learned optimizers" in all_text(updates[0])
    assert len(slack.posted()) == 3


class _Gated:
    """The real engine, held at a gate: keeps both worker lanes busy so a job waits."""

    def __init__(self) -> None:
        self.inner = ExtractiveEngine()
        self.gate = asyncio.Event()
        self.started = 0

    def split(self, text: str) -> tuple[str | None, str]:
        return self.inner.split(text)

    async def solve(self, text: str, question: str | None, *, limits: Limits,
                    progress: Progress | None = None) -> Solved:
        self.started += 1
        await self.gate.wait()
        return await self.inner.solve(text, question, limits=limits, progress=progress)


async def test_an_edit_of_a_question_still_waiting_is_answered_as_edited(
    api: FakeSlackApi, tmp_path: Path,
) -> None:
    engine = _Gated()
    block = slackified(seed_text("000"))
    async with running(api, tmp_path / "s.db",
                       make_service=lambda store, limits: Service(
                           store=store, limits=limits, engine=engine)) as slack:
        for _ in range(2):  # both lanes busy
            await slack.event(slack.mention(block))
        while engine.started < 2:
            await asyncio.sleep(0.01)
        ts = _now_ts(-5)
        await slack.event(slack.mention(block, ts=ts))
        edited = f"<@{BOT_USER}> Which paper is about learned optimizers?\n\n{block}"
        assert (await slack.event(_changed(ts, f"<@{BOT_USER}> {block}", edited)))[0] == 200
        assert await slack.service.store.queued() == 3  # revised, not a job of its own
        engine.gate.set()
        await slack.api.wait_for("chat.postMessage", count=9)
        await slack.api.settle()
        posted = slack.posted(thread_ts=ts)
        assert headers_of(posted) == ANSWER_HEADERS
        assert "learned optimizers" in all_text(posted[0])
        assert slack.api.called("chat.update") == []


def _files(slack: SlackHarness, ts: str) -> list[str]:
    return [str(f["id"]) for m in slack.api.thread(CHANNEL, ts) for f in m["files"]]


async def _edited_to(slack: SlackHarness, ts: str, old: str, new: str, *, updates: int) -> None:
    await slack.event(_changed(ts, f"<@{BOT_USER}> {old}", f"<@{BOT_USER}> {new}"))
    await slack.api.wait_for("chat.update", count=updates)
    await slack.api.settle(quiet=0.5)


async def test_an_edit_that_redraws_the_diagram_removes_the_earlier_image(
    slack: SlackHarness,
) -> None:
    ts = _now_ts(-600)
    first = slackified(seed_text("000"))
    other = "What does the paper add?\n\n" + slackified(seed_text("001"))
    await _asked(slack, first, ts)
    await slack.api.wait_for("files.completeUploadExternal")
    await slack.api.settle()
    (old,) = _files(slack, ts)

    # Another source block: another workflow, so a new image, and the old one goes after it.
    await _edited_to(slack, ts, first, other, updates=3)
    (new,) = _files(slack, ts)
    assert new != old
    (delete,) = slack.api.called("files.delete")
    assert delete.params["file"] == old
    uploads = slack.api.called("files.completeUploadExternal")
    assert len(uploads) == 2 and uploads[-1].at < delete.at  # never a thread without one

    # The same diagram again (a trailing line): no upload, nothing removed ...
    await _edited_to(slack, ts, other, other + "\n", updates=6)
    assert _files(slack, ts) == [new] and len(slack.api.called("files.delete")) == 1
    # ... and the edit after it still knows which image is the thread's.
    await _edited_to(slack, ts, other + "\n", first, updates=9)
    (latest,) = _files(slack, ts)
    assert latest not in (old, new)
    assert [d.params["file"] for d in slack.api.called("files.delete")] == [old, new]
    assert len(slack.posted()) == 3


async def test_a_part_that_lands_while_an_edit_takes_over_is_removed(
    api: FakeSlackApi, tmp_path: Path,
) -> None:
    # Part 2 of the first answer is in the thread, but Slack's answer to it is still on the
    # way when the edit arrives: the old delivery is stopped, never hears the ts, and must
    # not leave that part beside the edit's answer.
    gate = api.hold("chat.postMessage", 2)
    try:
        async with running(api, tmp_path / "s.db") as slack:
            ts = _now_ts(-60)
            block = slackified(seed_text("000"))
            await slack.event(slack.mention(block, ts=ts))
            await slack.api.wait_for("chat.postMessage", count=2)
            orphan = slack.api.thread(CHANNEL, ts)[-1]["ts"]

            await slack.event(_changed(
                ts, f"<@{BOT_USER}> {block}",
                f"<@{BOT_USER}> Which paper is about sensor failure?\n\n{block}"))
            (delete,) = await slack.api.wait_for("chat.delete")
            await slack.api.wait_for("chat.postMessage", count=4)
            await slack.api.settle(quiet=0.5)
            assert delete.params["ts"] == orphan
            texts = [m for m in slack.api.thread(CHANNEL, ts) if not m["files"]]
            assert [m["metadata"]["event_payload"]["part"] for m in texts] == [1, 2, 3]
            assert orphan not in [m["ts"] for m in texts]
            assert "Which paper is about sensor failure" in all_text(
                slack.api.called("chat.update")[0])
            assert await slack.service.pending("slack") == []
    finally:
        gate.set()
