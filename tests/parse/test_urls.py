"""bot/urls.py: finding, cleaning, classifying URLs without ever building one."""

from __future__ import annotations

import pytest

from bot.urls import arxiv_id, clean_url, find_urls, link_kind, name_from_url, normalize_url


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("https://github.com/hustvl/PD-Quant.", "https://github.com/hustvl/PD-Quant"),
        ("https://github.com/XintianShen/GKNet{here}.", "https://github.com/XintianShen/GKNet"),
        ("\\url{https://aka.ms/trocr}.", "https://aka.ms/trocr"),
        ("<https://arxiv.org/abs/2003.12039>", "https://arxiv.org/abs/2003.12039"),
        ("https://github.com/naver-ai/relabel_imagenet}.", "https://github.com/naver-ai/relabel_imagenet"),
        ("https://github.com/bycnfz/weather2k/.", "https://github.com/bycnfz/weather2k/"),
        ("https://github.com/Sofianebouaziz1/WGAST.git.", "https://github.com/Sofianebouaziz1/WGAST.git"),
        ("https://example.com/a_(b)", "https://example.com/a_(b)"),
        ("https://example.com/a),", "https://example.com/a"),
        ("https://", ""),
    ],
)
def test_clean_url(raw: str, clean: str) -> None:
    assert clean_url(raw) == clean


def test_find_urls_strips_wrappers_and_dedupes_in_order() -> None:
    text = (
        "See [RAFT](https://github.com/princeton-vl/RAFT), <https://arxiv.org/abs/2003.12039> and "
        "http://github.com/princeton-vl/RAFT/ again; bare github.com/a/b, foo-bar.github.io/page "
        "and \\url{https://aka.ms/trocr}."
    )
    assert find_urls(text) == [
        "https://github.com/princeton-vl/RAFT",
        "https://arxiv.org/abs/2003.12039",
        "github.com/a/b",
        "foo-bar.github.io/page",
        "https://aka.ms/trocr",
    ]


def test_bare_host_needs_a_path_and_a_clean_start() -> None:
    assert find_urls("github.com/ and x.github.io/ and mygithub.com/a and a/github.com/b") == []


def test_wrapped_url_is_joined_only_when_the_next_line_continues_the_path() -> None:
    assert find_urls("code: https://github.com/hustvl/\nPD-Quant here") == [
        "https://github.com/hustvl/PD-Quant"
    ]
    assert find_urls("pdf https://arxiv.org/pdf/\n2412.20601v1.pdf ok") == [
        "https://arxiv.org/pdf/2412.20601v1.pdf"
    ]
    # A new sentence, a list number or a label on the next line is not a continuation.
    assert find_urls("at https://github.com/org/\nThe rest") == ["https://github.com/org/"]
    assert find_urls("- https://github.com/a/\n2. next") == ["https://github.com/a/"]
    assert find_urls("https://github.com/a/b\nSummary: x") == ["https://github.com/a/b"]
    # A space inside a URL is not a wrap: keep what was written, never guess the rest.
    assert find_urls("at https://github.com/JimengShi/ DL-Foundation-Models-Weather.") == [
        "https://github.com/JimengShi/"
    ]


def test_no_url_is_synthesised_from_an_arxiv_id() -> None:
    assert find_urls("arXiv:2412.20601v14 citationsh-index: 11") == []


def test_normalize_url_matches_the_evaluation() -> None:
    assert normalize_url("HTTPS://www.GitHub.com/x/y{here}.") == "github.com/x/y"
    assert normalize_url("http://arxiv.org/pdf/2402.18546v3.pdf") == "arxiv.org/pdf/2402.18546v3.pdf"
    assert normalize_url("https://step-law.github.io/") == "step-law.github.io"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/princeton-vl/RAFT", "github"),
        ("http://arxiv.org/pdf/2402.18546v3.pdf", "arxiv"),
        ("https://huggingface.co/qihoo360/RzenEmbed", "huggingface"),
        ("https://hkchengrex.github.io/XMem", "project"),
        ("https://vcai.mpi-inf.mpg.de/projects/NeuS2/", "project"),
        ("https://aka.ms/trocr", "other"),
        ("github.com/ghjuliasialelli/AGBD", "github"),
    ],
)
def test_link_kind(url: str, kind: str) -> None:
    assert link_kind(url) == kind


def test_names_and_ids_are_copied_from_the_url() -> None:
    assert name_from_url("https://github.com/Sofianebouaziz1/WGAST.git") == "Sofianebouaziz1/WGAST"
    assert name_from_url("http://arxiv.org/pdf/2402.18546v3.pdf") == "2402.18546v3"
    assert name_from_url("https://huggingface.co/nvidia/AceReason-Nemotron-1.1-7B") == (
        "nvidia/AceReason-Nemotron-1.1-7B"
    )
    assert arxiv_id("https://huggingface.co/papers/2308.12950") == "2308.12950"
    assert arxiv_id("https://github.com/a/b") == ""


def test_bare_url_offsets_in_a_long_page() -> None:
    from bot.parse._markup import links

    # A URL that is also the head of an earlier, longer one is placed where it stands alone.
    text = "code https://github.com/a/b/tree/dev then https://github.com/a/b here\n" + "".join(
        f"run {i}: https://example.org/r/{i}\n" for i in range(3000))
    found = links(text)
    assert len(found) == 3002
    assert all(text[k.start : k.end] == k.url for k in found)
    assert found[1].url == "https://github.com/a/b" and found[1].start > found[0].end
