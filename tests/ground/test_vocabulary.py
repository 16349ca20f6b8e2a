"""The task vocabulary: over-stemmed one-word synonyms, nested phrases, Hugging Face's
pipeline tags, and which labels may become an answer's task."""

from __future__ import annotations

import random

import pytest

from bot.ground.labels import salient
from bot.ground.relevance import analyse_source
from bot.ground.tasks import cue_matcher, over_stemmed, surface_keys, vocabulary, word_forms
from bot.ground.text import analysed, snowball_key, stems
from bot.models import Source
from tests.ground.helpers import answer

# Hugging Face's fixed pipeline taxonomy: the keys of PIPELINE_DATA in huggingface.js
# (packages/tasks/src/pipelines.ts), without "other". A model card's pipeline_tag is one.
PIPELINE_TAGS = (
    "biology", "text-classification", "token-classification", "table-question-answering",
    "question-answering", "zero-shot-classification", "translation", "summarization",
    "feature-extraction", "text-generation", "text2text-generation", "fill-mask",
    "sentence-similarity", "text-to-speech", "text-to-audio", "automatic-speech-recognition",
    "audio-to-audio", "audio-classification", "audio-text-to-text", "voice-activity-detection",
    "depth-estimation", "image-classification", "object-detection", "image-segmentation",
    "text-to-image", "image-to-text", "image-to-image", "image-to-video",
    "unconditional-image-generation", "video-classification", "reinforcement-learning", "robotics",
    "tabular-classification", "tabular-regression", "tabular-to-text", "table-to-text",
    "multiple-choice", "text-ranking", "text-retrieval", "time-series-forecasting",
    "text-to-video", "image-text-to-text", "visual-question-answering",
    "document-question-answering", "zero-shot-image-classification", "graph-ml", "mask-generation",
    "zero-shot-object-detection", "text-to-3d", "image-to-3d", "image-feature-extraction",
    "video-text-to-text", "keypoint-detection", "visual-document-retrieval", "any-to-any"
)


def tasks_in(text: str) -> set[str]:
    return set(vocabulary().match(stems(text)))


@pytest.mark.parametrize("tag", PIPELINE_TAGS)
def test_every_pipeline_tag_names_one_application_task(tag: str) -> None:
    seq = stems(tag)
    whole = [lab for a, b, lab in vocabulary().hits(seq) if (a, b) == (0, len(seq))]
    assert len(whole) == 1, (tag, vocabulary().hits(seq))
    assert vocabulary().info[whole[0]].domain, whole


def test_the_pipeline_tags_of_one_modality_land_in_its_groups() -> None:
    info = vocabulary().info

    def group(tag: str) -> str:
        seq = stems(tag)
        return next(info[lab].group for a, b, lab in vocabulary().hits(seq) if (a, b) == (0, len(seq)))

    assert group("token-classification") == group("translation") == "natural language processing"
    assert group("voice-activity-detection") == group("automatic-speech-recognition") == "speech"
    assert group("image-segmentation") == group("mask-generation") == "segmentation"
    assert group("graph-ml") == "graph learning"


@pytest.mark.parametrize(("text", "label"), [
    ("every sentence is cut into tokens and each token gets a tag", "tokenization"),
    ("the optimal set of analyzers, optimized for recall", "optimization"),
    ("in general the model works; it is generally fast", "domain generalization"),
    ("we explain each prediction and fair comparisons follow", "interpretability"),
    ("we recommend a learning rate of 1e-4", "recommender systems"),
    ("patients who survive the first year", "survival prediction"),
])
def test_a_common_word_sharing_an_over_stemmed_synonyms_stem_names_no_task(
    text: str, label: str
) -> None:
    assert label not in tasks_in(text)


@pytest.mark.parametrize(("text", "label"), [
    ("a byte-level BPE tokenizer", "tokenization"),
    ("Tokenizers for code", "tokenization"),
    ("subword tokenization of rare words", "tokenization"),
    ("second-order optimization of deep networks", "optimization"),
    ("generalizable dehazing", "domain generalization"),
    ("out-of-distribution generalization", "domain generalization"),
    ("explainable models and interpretability", "interpretability"),
    ("session-based recommendation", "recommender systems"),
    ("river floods", "flood forecasting"),  # an inflection keeps its plain stem
])
def test_an_over_stemmed_synonym_still_matches_its_listed_forms(text: str, label: str) -> None:
    assert label in tasks_in(text)


