"""The one answer path: an `Engine` turns message text into a question and a source block,
and answers it. The service (and so every adapter), `sourcebound ask` and `serve` all go
through `open_engine`; tests pass their own engine at this seam.

    split(text)              -> (question or None, block text)
    solve(text, question, …) -> Solved(answer, parsed block)   parse → question → answer

`BlockEngine` does the common part (parsing in a worker thread, choosing the question, the
progress note for slow engines); `ExtractiveEngine` (default, offline) and `LLMEngine` (the
verified LLM backend, when `SOURCEBOUND_LLM_BASE_URL` and `SOURCEBOUND_LLM_MODEL` are set)
only answer a parsed block. Every answer passes the grounding invariants.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import jinja2

from bot.errors import EmptyInput
from bot.models import Answer, SourceBlock
from bot.settings import Limits, Settings

if TYPE_CHECKING:
    from bot.llm import LLMBackend

log = logging.getLogger(__name__)

# Called with the number of sources before a slow engine (the LLM) starts, so an adapter can
# post "reading 112 papers…"; a failure there must not lose the answer.
Progress = Callable[[int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Solved:
    answer: Answer
    block: SourceBlock | None  # the parsed block (None from engines that do not parse)


class Engine(Protocol):
    def split(self, text: str) -> tuple[str | None, str]: ...

    async def solve(
        self, text: str, question: str | None, *, limits: Limits,
        progress: Progress | None = None,
    ) -> Solved: ...


class BlockEngine:
    """Parse, pick the question, then `answer` the parsed block (subclasses)."""

    slow = False

    def split(self, text: str) -> tuple[str | None, str]:
        from bot.parse import split_message  # the parser's ranking library loads lazily

        return split_message(text)

    async def solve(
        self, text: str, question: str | None, *, limits: Limits,
        progress: Progress | None = None,
    ) -> Solved:
        from bot.parse import parse_block
        from bot.pipeline import resolve_question

        if not text.strip():
            raise EmptyInput("the source block is empty")
        # Parsing is CPU work: keep the loop free to ack other events meanwhile.
        block = await asyncio.to_thread(parse_block, text, max_bytes=limits.max_source_bytes)
        chosen = resolve_question(block, question, limits=limits)
        if self.slow and progress is not None:
            try:
                await progress(len(block.sources))
            except Exception:  # a progress note is a courtesy; the answer must still come
                log.warning("progress message failed", exc_info=True)
        return Solved(await self.answer(block, chosen), block)

    async def answer(self, block: SourceBlock, question: str) -> Answer:
        raise NotImplementedError


class ExtractiveEngine(BlockEngine):
    async def answer(self, block: SourceBlock, question: str) -> Answer:
        from bot.ground import ground

        # CPU work in a worker thread: the loop stays free to ack Slack events meanwhile.
        return await asyncio.to_thread(ground, block, question)


class LLMEngine(BlockEngine):
    slow = True

    def __init__(self, *, backend: LLMBackend) -> None:
        self._backend = backend

    async def answer(self, block: SourceBlock, question: str) -> Answer:
        return await self._backend.answer(block, question)


@asynccontextmanager
async def open_engine(*, settings: Settings, env: jinja2.Environment) -> AsyncIterator[Engine]:
    """The configured engine, with its HTTP client closed on exit."""
    if not settings.llm_enabled:
        yield ExtractiveEngine()
        return
    from bot.llm import LLMBackend  # the openai SDK costs start-up time; only load it when used

    async with LLMBackend(settings=settings, env=env) as backend:
        yield LLMEngine(backend=backend)
