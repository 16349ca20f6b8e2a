"""Socket Mode end to end: `SlackAdapter.run()` with an app token drives bolt's real
`AsyncSocketModeHandler` (slack-sdk's aiohttp client) against a fake Socket Mode websocket,
the fake Web API, the real Service and SQLite."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.slack import SlackAdapter
from bot.errors import ConfigError
from bot.history.store import HistoryStore
from bot.render.env import make_environment
from bot.service import Service
from bot.settings import Limits, Settings
from tests.adapters.slack.conftest import CHANNEL, all_text, headers_of
from tests.conftest import seed_text
from tests.fakes.slack_api import APP_TOKEN, BOT_USER, TEAM, TOKEN, FakeSlackApi
from tests.fakes.slack_socket import FakeSocketMode

ANSWER_HEADERS = ["1/3 · Task", "2/3 · Workflow (input → model → output)", "3/3 · Links"]


def _socket_mode_tasks() -> list[asyncio.Task[Any]]:
    """Tasks slack-sdk's Socket Mode client started (receiver, monitor, message processor)."""
    return [t for t in asyncio.all_tasks()
            if "SocketModeClient" in getattr(t.get_coro(), "__qualname__", "")]


@dataclass
class SocketHarness:
    api: FakeSlackApi
    socket: FakeSocketMode
    adapter: SlackAdapter
    runner: asyncio.Task[None]
    service: Service

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    def mention(self, text: str, *, ts: str, event_id: str) -> dict[str, Any]:
        """An Events API `event_callback` body, as Socket Mode carries it in `payload`."""
        return {
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0APP", "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()),
            "event": {"type": "app_mention", "user": "UASKER", "text": f"<@{BOT_USER}> {text}",
                      "ts": ts, "channel": CHANNEL, "team": TEAM},
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }

    def command(self, text: str) -> dict[str, Any]:
        """A slash command, as Socket Mode carries it: the form fields as a JSON object."""
        n = next(self._ids)
        return {
            "token": "legacy", "team_id": TEAM, "channel_id": CHANNEL, "user_id": "UASKER",
            "command": "/sourcebound", "text": text, "trigger_id": f"trig.{n}",
            "response_url": self.api.response_url(f"sm{n}"), "api_app_id": "A0APP",
        }

    async def stop(self) -> None:
        self.runner.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.runner


@asynccontextmanager
async def socket_mode(tmp_path: Path) -> AsyncIterator[SocketHarness]:
    async with FakeSlackApi() as api, FakeSocketMode() as socket:
        api.socket_url = socket.url
        settings = Settings(
            slack_bot_token=SecretStr(TOKEN),
            slack_app_token=SecretStr(APP_TOKEN),  # and no signing secret: Socket Mode only
            slack_api_url=api.api_url,
            db_path=tmp_path / "sourcebound.db",
            limits=Limits(),
        )
        async with HistoryStore.open(settings.db_path) as store:
            service = Service(store=store, limits=settings.limits)
            async with SlackAdapter(settings=settings, service=service,
                                    env=make_environment()) as adapter:
                runner = asyncio.create_task(adapter.run(), name="slack-run")
                harness = SocketHarness(api=api, socket=socket, adapter=adapter, runner=runner,
                                        service=service)
                try:
                    yield harness
                finally:
                    if not runner.done():
                        await harness.stop()


async def test_mention_over_the_socket_is_acked_fast_and_answered_in_the_thread(
    tmp_path: Path,
) -> None:
    async with socket_mode(tmp_path) as sm:
        link = await sm.socket.wait_connected()
        opened = sm.api.called("apps.connections.open")
        assert len(opened) == 2  # the up-front token check, then the socket client's own
        assert all(c.headers["Authorization"] == f"Bearer {APP_TOKEN}" for c in opened)

        ts = "1699999001.000200"
        envelope = await sm.socket.send_envelope(
            "events_api", sm.mention(seed_text("000"), ts=ts, event_id="EvSM0001"))
        ack = await sm.socket.wait_ack(envelope, timeout=3.0)
        assert ack.seconds < 3.0
        assert ack.payload is None  # an events_api ack is the bare envelope_id

        await sm.api.wait_for("files.completeUploadExternal", count=1)
        await sm.api.wait_for("chat.postMessage", count=3)
        await sm.api.settle()
        posted = sm.api.called("chat.postMessage", ok=True)
        assert len(posted) == 3
        assert headers_of(posted) == ANSWER_HEADERS
        assert all(c.params["thread_ts"] == ts and c.params["channel"] == CHANNEL for c in posted)
        (upload,) = sm.api.called("upload")
        assert upload.body.startswith(b"\x89PNG")
        assert sm.socket.unknown == []
        assert link.pings >= 1  # slack-sdk's keep-alive ping, answered by the fake


