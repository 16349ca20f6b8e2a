"""Listings: only the relevant few enter the answer, and the answer says how many were read."""

from __future__ import annotations

from tests.conftest import seed_text
from tests.ground.helpers import answer

FLOOD_Q = "Which of these could forecast river floods from weather forecasts?"


def test_flood_question_ranks_the_flood_discharge_paper_first() -> None:
    _block, ans = answer(seed_text("002"), FLOOD_Q)
    ranked = sorted(ans.sources, key=lambda s: -s.relevance)
    assert ranked[0].name.startswith("RiverMamba")
    assert "flood" in ranked[0].summary.lower() and "discharge" in ranked[0].summary.lower()
    # The runners-up are weather-forecasting papers, the other half of the question.
    assert all("forecast" in s.summary.lower() for s in ranked[1:3])
    assert "flood forecasting" in ans.task.labels


def test_listing_keeps_few_and_says_how_many_were_read() -> None:
    block, ans = answer(seed_text("002"), FLOOD_Q)
    models = [s for s in ans.workflow.steps if s.kind in ("model", "technique")]
    assert 1 <= len(models) <= 5
    assert ans.considered == len(block.sources) > 30
    assert f"{ans.considered} sources were read" in ans.task.summary
    linked = {link.source_id for link in ans.links}
    kept = {i for s in models for i in s.source_ids}
    assert linked <= kept


def test_every_seed_answers_within_invariants() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        _, ans = answer(seed_text(prefix), "Which of these is most relevant, and where is the code?")
        assert ans.workflow.steps and ans.task.summary
