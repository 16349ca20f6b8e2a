"""What the adapter does with a mention, a DM or a slash command, after bolt has acked it.

Every path ends in one threaded reply, whatever happens: an answer, a problem reply rendered
from its template, or a generic apology (the failure logged with the event id). Nothing a
listener raises reaches bolt, so no traceback can end up in a channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import jinja2

from adapters.slack.events import (
    is_dm,
    is_from_person,
    keyword,
    place_of,
    plain_text,
    split_command,
    strip_mention,
    to_incoming,
)
from adapters.slack.files import FileFetcher
from adapters.slack.post import Poster
from bot.chat import HistoryItem, Incoming, Place, Reply
from bot.errors import DeliveryError, InputError
from bot.render.slack import SlackMessage, render_history, render_notice, render_problem
from bot.service import Progress
from bot.settings import Limits

log = logging.getLogger(__name__)

# Answers computed and posted at once. Grounding is CPU work in threads, rendering and posting
# a reply costs the event loop a few ms: unbounded, a burst of events starves the loop that
# must ack the next ones within 3 s (measured: p99 ack 390 ms unbounded vs ~110 ms with 2 at
# 50 concurrent events). Queued answers wait here; the CPUs bound throughput either way.
ANSWERS_AT_ONCE = 2


class Asker(Protocol):
    """What the Slack adapter uses of `bot.service.Service`."""

    async def ask(
        self, incoming: Incoming, *, progress: Progress | None = None
    ) -> Reply | None: ...

    async def delivered(
        self, delivery_id: int, parts_done: int, *, parts_total: int | None = None
    ) -> None: ...

    async def pending(self, platform: str) -> list[Reply]: ...

    async def history(self, platform: str, user: str) -> list[HistoryItem]: ...

    async def forget(self, platform: str, user: str) -> int: ...


class _Recent:
    """Keys seen lately (bounded). Only guards replies the service never sees: refusals of
    attachments before download. The service's SQLite dedupe is the real one."""

    def __init__(self, size: int = 10_000) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, *keys: str) -> bool:
        fresh = not any(key in self._keys for key in keys)
        for key in keys:
            self._keys[key] = None
            self._keys.move_to_end(key)
        while len(self._keys) > self._size:
            self._keys.popitem(last=False)
        return fresh


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
        poster: Poster,
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
        self._recent = _Recent()
        self._answering = asyncio.Semaphore(ANSWERS_AT_ONCE)
        self.fetcher: FileFetcher | None = None  # set once the adapter's HTTP session is open

    # --- bolt listeners (return at once; the work runs as an adapter task) ------------------

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        self._start(self._message(body, event, context.bot_user_id), body)

    async def on_message(self, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        # Channel messages reach us as app_mention; here only DMs count.
        if is_dm(event):
            self._start(self._message(body, event, context.bot_user_id), body)

    async def on_command(self, ack: Any, command: dict[str, Any], respond: Any) -> None:
        verb, rest = split_command(str(command.get("text") or ""))
        if verb == "ask":
            await ack(**self._notice("working").payload())
            self._start_command(self._command_ask(command, rest, respond), command)
        elif verb in ("history", "forget"):
            await ack()
            self._start_command(self._private(verb, command, respond), command)
        else:
            await ack(**self._notice("help").payload())

    def _start(self, work: Awaitable[None], body: dict[str, Any]) -> None:
        self._tasks.spawn(work, name=f"slack-event-{body.get('event_id', '?')}")

    def _start_command(self, work: Awaitable[None], command: dict[str, Any]) -> None:
        self._tasks.spawn(work, name=f"slack-command-{command.get('trigger_id', '?')}")

    # --- the work ------------------------------------------------------------------------------

    async def _message(self, body: dict[str, Any], event: dict[str, Any], bot_user: str | None) -> None:
        if not is_from_person(event) or (bot_user and event.get("user") == bot_user):
            return
        event_id = str(body.get("event_id", "?"))
        team = str(body.get("team_id") or event.get("team") or "")
        place = place_of(event, team=team)
        text = plain_text(strip_mention(str(event.get("text") or ""), bot_user))
        word = None if event.get("files") else keyword(text)
        if word == "help" or (word and place.is_dm):
            await self._guard(event_id, place, self._keyword(word, place, str(event["user"])))
            return

        async def answer() -> None:
            try:
                attachments = await self._fetcher().fetch_all(list(event.get("files") or []))
            except InputError as exc:
                # Refused before the service saw it, so the service cannot dedupe this reply.
                key = f"{place.channel}:{event.get('ts', '')}"
                log.info("event %s: attachment refused (%s)", event_id, exc.code)
                if self._recent.first_time(event_id, key):
                    await self._poster.post(place, self._problem(exc.code))
                return
            incoming = to_incoming(body, event, bot_user_id=bot_user, attachments=attachments)
            await self._ask(incoming)

        await self._guard(event_id, place, answer())

    async def _command_ask(self, command: dict[str, Any], rest: str, respond: Any) -> None:
        trigger = str(command.get("trigger_id", "?"))
        channel = str(command.get("channel_id", ""))
        top = Place(
            platform="slack",
            workspace=str(command.get("team_id") or ""),
            channel=channel,
            thread="",
            is_dm=channel.startswith("D"),
        )
        question = rest.strip().split("\n", 1)[0]
        try:
            # A command has no message to thread on: post one, and answer under it.
            ts = await self._poster.post(
                top, self._notice("anchor", question=question, command=self._command)
            )
        except DeliveryError as exc:
            log.warning("command %s: cannot post in %s (%s)", trigger, channel, exc)
            await self._respond(respond, self._problem("delivery"), trigger)
            return
        place = top.model_copy(update={"thread": ts})
        incoming = Incoming(
            place=place,
            user=str(command.get("user_id", "")),
            event_id=f"command:{trigger}",
            message_key=f"{channel}:{ts}",
            text=plain_text(rest),
        )
        await self._guard(f"command:{trigger}", place, self._ask(incoming))

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

    async def _ask(self, incoming: Incoming) -> None:
        async def progress(sources: int) -> None:
            await self._poster.post(incoming.place, self._notice("progress", sources=sources))

        async with self._answering:
            reply = await self._service.ask(incoming, progress=progress)
            if reply is None:
                log.info("event %s: already handled (duplicate delivery)", incoming.event_id)
                return
            await self._poster.deliver(reply)

    async def _guard(self, event_id: str, place: Place, work: Awaitable[None]) -> None:
        """Run `work`; on failure log it with the event id and, if still possible, apologise."""
        try:
            await work
        except DeliveryError as exc:
            # The reply stays pending in the store and is re-delivered on the next start.
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

    def _problem(self, code: str) -> SlackMessage:
        return render_problem(code, env=self._env, limits=self._limits, command=self._command)

    def _fetcher(self) -> FileFetcher:
        if self.fetcher is None:
            raise RuntimeError("the Slack adapter is not started (use `async with`)")
        return self.fetcher
