"""Helpers for history and service tests: a tiny deterministic answerer and Incoming builder.

The answerer stands in for parse + ground where a test is about storage, not answers; the
end-to-end tests use the real pipeline.
"""

from __future__ import annotations

from bot.chat import Attachment, Incoming, Place
from bot.errors import NoQuestion
from bot.models import Answer, Source, Task, Workflow


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
