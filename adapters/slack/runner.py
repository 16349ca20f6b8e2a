"""Serving the bolt app: Socket Mode when an app token is set, else the HTTP Events API on
aiohttp (`POST /slack/events`). `web_application` is the same aiohttp app tests serve on
port 0."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def web_application(app: AsyncApp) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        if bolt_response.status == 401:
            # Never the body: it is whatever someone sent us (bolt's own log line is filtered).
            log.warning("rejected a Slack request from %s: bad signature or stale timestamp",
                        request.remote)
        return await to_aiohttp_response(bolt_response)

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    application = web.Application()
    application.router.add_post(EVENTS_PATH, events)
    application.router.add_get("/healthz", health)
    return application


async def serve_http(app: AsyncApp, *, port: int, host: str = "0.0.0.0") -> None:
    """Serve until cancelled."""
    runner = web.AppRunner(web_application(app), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("Slack events API listening on %s:%s%s", host, port, EVENTS_PATH)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_socket_mode(app: AsyncApp, *, app_token: str) -> None:
    """Hold a Socket Mode connection until cancelled."""
    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("Slack Socket Mode connected")
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