async def test_a_retried_envelope_with_the_same_event_id_is_acked_but_not_answered_again(
    tmp_path: Path,
) -> None:
    async with socket_mode(tmp_path) as sm:
        await sm.socket.wait_connected()
        body = sm.mention(seed_text("000"), ts="1699999002.000200", event_id="EvSM0002")
        first = await sm.socket.send_envelope("events_api", body)
        await sm.socket.wait_ack(first)
        await sm.api.wait_for("chat.postMessage", count=3)
        await sm.api.settle()

        retry = await sm.socket.send_envelope("events_api", body, retry_attempt=1,
                                              retry_reason="timeout")
        ack = await sm.socket.wait_ack(retry, timeout=3.0)
        assert ack.seconds < 3.0
        while sm.adapter.busy:  # the duplicate's listener task runs after the ack
            await asyncio.sleep(0.02)
        await sm.api.settle(quiet=0.3)
        assert len(sm.api.called("chat.postMessage")) == 3
        assert len(sm.api.called("upload")) == 1


async def test_slash_commands_ack_with_help_and_answer_history_via_response_url(
    tmp_path: Path,
) -> None:
    async with socket_mode(tmp_path) as sm:
        await sm.socket.wait_connected()
        help_id = await sm.socket.send_envelope("slash_commands", sm.command("help"),
                                                accepts_response_payload=True)
        ack = await sm.socket.wait_ack(help_id, timeout=3.0)
        assert ack.seconds < 3.0
        assert ack.payload is not None and "/sourcebound history" in ack.payload["text"]

        history_id = await sm.socket.send_envelope("slash_commands", sm.command("history"),
                                                   accepts_response_payload=True)
        ack = await sm.socket.wait_ack(history_id, timeout=3.0)
        assert ack.payload is None  # acked empty; the reply follows on the response_url
        (reply,) = await sm.api.wait_for("response_url", count=1)
        assert reply.params["response_type"] == "ephemeral"
        assert "no questions from you on record" in all_text(reply)
        assert sm.api.called("chat.postMessage") == []


async def test_disconnect_message_reconnects_to_a_fresh_url(tmp_path: Path) -> None:
    async with socket_mode(tmp_path) as sm:
        old = await sm.socket.wait_connected()
        await sm.socket.send_disconnect()
        new = await sm.socket.wait_connected(count=2)
        await sm.socket.wait_closed(old)
        assert len(sm.api.called("apps.connections.open")) == 3  # check, connect, reconnect
        envelope = await sm.socket.send_envelope("slash_commands", sm.command("help"),
                                                 accepts_response_payload=True)
        await sm.socket.wait_ack(envelope, timeout=3.0)
        assert new.received and new.received[-1]["envelope_id"] == envelope


async def test_cancelling_run_closes_the_socket_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with socket_mode(tmp_path) as sm:
        link = await sm.socket.wait_connected()
        envelope = await sm.socket.send_envelope("slash_commands", sm.command("help"),
                                                 accepts_response_payload=True)
        await sm.socket.wait_ack(envelope)
        assert _socket_mode_tasks()

        await sm.stop()
        assert _socket_mode_tasks() == []  # nothing of the client outlives run()
        await sm.socket.wait_closed(link)
        assert link.close_code == 1000
        assert len(sm.socket.links) == 1  # closing is not mistaken for a drop to reconnect
    trouble = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert trouble == []


async def test_cancelling_run_while_slack_refuses_the_connection_leaks_nothing(
    tmp_path: Path,
) -> None:
    async with socket_mode(tmp_path) as sm:
        sm.api.socket_url = None  # apps.connections.open answers ok: false; the client retries
        await sm.api.wait_for("apps.connections.open")
        await sm.stop()
        assert _socket_mode_tasks() == []  # and its aiohttp session is closed (else: a warning)
        assert sm.socket.links == []


