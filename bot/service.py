"""`Service`: the one object adapters talk to. An accepted event in, a stored `Reply` out.

    accept(incoming)         dedupe, then commit the event to the durable inbox (a job):
                             the adapter acks only after this returns
    answer_job(job, ...)     source text (message, attachments, or the thread's stored block)
                             → answer in a worker thread → store question, answer and a
                             pending delivery, and delete the job, in one transaction → Reply
    ask(incoming)            accept + answer now (the console and tests, which wait for it)
    delivered(id, n, ...)    the worker posted n steps of that reply
    history / forget         the asker's own questions (forget takes their feedback too)
    record_feedback          a 👍/👎 click on an answer (`feedback_reason`: the 👎's reason)

Refusals (`bot.errors.InputError`) are replies too: they are stored and delivered like
answers, so a person always hears back once, and the failure is logged with the event id.
A `StoreError` while recording is not a reply: the job stays queued and is retried.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.attachments import attachments_text
from bot.chat import Attachment, FileRef, HistoryItem, Incoming, Place, Reply
from bot.engines import Engine, ExtractiveEngine, Progress, Solved
from bot.errors import EmptyInput, InputError, NoQuestion, NoSource, SourceGone, TooLarge
from bot.history.feedback import RATINGS, FeedbackRecord, parse_ref
from bot.history.queue import Job
from bot.history.record import Claim, NewQuestion, StoredSource
from bot.history.store import HistoryStore
from bot.memo import IdentityMemo
from bot.models import Answer, SourceBlock
from bot.safety import clean_model, strip_controls
from bot.settings import Limits

log = logging.getLogger(__name__)

Fetch = Callable[[Sequence[FileRef]], Awaitable[list[Attachment]]]

TITLE_CHARS = 80
INTERNAL = "internal"
STORED_CHARS = 16 * 1024 * 1024  # block text kept alive by remembered stored blocks
INLINE_LEASE = 300.0  # `ask` answers while its caller waits; nobody else should take it


def dedupe_keys(incoming: Incoming) -> tuple[str, ...]:
    """Slack re-delivers one message under new event ids: key on both ids, per platform."""
    platform = incoming.place.platform
    keys = [f"{platform}:event:{incoming.event_id}"]
    if incoming.message_key:
        keys.append(f"{platform}:message:{incoming.message_key}")
    return tuple(keys)


# This process's life: the pid alone repeats (a container restarts as pid 1 again).
_LIFE = uuid.uuid4().hex[:8]


def new_owner() -> str:
    """`host:pid:life`: claims name their process, so a restart on the same host can tell a
    dead owner's leases from live ones (`stale_owner`). Every service of one process shares
    it: they are one life, and none of them may free another's claims."""
    return f"{socket.gethostname()}:{os.getpid()}:{_LIFE}"


def stale_owner(owner: str, *, mine: str) -> bool:
    """Whether `owner` is a process on this host that no longer runs (or an earlier life of
    this pid, as after a container restart), so its leases need not be waited out."""
    host, _, rest = owner.partition(":")
    pid_text, _, _ = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit() or owner == mine:
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


@dataclass(frozen=True, slots=True)
class _Outcome:
    answer: Answer
    source: StoredSource
    reused: bool


