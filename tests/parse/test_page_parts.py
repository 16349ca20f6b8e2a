"""A page's parts ("Abstract", "Method", "摘要") are text of the work above them, not works;
Chinese link words and full-width stops are read like their English counterparts."""

from __future__ import annotations

from bot.parse import parse_block
from bot.parse.sentences import split_sentences
from bot.urls import find_urls

_PAPER = """\
# GlyphNet: Reading Rare Scripts with Few Labels

Ana Ortiz, Wei Chen

[PDF](https://arxiv.org/pdf/2601.00001) · [Project page](https://glyphnet.github.io/)

## Abstract

Rare scripts have few labelled pages. We propose GlyphNet, which adapts a pretrained reader with
sparse low-rank updates. Code: https://github.com/example/glyphnet.

## Method

The adapter sits after every attention block.
"""


def test_abstract_section_is_the_paper_s_text_not_a_work() -> None:
    block = parse_block(_PAPER)
    assert [s.name for s in block.sources] == ["GlyphNet: Reading Rare Scripts with Few Labels"]
    paper = block.sources[0]
    assert "https://github.com/example/glyphnet" in paper.urls
    assert "https://arxiv.org/pdf/2601.00001" in paper.urls
    assert "sparse low-rank updates" in paper.summary


def test_a_listing_s_works_stay_works_beside_a_summary_section() -> None:
    text = (
        "## Summary\n\nTwo detectors worth a look.\n\n"
        "- [FastDet](https://github.com/a/fastdet): a fast detector\n"
        "- [SlowDet](https://github.com/b/slowdet): a slow one\n"
        "- [MidDet](https://github.com/c/middet): in between\n"
    )
    names = [s.name for s in parse_block(text).sources]
    assert names == ["FastDet", "SlowDet", "MidDet"]


_ZH_PAGE = """\
<html><body><main>
<h1>字形网：少样本稀有文字识别</h1>
<div class="en-title">GlyphNet: Reading Rare Scripts with Few Labels</div>
<p>Ana Ortiz, Wei Chen</p>
<p><a href="https://arxiv.org/pdf/2601.00001">PDF 原文</a>
<a href="https://huggingface.co/papers/2601.00001">HF 頁面</a></p>
<h2>摘要</h2>
<p>稀有文字的标注很少。我们提出字形网。代码：https://github.com/example/glyphnet。</p>
<h2>许可协议</h2>
<p>模型以 <a href="https://github.com/example/glyphnet/blob/main/LICENSE">许可</a> 发布。</p>
</main></body></html>
"""


def test_chinese_page_parts_and_link_words() -> None:
    block = parse_block(_ZH_PAGE)
    assert [s.name for s in block.sources] == ["GlyphNet: Reading Rare Scripts with Few Labels"]
    urls = block.sources[0].urls
    assert "https://arxiv.org/pdf/2601.00001" in urls
    assert "https://huggingface.co/papers/2601.00001" in urls
    # The only spelling of the code URL runs into "。": kept as the block writes it.
    assert "https://github.com/example/glyphnet。" in urls


def test_full_width_stop_is_dropped_when_the_block_also_writes_the_url_plainly() -> None:
    text = "代码：https://github.com/example/glyphnet。 Code: https://github.com/example/glyphnet."
    assert find_urls(text) == ["https://github.com/example/glyphnet"]


def test_full_width_stops_end_sentences() -> None:
    text = "稀有文字的标注很少。我们提出字形网！它有效吗？ Yes. It works"
    assert split_sentences(text) == ["稀有文字的标注很少。", "我们提出字形网！", "它有效吗？", "Yes.", "It works"]


def test_rows_of_one_model_table_share_a_kind() -> None:
    text = (
        "| Model | Hub | Params |\n|---|---|---|\n"
        "| tiny-asr | [hub](https://huggingface.co/org/tiny-asr) | 20M |\n"
        "| big-asr | [hub](https://modelhub.example.cn/models/big-asr) | 200M |\n"
    )
    block = parse_block(text)
    assert [(s.name, s.kind) for s in block.sources] == [("tiny-asr", "model"), ("big-asr", "model")]


def _digest(n: int) -> str:
    """A digest whose every paper has the same numbered, labelled parts, its link last."""
    out = ["# Daily notes\n"]
    for i in range(n):
        out.append(
            f"## Paper number {i}: a method for task {i}\n\n"
            f"### 1. Main work\n\nWe study problem {i}.\n\n"
            f"### 2. Key points{'' if i % 2 else ' of the work'}\n\n- point a\n- point b\n\n"
            f"**Scores:**\n\n- usefulness: 4/5\n\n"
            f"[view on the hub](https://huggingface.co/papers/2501.0000{i})\n"
        )
    return "\n".join(out)


