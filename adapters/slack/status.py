"""The "is reading 56 sources…" status under the reply thread (`assistant.threads.setStatus`).

A courtesy, never a condition of the answer: every failure is swallowed and logged. Slack
clears the status itself when the bot posts in the thread (or after two minutes). Channels
that refuse it for good (an old app without the scope, a channel type Slack does not allow)
are remembered, so each answer there does not pay a refused call again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import aiohttp
import jinja2
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import Place

log = logging.getLogger(__name__)

REMEMBERED = 1_000  # channels known to refuse the status
# Refusals a retry cannot fix (anything else, like a 429 or a timeout, is tried next time).
_FOR_GOOD = frozenset({"missing_scope", "not_allowed", "not_allowed_token_type",
                       "channel_not_found", "invalid_thread_ts", "method_not_supported_for_channel_type",
                       "not_in_channel", "access_denied", "unknown_method", "feature_not_enabled"})


class ThreadStatus:
    def __init__(self, *, client: AsyncWebClient, env: jinja2.Environment) -> None:
        self._client = client
        self._env = env
        self._refused: OrderedDict[str, None] = OrderedDict()
        self._wording: dict[int | None, str] = {}  # by count: rendered once each

    def _status(self, sources: int | None) -> str:
        found = self._wording.get(sources)
        if found is None:
            found = " ".join(
                self._env.get_template("slack/status.j2").render(sources=sources).split())
            if len(self._wording) < REMEMBERED:
                self._wording[sources] = found
        return found

    async def show(self, place: Place, *, sources: int | None = None) -> bool:
        """Set the status on `place`'s thread; False when Slack refused it (or it failed)."""
        return await self._set(place, self._status(sources))

    async def clear(self, place: Place) -> bool:
        """Remove the status. Posting in the thread clears it; rewriting messages in place
        (an edit's answer) does not, so that path clears it itself."""
        return await self._set(place, "")

    async def _set(self, place: Place, status: str) -> bool:
        if not place.thread or place.channel in self._refused:
            return False
        try:
            await self._client.assistant_threads_setStatus(
                channel_id=place.channel, thread_ts=place.thread, status=status
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") if exc.response is not None else "") or "?"
            log.info("status refused in %s (%s); answering without it", place.channel, error)
            if error in _FOR_GOOD:
                self._refused[place.channel] = None
                while len(self._refused) > REMEMBERED:
                    self._refused.popitem(last=False)
            return False
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            log.info("status not set in %s: %s", place.channel, type(exc).__name__)
            return False
        return True
