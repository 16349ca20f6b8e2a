"""Caveats name only what is really missing, in the question's words; no prose names what the
block does not; a follow-up on a block reuses its analysis."""

from __future__ import annotations

import copy

from bot.ground import ground
from bot.ground.analysis import analyse_block, clear_cache
from bot.ground.invariants import check
from bot.llm.draft import read_draft
from bot.llm.guard import Guard
from bot.llm.verify import Verifier
from bot.models import SourceBlock
from bot.parse import parse_block
from tests.conftest import seed_text
from tests.fakes.openai_api import draft_of
from tests.ground.helpers import MAX_BYTES, answer, caveat_text

COMMON = ["read", "second", "order", "buy"]


def test_a_caveat_never_names_a_common_word() -> None:
    _, ans = answer(seed_text("001"), "Can I read the second part in order, and would you buy it?")
    for word in COMMON:
        assert f"about {word}" not in caveat_text(ans) and f"no {word}" not in caveat_text(ans)


def test_a_missing_measurement_is_one_caveat_in_the_questions_words() -> None:
    _, ans = answer(
        seed_text("001"),
        "How does adaptive tokenization work, and what latency does it reach on an edge device?",
    )
    assert ans.covered is True  # the first ask is answered
    gaps = [c for c in ans.caveats if "report nothing on" in c]
    assert len(gaps) == 1 and "latency on an edge device" in gaps[0]
    assert "nothing in them mentions" not in caveat_text(ans)


def test_a_plain_not_covered_says_what_the_sources_cover() -> None:
    _, ans = answer(seed_text("001"), "What GPU memory and license does it need?")
    assert ans.covered is False
    (first, *_) = ans.caveats
    assert first.startswith("Not covered by the supplied sources") and "They cover" in first


def test_a_past_tense_verb_is_no_task() -> None:
    _, ans = answer(seed_text("002"), "Which of these papers were written for forecasting floods?")
    assert not any("speech" in label for label in ans.task.labels)


def test_bullets_that_answer_the_question_leave_no_gap() -> None:
    text = (
        "# QuickDepth\n\nQuickDepth estimates depth from a single RGB image.\n\n"
        "## Features\n- runs at 30 fps on a Jetson Orin\n- weights under Apache-2.0\n"
        "- code: https://github.com/example/quickdepth\n"
    )
    _, ans = answer(text, "Does QuickDepth run at 30 fps on a Jetson, and what is the license?")
    assert ans.covered is True
    assert not any("report nothing" in c or "do not address" in c for c in ans.caveats)


def test_prose_that_names_an_outside_model_breaks_the_invariant() -> None:
    block, ans = answer(seed_text("000"))
    bad = ans.model_copy(update={"caveats": [*ans.caveats, "Consider GPT-5 instead."]})
    assert any("GPT-5" in p for p in check(block, bad))
    task = ans.task.model_copy(update={"summary": ans.task.summary + " Compare with YOLOv9."})
    assert any("YOLOv9" in p for p in check(block, ans.model_copy(update={"task": task})))


def test_the_llm_verifier_drops_a_caveat_naming_an_outside_model() -> None:
    block = parse_block(seed_text("000"), max_bytes=MAX_BYTES)
    base = ground(block, block.question or "")
    obj = copy.deepcopy(draft_of(base))
    obj["caveats"] = ["Llama-3 would be a stronger choice.", *base.caveats]
    checked = Verifier(block, guard=Guard(block)).check(read_draft(obj), base=base)
    assert checked.caveats == base.caveats
    assert any(p.code == "unknown_name" and p.subject == "Llama-3" for p in checked.problems)


def test_a_follow_up_reuses_the_blocks_analysis() -> None:
    block: SourceBlock = parse_block(seed_text("002"), max_bytes=MAX_BYTES)
    clear_cache()
    first = analyse_block(block)
    ground(block, "Which of these forecast the weather?")
    assert analyse_block(block) is first
    again = ground(block, "Do any of them release code?")
    clear_cache()
    assert ground(block, "Do any of them release code?") == again
