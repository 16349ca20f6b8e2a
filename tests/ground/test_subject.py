"""The summary names the question's own rare terms when a chosen source uses them too."""

from __future__ import annotations

from bot.ground.relevance import analyse_source
from bot.ground.subject import subject_terms
from bot.models import Source
from tests.ground.helpers import answer


def _doc(name: str, summary: str, **meta: str) -> Source:
    return Source(id="p1", kind="paper", name=name, summary=summary, meta=meta)


def test_rare_question_terms_the_source_shares_are_named_in_its_spelling() -> None:
    doc = analyse_source(_doc("Pillar encoders", "Fast 3D detection from LiDAR sweeps on Waymo."))
    terms = subject_terms("Which pillar net works on lidar sweeps from Waymo for my thesis?", [doc])
    assert "lidar sweeps" in terms and "Waymo" in terms
    assert "thesis" not in terms  # the question's word only, never the source's


def test_common_words_units_and_said_words_are_not_named() -> None:
    doc = analyse_source(_doc("Tiny speech model", "Runs in 2 GB of memory; a fast table of results.",
                              dataset="LibriSpeech"))
    terms = subject_terms("A fast model under 2 GB trained on LibriSpeech? a table please",
                          [doc], said=["a tiny speech model"])
    assert terms == ["LibriSpeech"]  # a field counts; "GB" is a unit, "table"/"fast" too common
    assert subject_terms("anything on LibriSpeech?", []) == []


def test_a_benchmark_named_by_common_words_is_named_as_a_phrase() -> None:
    doc = analyse_source(_doc("Reasoning chains", "We evaluate on science question answering."))
    assert subject_terms("good at science question answering?", [doc]) == [
        "science question answering"]
    assert subject_terms("good at science?", [doc]) == []


def test_summary_sentence_carries_the_terms() -> None:
    text = ("## Papers\n\n"
            "* [Pillar encoders](https://arxiv.org/abs/2101.00001) - fast 3D detection from LiDAR "
            "sweeps on Waymo.\n"
            "* [Sky colours](https://arxiv.org/abs/2101.00002) - why the sky looks blue at noon.\n"
            "* [Deep nets for leaves](https://arxiv.org/abs/2101.00003) - leaf classification.\n")
    _, ans = answer(text, "Which of these handle lidar input, like Waymo?")
    assert "own terms it concerns lidar and Waymo." in ans.task.summary


def test_in_a_listing_an_entry_named_for_the_subject_outranks_a_passing_mention() -> None:
    fillers = [f"* [Leaf study {i}](https://arxiv.org/abs/2102.0000{i}) - leaf shapes in forests.\n"
               for i in range(1, 9)]
    text = ("## Papers\n\n"
            "* [Forest notes](https://arxiv.org/abs/2103.00001) - hyperspectral unmixing, "
            "hyperspectral unmixing and hyperspectral unmixing, named in passing.\n"
            "* [Hyperspectral unmixing with sparse priors](https://arxiv.org/abs/2103.00002) - "
            "a method that separates each pixel's measured spectra into pure materials and their "
            "abundances, with a sparse prior learned from a spectral library over many scenes.\n" + "".join(fillers))
    _, ans = answer(text, "which of these are about hyperspectral unmixing?")
    ranked = sorted(ans.sources, key=lambda s: -s.relevance)
    assert ranked[0].name.startswith("Hyperspectral unmixing")


def test_each_alternative_of_an_or_question_lets_its_named_entry_rank_high() -> None:
    from bot.ground.relevance import _subjects, analyse_source, title_share

    doc = analyse_source(_doc("Sparse spectral unmixing", "A method."))
    whole = title_share(doc, [{k: v for s in _subjects("lidar odometry or spectral unmixing")
                               for k, v in s.items()}])
    assert title_share(doc, _subjects("lidar odometry or spectral unmixing")) == 1.0 > whole


def test_a_cards_declared_input_and_output_types_are_the_answers_input_and_output() -> None:
    card = """# Plume

## Overview

Plume is an encoder over DNA reads that returns one vector per read.

### Input

**Input Type(s):** Text (DNA reads)

### Output

**Output Type(s):** Embeddings (per read)
"""
    block, ans = answer(card, "What does Plume take, and what does it return?")
    assert block.sources[0].meta["input type(s)"] == "Text (DNA reads)"
    assert (ans.task.input, ans.task.output) == ("Text (DNA reads)", "Embeddings (per read)")


def test_a_past_participle_alone_is_no_subject_term() -> None:
    doc = analyse_source(_doc("Glacier tracker", "The tracker adapted to new glaciers; forecasting melt."))
    terms = subject_terms("It adapted well. How does its forecasting hold up?", [doc])
    assert "adapted" not in terms and "forecasting" in terms
