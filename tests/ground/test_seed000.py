"""Seed 000, the canonical request: the substance of shared/examples/000-reference-answer.md."""

from __future__ import annotations

from bot.urls import normalize_url as norm_url
from tests.conftest import seed_text
from tests.ground.helpers import answer, caveat_text

FOUR_LINKS = {
    "github.com/xiaojihh/cl_all-in-one",
    "arxiv.org/pdf/2402.18546v3.pdf",
    "arxiv.org/pdf/2408.09310v3.pdf",
    "arxiv.org/pdf/2412.20601v1.pdf",
}


def test_labels_name_dehazing_and_domain_generalization() -> None:
    _, ans = answer(seed_text("000"))
    labels = " ".join(ans.task.labels).lower()
    assert "dehazing" in labels and "weather removal" in labels
    assert "domain generalization" in labels
    assert ans.task.intent == "how_it_works"
    assert {"across environments", "without retraining"} <= set(ans.task.setting)
    assert "WeatherRemoval-CLAIO-DeHaze" in ans.task.summary


def test_exactly_the_four_links() -> None:
    _, ans = answer(seed_text("000"))
    assert {norm_url(link.url) for link in ans.links} == FOUR_LINKS
    assert len(ans.links) == 4
    assert {link.kind for link in ans.links} == {"github", "arxiv"}


def test_evidence_cites_each_related_papers_generalization_finding() -> None:
    _, ans = answer(seed_text("000"))
    by_source: dict[str, str] = {}
    for ev in ans.evidence:
        by_source[ev.source_id] = by_source.get(ev.source_id, "") + " " + ev.text
    assert "generaliz" in by_source["p1"]  # TOTEM: tokenization enables generalization
    assert "robust generalization" in by_source["p2"] and "unseen datasets" in by_source["p2"]
    assert "outperform" in by_source["p3"] and "pretrained" in by_source["p3"]


def test_caveats_say_no_paper_and_other_domains() -> None:
    _, ans = answer(seed_text("000"))
    text = caveat_text(ans)
    assert "no paper was supplied for weatherremoval-claio-dehaze" in text
    assert "eeg" in text and "image classification" in text and "pde" in text


def test_workflow_is_input_model_output_with_technique_notes() -> None:
    _, ans = answer(seed_text("000"))
    steps = ans.workflow.steps
    assert next(s.kind for s in steps) == "input" and steps[-1].kind == "output"
    (model,) = [s for s in steps if s.kind == "model"]
    assert model.label == "WeatherRemoval-CLAIO-DeHaze" and model.source_ids == ["m1"]
    techniques = [s for s in steps if s.kind == "technique"]
    assert {s.source_ids[0] for s in techniques} == {"p1", "p2", "p3"}
    assert all("→" in s.note for s in techniques)
    assert ("in", model.id) in ans.workflow.edges and (model.id, "out") in ans.workflow.edges
    assert ans.considered == 4 and ans.covered
    assert all(0.0 <= s.relevance <= 1.0 for s in ans.sources)