def test_parts_a_template_repeats_are_read_into_each_entry() -> None:
    block = parse_block(_digest(4))
    assert [s.name for s in block.sources] == [f"Paper number {i}: a method for task {i}" for i in range(4)]
    assert [s.urls for s in block.sources] == [[f"https://huggingface.co/papers/2501.0000{i}"] for i in range(4)]
    assert "We study problem 2." in block.sources[2].summary


def test_a_json_listing_cut_mid_record_keeps_its_whole_records() -> None:
    records = ",\n".join(
        f'  {{"title": "Work {i} on video tokens", "url": "https://arxiv.org/abs/2603.1000{i}"}}'
        for i in range(3))
    text = "[\n" + records + ',\n  {"title": "Work 3 on vid'
    block = parse_block(text)
    assert block.format == "json"
    assert [s.name for s in block.sources] == [f"Work {i} on video tokens" for i in range(3)]


def test_browser_tab_titles_and_author_links_do_not_name_works() -> None:
    text = (
        "# Sparse Mixers for Molecules\n\n"
        "> Arxiv: [[2203.17003\\] Sparse Mixers for Molecules (arxiv.org)](https://arxiv.org/abs/2203.17003)\n"
        "> Author: [Ada Lovelace](https://arxiv.org/search/cs?searchtype=author&query=Lovelace,+A),"
        " [Alan Turing](https://arxiv.org/a/turing_a_1)\n\n"
        "We mix sparse experts over atoms.\n"
    )
    block = parse_block(text)
    assert [(s.name, s.urls) for s in block.sources] == [
        ("Sparse Mixers for Molecules", ["https://arxiv.org/abs/2203.17003"])]


def test_a_readme_s_own_files_venue_and_paper_badge_belong_to_its_subject() -> None:
    text = (
        "# A Survey of Road Scene Datasets\n"
        '<a href="https://arxiv.org/abs/2401.00001"><img src="https://img.shields.io/badge/arXiv-1-red.svg"/></a>\n'
        '<a href="https://github.com/someone/road-datasets/stargazers">'
        '<img src="https://img.shields.io/github/stars/someone/road-datasets"/></a>\n\n'
        "We collect road scene datasets.\n\n"
        "## News\n- [1.May.2024] Accepted by [IEEE Transactions on Intelligent Vehicles]"
        "(https://ieeexplore.ieee.org/document/1)\n\n"
        "## Tables\nMore tables are in the [supplementary material]"
        "(https://github.com/someone/road-datasets/blob/main/Supp.pdf).\n\n"
        "## Statistics\nWe provide [codes](https://github.com/someone/road-datasets/tree/main/stats).\n"
    )
    block = parse_block(text)
    assert [s.name for s in block.sources] == ["A Survey of Road Scene Datasets"]
    urls = block.sources[0].urls
    assert urls[0] == "https://arxiv.org/abs/2401.00001"  # the paper badge's link
    assert "https://ieeexplore.ieee.org/document/1" in urls
    assert not any("stargazers" in u for u in urls)
    assert block.sources[0].kind == "paper"


def test_numbered_paper_headings_with_field_lines_are_the_papers() -> None:
    text = (
        "# Digest\n\n## Notes\n\nThe search covered many topics.\n\n## Today\n\n"
        "### 1. Sparse Routing for Tables\n\n- arXiv: [2603.00001v1](https://arxiv.org/abs/2603.00001v1)\n"
        "- Authors: A. Person\n\nWe route rows sparsely.\n\n"
        "### 2. Dense Routing for Graphs\n\n- arXiv: [2603.00002v1](https://arxiv.org/abs/2603.00002v1)\n"
        "- Authors: B. Person\n\nWe route nodes densely.\n"
    )
    block = parse_block(text)
    assert [(s.name, s.urls) for s in block.sources] == [
        ("Sparse Routing for Tables", ["https://arxiv.org/abs/2603.00001v1"]),
        ("Dense Routing for Graphs", ["https://arxiv.org/abs/2603.00002v1"]),
    ]


def test_citation_lines_name_the_work_and_keep_the_venue() -> None:
    text = (
        "#### Spectral methods\n"
        "1. Rethinking Mesh Transformers with Spectral Bias. NeurIPS 2021. [[paper]](https://arxiv.org/abs/2106.00001)\n"
        "1. Do Meshes Really Need Attention? ICLR 2023. [[paper]](https://openreview.net/forum?id=abc)\n"
        "1. A Study of Mesh Pooling. AAAI workshop 2021. [[paper]](https://arxiv.org/pdf/2012.00002)\n"
    )
    block = parse_block(text)
    assert [s.name for s in block.sources] == [
        "Rethinking Mesh Transformers with Spectral Bias", "Do Meshes Really Need Attention?",
        "A Study of Mesh Pooling"]
    assert block.sources[1].meta["venue"] == "ICLR 2023"


