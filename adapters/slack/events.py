"""Slack event payloads -> `bot.chat.Incoming`. Pure functions, no network.

Slack sends message text with its own markup: `&`, `<`, `>` arrive escaped and every URL a
person typed arrives as `<https://…>` or `<http://…|as typed>`. The core parses the source
block as the person pasted it, so the markup is undone here (user, channel and broadcast
mentions are left as they are: the core neutralises those).
"""

from __future__ import annotations

import re
from typing import Any

from bot.chat import Attachment, FileRef, Incoming, Place

# Subtypes that are still a person asking something; edits, deletes, joins, bot posts are not.
_ASKING_SUBTYPES = {None, "file_share", "thread_broadcast"}
_LINK = re.compile(r"<((?:https?|mailto|ftp):[^|>\s]+)(?:\|([^>]*))?>")
_COMMAND_VERBS = ("ask", "history", "forget", "help")

Event = dict[str, Any]


def is_from_person(event: Event) -> bool:
    """False for other bots, this bot (bolt drops most of those first) and non-asking subtypes."""
    if event.get("bot_id") or event.get("bot_profile") or event.get("subtype") == "bot_message":
        return False
    if event.get("subtype") not in _ASKING_SUBTYPES or event.get("hidden"):
        return False
    return bool(event.get("user"))


def is_dm(event: Event) -> bool:
    return event.get("channel_type") == "im"


# Where a plain (unmentioned) message can be a follow-up: public and private channels.
_FOLLOW_UP_CHANNELS = {"channel", "group"}
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def is_thread_reply(event: Event) -> bool:
    """A reply inside a channel thread (not the thread's first message, not a DM)."""
    thread_ts = event.get("thread_ts")
    return (event.get("channel_type") in _FOLLOW_UP_CHANNELS and bool(thread_ts)
            and thread_ts != event.get("ts"))


def addressed_elsewhere(text: str, bot_user_id: str | None) -> bool:
    """The message mentions people but not the bot: talk among people in the bot's thread."""
    mentioned = set(_USER_MENTION.findall(text))
    return bool(mentioned) and bot_user_id not in mentioned


def strip_mention(text: str, bot_user_id: str | None) -> str:
    if not bot_user_id:
        return text.strip()
    return re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text).strip()


def _bare(url: str) -> str:
    return re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE).rstrip("/").lower()


def _unlink(match: re.Match[str]) -> str:
    url, label = match.group(1), match.group(2)
    if label is None or _bare(label) == _bare(url) or label == url:
        return url
    return f"{label} ({url})"


def plain_text(text: str) -> str:
    """Slack's message markup -> the text as typed or pasted."""
    text = _LINK.sub(_unlink, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def thread_of(event: Event) -> tuple[str, bool]:
    """(thread_ts to reply in, whether the message was itself a reply inside a thread)."""
    ts = str(event.get("ts", ""))
    thread_ts = event.get("thread_ts")
    if thread_ts and thread_ts != ts:
        return str(thread_ts), True
    return ts, False


def place_of(event: Event, *, team: str) -> Place:
    thread, _ = thread_of(event)
    return Place(
        platform="slack",
        workspace=team,
        channel=str(event.get("channel", "")),
        thread=thread,
        is_dm=is_dm(event),
    )


def to_incoming(
    body: dict[str, Any],
    event: Event,
    *,
    bot_user_id: str | None,
    attachments: list[Attachment] | None = None,
    files: list[FileRef] | None = None,
) -> Incoming:
    team = str(body.get("team_id") or event.get("team") or "")
    _, in_thread = thread_of(event)
    channel = str(event.get("channel", ""))
    return Incoming(
        place=place_of(event, team=team),
        user=str(event.get("user", "")),
        event_id=str(body.get("event_id") or f"{channel}:{event.get('ts', '')}"),
        message_key=f"{channel}:{event.get('ts', '')}",
        text=plain_text(strip_mention(str(event.get("text") or ""), bot_user_id)),
        attachments=attachments or [],
        files=files or [],
        in_thread=in_thread,
    )


def file_refs(files: list[Any]) -> list[FileRef]:
    """What the inbox keeps of a message's files, to download when answering. Deleted and
    over-plan files (`tombstone`, `hidden_by_limit`) have nothing to download."""
    refs = []
    for file in files:
        if not isinstance(file, dict) or file.get("mode") in ("tombstone", "hidden_by_limit"):
            continue
        refs.append(FileRef(
            name=str(file.get("name") or file.get("title") or file.get("id") or "file"),
            url=str(file.get("url_private_download") or file.get("url_private") or ""),
            size=int(file.get("size") or 0),
            mimetype=str(file.get("mimetype") or ""),
        ))
    return refs


def keyword(text: str) -> str | None:
    """"help" / "history" / "forget" when that word is all the message says."""
    word = text.strip().lower()
    return word if word in ("help", "history", "forget") else None


def split_command(text: str) -> tuple[str, str]:
    """`/sourcebound <verb> <rest>` -> (verb, rest); a text without a verb is a question."""
    stripped = text.strip()
    if not stripped:
        return "help", ""
    first_line_head = stripped.split(None, 1)[0].lower()
    if first_line_head in _COMMAND_VERBS:
        return first_line_head, stripped[len(first_line_head) :].strip()
    return "ask", stripped
