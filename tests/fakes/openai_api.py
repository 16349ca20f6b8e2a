"""A loopback fake of an OpenAI-compatible `/v1/chat/completions` server (aiohttp, port 0).

Scriptable per test: queue `Reply` objects with `script(...)` (served in order; after the queue
runs dry the `default` reply, or a `responder(body)` callback, answers). Every request is
recorded with its arrival time so tests can check retries and Retry-After spacing.

    async with FakeOpenAI() as fake:
        fake.script(Reply.error(429, retry_after=0.3), Reply.json(answer))
        client = ChatClient(base_url=fake.base_url, model="fake")
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.models import Answer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content: str | None = None  # the assistant message text (status 200)
    raw: str | None = None  # a whole response body instead of a chat completion
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, obj: object, *, fenced: bool = False, delay: float = 0.0) -> Reply:
        text = json.dumps(obj, ensure_ascii=False)
        return cls(content=f"```json\n{text}\n```" if fenced else text, delay=delay)

    @classmethod
    def text(cls, content: str, *, delay: float = 0.0) -> Reply:
        return cls(content=content, delay=delay)

    @classmethod
    def error(cls, status: int, *, retry_after: float | None = None, message: str = "") -> Reply:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        body = json.dumps({"error": {"message": message or f"fake {status}", "type": "fake"}})
        return cls(status=status, raw=body, headers=headers)


@dataclass(frozen=True)
class Received:
    at: float
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def response_format(self) -> str | None:
        fmt = self.body.get("response_format")
        return fmt.get("type") if isinstance(fmt, dict) else None

    @property
    def prompt(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


Responder = Callable[[dict[str, Any]], Reply]


class FakeOpenAI:
    def __init__(
        self,
        *,
        responder: Responder | None = None,
        reject_json_schema: bool = False,
        default: Reply | None = None,
    ) -> None:
        self._queue: deque[Reply] = deque()
        self._responder = responder
        self._reject_json_schema = reject_json_schema
        self.default = default or Reply.error(500, message="fake server: no reply scripted")
        self.requests: list[Received] = []
        self._ids = itertools.count(1)
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def script(self, *replies: Reply) -> None:
        self._queue.extend(replies)

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only through the server
        assert server is not None and server.sockets
        self._port = server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()  # release slow handlers at once
        if self._runner is not None:
            await self._runner.cleanup()

    def _next(self, body: dict[str, Any]) -> Reply:
        if self._queue:
            return self._queue.popleft()
        if self._responder is not None:
            return self._responder(body)
        return self.default

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(Received(time.monotonic(), body, dict(request.headers)))
        fmt = body.get("response_format")
        if self._reject_json_schema and isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            return web.json_response(
                {"error": {"message": "response_format json_schema unsupported"}}, status=400
            )
        reply = self._next(body)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if reply.delay:
                try:
                    await asyncio.wait_for(self._closing.wait(), timeout=reply.delay)
                except TimeoutError:
                    pass
        finally:
            self.in_flight -= 1
        if reply.raw is not None or reply.status != 200:
            return web.Response(
                status=reply.status,
                text=reply.raw or "",
                headers=reply.headers,
                content_type="application/json",
            )
        prompt_chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
        content = reply.content or ""
        return web.json_response(
            {
                "id": f"chatcmpl-fake-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_chars // 4,
                    "completion_tokens": len(content) // 4,
                    "total_tokens": prompt_chars // 4 + len(content) // 4,
                },
            },
            headers=reply.headers,
        )


def draft_of(answer: Answer) -> dict[str, Any]:
    """The JSON a faithful model would write for `answer` (the parts it is asked for)."""
    return {
        "task": {
            "summary": answer.task.summary,
            "labels": answer.task.labels,
            "input": answer.task.input,
            "output": answer.task.output,
            "source_ids": answer.task.source_ids,
        },
        "workflow": {
            "steps": [
                {"id": s.id, "kind": s.kind, "label": s.label, "source_ids": s.source_ids,
                 "note": s.note}
                for s in answer.workflow.steps
            ],
            "edges": [{"from": a, "to": b} for a, b in answer.workflow.edges],
        },
        "evidence": [{"text": e.text, "source_id": e.source_id} for e in answer.evidence],
        "links": [{"url": li.url, "label": li.label, "source_id": li.source_id}
                  for li in answer.links],
        "caveats": list(answer.caveats),
    }