def test_a_question_word_and_a_source_word_of_one_family_meet() -> None:
    # The same keys serve ranking: "tokenizer" in a question meets "tokenization" in a source.
    assert stems("tokenizer")[0] == stems("tokenization")[0] == stems("Tokenizers")[0]
    assert stems("tokenizer")[0] != stems("tokens")[0]
    a = analysed("A fast tokenizer. Tokens are cheap.")
    assert a.stems == stems(a.text)


def test_two_tasks_whose_words_cut_to_one_key_stay_apart() -> None:
    assert snowball_key("electrocardiogram") == snowball_key("electroencephalography")
    assert tasks_in("an electrocardiogram dataset") == {"ECG analysis"}
    assert tasks_in("electroencephalography recordings") == {"EEG decoding"}


def test_over_stemmed_needs_a_derived_key_and_a_more_common_other_word() -> None:
    freq = {"token": 3.8, "tokens": 3.5, "tokenizer": 1.0, "flood": 4.3, "flooding": 3.8,
            "genome": 3.6, "genomic": 3.1}
    families = {
        ("tokenization", "token"): ["tokenizer"],
        ("flood forecasting", "flood"): ["flooding"],  # only an -ing cut off
        ("genomics", "genom"): ["genome"],  # the listed word is the commoner one
        ("ECG", "electro"): ["electrocardiogram"],  # another task's words share the key
        ("EEG", "electro"): ["electroencephalography"],
    }
    found = over_stemmed(families, lambda w: freq.get(w, 0.0))
    assert found[("tokenization", "token")] == {"tokenizer", "tokenizers"}
    assert ("flood forecasting", "flood") not in found and ("genomics", "genom") not in found
    assert ("ECG", "electro") in found and ("EEG", "electro") in found


def test_word_forms_are_the_word_and_its_plural() -> None:
    assert word_forms("tokenizer") == {"tokenizer", "tokenizers"}
    assert word_forms("factuality") == {"factuality", "factualities"}
    assert word_forms("robots") == {"robots", "robot"}
    assert word_forms("fairness") == {"fairness", "fairnesses"}


def test_every_surface_key_belongs_to_one_vocabulary_word_family() -> None:
    keys = surface_keys()
    assert keys, "the vocabulary has over-stemmed words"
    assert all(k.endswith("~") for k in keys.values())
    # A common word never gets a surface key of its own.
    assert not {"token", "tokens", "general", "optimal", "fair", "explain"} & set(keys)


@pytest.mark.parametrize(("text", "inside", "outer"), [
    ("Direct Preference Optimization for chat models", "optimization", "alignment and rlhf"),
    ("proximal policy optimization", "optimization", "reinforcement learning"),
    ("a video super-resolution network", "image super-resolution", "video super-resolution"),
    ("fast graph representation learning", "representation learning", "geometric deep learning"),
])
def test_a_phrase_inside_a_longer_phrase_of_another_task_is_no_hit(
    text: str, inside: str, outer: str
) -> None:
    found = tasks_in(text)
    assert outer in found and inside not in found


def test_a_repeated_phrase_still_counts_each_time() -> None:
    assert vocabulary().match(stems("object detection. object detection and object detection"))[
        "object detection"] == 3


def _doc(name: str, summary: str) -> Source:
    return Source(id="p1", kind="paper", name=name, summary=summary)


def test_a_method_named_once_in_passing_makes_no_source_about_it() -> None:
    doc = analyse_source(_doc(
        "Counting birds in drone footage",
        "We count birds in aerial videos. Training uses a standard tokenizer for the captions."))
    assert "tokenization" in doc.tasks and "tokenization" not in salient(doc)


def test_an_application_named_once_still_counts_when_nothing_stands_out() -> None:
    doc = analyse_source(_doc("Notes", "A small network for object detection on phones."))
    assert "object detection" in salient(doc)


def test_a_method_a_title_names_is_what_the_source_is_about() -> None:
    doc = analyse_source(_doc("A faster tokenizer for code", "It splits source files quickly."))
    assert "tokenization" in salient(doc)


