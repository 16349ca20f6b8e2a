"""Posting rendered replies: where they go (`Target`) and the part-by-part delivery record.

Every send carries `AllowedMentions.none()` (the client default too): pasted text is also
defanged by the templates, but a mention that slipped through must still ping no one.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any, Protocol

import discord
import jinja2

from bot.chat import Reply
from bot.render.discord import PNG_FILENAME, DiscordMessage, Part, render_reply
from bot.render.png import diagram_png
from bot.service import Service
from bot.settings import Limits

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


def send_kwargs(msg: DiscordMessage, png: bytes | None) -> dict[str, Any]:
    """Keyword arguments for `Messageable.send` and `Webhook.send` alike (both treat a
    missing key as "not set"; `Webhook.send` does not accept `file=None`)."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if msg["content"]:
        kwargs["content"] = msg["content"]
    if msg["embeds"]:
        kwargs["embeds"] = [discord.Embed.from_dict(e) for e in msg["embeds"]]
    if msg["png"] and png is not None:
        # A fresh File per send: discord.py rewinds it on retries, never across sends.
        kwargs["file"] = discord.File(io.BytesIO(png), filename=PNG_FILENAME)
    return kwargs


class Target(Protocol):
    async def send(self, msg: DiscordMessage, png: bytes | None) -> None: ...


class ChannelTarget:
    """A channel, thread or DM (cached or partial): posted to with the bot token."""

    def __init__(self, channel: discord.abc.Messageable) -> None:
        self.channel = channel

    async def send(self, msg: DiscordMessage, png: bytes | None) -> None:
        await self.channel.send(**send_kwargs(msg, png))


class FollowupTarget:
    """An interaction's follow-up webhook; the first follow-up after `defer(thinking=True)`
    replaces the "thinking…" message. The token lives 15 minutes: once Discord rejects it
    (401/404), the rest goes to `fallback` (the channel) with the bot token."""

    def __init__(self, webhook: discord.Webhook,
                 fallback: discord.abc.Messageable | None = None) -> None:
        self.webhook = webhook
        self.fallback = fallback
        self._expired = False

    async def send(self, msg: DiscordMessage, png: bytes | None) -> None:
        if self._expired and self.fallback is not None:
            await self.fallback.send(**send_kwargs(msg, png))
            return
        try:
            await self.webhook.send(**send_kwargs(msg, png))
        except discord.HTTPException as exc:
            if exc.status not in (401, 404) or self.fallback is None:
                raise
            log.warning("interaction token rejected (%s); posting in the channel", exc.status)
            self._expired = True
            await self.fallback.send(**send_kwargs(msg, png))


async def send_part(target: Target, part: Part, png: bytes | None = None) -> None:
    for msg in part:
        await target.send(msg, png)


class Poster:
    """Renders a `Reply` and posts its parts from `reply.parts_done` on, recording each part
    with the service, so a restart re-posts only what is missing."""

    def __init__(self, *, service: Service, env: jinja2.Environment, limits: Limits) -> None:
        self._service = service
        self._env = env
        self._limits = limits

    def parts(self, reply: Reply, *, png: bool) -> list[Part]:
        return render_reply(reply, env=self._env, limits=self._limits, png=png)

    async def deliver(self, reply: Reply, target: Target) -> None:
        """Post the missing parts; discord.py errors propagate (the reply stays pending)."""
        png = await self._png(reply)
        parts = self.parts(reply, png=png is not None)
        for index in range(reply.parts_done, len(parts)):
            await send_part(target, parts[index], png)
            await self._service.delivered(reply.delivery_id, index + 1, parts_total=len(parts))
        if reply.parts_done >= len(parts):  # nothing left to post: close the record
            await self._service.delivered(reply.delivery_id, reply.parts_done,
                                          parts_total=len(parts))
        log.info("delivery %d posted (%d parts)", reply.delivery_id, len(parts))

    async def _png(self, reply: Reply) -> bytes | None:
        if reply.answer is None or reply.parts_done >= 2:  # the diagram is part 2
            return None
        # `dot` is a subprocess: keep it off the event loop that runs the gateway heartbeat.
        return await asyncio.to_thread(diagram_png, reply.answer.workflow)
