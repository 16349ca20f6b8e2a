"""DESIGN.md's grounding invariants, as predicates and one `check` over a whole Answer.

URL normalisation mirrors the eval's (`shared/eval/score.py`): scheme, `www.`, `{here}`
artefacts and trailing punctuation do not matter; anything else does.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.models import Answer, SourceBlock, Step
from bot.safety import ZWJ, has_ping

_URL = re.compile(r"https?://[^\s<>\"'`()\[\]]+")
_BARE = re.compile(
    r"(?<![/\w.])(?:www\.)?(?:github\.com|arxiv\.org|huggingface\.co|[\w-]+\.github\.io)/"
    r"[^\s<>\"'`()\[\]]+"
)
MIN_NAME = 3


def norm_url(url: str) -> str:
    u = url.strip().lower()
    u = re.sub(r"^https?://", "", u)
    u = re.sub(r"^www\.", "", u)
    u = re.sub(r"\{here\}?", "", u)
    return u.rstrip("/.,;:)}]>'\"")


def norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(ZWJ, "")).strip().lower()


@lru_cache(maxsize=8)
def _block_urls(text: str) -> frozenset[str]:
    found = _URL.findall(text) + _BARE.findall(text)
    return frozenset(norm_url(u) for u in found)


@lru_cache(maxsize=8)
def _block_norm(text: str) -> str:
    return norm_text(text)


def link_grounded(block: SourceBlock, url: str) -> bool:
    key = norm_url(url)
    return bool(key) and key in _block_urls(block.text)


def evidence_grounded(block: SourceBlock, text: str) -> bool:
    needle = norm_text(text)
    return bool(needle) and needle in _block_norm(block.text)


def model_step_grounded(block: SourceBlock, step: Step) -> bool:
    """A model step's label is a source's name, or a clear part of it, of a cited source."""
    if step.kind != "model":
        return True
    label = norm_text(step.label)
    cited = [block.by_id(i) for i in step.source_ids] or list(block.sources)
    for source in cited:
        if source is None:
            continue
        name = norm_text(source.name)
        if label == name:  # a short name ("A", "T5") is still that source's name
            return True
        # A part of a name must be long enough to be specific to it.
        if len(label) >= MIN_NAME and (label in name or (len(name) >= MIN_NAME and name in label)):
            return True
    return False


def check(block: SourceBlock, answer: Answer) -> list[str]:
    """Every invariant violation of `answer` against `block` (empty list: all hold)."""
    problems: list[str] = []
    for link in answer.links:
        if not link_grounded(block, link.url):
            problems.append(f"link not in the source block: {link.url}")
    for ev in answer.evidence:
        if not evidence_grounded(block, ev.text):
            problems.append(f"evidence not in the source block: {ev.text[:80]!r}")
    for step in answer.workflow.steps:
        if not model_step_grounded(block, step):
            problems.append(f"model step names no source: {step.label!r}")
    if has_ping(answer.model_dump_json()):
        problems.append("the answer would ping someone")
    return problems
