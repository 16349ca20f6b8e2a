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
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import jinja2

from bot.errors import EmptyInput
from bot.lru import LRU
from bot.models import Answer, SourceBlock
from bot.settings import Limits, Settings

if TYPE_CHECKING:
    from bot.llm import LLMBackend

log = logging.getLogger(__name__)

ANSWER_CACHE_ENTRIES = 64
ANSWER_CACHE_CHARS = 16 * 1024 * 1024  # block text kept alive by cached answers

# Called by every engine once the block is parsed, before answering: (sources read, whether
# the engine is slow). A chat's working status says the count ("is reading 56 sources…");
# only a slow engine (the LLM) is worth a note of its own where no status can be shown. A
# failure there must not lose the answer.
Progress = Callable[[int, bool], Awaitable[None]]


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
        await self.reading(progress, len(block.sources))
        return Solved(await self.answer(block, chosen), block)

    async def reading(self, progress: Progress | None, sources: int) -> None:
        """Tell `progress` how many sources the answer reads (a courtesy: never fails)."""
        if progress is None:
            return
        try:
            await progress(sources, self.slow)
        except Exception:  # a progress note is a courtesy; the answer must still come
            log.warning("progress message failed", exc_info=True)

    async def answer(self, block: SourceBlock, question: str) -> Answer:
        raise NotImplementedError


class ExtractiveEngine(BlockEngine):
    """The default engine. Deterministic, so an answer is computed once per (block text,
    question): a question asked again about the same block (a re-ask, a channel asking about
    one listing, a retried event) costs a dictionary lookup instead of parse and grounding,
    which were a third of the CPU of an answered event. Bounded by entries and text size."""

    def __init__(
        self, *, max_entries: int = ANSWER_CACHE_ENTRIES, max_chars: int = ANSWER_CACHE_CHARS
    ) -> None:
        self.cache: LRU[tuple[str, str | None], Solved] = LRU(
            max_entries=max_entries, max_size=max_chars,
            size=lambda solved: len(solved.block.text) if solved.block is not None else 1,
        )

    async def solve(
        self, text: str, question: str | None, *, limits: Limits,
        progress: Progress | None = None,
    ) -> Solved:
        # Limits take part in the answer (the question length check, the size limit).
        key = (_digest(text, question, limits), question)
        found = self.cache.get(key)
        if found is not None:
            # Answered before from the same parse: the count is known without parsing again.
            if found.block is not None:
                await self.reading(progress, len(found.block.sources))
            return found
        solved = await super().solve(text, question, limits=limits, progress=progress)
        self.cache.put(key, solved)
        return solved

    async def answer(self, block: SourceBlock, question: str) -> Answer:
        from bot.ground import ground

        # CPU work in a worker thread: the loop stays free to ack Slack events meanwhile.
        return await asyncio.to_thread(ground, block, question)


def _digest(text: str, question: str | None, limits: Limits) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in (text, question or "", limits.model_dump_json()):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


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
