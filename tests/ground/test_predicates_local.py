"""The invariant predicates look only around a probe; they must agree with a full pass."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ground.invariants import (
    _block_urls,
    evidence_grounded,
    link_grounded,
    norm_text,
)
from bot.models import SourceBlock
from bot.parse import parse_block
from bot.safety import ZWJ
from bot.urls import normalize_url as norm_url
from tests.conftest import seed_text

TEXTS = [seed_text(p) for p in ("000", "001", "003")]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _block(text: str) -> SourceBlock:
    return parse_block(text, max_bytes=1_000_000)


def _full_evidence(block: SourceBlock, text: str) -> bool:
    """The invariant by its definition: a span of the block as written, or of the block with
    markup removed (the evaluation's `strip_markup`, copied here)."""
    needle = norm_text(text)
    if needle and needle in norm_text(block.text):
        return True
    stripped = _strip_markup(text)
    return bool(stripped) and stripped in _strip_markup(block.text)


def _strip_markup(t: str) -> str:
    t = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"<br\s*/?>|</?[A-Za-z][^>]*>", " ", t)
    t = re.sub(r"\*\*|__|`|^#+\s*|^\s*[-*+>]\s+|\|", " ", t, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", t).strip().lower()


def _full_link(block: SourceBlock, url: str) -> bool:
    key = norm_url(url)
    return bool(key) and key in _block_urls(block.text)


@FAST
@given(st.sampled_from(range(len(TEXTS))), st.integers(0, 10_000), st.integers(1, 400),
       st.sampled_from(["", " ", "\n  ", "x"]))
def test_evidence_probe_agrees_with_a_full_pass(which: int, start: int, size: int, junk: str) -> None:
    text = TEXTS[which]
    block = _block(text)
    start %= len(text)
    piece = text[start : start + size]
    for candidate in (piece, piece.upper(), junk + piece, piece + junk, " ".join(piece.split())):
        assert evidence_grounded(block, candidate) == _full_evidence(block, candidate)


def test_every_url_and_its_variants_agree_with_a_full_pass() -> None:
    for text in TEXTS:
        block = _block(text)
        for url in sorted(_block_urls(text)):
            for variant in (url, "https://" + url, "http://www." + url + "/", url + "x", url[:-1]):
                assert link_grounded(block, variant) == _full_link(block, variant), variant


def test_wrapped_whitespace_and_zero_width_joiners_still_match() -> None:
    block = _block(f"Title\n\nThe model   reaches\n   state-of-the-art{ZWJ} accuracy on ImageNet.\n")
    assert evidence_grounded(block, "The model reaches state-of-the-art accuracy")
    assert not evidence_grounded(block, "The model reaches state-of-the-art accuracy on COCO")
