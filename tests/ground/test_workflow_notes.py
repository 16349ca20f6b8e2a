"""Technique notes say what a paper contributes, never its own title over again."""

from __future__ import annotations

from bot.ground import ground
from bot.parse import parse_block
from tests.conftest import eval_case


def test_title_only_sources_get_no_note_that_restates_the_title() -> None:
    text, _ = eval_case("009")
    block = parse_block(text)
    # A question that many of the listing's bare titles answer, so some become techniques.
    answer = ground(block, "Which of these do multi-person pose estimation?")
    techniques = [s for s in answer.workflow.steps if s.kind == "technique"]
    assert techniques  # the listing has more relevant papers than model slots
    for step in techniques:
        (source,) = [s for s in block.sources if s.id in step.source_ids]
        note = step.note.lower().rstrip("…")
        assert not note or note.split(" → ")[-1] not in source.name.lower()


def test_abstract_sources_keep_method_and_finding(seed000: str) -> None:
    block = parse_block(seed000)
    answer = ground(block, block.question or "")
    notes = {s.source_ids[0]: s.note for s in answer.workflow.steps if s.kind == "technique"}
    assert "→" in notes["p1"] and "generalization" in notes["p1"]