CARD = """\
---
language: en
license: apache-2.0
pipeline_tag: token-classification
---

# chem-tagger-small

This model marks chemical compound names in patent claims. The tokenizer splits each word
into sub-word tokens and the label of a word is the label of its first token.

## Framework versions

- Transformers 4.40
- Tokenizers 0.19
"""


def test_a_token_classification_card_is_not_labelled_tokenization() -> None:
    _block, ans = answer(CARD, "What does chem-tagger-small mark in patent text?")
    assert ans.task.labels and ans.task.labels[0] == "token classification"
    assert "tokenization" not in ans.task.labels


def test_a_model_card_recommendations_section_names_no_task() -> None:
    assert "recommender systems" not in tasks_in(
        "Recommendations. Users should be made aware of the risks and limitations.")
    assert "recommender systems" in tasks_in("a sequential recommendation model for shops")


ADAPTER_CARD = """\
---
library_name: peft
tags:
- lora
- peft
pipeline_tag: text-generation
---

# shop-assistant-lora

A LoRA adapter that makes a small chat model write product descriptions for an online shop.
"""


def test_a_method_a_card_declares_is_a_setting_after_its_task() -> None:
    _block, ans = answer(ADAPTER_CARD, "What does shop-assistant-lora write?")
    labels = ans.task.labels
    assert "parameter-efficient fine-tuning" in labels
    assert vocabulary().info[labels[0]].domain, labels


def test_a_versioned_acronym_is_the_acronym() -> None:
    assert tasks_in("YOLOv7-W6 weights") == {"object detection"}
    assert "dino" in stems("DINOv2")


def test_a_phrase_inside_a_longer_phrase_of_the_same_task_counts_once() -> None:
    assert vocabulary().match(stems("Faster R-CNN"))["object detection"] == 1


TABLE = """\
| Method | Backbone | mAP |
|---|---|---|
| [Faster R-CNN](https://arxiv.org/abs/1506.01497) | VGG-16 | 73.2 |
| [RetinaNet](https://arxiv.org/abs/1708.02002) | ResNet-101 | 39.1 |
| [CenterNet-XL](https://arxiv.org/abs/1904.08189) | Hourglass-104 | 47.0 |
| [Mask R-CNN](https://arxiv.org/abs/1703.06870) | ResNet-101 | 39.8 |
"""


def test_a_table_of_bare_model_names_takes_the_task_most_rows_name() -> None:
    _block, ans = answer(TABLE, "Which row of CenterNet-XL has the highest mAP?")
    assert ans.task.labels[:1] == ["object detection"], ans.task.labels


def test_an_embedding_of_anything_is_no_text_embedding_task() -> None:
    assert "text embeddings" not in tasks_in("position embeddings and a patch embedding layer")
    assert "text embeddings" in tasks_in("multilingual sentence embeddings")


def _longest_at_each_position(
    phrases: dict[tuple[str, ...], str], seq: list[str]
) -> list[tuple[int, int, str]]:
    """`PhraseMatcher.hits` by its definition: at each position the longest listed phrase,
    dropped when it lies wholly inside the previous hit."""
    longest = max(map(len, phrases))
    found: list[tuple[int, int, str]] = []
    cover = 0
    for i in range(len(seq)):
        for k in range(min(longest, len(seq) - i), 0, -1):
            label = phrases.get(tuple(seq[i : i + k]))
            if label is not None:
                if i + k > cover:
                    cover = i + k
                    found.append((i, i + k, label))
                break
    return found


@pytest.mark.parametrize("matcher", ["tasks", "cues"])
def test_phrase_hits_are_the_longest_phrase_at_each_position(matcher: str) -> None:
    m = vocabulary().matcher if matcher == "tasks" else cue_matcher()
    phrases = {key: label for entries in m._index.values() for key, label in entries}
    keys = sorted(phrases)
    words = sorted({w for key in keys for w in key})
    rng = random.Random(8)
    for _ in range(3000):
        seq: list[str] = []
        while len(seq) < 24:  # phrases, cut phrases and loose words run together
            seq += list(rng.choice(keys)[: rng.randint(1, 3)]) if rng.random() < 0.6 else [
                rng.choice(words)]
        assert m.hits(seq) == _longest_at_each_position(phrases, seq)
