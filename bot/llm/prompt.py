"""Chat messages for the model, rendered from `templates/prompt/`.

Long listings are cut down before anything is sent: sources are ranked by the extractive
engine's relevance and taken greedily while they fit a token budget (tokens ≈ chars / 4, close
enough for English prose across common tokenizers), so a 112-paper listing costs what its
most relevant abstracts cost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import jinja2

from bot.llm.client import Message
from bot.llm.draft import answer_schema
from bot.models import SourceBlock

CHARS_PER_TOKEN = 4
_ENTRY_OVERHEAD = 12  # tokens for the id/kind/name/url framing of one source


def approx_tokens(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


@dataclass(frozen=True)
class PromptSource:
    id: str
    kind: str
    name: str
    urls: list[str]
    summary: str
    relevance: float

    @property
    def cost(self) -> int:
        text = self.name + self.summary + "".join(self.urls)
        return approx_tokens(text) + _ENTRY_OVERHEAD


@dataclass(frozen=True)
class Selection:
    sources: list[PromptSource]
    omitted: int
    tokens: int


def select_sources(
    block: SourceBlock,
    relevance: Mapping[str, float],
    *,
    budget_tokens: int,
    clean: Callable[[str], str] = lambda text: text,
) -> Selection:
    """The most relevant sources that fit `budget_tokens`; the first one always goes in,
    its summary clipped if it alone is over budget."""
    order = {s.id: i for i, s in enumerate(block.sources)}
    ranked = sorted(block.sources, key=lambda s: (-relevance.get(s.id, 0.0), order[s.id]))
    chosen: list[PromptSource] = []
    used = 0
    for source in ranked:
        entry = PromptSource(
            id=source.id,
            kind=source.kind,
            name=source.name,
            urls=list(source.urls),
            summary=clean(source.summary),
            relevance=relevance.get(source.id, 0.0),
        )
        if used + entry.cost > budget_tokens:
            if chosen:
                continue
            room = max(0, budget_tokens - (entry.cost - approx_tokens(entry.summary)))
            entry = PromptSource(
                **{**entry.__dict__, "summary": entry.summary[: room * CHARS_PER_TOKEN]}
            )
        chosen.append(entry)
        used += entry.cost
    return Selection(sources=chosen, omitted=len(block.sources) - len(chosen), tokens=used)


class PromptBuilder:
    """Renders the system, user and repair messages with one jinja environment."""

    def __init__(self, *, env: jinja2.Environment) -> None:
        self._env = env
        self._schema = json.dumps(answer_schema(), separators=(",", ":"))

    def messages(
        self,
        *,
        question: str,
        selection: Selection,
        other_links: Sequence[str],
        total_sources: int,
    ) -> list[Message]:
        system = self._env.get_template("prompt/system.j2").render(schema=self._schema)
        user = self._env.get_template("prompt/user.j2").render(
            question=question,
            sources=selection.sources,
            omitted=selection.omitted,
            total=total_sources,
            other_links=list(other_links),
        )
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]

    def repair(
        self, messages: list[Message], reply: str, violations: Sequence[str]
    ) -> list[Message]:
        """The conversation so far plus the reply and what was wrong with it."""
        ask = self._env.get_template("prompt/repair.j2").render(violations=list(violations))
        return [
            *messages,
            {"role": "assistant", "content": reply},
            {"role": "user", "content": ask},
        ]
