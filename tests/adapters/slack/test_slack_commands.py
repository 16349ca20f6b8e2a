"""The slash command: ack at once, work after; ask / history / forget / help."""

from __future__ import annotations

import json

from tests.adapters.slack.conftest import CHANNEL, SlackHarness, all_text, headers_of
from tests.conftest import seed_text

ANSWER_HEADERS = ["1/3 · Task", "2/3 · Workflow (input → model → output)", "3/3 · Links"]


async def test_ask_acks_fast_then_answers_under_an_anchor_message(slack: SlackHarness) -> None:
    status, text, took = await slack.command("ask " + seed_text("000"))
    assert status == 200
    assert took < 1.0
    assert "Working on it" in json.loads(text)["text"]
    await slack.api.wait_for("chat.postMessage", count=4)
    await slack.api.settle()
    anchor, *parts = slack.posted()
    assert "thread_ts" not in anchor.params
    assert anchor.params["channel"] == CHANNEL
    (anchor_ts,) = {c.params["thread_ts"] for c in parts}
    assert headers_of(parts) == ANSWER_HEADERS
    assert anchor_ts.startswith("17")  # the ts the fake gave the anchor message
    assert len(slack.api.called("files.completeUploadExternal")) == 1


async def test_help_is_the_ack_itself(slack: SlackHarness) -> None:
    status, text, _ = await slack.command("help")
    assert status == 200
    body = json.loads(text)
    assert "/sourcebound history" in body["text"]
    await slack.api.settle(quiet=0.2)
    assert slack.posted() == []


async def test_history_and_forget_answer_only_the_asker(slack: SlackHarness) -> None:
    await slack.event(slack.mention("How does it handle sensor failure?\n\n" + seed_text("000")))
    await slack.api.wait_for("chat.postMessage", count=3)

    status, text, _ = await slack.command("history")
    assert status == 200 and text == ""
    (history,) = await slack.api.wait_for("response_url", count=1)
    assert history.params["response_type"] == "ephemeral"
    assert "Your recent questions" in all_text(history)

    await slack.command("forget")
    calls = await slack.api.wait_for("response_url", count=2)
    assert "Done: I deleted" in all_text(calls[1])

    await slack.command("history")
    calls = await slack.api.wait_for("response_url", count=3)
    assert "no questions from you on record" in all_text(calls[2])
