"""The `discord.Client` subclass: intents, safe defaults, the command tree, event hooks.

No `commands.Bot`: there are no prefix commands, and a plain Client does one fewer API call at
login. Events only hand over to the `Handler`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import discord
import jinja2
from discord import app_commands

from adapters.discord.commands import register
from adapters.discord.context_menu import AskAboutMessage
from adapters.discord.feedback import FeedbackButton, FeedbackDesk
from adapters.discord.handler import Handler
from adapters.discord.targets import NO_MENTIONS
from bot.service import Service
from bot.settings import Settings

log = logging.getLogger(__name__)

# A 429 asking us to wait longer than this raises `RateLimited` instead of sleeping (30 s is
# discord.py's minimum): the reply stays pending rather than a handler hanging for minutes.
MAX_RATELIMIT_WAIT = 30.0


def intents_for(settings: Settings) -> discord.Intents:
    intents = discord.Intents.default()
    # Privileged: must also be enabled in the Developer Portal, or login fails with 4014.
    intents.message_content = settings.discord_message_content
    return intents


class SourceboundClient(discord.Client):
    def __init__(
        self,
        *,
        settings: Settings,
        service: Service,
        env: jinja2.Environment,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            intents=intents_for(settings),
            allowed_mentions=NO_MENTIONS,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            guild_ready_timeout=guild_ready_timeout,
            chunk_guilds_at_startup=False,
        )
        self.feedback_desk = FeedbackDesk(service=service, env=env)
        # Buttons of every earlier answer keep working: the pattern, not a view, is kept.
        self.add_dynamic_items(FeedbackButton)
        self.handler = Handler(
            client=self,
            service=service,
            env=env,
            limits=settings.limits,
            message_content=settings.discord_message_content,
            forums=settings.discord_forums,
            buttons=self.feedback_desk.view,
        )
        self.tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(self)
        register(self.tree, handler=self.handler, env=env)
        self.ask_about = AskAboutMessage(handler=self.handler, env=env)
        self.tree.add_command(self.ask_about.command())
        self._sync_commands = settings.discord_sync_commands
        self.redelivered = asyncio.Event()  # set on the first READY (tests wait for it)

    async def setup_hook(self) -> None:
        if self._sync_commands == "never":
            return
        if self._sync_commands == "auto":
            registered = await self.tree.fetch_commands()
            if _shape(c.to_dict() for c in registered) == _shape(
                c.to_dict(self.tree) for c in self.tree.get_commands()
            ):
                log.info("application commands up to date")
                return
        synced = await self.tree.sync()
        log.info("synced %d application commands", len(synced))

    async def on_ready(self) -> None:
        # Unfinished work of an earlier run is resumed by the adapter's worker, which claims
        # each job and delivery first: nothing here races the live handler any more.
        self.redelivered.set()

    async def on_message(self, message: discord.Message) -> None:
        await self.handler.on_message(message)

    async def on_interaction(self, interaction: discord.Interaction[discord.Client]) -> None:
        await self.feedback_desk.on_interaction(interaction)
        await self.ask_about.on_interaction(interaction)

    async def on_thread_create(self, thread: discord.Thread) -> None:
        await self.handler.on_thread_create(thread)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        # Raw: the asking message is rarely still in the cache a day later.
        await self.handler.on_edit(payload)


def _shape(commands: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """What a person sees of each command: its kind (slash or context menu), description and
    its options' names and types."""
    return {
        str(c["name"]): (
            str(c.get("type", 1)),
            str(c.get("description", "")),
            *(f"{o['name']}:{o['type']}:{bool(o.get('required'))}" for o in c.get("options", [])),
        )
        for c in commands
    }
