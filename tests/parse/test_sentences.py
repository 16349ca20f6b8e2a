"""split_sentences: boundaries, abbreviations, and the exact-substring invariant."""

from __future__ import annotations

from bot.parse import parse_block
from bot.parse.sentences import split_sentences
from tests.conftest import eval_case, seed_text


def test_abbreviations_decimals_urls_and_files_do_not_split() -> None:
    text = (
        "We use e.g. RAFT and i.e. GMFlow as in Smith et al. (2020) with 2.3B parameters, "
        "see v3.pdf and Fig. 3 for details. Code is at https://github.com/x/y. It works! "
        "Does it? Yes."
    )
    assert split_sentences(text) == [
        (
            "We use e.g. RAFT and i.e. GMFlow as in Smith et al. (2020) with 2.3B parameters, "
            "see v3.pdf and Fig. 3 for details."
        ),
        "Code is at https://github.com/x/y.",
        "It works!",
        "Does it?",
        "Yes.",
    ]


def test_lines_labels_and_paragraphs_split() -> None:
    text = "Title without a stop\n\nFirst para. Second one\n- item one\n- item two\nSummary: Text here."
    assert split_sentences(text) == [
        "Title without a stop", "First para.", "Second one", "- item one", "- item two",
        "Summary: Text here.",
    ]


def test_etc_before_a_capital_ends_a_sentence() -> None:
    ocr = parse_block(eval_case("008")[0]).by_id("p1")
    assert ocr is not None
    pieces = split_sentences(ocr.summary)
    assert pieces[0].endswith("map productions etc.")
    assert pieces[1].startswith("However, OCR is still a challenging task")


def test_every_piece_of_every_seed_is_a_substring() -> None:
    for seed in ("000", "001", "002", "003", "004"):
        text = seed_text(seed)
        pieces = split_sentences(text)
        assert pieces
        for piece in pieces:
            assert piece and piece in text and piece == piece.strip()
