"""👍/👎 on an answer: the click (`block_actions`, action ids starting `sourcebound_feedback`)
and a 👎's optional reason (a small modal, `view_submission`).

The click is recorded before the ack returns (one insert), and the acknowledgement — an
ephemeral message only the clicker sees — and, for 👎, the reason form are sent beside it
(the form's trigger id lives 3 s). Wording is in `templates/feedback/wording.j2`.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import jinja2

from adapters.slack.handlers import Tasks
from adapters.slack.views import REASON_BLOCK, metadata_of, reason_view, submitted
from bot.errors import StoreError
from bot.history.feedback import REASON_CHARS
from bot.render.slack_feedback import parse_value
from bot.render.wording import feedback_wording

log = logging.getLogger(__name__)

PLATFORM = "slack"


class Rates(Protocol):
    async def record_feedback(self, *, answer_ref: str, platform: str, user: str, rating: str,
                              reason: str | None = None) -> bool: ...

    async def feedback_reason(self, *, answer_ref: str, platform: str, user: str,
                              reason: str) -> bool: ...


def _where(body: dict[str, Any]) -> tuple[str, str]:
    """(channel, thread ts) of the message a click came from."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    thread = str(message.get("thread_ts") or container.get("thread_ts")
                 or message.get("ts") or container.get("message_ts") or "")
    return channel, thread


class FeedbackListeners:
    def __init__(self, *, service: Rates, env: jinja2.Environment, tasks: Tasks) -> None:
        self._service = service
        self._env = env
        self._tasks = tasks

    async def on_click(self, ack: Any, body: dict[str, Any], action: dict[str, Any],
                       client: Any) -> None:
        await ack()
        parsed = parse_value(str(action.get("value") or ""))
        user = str((body.get("user") or {}).get("id") or "")
        if parsed is None or not user:
            log.warning("feedback click with an unknown value; ignored")
            return
        rating, ref = parsed
        channel, thread = _where(body)
        try:
            recorded = await self._service.record_feedback(
                answer_ref=ref, platform=PLATFORM, user=user, rating=rating
            )
        except StoreError as exc:
            log.warning("feedback on %s not recorded: %s", ref, exc)
            text = feedback_wording(self._env, "failed")
        else:
            text = feedback_wording(self._env, "thanks" if recorded else "gone",
                                    *((rating,) if recorded else ()))
            trigger = str(body.get("trigger_id") or "")
            if recorded and rating == "down" and trigger:
                view = reason_view(self._env, {"ref": ref, "channel": channel, "thread": thread},
                                   max_reason=REASON_CHARS)
                self._tasks.spawn(self._open(client, trigger, view), name=f"slack-reason-{ref}")
        self._tasks.spawn(self._tell(client, channel, user, thread, text),
                          name=f"slack-feedback-ack-{ref}")

    async def on_reason(self, ack: Any, body: dict[str, Any], view: dict[str, Any],
                        client: Any) -> None:
        await ack()
        metadata = metadata_of(view)
        reason = submitted(view, REASON_BLOCK).strip()
        user = str((body.get("user") or {}).get("id") or "")
        if not reason or not metadata.get("ref") or not user:
            return
        try:
            kept = await self._service.feedback_reason(
                answer_ref=metadata["ref"], platform=PLATFORM, user=user, reason=reason
            )
        except StoreError as exc:
            log.warning("feedback reason on %s not recorded: %s", metadata["ref"], exc)
            text = feedback_wording(self._env, "failed")
        else:
            text = feedback_wording(self._env, "reason_thanks" if kept else "gone")
        if metadata.get("channel"):
            self._tasks.spawn(
                self._tell(client, metadata["channel"], user, metadata.get("thread", ""), text),
                name=f"slack-reason-ack-{metadata['ref']}",
            )

    async def _open(self, client: Any, trigger: str, view: dict[str, Any]) -> None:
        try:
            await client.views_open(trigger_id=trigger, view=view)
        except Exception as exc:  # noqa: BLE001 - the reason is optional; the click is recorded
            log.warning("reason form not opened: %s", type(exc).__name__)

    async def _tell(self, client: Any, channel: str, user: str, thread: str, text: str) -> None:
        if not channel:
            return
        try:
            await client.chat_postEphemeral(channel=channel, user=user, text=text,
                                            thread_ts=thread or None)
        except Exception as exc:  # noqa: BLE001 - a courtesy; the click is recorded either way
            log.warning("feedback acknowledgement not sent: %s", type(exc).__name__)
