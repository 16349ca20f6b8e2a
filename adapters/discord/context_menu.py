""""Ask Sourcebound" on any message (a message context menu, application command type 3).

Using it opens a one-field modal for the question (empty: an overview). On submit the
target message's text and its text attachments become the source block, the question goes
through the durable inbox like any other, and the answer is posted with the bot token where
a mention of that message would be answered: a thread started from it (the thread it is in,
or the DM). The person who asked sees an ephemeral note.

The modal's custom_id names the target (`sourcebound:ask:{channel id}:{message id}`) and its
submit is taken in `on_interaction` by that prefix, not by a modal object discord.py keeps in
memory: a box opened before a restart still answers. The message the menu delivered is kept
(bounded) for the submit; after a restart it is fetched again by its id.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict

import discord
import jinja2
from discord import app_commands

from adapters.discord.events import PLATFORM, file_refs, place_entry
from adapters.discord.feedback import submitted_text
from adapters.discord.handler import Handler, Interaction
from adapters.discord.modal import PasteModal
from adapters.discord.targets import edit_kwargs, send_kwargs
from bot.attachments import is_text_type
from bot.chat import Attachment, FileRef, Incoming
from bot.render.discord import label, render_notice
from bot.safety import strip_controls

log = logging.getLogger(__name__)

PREFIX = "sourcebound:ask:"
ASK_ID = re.compile(re.escape(PREFIX) + r"(?P<channel>[0-9]{1,20}):(?P<message>[0-9]{1,20})")
READABLE = (discord.TextChannel, discord.Thread, discord.DMChannel, discord.VoiceChannel,
            discord.StageChannel)
TARGETS_KEPT = 256  # messages whose question box may still be open (each lasts 15 minutes)


def ask_id(message: discord.Message) -> str:
    return f"{PREFIX}{message.channel.id}:{message.id}"  # under Discord's 100 characters


def message_text(message: discord.Message) -> str:
    """What the target shows as text: its content and its embeds' titles, descriptions and
    fields (a link preview, another bot's answer — or ours, whose links are an embed)."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or ""]
        parts += [f"{field.name}\n{field.value}" for field in embed.fields]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def text_files(message: discord.Message) -> list[FileRef]:
    """The target's attachments the core can read (images and the like are left out rather
    than refused: the message's text may be enough)."""
    return [ref for ref in file_refs(list(message.attachments))
            if is_text_type(Attachment(name=ref.name, data=b"", mimetype=ref.mimetype))]


class AskAboutMessage:
    def __init__(self, *, handler: Handler, env: jinja2.Environment) -> None:
        self._handler = handler
        self._env = env
        # The messages the menu was used on, by the modal's custom_id: the interaction
        # carried them whole (content even without the Message Content intent).
        self._targets: OrderedDict[str, discord.Message] = OrderedDict()

    def command(self) -> app_commands.ContextMenu:
        async def ask(interaction: Interaction, message: discord.Message) -> None:
            try:
                await self.open(interaction, message)
            except Exception:  # the edge: a bug must still end in a short reply
                log.exception("discord interaction %s failed", interaction.id)
                await self._handler.apologise_to(interaction)

        return app_commands.ContextMenu(name=label(self._env, "context_menu_name"),
                                        callback=ask)

    async def open(self, interaction: Interaction, message: discord.Message) -> None:
        files = text_files(message)
        if not message_text(message) and not files:
            msg = render_notice("context_empty", env=self._env)
            await interaction.response.send_message(ephemeral=True, **send_kwargs(msg, None))
            return

        key = ask_id(message)
        self._targets[key] = message
        self._targets.move_to_end(key)
        while len(self._targets) > TARGETS_KEPT:
            self._targets.popitem(last=False)

        async def ignored(submitted: Interaction, question: str) -> None:
            return None  # the submit is taken by `on_interaction`, restart or not

        limit = self._handler.limits.max_question_chars
        modal = PasteModal(
            title=label(self._env, "context_title"),
            label=label(self._env, "context_label"),
            placeholder=label(self._env, "context_placeholder"),
            on_paste=ignored,
            required=False,
            max_length=limit,
            custom_id=key,
        )
        # Stopped before it is sent, so discord.py does not keep it (and its 15-minute
        # timer) in memory: nothing of it is needed to take the submit.
        modal.stop()
        await interaction.response.send_modal(modal)

    async def on_interaction(self, interaction: Interaction) -> None:
        """Every interaction passes here; the submit of an "Ask Sourcebound" box is taken."""
        if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
            return
        key = str(interaction.data.get("custom_id", ""))
        match = ASK_ID.fullmatch(key)
        if match is None:
            return
        try:
            message = self._targets.get(key) or await self._fetch(
                interaction, int(match["channel"]), int(match["message"]))
            if message is None:
                msg = render_notice("context_gone", env=self._env)
                await interaction.response.send_message(ephemeral=True,
                                                        **send_kwargs(msg, None))
                return
            await self.submit(interaction, message, submitted_text(interaction.data),
                              text_files(message))
        except Exception:  # the edge: a bug must still end in a short reply
            log.exception("discord interaction %s failed", interaction.id)
            await self._handler.apologise_to(interaction)

    async def _fetch(self, interaction: Interaction, channel_id: int,
                     message_id: int) -> discord.Message | None:
        """The target again (after a restart), from the channel the box was opened in;
        None when it is gone or not readable."""
        channel: discord.abc.Messageable
        if isinstance(interaction.channel, READABLE) and interaction.channel.id == channel_id:
            channel = interaction.channel  # cached: the place is known as a thread or channel
        else:
            channel = interaction.client.get_partial_messageable(
                channel_id, guild_id=interaction.guild_id)
        try:
            message = await channel.fetch_message(message_id)
        except (discord.NotFound, discord.Forbidden) as exc:
            log.warning("discord interaction %s: message %s not readable (%s)",
                        interaction.id, message_id, exc.status)
            return None
        # Without the Message Content intent a fetched message's text reads empty.
        if not message_text(message) and not text_files(message):
            return None
        return message

    async def submit(self, interaction: Interaction, message: discord.Message, question: str,
                     files: list[FileRef]) -> None:
        # Ephemeral: only the asker sees the "thinking…" and the note that replaces it.
        await interaction.response.defer(ephemeral=True, thinking=True)
        entry = place_entry(message)
        question = strip_controls(question).strip() or label(self._env, "overview_question")
        incoming = Incoming(
            place=entry.place,
            user=str(interaction.user.id),
            event_id=str(interaction.id),
            # Keyed on the submit: asking twice about one message is two questions.
            message_key=f"{message.channel.id}:{interaction.id}",
            text=message_text(message),  # all source block: the question is the modal's
            question=question,
            files=files,
            in_thread=False,  # the message is the source, never an earlier one of its thread
        )
        try:
            await self._handler.service.accept(incoming)
        except Exception:
            log.exception("discord interaction %s: could not be accepted", interaction.id)
            await self._handler.apologise_to(interaction)
            return
        note = render_notice("context_note", env=self._env, in_dm=entry.place.is_dm)
        try:
            await interaction.edit_original_response(**edit_kwargs(note, None))
        except discord.HTTPException as exc:  # a courtesy: the answer is queued anyway
            log.warning("discord interaction %s: note not shown (%s)", interaction.id,
                        exc.status)
        log.info("discord context menu %s on message %s accepted (%s)", interaction.id,
                 message.id, PLATFORM)
