"""DESIGN.md's grounding invariants, as predicates and one `check` over a whole Answer.

URL normalisation mirrors the eval's (`shared/eval/score.py`): scheme, `www.`, `{here}`
artefacts and trailing punctuation do not matter; anything else does.
"""

from __future__ import annotations

import re

from bot.models import Answer, SourceBlock, Step
from bot.safety import ZWJ, has_ping
from bot.urls import normalize_url as norm_url

_URL = re.compile(r"https?://[^\s<>\"'`()\[\]]+")
_BARE = re.compile(
    r"(?<![/\w.])(?:www\.)?(?:github\.com|arxiv\.org|huggingface\.co|[\w-]+\.github\.io)/"
    r"[^\s<>\"'`()\[\]]+"
)
MIN_NAME = 3


def norm_text(text: str) -> str:
    # str.split() splits on exactly the characters `\s` matches, and is several times faster.
    return " ".join(text.replace(ZWJ, "").split()).lower()


def _block_urls(text: str) -> frozenset[str]:
    found = _URL.findall(text) + _BARE.findall(text)
    return frozenset(norm_url(u) for u in found)


# Both predicates look only where the probe occurs instead of normalising the whole block on
# every call (a 100 KB listing costs milliseconds per full pass, and an answer makes dozens).
_PROBE = 16  # characters of a normalised URL searched for literally
_SCHEME = 12  # "https://www." may precede the probe
_SPACE = re.compile(r"\s")


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_TAG = re.compile(r"<br\s*/?>|</?[A-Za-z][^>]*>")
_MD_MARK = re.compile(r"\*\*|__|`|^#+\s*|^\s*[-*+>]\s+|\|", re.MULTILINE)


def strip_markup(text: str) -> str:
    """Text as a reader sees it, normalised: Markdown/HTML markup removed, link and image
    labels kept (the evaluation's `strip_markup`, rule for rule)."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_TAG.sub(" ", text)
    return norm_text(_MD_MARK.sub(" ", text))


class BlockText:
    """A block's text with its lowercased form, made once per answer and shared by every
    grounding check of that answer; the markup-free form is made on first need."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.low = text.lower()
        # Lowercasing changed some offsets (rare scripts): the probes below cannot be used.
        self.exact = len(self.low) == len(text)
        self._stripped: str | None = None
        # Every answer on the block (a follow-up, a rephrased question) checks the same few
        # URLs again: each verdict is kept with the block's analysis.
        self._links: dict[str, bool] = {}
        self._quotes: dict[str, bool] = {}
        # url -> it occurs only inside prompt-injection sentences (`bot.ground.links`).
        self.injected: dict[str, bool] = {}

    @property
    def stripped(self) -> str:
        if self._stripped is None:
            self._stripped = strip_markup(self.text)
        return self._stripped

    def link(self, url: str) -> bool:
        hit = self._links.get(url)
        if hit is None:
            hit = self._links[url] = self._link(url)
        return hit

    def _link(self, url: str) -> bool:
        key = norm_url(url)
        if not key:
            return False
        text, low = self.text, self.low
        if not self.exact:
            return key in _block_urls(text)
        probe = key[:_PROBE]
        at = low.find(probe)
        while at >= 0:
            end = _SPACE.search(text, at)
            window = text[max(0, at - _SCHEME) : end.start() if end else len(text)]
            if key in _block_urls(window):
                return True
            at = low.find(probe, at + 1)
        return False

    def evidence(self, text: str) -> bool:
        """A contiguous span of the block's text, as written or once Markdown/HTML markup is
        removed from both (a table row's cells, a link's label)."""
        hit = self._quotes.get(text)
        if hit is None:
            hit = self._quotes[text] = self._evidence(text)
        return hit

    def _evidence(self, text: str) -> bool:
        if self._raw_evidence(text):
            return True
        needle = strip_markup(text)
        return bool(needle) and needle in self.stripped

    def _raw_evidence(self, text: str) -> bool:
        needle = norm_text(text)
        if not needle:
            return False
        low = self.low
        if not self.exact or ZWJ in self.text:  # normalisation is not local: no shortcut
            return needle in norm_text(self.text)
        # The needle's longest word is the rarest handle on where it could sit in the block.
        probe = max(needle.split(" "), key=len)
        off = needle.find(probe)
        need_left, need_right = off + 1, len(needle) - off + 1
        at = low.find(probe)
        while at >= 0:
            left, right = need_left + 16, need_right + 16
            while True:  # widen until each side holds enough normalised text
                lo, hi = max(0, at - left), min(len(low), at + right)
                done_left = lo == 0 or len(norm_text(low[lo:at])) >= need_left
                done_right = hi == len(low) or len(norm_text(low[at:hi])) >= need_right
                if done_left and done_right:
                    break
                left, right = left * (1 if done_left else 2), right * (1 if done_right else 2)
            if needle in norm_text(low[lo:hi]):
                return True
            at = low.find(probe, at + 1)
        return False


def link_grounded(block: SourceBlock, url: str) -> bool:
    return BlockText(block.text).link(url)


def evidence_grounded(block: SourceBlock, text: str) -> bool:
    return BlockText(block.text).evidence(text)


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
    from bot.ground.names import unknown_names  # data-backed: loaded only when checking

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
    prose = [answer.task.summary, *(s.note for s in answer.workflow.steps), *answer.caveats]
    for text in prose:
        for name in unknown_names(text, block_text=block.text, question=answer.question):
            problems.append(f"prose names what the block does not: {name!r}")
    if has_ping(answer.model_dump_json()):
        problems.append("the answer would ping someone")
    return problems
