"""The platform-free chat contract between adapters and the core `Service`.

An adapter turns a Slack event, a Discord message/interaction or a console line into an
`Incoming` and hands it to `Service.accept`, which commits it to the durable inbox before the
adapter acks. A worker (`bot.worker`) answers it into a `Reply` and delivers it through the
adapter's `bot.delivery.Courier`, recording each posted part, so that a crash between parts
never re-posts what already went out and never loses what did not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.models import Answer

Platform = Literal["slack", "discord", "console"]
ReplyKind = Literal["answer", "problem"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attachment(_Model):
    """A file the person attached, already downloaded by the adapter (size-capped)."""

    # Kept in the durable inbox as JSON: base64, since pasted files need not be UTF-8.
    model_config = ConfigDict(extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")

    name: str
    data: bytes
    mimetype: str = ""


class FileRef(_Model):
    """An attached file not downloaded yet: what the inbox keeps, so that the ack never waits
    for a download and a restart can still fetch it."""

    name: str
    url: str
    size: int = 0
    mimetype: str = ""


class Place(_Model):
    """Where a reply goes: enough to post it again after a restart."""

    platform: Platform
    workspace: str = ""  # Slack team id / Discord guild id ("" in DMs and the console)
    channel: str  # channel / DM id the asking message was in
    thread: str  # thread key: Slack thread_ts (or the message ts), Discord thread/message id
    is_dm: bool = False
    # The thread key is the bot's own response to an interaction (Discord `/ask` in a text
    # channel): a delivery resumed after a restart edits it into the thread's note itself.
    interaction_anchor: bool = False


class Incoming(_Model):
    """One question as it arrived. Adapters strip the bot mention from `text` first."""

    place: Place
    user: str
    event_id: str  # Slack event_id, Discord message/interaction id, console counter
    message_key: str  # "{channel}:{message ts or id}": a second dedupe key (Slack re-delivers)
    text: str = ""
    # The question when it came apart from the block (typed after a paste in the console, or a
    # form's own question field); then `text` is all block. None: split out of `text`.
    question: str | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    files: list[FileRef] = Field(default_factory=list)  # fetched by the adapter when answering
    in_thread: bool = False  # asked inside an existing thread: may reuse its source block
    # "{channel}:{ts or id}" of a message whose text and files are the source block (a
    # message shortcut / context menu); `Courier.prepare` fetches it into `text` and `files`.
    source_message: str = ""
    # The `message_key` of the asking message this event edits: its answer is updated in
    # place (the posted messages are rewritten) instead of posted again.
    edits: str = ""


class Reply(_Model):
    """What the core decided. `answer` for kind "answer"; `problem` (an error code of
    `bot.errors`) and `detail` for kind "problem". `parts_done` counts posted parts."""

    delivery_id: int
    place: Place
    kind: ReplyKind
    answer: Answer | None = None
    problem: str | None = None
    detail: str = ""
    parts_done: int = 0
    reused_source: bool = False  # a follow-up answered from the thread's stored block
    event_id: str = ""  # the asking event: adapters find live interaction handles by it
    claims: int = 1  # times this delivery was claimed; above 1 a post may already have landed
    # An edit's answer: the messages (in order) of the earlier answer to rewrite in place;
    # parts beyond them are posted, earlier messages beyond the new parts are removed.
    updates: list[str] = Field(default_factory=list)
    redraw: bool = True  # an edit's answer whose diagram changed: its image is posted again


class HistoryItem(_Model):
    question: str
    asked_at: datetime
    place: Place
    source_title: str = ""
