"""`SlackCourier`: the delivery protocol (`bot.delivery.Courier`) spoken to the Slack Web API.

A reply is a list of steps: each message part, and the workflow PNG as a step of its own right
after the message that carries the text diagram. Each part is posted with message `metadata`
naming the delivery and the part; when a delivery is resumed (`Reply.claims > 1`, so a post
may have landed before a crash could record it) the thread is read first
(`conversations.replies` with `include_all_metadata`) and parts already there are skipped.
`files_upload_v2` makes three calls and is not idempotent: the PNG step is retried whole only
when no file of that name is in the thread yet.

An edit's answer (`Reply.updates`, the earlier answer's messages) rewrites those messages with
`chat.update` instead of posting: part n updates earlier message n, parts beyond them are
posted, earlier messages beyond the new parts are deleted. Every part step returns its ts,
which the worker records for the next edit; the PNG step returns its file id (`FILE_STEP`), so
that an edit that redraws the diagram removes the earlier image (`files.delete`) once its own
is up.

Slack errors map to `Refused` (429 with its Retry-After, 5xx, timeouts: retried later with
backoff) or `Gone` (the channel or thread is closed to us: abandoned).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import aiohttp
import jinja2
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.events import file_refs, plain_text
from adapters.slack.files import FileFetcher
from adapters.slack.status import ThreadStatus
from bot.chat import Attachment, FileRef, Incoming, Place, Platform, Reply
from bot.delivery import Step
from bot.errors import DeliveryError, Gone, Refused
from bot.memo import IdentityMemo
from bot.models import Answer
from bot.render.png import cached_png, diagram_png
from bot.render.slack import (
    SlackMessage,
    answer_cache,
    diagram_title,
    render_notice,
    render_reply,
)
from bot.render.slack_feedback import FeedbackStyle
from bot.safety import strip_controls
from bot.settings import Limits

log = logging.getLogger(__name__)

GONE_REMEMBERED = 1_000  # askers of shortcuts on deleted messages kept for their reply
DRAWINGS_AT_ONCE = 1  # `dot` processes: CPU the event loop needs for acks under a burst
PART_EVENT = "sourcebound_part"  # message metadata event_type of every answer part
ANCHOR_EVENT = "sourcebound_anchor"  # ... and of a slash command's anchor message
FILE_STEP = "file:"  # a recorded step that uploaded the diagram: its file id, not a message ts
# Errors that no retry can fix: the place is gone or closed to the bot.
_GONE = frozenset({"channel_not_found", "is_archived", "not_in_channel", "thread_not_found",
                   "restricted_action", "cannot_reply_to_message", "message_not_found",
                   "invalid_auth", "account_inactive", "token_revoked", "missing_scope"})


_NOT_UPDATABLE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


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
        feedback: FeedbackStyle = "off",
    ) -> None:
        self._client = client
        self._env = env
        self._limits = limits
        self._command = command
        self._feedback: FeedbackStyle = feedback
        self._drawing = asyncio.Semaphore(DRAWINGS_AT_ONCE)
        self._rendered = answer_cache()
        self._titles: IdentityMemo[Answer, str] = IdentityMemo()  # the PNG title, per answer
        self.status = ThreadStatus(client=client, env=env)
        self.fetcher: FileFetcher | None = None  # set once the adapter's HTTP session is open
        # Askers of shortcuts whose message is gone, by event: Slack refuses a reply in a
        # deleted message's thread, so they are told privately instead (this process only).
        self._gone: OrderedDict[str, str] = OrderedDict()

    @property
    def platform(self) -> Platform:
        return "slack"

    def render(self, reply: Reply) -> list[SlackMessage]:
        return render_reply(reply, env=self._env, limits=self._limits, command=self._command,
                            feedback=self._feedback, cache=self._rendered)

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

    async def prepare(self, incoming: Incoming, *, resumed: bool = False) -> Incoming:
        if incoming.source_message:
            incoming = await self._with_source_message(incoming)
        # The status with its count follows the parse (`progress`); only a download first
        # is slow enough to show "is reading the sources…" before the count is known.
        if incoming.place.thread:
            if incoming.files:
                await self.status.show(incoming.place)
            return incoming
        # A slash command has no message to thread on: post one, and answer under it.
        ts = await self._landed_anchor(incoming) if resumed else None
        if ts is None:
            question = strip_controls(incoming.text.strip().split("\n", 1)[0])
            metadata = {"event_type": ANCHOR_EVENT,
                        "event_payload": {"event": incoming.event_id}}
            ts = await self.post(incoming.place, self.notice("anchor", question=question),
                                 metadata=metadata)
        place = incoming.place.model_copy(update={"thread": ts})
        if incoming.files:
            await self.status.show(place)
        return incoming.model_copy(
            update={"place": place, "message_key": f"{place.channel}:{ts}"}
        )

    async def progress(self, incoming: Incoming, sources: int, *, slow: bool) -> None:
        # Parsed: the status says how much is read. Where Slack refuses the status, a slow
        # engine (the LLM) still says it in a note; a quick answer needs none.
        if not await self.status.show(incoming.place, sources=sources) and slow:
            await self.post(incoming.place, self.notice("progress", sources=sources))

    async def _with_source_message(self, incoming: Incoming) -> Incoming:
        """"Ask Sourcebound" on a message: its text and files become the source block."""
        channel, _, ts = incoming.source_message.rpartition(":")
        try:
            thread = await self._thread(incoming.place, oldest=ts)
        except Gone:  # thread_not_found: the message was deleted (or we lost access)
            thread = []
        message = next((m for m in thread if m.get("ts") == ts), None)
        if message is None:
            # Kept in `source_message`: the answer is the reply saying the message is gone.
            log.warning("event %s: the shortcut's message %s is gone", incoming.event_id, ts)
            self._gone[incoming.event_id] = incoming.user
            while len(self._gone) > GONE_REMEMBERED:
                self._gone.popitem(last=False)
            return incoming
        log.debug("event %s: source block from message %s in %s", incoming.event_id, ts, channel)
        return incoming.model_copy(update={
            "source_message": "",
            "text": plain_text(str(message.get("text") or "")),
            "files": file_refs(message.get("files") or []),
        })

    async def plan(self, reply: Reply) -> Sequence[Step]:
        messages = self.render(reply)
        landed: set[int] = set()
        if reply.claims > 1:  # resumed: a post may have landed unrecorded
            landed = await self._landed_parts(reply)
        # The earlier answer's recorded steps: its messages, and its diagram's file.
        updates = [u for u in reply.updates if not u.startswith(FILE_STEP)]
        old_files = [u.removeprefix(FILE_STEP) for u in reply.updates if u.startswith(FILE_STEP)]
        steps: list[Step] = []
        for number, message in enumerate(messages, start=1):
            earlier = updates[number - 1] if number <= len(updates) else None
            if earlier is not None:
                steps.append(self._update_step(reply, earlier, message))
            else:
                steps.append(self._part_step(reply, number, message, number in landed))
            if message.diagram and reply.answer is not None:
                if reply.redraw or earlier is None:
                    # The new image first, then the old one goes: never a thread without.
                    steps.append(self._png_step(reply, reply.answer))
                    steps.extend(self._delete_file_step(reply, f) for f in old_files)
                else:  # the same diagram stays: the next edit must still find its file
                    steps.extend(self._kept_file_step(f) for f in old_files)
                old_files = []
        for stale in updates[len(messages):]:
            steps.append(self._delete_step(reply, stale))
        # No diagram in the new answer (it became a problem): its old image goes too.
        steps.extend(self._delete_file_step(reply, f) for f in old_files)
        if reply.updates:
            steps.append(self._clear_status_step(reply))
        return steps

    async def retract(self, reply: Reply, *, keep: Sequence[str],
                      landed: Sequence[str] = ()) -> None:
        # Parts carry metadata naming their delivery: any in the thread that was not
        # recorded landed after the takeover and would sit beside the edit's answer (the
        # thread shows what `landed` names too, so it is found the same way).
        kept = set(keep)
        for message in await self._thread(reply.place):
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            ts = str(message.get("ts") or "")
            if (metadata.get("event_type") == PART_EVENT and ts and ts not in kept
                    and payload.get("delivery") == reply.delivery_id):
                log.info("delivery %d: its part %s landed after an edit took over; removed",
                         reply.delivery_id, payload.get("part"))
                await self._delete_step(reply, ts)()

    async def give_up(self, reply: Reply) -> None:
        await self.post(reply.place, self.notice("undelivered"))

    async def kept(self, incoming: Incoming) -> None:
        await self.post(incoming.place, self.notice("kept"))

    # -- steps ----------------------------------------------------------------------------------

    def _part_step(self, reply: Reply, number: int, message: SlackMessage, landed: bool) -> Step:
        async def step() -> str | None:
            if landed:
                log.info("delivery %d part %d is already in the thread; not posted again",
                         reply.delivery_id, number)
                return None
            metadata = {"event_type": PART_EVENT,
                        "event_payload": {"delivery": reply.delivery_id, "part": number}}
            try:
                return await self.post(reply.place, message, metadata=metadata)
            except Gone as exc:
                asker = self._gone.pop(reply.event_id, None)
                if asker is None or _reason(exc.__cause__ or exc) != "thread_not_found":
                    raise
            # The shortcut's message was deleted, and its thread with it.
            await self._tell_privately(reply.place, asker, message)
            return None

        return step

    async def _tell_privately(self, place: Place, user: str, message: SlackMessage) -> None:
        try:
            await self._client.chat_postEphemeral(channel=place.channel, user=user,
                                                  **message.payload())
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise _refusal("chat.postEphemeral", exc) from exc

    def _update_step(self, reply: Reply, ts: str, message: SlackMessage) -> Step:
        async def step() -> str | None:
            if await self.update(reply.place, ts, message):
                return ts
            # Someone deleted the earlier part: the new one is posted in its place.
            return await self.post(reply.place, message)

        return step

    def _clear_status_step(self, reply: Reply) -> Step:
        async def step() -> str | None:
            await self.status.clear(reply.place)  # a courtesy: never fails the delivery
            return None

        return step

    def _delete_step(self, reply: Reply, ts: str) -> Step:
        async def step() -> str | None:
            try:
                await self._client.chat_delete(channel=reply.place.channel, ts=ts)
            except SlackApiError as exc:
                if _reason(exc) != "message_not_found":  # deleted by hand: done already
                    raise _refusal("chat.delete", exc) from exc
            except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
                raise _refusal("chat.delete", exc) from exc
            return None

        return step

    def _png_step(self, reply: Reply, answer: Answer) -> Step:
        # Returns the file id (marked FILE_STEP), recorded so that an edit redrawing the
        # diagram can remove this image once its own is up.
        async def step() -> str | None:
            landed = await self._png_landed(reply) if reply.claims > 1 else None
            if landed is None:
                landed = await self.upload_diagram(reply.place, answer,
                                                   name=png_name(reply.delivery_id))
            return f"{FILE_STEP}{landed}" if landed else None

        return step

    def _delete_file_step(self, reply: Reply, file_id: str) -> Step:
        async def step() -> str | None:
            try:
                await self._client.files_delete(file=file_id)
            except SlackApiError as exc:
                if _reason(exc) not in ("file_not_found", "file_deleted"):  # gone already
                    raise _refusal("files.delete", exc) from exc
            except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
                raise _refusal("files.delete", exc) from exc
            log.info("delivery %d: the earlier answer's diagram %s removed",
                     reply.delivery_id, file_id)
            return None

        return step

    @staticmethod
    def _kept_file_step(file_id: str) -> Step:
        async def step() -> str | None:
            return f"{FILE_STEP}{file_id}"

        return step

    async def _thread(self, place: Place, *, oldest: str | None = None) -> list[dict[str, Any]]:
        """The thread's messages (first page is enough: our parts follow the question; with
        `oldest`, the page starts there, the thread's first message aside)."""
        if not place.thread:
            return []
        window: dict[str, Any] = {"oldest": oldest, "inclusive": True} if oldest else {}
        try:
            response = await self._client.conversations_replies(
                channel=place.channel, ts=place.thread, include_all_metadata=True, limit=200,
                **window,
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

    async def _landed_anchor(self, incoming: Incoming) -> str | None:
        """The ts of this command's anchor if an earlier attempt posted it unrecorded (the
        channel's newest page is enough: a restart resumes within moments)."""
        try:
            response = await self._client.conversations_history(
                channel=incoming.place.channel, include_all_metadata=True, limit=100)
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise _refusal("conversations.history", exc) from exc
        for message in response.get("messages") or []:
            if not isinstance(message, dict):
                continue
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (metadata.get("event_type") == ANCHOR_EVENT
                    and payload.get("event") == incoming.event_id and message.get("ts")):
                log.info("event %s: its anchor is already in the channel; not posted again",
                         incoming.event_id)
                return str(message["ts"])
        return None

    async def _png_landed(self, reply: Reply) -> str | None:
        """The id of this delivery's image if it is in the thread already ("" when Slack
        did not say), else None."""
        name = png_name(reply.delivery_id)
        return next((
            str(f.get("id") or "")
            for message in await self._thread(reply.place)
            for f in message.get("files") or ()
            if isinstance(f, dict) and f.get("name") == name
        ), None)

    # -- Web API --------------------------------------------------------------------------------

    async def post(self, place: Place, message: SlackMessage, *,
                   metadata: dict[str, Any] | None = None) -> str:
        """chat.postMessage into the place's thread; returns the new message's ts."""
        body: dict[str, Any] = {"channel": place.channel, "unfurl_links": False,
                                "unfurl_media": False}
        if place.thread:
            body["thread_ts"] = place.thread
        body.update((k, v) for k, v in message.payload().items() if v is not None)
        if metadata:
            body["metadata"] = metadata
        try:
            try:
                response = await self._post_message(body)
            except SlackApiError as exc:
                if message.fallback_blocks is None or _reason(exc) != "invalid_blocks":
                    raise
                log.warning("Slack refused the feedback block (invalid_blocks); posting plain "
                            "buttons from now on")
                self._feedback = "buttons"
                response = await self._post_message({**body, "blocks": message.fallback_blocks})
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise _refusal("chat.postMessage", exc) from exc
        return str(response.get("ts", ""))

    async def _post_message(self, body: dict[str, Any]) -> Any:
        # `api_call` with the JSON body, which is all `chat_postMessage` sends once it has
        # turned Block Kit objects into dicts (ours are dicts already), dropped None values
        # and checked that text is there: that pass (isinstance checks against its block
        # classes on every block) was a tenth of each post's CPU.
        return await self._client.api_call("chat.postMessage", json=body)

    async def update(self, place: Place, ts: str, message: SlackMessage) -> bool:
        """chat.update of the message `ts` (an edit's answer rewriting an earlier one);
        False when that message is gone or can no longer be edited."""
        payload = message.payload()
        try:
            try:
                await self._client.chat_update(channel=place.channel, ts=ts, **payload)
            except SlackApiError as exc:
                if message.fallback_blocks is None or _reason(exc) != "invalid_blocks":
                    raise
                self._feedback = "buttons"
                await self._client.chat_update(
                    channel=place.channel, ts=ts, **{**payload, "blocks": message.fallback_blocks}
                )
        except SlackApiError as exc:
            if _reason(exc) in _NOT_UPDATABLE:
                return False
            raise _refusal("chat.update", exc) from exc
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise _refusal("chat.update", exc) from exc
        return True

    async def upload_diagram(self, place: Place, answer: Answer, *, name: str) -> str | None:
        """Upload the workflow PNG into the thread; its file id ("" if Slack did not say),
        None when there is nothing to draw."""
        png = cached_png(answer.workflow)
        if png is None:
            async with self._drawing:
                png = await asyncio.to_thread(diagram_png, answer.workflow)
        if png is None:
            return None
        title = self._titles.get(answer, lambda a: diagram_title(a, env=self._env))
        try:
            response = await self._client.files_upload_v2(
                channel=place.channel,
                thread_ts=place.thread or None,
                file=png,
                filename=name,
                title=title,
                alt_txt=title,
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise _refusal("diagram upload", exc) from exc
        uploaded = response.get("file") or {}
        return str(uploaded.get("id") or "") if isinstance(uploaded, dict) else ""


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
