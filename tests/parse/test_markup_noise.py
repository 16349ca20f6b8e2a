"""Markup noise (badges, <br>, emphasis, nested bullets, tables with empty cells) never
reaches a source's name, and every URL an entry wrote stays attached to it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.parse import parse_block
from bot.urls import normalize_url
from tests.parse.test_real_corpus import clean_name

_WORDS = st.lists(
    st.sampled_from(["Graph", "Vision", "Transformer", "Diffusion", "Model", "for", "Learning",
                     "Robust", "Depth", "of", "Speech", "3D", "Agents", "via", "Sparse"]),
    min_size=2, max_size=7,
).map(" ".join)
_NOISE = st.sampled_from([
    "", " ![Stars](https://img.shields.io/github/stars/o/r?style=social)", " <br>", " <br />",
    " :fire:", " \U0001f525", " <sup>1</sup>", " &amp;", " [![CI](https://github.com/o/r/actions/workflows/ci.yml/badge.svg)](https://github.com/o/r/actions)",
])


@st.composite
def _entry(draw: st.DrawFn, i: int) -> tuple[str, str, list[str]]:
    title = "Study " + draw(_WORDS) + f" {i}"
    paper = f"https://arxiv.org/abs/2401.{i:05d}"
    code = f"https://github.com/lab{i}/repo{i}"
    style = draw(st.sampled_from(["**", "", "*"]))
    noise = draw(_NOISE)
    return title, f"[{style}{title}{style}]({paper}){noise}", [paper, code]


@st.composite
def _block(draw: st.DrawFn) -> tuple[str, dict[str, list[str]]]:
    n = draw(st.integers(2, 6))
    entries = [draw(_entry(i)) for i in range(1, n + 1)]
    layout = draw(st.sampled_from(["bullets", "table"]))
    lines: list[str] = ["# A reading list", ""]
    if layout == "table":
        lines += ["| Title | Code | Venue |", "|---|---|---|"]
        for _title, lead, (_paper, code) in entries:
            empty = draw(st.booleans())
            lines.append(f"| {lead} <br> | [code]({code}) | {'' if empty else 'CVPR 2024'} |")
    else:
        for _title, lead, (_paper, code) in entries:
            lines.append(f"- {lead}")
            lines.append(f"  - [[code]]({code})")
    expected = {title: urls for title, _lead, urls in entries}
    return "\n".join(lines) + "\n", expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_block())
def test_noise_keeps_names_clean_and_urls_attached(case: tuple[str, dict[str, list[str]]]) -> None:
    text, expected = case
    block = parse_block(text)
    by_name = {s.name: s for s in block.sources}
    assert all(clean_name(s.name) for s in block.sources), [s.name for s in block.sources]
    for title, urls in expected.items():
        assert title in by_name, (title, list(by_name))
        have = {normalize_url(u) for u in by_name[title].urls}
        assert {normalize_url(u) for u in urls} <= have
    for source in block.sources:
        assert not any("shields.io" in u or "badge.svg" in u for u in source.urls)


def test_a_link_text_of_a_name_and_a_kind_word_names_the_work() -> None:
    from bot.parse._markup import work_name

    assert work_name("the detectron2 library") == "detectron2"
    assert work_name("MMSegmentation codebase") == "MMSegmentation"
    assert work_name("our repo") == ""
    assert work_name("code repository") == ""
    assert work_name("Segment Anything") == "Segment Anything"


def test_a_model_card_names_the_library_its_prose_links_as_a_kind_word() -> None:
    from bot.parse import parse_block

    card = (
        "---\nlibrary_name: toolkitx\n---\n\n# PPO Agent playing CartPole\n"
        "A trained agent made with the [fastrl library](https://github.com/example/fastrl).\n"
    )
    names = {s.name: s.urls for s in parse_block(card).sources}
    assert names.get("fastrl") == ["https://github.com/example/fastrl"]


def test_brackets_left_empty_by_icon_links_leave_the_name() -> None:
    from bot.parse import parse_block

    block = parse_block(
        "| Name | Task |\n|---|---|\n"
        "| heron-small <br> ( [⭐](https://example.org/heron) [🤗](https://huggingface.co/x/heron) ) | asr |\n"
        "| heron-large <br> ( [⭐](https://example.org/heron-l) [🤗]() ) | asr |\n")
    assert [s.name for s in block.sources] == ["heron-small", "heron-large"]
    assert "https://huggingface.co/x/heron" in block.sources[0].urls


def test_a_parenthetical_emptied_of_its_links_leaves_no_trace_in_a_name() -> None:
    from bot.parse import parse_block

    def row(n: int, title: str) -> str:
        return (f"| {title} (Read more on [arXiv](https://arxiv.org/abs/2412.0000{n}) or "
                f"[HuggingFace](https://huggingface.co/papers/2412.0000{n})) | A. Author | "
                f"A study of {title.lower()}. |")

    text = "## Papers\n\n| Title | Authors | Summary |\n|---|---|---|\n" + "\n".join(
        row(n, t) for n, t in enumerate(["Tiny Views", "Wide Views", "Long Views"], 1)) + "\n"
    names = [s.name for s in parse_block(text).sources]
    assert names == ["Tiny Views", "Wide Views", "Long Views"], names
