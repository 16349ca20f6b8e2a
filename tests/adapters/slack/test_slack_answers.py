"""End to end through bolt, the real Service and SQLite: mentions, follow-ups, DMs,
attachments, dedupe of re-delivered events, and the problem replies."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from adapters.slack.events import plain_text
from bot.service import Service
from tests.adapters.slack.conftest import CHANNEL, SlackHarness, all_text, headers_of, running
from tests.conftest import seed_text
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.history.support import FakeEngine

ANSWER_HEADERS = ["1/3 · Task", "2/3 · Workflow (input → model → output)", "3/3 · Links"]


def slackified(text: str) -> str:
    """What Slack sends for pasted text: &, <, > escaped and every URL wrapped in <…>."""
    import re

    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"(https?://[^\s<>]+)", r"<\1>", escaped)


async def test_mention_with_seed_000_gets_three_threaded_parts_and_one_png(
    slack: SlackHarness,
) -> None:
    ts = slack.next_ts()
    status, _, _ = await slack.event(slack.mention(slackified(seed_text("000")), ts=ts))
    assert status == 200
    await slack.api.wait_for("files.completeUploadExternal", count=1)
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()

    posted = slack.posted()
    assert len(posted) == 3
    assert headers_of(posted) == ANSWER_HEADERS
    assert all(c.params["thread_ts"] == ts and c.params["channel"] == CHANNEL for c in posted)
    assert "https://github.com/xiaojihh/cl_all-in-one" in all_text(posted[2])
    assert "2402.18546" in all_text(posted[2])

    methods = [c.method for c in slack.api.calls if c.method != "auth.test"]
    assert methods == ["assistant.threads.setStatus", "chat.postMessage", "chat.postMessage",
                       "files.getUploadURLExternal",
                       "upload", "files.completeUploadExternal", "chat.postMessage"]
    (status,) = slack.api.called("assistant.threads.setStatus")
    assert (status.params["thread_ts"], status.params["status"]) == (ts, "is reading 4 sources…")
    (upload,) = slack.api.called("upload")
    assert upload.body.startswith(b"\x89PNG")
    (complete,) = slack.api.called("files.completeUploadExternal")
    assert complete.params["thread_ts"] == ts
    assert complete.params["channel_id"] == CHANNEL
    assert await slack.service.pending("slack") == []


async def test_follow_up_in_the_thread_reuses_the_source(slack: SlackHarness) -> None:
    root = slack.next_ts()
    await slack.event(slack.mention(slackified(seed_text("000")), ts=root))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.event(
        slack.mention("Which paper explains robustness to sensor failure?", thread_ts=root)
    )
    await slack.api.wait_for("chat.postMessage", count=6)
    await slack.api.settle()
    posted = slack.posted(thread_ts=root)
    assert len(posted) == 6
    assert headers_of(posted[3:]) == ANSWER_HEADERS
    assert "this thread's earlier source block" in all_text(posted[3])
    assert "Which paper explains robustness" in all_text(posted[3])


async def test_retried_and_redelivered_events_add_nothing(slack: SlackHarness) -> None:
    event = slack.mention(slackified(seed_text("000")))
    body = slack.event_body(event, event_id="EvSAME0001")
    await slack.send(body)
    await slack.api.wait_for("chat.postMessage", count=3)
    # Slack's retry of the same event, then the same message under a new event id.
    status, _, _ = await slack.send(body, extra={"X-Slack-Retry-Num": "1",
                                                 "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200
    status, _, _ = await slack.event(event, event_id="EvOTHER002")
    assert status == 200
    await slack.api.settle(quiet=0.5)
    assert len(slack.posted()) == 3
    assert len(slack.api.called("files.completeUploadExternal")) == 1


async def test_dm_is_answered_in_its_thread(slack: SlackHarness) -> None:
    ts = slack.next_ts()
    await slack.event(slack.dm(slackified(seed_text("000")), ts=ts))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()
    posted = slack.posted()
    assert headers_of(posted) == ANSWER_HEADERS
    assert {c.params["channel"] for c in posted} == {"D0DM"}
    assert {c.params["thread_ts"] for c in posted} == {ts}


async def test_attached_text_file_is_downloaded_with_the_token(slack: SlackHarness) -> None:
    slack.api.files["sources.txt"] = seed_text("000").encode()
    file = {"id": "F1", "name": "sources.txt", "mimetype": "text/plain", "mode": "hosted",
            "size": len(slack.api.files["sources.txt"]),
            "url_private": slack.api.file_url("sources.txt")}
    await slack.event(slack.mention("", files=[file], subtype="file_share"))
    await slack.api.wait_for("chat.postMessage", count=3)
    (download,) = slack.api.called("download")
    assert download.headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers_of(slack.posted()) == ANSWER_HEADERS
    # A download comes first: the status says so, then the count once the file is parsed.
    assert [c.params["status"] for c in slack.api.called("assistant.threads.setStatus")] == [
        "is reading the sources…", "is reading 4 sources…"]


def _file(slack: SlackHarness, name: str, data: bytes, *, size: int | None = None,
          mimetype: str = "text/plain") -> dict[str, object]:
    slack.api.files[name] = data
    return {"id": "F" + name, "name": name, "mimetype": mimetype, "mode": "hosted",
            "size": len(data) if size is None else size, "url_private": slack.api.file_url(name)}


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("empty", "I need a *question* and a *source block*"),
        ("question_only", "I only answer from sources you supply"),
        ("declared_oversize", "more than I read at once"),
        ("lying_oversize", "more than I read at once"),
        ("binary", "is not text"),
        ("image", "could not read the attached file"),
    ],
)
async def test_bad_input_gets_one_helpful_threaded_reply(
    slack: SlackHarness, case: str, expected: str, caplog: pytest.LogCaptureFixture
) -> None:
    big = 2 * 1024 * 1024
    files = {
        "empty": None,
        "question_only": None,
        "declared_oversize": [_file(slack, "huge.txt", b"x", size=big)],
        "lying_oversize": [_file(slack, "liar.txt", b"y" * big, size=10)],
        "binary": [_file(slack, "data.txt", b"\x00\x01\x02binary")],
        "image": [_file(slack, "shot.png", b"\x89PNG....", mimetype="image/png")],
    }[case]
    text = "How does this model generalize?" if case == "question_only" else ""
    ts = slack.next_ts()
    extra = {"files": files, "subtype": "file_share"} if files else {}
    await slack.event(slack.mention(text, ts=ts, **extra))
    (reply,) = await slack.api.wait_for("chat.postMessage", count=1)
    await slack.api.settle()
    assert len(slack.posted()) == 1
    assert reply.params["thread_ts"] == ts
    assert expected in all_text(reply)
    assert "Traceback" not in all_text(reply)


async def test_refused_attachment_is_answered_once_even_if_redelivered(slack: SlackHarness) -> None:
    event = slack.mention("", files=[_file(slack, "huge.txt", b"x", size=5 * 1024 * 1024)],
                          subtype="file_share")
    await slack.event(event)
    await slack.api.wait_for("chat.postMessage", count=1)
    await slack.event(event)
    await slack.api.settle(quiet=0.4)
    assert len(slack.posted()) == 1


def _exploding(store, limits):  # type: ignore[no-untyped-def]
    def broken(*_: object) -> Any:
        raise RuntimeError("kaboom-internal-detail")

    return Service(store=store, limits=limits, engine=FakeEngine(broken, splitter=broken))


async def test_unexpected_failure_gets_an_apology_and_a_log_line(
    api: FakeSlackApi, tmp_path, caplog: pytest.LogCaptureFixture  # type: ignore[no-untyped-def]
) -> None:
    caplog.set_level(logging.INFO)
    async with running(api, tmp_path / "db.sqlite",
                       make_service=_exploding) as slack:
        ts = slack.next_ts()
        await slack.event(slack.mention("anything", ts=ts), event_id="EvBOOM0001")
        (reply,) = await slack.api.wait_for("chat.postMessage", count=1)
    assert reply.params["thread_ts"] == ts
    assert "something went wrong" in all_text(reply).lower()
    assert "kaboom" not in all_text(reply)
    assert "EvBOOM0001" in caplog.text


def test_plain_text_undoes_slack_markup() -> None:
    raw = ("see <https://github.com/a/b> and <http://arxiv.org/abs/1|arxiv.org/abs/1> or "
           "<https://x.org/p|the paper> &lt;b&gt; &amp; <!channel> <@U123>")
    assert plain_text(raw) == (
        "see https://github.com/a/b and http://arxiv.org/abs/1 or the paper (https://x.org/p) "
        "<b> & <!channel> <@U123>"
    )


async def test_a_repeated_question_answered_from_the_cache_still_says_the_count(
    slack: SlackHarness,
) -> None:
    # The extractive engine answers the same block and question once; the second asker's
    # status still says how many sources the answer read, without a second parse.
    first, second = slack.next_ts(), slack.next_ts()
    for ts in (first, second):
        await slack.event(slack.mention(slackified(seed_text("000")), ts=ts))
    await slack.api.wait_for("chat.postMessage", count=6)
    await slack.api.settle()
    statuses = [(c.params["thread_ts"], c.params["status"])
                for c in slack.api.called("assistant.threads.setStatus")]
    assert statuses == [(first, "is reading 4 sources…"), (second, "is reading 4 sources…")]
    assert headers_of(slack.posted(thread_ts=second)) == ANSWER_HEADERS


async def test_a_refused_status_adds_no_note_to_a_quick_answer(slack: SlackHarness) -> None:
    slack.api.fail("assistant.threads.setStatus", error="missing_scope")
    ts = slack.next_ts()
    await slack.event(slack.mention(slackified(seed_text("000")), ts=ts))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()
    assert [c.ok for c in slack.api.called("assistant.threads.setStatus")] == [False]
    assert headers_of(slack.posted(thread_ts=ts)) == ANSWER_HEADERS  # no "Reading…" note
