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


def test_a_methods_results_rows_declare_the_columns_the_question_names() -> None:
    from tests.ground.helpers import answer

    text = """# GlassNet

GlassNet finds cracks in glass panels by comparing patch features with a memory of normal ones.

### Image AUC

|  | Avg | Bottle | Window | Screen |
|---|---|---|---|---|
| Backbone-A | 0.95 | 0.97 | 0.91 | 0.93 |
| Backbone-B | 0.93 | 0.96 | 0.88 | 0.90 |

### Pixel AUC

|  | Avg | Bottle | Window | Screen |
|---|---|---|---|---|
| Backbone-A | 0.94 | 0.95 | 0.92 | 0.96 |
| Backbone-B | 0.92 | 0.93 | 0.90 | 0.94 |
"""
    _, ans = answer(text, "How good is GlassNet on windows and screens?")
    summary = ans.task.summary
    assert "Backbone-A, window (image auc): 0.91" in summary
    assert "Backbone-B, window (image auc): 0.88" in summary
    assert "screen (image auc)" in summary
