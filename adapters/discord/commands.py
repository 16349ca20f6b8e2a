"""The application commands: `/ask question [file]`, `/history`, `/forget`, `/help`.

Descriptions come from `templates/discord/labels.j2`; the callbacks only hand over to the
`Handler`. Registering is local; `sync` (one rate-limited PUT) happens only when configured.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
import jinja2
from discord import app_commands

from adapters.discord.handler import Handler, Interaction
from bot.render.discord import label

log = logging.getLogger(__name__)


def _guarded(
    handler: Handler, work: Callable[[], Awaitable[None]], interaction: Interaction
) -> Awaitable[None]:
    async def run() -> None:
        try:
            await work()
        except Exception:  # the edge: a bug must still end in a short reply
            log.exception("discord interaction %s failed", interaction.id)
            await handler.apologise_to(interaction)

    return run()


def register(
    tree: app_commands.CommandTree[discord.Client], *, handler: Handler, env: jinja2.Environment
) -> None:
    @app_commands.describe(question=label(env, "ask_question"), file=label(env, "ask_file"))
    async def ask(
        interaction: Interaction, question: str, file: discord.Attachment | None = None
    ) -> None:
        await _guarded(handler, lambda: handler.slash_ask(interaction, question, file),
                       interaction)

    async def history(interaction: Interaction) -> None:
        await _guarded(handler, lambda: handler.slash_history(interaction), interaction)

    async def forget(interaction: Interaction) -> None:
        await _guarded(handler, lambda: handler.slash_forget(interaction), interaction)

    async def help_(interaction: Interaction) -> None:
        await _guarded(handler, lambda: handler.slash_help(interaction), interaction)

    for name, callback in (("ask", ask), ("history", history), ("forget", forget),
                           ("help", help_)):
        tree.add_command(
            app_commands.Command(
                name=name, description=label(env, f"{name}_description"), callback=callback
            )
        )
