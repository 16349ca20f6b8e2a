"""`message_changed` -> the edited question, to be answered in place. Pure, no network.

Slack sends an edit as a `message` event with subtype `message_changed`: the new message in
`message`, the old one in `previous_message`. It sends the same subtype when a link unfurls
or a file is attached, with the text unchanged: only a changed text is an edit worth a new
answer. Edits older than `EDIT_WINDOW` are left alone (a day-old thread is history).
"""

from __future__ import annotations

from typing import Any

from adapters.slack.events import file_refs, is_from_person, to_incoming
from bot.chat import Incoming

EDIT_WINDOW = 24 * 3600.0  # seconds after the asking message that an edit re-answers

Event = dict[str, Any]


def is_edit(event: Event) -> bool:
    return event.get("subtype") == "message_changed"


def edited_message(event: Event, *, now: float) -> Event | None:
    """The edited message as a plain message event, or None: not a person's edit of the text,
    or too old."""
    message = event.get("message")
    previous = event.get("previous_message") or {}
    if not isinstance(message, dict) or not is_from_person(message):
        return None
    if str(message.get("text") or "") == str(previous.get("text") or ""):
        return None  # an unfurl, a file or a reaction count changed, not the question
    try:
        age = now - float(message.get("ts") or 0)
    except ValueError:
        return None
    if age > EDIT_WINDOW:
        return None
    # The inner message lacks the envelope's channel fields.
    return {**message, "channel": event.get("channel"),
            "channel_type": event.get("channel_type"), "team": event.get("team")}


def original_key(message: Event) -> str:
    return f"{message.get('channel', '')}:{message.get('ts', '')}"


def edit_incoming(body: dict[str, Any], message: Event, *, bot_user_id: str | None) -> Incoming:
    """The edited message as a question that rewrites the answer to `original_key`."""
    edited = message.get("edited") or {}
    incoming = to_incoming(body, message, bot_user_id=bot_user_id,
                           files=file_refs(message.get("files") or []))
    stamp = str(edited.get("ts") or body.get("event_id") or "")
    # Its own dedupe key per edit: a second edit of the same message is a new question.
    return incoming.model_copy(update={
        "message_key": f"{original_key(message)}:edit:{stamp}",
        "edits": original_key(message),
    })
