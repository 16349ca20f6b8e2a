""""Ask Sourcebound" on a message: shortcut -> views.open -> view_submission -> the answer in
that message's thread, from that message's text and text files. Through bolt's real request
handling with signed interactivity payloads, the real Service and SQLite, the fake Web API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.adapters.slack.conftest import CHANNEL, SlackHarness, all_text, headers_of
from tests.adapters.slack.test_slack_answers import ANSWER_HEADERS, slackified
from tests.conftest import seed_text
from tests.fakes.slack_api import TEAM


def _shortcut(slack: SlackHarness, message: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message_action", "token": "legacy", "action_ts": slack.next_ts(),
        "team": {"id": TEAM, "domain": "fake"}, "api_app_id": "A0APP",
        "user": {"id": "UASKER", "username": "asker", "team_id": TEAM, "name": "asker"},
        "channel": {"id": CHANNEL, "name": "papers"}, "is_enterprise_install": False,
        "callback_id": "ask_sourcebound", "trigger_id": slack.trigger(),
        "response_url": slack.api.response_url("shortcut"), "message_ts": message["ts"],
        "message": {"type": "message", **message},
    }


def _submission(view: dict[str, Any], question: str | None, *, view_id: str) -> dict[str, Any]:
    values = {"question": {"question": {"type": "plain_text_input", "value": question}}}
    return {
        "type": "view_submission", "token": "legacy", "api_app_id": "A0APP",
        "team": {"id": TEAM, "domain": "fake"}, "is_enterprise_install": False,
        "user": {"id": "UASKER", "username": "asker", "team_id": TEAM, "name": "asker"},
        "trigger_id": "trig.submit",
        "view": {**view, "id": view_id, "team_id": TEAM, "state": {"values": values},
                 "hash": "1700000000.abc", "root_view_id": view_id, "app_id": "A0APP"},
        "response_urls": [],
    }


async def _open_form(slack: SlackHarness, message: dict[str, Any]) -> dict[str, Any]:
    status, _, took = await slack.interactive(_shortcut(slack, message))
    assert status == 200 and took < 3.0
    (opened,) = await slack.api.wait_for("views.open")
    view = opened.params["view"]
    return json.loads(view) if isinstance(view, str) else view


async def test_shortcut_opens_a_form_and_the_answer_goes_in_the_messages_thread(
    slack: SlackHarness,
) -> None:
    ts = slack.next_ts()
    pasted = slackified(seed_text("000"))
    slack.api.add_message(CHANNEL, ts, pasted, user="UPOSTER")
    view = await _open_form(slack, {"user": "UPOSTER", "ts": ts, "text": pasted})
    (opened,) = slack.api.called("views.open")
    assert opened.params["trigger_id"].startswith("trig.")
    assert view["callback_id"] == "sourcebound_ask" and view["type"] == "modal"
    (field,) = [b for b in view["blocks"] if b["type"] == "input"]
    assert field["optional"] is True and field["element"]["type"] == "plain_text_input"
    assert pasted[:50] not in view["private_metadata"]  # ids only, never the text

    status, body, took = await slack.interactive(_submission(
        view, "Which paper explains robustness to sensor failure?", view_id="V1"))
    assert (status, body) == (200, "") and took < 3.0  # empty 200: the form closes
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()
    posted = slack.posted(thread_ts=ts)
    assert headers_of(posted) == ANSWER_HEADERS
    assert "Which paper explains robustness" in all_text(posted[0])
    assert "https://github.com/xiaojihh/cl_all-in-one" in all_text(posted[2])
    (read,) = slack.api.called("conversations.replies")
    assert read.params["ts"] == ts


async def test_an_empty_question_asks_for_an_overview_and_text_files_are_read(
    slack: SlackHarness,
) -> None:
    root, ts = slack.next_ts(), slack.next_ts()
    slack.api.files["papers.txt"] = seed_text("002").encode()
    file = {"id": "F1", "name": "papers.txt", "mimetype": "text/plain", "mode": "hosted",
            "size": len(slack.api.files["papers.txt"]),
            "url_private": slack.api.file_url("papers.txt")}
    # A reply inside someone's thread: the answer goes in that thread.
    slack.api.add_message(CHANNEL, root, "reading list for Friday")
    slack.api.add_message(CHANNEL, ts, "today's listing", thread_ts=root, files=[file])
    view = await _open_form(slack, {"user": "UPOSTER", "ts": ts, "thread_ts": root,
                                    "text": "today's listing", "files": [file]})
    await slack.interactive(_submission(view, None, view_id="V2"))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()
    posted = slack.posted(thread_ts=root)
    assert headers_of(posted) == ANSWER_HEADERS
    assert "What task do these sources address" in all_text(posted[0])
    assert slack.api.called("download")


async def test_a_too_long_question_is_refused_in_the_form(slack: SlackHarness) -> None:
    ts = slack.next_ts()
    slack.api.add_message(CHANNEL, ts, "x")
    view = await _open_form(slack, {"user": "UPOSTER", "ts": ts, "text": "x"})
    status, body, _ = await slack.interactive(_submission(view, "why? " * 1000, view_id="V3"))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors" and "question" in answer["errors"]
    await slack.api.settle()
    assert slack.posted() == []


@pytest.mark.parametrize("how", ["deleted", "out_of_reach"])
async def test_a_message_deleted_before_the_answer_gets_a_reply_saying_it_is_gone(
    slack: SlackHarness, how: str
) -> None:
    ts = slack.next_ts()
    pasted = slackified(seed_text("000"))
    if how == "deleted":  # Slack: reading its thread is thread_not_found
        slack.api.add_message(CHANNEL, ts, pasted, user="UPOSTER")
    view = await _open_form(slack, {"user": "UPOSTER", "ts": ts, "text": pasted})
    if how == "deleted":
        slack.api.delete_message(CHANNEL, ts)
    # else never seeded: the thread read finds no such message
    await slack.interactive(_submission(view, "What is this?", view_id="V4"))
    (tried,) = await slack.api.wait_for("chat.postMessage")
    assert tried.params["thread_ts"] == ts
    if how == "deleted":
        # Slack refuses a reply in a deleted message's thread: the asker is told privately.
        (reply,) = await slack.api.wait_for("chat.postEphemeral")
        assert reply.params["user"] == "UASKER" and reply.params["channel"] == CHANNEL
        assert slack.posted() == []
    else:
        reply = tried
        assert slack.posted() == [reply]
    await slack.api.settle()
    text = all_text(reply)
    assert "message you asked about is gone" in text
    assert "found none here" not in text  # not the generic "no sources" reply
    assert "Traceback" not in text
    assert await slack.service.pending("slack") == []
