"""The link list: at most a handful per source, its paper and code first, the rest counted."""

from __future__ import annotations

from bot.ground.engine import ground
from bot.ground.links import MAX_PER_SOURCE
from bot.parse import parse_block

_DATASETS = "\n".join(
    f"| corpus{i} | [link](https://data.example.org/corpus{i}) | {1000 * i} |" for i in range(1, 31)
)
CARD = f"""\
---
license: apache-2.0
pipeline_tag: sentence-similarity
---
# tiny-embedder

tiny-embedder maps sentences to 256-dimensional vectors for semantic search.
Discussion at https://forum.example.org/t/tiny-embedder and a demo at https://demo.example.org/tiny.

## Training data

| Dataset | Link | Pairs |
|---|---|---|
{_DATASETS}

Paper: https://arxiv.org/abs/2401.01234 — code: https://github.com/example/tiny-embedder
"""


def test_a_card_with_many_links_lists_a_few_and_counts_the_rest() -> None:
    answer = ground(parse_block(CARD), "how does tiny-embedder encode sentences?")
    urls = [lk.url for lk in answer.links]
    assert len(urls) == MAX_PER_SOURCE
    # Its paper and code come before the datasets it cites, wherever the card puts them.
    assert "https://arxiv.org/abs/2401.01234" in urls
    assert "https://github.com/example/tiny-embedder" in urls
    counted = [c for c in answer.caveats if "more links in the block" in c]
    assert counted and str(len(set(answer.sources[0].urls)) - MAX_PER_SOURCE) in counted[0]


def test_a_labelled_link_line_is_never_quoted_as_evidence() -> None:
    block = parse_block(
        "## Sparse Voxel Completion\n\nPaper: https://arxiv.org/abs/2301.00015\n\n"
        "It completes partial scans of rooms from a single depth camera by predicting occupancy.\n\n"
        "## Mesh Smoothing Networks\n\nPaper: https://arxiv.org/abs/2301.00011\n\n"
        "A graph network that removes scanner noise from building meshes.\n"
    )
    answer = ground(block, "which of these completes partial room scans?")
    assert answer.evidence
    assert not any(e.text.startswith("Paper:") for e in answer.evidence)
