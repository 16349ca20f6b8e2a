"""👍/👎 on the last part of an answer: click -> ack -> record -> ephemeral -> export; a 👎's
reason form; the plain-buttons fallback. Through bolt's real request handling with signed
interactivity payloads, the real Service and SQLite, against the fake Web API."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.adapters.slack.conftest import CHANNEL, SlackHarness, headers_of, running
from tests.adapters.slack.test_slack_answers import ANSWER_HEADERS, slackified
from tests.conftest import seed_text
from tests.fakes.slack_api import BOT_ID, TEAM, FakeSlackApi


async def _answer(slack: SlackHarness) -> tuple[str, dict[str, Any]]:
    root = slack.next_ts()
    await slack.event(slack.mention(slackified(seed_text("000")), ts=root))
    await slack.api.wait_for("chat.postMessage", count=3)
    await slack.api.settle()
    last = slack.posted(thread_ts=root)[2]
    return root, last.params


def _rate_block(params: dict[str, Any]) -> dict[str, Any]:
    blocks = params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return blocks[-1]


def _click(slack: SlackHarness, root: str, block: dict[str, Any], *, user: str,
           rating: str) -> dict[str, Any]:
    if block["type"] == "context_actions":
        (element,) = block["elements"]
        button = element["positive_button" if rating == "up" else "negative_button"]
        action = {"type": "feedback_buttons", "action_id": element["action_id"],
                  "block_id": block["block_id"], "value": button["value"],
                  "text": button["text"], "action_ts": slack.next_ts()}
    else:
        element = block["elements"][0 if rating == "up" else 1]
        action = {"type": "button", "action_id": element["action_id"],
                  "block_id": block["block_id"], "value": element["value"],
                  "text": element["text"], "action_ts": slack.next_ts()}
    ts = slack.posted(thread_ts=root)[-1].params.get("ts", root)
    return {
        "type": "block_actions", "token": "legacy", "api_app_id": "A0APP",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM, "name": user.lower()},
        "team": {"id": TEAM, "domain": "fake"}, "is_enterprise_install": False,
        "container": {"type": "message", "message_ts": ts, "channel_id": CHANNEL,
                      "is_ephemeral": False, "thread_ts": root},
        "channel": {"id": CHANNEL, "name": "papers"}, "trigger_id": slack.trigger(),
        "message": {"type": "message", "ts": ts, "thread_ts": root, "bot_id": BOT_ID,
                    "text": "3/3 · Links", "blocks": [block]},
        "response_url": slack.api.response_url("click"), "actions": [action],
    }


def _reason(view: dict[str, Any], text: str, *, user: str) -> dict[str, Any]:
    values = {"reason": {"reason": {"type": "plain_text_input", "value": text}}}
    return {
        "type": "view_submission", "token": "legacy", "api_app_id": "A0APP",
        "team": {"id": TEAM, "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "view": {**view, "id": "VREASON", "state": {"values": values}, "hash": "h"},
        "response_urls": [],
    }


async def test_click_is_recorded_acknowledged_ephemerally_and_exported(
    slack: SlackHarness, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, last = await _answer(slack)
    block = _rate_block(last)
    assert block["type"] == "context_actions"
    (element,) = block["elements"]
    assert element["type"] == "feedback_buttons"
    assert element["action_id"].startswith("sourcebound_feedback")

    status, _, took = await slack.interactive(_click(slack, root, block, user="UFAN",
                                                     rating="up"))
    assert status == 200 and took < 3.0
    (ephemeral,) = await slack.api.wait_for("chat.postEphemeral")
    assert (ephemeral.params["user"], ephemeral.params["channel"],
            ephemeral.params["thread_ts"]) == ("UFAN", CHANNEL, root)
    assert "👍" in ephemeral.params["text"]
    assert slack.api.called("views.open") == []  # a 👍 asks nothing more

    (record,) = await slack.service.feedback()
    assert (record.rating, record.user, record.platform) == ("up", "UFAN", "slack")
    assert "generalizable" in record.question
    monkeypatch.setenv("SOURCEBOUND_DB", str(tmp_path / "sourcebound.db"))
    assert await asyncio.to_thread(main, ["feedback", "--format", "jsonl"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    exported = json.loads(line)
    assert (exported["rating"], exported["answer_id"], exported["user"]) == (
        "up", record.answer_id, "UFAN")


async def test_a_down_opens_the_reason_form_and_its_submission_updates_the_record(
    slack: SlackHarness,
) -> None:
    root, last = await _answer(slack)
    block = _rate_block(last)
    await slack.interactive(_click(slack, root, block, user="UCRITIC", rating="down"))
    (opened,) = await slack.api.wait_for("views.open")
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "sourcebound_feedback_reason"
    (ephemeral,) = await slack.api.wait_for("chat.postEphemeral")
    assert "👎" in ephemeral.params["text"]

    status, body, _ = await slack.interactive(_reason(view, "The links are for the wrong task",
                                                      user="UCRITIC"))
    assert (status, body) == (200, "")
    await slack.api.wait_for("chat.postEphemeral", count=2)
    (record,) = await slack.service.feedback()
    assert (record.rating, record.reason) == ("down", "The links are for the wrong task")


async def test_a_click_on_a_forgotten_answer_says_so(slack: SlackHarness) -> None:
    root, last = await _answer(slack)
    await slack.service.forget("slack", "UASKER")
    await slack.interactive(_click(slack, root, _rate_block(last), user="UFAN", rating="up"))
    (ephemeral,) = await slack.api.wait_for("chat.postEphemeral")
    assert "no longer stored" in ephemeral.params["text"]
    assert await slack.service.feedback() == []


async def test_a_forged_value_is_ignored(slack: SlackHarness) -> None:
    root, last = await _answer(slack)
    block = _rate_block(last)
    payload = _click(slack, root, block, user="UFAN", rating="up")
    payload["actions"][0]["value"] = "sideways:1"
    status, _, _ = await slack.interactive(payload)
    assert status == 200
    await slack.api.settle()
    assert slack.api.called("chat.postEphemeral") == []
    assert await slack.service.feedback() == []


async def test_refused_context_actions_fall_back_to_plain_buttons(
    api: FakeSlackApi, tmp_path: Path,
) -> None:
    api.reject_blocks = {"context_actions"}
    async with running(api, tmp_path / "s.db") as slack:
        root = slack.next_ts()
        await slack.event(slack.mention(slackified(seed_text("000")), ts=root))
        await slack.api.wait_for("chat.postMessage", count=4)
        await slack.api.settle()
        posted = slack.posted(thread_ts=root)
        assert headers_of(posted) == ANSWER_HEADERS
        block = _rate_block(posted[2].params)
        assert block["type"] == "actions"
        assert [e["action_id"] for e in block["elements"]] == ["sourcebound_feedback_up",
                                                                "sourcebound_feedback_down"]
        await slack.interactive(_click(slack, root, block, user="UFAN", rating="down"))
        await slack.api.wait_for("chat.postEphemeral")
        (record,) = await slack.service.feedback()
        assert record.rating == "down"


async def test_feedback_off_renders_no_buttons(api: FakeSlackApi, tmp_path: Path) -> None:
    async with running(api, tmp_path / "s.db", slack_feedback="off") as slack:
        _, last = await _answer(slack)
    assert _rate_block(last)["type"] != "context_actions"
    assert all(b["type"] not in ("actions", "context_actions") for b in last["blocks"])
