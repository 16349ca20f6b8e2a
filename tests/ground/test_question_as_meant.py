"""The question as meant: a wrapper message answers the block's own question; an overview
request (or no real question on a listing) gets an overview, never a refusal."""

from __future__ import annotations

import pytest

from bot.ground import ground
from bot.ground.invariants import check
from bot.parse import parse_block
from tests.conftest import seed_text
from tests.ground.helpers import MAX_BYTES

WRAPPERS = ["please answer this", "thoughts?", "see below", "can you help?", "<@U0BOT>", "@bot"]
OVERVIEWS = ["what's this about?", "can you summarize these", "tl;dr", "Overview please"]


def _ground(text: str, question: str):  # type: ignore[no-untyped-def]
    block = parse_block(text, max_bytes=MAX_BYTES)
    ans = ground(block, question)
    assert check(block, ans) == []
    return block, ans


@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_a_wrapper_message_answers_the_blocks_own_question(wrapper: str) -> None:
    block, ans = _ground(seed_text("000"), wrapper)
    direct = ground(block, block.question or "")
    assert block.question and ans.question == direct.question
    assert ans.covered is True
    # The related papers stay in the link list, as when the block's question is asked outright.
    assert {lk.url for lk in ans.links} == {lk.url for lk in direct.links}
    assert ans.task.summary == direct.task.summary


@pytest.mark.parametrize("asked", OVERVIEWS + WRAPPERS)
def test_an_overview_request_on_a_listing_gets_an_overview(asked: str) -> None:
    _, ans = _ground(seed_text("002"), asked)
    assert ans.covered is True and ans.task.intent == "overview"
    assert not any("not covered" in c.lower() for c in ans.caveats)
    assert "The block holds" in ans.task.summary and "papers" in ans.task.summary
    assert ans.task.labels  # grouped by task
    # One key claim per shown source, each with the links the block gives for it.
    shown = {e.source_id for e in ans.evidence}
    assert len(shown) == len(ans.evidence) >= 3
    assert {lk.source_id for lk in ans.links} <= {s.id for s in ans.sources}


def test_a_question_with_a_subject_is_answered_as_written() -> None:
    _block, ans = _ground(seed_text("000"), "Which related paper studies EEG decoding?")
    assert ans.question == "Which related paper studies EEG decoding?"
    assert ans.task.intent != "overview"


def test_a_subject_free_ask_about_a_recommended_model_stays_as_asked() -> None:
    text = seed_text("000").replace("A user has asked", "Someone asked")
    block = parse_block(text, max_bytes=MAX_BYTES).model_copy(update={"question": None})
    ans = ground(block, "How does it work?")
    assert ans.question == "How does it work?" and ans.task.intent == "how_it_works"
    assert check(block, ans) == []


def test_words_for_the_chat_container_name_no_subject() -> None:
    from bot.ground.question import meant
    from bot.parse import parse_block

    block = parse_block("- **Osprey** — sparse attention for long videos.\n"
                        "- **Tern** — a tokenizer for genomes.\n"
                        "- **Gull** — distillation for speech encoders.\n")
    # "this thread" / "this batch" point at the paste: the ask is a wrapper, so an overview.
    assert meant(block, "thoughts on this thread?").overview
    assert meant(block, "anything good in this batch?").overview
