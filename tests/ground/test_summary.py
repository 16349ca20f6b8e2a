"""The task summary reads like a researcher's paragraph; technique notes fit the diagram."""

from __future__ import annotations

import re

import pytest

from bot.ground.setting import cue_spans
from tests.conftest import seed_text
from tests.ground.helpers import EVAL_CASES, answer, load_case

NOTE_SIDE_WORDS = 8


def _summary_of(name: str) -> str:
    text, case = load_case(name)
    q = case.get("question")
    _, ans = answer(text, q if isinstance(q, str) else None)
    return ans.task.summary


def test_seed000_summary_weaves_setting_and_ask_like_the_reference() -> None:
    _, ans = answer(seed_text("000"))
    s = ans.task.summary
    assert "WeatherRemoval-CLAIO-DeHaze" in s and "image dehazing" in s
    assert "across environments and sensor types" in s and "without retraining" in s
    assert "domain generalization" in s and "not about training it" in s
    assert "specifically" not in s and "(across cities" not in s  # no label lists
    assert 1 <= len(re.findall(r"[.!?](?:\s|$)", s)) <= 3


@pytest.mark.parametrize("name", EVAL_CASES)
def test_no_summary_glues_bare_question_words(name: str) -> None:
    summary = _summary_of(name)
    # The old form listed single question words: "— specifically handwriting, printed and labels".
    assert "specifically" not in summary
    focus = re.search(r"with a focus on (.+?)(?: — |\.)", summary)
    if focus:
        for item in re.split(r", | and ", focus.group(1)):
            assert len(item.split()) >= 2, item


def test_cues_quote_the_question_with_their_preposition() -> None:
    spans = cue_spans(
        "We label slowly. Will the model stay accurate under a domain shift with limited data, "
        "served from an edge device?"
    )
    texts = {s.text for s in spans}
    assert "under a domain shift with limited data" in texts
    assert "from an edge device" in texts
    assert all(s.kind for s in spans)


def test_several_asks_become_clauses_in_question_order() -> None:
    summary = _summary_of("007-request-molecular-property-chemprop")
    assert "how it works and whether it holds up with so little data" in summary


def test_release_question_becomes_a_clause_not_a_word_list() -> None:
    summary = _summary_of("009-bullets-realtime-pose-cpu")
    assert "in real time, on CPU, without a GPU" in summary
    assert "whether code or weights are released" in summary


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_technique_notes_are_short_on_each_side(prefix: str) -> None:
    _, ans = answer(seed_text(prefix), "How does it generalize to new data?")
    notes = [s.note for s in ans.workflow.steps if s.kind == "technique" and s.note]
    for note in notes:
        for side in note.split(" → "):
            assert len(side.rstrip("…").split()) <= NOTE_SIDE_WORDS, note


def test_seed000_note_prefers_the_short_equivalent_finding() -> None:
    _, ans = answer(seed_text("000"))
    (p1,) = [s for s in ans.workflow.steps if s.source_ids == ["p1"]]
    assert p1.note.endswith("→ tokenization enables generalization")


def test_the_asks_sentence_names_a_focus_once() -> None:
    from bot.ground.wording import default_wording

    say = default_wording()
    text = say.say("asks", clauses=["about lidar configs"], focus=["lidar configs"],
                   about=["lidar configs"], contrasts=[])
    assert text == "The question asks about lidar configs."
    text = say.say("asks", clauses=["which of the supplied sources fit"], focus=["lidar configs"],
                   about=[], contrasts=[])
    assert text == "The question asks which of the supplied sources fit, with a focus on lidar configs."