def test_a_column_of_venues_does_not_name_the_rows() -> None:
    text = (
        "| Publication | Model | Recall@20 |\n|---|---|---|\n"
        "| WWW'2019 | [EaseR](https://github.com/a/easer) | 0.071 |\n"
        "| ICDM'2011 | [Slim](https://github.com/b/slim) | 0.075 |\n"
        "| SIGIR'2020 | [LightNet](https://github.com/c/lightnet) | 0.041 |\n"
    )
    assert [s.name for s in parse_block(text).sources] == ["EaseR", "Slim", "LightNet"]


def test_a_linked_title_followed_by_its_authors_names_the_row() -> None:
    text = (
        "| 论文 | 会议 | 摘要 |\n|---|---|---|\n"
        "| [Reef Nets: Counting Corals from Above](https://arxiv.org/abs/2607.00001) - Ana Ortiz et al. "
        "| ACM MM 2026 | 提出一种珊瑚计数方法 |\n"
        "| [Kelp Maps at Scale](https://arxiv.org/abs/2607.00002) - Wei Chen et al. | ACL 2026 | 提出一种海藻地图 |\n"
    )
    assert [s.name for s in parse_block(text).sources] == [
        "Reef Nets: Counting Corals from Above", "Kelp Maps at Scale"]


def test_a_citation_page_is_the_works_it_cites_with_their_item_links() -> None:
    items = []
    for i, name in enumerate(["Reefnet", "Kelpformer", "Tidegrid"]):
        items.append(f"- [{name}](https://github.com/example/{name.lower()})\n```\n@misc{{k{i},\n"
                     f"  title={{{name}: a study number {i}}},\n  year={{2021}},\n}}\n```\n")
    text = "# Citation\n\nThanks to the authors for their works.\n\n" + "\n".join(items)
    block = parse_block(text)
    assert [s.name for s in block.sources] == [
        "Reefnet: a study number 0", "Kelpformer: a study number 1", "Tidegrid: a study number 2"]
    assert block.sources[1].urls == ["https://github.com/example/kelpformer"]


def test_a_paragraph_that_opens_with_a_work_gives_it_the_code_links_after_it() -> None:
    from bot.parse import parse_block

    text = """## Estimators

[Fast Estimators for Counterfactual Ranking](https://arxiv.org/pdf/2001.00001.pdf), [code](https://github.com/example/fast-est)

[Bounded Variance Importance Weights](https://arxiv.org/pdf/2002.00002.pdf), ICML 2021.

[A Benchmark of Offline Evaluation](https://arxiv.org/pdf/2003.00003.pdf), [[code]](https://github.com/example/ope-bench), a suite of tasks.
"""
    by_name = {s.name: s.urls for s in parse_block(text).sources}
    assert by_name["Fast Estimators for Counterfactual Ranking"] == [
        "https://arxiv.org/pdf/2001.00001.pdf", "https://github.com/example/fast-est"]
    assert by_name["Bounded Variance Importance Weights"] == ["https://arxiv.org/pdf/2002.00002.pdf"]
    assert "https://github.com/example/ope-bench" in by_name["A Benchmark of Offline Evaluation"]


def test_jekyll_front_matter_is_no_text_and_its_title_heads_a_bodiless_page() -> None:
    from bot.parse import parse_block

    text = ('---\nlayout: default\ntitle: "Sparse Routers: Cheap Mixtures"\n---\n\n'
            '[arXiv: 2501.00001v2](https://arxiv.org/abs/2501.00001)\n\n'
            'We introduce sparse routers that pick two experts per token.\n')
    (paper,) = parse_block(text).sources
    assert paper.name == "Sparse Routers: Cheap Mixtures"
    assert paper.urls == ["https://arxiv.org/abs/2501.00001"]
    assert "layout" not in paper.summary


def test_a_label_line_over_a_table_captions_its_numbers() -> None:
    from bot.parse import parse_block

    def table(rows: str) -> str:
        return "| Model | Accuracy |\n|---|---|\n" + rows

    text = ("## Models\n\n| Model | Weights |\n|---|---|\n"
            "| LinkNet (also LinkNet-S) | [Download](https://example.org/linknet) |\n"
            "| OtherNet | [Download](https://example.org/othernet) |\n"
            "| ThirdNet | [Download](https://example.org/thirdnet) |\n\n"
            "## Results\n\n * <b>Binding sites (Q2):</b><br/>\n\n"
            + table("| LinkNet | 91 |\n| OtherNet | 88 |\n| ThirdNet | 85 |\n")
            + "\n * <b>Folds (Q10):</b><br/>\n\n"
            + table("| LinkNet | 71 |\n| OtherNet | 78 |\n| ThirdNet | 65 |\n"))
    by_name = {s.name.split(" (")[0]: s for s in parse_block(text).sources}
    link = by_name["LinkNet"]  # "(also …)" names the same work: one source, with its link
    assert link.urls == ["https://example.org/linknet"]
    assert link.meta["accuracy (Binding sites (Q2))"] == "91"
    assert link.meta["accuracy (Folds (Q10))"] == "71"