class Service:
    def __init__(
        self,
        *,
        store: HistoryStore,
        limits: Limits,
        engine: Engine | None = None,
    ) -> None:
        """`engine` splits and answers messages (default: extractive; tests pass a fake)."""
        self._store = store
        self._limits = limits
        self._engine: Engine = engine or ExtractiveEngine()
        self._listeners: list[Callable[[], None]] = []
        self.owner = new_owner()
        # A repeated question gets the engine's same answer and parsed block: checked for
        # invisible characters and written as a stored block once each (see `bot.memo`).
        self._cleaned: IdentityMemo[Answer, Answer] = IdentityMemo()
        self._stored: IdentityMemo[SourceBlock, StoredSource] = IdentityMemo(
            max_size=STORED_CHARS, size=lambda stored: len(stored.text))

    @property
    def limits(self) -> Limits:
        return self._limits

    @property
    def store(self) -> HistoryStore:
        return self._store

    # Leases are compared across processes, so they are wall-clock times (`time.time()`).

    def on_accepted(self, wake: Callable[[], None]) -> None:
        """Call `wake` after each accepted event (workers wait on it instead of polling)."""
        self._listeners.append(wake)

    async def accept(self, incoming: Incoming) -> int | None:
        """Commit `incoming` to the inbox; the job id, or None if it was already accepted.
        Raises `StoreError` when the database refuses: then do not ack (Slack retries)."""
        job_id = await self._store.enqueue(incoming, dedupe_keys(incoming))
        if job_id is None:
            log.info("duplicate event %s: already accepted", incoming.event_id)
            return None
        for wake in self._listeners:
            wake()
        return job_id

    async def ask(self, incoming: Incoming, *, progress: Progress | None = None) -> Reply | None:
        """Accept `incoming` and answer it now; None if it was already handled."""
        job_id = await self.accept(incoming)
        if job_id is None:
            return None
        job = await self._store.claim_job(
            owner=self.owner, platforms=(), lease=INLINE_LEASE, now=time.time(), job_id=job_id
        )
        if job is None:  # a worker took it first; it answers and delivers it
            return None
        return await self.answer_job(job, lease=INLINE_LEASE, progress=progress)

    async def resume(self, platform: str) -> list[Reply]:
        """Answer now the `platform` jobs a stopped process left (the console, which has no
        worker); returns their replies for the caller to show."""
        await self._store.free_claims(
            is_stale=lambda o: stale_owner(o, mine=self.owner), now=time.time()
        )
        replies: list[Reply] = []
        while True:
            job = await self._store.claim_job(
                owner=self.owner, platforms=(platform,), lease=INLINE_LEASE, now=time.time()
            )
            if job is None:
                return replies
            reply = await self.answer_job(job, lease=INLINE_LEASE)
            if reply is not None:
                replies.append(reply)

    async def answer_job(
        self,
        job: Job,
        *,
        lease: float,
        fetch: Fetch | None = None,
        progress: Progress | None = None,
    ) -> Reply | None:
        """Answer (or refuse) a claimed job and record it; None if the job was no longer
        ours (forgotten meanwhile, or our lease ran out). `StoreError` propagates."""
        incoming = job.incoming
        question: str | None = None
        block_text = ""
        try:
            if incoming.source_message:
                # `Courier.prepare` reads that message into the block; still named here, it
                # could not (deleted before the answer): say so, not "no sources".
                raise SourceGone(f"message {incoming.source_message} is gone")
            attachments = list(incoming.attachments)
            if incoming.files:
                if fetch is None:
                    raise RuntimeError("attached files but no way to fetch them")
                attachments += await fetch(incoming.files)
            question, block_text = self._split_incoming(incoming, attachments)
            outcome = await self._answer(incoming, question, block_text, progress)
        except InputError as exc:
            log.warning("event %s refused: %s", incoming.event_id, exc.code)
            # A block without a question still becomes the thread's source, so the question
            # asked next on its own is answered from it (the reply says so).
            kept = (
                await asyncio.to_thread(_stored_source, block_text, None, None)
                if isinstance(exc, NoQuestion) and block_text.strip()
                else None
            )
            new = self._new(
                incoming, question or "", problem=exc.code, detail=strip_controls(str(exc)),
                source=kept,
            )
        except Exception as exc:  # a bug in parsing or grounding must still get a reply
            log.error("event %s failed: %s", incoming.event_id, type(exc).__name__)
            log.debug("event %s traceback", incoming.event_id, exc_info=True)
            new = self._new(incoming, question or "", problem=INTERNAL)
        else:
            # Everything posted comes from here: no name, label or sentence of it may carry
            # invisible bidi or zero-width characters.
            answer = self._cleaned.get(outcome.answer, clean_model)
            new = self._new(
                incoming,
                answer.question,
                answer=answer,
                source=outcome.source,
                reused=outcome.reused,
            )
        until = time.time() + lease
        return await self._store.record(
            new, claim=Claim(job_id=job.id, owner=self.owner, lease_until=until)
        )

    async def delivered(
        self, delivery_id: int, parts_done: int, *, parts_total: int | None = None,
        posted: str | None = None,
    ) -> bool:
        """`parts_done` parts of the reply are posted (the last one as message `posted`).
        Pass `parts_total` (at the latest with the last part) so the delivery counts as done
        and leaves `pending`. False: an edit's answer took over; post no more of this one."""
        return await self._store.mark_delivered(
            delivery_id, parts_done, parts_total, posted=posted
        )

    async def pending(self, platform: str) -> list[Reply]:
        return await self._store.pending(platform)

    async def history(
        self, platform: str, user: str, limit: int | None = None
    ) -> list[HistoryItem]:
        return await self._store.history(platform, user, limit or self._limits.history_items)

    async def forget(self, platform: str, user: str) -> int:
        return await self._store.forget(platform, user)

    async def thread_known(self, place: Place) -> bool:
        """Whether the bot was asked in `place`'s thread before (follow-ups need no mention)."""
        return await self._store.thread_known(place)

    async def answered(self, platform: str, message_key: str) -> bool:
        """Whether the message `message_key` was answered (so an edit of it re-answers)."""
        return await self._store.answered(platform, message_key)

    async def revise(self, edit: Incoming) -> bool:
        """An edit (`edit.edits` names the asking message) of a question still waiting in the
        inbox: the waiting job is answered with the edited text. False when none waits."""
        return await self._store.revise_job(edit, message_key=edit.edits, now=time.time())

    # -- feedback -------------------------------------------------------------------------------

    async def record_feedback(
        self, *, answer_ref: str, platform: str, user: str, rating: str,
        reason: str | None = None,
    ) -> bool:
        """Record one click on the answer `answer_ref` (the delivery id the adapter put in its
        button). False when the ref or rating is malformed or the answer is no longer stored.
        `StoreError` propagates (the adapter apologises)."""
        delivery_id = parse_ref(answer_ref)
        if delivery_id is None or rating not in RATINGS:
            log.warning("feedback on %r refused: malformed", answer_ref[:40])
            return False
        stored = await self._store.record_feedback(
            delivery_id=delivery_id, platform=platform, user=user,
            rating="up" if rating == "up" else "down", reason=reason,
        )
        if stored is None:
            log.info("feedback on answer %d: no such answer (forgotten or pruned)", delivery_id)
            return False
        log.info("feedback %d: %s on answer %d", stored, rating, delivery_id)
        return True

    async def feedback_reason(
        self, *, answer_ref: str, platform: str, user: str, reason: str
    ) -> bool:
        """Attach `reason` to `user`'s latest 👎 on `answer_ref`; False when there is none."""
        delivery_id = parse_ref(answer_ref)
        if delivery_id is None:
            return False
        return await self._store.feedback_reason(
            delivery_id=delivery_id, platform=platform, user=user, reason=reason
        )

    async def feedback(self, *, since: datetime | None = None) -> list[FeedbackRecord]:
        return await self._store.feedback(since=since)

    # -- steps --------------------------------------------------------------------------------

    def _split_incoming(
        self, incoming: Incoming, attachments: Sequence[Attachment]
    ) -> tuple[str | None, str]:
        """(question, block text): the message split, plus any attached text files."""
        text = incoming.text
        question: str | None
        if incoming.question is not None:  # a form's own question field: text is all block
            question, block = incoming.question, text
        else:
            question, block = self._engine.split(text) if text.strip() else (None, "")
        if attachments:
            extra = attachments_text(
                list(attachments), limits=self._limits, already=len(block.encode("utf-8"))
            )
            block = "\n\n".join(part for part in (block, *extra) if part.strip())
        question = question.strip() if question and question.strip() else None
        return question, block

    async def _answer(
        self, incoming: Incoming, question: str | None, block_text: str, progress: Progress | None
    ) -> _Outcome:
        if block_text.strip():
            size = len(block_text.encode("utf-8"))
            if size > self._limits.max_source_bytes:
                raise TooLarge(
                    f"the source block is {size} bytes; the limit is "
                    f"{self._limits.max_source_bytes}",
                    size=size,
                    limit=self._limits.max_source_bytes,
                )
            solved = await self._engine.solve(
                block_text, question, limits=self._limits, progress=progress
            )
            return _Outcome(solved.answer, self._source(block_text, solved), reused=False)
        if not question:
            raise EmptyInput("the message is empty")
        stored = await self._store.thread_source(incoming.place)
        if stored is None:
            raise NoSource("a question with no source block, and no earlier one in this thread")
        solved = await self._engine.solve(
            stored.text, question, limits=self._limits, progress=progress
        )
        return _Outcome(solved.answer, stored, reused=True)

    def _source(self, text: str, solved: Solved) -> StoredSource:
        block = solved.block
        if block is None:
            return _stored_source(text, solved.answer, None)
        stored = self._stored.get(block, lambda b: _stored_source(text, None, b))
        # One parse is one text; checked all the same, as the memo is keyed by the block.
        return stored if stored.text == text else _stored_source(text, None, block)

    def _new(
        self,
        incoming: Incoming,
        question: str,
        *,
        answer: Answer | None = None,
        source: StoredSource | None = None,
        reused: bool = False,
        problem: str | None = None,
        detail: str = "",
    ) -> NewQuestion:
        return NewQuestion(
            place=incoming.place,
            user=incoming.user,
            event_id=incoming.event_id,
            dedupe_keys=(),  # claimed when the event was accepted
            question=question[: self._limits.max_question_chars],
            answer=answer,
            source=source,
            problem=problem,
            detail=detail,
            reused_source=reused,
            message_key=incoming.edits or incoming.message_key,
            edits=bool(incoming.edits),
        )


def _stored_source(
    text: str, answer: Answer | None, block: SourceBlock | None
) -> StoredSource:
    if block is None:
        if answer is None:  # kept without an answer: parse it to title and store it
            from bot.parse import parse_block

            block = parse_block(text)
        else:  # an engine that does not parse: keep what the answer says of the sources
            block = SourceBlock(text="", format="freeform", sources=answer.sources)
    sources = block.sources
    if sources:
        title = sources[0].name
    else:
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    parsed = block.model_dump_json(exclude={"text"})
    fmt = block.format if block.text else ""
    return StoredSource(text=text, format=fmt, title=title[:TITLE_CHARS], parsed=parsed)
