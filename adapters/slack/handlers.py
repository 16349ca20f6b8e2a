"""What the adapter does with a mention, a DM, a follow-up in its thread, an edit or a slash
command, before bolt acks it.

A channel message without a mention is a question only inside a thread the bot was asked in
before (a follow-up); a mention there arrives twice (`app_mention` and `message`), and the
inbox's (channel, ts) dedupe key keeps one. An edit (`message_changed`) of a message the bot
answered, within a day, is a question whose answer rewrites the earlier one in place.

bolt runs with `process_before_response=True`, so a listener's return is the ack: a question
is committed to the durable inbox (`Service.accept`, one insert) and only then acked, and the
worker answers it from there. If the insert fails the listener answers 503 instead of the
ack, and Slack retries the event. Keywords (`help`, `history`, `forget`) are not questions: they are answered
in the background right away. Nothing else a listener does can reach a channel as a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import jinja2
from slack_bolt.response import BoltResponse

from adapters.slack.edits import edit_incoming, edited_message, is_edit, original_key
from adapters.slack.events import (
    addressed_elsewhere,
    file_refs,
    is_dm,
    is_from_person,
    is_thread_reply,
    keyword,
    place_of,
    plain_text,
    split_command,
    strip_mention,
    to_incoming,
)
from adapters.slack.post import SlackCourier
from bot.chat import HistoryItem, Incoming, Place
from bot.errors import DeliveryError, StoreError
from bot.render.slack import SlackMessage, render_history, render_notice
from bot.settings import Limits

log = logging.getLogger(__name__)


class Asker(Protocol):
    """What the Slack adapter uses of `bot.service.Service`."""

    async def accept(self, incoming: Incoming) -> int | None: ...

    async def history(self, platform: str, user: str) -> list[HistoryItem]: ...

    async def forget(self, platform: str, user: str) -> int: ...

    async def thread_known(self, place: Place) -> bool: ...

    async def answered(self, platform: str, message_key: str) -> bool: ...

    async def revise(self, edit: Incoming) -> bool: ...


class Tasks:
    """Background work the adapter owns, so shutdown can wait for it or cancel it."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[None]] = set()

    def spawn(self, work: Awaitable[object], *, name: str) -> None:
        async def run() -> None:
            await work

        task = asyncio.get_running_loop().create_task(run(), name=name)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def close(self, *, grace: float) -> None:
        if not self._running:
            return
        _, pending = await asyncio.wait(set(self._running), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def __len__(self) -> int:
        return len(self._running)


class Handlers:
    def __init__(
        self,
        *,
        service: Asker,
        poster: SlackCourier,
        env: jinja2.Environment,
        limits: Limits,
        command: str,
        tasks: Tasks,
    ) -> None:
        self._service = service
        self._poster = poster
        self._env = env
        self._limits = limits
        self._command = command
        self._tasks = tasks

    # --- bolt listeners (their return is the ack) --------------------------------------------

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any],
                         context: Any) -> BoltResponse | None:
        return await self._message(body, event, context.bot_user_id)

    async def on_message(self, body: dict[str, Any], event: dict[str, Any],
                         context: Any) -> BoltResponse | None:
        bot_user = context.bot_user_id
        if is_edit(event):
            return await self._edited(body, event, bot_user)
        if is_dm(event):
            return await self._message(body, event, bot_user)
        # Other channel messages reach us as app_mention; here only follow-ups count.
        if not is_thread_reply(event) or not is_from_person(event):
            return None
        if addressed_elsewhere(str(event.get("text") or ""), bot_user):
            return None
        team = str(body.get("team_id") or event.get("team") or "")
        try:
            known = await self._service.thread_known(place_of(event, team=team))
        except StoreError as exc:
            log.warning("event %s not checked (%s); Slack will retry it",
                        body.get("event_id", "?"), exc)
            return BoltResponse(status=503, body="")
        return await self._message(body, event, bot_user) if known else None

    async def _edited(self, body: dict[str, Any], event: dict[str, Any],
                      bot_user: str | None) -> BoltResponse | None:
        message = edited_message(event, now=time.time())
        if message is None or (bot_user and message.get("user") == bot_user):
            return None
        edit = edit_incoming(body, message, bot_user_id=bot_user)
        try:
            if await self._service.answered("slack", original_key(message)):
                await self._service.accept(edit)
            elif await self._service.revise(edit):
                log.info("event %s: a waiting question was edited before its answer",
                         body.get("event_id", "?"))
            # else: an edit of a message the bot never answered (or is answering right now)
        except StoreError as exc:
            log.warning("edit %s not accepted (%s); Slack will retry it",
                        body.get("event_id", "?"), exc)
            return BoltResponse(status=503, body="")
        return None

    async def on_command(self, ack: Any, command: dict[str, Any], respond: Any) -> None:
        verb, rest = split_command(str(command.get("text") or ""))
        if verb == "ask":
            try:
                await self._service.accept(self._command_incoming(command, rest))
            except StoreError as exc:
                log.warning("command %s not accepted: %s", command.get("trigger_id", "?"), exc)
                await ack(**self._notice("apology").payload())
                return
            await ack(**self._notice("working").payload())
        elif verb in ("history", "forget"):
            await ack()
            self._start_command(self._private(verb, command, respond), command)
        else:
            await ack(**self._notice("help").payload())

    def _start_command(self, work: Awaitable[None], command: dict[str, Any]) -> None:
        self._tasks.spawn(work, name=f"slack-command-{command.get('trigger_id', '?')}")

    # --- the work ------------------------------------------------------------------------------

    async def _message(self, body: dict[str, Any], event: dict[str, Any],
                       bot_user: str | None) -> BoltResponse | None:
        if not is_from_person(event) or (bot_user and event.get("user") == bot_user):
            return None
        event_id = str(body.get("event_id", "?"))
        team = str(body.get("team_id") or event.get("team") or "")
        place = place_of(event, team=team)
        text = plain_text(strip_mention(str(event.get("text") or ""), bot_user))
        word = None if event.get("files") else keyword(text)
        if word == "help" or (word and place.is_dm):
            work = self._guard(event_id, place, self._keyword(word, place, str(event["user"])))
            self._tasks.spawn(work, name=f"slack-keyword-{event_id}")
            return None
        incoming = to_incoming(body, event, bot_user_id=bot_user,
                               files=file_refs(event.get("files") or []))
        try:
            await self._service.accept(incoming)
        except StoreError as exc:
            # Returned instead of bolt's ack: no ack, so Slack retries the event later.
            log.warning("event %s not accepted (%s); Slack will retry it", event_id, exc)
            return BoltResponse(status=503, body="")
        return None

    def _command_incoming(self, command: dict[str, Any], rest: str) -> Incoming:
        channel = str(command.get("channel_id", ""))
        place = Place(
            platform="slack",
            workspace=str(command.get("team_id") or ""),
            channel=channel,
            thread="",  # the worker posts the anchor message to thread on (`prepare`)
            is_dm=channel.startswith("D"),
        )
        return Incoming(
            place=place,
            user=str(command.get("user_id", "")),
            event_id=f"command:{command.get('trigger_id', '?')}",
            message_key="",
            text=plain_text(rest),
        )

    async def _private(self, verb: str, command: dict[str, Any], respond: Any) -> None:
        trigger = str(command.get("trigger_id", "?"))
        user = str(command.get("user_id", ""))
        try:
            message = await self._account(verb, user)
        except Exception:
            log.exception("command %s (%s) failed", trigger, verb)
            message = self._notice("apology")
        await self._respond(respond, message, trigger)

    async def _keyword(self, word: str, place: Place, user: str) -> None:
        message = self._notice("help", command=self._command) if word == "help" else (
            await self._account(word, user)
        )
        await self._poster.post(place, message)

    async def _account(self, verb: str, user: str) -> SlackMessage:
        if verb == "history":
            items = await self._service.history("slack", user)
            return render_history(items[: self._limits.history_items], env=self._env)
        count = await self._service.forget("slack", user)
        return self._notice("forget", count=count)

    async def _guard(self, event_id: str, place: Place, work: Awaitable[None]) -> None:
        """Run `work`; on failure log it with the event id and, if still possible, apologise."""
        try:
            await work
        except DeliveryError as exc:
            log.warning("event %s: reply not delivered: %s", event_id, exc)
        except Exception:
            log.exception("event %s: unexpected failure", event_id)
            try:
                await self._poster.post(place, self._notice("apology"))
            except DeliveryError as exc:
                log.warning("event %s: apology not delivered either: %s", event_id, exc)

    async def _respond(self, respond: Callable[..., Awaitable[Any]], message: SlackMessage,
                       trigger: str) -> None:
        try:
            await respond(text=message.text, blocks=message.blocks, response_type="ephemeral",
                          replace_original=False)
        except Exception as exc:  # noqa: BLE001 - response_url fails in many transport ways; none fatal
            log.warning("command %s: response_url reply failed: %s", trigger, type(exc).__name__)

    # --- rendering shortcuts -------------------------------------------------------------------

    def _notice(self, name: str, **context: Any) -> SlackMessage:
        context.setdefault("command", self._command)
        return render_notice(name, env=self._env, **context)
