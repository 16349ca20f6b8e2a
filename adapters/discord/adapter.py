"""`DiscordAdapter`: logs in and starts its worker on enter, serves the gateway in `run()`;
on exit the worker stops claiming and gets a grace period, then the client closes."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import ClassVar, Self

import discord
import jinja2
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.base import ChatAdapter
from adapters.discord.client import SourceboundClient
from bot.chat import Platform
from bot.delivery import Policy
from bot.errors import ConfigError
from bot.service import Service
from bot.settings import DISCORD_API, Settings
from bot.worker import Worker

SHUTDOWN_GRACE = 10.0  # seconds running answers get to finish on shutdown

log = logging.getLogger(__name__)


class DiscordAdapter(ChatAdapter):
    platform: ClassVar[Platform] = "discord"

    def __init__(
        self,
        *,
        settings: Settings,
        service: Service,
        env: jinja2.Environment,
        guild_ready_timeout: float = 2.0,
        policy: Policy | None = None,
    ) -> None:
        if settings.discord_token is None:
            raise ConfigError("DISCORD_TOKEN is not set")
        self._settings = settings
        self._token = settings.discord_token
        self.client = SourceboundClient(
            settings=settings, service=service, env=env, guild_ready_timeout=guild_ready_timeout
        )
        self._endpoints: tuple[str, yarl.URL] | None = None
        self._service = service
        self._policy = policy or settings.delivery_policy()
        self._worker: Worker | None = None

    @property
    def busy(self) -> int:
        return self._worker.busy if self._worker is not None else 0

    def _point_at_endpoints(self) -> None:
        """discord.py keeps the REST base (`Route.BASE`) and the gateway a plain Client
        connects to (`DiscordWebSocket.DEFAULT_GATEWAY`; discord.py does not ask the API — see
        `_ask_for_gateway`) in class
        attributes, so they are set here, when this adapter starts, and put back on exit.
        One process therefore talks to one Discord API at a time."""
        self._endpoints = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        Route.BASE = self._settings.discord_api_url.rstrip("/")
        if self._settings.discord_gateway_url:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self._settings.discord_gateway_url)

    async def __aenter__(self) -> Self:
        self._point_at_endpoints()
        try:
            await self.client.login(self._token.get_secret_value())
        except BaseException as exc:
            await self.__aexit__(type(exc), exc, exc.__traceback__)
            if isinstance(exc, discord.LoginFailure):
                raise ConfigError("Discord rejected DISCORD_TOKEN") from exc
            raise
        await self._ask_for_gateway()
        self._worker = Worker(service=self._service, courier=self.client.handler.courier,
                              policy=self._policy)
        await self._worker.__aenter__()
        return self

    async def _ask_for_gateway(self) -> None:
        """Against a REST API other than Discord's own (a proxy, a test fake) with no
        DISCORD_GATEWAY_URL, take the gateway that API names (`GET /gateway/bot`), so the bot
        never mixes a local API with the real gateway."""
        if self._settings.discord_gateway_url or self._settings.discord_api_url.rstrip(
            "/"
        ) == DISCORD_API:
            return
        try:
            _, url, _ = await self.client.http.get_bot_gateway()
        except discord.DiscordException as exc:
            log.warning("the API named no gateway (%s); using discord.py's default", exc)
            return
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

    async def run(self) -> None:
        await self.client.connect(reconnect=True)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._worker is not None:
            await self._worker.stop(grace=SHUTDOWN_GRACE)
            self._worker = None
        await self.client.close()
        if self._endpoints is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._endpoints
            self._endpoints = None
