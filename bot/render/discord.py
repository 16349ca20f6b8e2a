"""Reply -> Discord messages as plain dicts (no discord.py here: `bot/` stays platform-free).

A reply is a list of *parts*; an answer has three (task, workflow, links), a problem one.
Each part is one or more `DiscordMessage`s, because a long part is split to Discord's limits.
The adapter posts the messages of a part, then reports the part as delivered, so
`Service.delivered(parts_done)` counts parts and a re-delivery after a restart re-renders the
reply and posts `parts[parts_done:]`.

Limits (discord-api-docs): content <= 2,000 characters; <= 10 embeds per message; embed
title <= 256, description <= 4,096, and <= 6,000 characters across all embeds of a message.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

import jinja2

from bot.chat import HistoryItem, Reply
from bot.models import Answer
from bot.render.diagram import flow_diagram, mechanism_lines
from bot.render.env import truncate_chars
from bot.render.split import split_text
from bot.safety import defang
from bot.settings import Limits

CONTENT_LIMIT = 2_000
DESCRIPTION_LIMIT = 4_096
TITLE_LIMIT = 256
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6_000
THREAD_NAME_LIMIT = 100
EMBED_COLOR = 0x3B82F6  # the diagram's blue: ties the link list to the answer visually

PNG_FILENAME = "workflow.png"
LABELS = "discord/labels.j2"


class DiscordMessage(TypedDict):
    """One message: `content`, `embeds` (dicts for `discord.Embed.from_dict`) and whether the
    workflow PNG is attached to it."""

    content: str
    embeds: list[dict[str, Any]]
    png: bool


Part = list[DiscordMessage]


def message(content: str = "", *, embeds: list[dict[str, Any]] | None = None,
            png: bool = False) -> DiscordMessage:
    return {"content": content, "embeds": embeds or [], "png": png}


def label(env: jinja2.Environment, name: str) -> str:
    """A short wording variable of `templates/discord/labels.j2`."""
    return str(getattr(env.get_template(LABELS).module, name))


# --- answers ----------------------------------------------------------------------------------


def _embed_size(embed: dict[str, Any]) -> int:
    return len(embed.get("title", "")) + len(embed.get("description", ""))


def _embeds(text: str, title: str = "") -> list[dict[str, Any]]:
    chunks = split_text(text.strip(), DESCRIPTION_LIMIT)
    title = truncate_chars(title, TITLE_LIMIT)
    return [
        {**({"title": title} if title and i == 0 else {}), "description": chunk,
         "color": EMBED_COLOR}
        for i, chunk in enumerate(chunks)
    ]


def _fits(msg: DiscordMessage, embed: dict[str, Any]) -> bool:
    return (
        len(msg["embeds"]) < EMBEDS_PER_MESSAGE
        and sum(map(_embed_size, msg["embeds"])) + _embed_size(embed) <= EMBED_TOTAL_LIMIT
    )


def _pack(content: str, embeds: list[dict[str, Any]], *, png: bool = False) -> Part:
    """Content chunks (<= 2,000 each), one message each; the embeds then ride on the last
    message while they fit and go on in further messages; the PNG on the first message."""
    messages = [message(chunk) for chunk in split_text(content.strip(), CONTENT_LIMIT)]
    for embed in embeds:
        if not messages or not _fits(messages[-1], embed):
            messages.append(message())
        messages[-1]["embeds"].append(embed)
    if not messages:
        messages.append(message())
    messages[0]["png"] = png
    return messages


def render_answer(
    answer: Answer, *, env: jinja2.Environment, png: bool, reused_source: bool = False
) -> list[Part]:
    """The three parts of an answer; `png` marks the diagram message for the PNG file."""
    values: dict[str, Any] = {
        "answer": answer,
        "considered": answer.considered or len(answer.sources),
        "reused_source": reused_source,
        "flow": flow_diagram(answer.workflow),
        "mechanisms": mechanism_lines(answer.workflow),
    }
    def render(name: str) -> str:
        return env.get_template(f"discord/{name}.md.j2").render(values)

    return [
        _pack(render("task"), []),
        _pack(render("workflow"), _embeds(render("evidence")), png=png),
        _pack("", _embeds(render("links"), label(env, "links_title"))),
    ]


# --- problems and notices ---------------------------------------------------------------------


def render_problem(problem: str, *, env: jinja2.Environment, limits: Limits) -> list[Part]:
    """A refusal (`problem` is a `bot.errors` code) as one part of one message."""
    text = env.get_template("discord/problem.md.j2").render(
        problem=problem,
        max_source_kib=limits.max_source_bytes // 1024,
        max_question_chars=limits.max_question_chars,
        max_attachments=limits.max_attachments,
    )
    return [_pack(text, [])]


def render_reply(
    reply: Reply, *, env: jinja2.Environment, limits: Limits, png: bool
) -> list[Part]:
    if reply.kind == "answer" and reply.answer is not None:
        return render_answer(reply.answer, env=env, png=png, reused_source=reply.reused_source)
    return render_problem(reply.problem or "internal", env=env, limits=limits)


def render_notice(name: str, *, env: jinja2.Environment, **values: Any) -> DiscordMessage:
    """A one-message template (`help`, `history`, `forget`, `apology`), clipped to fit."""
    text = env.get_template(f"discord/{name}.md.j2").render(values).strip()
    return message(truncate_chars(text, CONTENT_LIMIT))


def render_history(items: list[HistoryItem], *, env: jinja2.Environment) -> DiscordMessage:
    return render_notice("history", env=env, items=items)


_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _gist(question: str) -> str:
    """A long question usually ends with the actual ask after some context: prefer that."""
    question = _SPACE.sub(" ", question).strip()
    if len(question) <= THREAD_NAME_LIMIT:
        return question
    asks = [s for s in _SENTENCE_END.split(question) if s.endswith("?")]
    return asks[-1] if asks else question


def thread_name(question: str, *, env: jinja2.Environment) -> str:
    """1-100 characters on one line, derived from the question (or the fallback label)."""
    rendered = env.get_template("discord/thread_name.j2").render(question=_gist(question))
    name = _SPACE.sub(" ", defang(rendered)).strip()
    name = truncate_chars(name, THREAD_NAME_LIMIT)
    return name or truncate_chars(label(env, "thread_fallback"), THREAD_NAME_LIMIT)
