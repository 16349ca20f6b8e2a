"""Follow-ups without a mention (message.channels / message.groups) and the thread status,
through bolt's request handling, the real Service and SQLite, against the fake Web API."""

from __future__ import annotations

import pytest

from tests.adapters.slack.conftest import CHANNEL, SlackHarness, all_text, headers_of
from tests.adapters.slack.test_slack_answers import ANSWER_HEADERS, slackified
from tests.conftest import seed_text
from tests.fakes.slack_api import BOT_ID, BOT_USER


async def _answered_thread(slack: SlackHarness) -> str:
    root = slack.next_ts()
    await slack.event(slack.mention(slackified(seed_text("000")), ts=root))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()
    return root


@pytest.mark.parametrize("channel_type", ["channel", "group"])
async def test_a_plain_reply_in_the_bots_thread_is_answered_from_its_source(
    slack: SlackHarness, channel_type: str
) -> None:
    root = await _answered_thread(slack)
    status, _, _ = await slack.event(slack.message(
        "Which paper explains robustness to sensor failure?", thread_ts=root,
        channel_type=channel_type))
    assert status == 200
    await slack.api.wait_for("chat.postMessage", count=6)
    await slack.api.settle()
    posted = slack.posted(thread_ts=root)
    assert headers_of(posted[3:]) == ANSWER_HEADERS
    assert "this thread's earlier source block" in all_text(posted[3])


async def test_messages_outside_the_bots_threads_are_ignored(slack: SlackHarness) -> None:
    root = await _answered_thread(slack)
    before = len(slack.api.calls)
    foreign_root = slack.next_ts()
    events = [
        slack.message("What does this model do? https://github.com/a/b"),  # top level
        slack.message("Any thoughts on this?", thread_ts=foreign_root),  # a thread not ours
        slack.message("<@UFRIEND> did you see this?", thread_ts=root),  # talk among people
        slack.message("a bot's post", thread_ts=root, bot_id="BOTHER", subtype="bot_message"),
        slack.message("joined", thread_ts=root, subtype="channel_join"),
        {"type": "message", "subtype": "message_deleted", "channel": CHANNEL,
         "channel_type": "channel", "ts": slack.next_ts(), "deleted_ts": root, "hidden": True},
        slack.message("my own part", thread_ts=root, user=BOT_USER, bot_id=BOT_ID),
    ]
    for event in events:
        status, _, _ = await slack.event(event)
        assert status == 200
    await slack.api.settle(quiet=0.5)
    assert [c.method for c in slack.api.calls[before:]] == []
    assert await slack.service.store.queued() == 0


async def test_a_mention_in_the_bots_thread_arrives_twice_and_is_answered_once(
    slack: SlackHarness,
) -> None:
    root = await _answered_thread(slack)
    ts = slack.next_ts()
    text = "Which paper explains robustness to sensor failure?"
    # Slack sends both: app_mention and message.channels, under different event ids.
    assert (await slack.event(slack.message(f"<@{BOT_USER}> {text}", ts=ts, thread_ts=root)))[0] \
        == 200
    assert (await slack.event(slack.mention(text, ts=ts, thread_ts=root)))[0] == 200
    await slack.api.wait_for("chat.postMessage", count=6)
    await slack.api.settle(quiet=0.5)
    assert len(slack.posted(thread_ts=root)) == 6


async def test_a_status_refusal_or_failure_never_fails_the_answer(slack: SlackHarness) -> None:
    # A 5xx (slack-sdk retries it once) on the first answer.
    slack.api.fail("assistant.threads.setStatus", error="internal_error", status=500, times=2)
    root = await _answered_thread(slack)
    assert headers_of(slack.posted(thread_ts=root)) == ANSWER_HEADERS
    assert slack.api.called("assistant.threads.setStatus")
    # A refusal Slack means for good is not asked again in that channel.
    slack.api.fail("assistant.threads.setStatus", error="missing_scope", times=5)
    await slack.event(slack.message("Which paper is about sensor failure?", thread_ts=root))
    await slack.api.wait_for("chat.postMessage", count=6)
    await slack.event(slack.message("And which one about optimizers?", thread_ts=root))
    await slack.api.wait_for("chat.postMessage", count=9)
    await slack.api.settle()
    statuses = slack.api.called("assistant.threads.setStatus")
    assert [(c.params["thread_ts"], c.ok) for c in statuses] == [(root, False)] * 3
    assert headers_of(slack.posted(thread_ts=root)) == ANSWER_HEADERS * 3
