"""The conversation glue: a message or an `/ask` becomes an `Incoming`, the service's `Reply`
is posted where it belongs, and replies left half-posted by a crash are finished at start-up.

Failure policy: a refusal (`InputError`) is a reply like any other; Discord refusing a post
(`discord.HTTPException`) leaves the reply pending, to be finished after a restart; anything
else is a bug, logged with the message/interaction id and answered with a short apology.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
import jinja2

from adapters.discord.events import (
    PLATFORM,
    Entry,
    entry_for,
    incoming_for,
    read_attachments,
)
from adapters.discord.modal import PasteModal
from adapters.discord.post import (
    ChannelTarget,
    FollowupTarget,
    Poster,
    Target,
    send_kwargs,
    send_part,
)
from bot.chat import Attachment, Incoming, Place, Reply
from bot.errors import InputError
from bot.render.discord import Part, label, render_notice, render_problem, thread_name
from bot.service import Service
from bot.settings import Limits

log = logging.getLogger(__name__)

THREAD_ALREADY_CREATED = 160004  # Discord JSON error code: this message already has a thread
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
    ) -> None:
        self._client = client
        self._service = service
        self._env = env
        self._limits = limits
        self._message_content = message_content
        self._poster = Poster(service=service, env=env, limits=limits)

    # -- messages ---------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        me = self._client.user
        if me is None:
            return
        entry = entry_for(message, me_id=me.id, message_content=self._message_content)
        if entry is None:
            return
        try:
            await self._answer_message(message, entry)
        except discord.HTTPException as exc:
            log.warning("discord message %s: Discord refused a post (%s %s); pending",
                        message.id, exc.status, exc.code)
        except Exception:
            log.exception("discord message %s: answering failed", message.id)
            await self._apologise(message.reply, message.id)

    async def _answer_message(self, message: discord.Message, entry: Entry) -> None:
        try:
            attachments = await read_attachments(message.attachments, limits=self._limits)
        except InputError as exc:
            log.warning("discord message %s refused: %s", message.id, exc.code)
            refused = await self._message_target(message, entry, name=entry.text)
            await send_part(refused, self._problem(exc.code))
            return
        incoming = incoming_for(
            entry,
            user_id=message.author.id,
            event_id=message.id,
            channel_id=message.channel.id,
            attachments=attachments,
        )
        target: Target | None = None

        async def progress(sources: int) -> None:
            # A slow engine: open the thread now and say what is happening in it.
            nonlocal target
            target = await self._message_target(message, entry, name=entry.text)
            await send_part(target, [render_notice("progress", env=self._env, sources=sources)])

        reply = await self._service.ask(incoming, progress=progress)
        if reply is None:
            return
        if target is None:
            name = reply.answer.question if reply.answer is not None else entry.text
            target = await self._message_target(message, entry, name=name)
        await self._poster.deliver(reply, target)

    async def _message_target(self, message: discord.Message, entry: Entry, *,
                              name: str) -> Target:
        if not entry.new_thread:
            return ChannelTarget(message.channel)
        return await self._start_thread(message, name=name, fallback=message.channel)

    async def _start_thread(
        self,
        starter: discord.Message | discord.PartialMessage,
        *,
        name: str,
        fallback: discord.abc.Messageable,
    ) -> Target:
        """A thread from `starter` (its id becomes the thread id, our thread key)."""
        try:
            thread = await starter.create_thread(name=thread_name(name, env=self._env))
        except discord.HTTPException as exc:
            if exc.code == THREAD_ALREADY_CREATED:
                guild_id = starter.guild.id if starter.guild else None
                return ChannelTarget(
                    self._client.get_partial_messageable(starter.id, guild_id=guild_id)
                )
            if isinstance(exc, (discord.Forbidden, discord.NotFound)):
                # No permission, or the starter is gone: answer in the channel instead.
                log.warning("cannot start a thread on %s (%s); answering in the channel",
                            starter.id, exc.status)
                return ChannelTarget(fallback)
            raise
        except ValueError:  # no guild cached for a partial message: answer in the channel
            return ChannelTarget(fallback)
        return ChannelTarget(thread)

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
        try:
            attachments = await read_attachments([file] if file else [], limits=self._limits)
        except InputError as exc:
            log.warning("discord interaction %s refused: %s", interaction.id, exc.code)
            await send_part(FollowupTarget(interaction.followup), self._problem(exc.code))
            return
        await self._answer_interaction(interaction, response, question, attachments)

    def _modal(self, question: str) -> PasteModal:
        async def on_paste(interaction: Interaction, pasted: str) -> None:
            response = await interaction.response.defer(thinking=True)
            data = pasted.encode("utf-8")
            attachments = (
                [Attachment(name=PASTE_NAME, data=data, mimetype="text/plain")]
                if pasted.strip() else []
            )
            await self._answer_interaction(interaction, response, question, attachments)

        return PasteModal(
            title=label(self._env, "modal_title"),
            label=label(self._env, "modal_label"),
            placeholder=label(self._env, "modal_placeholder"),
            on_paste=on_paste,
            on_error=self.command_failed,
        )

    async def _answer_interaction(
        self,
        interaction: Interaction,
        response: discord.InteractionCallbackResponse[discord.Client] | None,
        text: str,
        attachments: list[Attachment],
    ) -> None:
        incoming = self._interaction_incoming(interaction, response, text, attachments)
        try:
            reply = await self._service.ask(incoming)
            if reply is not None:
                target = FollowupTarget(interaction.followup, fallback=self._channel_of(incoming))
                await self._poster.deliver(reply, target)
        except discord.HTTPException as exc:
            log.warning("discord interaction %s: Discord refused a post (%s %s); pending",
                        interaction.id, exc.status, exc.code)

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
        elif in_thread:
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

    # -- start-up ---------------------------------------------------------------------------

    async def redeliver(self) -> None:
        """Finish every reply a previous run accepted but did not fully post (once)."""
        pending = await self._service.pending(PLATFORM)
        if pending:
            log.info("re-delivering %d pending Discord replies", len(pending))
        for reply in pending:
            try:
                await self._poster.deliver(reply, await self._place_target(reply))
            except (discord.Forbidden, discord.NotFound) as exc:
                # The place is gone or closed to us: retrying on every start cannot help.
                log.warning("delivery %d abandoned: Discord answered %s", reply.delivery_id,
                            exc.status)
                await self._service.delivered(reply.delivery_id, reply.parts_done,
                                              parts_total=reply.parts_done)
            except discord.HTTPException as exc:
                log.warning("delivery %d still refused (%s %s)", reply.delivery_id,
                            exc.status, exc.code)
            except Exception:
                log.exception("delivery %d: re-delivery failed", reply.delivery_id)

    async def _place_target(self, reply: Reply) -> Target:
        place = reply.place
        guild_id = int(place.workspace) if place.workspace else None
        channel = self._client.get_partial_messageable(int(place.channel), guild_id=guild_id)
        if place.is_dm or place.channel == place.thread:
            return ChannelTarget(channel)
        guild = self._client.get_guild(guild_id) if guild_id else None
        thread = guild.get_thread(int(place.thread)) if guild else None
        if thread is not None:
            return ChannelTarget(thread)
        name = reply.answer.question if reply.answer is not None else ""
        starter = channel.get_partial_message(int(place.thread))
        return await self._start_thread(starter, name=name, fallback=channel)

    # -- wording ----------------------------------------------------------------------------

    def _problem(self, code: str) -> Part:
        return render_problem(code, env=self._env, limits=self._limits)[0]

    async def _apologise(self, send: Callable[..., Awaitable[object]], event_id: int) -> None:
        msg = render_notice("apology", env=self._env)
        try:
            await send(**send_kwargs(msg, None))
        except discord.HTTPException:
            log.warning("discord event %s: the apology could not be posted either", event_id)
