"""Where a Discord reply goes: a channel (`ChannelTarget`) or a live interaction
(`InteractionTarget`), and the keyword arguments every send and edit carries.

Every send carries `AllowedMentions.none()` (the client default too): pasted text is also
defanged by the templates, but a mention that slipped through must still ping no one. Every
channel post carries a fixed nonce per (delivery, part, message); discord.py then sends
`enforce_nonce`, so a post that landed before a crash could record it is not created twice.
Interaction webhooks take no nonce, so the only webhook call left is the edit of the
deferred "thinking…" response (`PATCH …/@original`), which a retry repeats harmlessly.
"""

from __future__ import annotations

import io
import logging
from typing import Any, Protocol

import discord

from bot.render.discord import PNG_FILENAME, DiscordMessage

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
TOKEN_GONE = (401, 404)  # an interaction token past its 15 minutes, or an unknown one

Interaction = discord.Interaction[discord.Client]


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


def edit_kwargs(msg: DiscordMessage, png: bytes | None,
                view: discord.ui.View | None = None) -> dict[str, Any]:
    """Keyword arguments for `Message.edit` / `edit_original_response`: every field set, so
    an edit replaces all of what the message showed before (text, embeds, image, buttons)."""
    kwargs = send_kwargs(msg, png)
    file = kwargs.pop("file", None)
    kwargs.setdefault("content", None)
    kwargs.setdefault("embeds", [])
    kwargs["attachments"] = [file] if file is not None else []
    kwargs["view"] = view
    return kwargs


def nonce_for(delivery_id: int, part: int, index: int) -> str:
    return f"sb{delivery_id}.{part}.{index}"[:25]  # Discord takes at most 25 characters


class Target(Protocol):
    async def send(self, msg: DiscordMessage, png: bytes | None, *, nonce: str | None = None,
                   first: bool = False, view: discord.ui.View | None = None) -> int:
        """Post `msg`; the id of the message that shows it. `first`: the reply's first
        message (an interaction shows it in place of its "thinking…" response)."""
        ...


    async def edit(self, message_id: int, msg: DiscordMessage, png: bytes | None, *,
                   view: discord.ui.View | None = None) -> None:
        """Rewrite the bot's message `message_id` here to show `msg` (all of it)."""
        ...

    async def delete(self, message_id: int) -> None:
        """Remove the bot's message `message_id` here (already gone is fine)."""
        ...


class ChannelTarget:
    """A channel, thread or DM (cached or partial): posted to with the bot token."""

    def __init__(self, channel: discord.abc.Messageable) -> None:
        self.channel = channel

    def _message(self, message_id: int) -> discord.PartialMessage:
        channel = self.channel
        if not isinstance(channel, (discord.PartialMessageable, discord.TextChannel,
                                    discord.Thread, discord.DMChannel, discord.VoiceChannel,
                                    discord.StageChannel)):
            raise TypeError(f"cannot address messages in {type(channel).__name__}")
        return channel.get_partial_message(message_id)

    async def edit(self, message_id: int, msg: DiscordMessage, png: bytes | None, *,
                   view: discord.ui.View | None = None) -> None:
        await self._message(message_id).edit(**edit_kwargs(msg, png, view))

    async def delete(self, message_id: int) -> None:
        try:
            await self._message(message_id).delete()
        except discord.NotFound:
            pass

    async def send(self, msg: DiscordMessage, png: bytes | None, *, nonce: str | None = None,
                   first: bool = False, view: discord.ui.View | None = None) -> int:
        kwargs = send_kwargs(msg, png)
        if nonce is not None:
            kwargs["nonce"] = nonce
        if view is not None:
            kwargs["view"] = view
        posted = await self.channel.send(**kwargs)
        return posted.id


class InteractionTarget:
    """An interaction this process deferred: the reply's first message replaces the
    "thinking…" response; the rest are channel posts (with nonces) in `channel`. With
    `starts_thread` the courier only `replace`s the response with a note and posts the
    reply in a thread started from it. Once Discord rejects the token (15 minutes), the
    response `response_id` is edited with the bot token, which Discord allows for
    non-ephemeral responses; failing that, the first message is a channel post too."""

    def __init__(self, interaction: Interaction, channel: discord.abc.Messageable, *,
                 starts_thread: bool = False, response_id: int | None = None) -> None:
        self.interaction = interaction
        self.channel = ChannelTarget(channel)
        # In a guild text channel the response only anchors a thread the answer goes in.
        self.starts_thread = starts_thread
        self.response_id = response_id
        self._expired = False

    async def replace(self, msg: DiscordMessage, png: bytes | None = None,
                      view: discord.ui.View | None = None) -> int | None:
        """Show `msg` as the interaction's response; its message id, or None when neither
        the token nor the bot token may edit it."""
        if not self._expired:
            try:
                shown = await self.interaction.edit_original_response(
                    **edit_kwargs(msg, png, view))
            except discord.HTTPException as exc:
                if exc.status not in TOKEN_GONE:
                    raise
                log.warning("interaction token rejected (%s); editing with the bot token",
                            exc.status)
                self._expired = True
            else:
                return shown.id
        if self.response_id is None:
            return None
        try:
            await self.channel.edit(self.response_id, msg, png, view=view)
        except discord.HTTPException as exc:
            if exc.status == 429 or exc.status >= 500:
                raise  # retried later, like any refused post
            log.warning("interaction response not editable (%s); posting instead", exc.status)
            self.response_id = None
            return None
        return self.response_id

    async def edit(self, message_id: int, msg: DiscordMessage, png: bytes | None, *,
                   view: discord.ui.View | None = None) -> None:
        await self.channel.edit(message_id, msg, png, view=view)

    async def delete(self, message_id: int) -> None:
        await self.channel.delete(message_id)

    async def send(self, msg: DiscordMessage, png: bytes | None, *, nonce: str | None = None,
                   first: bool = False, view: discord.ui.View | None = None) -> int:
        if first:
            shown = await self.replace(msg, png, view)
            if shown is not None:
                return shown
        return await self.channel.send(msg, png, nonce=nonce, view=view)