async def test_a_refused_app_token_stops_run_with_a_config_error(tmp_path: Path) -> None:
    """slack_sdk would retry a bad token every 10 s forever; the adapter says why and stops."""
    async with FakeSlackApi(app_token="xapp-the-real-one") as api:
        settings = Settings(
            slack_bot_token=SecretStr(TOKEN),
            slack_app_token=SecretStr(APP_TOKEN),
            slack_api_url=api.api_url,
            db_path=tmp_path / "sourcebound.db",
        )
        async with HistoryStore.open(settings.db_path) as store:
            service = Service(store=store, limits=settings.limits)
            async with SlackAdapter(settings=settings, service=service,
                                    env=make_environment()) as adapter:
                with pytest.raises(ConfigError, match="SLACK_APP_TOKEN.*invalid_auth"):
                    await asyncio.wait_for(adapter.run(), 5.0)
        assert _socket_mode_tasks() == []


async def test_shortcut_form_and_feedback_click_work_over_the_socket(tmp_path: Path) -> None:
    """Interactivity arrives as `interactive` envelopes: the same listeners, acked fast."""
    async with socket_mode(tmp_path) as sm:
        await sm.socket.wait_connected()
        ts = "1699999003.000200"
        sm.api.add_message(CHANNEL, ts, seed_text("000"))
        user = {"id": "UASKER", "username": "asker", "team_id": TEAM}
        shortcut = {
            "type": "message_action", "token": "legacy", "callback_id": "ask_sourcebound",
            "trigger_id": "trig.sm1", "team": {"id": TEAM, "domain": "fake"}, "user": user,
            "channel": {"id": CHANNEL, "name": "papers"}, "message_ts": ts,
            "message": {"type": "message", "user": "UPOSTER", "ts": ts, "text": "…"},
            "response_url": sm.api.response_url("smshortcut"), "api_app_id": "A0APP",
        }
        ack = await sm.socket.wait_ack(await sm.socket.send_envelope("interactive", shortcut),
                                       timeout=3.0)
        assert ack.seconds < 3.0
        (opened,) = await sm.api.wait_for("views.open")
        view = opened.params["view"]
        view = json.loads(view) if isinstance(view, str) else view
        values = {"question": {"question": {"type": "plain_text_input", "value": None}}}
        submission = {
            "type": "view_submission", "token": "legacy", "team": {"id": TEAM}, "user": user,
            "api_app_id": "A0APP",
            "view": {**view, "id": "VSM1", "state": {"values": values}, "hash": "h"},
        }
        ack = await sm.socket.wait_ack(
            await sm.socket.send_envelope("interactive", submission), timeout=3.0)
        assert ack.seconds < 3.0
        posted = await sm.api.wait_for("chat.postMessage", count=3)
        await sm.api.settle()
        assert headers_of(posted) == ANSWER_HEADERS
        assert all(c.params["thread_ts"] == ts for c in posted)

        blocks = posted[2].params["blocks"]
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        (element,) = blocks[-1]["elements"]
        click = {
            "type": "block_actions", "token": "legacy", "api_app_id": "A0APP",
            "team": {"id": TEAM}, "user": {**user, "id": "UFAN"}, "trigger_id": "trig.sm2",
            "channel": {"id": CHANNEL}, "container": {"type": "message", "channel_id": CHANNEL,
                                                      "message_ts": ts, "thread_ts": ts},
            "message": {"type": "message", "ts": ts, "thread_ts": ts},
            "actions": [{"type": "feedback_buttons", "action_id": element["action_id"],
                         "block_id": blocks[-1]["block_id"],
                         "value": element["positive_button"]["value"], "action_ts": ts}],
        }
        ack = await sm.socket.wait_ack(await sm.socket.send_envelope("interactive", click),
                                       timeout=3.0)
        assert ack.seconds < 3.0
        await sm.api.wait_for("chat.postEphemeral")
        (record,) = await sm.service.feedback()
        assert (record.user, record.rating) == ("UFAN", "up")
