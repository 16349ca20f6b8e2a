"""Serving the bolt app: Socket Mode when an app token is set, else the HTTP Events API on
aiohttp (`POST /slack/events`). `web_application` is the same aiohttp app tests serve on
port 0."""

from __future__ import annotations

import asyncio
import logging
import os
import time

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.slack.verify import Rejected, check_body, check_signature
from bot.errors import ConfigError

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def web_application(app: AsyncApp, *, signing_secret: str = "") -> web.Application:
    """With `signing_secret`, every request is checked on its raw bytes first
    (`adapters.slack.verify`); refusals get 400/401 and one WARNING line, never the body."""

    async def events(request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            if signing_secret:
                check_signature(raw, request.headers, secret=signing_secret, now=time.time())
            check_body(raw, request.content_type)
        except Rejected as refused:
            # Never the body: it is whatever someone sent us (bolt's own log line is filtered).
            log.warning("rejected a Slack request from %s: %s", request.remote, refused.reason)
            return web.Response(status=refused.status, text="")
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        if bolt_response.status == 401:
            log.warning("rejected a Slack request from %s: bad signature or stale timestamp",
                        request.remote)
        return await to_aiohttp_response(bolt_response)

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    application = web.Application()
    application.router.add_post(EVENTS_PATH, events)
    application.router.add_get("/healthz", health)
    return application


# The kernel's accept queue: aiohttp's default (128) drops connections of a 200-event burst.
LISTEN_BACKLOG = 1024


async def serve_http(app: AsyncApp, *, port: int, host: str, signing_secret: str = "") -> None:
    """Serve until cancelled."""
    runner = web.AppRunner(web_application(app, signing_secret=signing_secret),
                           access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, backlog=LISTEN_BACKLOG)
        try:
            await site.start()
        except OSError as exc:
            # Named here, where it is known to be our own bind: an unresolvable HOST raises
            # the same `gaierror` as an unreachable Slack would.
            # asyncio rewords a bind error ("error while attempting to bind on …"); a
            # resolver error has a negative errno and its own wording.
            cause = (os.strerror(exc.errno) if exc.errno and exc.errno > 0
                     else exc.strerror or str(exc))
            raise ConfigError(
                f"cannot listen on {host}:{port} (HOST, PORT) for the Slack Events API: {cause}"
            ) from None
        log.info("Slack events API listening on %s:%s%s", host, port, EVENTS_PATH)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_socket_mode(app: AsyncApp, *, app_token: str) -> None:
    """Hold a Socket Mode connection until cancelled."""
    # The handler's client opens an aiohttp session and a task as it is built, and keeps
    # retrying a refused connection: cancelling during connect must still close it.
    # It talks to the Web API (apps.connections.open) through `app.client`, so it follows
    # SLACK_API_URL.
    await _check_app_token(app, app_token)
    handler = AsyncSocketModeHandler(app, app_token)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack Socket Mode connected")
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


# slack_sdk retries a refused connection every 10 s forever: a wrong token would look like a
# running bot that never answers. Ask once up front and stop with the reason instead.
_BAD_TOKEN = {"invalid_auth", "not_authed", "not_allowed_token_type", "token_revoked",
              "account_inactive", "token_expired"}


async def _check_app_token(app: AsyncApp, app_token: str) -> None:
    try:
        await app.client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if error in _BAD_TOKEN:
            raise ConfigError(f"SLACK_APP_TOKEN was refused by Slack ({error})") from None
        # Anything else may pass: the socket client retries it on its own.
        log.warning("apps.connections.open failed (%s); retrying in the background", error)
