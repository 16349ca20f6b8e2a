"""Which engine writes answers: the extractive one (default, offline) or the verified LLM
backend when `SOURCEBOUND_LLM_BASE_URL` and `SOURCEBOUND_LLM_MODEL` are set.

Both take a parsed block and a question and return an `Answer` that passes the grounding
invariants; `slow` tells callers whether a progress message is worth posting meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Protocol

import jinja2

from bot.models import Answer, SourceBlock
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.llm import LLMBackend


class Engine(Protocol):
    @property
    def slow(self) -> bool: ...

    async def answer(self, block: SourceBlock, question: str) -> Answer: ...


class ExtractiveEngine:
    slow = False

    async def answer(self, block: SourceBlock, question: str) -> Answer:
        from bot.ground import ground

        # CPU work in a worker thread: the loop stays free to ack Slack events meanwhile.
        return await asyncio.to_thread(ground, block, question)


class LLMEngine:
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
