"""The conversation glue: a message or an `/ask` becomes an `Incoming`, committed to the
durable inbox on receipt (`Service.accept`); the worker answers and delivers it through the
`DiscordCourier`, also after a restart.

Failure policy: a refusal (`InputError`) is a reply like any other, decided by the worker;
Discord refusing a post is retried by the worker with backoff; a failure to accept (the
database) is logged with the message/interaction id and answered with a short apology.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
import jinja2

from adapters.discord.edits import edit_incoming, message_key
from adapters.discord.events import PLATFORM, entry_for, file_refs, incoming_for
from adapters.discord.modal import PasteModal
from adapters.discord.post import Buttons, DiscordCourier
from adapters.discord.targets import InteractionTarget, send_kwargs
from bot.chat import Attachment, FileRef, Incoming, Place
from bot.render.discord import label, render_notice
from bot.service import Service
from bot.settings import Limits

log = logging.getLogger(__name__)

PASTE_NAME = "paste.txt"  # the modal's text reaches the core as an attached text file

Interaction = discord.Interaction[discord.Client]


def has_block(text: str) -> bool:
    """Whether `text` carries a pasted source block beside the question."""
    from bot.parse import split_message  # the parser's ranking library loads lazily

    return bool(split_message(text)[1].strip())


class Handler:
    def __init__(
        self,
        *,
        client: discord.Client,
        service: Service,
        env: jinja2.Environment,
        limits: Limits,
        message_content: bool,
        forums: frozenset[int] = frozenset(),
        buttons: Buttons | None = None,
    ) -> None:
        self._client = client
        self._service = service
        self._env = env
        self._limits = limits
        self._message_content = message_content
        self._forums = forums
        self.courier = DiscordCourier(client=client, env=env, limits=limits, buttons=buttons)

    @property
    def service(self) -> Service:
        return self._service

    @property
    def limits(self) -> Limits:
        return self._limits

    # -- messages ---------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        me = self._client.user
        if me is None:
            return
        if message.author.id == me.id:
            self.courier.on_own_message(message)
            return
        entry = entry_for(message, me_id=me.id, message_content=self._message_content,
                          forums=self._forums)
        if entry is None:
            return
        incoming = incoming_for(
            entry,
            user_id=message.author.id,
            event_id=message.id,
            channel_id=message.channel.id,
            files=file_refs(list(message.attachments)),
        )
        try:
            await self._service.accept(incoming)
        except Exception:
            log.exception("discord message %s: could not be accepted", message.id)
            await self._apologise(message.reply, message.id)

    async def on_thread_create(self, thread: discord.Thread) -> None:
        """A new post in a listed forum. Its starter message usually arrives after the
        thread (as MESSAGE_CREATE, handled by `on_message` once the thread is cached); when
        it is cached already or arrived first, it is taken from here. Either way the inbox
        accepts it once (both carry the message's id)."""
        if thread.parent_id not in self._forums or not self._message_content:
            return  # without the intent only a post that mentions the bot can be read
        starter = thread.starter_message
        # A starter cached before its thread was known points at a bare channel: re-read it.
        if starter is None or not isinstance(starter.channel, discord.Thread):
            try:
                starter = await thread.fetch_message(thread.id)
            except discord.HTTPException as exc:
                log.info("forum post %s: starter not readable yet (%s)", thread.id, exc.status)
                return
        await self.on_message(starter)

    async def on_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        me = self._client.user
        if me is None:
            return
        message = payload.message
        incoming = edit_incoming(message, payload.data, me_id=me.id,
                                 message_content=self._message_content, forums=self._forums)
        if incoming is None:
            return
        try:
            if not await self._service.answered(PLATFORM, message_key(message)):
                return  # not a question we answered: an edit does not make it one
            await self._service.accept(incoming)
        except Exception:
            log.exception("discord edit of %s: could not be accepted", message.id)

    # -- application commands ---------------------------------------------------------------

    async def slash_ask(
        self, interaction: Interaction, question: str, file: discord.Attachment | None
    ) -> None:
        in_thread = isinstance(interaction.channel, discord.Thread)
        if file is None and not in_thread and not has_block(question):
            await interaction.response.send_modal(self._modal(question))
            return
        # Discord drops an interaction not answered within 3 s: defer before any work.
        response = await interaction.response.defer(thinking=True)
        await self._accept_interaction(
            interaction, response, question, [], file_refs([file] if file else [])
        )

    def _modal(self, question: str) -> PasteModal:
        async def on_paste(interaction: Interaction, pasted: str) -> None:
            response = await interaction.response.defer(thinking=True)
            data = pasted.encode("utf-8")
            attachments = (
                [Attachment(name=PASTE_NAME, data=data, mimetype="text/plain")]
                if pasted.strip() else []
            )
            await self._accept_interaction(interaction, response, question, attachments, [])

        return PasteModal(
            title=label(self._env, "modal_title"),
            label=label(self._env, "modal_label"),
            placeholder=label(self._env, "modal_placeholder"),
            on_paste=on_paste,
            on_error=self.command_failed,
        )

    async def _accept_interaction(
        self,
        interaction: Interaction,
        response: discord.InteractionCallbackResponse[discord.Client] | None,
        text: str,
        attachments: list[Attachment],
        files: list[FileRef],
    ) -> None:
        incoming = self._interaction_incoming(interaction, response, text, attachments)
        incoming = incoming.model_copy(update={"files": files})
        # This process shows the answer's first message (or, in a text channel, the note
        # anchoring its thread) in place of "thinking…"; after a restart the worker posts
        # in the channel or thread instead (and edits a text channel's anchor, which
        # `Place.interaction_anchor` marks, into the note with the bot token).
        self.courier.remember(
            incoming.event_id,
            InteractionTarget(interaction, self._channel_of(incoming),
                              starts_thread=not incoming.in_thread,
                              response_id=response.message_id if response else None),
        )
        await self._service.accept(incoming)

    def _channel_of(self, incoming: Incoming) -> discord.abc.Messageable:
        place = incoming.place
        # In a thread the thread is the channel to post in; elsewhere the channel itself.
        target = place.thread if incoming.in_thread and not place.is_dm else place.channel
        guild_id = int(place.workspace) if place.workspace else None
        return self._client.get_partial_messageable(int(target), guild_id=guild_id)

    def _interaction_incoming(
        self,
        interaction: Interaction,
        response: discord.InteractionCallbackResponse[discord.Client] | None,
        text: str,
        attachments: list[Attachment],
    ) -> Incoming:
        channel_id = interaction.channel_id or 0
        is_dm = interaction.guild_id is None
        channel = interaction.channel
        in_thread = is_dm or isinstance(channel, discord.Thread)
        if isinstance(channel, discord.Thread):
            key = str(channel.id)
            channel_id = channel.parent_id or channel_id
        elif in_thread or not isinstance(channel, discord.TextChannel):
            # A DM, or a channel threads cannot start in (a voice channel's chat): in place.
            in_thread = True
            key = str(channel_id)
        else:
            # The deferred response message is the anchor a thread can later start from.
            anchor = response.message_id if response is not None else None
            key = str(anchor or interaction.id)
        place = Place(
            platform=PLATFORM,
            workspace=str(interaction.guild_id or ""),
            channel=str(channel_id),
            thread=key,
            is_dm=is_dm,
            interaction_anchor=not in_thread and response is not None
            and response.message_id is not None,
        )
        return Incoming(
            place=place,
            user=str(interaction.user.id),
            event_id=str(interaction.id),
            message_key=f"{channel_id}:{interaction.id}",
            text=text,
            attachments=attachments,
            in_thread=in_thread,
        )

    async def slash_history(self, interaction: Interaction) -> None:
        items = await self._service.history(PLATFORM, str(interaction.user.id))
        await self._notice(interaction, "history", items=items)

    async def slash_forget(self, interaction: Interaction) -> None:
        count = await self._service.forget(PLATFORM, str(interaction.user.id))
        log.info("discord user data forgotten on request (%d items)", count)
        await self._notice(interaction, "forget", count=count)

    async def slash_help(self, interaction: Interaction) -> None:
        await self._notice(
            interaction,
            "help",
            message_content=self._message_content,
            max_source_kib=self._limits.max_source_bytes // 1024,
        )

    async def _notice(self, interaction: Interaction, name: str, **values: object) -> None:
        msg = render_notice(name, env=self._env, **values)
        await interaction.response.send_message(ephemeral=True, **send_kwargs(msg, None))

    async def command_failed(self, interaction: Interaction, error: Exception) -> None:
        """The tree's and the modal's error hook: log, then a short apology, never details."""
        log.error("discord interaction %s failed", interaction.id, exc_info=error)
        await self.apologise_to(interaction)

    async def apologise_to(self, interaction: Interaction) -> None:
        if interaction.response.is_done():
            await self._apologise(interaction.followup.send, interaction.id)
        else:
            await self._apologise(interaction.response.send_message, interaction.id)

    # -- wording ----------------------------------------------------------------------------

    async def _apologise(self, send: Callable[..., Awaitable[object]], event_id: int) -> None:
        msg = render_notice("apology", env=self._env)
        try:
            await send(**send_kwargs(msg, None))
        except discord.HTTPException:
            log.warning("discord event %s: the apology could not be posted either", event_id)
