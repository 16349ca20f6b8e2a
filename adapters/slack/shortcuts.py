"""The "Ask Sourcebound" message shortcut (callback_id `ask_sourcebound`).

    shortcut on a message  -> ack, then views.open: a form with one optional question field
    view_submission        -> the question goes through the durable inbox like any other
                              (`Service.accept`), then the ack closes the form

The message itself is not copied into the form: `private_metadata` carries its channel and ts,
and the worker reads it back when answering (`SlackCourier.prepare`, through
`Incoming.source_message`), so its text and text-file attachments are the source block and
the answer goes in that message's thread. An empty question asks for an overview.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import jinja2

from adapters.slack.handlers import Tasks
from adapters.slack.views import QUESTION_BLOCK, ask_view, metadata_of, submitted
from bot.chat import Incoming, Place
from bot.errors import StoreError
from bot.render.wording import wording
from bot.settings import Limits

log = logging.getLogger(__name__)

ASK_SHORTCUT = "ask_sourcebound"


class Accepts(Protocol):
    async def accept(self, incoming: Incoming) -> int | None: ...


class Shortcuts:
    def __init__(self, *, service: Accepts, env: jinja2.Environment, limits: Limits,
                 tasks: Tasks) -> None:
        self._service = service
        self._env = env
        self._limits = limits
        self._tasks = tasks

    async def on_shortcut(self, ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        ts = str(message.get("ts") or body.get("message_ts") or "")
        trigger = str(body.get("trigger_id") or "")
        if not (channel and ts and trigger):
            log.warning("shortcut without a message or trigger; ignored")
            return
        metadata = {
            "channel": channel, "ts": ts, "thread": str(message.get("thread_ts") or ts),
            "team": str((body.get("team") or {}).get("id") or body.get("team_id") or ""),
        }
        view = ask_view(self._env, metadata, max_question=self._limits.max_question_chars)
        # The trigger id lives 3 s: open the form at once, beside the ack.
        self._tasks.spawn(self._open(client, trigger, view), name=f"slack-shortcut-{trigger}")

    async def _open(self, client: Any, trigger: str, view: dict[str, Any]) -> None:
        try:
            await client.views_open(trigger_id=trigger, view=view)
        except Exception as exc:  # noqa: BLE001 - an expired trigger or a refusal: nothing to undo
            log.warning("shortcut %s: views.open failed: %s", trigger, type(exc).__name__)

    async def on_submit(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        metadata = metadata_of(view)
        question = submitted(view, QUESTION_BLOCK).strip()
        if len(question) > self._limits.max_question_chars:
            await ack(response_action="errors", errors={QUESTION_BLOCK: self._say(
                "too_long", self._limits.max_question_chars)})
            return
        if not metadata.get("channel") or not metadata.get("ts"):
            log.warning("ask form %s without its message; ignored", view.get("id", "?"))
            await ack()
            return
        channel = metadata["channel"]
        view_id = str(view.get("id") or body.get("trigger_id") or "?")
        incoming = Incoming(
            place=Place(platform="slack", workspace=metadata.get("team", ""), channel=channel,
                        thread=metadata.get("thread") or metadata["ts"],
                        is_dm=channel.startswith("D")),
            user=str((body.get("user") or {}).get("id") or ""),
            event_id=f"shortcut:{view_id}",
            message_key="",  # a form has no message of its own; the view id dedupes it
            question=question or self._say("overview_question"),
            source_message=f"{channel}:{metadata['ts']}",
            in_thread=True,
        )
        try:
            await self._service.accept(incoming)
        except StoreError as exc:
            log.warning("ask form %s not accepted: %s", view_id, exc)
            await ack(response_action="errors", errors={QUESTION_BLOCK: self._say("not_kept")})
            return
        await ack()

    def _say(self, name: str, *args: Any) -> str:
        return wording(self._env, "ask/wording.j2", name, *args)
