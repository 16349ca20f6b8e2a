"""Results tables as papers print them: a second head row of sizes, reference marks after
names, a column of kinds beside the names, tables under an "Evaluation" heading."""

from __future__ import annotations

from bot.parse import parse_block
from bot.parse._markup import clean_name

_TABLE = """# Lung lesion segmentation presets

We compare the presets on three cohorts.

|                    | CohortA | CohortB | CohortC | Mem | Type |
|--------------------|---------|---------|---------|-----|------|
|                    | n=40    | n=120   | n=75    |     |      |
| Baseline UNet [1]  | 71.2    | 80.3    | 77.9    | 8.1 | CNN  |
| WideUNet [2, 3]    | 73.0    | 81.5    | 78.4    | 14.0| CNN  |
| SliceFormer [4]    | 69.8    | 79.9    | 76.1    | 11.5| TF   |
| DeepWide           | 73.4    | 81.1    | 79.0    | 22.4| CNN  |
"""


def test_rows_under_a_second_head_row_are_named_by_their_blank_headed_column() -> None:
    block = parse_block(_TABLE)
    names = [s.name for s in block.sources]
    assert {"Baseline UNet", "WideUNet", "SliceFormer", "DeepWide"} <= set(names)
    assert not any(n.startswith("n=") or n in ("CNN", "TF") for n in names)
    wide = next(s for s in block.sources if s.name == "WideUNet")
    assert wide.meta["cohortb"] == "81.5" and wide.meta["mem"] == "14.0"


def test_a_reference_mark_after_a_name_goes() -> None:
    assert clean_name("SegNet [9,11]") == "SegNet"
    assert clean_name("SegNet [10, 11]") == "SegNet"
    assert clean_name("[2203.17003] Some Title") == "Some Title"
    assert clean_name("[7]") == "7"  # nothing else to name it: the mark stays (its brackets go)


def test_a_results_table_under_an_evaluation_heading_lists_its_rows() -> None:
    text = _TABLE.replace("# Lung lesion segmentation presets", "# Evaluation")
    assert "DeepWide" in {s.name for s in parse_block(text).sources}


def test_a_digest_heading_that_is_its_papers_link_is_an_entry() -> None:
    text = "## cs.LG\n\n" + "\n\n".join(
        f"### [{i}] [Paper number {w} on sparse graphs](https://arxiv.org/abs/2509.1{i:04d})\n\n"
        f"*A. Author, B. Author*\n\n**Relevance Score:** {i}\n\n**TL;DR:** It studies {w} graphs."
        for i, w in enumerate(["one", "two", "three"], start=1))
    block = parse_block(text)
    named = {s.name: s for s in block.sources}
    assert "Paper number two on sparse graphs" in named
    assert named["Paper number two on sparse graphs"].urls == ["https://arxiv.org/abs/2509.10002"]
    assert named["Paper number two on sparse graphs"].meta["relevance score"] == "2"


def test_a_shorthand_column_names_rows_before_a_dataset_column() -> None:
    text = """## Models

| Shorthand | Loader | Dataset | Description |
|---|---|---|---|
| PLM-S | `plm_s()` | UniRef50 | A small [protein language model](https://doi.org/10.1101/2020.01.01.000001). |
| PLM-IF | `plm_if()` | CATH + UniRef50 | An [inverse folding model](https://doi.org/10.1101/2020.01.01.000002). |
| PLM-V | `plm_v()` | UniRef90 | Scores [variant effects](https://doi.org/10.1101/2020.01.01.000003). |
"""
    names = {s.name for s in parse_block(text).sources}
    assert {"PLM-S", "PLM-IF", "PLM-V"} <= names
    assert "CATH + UniRef50" not in names


def test_a_table_of_contents_and_a_details_toggle_are_no_entries() -> None:
    text = """# Contents

- [cs.LG](#cs.LG) [Total: 2]
- [cs.CV](#cs.CV) [Total: 1]
- [stat.ML](#stat.ML) [Total: 1]

# cs.LG

### [1] [Sparse mixtures for tabular priors](https://arxiv.org/abs/2507.00011)
*A. Author*

<details>
  <summary>Details</summary>
Motivation: tabular priors are dense.

Method: a sparse mixture, code at [repo](https://github.com/example/sparse-mix).
</details>

### [2] [Graph priors for small tables](https://arxiv.org/abs/2507.00012)
*B. Author*
"""
    block = parse_block(text)
    names = [s.name for s in block.sources]
    assert not any(n.startswith(("cs.", "stat.", "Details")) for n in names), names
    sparse = next(s for s in block.sources if s.name == "Sparse mixtures for tabular priors")
    assert "https://github.com/example/sparse-mix" in sparse.urls


def test_an_html_grid_of_categories_without_links_lists_no_works() -> None:
    text = """# Hazard taxonomy

The classifier labels the categories below.
<table>
<thead><tr><th colspan="2">Categories</th></tr></thead>
<tbody>
<tr><td>H1: Fraud</td><td>H2: Spam</td></tr>
<tr><td>H3: Malware</td><td>H4: Phishing</td></tr>
</tbody>
</table>

# Results

<table>
<thead><tr><th>Classifier</th><th>F1</th><th>FPR</th></tr></thead>
<tbody>
<tr><td>GuardA\\*</td><td>0.71</td><td>0.05</td></tr>
<tr><td>GuardB</td><td>0.80</td><td>0.03</td></tr>
</tbody>
</table>
"""
    names = [s.name for s in parse_block(text).sources]
    assert not any(n.startswith("H") and ":" in n for n in names), names
    assert {"GuardA", "GuardB"} <= set(names)


def test_a_row_with_an_empty_name_cell_is_named_by_its_pair_cell() -> None:
    rows = "".join(
        f"| {d}.03 | [{n}: Sound from {w}](https://example.org/{n.lower()}/) | "
        f"[arXiv](https://arxiv.org/abs/2403.0{d}01) | [GitHub](https://github.com/example/{n.lower()}) | - |\n"
        for d, n, w in [(11, "Tonic", "text"), (12, "Chord", "chords"), (13, "Rondo", "loops")])
    text = ("| Date | Release [Samples] | Paper | Code | Trained Model |\n"
            "|---|---|---|---|---|\n" + rows)
    names = [src.name for src in parse_block(text).sources]
    assert "Tonic: Sound from text" in names, names


def test_a_line_that_announces_a_linked_work_is_named_by_the_link() -> None:
    text = """# Model releases

- We are releasing **[Orbit3D](https://huggingface.co/example/orbit3d)**, a model that turns one photo into an orbit video.
- Introducing [MeshMaker v2](https://huggingface.co/example/meshmaker-v2), faster mesh export.
- [Depthy](https://huggingface.co/example/depthy): depth from a single image.
- [Flowy](https://huggingface.co/example/flowy): optical flow for long clips.
"""
    names = {s.name for s in parse_block(text).sources}
    assert {"Orbit3D", "MeshMaker v2", "Depthy"} <= names, names
