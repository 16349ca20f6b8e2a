"""`SlackAdapter`: the Slack connector's lifecycle around the bolt app.

    async with SlackAdapter(settings=…, service=…, env=…) as slack:   # HTTP session, worker
        await slack.run()                                               # Socket Mode or HTTP

On entry it starts a `bot.worker.Worker` for Slack, which answers the inbox's jobs and
delivers replies (including those a crashed process left unfinished); on exit the worker stops
claiming, lets running answers finish within the grace, and leaves the rest queued.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import ClassVar, Self
from urllib.parse import urlsplit

import aiohttp
import jinja2
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.base import ChatAdapter
from adapters.slack.app import build_app, make_client, web_api_json, with_retries
from adapters.slack.feedback import FeedbackListeners
from adapters.slack.files import FileFetcher
from adapters.slack.handlers import Handlers, Tasks
from adapters.slack.post import SlackCourier
from adapters.slack.runner import serve_http, serve_socket_mode, web_application
from adapters.slack.shortcuts import Shortcuts
from bot.chat import Platform
from bot.delivery import Policy
from bot.errors import ConfigError
from bot.service import Service
from bot.settings import Settings
from bot.worker import Worker

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 10.0  # seconds running answers get to finish on shutdown


class SlackAdapter(ChatAdapter):
    platform: ClassVar[Platform] = "slack"

    def __init__(
        self,
        *,
        settings: Settings,
        service: Service,
        env: jinja2.Environment,
        client: AsyncWebClient | None = None,
        policy: Policy | None = None,
    ) -> None:
        if settings.slack_bot_token is None and client is None:
            raise ConfigError("SLACK_BOT_TOKEN is not set")
        if settings.slack_app_token is None and settings.slack_signing_secret is None:
            raise ConfigError("set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)")
        self._settings = settings
        self._service = service
        self._owns_client = client is None
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
        self.client = with_retries(client) if client is not None else make_client(
            token=token, base_url=settings.slack_api_url
        )
        self._tasks = Tasks()
        self._policy = policy or settings.delivery_policy()
        self._worker: Worker | None = None
        self.courier = SlackCourier(
            client=self.client,
            env=env,
            limits=settings.limits,
            command=settings.slack_command,
            feedback=settings.slack_feedback,
        )
        self._handlers = Handlers(
            service=service,
            poster=self.courier,
            env=env,
            limits=settings.limits,
            command=settings.slack_command,
            tasks=self._tasks,
        )
        secret = settings.slack_signing_secret
        self._secret = secret.get_secret_value() if secret else ""
        self.app: AsyncApp = build_app(
            client=self.client,
            signing_secret=secret.get_secret_value() if secret else "",
            command=settings.slack_command,
            listeners=self._handlers,
            shortcuts=Shortcuts(service=service, env=env, limits=settings.limits,
                                tasks=self._tasks),
            feedback=FeedbackListeners(service=service, env=env, tasks=self._tasks),
        )
        self._session: aiohttp.ClientSession | None = None

    @property
    def busy(self) -> int:
        """Answers and deliveries being worked on right now (tests and the benchmark wait
        for 0), plus keyword replies."""
        return len(self._tasks) + (self._worker.busy if self._worker is not None else 0)

    def web_app(self) -> web.Application:
        """The aiohttp application serving `POST /slack/events` (tests serve it on port 0)."""
        return web_application(self.app, signing_secret=self._secret)

    async def __aenter__(self) -> Self:
        # The Web API authenticates by token; cookies Slack may set are never needed, and a
        # real jar filters and stores them on every call.
        self._session = aiohttp.ClientSession(json_serialize=web_api_json,
                                              cookie_jar=aiohttp.DummyCookieJar())
        if self._owns_client and self.client.session is None:
            self.client.session = self._session  # reuse connections to the Web API
        self.courier.fetcher = FileFetcher(
            session=self._session,
            token=self.client.token or "",
            limits=self._settings.limits,
            trusted_hosts=frozenset({(urlsplit(self._settings.slack_api_url).hostname or "").lower()}),
        )
        self._worker = Worker(service=self._service, courier=self.courier, policy=self._policy)
        await self._worker.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._worker is not None:
            await self._worker.stop(grace=SHUTDOWN_GRACE)
            self._worker = None
        await self._tasks.close(grace=1.0)
        if self._owns_client and self.client.session is self._session:
            self.client.session = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def run(self) -> None:
        """Serve until cancelled: Socket Mode with an app token, else HTTP on `settings.port`."""
        if self._settings.slack_app_token is not None:
            await serve_socket_mode(self.app, app_token=self._settings.slack_app_token.get_secret_value())
        else:
            await serve_http(self.app, port=self._settings.port, host=self._settings.host,
                             signing_secret=self._secret)
