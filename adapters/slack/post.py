"""Posting a `Reply` into its Slack thread, part by part, recording progress.

After each posted part the service is told (`delivered`), so a crash or an API outage in the
middle never re-posts a part and a restart posts only what is missing. The workflow PNG is
uploaded right after message 2 with `files_upload_v2`, which makes three calls and is not
idempotent: it is tried once, after part 2 is recorded, and a failure only costs the image
(the text diagram is already in the thread).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

import aiohttp
import jinja2
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import Place, Reply
from bot.errors import DeliveryError
from bot.models import Answer
from bot.render.png import diagram_png
from bot.render.slack import SlackMessage, diagram_title, render_reply
from bot.settings import Limits

log = logging.getLogger(__name__)

DRAWINGS_AT_ONCE = 1  # `dot` processes: CPU the event loop needs for acks under a burst


class Deliveries(Protocol):
    """The part of `bot.service.Service` posting needs."""

    async def delivered(
        self, delivery_id: int, parts_done: int, *, parts_total: int | None = None
    ) -> None: ...


class Poster:
    def __init__(
        self,
        *,
        client: AsyncWebClient,
        service: Deliveries,
        env: jinja2.Environment,
        limits: Limits,
        command: str,
    ) -> None:
        self._client = client
        self._service = service
        self._env = env
        self._limits = limits
        self._command = command
        self._drawing = asyncio.Semaphore(DRAWINGS_AT_ONCE)

    def render(self, reply: Reply) -> list[SlackMessage]:
        return render_reply(reply, env=self._env, limits=self._limits, command=self._command)

    async def deliver(self, reply: Reply) -> None:
        """Post the parts of `reply` not yet delivered. Raises DeliveryError if Slack refuses."""
        messages = self.render(reply)
        for number, message in enumerate(messages, start=1):
            if number <= reply.parts_done:
                continue
            await self.post(reply.place, message)
            await self._service.delivered(reply.delivery_id, number, parts_total=len(messages))
            if message.diagram and reply.answer is not None:
                await self.upload_diagram(reply.place, reply.answer)

    async def post(self, place: Place, message: SlackMessage) -> str:
        """chat.postMessage into the place's thread; returns the new message's ts."""
        try:
            response = await self._client.chat_postMessage(
                channel=place.channel,
                thread_ts=place.thread or None,
                unfurl_links=False,
                unfurl_media=False,
                **message.payload(),
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise DeliveryError(f"chat.postMessage failed: {_reason(exc)}") from exc
        return str(response.get("ts", ""))

    async def upload_diagram(self, place: Place, answer: Answer) -> bool:
        """Upload the workflow PNG into the thread once; False (logged) when it did not work."""
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
                filename="workflow.png",
                title=title,
                alt_txt=title,
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            log.warning(
                "diagram upload to %s/%s failed (%s); the text diagram stands alone",
                place.channel,
                place.thread,
                _reason(exc),
            )
            return False
        return True


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        data: Any = exc.response.data if exc.response is not None else {}
        error = data.get("error") if isinstance(data, dict) else None
        return str(error or exc.response.status_code)
    return type(exc).__name__
