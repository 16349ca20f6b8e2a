"""ChatClient against the loopback fake, through the real openai SDK."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.llm.client import ChatClient, LLMUnavailable
from bot.llm.draft import answer_schema
from tests.fakes.openai_api import FakeOpenAI, Reply

MESSAGES = [{"role": "user", "content": "hello"}]


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


def client_for(fake: FakeOpenAI, **kw: object) -> ChatClient:
    opts: dict[str, object] = {"timeout": 2.0, "max_retries": 1, **kw}
    return ChatClient(base_url=fake.base_url, model="fake-model", **opts)  # type: ignore[arg-type]


async def test_structured_output_requested_and_usage_read(fake: FakeOpenAI) -> None:
    fake.script(Reply.json({"ok": True}))
    async with client_for(fake) as client:
        done = await client.complete(MESSAGES, schema=answer_schema())  # type: ignore[arg-type]
    assert done.text == '{"ok": true}'
    assert done.mode == "json_schema"
    assert done.prompt_tokens == 1 and done.completion_tokens == 3
    (req,) = fake.requests
    assert req.response_format == "json_schema"
    assert req.body["model"] == "fake-model"
    assert req.body["response_format"]["json_schema"]["schema"]["required"] == [
        "task", "workflow", "evidence", "links", "caveats",
    ]
    assert req.headers["Authorization"] == "Bearer not-needed"


async def test_schema_refused_falls_back_to_json_object_and_remembers() -> None:
    fake = FakeOpenAI(reject_json_schema=True, default=Reply.json({"a": 1}))
    async with fake, client_for(fake) as client:
        first = await client.complete(MESSAGES, schema=answer_schema())  # type: ignore[arg-type]
        second = await client.complete(MESSAGES, schema=answer_schema())  # type: ignore[arg-type]
    assert first.mode == second.mode == "json_object"
    assert [r.response_format for r in fake.requests] == ["json_schema", "json_object", "json_object"]


async def test_429_retried_after_retry_after(fake: FakeOpenAI) -> None:
    fake.script(Reply.error(429, retry_after=0.4), Reply.json({"ok": 1}))
    async with client_for(fake) as client:
        done = await client.complete(MESSAGES, schema=answer_schema())  # type: ignore[arg-type]
    assert done.text == '{"ok": 1}'
    first, second = fake.requests
    assert second.at - first.at >= 0.38  # the server's Retry-After, not the SDK's 0.5 s backoff
    assert second.at - first.at < 1.5


async def test_persistent_500_raises_after_bounded_retries(fake: FakeOpenAI) -> None:
    fake.default = Reply.error(500)
    async with client_for(fake, max_retries=1) as client:
        with pytest.raises(LLMUnavailable) as caught:
            await client.complete(MESSAGES, schema=answer_schema())  # type: ignore[arg-type]
    assert caught.value.reason == "server_error"
    assert len(fake.requests) == 2


async def test_timeout(fake: FakeOpenAI) -> None:
    fake.script(Reply.json({"late": 1}, delay=3.0))
    async with client_for(fake, timeout=0.2, max_retries=0) as client:
        with pytest.raises(LLMUnavailable) as caught:
            await client.complete(MESSAGES, schema=None)  # type: ignore[arg-type]
    assert caught.value.reason == "timeout"


async def test_connection_refused() -> None:
    async with FakeOpenAI() as fake:
        url = fake.base_url
    async with ChatClient(base_url=url, model="m", timeout=1.0, max_retries=0) as client:
        with pytest.raises(LLMUnavailable) as caught:
            await client.complete(MESSAGES)  # type: ignore[arg-type]
    assert caught.value.reason == "connection"


async def test_empty_content_is_unusable(fake: FakeOpenAI) -> None:
    fake.script(Reply.text(""))
    async with client_for(fake) as client:
        with pytest.raises(LLMUnavailable) as caught:
            await client.complete(MESSAGES)  # type: ignore[arg-type]
    assert caught.value.reason == "empty"


async def test_concurrency_cap(fake: FakeOpenAI) -> None:
    fake.default = Reply.json({"ok": 1}, delay=0.15)
    async with client_for(fake, concurrency=2) as client:
        await asyncio.gather(*(client.complete(MESSAGES) for _ in range(5)))  # type: ignore[arg-type]
    assert len(fake.requests) == 5
    assert fake.max_in_flight == 2
