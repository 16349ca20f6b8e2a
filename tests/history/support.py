"""Helpers for history and service tests: a tiny deterministic engine and Incoming builder.

`FakeEngine` stands in for parse + ground at the `bot.engines.Engine` seam where a test is
about storage, not answers; the end-to-end tests use the real engine.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.chat import Attachment, Incoming, Place
from bot.engines import Progress, Solved
from bot.errors import NoQuestion
from bot.models import Answer, Source, Task, Workflow
from bot.settings import Limits

Answerer = Callable[[str, str | None], Answer]


class FakeEngine:
    """Answers with `answerer(text, question)`; splits with the real parser's `split_message`
    unless given `splitter`. Counts its calls."""

    def __init__(self, answerer: Answerer | None = None,
                 splitter: Callable[[str], tuple[str | None, str]] | None = None) -> None:
        self._answerer = answerer or echo_answer
        self._splitter = splitter
        self.calls: list[tuple[str, str | None]] = []

    def split(self, text: str) -> tuple[str | None, str]:
        if self._splitter is not None:
            return self._splitter(text)
        from bot.parse import split_message

        return split_message(text)

    async def solve(self, text: str, question: str | None, *, limits: Limits,
                    progress: Progress | None = None) -> Solved:
        self.calls.append((text, question))
        return Solved(self._answerer(text, question), None)


def echo_answer(text: str, question: str | None) -> Answer:
    """Answers with the block's first line as its one source."""
    if not question:
        raise NoQuestion("no question given")
    first = next(line.strip() for line in text.splitlines() if line.strip())
    return Answer(
        question=question,
        task=Task(summary=f"About {first}"),
        workflow=Workflow(),
        sources=[Source(id="m1", kind="model", name=first[:60])],
    )


def incoming(
    text: str,
    *,
    event: str = "E1",
    message: str | None = None,
    user: str = "U1",
    thread: str = "100.1",
    channel: str = "C1",
    attachments: list[Attachment] | None = None,
) -> Incoming:
    return Incoming(
        place=Place(platform="slack", workspace="T1", channel=channel, thread=thread),
        user=user,
        event_id=event,
        message_key=message if message is not None else f"{channel}:{event}",
        text=text,
        attachments=attachments or [],
        in_thread=True,
    )
