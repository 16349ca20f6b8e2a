"""Text in, `Answer` out: the one path every entry point (CLI, console, Slack, Discord) takes.

Pure and synchronous (milliseconds); async callers run it with `asyncio.to_thread` so a large
block never stalls the event loop that acks Slack events.
"""

from __future__ import annotations

from typing import Protocol

from bot.errors import EmptyInput, NoQuestion, TooLarge
from bot.ground import ground
from bot.models import Answer, SourceBlock
from bot.parse import parse_block


class Limits(Protocol):
    """The limits an answer obeys: `bot.settings.Limits`, or `bot.defaults.DefaultLimits`
    (`sourcebound ask` with nothing set never imports pydantic-settings)."""

    @property
    def max_source_bytes(self) -> int: ...

    @property
    def max_question_chars(self) -> int: ...


def resolve_question(block: SourceBlock, question: str | None, *, limits: Limits) -> str:
    """The explicit question wins; else the one the block carries (seed 000 does)."""
    chosen = (question or "").strip() or (block.question or "").strip()
    if not chosen:
        raise NoQuestion("no question given and none found in the source block")
    if len(chosen) > limits.max_question_chars:
        raise TooLarge(
            f"question is {len(chosen)} characters; the limit is {limits.max_question_chars}",
            size=len(chosen),
            limit=limits.max_question_chars,
        )
    return chosen


def answer_block(block: SourceBlock, question: str | None, *, limits: Limits) -> Answer:
    return ground(block, resolve_question(block, question, limits=limits))


def answer_text(text: str, question: str | None = None, *, limits: Limits) -> Answer:
    """Parse `text` and answer `question` (or the block's own question) from it alone."""
    if not text.strip():
        raise EmptyInput("the source block is empty")
    block = parse_block(text, max_bytes=limits.max_source_bytes)
    return answer_block(block, question, limits=limits)
