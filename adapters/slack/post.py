"""`SlackCourier`: the delivery protocol (`bot.delivery.Courier`) spoken to the Slack Web API.

A reply is a list of steps: each message part, and the workflow PNG as a step of its own right
after the message that carries the text diagram. Each part is posted with message `metadata`
naming the delivery and the part; when a delivery is resumed (`Reply.claims > 1`, so a post
may have landed before a crash could record it) the thread is read first
(`conversations.replies` with `include_all_metadata`) and parts already there are skipped.
`files_upload_v2` makes three calls and is not idempotent: the PNG step is retried whole only
when no file of that name is in the thread yet.

Slack errors map to `Refused` (429 with its Retry-After, 5xx, timeouts: retried later with
backoff) or `Gone` (the channel or thread is closed to us: abandoned).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
import jinja2
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.files import FileFetcher
from bot.chat import Attachment, FileRef, Incoming, Place, Platform, Reply
from bot.delivery import Step
from bot.errors import DeliveryError, Gone, Refused
from bot.models import Answer
from bot.render.png import diagram_png
from bot.render.slack import SlackMessage, diagram_title, render_notice, render_reply
from bot.safety import strip_controls
from bot.settings import Limits

log = logging.getLogger(__name__)

DRAWINGS_AT_ONCE = 1  # `dot` processes: CPU the event loop needs for acks under a burst
PART_EVENT = "sourcebound_part"  # message metadata event_type of every answer part
# Errors that no retry can fix: the place is gone or closed to the bot.
_GONE = frozenset({"channel_not_found", "is_archived", "not_in_channel", "thread_not_found",
                   "restricted_action", "cannot_reply_to_message", "message_not_found",
                   "invalid_auth", "account_inactive", "token_revoked", "missing_scope"})


def png_name(delivery_id: int) -> str:
    return f"workflow-{delivery_id}.png"


class SlackCourier:
    def __init__(
        self,
        *,
        client: AsyncWebClient,
        env: jinja2.Environment,
        limits: Limits,
        command: str,
    ) -> None:
        self._client = client
        self._env = env
        self._limits = limits
        self._command = command
        self._drawing = asyncio.Semaphore(DRAWINGS_AT_ONCE)
        self.fetcher: FileFetcher | None = None  # set once the adapter's HTTP session is open

    @property
    def platform(self) -> Platform:
        return "slack"

    def render(self, reply: Reply) -> list[SlackMessage]:
        return render_reply(reply, env=self._env, limits=self._limits, command=self._command)

    def notice(self, name: str, **context: Any) -> SlackMessage:
        context.setdefault("command", self._command)
        return render_notice(name, env=self._env, **context)

    # -- Courier --------------------------------------------------------------------------------

    async def fetch(self, files: Sequence[FileRef]) -> list[Attachment]:
        if self.fetcher is None:
            raise RuntimeError("the Slack adapter is not started (use `async with`)")
        return await self.fetcher.fetch_all([
            {"name": f.name, "url_private_download": f.url, "size": f.size,
             "mimetype": f.mimetype}
            for f in files
        ])

    async def prepare(self, incoming: Incoming) -> Incoming:
        if incoming.place.thread:
            return incoming
        # A slash command has no message to thread on: post one, and answer under it.
        question = strip_controls(incoming.text.strip().split("\n", 1)[0])
        ts = await self.post(incoming.place, self.notice("anchor", question=question))
        place = incoming.place.model_copy(update={"thread": ts})
        return incoming.model_copy(
            update={"place": place, "message_key": f"{place.channel}:{ts}"}
        )

    async def progress(self, incoming: Incoming, sources: int) -> None:
        await self.post(incoming.place, self.notice("progress", sources=sources))

    async def plan(self, reply: Reply) -> Sequence[Step]:
        messages = self.render(reply)
        landed: set[int] = set()
        if reply.claims > 1:  # resumed: a post may have landed unrecorded
            landed = await self._landed_parts(reply)
        steps: list[Step] = []
        for number, message in enumerate(messages, start=1):
            steps.append(self._part_step(reply, number, message, number in landed))
            if message.diagram and reply.answer is not None:
                steps.append(self._png_step(reply, reply.answer))
        return steps

    async def give_up(self, reply: Reply) -> None:
        await self.post(reply.place, self.notice("undelivered"))

    async def kept(self, incoming: Incoming) -> None:
        await self.post(incoming.place, self.notice("kept"))

    # -- steps ----------------------------------------------------------------------------------

    def _part_step(self, reply: Reply, number: int, message: SlackMessage, landed: bool) -> Step:
        async def step() -> None:
            if landed:
                log.info("delivery %d part %d is already in the thread; not posted again",
                         reply.delivery_id, number)
                return
            metadata = {"event_type": PART_EVENT,
                        "event_payload": {"delivery": reply.delivery_id, "part": number}}
            await self.post(reply.place, message, metadata=metadata)

        return step

    def _png_step(self, reply: Reply, answer: Answer) -> Step:
        async def step() -> None:
            if reply.claims > 1 and await self._png_landed(reply):
                return
            await self.upload_diagram(reply.place, answer, name=png_name(reply.delivery_id))

        return step

    async def _thread(self, place: Place) -> list[dict[str, Any]]:
        """The thread's messages (first page is enough: our parts follow the question)."""
        if not place.thread:
            return []
        try:
            response = await self._client.conversations_replies(
                channel=place.channel, ts=place.thread, include_all_metadata=True, limit=200
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise _refusal("conversations.replies", exc) from exc
        messages = response.get("messages") or []
        return [m for m in messages if isinstance(m, dict)]

    async def _landed_parts(self, reply: Reply) -> set[int]:
        found: set[int] = set()
        for message in await self._thread(reply.place):
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (metadata.get("event_type") == PART_EVENT
                    and payload.get("delivery") == reply.delivery_id):
                found.add(int(payload.get("part", 0)))
        return found

    async def _png_landed(self, reply: Reply) -> bool:
        name = png_name(reply.delivery_id)
        return any(
            f.get("name") == name
            for message in await self._thread(reply.place)
            for f in message.get("files") or ()
            if isinstance(f, dict)
        )

    # -- Web API --------------------------------------------------------------------------------

    async def post(self, place: Place, message: SlackMessage, *,
                   metadata: dict[str, Any] | None = None) -> str:
        """chat.postMessage into the place's thread; returns the new message's ts."""
        extra: dict[str, Any] = {"metadata": metadata} if metadata else {}
        try:
            response = await self._client.chat_postMessage(
                channel=place.channel,
                thread_ts=place.thread or None,
                unfurl_links=False,
                unfurl_media=False,
                **message.payload(),
                **extra,
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise _refusal("chat.postMessage", exc) from exc
        return str(response.get("ts", ""))

    async def upload_diagram(self, place: Place, answer: Answer, *, name: str) -> bool:
        """Upload the workflow PNG into the thread; False when there is nothing to draw."""
        async with self._drawing:
            png = await asyncio.to_thread(diagram_png, answer.workflow)
        if png is None:
            return False
        title = diagram_title(answer, env=self._env)
        try:
            await self._client.files_upload_v2(
                channel=place.channel,
                thread_ts=place.thread or None,
                file=png,
                filename=name,
                title=title,
                alt_txt=title,
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise _refusal("diagram upload", exc) from exc
        return True


def _refusal(what: str, exc: BaseException) -> DeliveryError:
    reason = _reason(exc)
    if isinstance(exc, SlackApiError) and exc.response is not None:
        if reason in _GONE:
            return Gone(f"{what}: {reason}")
        retry_after: float | None = None
        if exc.response.status_code == 429:
            header = (exc.response.headers or {}).get("Retry-After") or (
                exc.response.headers or {}).get("retry-after")
            try:
                retry_after = float(header) if header is not None else None
            except ValueError:
                retry_after = None
        return Refused(f"{what}: {reason}", retry_after=retry_after)
    return Refused(f"{what}: {reason}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        data: Any = exc.response.data if exc.response is not None else {}
        error = data.get("error") if isinstance(data, dict) else None
        return str(error or exc.response.status_code)
    return type(exc).__name__
