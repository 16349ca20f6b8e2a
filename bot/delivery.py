"""The one delivery protocol every adapter speaks: a `Courier` the worker drives.

A reply is delivered as an ordered list of steps (the messages, and on Slack the diagram
upload as a step of its own); the worker runs the steps not yet recorded and records each as
it lands. A step that is refused raises `bot.errors.Refused` (retried later with exponential
backoff and jitter) or `bot.errors.Gone` (abandoned). When a delivery has been claimed before
(`Reply.claims > 1`), a post may have landed without being recorded: steps then check the
platform first (Slack: message metadata; Discord: the per-part nonce) so nothing is posted
twice.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.chat import Attachment, FileRef, Incoming, Platform, Reply

# A step returns the id of the message it posted (Slack ts, Discord message id), if it posted
# one: recorded, so that an edit of the asking message can update the answer in place.
Step = Callable[[], Awaitable[str | None]]
STORE_DELAY = 0.5  # first retry after a busy or failing database


class Courier(Protocol):
    """What an adapter provides so the platform-free worker can answer and deliver for it."""

    @property
    def platform(self) -> Platform: ...

    async def fetch(self, files: Sequence[FileRef]) -> list[Attachment]:
        """Download attached files (size-capped); `InputError` says why one is refused."""
        ...

    async def prepare(self, incoming: Incoming, *, resumed: bool = False) -> Incoming:
        """Whatever must exist before answering (a slash command's anchor message to thread
        on); returns `incoming` updated, or the same object when nothing was needed. When
        `resumed` (the job was claimed before), what an earlier attempt may have posted
        without recording it is looked up on the platform first, not posted again."""
        ...

    async def progress(self, incoming: Incoming, sources: int, *, slow: bool) -> None:
        """The engine is reading `sources` sources (every engine says so, once parsed): a
        working status where the platform has one, a note only for a `slow` engine. A
        courtesy: may fail."""
        ...

    async def plan(self, reply: Reply) -> Sequence[Step]:
        """The delivery steps of `reply`, all of them, in order (the same list every time)."""
        ...

    async def retract(self, reply: Reply, *, keep: Sequence[str],
                      landed: Sequence[str] = ()) -> None:
        """An edit's answer took `reply` over while one of its steps was under way: remove
        what of it may have landed unrecorded (posts not in `keep`, the recorded ones the
        edit rewrites), so the edit's answer is all the thread shows. `landed`: what the
        stopped step returned when it finished (its post landed, its record was refused);
        empty when it was cancelled mid-request and the platform must be asked. A
        courtesy: may fail."""
        ...

    async def give_up(self, reply: Reply) -> None:
        """One short note in the thread: the answer could not be delivered."""
        ...

    async def kept(self, incoming: Incoming) -> None:
        """The database is busy or full: say the question is kept and will be answered."""
        ...


@dataclass(frozen=True, slots=True)
class Policy:
    """Timing of claims and retries. Tests shrink it; production keeps the defaults."""

    lease: float = 30.0  # seconds a claim lasts without renewal (renewed every third)
    poll: float = 0.5  # how often idle workers look for due work other processes queued
    attempts: int = 8  # refusals of one delivery before the give-up note
    base_delay: float = 2.0  # first retry after a refusal; doubles each time
    max_delay: float = 300.0
    store_delay: float = STORE_DELAY


def backoff(policy: Policy, failures: int, *, retry_after: float | None = None,
            rng: random.Random | None = None) -> float:
    """Seconds to wait after the `failures`-th refusal: exponential with jitter (so many
    refused posts do not come back in step), never sooner than the platform's Retry-After."""
    pick = (rng or random).uniform
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** max(failures - 1, 0))
    delay = pick(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, retry_after + pick(0, min(1.0, retry_after / 4 + 0.1)))
    return delay
