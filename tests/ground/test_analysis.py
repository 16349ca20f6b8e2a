"""Sentence analysis taken from the source's one-pass analysis equals analysing the sentence
alone; the in-process BM25 for sentences scores as bm25s does."""

from __future__ import annotations

import bm25s
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ground.relevance import analyse_source, bm25_scores, bm25_small
from bot.ground.tasks import cue_matcher, vocabulary
from bot.ground.text import (
    _ACRONYM_PLURAL,
    _CAMEL_WORD,
    _COMPOUND,
    _plurals,
    analyse,
    analysed,
    camel_words,
    compounds,
)
from bot.parse import parse_block
from bot.parse.sentences import split_sentences
from tests.conftest import seed_text
from tests.ground.helpers import EVAL_CASES, load_case

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _texts() -> list[str]:
    texts = [seed_text(p) for p in ("000", "001", "003")]
    texts += [load_case(name)[0] for name in EVAL_CASES]
    return texts


def test_every_sentence_analysis_matches_a_fresh_one() -> None:
    checked = 0
    for text in _texts():
        for source in parse_block(text, max_bytes=1_000_000).sources:
            doc = analyse_source(source)
            body = analysed(source.summary)
            cursor = 0
            for sentence in split_sentences(source.summary):
                at = source.summary.find(sentence, cursor)
                cursor = at + len(sentence)
                stems, terms = analyse(sentence)
                assert body.part(at, at + len(sentence))[1] == stems
                got_terms, tasks, cues = doc.sentence(at, at + len(sentence))
                assert got_terms == terms
                assert tasks == vocabulary().match(stems)
                assert cues == cue_matcher().match(stems)
                checked += 1
    assert checked > 300


@FAST
@given(st.text(alphabet="aAbBzZ19_- .é\n", max_size=80))
def test_camel_words_match_the_plain_pattern(text: str) -> None:
    fast = [(m.start(), m.group(0)) for m in camel_words(text)]
    assert fast == [(m.start(), m.group(0)) for m in _CAMEL_WORD.finditer(text)]


@FAST
@given(st.text(alphabet="abZ-- _1é²\n", max_size=40))
def test_compounds_match_the_plain_pattern(text: str) -> None:
    assert compounds(text) == [a.lower() + b.lower() for a, b in _COMPOUND.findall(text)]


def test_camel_word_after_a_line_ending_in_a_word_is_found() -> None:
    # A line end once let the search for the word's start stop short ("$" matches before a
    # final newline): a metafile's "mAP" at the start of a line went unsplit.
    text = "Dataset: nuScenes\n\nmAP: 34.33"
    assert [m.group(0) for m in camel_words(text)] == ["nuScenes", "mAP"]


@FAST
@given(
    st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=12), min_size=1, max_size=12),
    st.lists(st.sampled_from("abcdefghxy"), min_size=1, max_size=10),
)
def test_small_bm25_scores_like_bm25s(corpus: list[list[str]], query: list[str]) -> None:
    mine, theirs = bm25_small(corpus, query), bm25_scores(corpus, query)
    assert len(mine) == len(theirs)
    assert all(abs(a - float(b)) < 1e-4 * max(1.0, abs(a)) for a, b in zip(mine, theirs))


@FAST
@given(
    st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=12), min_size=1, max_size=12),
    st.lists(st.sampled_from("abcdefghxy"), min_size=1, max_size=10),
)
def test_source_ranking_index_of_query_words_only_scores_as_a_full_one(
    corpus: list[list[str]], query: list[str]
) -> None:
    full = bm25s.BM25()
    full.index([d if d else ["\x00empty"] for d in corpus], show_progress=False)
    known = [t for t in query if t in full.vocab_dict]
    expected = full.get_scores(known) if known else np.zeros(len(corpus))
    assert np.allclose(bm25_scores(corpus, query), expected, rtol=1e-6, atol=1e-7)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.sampled_from("abcdefghijkl"), max_size=30), min_size=65, max_size=140),
    st.lists(st.sampled_from("abcdefghxy"), min_size=1, max_size=12),
)
def test_long_block_bm25_is_bm25s_to_the_bit(corpus: list[list[str]], query: list[str]) -> None:
    # Above SMALL_CORPUS sources are scored in plain Python with bm25s's float32 arithmetic:
    # the scores (and so every ranking and relevance) must be bm25s's own, not just close.
    full = bm25s.BM25()
    full.index([d if d else ["\x00empty"] for d in corpus], show_progress=False)
    known = [t for t in query if t in full.vocab_dict]
    expected = [float(x) for x in full.get_scores(known)] if known else [0.0] * len(corpus)
    assert bm25_scores(corpus, query) == expected


@FAST
@given(st.text(alphabet="ABs 1_xé9L", max_size=40))
def test_acronym_plurals_match_the_plain_pattern(text: str) -> None:
    assert _plurals(text) == {m.group(0).lower() for m in _ACRONYM_PLURAL.finditer(text)}
