"""The Slack test harness: the real adapter (bolt's request handling, the real Service on a
real SQLite file) served on port 0, its Web API pointed at `tests.fakes.slack_api`.

Requests are signed like Slack signs them; listeners run after the ack, so tests poll the
fake's recorded calls with a timeout.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from adapters.slack import EVENTS_PATH, SlackAdapter
from bot.history.store import HistoryStore
from bot.render.env import make_environment
from bot.service import Service
from bot.settings import Limits, Settings
from tests.fakes.slack_api import BOT_USER, TEAM, TOKEN, Call, FakeSlackApi

SECRET = "test-signing-secret"
CHANNEL = "C0CHANNEL"


def headers_of(calls: list[Call]) -> list[str]:
    """The header text of each posted message (answers start "1/3 · Task" …)."""
    out = []
    for call in calls:
        blocks = call.params.get("blocks") or []
        header = next((b["text"]["text"] for b in blocks if b["type"] == "header"), "")
        out.append(header)
    return out


def all_text(call: Call) -> str:
    blocks = call.params.get("blocks") or []
    texts = [call.params.get("text", "")]
    for block in blocks:
        if "text" in block:
            texts.append(block["text"]["text"])
        for element in block.get("elements", ()):
            text = element.get("text", "")
            texts.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(texts)


class SlackHarness:
    def __init__(self, *, api: FakeSlackApi, adapter: SlackAdapter, http: TestClient[Any, Any],
                 service: Service) -> None:
        self.api = api
        self.adapter = adapter
        self.http = http
        self.service = service
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)

    def next_ts(self) -> str:
        return f"1699999{next(self._ts):03d}.000200"

    async def send(self, body: str, *, content_type: str = "application/json",
                   timestamp: int | None = None, secret: str = SECRET,
                   extra: dict[str, str] | None = None) -> tuple[int, str, float]:
        """POST a signed body to /slack/events: (status, response text, seconds taken)."""
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
        headers = {
            "content-type": content_type,
            "x-slack-signature": signature,
            "x-slack-request-timestamp": stamp,
            **(extra or {}),
        }
        started = time.perf_counter()
        response = await self.http.post(EVENTS_PATH, data=body.encode(), headers=headers)
        text = await response.text()
        return response.status, text, time.perf_counter() - started

    def event_body(self, event: dict[str, Any], *, event_id: str | None = None) -> str:
        return json.dumps({
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0APP", "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}", "event_time": int(time.time()),
            "event": event, "authorizations": [{"team_id": TEAM, "user_id": BOT_USER,
                                                "is_bot": True}],
        })

    def mention(self, text: str, *, ts: str | None = None, thread_ts: str | None = None,
                user: str = "UASKER", channel: str = CHANNEL, **extra: Any) -> dict[str, Any]:
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}",
                 "ts": ts or self.next_ts(), "channel": channel, "team": TEAM, **extra}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    def dm(self, text: str, *, ts: str | None = None, user: str = "UASKER",
           **extra: Any) -> dict[str, Any]:
        return {"type": "message", "channel_type": "im", "user": user, "text": text,
                "ts": ts or self.next_ts(), "channel": "D0DM", "team": TEAM, **extra}

    def message(self, text: str, *, ts: str | None = None, thread_ts: str | None = None,
                user: str = "UASKER", channel: str = CHANNEL, channel_type: str = "channel",
                **extra: Any) -> dict[str, Any]:
        """A plain channel message (message.channels / message.groups), no mention added."""
        event = {"type": "message", "channel_type": channel_type, "user": user, "text": text,
                 "ts": ts or self.next_ts(), "channel": channel, "team": TEAM, **extra}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    async def interactive(self, payload: dict[str, Any]) -> tuple[int, str, float]:
        """POST an interactivity payload (shortcut, block action, view submission) the way
        Slack does: form-encoded `payload=<json>`, signed."""
        body = urlencode({"payload": json.dumps(payload)})
        return await self.send(body, content_type="application/x-www-form-urlencoded")

    def trigger(self) -> str:
        return f"trig.{next(self._ids)}"

    async def event(self, event: dict[str, Any], **kwargs: Any) -> tuple[int, str, float]:
        return await self.send(self.event_body(event, **kwargs))

    async def command(self, text: str, *, user: str = "UASKER",
                      channel: str = CHANNEL) -> tuple[int, str, float]:
        body = urlencode({
            "token": "legacy", "team_id": TEAM, "channel_id": channel, "user_id": user,
            "command": "/sourcebound", "text": text, "trigger_id": f"trig.{next(self._ids)}",
            "response_url": self.api.response_url(f"r{next(self._ids)}"), "api_app_id": "A0APP",
        })
        return await self.send(body, content_type="application/x-www-form-urlencoded")

    def posted(self, *, thread_ts: str | None = None) -> list[Call]:
        calls = self.api.called("chat.postMessage", ok=True)
        if thread_ts is None:
            return calls
        return [c for c in calls if c.params.get("thread_ts") == thread_ts]


def slack_settings(api: FakeSlackApi, db: Path, **overrides: Any) -> Settings:
    return Settings(
        slack_bot_token=SecretStr(TOKEN),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=api.api_url,
        db_path=db,
        limits=overrides.pop("limits", Limits()),
        **overrides,
    )


ServiceFactory = Callable[[HistoryStore, Limits], Service]


def _real_service(store: HistoryStore, limits: Limits) -> Service:
    return Service(store=store, limits=limits)


@asynccontextmanager
async def running(api: FakeSlackApi, db: Path, *, make_service: ServiceFactory | None = None,
                  **overrides: Any) -> AsyncIterator[SlackHarness]:
    settings = slack_settings(api, db, **overrides)
    async with HistoryStore.open(db) as store:
        service = (make_service or _real_service)(store, settings.limits)
        adapter = SlackAdapter(settings=settings, service=service, env=make_environment())
        async with adapter, TestClient(TestServer(adapter.web_app(), port=0)) as http:
            yield SlackHarness(api=api, adapter=adapter, http=http, service=service)


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
async def slack(api: FakeSlackApi, tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running(api, tmp_path / "sourcebound.db") as harness:
        yield harness
