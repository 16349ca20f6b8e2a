"""Questions about a declared property are answered from the block's fields."""

from __future__ import annotations

from bot.ground.engine import ground
from bot.parse import parse_block

CARD = """\
---
license: cc-by-nc-4.0
pipeline_tag: image-segmentation
base_model: example/segbase-large
datasets:
- ade20k
---
# SegTiny

SegTiny is a compact segmentation network distilled from SegBase for mobile phones.
"""


def test_a_declared_field_answers_a_question_about_it() -> None:
    answer = ground(parse_block(CARD), "Which license does SegTiny use, and what is its base model?")
    assert "license: cc-by-nc-4.0" in answer.task.summary
    assert "base model: example/segbase-large" in answer.task.summary


def test_fields_the_question_does_not_ask_about_stay_out() -> None:
    answer = ground(parse_block(CARD), "How does SegTiny run on phones?")
    assert "cc-by-nc-4.0" not in answer.task.summary
