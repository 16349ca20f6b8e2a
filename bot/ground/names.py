"""No prose of an answer names a model, paper or tool that the block does not.

A name here is a word shaped like one: CamelCase ("GMFlow", "XMem"), capitals ("RAFT",
"PP-OCR"), letters run into digits ("YOLOv8", "T5"), a word and a version ("Llama-3"). Such a word in a summary, note or caveat
must occur in the block, in the question, or in the engine's own vocabulary and sentence
templates (task names such as "EEG decoding", "3D", "URL"); anything else came from outside.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from bot.ground.schema import cues_file, tasks_file

_NAME = re.compile(
    r"(?<![\w-])(?:[A-Z][a-z0-9]+[A-Z][\w]*|[A-Z]{2,}[\w]*|[a-z]+[A-Z][\w]*|[A-Za-z]+[0-9][\w]*"
    r"|[0-9]+[A-Za-z][\w]*|[A-Z][a-z]+(?=-[A-Za-z]*[0-9]))(?:-[A-Za-z0-9.]*[A-Za-z0-9])*(?![\w-])"
)


@lru_cache(maxsize=1)
def _own_words() -> str:
    """Text the engine writes on its own: vocabulary labels and the sentence templates."""
    parts = [label for g in tasks_file().groups.values() for label in g.tasks]
    parts += list(tasks_file().groups) + list(cues_file().cues)
    template = resources.files("templates").joinpath("answer", "sentences.j2")
    parts.append(template.read_text(encoding="utf-8"))
    return "\n".join(parts).lower()


_SOURCE_ID = re.compile(r"[mp][0-9]+")
_MENTION = re.compile(r"<[@!#][^>]*>|(?<![\w.])@[\w.-]+")


def names(prose: str) -> list[str]:
    """Name-shaped words; source ids ("p1", "m2") are the answer's own references."""
    prose = _MENTION.sub(" ", prose)  # a ping is defanged, not judged as a name
    return [n for n in _NAME.findall(prose) if not _SOURCE_ID.fullmatch(n)]


def unknown_names(prose: str, *, block_text: str, question: str = "") -> list[str]:
    """The name-shaped words of `prose` that neither the block, the question nor the engine's
    own wording holds."""
    found = names(prose)
    if not found:
        return []
    block, asked, own = block_text.lower(), question.lower(), _own_words()
    return [n for n in found if not any(n.lower() in t for t in (block, asked, own))]
