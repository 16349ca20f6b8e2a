"""A fake Slack Socket Mode endpoint: an aiohttp websocket server on 127.0.0.1, port 0.

    async with FakeSlackApi() as api, FakeSocketMode() as socket:
        api.socket_url = socket.url          # what apps.connections.open hands out
        ...                                  # the app connects
        link = await socket.wait_connected()
        envelope_id = await socket.send_envelope("events_api", body)
        ack = await socket.wait_ack(envelope_id)

Speaks what Slack speaks: `{"type": "hello", …}` on connect; envelopes
`{"envelope_id", "type": "events_api" | "slash_commands" | …, "payload",
"accepts_response_payload"}` that the app answers with `{"envelope_id"[, "payload"]}`;
`{"type": "disconnect", "reason": …}` asks the app to fetch a new URL and reconnect. Pings are
answered by hand (autoping off) so tests can see the client's keep-alive.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import WSMsgType, web

PATH = "/link"


@dataclass
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    sent_at: float  # monotonic time the envelope left the fake
    acked_at: float

    @property
    def seconds(self) -> float:
        return self.acked_at - self.sent_at


@dataclass
class Link:
    """One websocket connection the app opened."""

    ws: web.WebSocketResponse
    opened_at: float = field(default_factory=time.monotonic)
    closed_at: float | None = None
    close_code: int | None = None
    pings: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)


class FakeSocketMode:
    def __init__(self, *, app_id: str = "A0APP") -> None:
        self.app_id = app_id
        self.links: list[Link] = []
        self.acks: dict[str, Ack] = {}
        self.unknown: list[str] = []  # frames that were not an envelope ack
        self._sent: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_get(PATH, self._link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            for link in self.links:
                if not link.ws.closed:
                    await link.ws.close()
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{PATH}"

    # --- the server side ----------------------------------------------------------------------

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        link = Link(ws=ws)
        self.links.append(link)
        await ws.send_str(json.dumps({
            "type": "hello",
            "num_connections": sum(1 for x in self.links if x.closed_at is None),
            "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }))
        try:
            async for message in ws:
                if message.type == WSMsgType.PING:
                    link.pings += 1
                    await ws.pong(message.data)
                elif message.type == WSMsgType.TEXT:
                    self._on_text(link, str(message.data))
        finally:
            link.closed_at = time.monotonic()
            link.close_code = ws.close_code
        return ws

    def _on_text(self, link: Link, raw: str) -> None:
        now = time.monotonic()
        data = json.loads(raw)
        link.received.append(data)
        envelope_id = data.get("envelope_id") if isinstance(data, dict) else None
        if not envelope_id or envelope_id not in self._sent:
            self.unknown.append(raw)
            return
        self.acks[envelope_id] = Ack(envelope_id, data.get("payload"), self._sent[envelope_id], now)

    # --- what tests do ------------------------------------------------------------------------

    def open_links(self) -> list[Link]:
        return [link for link in self.links if link.closed_at is None]

    async def wait_connected(self, *, count: int = 1, timeout: float = 5.0) -> Link:
        """The `count`-th connection once it is open (the hello is already sent)."""
        await _poll(lambda: len(self.links) >= count, timeout, f"{count} socket connection(s)")
        return self.links[count - 1]

    async def send_envelope(self, kind: str, payload: dict[str, Any], *,
                            accepts_response_payload: bool = False,
                            envelope_id: str | None = None, **extra: Any) -> str:
        """Send an envelope on the newest open connection; returns its envelope_id."""
        (*_, link) = self.open_links()
        envelope_id = envelope_id or f"env-{next(self._ids):04d}"
        self._sent[envelope_id] = time.monotonic()
        await link.ws.send_str(json.dumps({
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }))
        return envelope_id

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """What Slack sends a few seconds before it drops a connection (about hourly)."""
        (*_, link) = self.open_links()
        await link.ws.send_str(json.dumps({
            "type": "disconnect", "reason": reason,
            "debug_info": {"host": "applink-fake"},
        }))

    async def wait_ack(self, envelope_id: str, *, timeout: float = 5.0) -> Ack:
        await _poll(lambda: envelope_id in self.acks, timeout, f"ack of {envelope_id}")
        return self.acks[envelope_id]

    async def wait_closed(self, link: Link, *, timeout: float = 5.0) -> None:
        await _poll(lambda: link.closed_at is not None, timeout, "the socket to close")


async def _poll(done: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)
