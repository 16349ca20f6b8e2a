"""An `LLMEngine` wired to the fake OpenAI-compatible server, scripted with a faithful draft:
what the adapter and CLI tests need to run the LLM path end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.engines import LLMEngine
from bot.ground import ground
from bot.llm import ChatClient, LLMBackend
from bot.parse import parse_block
from bot.render.env import make_environment
from bot.settings import Settings
from tests.fakes.openai_api import FakeOpenAI, Reply, draft_of

MODEL_SUMMARY = "A fluent summary written by the model about image dehazing."


def script_faithful(model: FakeOpenAI, text: str, *, summary: str = MODEL_SUMMARY) -> None:
    """The model answers `text`'s own question with the extractive draft and its own summary."""
    block = parse_block(text)
    draft = draft_of(ground(block, block.question or ""))
    draft["task"]["summary"] = summary
    model.script(Reply.json(draft))


@asynccontextmanager
async def llm_engine(model: FakeOpenAI) -> AsyncIterator[LLMEngine]:
    client = ChatClient(base_url=model.base_url, model="fake", timeout=5.0, max_retries=0)
    backend = LLMBackend(settings=Settings(), env=make_environment(), client=client)
    async with client, backend:
        yield LLMEngine(backend=backend)
