"""Shared helpers for the grounding tests: parse with the real parser, answer, check."""

from __future__ import annotations

import json
from pathlib import Path

from bot.ground import ground
from bot.ground.invariants import check
from bot.models import Answer, SourceBlock
from bot.parse import parse_block

DATA = Path(__file__).resolve().parent.parent / "data"
EVAL_CASES = sorted(p.name for p in (DATA / "eval").iterdir() if (p / "case.json").exists())
MAX_BYTES = 1_000_000


def load_case(name: str) -> tuple[str, dict[str, object]]:
    case = DATA / "eval" / name
    return (case / "source.txt").read_text(encoding="utf-8"), json.loads(
        (case / "case.json").read_text(encoding="utf-8")
    )


def answer(text: str, question: str | None = None) -> tuple[SourceBlock, Answer]:
    block = parse_block(text, max_bytes=MAX_BYTES)
    q = question or block.question or "What is this about?"
    ans = ground(block, q)
    assert check(block, ans) == []
    return block, ans


def caveat_text(ans: Answer) -> str:
    return " ".join(ans.caveats).lower()
