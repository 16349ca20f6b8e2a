"""A small async client for any OpenAI-compatible `/v1/chat/completions` endpoint.

Built on the official `openai` SDK, whose own retry loop already backs off on 429/5xx and
honours `Retry-After`; this layer adds the concurrency cap, the structured-output negotiation
(json_schema → json_object → plain, remembered per client because it is a server property)
and one exception type for "no usable reply", so callers fall back instead of crashing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self, cast

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from bot.errors import SourceboundError

log = logging.getLogger(__name__)

FormatMode = Literal["json_schema", "json_object", "plain"]
_DOWNGRADE: dict[FormatMode, FormatMode] = {"json_schema": "json_object", "json_object": "plain"}

Message = ChatCompletionMessageParam


class LLMUnavailable(SourceboundError):
    """The endpoint gave no usable reply (timeout, refused, rate-limited or failing)."""

    code = "llm_unavailable"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason  # timeout | connection | rate_limited | server_error | http_<n> | empty


@dataclass(frozen=True)
class Completion:
    text: str
    latency: float
    prompt_tokens: int
    completion_tokens: int
    mode: FormatMode


class ChatClient:
    """One chat model behind an OpenAI-compatible API; use as `async with ChatClient(...)`."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        concurrency: int = 4,
        temperature: float | None = 0.0,
    ) -> None:
        # Local servers (Ollama, llama.cpp, vLLM) need no key, but the SDK insists on one.
        self._sdk = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=max_retries,
        )
        self._model = model
        self._temperature = temperature
        self._gate = asyncio.Semaphore(max(1, concurrency))
        self._mode: FormatMode = "json_schema"

    @property
    def mode(self) -> FormatMode:
        return self._mode

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._sdk.close()

    async def complete(
        self, messages: list[Message], *, schema: dict[str, Any] | None = None
    ) -> Completion:
        """The assistant's text for `messages`, asking for JSON shaped by `schema`."""
        async with self._gate:
            started = time.perf_counter()
            while True:
                mode = self._mode if schema is not None else "plain"
                try:
                    response = await self._create(messages, mode=mode, schema=schema)
                except openai.BadRequestError as exc:
                    # A 400 for a response_format the server does not know: try the next
                    # weaker one once, and stay there for later calls.
                    nxt = _DOWNGRADE.get(mode)
                    if nxt is None:
                        raise LLMUnavailable(str(exc), reason="http_400") from exc
                    log.info("llm server refused response_format=%s; using %s", mode, nxt)
                    self._mode = nxt
                    continue
                except openai.APITimeoutError as exc:
                    raise LLMUnavailable("the model did not answer in time", reason="timeout") from exc
                except openai.APIConnectionError as exc:
                    raise LLMUnavailable("cannot reach the model", reason="connection") from exc
                except openai.RateLimitError as exc:
                    raise LLMUnavailable("rate limited", reason="rate_limited") from exc
                except openai.APIStatusError as exc:
                    reason = "server_error" if exc.status_code >= 500 else f"http_{exc.status_code}"
                    raise LLMUnavailable(f"model endpoint failed ({exc.status_code})", reason=reason) from exc
                except openai.OpenAIError as exc:
                    raise LLMUnavailable(f"model reply unusable: {type(exc).__name__}", reason="invalid") from exc
                break
            latency = time.perf_counter() - started
        text = response.choices[0].message.content if response.choices else None
        if not text:
            raise LLMUnavailable("the model returned no content", reason="empty")
        usage = response.usage
        return Completion(
            text=text,
            latency=latency,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            mode=mode,
        )

    async def _create(
        self, messages: list[Message], *, mode: FormatMode, schema: dict[str, Any] | None
    ) -> ChatCompletion:
        extra: dict[str, Any] = {}
        if mode == "json_schema" and schema is not None:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "sourcebound_answer", "schema": schema, "strict": True},
            }
        elif mode == "json_object":
            extra["response_format"] = {"type": "json_object"}
        if self._temperature is not None:
            extra["temperature"] = self._temperature
        # Passed as **extra so SDKs from 1.40 (NOT_GIVEN) to 3.x (omit) accept the same call.
        response = await self._sdk.chat.completions.create(
            model=self._model, messages=messages, **extra
        )
        return cast(ChatCompletion, response)
