"""Building the Slack side: the Web API client and the bolt `AsyncApp` with its listeners.

bolt runs with `process_before_response=True`: it acks when a listener returns, so listeners
commit the event to the durable inbox first and return (a few milliseconds); the answer is
worked out afterwards by the adapter's worker, from the database.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Protocol

import pydantic_core
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.feedback import FeedbackListeners
from adapters.slack.shortcuts import ASK_SHORTCUT, Shortcuts
from adapters.slack.views import ASK_VIEW, REASON_VIEW
from bot.render.slack_feedback import ACTION_PREFIX

# bolt logs every request that fails signature verification, whole body included, at INFO.
_VERIFICATION_LOGGER = "slack_bolt.RequestVerification"


class _WithholdRejectedBodies(logging.Filter):
    """Drops bolt's verification-failure record; the HTTP handler logs its own, bodiless."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Invalid request signature")


def quiet_verification_log() -> None:
    logger = logging.getLogger(_VERIFICATION_LOGGER)
    if not any(isinstance(f, _WithholdRejectedBodies) for f in logger.filters):
        logger.addFilter(_WithholdRejectedBodies())


MAX_INLINE_WAIT = 2  # seconds of Retry-After worth sleeping through inside one call


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack-sdk's 429 retry, but only for a short Retry-After: a longer wait is the
    worker's (it reschedules the delivery and frees the lane instead of sleeping in it)."""

    async def _can_retry_async(
        self, *, state: RetryState, request: HttpRequest,
        response: HttpResponse | None = None, error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        values = next((v for k, v in response.headers.items() if k.lower() == "retry-after"),
                      ["1"])
        try:
            return int(values[0]) <= MAX_INLINE_WAIT
        except (ValueError, IndexError):
            return False


def with_retries(client: AsyncWebClient) -> AsyncWebClient:
    """Add the async 429 (short Retry-After) and 5xx retry handlers, once. slack-sdk's
    default only retries connection errors, and its synchronous handlers would block the
    event loop. What still fails is retried later by the worker, with backoff."""
    handlers: list[AsyncRetryHandler] = list(client.retry_handlers)
    if not any(isinstance(h, AsyncConnectionErrorRetryHandler) for h in handlers):
        handlers.append(AsyncConnectionErrorRetryHandler())
    if not any(isinstance(h, AsyncRateLimitErrorRetryHandler) for h in handlers):
        handlers.append(ShortRateLimitRetry(max_retry_count=1))
    if not any(isinstance(h, AsyncServerErrorRetryHandler) for h in handlers):
        handlers.append(AsyncServerErrorRetryHandler(max_retry_count=1))
    client.retry_handlers = handlers
    _quiet_request_debug(client.logger)
    return client


def _quiet_request_debug(logger: logging.Logger) -> None:
    """slack-sdk decides whether to build its per-request debug line with `logger.level <=
    DEBUG`, the logger's own level, which is 0 (NOTSET) by default, not with
    `isEnabledFor`: every call then formatted its whole payload (the answer's blocks) into a
    string that was thrown away, ~10% of the bot's CPU per answered event. Pinning the
    level it has anyway keeps the output the same; with debug logging on, it stays on."""
    if logger.level == logging.NOTSET and not logger.isEnabledFor(logging.DEBUG):
        logger.setLevel(logger.getEffectiveLevel())


def web_api_json(value: Any) -> str:
    """The Web API session's JSON encoder (`aiohttp.ClientSession(json_serialize=…)`).

    slack-sdk sends `chat.postMessage`/`chat.update` bodies (the answer's blocks, ~20 KB) as
    JSON through the session; the standard library's encoder took an eighth of each call's
    CPU. pydantic-core's (Rust, already installed with pydantic) writes the same JSON about
    three times faster, as UTF-8 rather than `\\u` escapes, which Slack reads alike. A
    lone surrogate (pasted text can carry one) is not UTF-8: that body goes the old way."""
    try:
        return pydantic_core.to_json(value).decode("utf-8")
    except pydantic_core.PydanticSerializationError:
        return json.dumps(value)


def make_client(*, token: str, base_url: str) -> AsyncWebClient:
    # slack-sdk joins method names with urljoin: the base URL must end with "/".
    base = base_url if base_url.endswith("/") else base_url + "/"
    return with_retries(AsyncWebClient(token=token, base_url=base))


class Listeners(Protocol):
    async def on_mention(self, body: dict[str, Any], event: dict[str, Any],
                         context: Any) -> BoltResponse | None: ...

    async def on_message(self, body: dict[str, Any], event: dict[str, Any],
                         context: Any) -> BoltResponse | None: ...

    async def on_command(self, ack: Any, command: dict[str, Any], respond: Any) -> None: ...


def build_app(
    *, client: AsyncWebClient, signing_secret: str, command: str, listeners: Listeners,
    shortcuts: Shortcuts | None = None, feedback: FeedbackListeners | None = None,
) -> AsyncApp:
    quiet_verification_log()
    app = AsyncApp(
        name="sourcebound",
        client=client,
        signing_secret=signing_secret,
        process_before_response=True,
    )
    app.event("app_mention")(listeners.on_mention)
    # Every message event, so that other subtypes are dropped by us rather than logged by
    # bolt as unhandled (with their text); `on_message` keeps only DMs from people.
    app.event("message")(listeners.on_message)
    app.command(command)(listeners.on_command)
    if shortcuts is not None:
        app.shortcut(ASK_SHORTCUT)(shortcuts.on_shortcut)
        app.view_submission(ASK_VIEW)(shortcuts.on_submit)
    if feedback is not None:
        app.action(re.compile(rf"^{re.escape(ACTION_PREFIX)}"))(feedback.on_click)
        app.view_submission(REASON_VIEW)(feedback.on_reason)
    return app
