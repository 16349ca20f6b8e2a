"""Delivery under trouble: 429 with Retry-After, a failed PNG upload, and a restart after a
failed delivery (the missing parts posted once, by the next adapter over the same file)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.adapters.slack.conftest import SlackHarness, headers_of, running
from tests.conftest import seed_text
from tests.fakes.slack_api import FakeSlackApi

ANSWER_HEADERS = ["1/3 · Task", "2/3 · Workflow (input → model → output)", "3/3 · Links"]


async def test_rate_limit_is_honoured_with_one_retry(slack: SlackHarness) -> None:
    slack.api.rate_limit("chat.postMessage", retry_after=1)
    await slack.event(slack.mention(seed_text("000")))
    await slack.api.wait_for("chat.postMessage", count=4)
    await slack.api.settle()
    calls = slack.api.called("chat.postMessage")
    assert [c.ok for c in calls] == [False, True, True, True]
    assert calls[1].at - calls[0].at >= 1.0  # waited for Retry-After
    assert headers_of(slack.posted()) == ANSWER_HEADERS


async def test_failed_upload_leaves_the_text_diagram(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    slack.api.fail("files.completeUploadExternal", error="internal_error")
    await slack.event(slack.mention(seed_text("000")))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()
    assert headers_of(slack.posted()) == ANSWER_HEADERS
    assert len(slack.api.called("files.completeUploadExternal")) == 1  # never retried whole
    assert "text diagram stands alone" in caplog.text
    assert await slack.service.pending("slack") == []


async def test_restart_redelivers_the_missing_parts_once(tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    async with FakeSlackApi() as api:
        api.fail("chat.postMessage", error="fatal_error", after=1, times=50)
        async with running(api, db) as first:
            ts = first.next_ts()
            await first.event(first.mention(seed_text("000"), ts=ts))
            await api.wait_for("chat.postMessage", count=2)
            await api.settle()
            assert headers_of(first.posted()) == ANSWER_HEADERS[:1]
            (pending,) = await first.service.pending("slack")
            assert pending.parts_done == 1

    async with FakeSlackApi() as api, running(api, db) as second:
        await api.wait_for("chat.postMessage", count=2)
        await api.settle()
        posted = second.posted()
        assert headers_of(posted) == ANSWER_HEADERS[1:]
        assert {c.params["thread_ts"] for c in posted} == {ts}
        assert await second.service.pending("slack") == []

    async with FakeSlackApi() as api, running(api, db):
        await api.settle(quiet=0.5)
        assert api.called("chat.postMessage") == []
