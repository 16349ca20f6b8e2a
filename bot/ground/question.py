"""The question as meant: which question to answer, and whether an overview is wanted.

The asking message is often only a wrapper around the block ("please answer this",
"thoughts?", "see below", a bare mention): its words say nothing about a subject. Then the
block's own question, when it carries one, is the question; with none, the person wants to
know what the block holds (an overview), as they do when they ask for one outright
("summarize these", "tl;dr", "what is this about?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ground.coverage import informative
from bot.ground.intent import intents
from bot.models import SourceBlock

# Below this total word weight a message names no subject (a wrapper); one rare word is ~1.
SUBJECT = 0.6
TOPIC = 2.5  # beside an overview request, a few more words still name no topic
_MENTION = re.compile(r"<@[!&]?\w+>|(?<!\w)@[\w.-]+")


@dataclass(frozen=True)
class Meant:
    question: str
    overview: bool


def meant(block: SourceBlock, asked: str) -> Meant:
    text = _MENTION.sub(" ", asked).strip()
    found = intents(text)
    own = (block.question or "").strip()
    # An overview asked first ("tl;dr? any smaller one?") is what is wanted, unless
    # the rest names a subject of its own ("summarize the papers on protein folding").
    first = min(found.values()) if found else 0
    if "overview" in found and (
        found["overview"] == first and informative(_without_overview_words(text)) < TOPIC
        or informative(_without_overview_words(text)) < SUBJECT
    ):
        return Meant(question=asked.strip() or own, overview=True)
    if informative(text) >= SUBJECT:
        return Meant(question=asked.strip(), overview=False)
    if own and own != asked.strip():
        return Meant(question=own, overview=False)
    recommended = any(s.role == "recommended" for s in block.sources)
    shape = next(iter(found))
    if recommended and shape not in ("general", "overview"):
        return Meant(question=asked.strip(), overview=False)  # "how does it work?" on a model
    if shape in ("general", "overview", "which_to_pick") or not block.sources:
        return Meant(question=asked.strip() or own, overview=True)
    return Meant(question=asked.strip(), overview=False)


_OVERVIEW_WORDS = re.compile(
    r"\b(summari[sz]e|summary|tl;?dr|overview|gist|highlights?|key|points|takeaways|claims)\b",
    re.IGNORECASE,
)


def _without_overview_words(text: str) -> str:
    return _OVERVIEW_WORDS.sub(" ", text)
