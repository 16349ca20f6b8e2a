"""Bolt's real request handling in front of the adapter: signatures, url_verification, acks,
and which events are ignored."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.adapters.slack.conftest import SlackHarness
from tests.fakes.slack_api import BOT_ID


async def test_bad_signature_is_rejected_and_its_body_not_logged(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = slack.event_body(slack.mention("SECRET-PAYLOAD-MARKER"))
    status, _, _ = await slack.send(body, secret="not-the-secret")
    assert status == 401
    assert "SECRET-PAYLOAD-MARKER" not in caplog.text
    assert "rejected a Slack request" in caplog.text and "bad signature" in caplog.text
    await slack.api.settle(quiet=0.2)
    assert slack.posted() == []


async def test_stale_timestamp_is_rejected(slack: SlackHarness) -> None:
    body = slack.event_body(slack.mention("hello"))
    status, _, _ = await slack.send(body, timestamp=int(time.time()) - 600)
    assert status == 401


async def test_url_verification_echoes_the_challenge(slack: SlackHarness) -> None:
    body = json.dumps({"token": "legacy", "challenge": "chal-123", "type": "url_verification"})
    status, text, _ = await slack.send(body)
    assert status == 200
    assert json.loads(text) == {"challenge": "chal-123"}


async def test_bot_messages_edits_and_other_bots_are_ignored(slack: SlackHarness) -> None:
    ignored = [
        slack.dm("from another bot", subtype="bot_message", bot_id="BOTHER"),
        slack.dm("bot with user", bot_id="BOTHER"),
        slack.dm("edited", subtype="message_changed"),
        slack.dm("deleted", subtype="message_deleted"),
        slack.mention("mention from another app", bot_id="BOTHER"),
        slack.dm("our own", bot_id=BOT_ID),
        {"type": "message", "channel_type": "channel", "user": "UASKER", "text": "chatter",
         "ts": slack.next_ts(), "channel": "C0CHANNEL"},
    ]
    for event in ignored:
        status, _, _ = await slack.event(event)
        assert status == 200
    await slack.api.settle(quiet=0.4)
    assert slack.posted() == []
    assert slack.adapter.busy == 0


async def test_events_are_acked_fast(slack: SlackHarness) -> None:
    await slack.event(slack.dm("help"))  # the first request pays for auth.test
    status, _, took = await slack.event(slack.dm("help"))
    assert status == 200
    assert took < 0.5


def _signed(raw: bytes, stamp: str) -> dict[str, str]:
    import hashlib
    import hmac

    from tests.adapters.slack.conftest import SECRET

    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256)
    return {"content-type": "application/json", "x-slack-request-timestamp": stamp,
            "x-slack-signature": "v0=" + digest.hexdigest()}


@pytest.mark.parametrize(("raw", "signed", "status"), [
    (b"MARKER not json at all", True, 400),
    (b"MARKER" + b"[" * 5000 + b"]" * 5000, True, 400),
    (b'{"MARKER": "\xff\xfe bad utf-8"}', True, 400),
    (b"MARKER not json at all", False, 401),
    (b'{"a":' * 3000 + b"1" + b"}" * 3000, False, 401),
])
async def test_malformed_bodies_are_refused_with_one_warning_and_no_traceback(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, raw: bytes, signed: bool,
    status: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    stamp = str(int(time.time()))
    headers = _signed(raw, stamp) if signed else {"content-type": "application/json"}
    response = await slack.http.post("/slack/events", data=raw, headers=headers)
    assert response.status == status
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    assert "MARKER" not in caplog.text and "Traceback" not in caplog.text


async def test_a_non_numeric_timestamp_is_a_401_not_a_500(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    body = slack.event_body(slack.mention("hello"))
    headers = {**_signed(body.encode(), "12ab"), "x-slack-request-timestamp": "12ab"}
    response = await slack.http.post("/slack/events", data=body.encode(), headers=headers)
    assert response.status == 401
    assert "malformed timestamp" in caplog.text and "Traceback" not in caplog.text
