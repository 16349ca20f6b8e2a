from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Step, Workflow
from bot.render.diagram import WIDTH, flow_diagram, mechanism_lines, text_diagram, width
from tests.render.sample import reference_workflow


def _row_of(lines: list[str], needle: str) -> int:
    return next(i for i, line in enumerate(lines) if needle in line)


def test_reference_workflow_reads_top_down_with_arrows() -> None:
    text = text_diagram(reference_workflow(), heading="HEADING")
    lines = text.splitlines()
    top = _row_of(lines, "hazy / weather-degraded")
    model = _row_of(lines, "WeatherRemoval-CLAIO-DeHaze  [m1]")
    out = _row_of(lines, "restored, haze-free images")
    heading = _row_of(lines, "HEADING")
    assert top < model < out < heading
    between = lines[top:model]
    assert any(line.strip() == "│" for line in between)
    assert any(line.strip() == "▼" for line in between)
    assert "║" in lines[model]  # models are double-line boxes, inputs are rounded
    assert lines[0].lstrip().startswith("╭")
    assert all(width(line) <= WIDTH for line in lines)
    assert text == text_diagram(reference_workflow(), heading="HEADING")


def _short_labels(wf: Workflow) -> Workflow:
    """The reference workflow with labels short enough for the aligned column layout."""
    steps = [s.model_copy(update={"label": s.label.split(",")[0][:30]})
             if s.kind == "technique" else s for s in wf.steps]
    return wf.model_copy(update={"steps": steps})


def test_short_mechanisms_are_aligned_label_note_ids() -> None:
    lines = mechanism_lines(_short_labels(reference_workflow())).splitlines()
    arrows = [line.index("→") for line in lines if "→" in line]
    assert len(arrows) == 3 and len(set(arrows)) == 1
    ids = [line.rstrip()[-4:] for line in lines if line.rstrip().endswith("]")]
    assert ids == ["[p1]", "[p2]", "[p3]"]
    first = next(line for line in lines if "[p1]" in line)
    assert first.index("tokenized") < first.index("→ robust to sensor") < first.index("[p1]")
    assert all(width(line) <= WIDTH for line in lines)


def _fan(n: int, label: str = "Model") -> Workflow:
    models = [Step(id=f"m{i}", kind="model", label=f"{label} {i}", source_ids=[f"m{i}"])
              for i in range(1, n + 1)]
    return Workflow(
        steps=[Step(id="in", kind="input", label="slides"), *models,
               Step(id="out", kind="output", label="risk")],
        edges=[("in", m.id) for m in models] + [(m.id, "out") for m in models],
    )


def test_parallel_models_sit_side_by_side_with_fan_out_and_in() -> None:
    lines = flow_diagram(_fan(3)).splitlines()
    row = lines[_row_of(lines, "Model 1")]
    assert "Model 2" in row and "Model 3" in row
    assert any(line.strip().startswith("┌") and line.rstrip().endswith("┐") for line in lines)
    assert any(line.strip().startswith("└") and line.rstrip().endswith("┘") for line in lines)
    assert sum(line.count("▼") for line in lines) == 4  # three in, one out


def test_many_models_are_stacked_in_one_list() -> None:
    lines = flow_diagram(_fan(7, label="A rather long model name")).splitlines()
    listed = [line for line in lines if "•" in line]
    assert len(listed) == 7
    assert all(width(line) <= WIDTH for line in lines)


def test_chained_models_follow_the_edges() -> None:
    wf = Workflow(
        steps=[Step(id="in", kind="input", label="video"),
               Step(id="b", kind="model", label="Second"),
               Step(id="a", kind="model", label="First"),
               Step(id="out", kind="output", label="tracks")],
        edges=[("in", "a"), ("a", "b"), ("b", "out")],
    )
    lines = flow_diagram(wf).splitlines()
    assert _row_of(lines, "video") < _row_of(lines, "First") < _row_of(lines, "Second")
    assert _row_of(lines, "Second") < _row_of(lines, "tracks")


def test_cycles_and_dangling_edges_do_not_hang() -> None:
    wf = Workflow(
        steps=[Step(id="a", kind="model", label="A"), Step(id="b", kind="model", label="B")],
        edges=[("a", "b"), ("b", "a"), ("a", "zzz")],
    )
    assert "A" in flow_diagram(wf) and "B" in flow_diagram(wf)
    assert text_diagram(Workflow()) == ""


labels = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["input", "model", "technique", "output"]), labels,
                          labels), min_size=1, max_size=9))
def test_any_labels_stay_within_width_and_cannot_close_a_code_block(
    spec: list[tuple[str, str, str]],
) -> None:
    steps = [Step(id=f"s{i}", kind=kind, label=label, note=note,  # type: ignore[arg-type]
                  source_ids=[f"p{i}"]) for i, (kind, label, note) in enumerate(spec)]
    text = text_diagram(Workflow(steps=steps), heading="why")
    assert "`" not in text
    assert all(width(line) <= WIDTH for line in text.splitlines())


def test_long_mechanisms_stack_one_entry_per_step_instead_of_squeezing_columns() -> None:
    long_title = "Generalizability Under Sensor Failure: a very long paper title indeed"
    wf = Workflow(steps=[
        Step(id="in", kind="input", label="images"),
        Step(id="m", kind="model", label="Model", source_ids=["m1"]),
        Step(id="t", kind="technique", label=long_title, source_ids=["p1"],
             note="tokenization + Transformers Enable More Robust Latent Spaces"
                  " → tokenization enables generalization across sessions and sensors"),
        Step(id="out", kind="output", label="clean images"),
    ], edges=[("in", "m"), ("m", "out"), ("t", "m")])
    lines = mechanism_lines(wf).splitlines()
    assert lines[0] == "  [p1] " + long_title[: len(lines[0]) - 7]
    assert lines[0].startswith("  [p1] Generalizability")
    assert any(line.strip().startswith("→ tokenization + Transformers") for line in lines)
    finding = next(i for i, line in enumerate(lines)
                   if line.strip().startswith("→ tokenization enables"))
    assert lines[finding].index("→") == 7  # hangs under the label, not in a squeezed column
    assert all(width(line) <= WIDTH for line in lines)
