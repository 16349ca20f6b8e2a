"""Properties on generated and mutated blocks (hypothesis): parse_block raises nothing but
TooLarge; every URL it reports is in the text as the evaluation reads URLs; sentences are
exact substrings."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import TooLarge
from bot.ground.invariants import BlockText
from bot.parse import parse_block, split_message
from bot.parse.sentences import split_sentences
from bot.urls import find_urls, is_wrapped, normalize_url
from tests.conftest import eval_case, seed_text


def score_source_urls(text: str) -> set[str]:
    """A copy of shared/eval/score.py's `source_urls`: the URLs a grader accepts."""
    found = re.findall(r"https?://[^\s<>\"'`()\[\]]+", text)
    found += re.findall(
        r"(?<![/\w.])(?:www\.)?(?:github\.com|arxiv\.org|huggingface\.co|[\w-]+\.github\.io)/"
        r"[^\s<>\"'`()\[\]]+",
        text,
    )
    return {normalize_url(u) for u in found}


_FRAGMENTS = [
    "Model: ", "Paper: None\n", "GitHub: ", "Summary: ", "### Recommended AI Models:\n",
    "### Related Papers:\n", "A user has asked the following question:\n\"", "\"\n", "Answer:\n",
    "https://github.com/", "http://arxiv.org/pdf/2402.18546v3.pdf", "github.com/a/b",
    "hustvl/PD-Quant", "{here}", "\\url{", "}", "{", "[", "]", "(", ")", "](", "[[CODE]](", "<", ">",
    "x.github.io/", "www.", "huggingface.co/", ".", ",", ";", ":", "'", "\"", "/", "-", "\n", "\n\n",
    "- ", "1. ", "* ", "\u2022 ", "| ", " | ", "|---|---|\n", "@article{k,", "title={T},", "@misc{",
    "[{\"name\": \"n\", \"url\": \"", "\"}]", "- name: n\n  url: ", "models:\n", "\u00b7\n",
    "  \u2022 6 authors\n", "Dec 9\n", "Mar 10, 2025 1\n", "arXiv:2412.20601v14 citations",
    "Daily Papers\n", "AI Analysis\n", "e.g. ", "et al. ", "Fig. 3 ", "2.3B ", "v3.pdf ", "Word ",
    "words here ", "A sentence ends here. ", "Long abstract text that goes on and on. " * 6,
    "Title Of A Paper\n\n", "@everyone ", "<!channel> ", " ", "\t", "\r\n",
]

blocks = st.one_of(
    st.text(max_size=1500),
    st.lists(st.sampled_from(_FRAGMENTS), max_size=120).map("".join),
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)), max_size=80).map("".join),
)


@st.composite
def mutated_seeds(draw: st.DrawFn) -> str:
    text = seed_text(draw(st.sampled_from(["000", "001", "002", "003", "004"])))
    start = draw(st.integers(0, len(text)))
    text = text[start : start + draw(st.integers(0, 6000))]
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(_FRAGMENTS)) + text[at:]
    return text


def _check(text: str) -> None:
    try:
        block = parse_block(text)
    except TooLarge:
        raise AssertionError("small text reported as too large") from None
    allowed = score_source_urls(text)
    for url in block.links + [u for s in block.sources for u in s.urls]:
        assert normalize_url(url) in allowed or is_wrapped(url, text), url
    assert {u for s in block.sources for u in s.urls} <= set(block.links)
    ids = [s.id for s in block.sources]
    assert len(ids) == len(set(ids))
    for kind, prefix in (("model", "m"), ("paper", "p")):
        own = [s.id for s in block.sources if s.kind == kind]
        assert own == [f"{prefix}{i}" for i in range(1, len(own) + 1)]
    for piece in split_sentences(text):
        assert piece and piece in text
    question, rest = split_message(text)
    assert rest in text
    assert question is None or question in text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks)
def test_generated_blocks(text: str) -> None:
    _check(text)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seeds())
def test_mutated_seeds(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_find_urls_returns_only_text_urls(text: str) -> None:
    allowed = score_source_urls(text)
    for url in find_urls(text):
        assert normalize_url(url) in allowed or is_wrapped(url, text)


def test_real_blocks_keep_summaries_verbatim() -> None:
    texts = [seed_text(s) for s in ("000", "001", "002", "003", "004")]
    texts += [eval_case(f"{i:03d}")[0] for i in range(1, 13)]
    for text in texts:
        _check(text)
        grounded = BlockText(text)
        for source in parse_block(text).sources:
            for sentence in split_sentences(source.summary):
                assert grounded.evidence(sentence), (source.name, sentence)
