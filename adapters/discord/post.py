"""`DiscordCourier`, the delivery protocol (`bot.delivery.Courier`) the worker drives: which
thread or channel a reply goes to (`adapters.discord.targets` posts it), and discord.py's
errors as `Refused` (429 — also `RateLimited`, which is not an `HTTPException` — and 5xx:
retried later) or `Gone` (403/404, other 4xx).

An interaction in a guild text channel is answered like a mention: its "thinking…" response
becomes a short note naming the question, and the answer goes in a thread started from it.

An edit's answer owns every message of the answer it replaces: the recorded ones it rewrites,
and what a step stopped by the takeover still posted is deleted (`retract`) — known from the
step's own result, or, for a post cancelled mid-request, by its nonce (`sb{delivery}.…`) on
the bot's own messages the gateway shows (cached, or arriving within `RETRACT_WATCH` s).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import aiohttp
import discord
import jinja2

from adapters.discord.targets import ChannelTarget, InteractionTarget, Target, nonce_for
from bot.chat import Attachment, FileRef, Incoming, Place, Platform, Reply
from bot.delivery import Step
from bot.errors import Gone, Refused, TooLarge, UnsupportedAttachment
from bot.render.discord import DiscordMessage, Part, render_notice, render_reply, thread_name
from bot.render.png import diagram_png
from bot.safety import strip_controls
from bot.settings import Limits

log = logging.getLogger(__name__)

THREAD_ALREADY_CREATED = 160004  # Discord JSON error code: this message already has a thread
LIVE_INTERACTIONS = 1_000  # interactions remembered (each token lives 15 minutes)
RETRACT_WATCH = 120.0  # seconds a stopped post may still show up on the gateway
NONCE = re.compile(r"sb(?P<delivery>[0-9]+)\.")  # see `targets.nonce_for`

Buttons = Callable[[int], discord.ui.View]


@asynccontextmanager
async def discord_refusals(what: str) -> AsyncIterator[None]:
    """discord.py's failures as the delivery protocol's `Refused` / `Gone`."""
    try:
        yield
    except discord.RateLimited as exc:  # a 429 longer than max_ratelimit_timeout
        raise Refused(f"{what}: rate limited", retry_after=exc.retry_after) from exc
    except discord.HTTPException as exc:
        if exc.status == 429 or exc.status >= 500:
            raise Refused(f"{what}: {exc.status}") from exc
        raise Gone(f"{what}: {exc.status} {exc.code}") from exc
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise Refused(f"{what}: {type(exc).__name__}") from exc


class DiscordCourier:
    def __init__(self, *, client: discord.Client, env: jinja2.Environment,
                 limits: Limits, buttons: Buttons | None = None) -> None:
        """`buttons(delivery_id)`: the 👍/👎 view the last message of an answer carries."""
        self._client = client
        self._buttons = buttons
        self._env = env
        self._limits = limits
        # Interactions answered by this process: their first message replaces "thinking…".
        self._live: OrderedDict[str, InteractionTarget] = OrderedDict()
        # Deliveries an edit took over: (watch until, messages to keep) by delivery id.
        self._retracted: dict[int, tuple[float, frozenset[int]]] = {}
        self._removing: set[asyncio.Task[None]] = set()

    @property
    def platform(self) -> Platform:
        return "discord"

    def remember(self, event_id: str, target: InteractionTarget) -> None:
        self._live[event_id] = target
        while len(self._live) > LIVE_INTERACTIONS:
            self._live.popitem(last=False)

    def parts(self, reply: Reply, *, png: bool) -> list[Part]:
        return render_reply(reply, env=self._env, limits=self._limits, png=png)

    # -- Courier --------------------------------------------------------------------------------

    async def fetch(self, files: Sequence[FileRef]) -> list[Attachment]:
        limit = self._limits.max_source_bytes
        if len(files) > self._limits.max_attachments:
            raise TooLarge(f"{len(files)} attachments; the limit is "
                           f"{self._limits.max_attachments}",
                           size=len(files), limit=self._limits.max_attachments)
        read: list[Attachment] = []
        for ref in files:
            if ref.size > limit:
                raise TooLarge(f"{ref.name} is {ref.size} bytes; the limit is {limit}",
                               size=ref.size, limit=limit)
            try:
                data = await self._client.http.get_from_cdn(ref.url)
            except discord.HTTPException as exc:  # expired or deleted
                raise UnsupportedAttachment(
                    f"{ref.name} could not be downloaded ({exc.status})", name=ref.name
                ) from exc
            if len(data) > limit:  # the reported size was wrong
                raise TooLarge(f"{ref.name} is {len(data)} bytes; the limit is {limit}",
                               size=len(data), limit=limit)
            read.append(Attachment(name=ref.name, data=data, mimetype=ref.mimetype))
        return read

    async def prepare(self, incoming: Incoming, *, resumed: bool = False) -> Incoming:
        return incoming

    async def progress(self, incoming: Incoming, sources: int, *, slow: bool) -> None:
        if not slow:  # no status surface here: a note for a quick answer is noise
            return
        async with discord_refusals("progress note"):
            target = await self._target(incoming.place, incoming.event_id, name=incoming.text)
            await target.send(render_notice("progress", env=self._env, sources=sources), None)

    async def plan(self, reply: Reply) -> Sequence[Step]:
        png = await self._png(reply)
        parts = self.parts(reply, png=png is not None)
        name = reply.answer.question if reply.answer is not None else ""
        resolved: list[Target] = []
        # An edit's answer rewrites the earlier answer's messages: per step, the ids of the
        # messages that step posted (see `run`'s return value).
        earlier = [[int(i) for i in ids.split(",") if i.isdigit()] for ids in reply.updates]

        async def target() -> Target:
            if not resolved:
                resolved.append(await self._target(reply.place, reply.event_id, name=name))
            return resolved[0]

        def step(number: int, part: Part) -> Step:
            last = number == len(parts)
            old = earlier[number - 1] if number <= len(earlier) else []

            async def run() -> str:
                posted: list[int] = []
                async with discord_refusals(f"delivery {reply.delivery_id} part {number}"):
                    where = await target()
                    for index, msg in enumerate(part):
                        view = (self._buttons(reply.delivery_id)
                                if last and index == len(part) - 1 and self._buttons
                                and reply.kind == "answer" else None)
                        if index < len(old) and await self._rewrote(where, old[index], msg,
                                                                     png, view):
                            posted.append(old[index])
                            continue
                        posted.append(await where.send(
                            msg, png, nonce=nonce_for(reply.delivery_id, number, index),
                            first=number == 1 and index == 0, view=view))
                    # What the earlier answer showed beyond the new one goes.
                    stale = old[len(part):] + (
                        [i for ids in earlier[len(parts):] for i in ids] if last else [])
                    for message_id in stale:
                        await where.delete(message_id)
                if last:
                    self._live.pop(reply.event_id, None)
                return ",".join(str(i) for i in posted)

            return run

        return [step(number, part) for number, part in enumerate(parts, start=1)]

    @staticmethod
    async def _rewrote(where: Target, message_id: int, msg: DiscordMessage, png: bytes | None,
                       view: discord.ui.View | None) -> bool:
        """Edit an earlier answer's message in place; False when it was deleted meanwhile
        (the new text is then posted instead)."""
        try:
            await where.edit(message_id, msg, png, view=view)
        except discord.NotFound:
            return False
        return True

    async def retract(self, reply: Reply, *, keep: Sequence[str],
                      landed: Sequence[str] = ()) -> None:
        rid = reply.delivery_id
        kept = frozenset(int(i) for ids in keep for i in ids.split(",") if i.isdigit())
        strays = {int(i) for ids in landed for i in ids.split(",") if i.isdigit()}
        # Discord cannot be searched by nonce; the gateway shows the bot its own posts
        # with theirs, so a post cancelled mid-request is found there, now or soon.
        strays |= {m.id for m in self._client.cached_messages if self._stray(m, rid)}
        now = time.monotonic()
        self._retracted = {d: w for d, w in self._retracted.items() if w[0] > now}
        self._retracted[rid] = (now + RETRACT_WATCH, kept)
        channel = self._client.get_partial_messageable(
            int(reply.place.thread or reply.place.channel),
            guild_id=int(reply.place.workspace) if reply.place.workspace else None)
        for message_id in sorted(strays - kept):
            log.info("delivery %d: message %d posted after an edit took over; removed",
                     rid, message_id)
            async with discord_refusals(f"delivery {rid} retract"):
                await ChannelTarget(channel).delete(message_id)

    def _stray(self, message: discord.Message, delivery_id: int) -> bool:
        me = self._client.user
        match = NONCE.match(str(message.nonce or ""))
        return (me is not None and message.author.id == me.id and match is not None
                and int(match["delivery"]) == delivery_id)

    def on_own_message(self, message: discord.Message) -> None:
        """The gateway shows the bot one of its own posts: one a retracted delivery's
        cancelled step still made goes at once."""
        match = NONCE.match(str(message.nonce or "")) if self._retracted else None
        if match is None:
            return
        watch = self._retracted.get(int(match["delivery"]))
        if watch is None or watch[0] < time.monotonic() or message.id in watch[1]:
            return
        if not self._stray(message, int(match["delivery"])):
            return

        async def remove() -> None:
            log.info("delivery %s: message %d posted after an edit took over; removed",
                     match["delivery"], message.id)
            try:
                await message.delete()
            except discord.HTTPException as exc:
                log.warning("stray message %d not removed (%s)", message.id, exc.status)

        task = asyncio.get_running_loop().create_task(remove())
        self._removing.add(task)
        task.add_done_callback(self._removing.discard)

    async def give_up(self, reply: Reply) -> None:
        async with discord_refusals("give-up note"):
            target = await self._target(reply.place, reply.event_id, name="")
            await target.send(render_notice("undelivered", env=self._env), None)
        self._live.pop(reply.event_id, None)

    async def kept(self, incoming: Incoming) -> None:
        async with discord_refusals("kept note"):
            target = await self._target(incoming.place, incoming.event_id, name=incoming.text)
            await target.send(render_notice("kept", env=self._env), None)

    # -- where replies go -----------------------------------------------------------------------

    async def _png(self, reply: Reply) -> bytes | None:
        if reply.answer is None or reply.parts_done >= 2:  # the diagram is part 2
            return None
        # `dot` is a subprocess: keep it off the event loop that runs the gateway heartbeat.
        return await asyncio.to_thread(diagram_png, reply.answer.workflow)

    async def _target(self, place: Place, event_id: str, *, name: str) -> Target:
        live = self._live.get(event_id)
        if live is not None and not live.starts_thread:
            return live
        guild_id = int(place.workspace) if place.workspace else None
        channel = self._client.get_partial_messageable(int(place.channel), guild_id=guild_id)
        if place.is_dm or place.channel == place.thread:
            return ChannelTarget(channel)
        guild = self._client.get_guild(guild_id) if guild_id else None
        thread = guild.get_thread(int(place.thread)) if guild else None
        if thread is not None:
            return ChannelTarget(thread)
        note = render_notice("thread_note", env=self._env, question=name)
        if live is not None:
            # The response is the thread's starter: say there what the thread answers.
            await live.replace(note)
        elif place.interaction_anchor:
            # Resumed after a restart: the response still says "thinking…" and its token
            # died with the process; the bot token may edit a non-ephemeral response.
            await self._restore_anchor(ChannelTarget(channel), int(place.thread), note)
        starter = channel.get_partial_message(int(place.thread))
        return await self.start_thread(starter, name=name, fallback=channel)

    @staticmethod
    async def _restore_anchor(where: ChannelTarget, message_id: int,
                              note: DiscordMessage) -> None:
        try:
            await where.edit(message_id, note, None)
        except discord.HTTPException as exc:
            if exc.status == 429 or exc.status >= 500:
                raise  # refused: the delivery is retried, this edit with it
            # Deleted, or not ours to edit: the answer in the thread matters more.
            log.warning("interaction anchor %s not editable (%s); left as it is",
                        message_id, exc.status)

    async def start_thread(
        self,
        starter: discord.Message | discord.PartialMessage,
        *,
        name: str,
        fallback: discord.abc.Messageable,
    ) -> Target:
        """A thread from `starter` (its id becomes the thread id, our thread key)."""
        try:
            thread = await starter.create_thread(
                name=thread_name(strip_controls(name), env=self._env)
            )
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
