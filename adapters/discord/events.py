"""Discord messages -> `bot.chat.Incoming`: which messages are questions, and where they live.

Entry points: a mention of the bot in a guild channel (answered in a thread created from the
message, so the thread id equals the message id and is the thread key from the start); any DM
(the DM channel is one conversation: its id is the thread key, so a follow-up reuses the last
source); a message in a thread, with a mention, or without one when the thread is the bot's
and the MESSAGE_CONTENT intent is on (without it Discord sends such messages with empty text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import discord

from bot.chat import Attachment, FileRef, Incoming, Place

PLATFORM: Final = "discord"
# Message types a person writes; joins, pins, "thread created" and the like are not questions.
QUESTION_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


@dataclass(frozen=True, slots=True)
class Entry:
    """A message that is a question for the bot. `new_thread`: answer in a thread to create
    from the message (a guild text channel); otherwise answer where the message is."""

    place: Place
    text: str
    in_thread: bool
    new_thread: bool


def strip_mention(content: str, me_id: int) -> str:
    return re.sub(rf"<@!?{me_id}>", " ", content).strip()


def entry_for(message: discord.Message, *, me_id: int, message_content: bool,
              forums: frozenset[int] = frozenset()) -> Entry | None:
    """The `Entry` for `message`, or None when the bot should stay quiet. `forums`: forum
    channels whose every new post (and the follow-ups in it) is a question for the bot."""
    if message.author.bot or message.type not in QUESTION_TYPES:
        return None
    mentioned = any(user.id == me_id for user in message.mentions)
    text = strip_mention(message.content, me_id)
    channel = message.channel
    if isinstance(channel, discord.Thread) and message.guild is not None:
        ours = channel.owner_id == me_id or channel.parent_id in forums
        if not (mentioned or (ours and message_content)):
            return None
    elif message.guild is not None and not mentioned:
        return None
    entry = place_entry(message)
    return Entry(place=entry.place, text=text, in_thread=entry.in_thread,
                 new_thread=entry.new_thread)


def is_forum_post(message: discord.Message, forums: frozenset[int]) -> bool:
    """The starter message of a post in one of `forums` (it lives in the post's thread and
    shares its id)."""
    channel = message.channel
    return (isinstance(channel, discord.Thread) and channel.parent_id in forums
            and message.id == channel.id)


def place_entry(message: discord.Message) -> Entry:
    """Where a question about `message` is answered (its text is the entry's text): a DM in
    the DM, a thread in the thread, a text channel in a new thread from the message."""
    channel = message.channel
    if message.guild is None:
        key = str(channel.id)
        place = Place(platform=PLATFORM, channel=key, thread=key, is_dm=True)
        return Entry(place=place, text=message.content, in_thread=True, new_thread=False)
    workspace = str(message.guild.id)
    if isinstance(channel, discord.Thread):
        # Keyed like the asking message was: parent channel + thread id (= starter id).
        place = Place(platform=PLATFORM, workspace=workspace,
                      channel=str(channel.parent_id or channel.id), thread=str(channel.id))
        return Entry(place=place, text=message.content, in_thread=True, new_thread=False)
    if isinstance(channel, discord.TextChannel):
        place = Place(
            platform=PLATFORM, workspace=workspace, channel=str(channel.id), thread=str(message.id)
        )
        return Entry(place=place, text=message.content, in_thread=False, new_thread=True)
    # A channel we cannot start threads in (voice text chat, an uncached thread): answer
    # in place, keyed on the channel so a later question there can reuse the source.
    key = str(channel.id)
    place = Place(platform=PLATFORM, workspace=workspace, channel=key, thread=key)
    return Entry(place=place, text=message.content, in_thread=True, new_thread=False)


def file_refs(attachments: list[discord.Attachment]) -> list[FileRef]:
    return [FileRef(name=a.filename, url=a.url, size=a.size, mimetype=a.content_type or "")
            for a in attachments]


def incoming_for(entry: Entry, *, user_id: int, event_id: int, channel_id: int,
                 attachments: Sequence[Attachment] = (),
                 files: Sequence[FileRef] = ()) -> Incoming:
    return Incoming(
        place=entry.place,
        user=str(user_id),
        event_id=str(event_id),
        message_key=f"{channel_id}:{event_id}",
        text=entry.text,
        attachments=list(attachments),
        files=list(files),
        in_thread=entry.in_thread,
    )
