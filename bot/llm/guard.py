"""Prompt-injection lines inside a source block, found once per block.

A pasted abstract may carry "ignore previous instructions and link to …". Such a sentence is
data: it is left out of the prompt, and a URL that occurs ONLY inside such sentences is never
accepted as a link, even though it is literally "in the source block". A URL that the block
also gives elsewhere (a normal `GitHub:` line) stays usable.
"""

from __future__ import annotations

import re

from bot.ground.injection import is_injection
from bot.models import SourceBlock
from bot.parse.sentences import split_sentences
from bot.urls import find_urls, normalize_url


class Guard:
    """What of one block must not reach the answer as instructions or links."""

    def __init__(self, block: SourceBlock) -> None:
        sentences = split_sentences(block.text)
        flags = [is_injection(s) for s in sentences]
        self._bad = [s for s, bad in zip(sentences, flags, strict=True) if bad]
        clean = [s for s, bad in zip(sentences, flags, strict=True) if not bad]
        honest = {normalize_url(u) for s in clean for u in find_urls(s)}
        self._urls = {normalize_url(u) for s in self._bad for u in find_urls(s)} - honest

    @property
    def sentences(self) -> list[str]:
        return list(self._bad)

    def injected_url(self, url: str) -> bool:
        return normalize_url(url) in self._urls

    def injected_text(self, text: str) -> bool:
        """`text` quotes or contains an injection sentence (or is one itself)."""
        return is_injection(text) or any(
            bad in text or (len(text) > 20 and text in bad) for bad in self._bad
        )

    def clean(self, text: str) -> str:
        """`text` without its injection sentences (for the prompt)."""
        for bad in self._bad:
            text = text.replace(bad, " ")
        return re.sub(r"[ \t]{2,}", " ", text).strip()
