"""A metric the block only marks as still to come is named as unreported, never taken as a
result; each row of a how-to section's table is a fact of its own."""

from __future__ import annotations

from tests.ground.helpers import answer, caveat_text

CARD = """# WaveBridge — Finnish to Estonian speech translation

WaveBridge is a LoRA adapter that turns Finnish speech into Estonian speech.

## Evaluation

Nothing has been scored yet; the plan:

| Metric | Measures | Status |
|---|---|---|
| ASR-BLEU (Whisper large) | translation quality | TBD |
| MOS | naturalness | TBD |
| WER | intelligibility | 12.5 |
"""


def test_a_metric_marked_tbd_is_named_as_unreported() -> None:
    _, ans = answer(CARD, "what ASR-BLEU score does WaveBridge reach?")
    caveats = caveat_text(ans)
    assert "asr-bleu" in caveats and "tbd" in caveats
    # The row itself is quoted on its own, not fused with the rows after it.
    assert any(e.text.startswith("ASR-BLEU") and "MOS" not in e.text for e in ans.evidence)


def test_a_metric_with_a_value_is_not_called_unreported() -> None:
    _, ans = answer(CARD, "what WER does it get?")
    assert "reports no value" not in caveat_text(ans)


def test_a_question_naming_no_metric_gets_no_such_caveat() -> None:
    _, ans = answer(CARD, "what does it take as input?")
    assert "reports no value" not in caveat_text(ans)


def test_a_rows_table_under_a_howto_heading_is_one_paragraph_per_row() -> None:
    block, _ = answer(CARD, "what is it?")
    paragraphs = block.sources[0].summary.split("\n\n")
    assert "MOS naturalness TBD" in paragraphs
