"""Reply -> Slack messages (`{"text": fallback, "blocks": [...]}`), every one within Slack's limits.

The wording is in `templates/slack/`. A template renders mrkdwn in chunks, each opened by a
marker line of its own (`<<header>>`, `<<section>>`, `<<context>>`, `<<divider>>`); this module
turns the chunks into Block Kit blocks. Source text in a template always goes through the
`slack` filter, which escapes `<`, so pasted text can never forge a marker (or a ping).

An answer is always exactly three messages (task, workflow, links), so delivery can be resumed
by index after a restart. Long lists are fitted, not split into more messages: the largest
number of items that keeps a message within the limits is shown and the template says how many
were left out.

Platform-free on purpose (plain dicts, no slack_sdk): the core's tests check the limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2

from bot.chat import HistoryItem, Reply
from bot.lru import LRU
from bot.memo import model_json
from bot.models import Answer, Link
from bot.render.diagram import flow_diagram, mechanism_lines
from bot.render.slack_feedback import FeedbackStyle, feedback_block
from bot.render.split import split_text
from bot.settings import Limits

# Slack's documented limits, and the undocumented total-text one (`msg_blocks_too_long` was
# seen near 12,000 characters), with some room kept below each.
SECTION_CHARS = 3_000
HEADER_CHARS = 150
MAX_BLOCKS = 50
BLOCK_TEXT_BUDGET = 10_000
FALLBACK_CHARS = 3_000  # `text` is only the notification/fallback once blocks are sent
TEXT_CHARS = 40_000
DIAGRAM_CHARS = 5_000  # a diagram bigger than this is cut (the PNG still shows all of it)

_SECTION_SPLIT = SECTION_CHARS - 100
_MARKER = re.compile(r"^<<(header|section|context|divider)>>$", re.MULTILINE)

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage payload; `diagram` marks the message the PNG is uploaded after."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    diagram: bool = False
    # The same message with plain feedback buttons: posted instead when Slack refuses the
    # `context_actions` block (`invalid_blocks`).
    fallback_blocks: list[Block] | None = None

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


# --- blocks ----------------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chunks(rendered: str) -> list[tuple[str, str]]:
    """(kind, text) pairs in template order; text before the first marker is a section."""
    parts = _MARKER.split(rendered)
    pairs = [("section", parts[0])] + list(zip(parts[1::2], parts[2::2], strict=True))
    return [(kind, text.strip("\n")) for kind, text in pairs if kind == "divider" or text.strip()]


def _blocks(rendered: str) -> list[Block]:
    blocks: list[Block] = []
    for kind, text in _chunks(rendered):
        if kind == "divider":
            blocks.append({"type": "divider"})
        elif kind == "header":
            plain = " ".join(text.split())
            blocks.append(
                {"type": "header", "text": {"type": "plain_text", "text": _clip(plain, HEADER_CHARS)}}
            )
        elif kind == "context":
            blocks.append(
                {"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(text, SECTION_CHARS)}]}
            )
        else:
            for piece in split_text(text, _SECTION_SPLIT):
                blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": piece}})
    return blocks


def block_texts(blocks: Sequence[Block]) -> list[str]:
    """Every text a block carries (what Slack counts against its total)."""
    out: list[str] = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        for element in block.get("elements", ()):
            text = element.get("text")
            if isinstance(text, dict):  # a button's label
                text = text.get("text")
            if isinstance(text, str):
                out.append(text)
    return out


def problems(message: SlackMessage) -> list[str]:
    """What in `message` breaks a Slack limit (empty when it is fine)."""
    found: list[str] = []
    texts = block_texts(message.blocks)
    if len(message.blocks) > MAX_BLOCKS:
        found.append(f"{len(message.blocks)} blocks > {MAX_BLOCKS}")
    if sum(map(len, texts)) > BLOCK_TEXT_BUDGET:
        found.append(f"{sum(map(len, texts))} characters of block text > {BLOCK_TEXT_BUDGET}")
    for block in message.blocks:
        limit = HEADER_CHARS if block["type"] == "header" else SECTION_CHARS
        found.extend(
            f"{block['type']} text of {len(t)} characters > {limit}"
            for t in block_texts([block])
            if len(t) > limit
        )
    if not message.text or len(message.text) > TEXT_CHARS:
        found.append(f"fallback text of {len(message.text)} characters")
    return found


def _fits(blocks: list[Block]) -> bool:
    return len(blocks) <= MAX_BLOCKS and sum(map(len, block_texts(blocks))) <= BLOCK_TEXT_BUDGET


def _hard_fit(blocks: list[Block]) -> list[Block]:
    """Last resort: drop trailing blocks until the message fits (the first always stays)."""
    kept = blocks[:MAX_BLOCKS]
    while len(kept) > 1 and not _fits(kept):
        kept.pop()
    return kept


def _fit(render: Callable[[int], str], count: int, *, room: int = 0) -> list[Block]:
    """Blocks of `render(k)` for the largest k <= count (items shown) that fits the limits,
    leaving `room` blocks (and some text) free for blocks appended afterwards."""
    def fits(blocks: list[Block]) -> bool:
        return _fits(blocks + [{"type": "divider"}] * room) and (
            sum(map(len, block_texts(blocks))) <= BLOCK_TEXT_BUDGET - 100 * room)

    blocks = _blocks(render(count))
    if fits(blocks):
        return blocks
    low, high = 0, count - 1  # invariant: the answer is in [low, high]
    best = _blocks(render(0))
    while low <= high:
        mid = (low + high) // 2
        candidate = _blocks(render(mid))
        if fits(candidate):
            best, low = candidate, mid + 1
        else:
            high = mid - 1
    return _hard_fit(best)


def _message(blocks: list[Block], *, diagram: bool = False) -> SlackMessage:
    fallback = "\n\n".join(block_texts(blocks)) or "…"
    return SlackMessage(text=_clip(fallback, FALLBACK_CHARS), blocks=blocks, diagram=diagram)


# --- answers ---------------------------------------------------------------------------------


def _clip_lines(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    lines = text[:limit].split("\n")[:-1]
    return "\n".join(lines + ["…"])


def _group_links(answer: Answer) -> tuple[list[Link], list[Link], list[Link]]:
    kinds = {source.id: source.kind for source in answer.sources}
    models = [link for link in answer.links if kinds.get(link.source_id) == "model"]
    papers = [link for link in answer.links if kinds.get(link.source_id) == "paper"]
    others = [link for link in answer.links if kinds.get(link.source_id) not in ("model", "paper")]
    return models, papers, others


# Rendered answers by (answer JSON, reused_source, diagram_image, room for feedback). The
# extractive engine answers a repeated question with the same Answer, and rendering it (the
# templates, fitting lists to the limits, the text diagram) was ~6% of the bot's CPU per
# answered event; only the feedback block differs per delivery, and it is added afterwards.
AnswerKey = tuple[str, bool, bool, bool]
AnswerCache = LRU[AnswerKey, tuple[SlackMessage, SlackMessage, SlackMessage]]
CACHE_ENTRIES = 128
CACHE_CHARS = 8 * 1024 * 1024


def answer_cache(*, max_entries: int = CACHE_ENTRIES, max_chars: int = CACHE_CHARS) -> AnswerCache:
    """A bounded cache for `render_answer` (one per courier: it holds one environment's output)."""
    return LRU(max_entries=max_entries, max_size=max_chars,
               size=lambda messages: sum(len(m.text) * 3 for m in messages))


def render_answer(
    answer: Answer, *, env: jinja2.Environment, reused_source: bool = False,
    diagram_image: bool = True, feedback_ref: str | None = None,
    feedback: FeedbackStyle = "off", cache: AnswerCache | None = None,
) -> list[SlackMessage]:
    """Exactly three messages: the task, the workflow (the PNG follows it), the links; the
    last carries the 👍/👎 block for `feedback_ref` unless `feedback` is "off". With `cache`,
    an answer rendered before (same content and flags) is not rendered again."""
    rate = feedback_block(feedback_ref, style=feedback, env=env) if feedback_ref else None
    key: AnswerKey | None = None
    found = None
    if cache is not None:
        key = (model_json(answer), reused_source, diagram_image, rate is not None)
        found = cache.get(key)
    if found is None:
        found = _render_answer(answer, env=env, reused_source=reused_source,
                               diagram_image=diagram_image, room=rate is not None)
        if cache is not None and key is not None:
            cache.put(key, found)
    task, workflow, last = found
    if rate is not None:
        links = last.blocks
        fallback = None
        if feedback == "context_actions":
            plain = feedback_block(feedback_ref or "", style="buttons", env=env)
            fallback = links + [plain] if plain else None
        last = SlackMessage(text=last.text, blocks=links + [rate], fallback_blocks=fallback)
    return [task, workflow, last]


def _render_answer(
    answer: Answer, *, env: jinja2.Environment, reused_source: bool, diagram_image: bool,
    room: bool,
) -> tuple[SlackMessage, SlackMessage, SlackMessage]:
    considered = answer.considered or len(answer.sources)
    summary = env.get_template("slack/summary.j2")
    task = _fit(
        lambda _: summary.render(answer=answer, considered=considered, reused_source=reused_source),
        0,
    )

    flow = _clip_lines(flow_diagram(answer.workflow), DIAGRAM_CHARS)
    mechanisms = _clip_lines(mechanism_lines(answer.workflow), DIAGRAM_CHARS)
    workflow_template = env.get_template("slack/workflow.j2")
    evidence = answer.evidence
    workflow = _fit(
        lambda k: workflow_template.render(
            answer=answer,
            flow=flow,
            mechanisms=mechanisms,
            shown_evidence=evidence[:k],
            hidden_evidence=len(evidence) - k,
            diagram_image=diagram_image,
        ),
        len(evidence),
    )

    models, papers, others = _group_links(answer)
    ordered = models + papers + others
    links_template = env.get_template("slack/links.j2")

    def links_text(k: int) -> str:
        shown = set(map(id, ordered[:k]))
        return links_template.render(
            models=[link for link in models if id(link) in shown],
            papers=[link for link in papers if id(link) in shown],
            others=[link for link in others if id(link) in shown],
            hidden_links=len(ordered) - k,
        )

    links = _fit(links_text, len(ordered), room=1 if room else 0)
    return _message(task), _message(workflow, diagram=True), _message(links)


def render_notice(name: str, *, env: jinja2.Environment, **context: Any) -> SlackMessage:
    """A one-message template (`help`, `history`, `forget`, `working`, `anchor`, `apology` …)."""
    return _message(_hard_fit(_blocks(env.get_template(f"slack/{name}.j2").render(**context))))


def render_problem(
    problem: str, *, env: jinja2.Environment, limits: Limits, command: str
) -> SlackMessage:
    return render_notice(
        "problem",
        env=env,
        problem=problem,
        command=command,
        max_source_kib=limits.max_source_bytes // 1024,
        max_question_chars=limits.max_question_chars,
        max_attachments=limits.max_attachments,
    )


def render_reply(
    reply: Reply, *, env: jinja2.Environment, limits: Limits, command: str = "/sourcebound",
    feedback: FeedbackStyle = "off", cache: AnswerCache | None = None,
) -> list[SlackMessage]:
    """All the messages of `reply`, in posting order (`reply.parts_done` counts into this).
    The answer's ref in the feedback buttons is its delivery id."""
    if reply.kind == "answer" and reply.answer is not None:
        return render_answer(reply.answer, env=env, reused_source=reply.reused_source,
                             feedback_ref=str(reply.delivery_id), feedback=feedback,
                             cache=cache)
    return [render_problem(reply.problem or "internal", env=env, limits=limits, command=command)]


def render_history(items: Sequence[HistoryItem], *, env: jinja2.Environment) -> SlackMessage:
    return render_notice("history", env=env, items=list(items))


def diagram_title(answer: Answer, *, env: jinja2.Environment) -> str:
    return _clip(" ".join(env.get_template("slack/diagram_image.j2").render(answer=answer).split()), 250)
