"""An overview names the phrase most of a listing's works share, as the names write it."""

from __future__ import annotations

from bot.ground.overview import shared_topic


def test_the_shared_phrase_is_the_collocation_not_its_commonest_word() -> None:
    names = [
        "Sparse Mesh Transformers for Shapes", "Mesh Transformers at Scale", "Pooling on Mesh Transformers",
        "Mesh Convolutions Revisited", "Attention for Mesh Denoising", "Mesh Transformers Without Attention",
    ]
    assert shared_topic(names) == ("Mesh Transformers", 4)


def test_a_common_word_may_finish_the_phrase() -> None:
    names = ["Why Kelp Forest Models Matter", "Kelp Forest Models at Scale", "Scaling Kelp Forest Model",
             "A Benchmark for Kelp Forest Models", "Unrelated Survey of Reefs"]
    topic, n = shared_topic(names)
    assert topic == "Kelp Forest Models" and n == 4


def test_no_topic_when_nothing_is_shared() -> None:
    assert shared_topic(["Alpha Nets", "Beta Trees", "Gamma Rays", "Delta Wings"]) == ("", 0)
