"""An edit of an asking message, within a day, re-answers it in place.

Discord sends MESSAGE_UPDATE for the person's edit and again when link previews resolve
(the same `edited_timestamp`, or none for an unfurl of an unedited message). The edit's
`Incoming` is keyed on that timestamp, so each real edit is answered once; it names the
asking message in `edits`, and the store hands the new delivery the messages of the
earlier answer to rewrite (`Reply.updates`) instead of posting new ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from adapters.discord.events import entry_for, file_refs, incoming_for
from bot.chat import Incoming

EDIT_WINDOW = timedelta(hours=24)


def message_key(message: discord.Message) -> str:
    return f"{message.channel.id}:{message.id}"  # as `incoming_for` keys the asking message


def edit_incoming(message: discord.Message, data: Mapping[str, Any], *, me_id: int,
                  message_content: bool, forums: frozenset[int],
                  now: datetime | None = None) -> Incoming | None:
    """The re-ask an edit amounts to, or None: not an edit by a person (an unfurl, a bot),
    not a question, or older than `EDIT_WINDOW`."""
    stamp = data.get("edited_timestamp")
    if not stamp or message.author.bot:
        return None
    if (now or datetime.now(UTC)) - message.created_at > EDIT_WINDOW:
        return None
    entry = entry_for(message, me_id=me_id, message_content=message_content, forums=forums)
    if entry is None:
        return None
    edited = discord.utils.parse_time(str(stamp))
    suffix = f"e{int(edited.timestamp() * 1000)}" if edited else "e"
    asked = incoming_for(entry, user_id=message.author.id, event_id=message.id,
                         channel_id=message.channel.id,
                         files=file_refs(list(message.attachments)))
    return asked.model_copy(update={
        "event_id": f"{message.id}.{suffix}",
        "message_key": f"{message_key(message)}.{suffix}",
        "edits": message_key(message),
    })
