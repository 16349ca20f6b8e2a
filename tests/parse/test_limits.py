"""Size limit and speed: TooLarge above the limit, linear time on hostile megabyte blocks."""

from __future__ import annotations

import random
import time
import timeit

import pytest

from bot.errors import TooLarge
from bot.parse import DEFAULT_MAX_BYTES, parse_block
from bot.parse.sentences import split_sentences
from tests.conftest import seed_text

MIB = 1_048_576
_FRAGMENTS = [
    "Model: ", "Paper: None\n", "GitHub: https://github.com/a/b\n", "github.com/x/y ", "{here}",
    "\\url{", "[", "](", ")", "| a | b |\n", "|---|---|\n", "- ", "1. ", "\n", "\n\n", "@article{k,",
    "{", "}", "\"", ":", "\u00b7\n", "  \u2022 6 authors\n", "Dec 9\n", "word ", "e.g. ", "Fig. ",
    "x.github.io/p ", "www.", "http://", "<", ">", "**", "Summary: ", "### Related Papers:\n",
    "[[CODE]](https://github.com/q/r) ", "- name: n\n  url: https://arxiv.org/abs/1\n",
    "Title Line\n\n", "A long abstract sentence goes here. " * 8 + "\n\n", "-a-a-a", "a.a.a.",
]


def _fill(unit: str, size: int = MIB - 16) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def test_too_large_names_the_size_and_the_limit() -> None:
    with pytest.raises(TooLarge) as caught:
        parse_block("x" * (MIB + 1))
    assert str(caught.value) == f"source block is {MIB + 1} bytes; the limit is {MIB} bytes"
    assert caught.value.details == {"size": MIB + 1, "limit": MIB}
    assert DEFAULT_MAX_BYTES == MIB


def test_limit_counts_utf8_bytes_and_is_configurable() -> None:
    with pytest.raises(TooLarge):
        parse_block("\u00e9" * (MIB // 2 + 1))  # two bytes each
    with pytest.raises(TooLarge):
        parse_block("abcdef", max_bytes=5)
    assert parse_block("abcde", max_bytes=5).format == "markdown"


def test_random_megabyte_block_parses_in_under_two_seconds() -> None:
    rng = random.Random(7)
    raw = "".join(rng.choice(_FRAGMENTS) for _ in range(60_000))
    text = raw.encode("utf-8")[: MIB - 16].decode("utf-8", "ignore")
    started = time.process_time()
    block = parse_block(text)
    assert time.process_time() - started < 2.0
    assert len(block.sources) <= 1000


@pytest.mark.parametrize("unit", ["-a", "https://", "a.github.io", "\n@a{", "- name: x\n", "a. "])
def test_hostile_megabyte_blocks_stay_linear(unit: str) -> None:
    text = _fill(unit)
    # CPU time, not wall time: other processes on a loaded CI box must not fail this. About
    # 1 s of CPU is normal for the worst unit; catastrophic backtracking takes minutes.
    started = time.process_time()
    parse_block(text)
    split_sentences(text)
    assert time.process_time() - started < 5.0


def test_seed_listing_parses_in_milliseconds() -> None:
    text = seed_text("002")
    parse_block(text)
    per_parse = min(
        timeit.repeat(lambda: parse_block(text), number=5, repeat=3, timer=time.process_time)
    ) / 5
    assert per_parse < 0.05  # typically ~5 ms; generous for a loaded CI box
