"""Asking for code or weights: a facet of the sources, answered from their links."""

from __future__ import annotations

from bot.ground.engine import ground
from bot.ground.relevance import analyse_question
from bot.ground.text import stems, words
from bot.parse import parse_block

LISTING = """\
## Papers

- **Mesh Smoothing Networks for Noisy Scans** — denoises 3D scans of buildings with a graph
  network. [[paper](https://arxiv.org/abs/2301.00011)] [[code](https://github.com/example/meshsmooth)]
- **Point Cloud Denoising by Score Matching** — removes scanner noise from point clouds.
  [[paper](https://arxiv.org/abs/2301.00012)]
- **Neural Code Search at Scale** — retrieves code snippets for natural-language queries.
  [[paper](https://arxiv.org/abs/2301.00013)]
- **Learned Tokenizers for Genomes** — byte-pair encodings for DNA sequences.
  [[paper](https://arxiv.org/abs/2301.00014)]
- **Sparse Voxel Completion** — completes partial scans of rooms. [[paper](https://arxiv.org/abs/2301.00015)]
- **Graph Signal Denoising on Meshes** — spectral filters for noisy meshes.
  [[paper](https://arxiv.org/abs/2301.00016)] [[code](https://github.com/example/gsd)]
- **Audio Inpainting with Diffusion** — fills gaps in music recordings.
  [[paper](https://arxiv.org/abs/2301.00017)]
- **Tabular Anomaly Scores** — outlier detection for spreadsheets. [[paper](https://arxiv.org/abs/2301.00018)]
- **Robust Mesh Denoising with Normals** — filters face normals. [[paper](https://arxiv.org/abs/2301.00019)]
"""

PAPERS_ONLY = "\n".join(
    line for line in LISTING.splitlines() if "github.com" not in line
)


def _top(answer, n: int = 3) -> list[str]:  # type: ignore[no-untyped-def]
    ranked = sorted(answer.sources, key=lambda s: -(s.relevance or 0))
    return [s.name for s in ranked[:n]]


def test_code_words_do_not_rank_a_paper_about_code_first() -> None:
    answer = ground(parse_block(LISTING), "which mesh denoising papers have code on GitHub?")
    top = _top(answer)
    assert "Neural Code Search at Scale" not in top
    assert top[0] in ("Graph Signal Denoising on Meshes", "Mesh Smoothing Networks for Noisy Scans")


def test_the_answer_says_which_chosen_sources_link_code() -> None:
    answer = ground(parse_block(LISTING), "which mesh denoising papers have code on GitHub?")
    assert "Code or weights are linked for" in answer.task.summary
    assert not any("do not address" in c for c in answer.caveats)


def test_no_code_links_is_one_plain_caveat_not_a_refusal() -> None:
    answer = ground(parse_block(PAPERS_ONLY), "which mesh denoising papers released code?")
    assert answer.covered
    assert any("links code or weights" in c for c in answer.caveats)
    assert not any("do not address" in c for c in answer.caveats)


def test_acronym_plurals_are_the_acronym() -> None:
    assert words("LLMs and GPUs")[::2] == ["llm", "gpu"]
    assert stems("two CNNs") == stems("two CNN")


def test_a_longer_task_phrase_in_the_question_is_one_task() -> None:
    assert set(analyse_question("any video super-resolution methods?").tasks) == {
        "video super-resolution"}



def test_an_ask_that_picks_by_code_ranks_the_on_topic_sources_with_code_first() -> None:
    block = parse_block(LISTING)
    # One ask, choosing by the link: the denoisers with code lead, whatever their wording.
    ranked = sorted(ground(block, "Which of the denoising methods here link code?").sources,
                    key=lambda s: -(s.relevance or 0))
    assert {s.name for s in ranked[:2]} == {"Mesh Smoothing Networks for Noisy Scans",
                                            "Graph Signal Denoising on Meshes"}
    assert analyse_question("Which of the denoising methods here link code?").picks_by_artefact
    # Code as a second ask only breaks ties: the topic decides.
    assert not analyse_question("Which ones denoise meshes, and is code out?").picks_by_artefact
