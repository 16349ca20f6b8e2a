""""Ask Sourcebound" on any message (a message context menu, application command type 3).

Using it opens a one-field modal for the question (empty: an overview). On submit the
target message's text and its text attachments become the source block, the question goes
through the durable inbox like any other, and the answer is posted with the bot token where
a mention of that message would be answered: a thread started from it (the thread it is in,
or the DM). The person who asked sees an ephemeral note; the modal itself holds no state a
restart would lose except the open box.
"""

from __future__ import annotations

import logging

import discord
import jinja2
from discord import app_commands

from adapters.discord.events import PLATFORM, file_refs, place_entry
from adapters.discord.handler import Handler, Interaction
from adapters.discord.modal import PasteModal
from adapters.discord.targets import edit_kwargs, send_kwargs
from bot.attachments import is_text_type
from bot.chat import Attachment, FileRef, Incoming
from bot.render.discord import label, render_notice
from bot.safety import strip_controls

log = logging.getLogger(__name__)

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

        async def on_question(submitted: Interaction, question: str) -> None:
            await self.submit(submitted, message, question, files)

        limit = self._handler.limits.max_question_chars
        await interaction.response.send_modal(PasteModal(
            title=label(self._env, "context_title"),
            label=label(self._env, "context_label"),
            placeholder=label(self._env, "context_placeholder"),
            on_paste=on_question,
            on_error=self._handler.command_failed,
            required=False,
            max_length=limit,
        ))

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
