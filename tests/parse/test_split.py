"""split_message: the question vs the pasted block in one chat message."""

from __future__ import annotations

import pytest

from bot.parse import parse_block, split_message
from tests.conftest import seed_text


def test_question_then_listing() -> None:
    listing = seed_text("002")
    question, block = split_message(
        "which of these could forecast river floods from weather forecasts?\n\n" + listing
    )
    assert question == "which of these could forecast river floods from weather forecasts?"
    assert block == listing.strip()
    assert len(parse_block(block).sources) == 56


def test_question_on_the_first_line_without_a_blank_line() -> None:
    question, block = split_message("Which one runs on a CPU?\n- RAFT https://github.com/princeton-vl/RAFT\n- GMFlow https://arxiv.org/abs/2111.13680")
    assert question == "Which one runs on a CPU?"
    assert block.startswith("- RAFT")


def test_request_block_carries_its_own_question() -> None:
    seed = seed_text("000")
    assert split_message(seed) == (None, seed.strip())
    assert parse_block(seed).question is not None


def test_only_a_question() -> None:
    assert split_message("  how does the dehazing model generalise?  ") == (
        "how does the dehazing model generalise?", ""
    )


def test_only_a_block() -> None:
    page = seed_text("001")
    assert split_message(page) == (None, page.strip())


def test_listing_title_ending_in_a_question_mark_is_not_a_question() -> None:
    text = seed_text("003")
    start = text.index("Are Vision Transformers Robust to Patch Perturbations?")
    chunk = text[start:]
    assert split_message(chunk) == (None, chunk.strip())


def test_trailing_question() -> None:
    listing = seed_text("003")
    question, block = split_message(listing + "\n\nWhich paper studies calibration of detectors?")
    assert question == "Which paper studies calibration of detectors?"
    assert block == listing.strip()


def test_short_question_with_a_link_is_both() -> None:
    text = "what does https://github.com/princeton-vl/RAFT do?"
    assert split_message(text) == (text, text)


def test_empty_message() -> None:
    assert split_message(" \n ") == (None, "")


def test_code_fenced_block_loses_its_fence() -> None:
    question, block = split_message(
        "Which is fastest?\n```\n- RAFT https://github.com/princeton-vl/RAFT\n- GMFlow https://arxiv.org/abs/2111.13680\n```"
    )
    assert question == "Which is fastest?"
    assert block == "- RAFT https://github.com/princeton-vl/RAFT\n- GMFlow https://arxiv.org/abs/2111.13680"


LISTING = (
    "Fast Depth Estimation on Phones\n\n"
    "We distil a large depth model into a small one that runs on a phone at 30 fps.\n\n"
    "Sparse Attention for Long Videos\n\n"
    "We cut the attention cost of video transformers with a learned sparsity pattern."
)


@pytest.mark.parametrize("glue", ["\n", "\n\n"])
def test_a_question_typed_under_the_block_is_the_question(glue: str) -> None:
    question, block = split_message(LISTING + glue + "Which one runs on a phone?")
    assert question == "Which one runs on a phone?"
    assert block == LISTING


def test_a_statement_under_the_block_stays_in_the_block() -> None:
    text = LISTING + "\nThe code is released."
    assert split_message(text) == (None, text)
