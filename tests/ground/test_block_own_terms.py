"""The block's own terms decide: a task the question only mentions in passing gives way to the
block's; words that name the paste or the asker's own plans say nothing about coverage; a
Chinese page shows English words it writes in Chinese; a method shared with the question keeps
a source on topic."""

from __future__ import annotations

from bot.ground.coverage import assess
from tests.ground.helpers import answer

# A recommender leaderboard that never says "recommend": its columns do.
_RECSYS = """\
| Method | Recall@20 | NDCG@20 | HitRate@20 |
|---|---|---|---|
| PopRank | 0.0102 | 0.0080 | 0.0611 |
| KNN-I | 0.0651 | 0.0544 | 0.3402 |
| LinearAE | 0.0712 | 0.0590 | 0.3555 |
| WideMF | 0.0433 | 0.0361 | 0.2710 |
"""


def test_a_task_in_the_questions_story_gives_way_to_the_blocks_columns() -> None:
    _, ans = answer(_RECSYS, "Best recall@20 here? I had bet on the graph neural network ones.")
    assert "graph neural networks" not in ans.task.labels
    assert "recommender systems" in ans.task.labels
    assert ans.workflow.steps and "LinearAE" in " ".join(s.label for s in ans.workflow.steps)


def test_a_task_the_ask_itself_names_still_leads() -> None:
    _, ans = answer(_RECSYS, "Which graph neural network here has the best recall@20?")
    assert "graph neural networks" in ans.task.labels


def test_a_word_for_the_paste_itself_is_no_missing_subject() -> None:
    known = {"foundat", "geospat", "earth"}
    assert assess("anything in this bib about geospatial foundation stuff?", known).covered
    # The same subject words without the deictic "this bib" weigh the same.
    assert assess("anything in this spreadsheet about geospatial foundations?", known).covered
    assert not assess("anything about tokamak plasma?", known).covered


def test_what_the_asker_would_do_is_no_subject() -> None:
    known = {"demo", "onlin"}
    assert assess("is there an online demo i can tinker with?", known).covered
    assert assess("is there an online demo we could fiddle with?", known).covered


_ZH_CHANGELOG = """\
#### 2024-03-02 v2.1 update:
- 新增表格结构识别模块，详情参见[文档](https://github.com/example-org/QuickOCR/blob/main/docs/table.md)

#### 2024-01-15 v2.0 update:
- 新增版面分析功能，支持中英文文档，见[说明](https://github.com/example-org/QuickOCR/blob/main/docs/layout.md)。
- 上线[在线演示](https://huggingface.co/spaces/example-org/QuickOCR)

#### 2023-12-01 v1.9 update:
- 修复 [issue #12](https://github.com/example-org/QuickOCR/issues/12)
- 感谢 [someone](https://github.com/someone) 的贡献
"""


def test_an_english_ask_about_a_chinese_changelog_is_not_refused() -> None:
    _, ans = answer(_ZH_CHANGELOG, "does it do layout analysis and table structure now?")
    assert ans.covered
    assert not any("not address" in c for c in ans.caveats)


def test_a_changelog_is_one_project_named_by_its_repository() -> None:
    block, _ = answer(_ZH_CHANGELOG)
    names = [s.name for s in block.sources]
    assert names[0] == "QuickOCR", names
    # Issues, accounts and dated headings are no works of their own.
    assert not any(n.startswith(("issue", "someone", "2024", "2023")) for n in names), names
    assert any("huggingface.co/spaces" in u for u in block.sources[0].urls)


def test_one_dated_title_over_a_list_of_papers_is_no_changelog() -> None:
    text = "# 2024-05-01 Daily papers\n\n" + "\n".join(
        f"- [{t}](https://arxiv.org/abs/2405.0000{i}) - a study of {t.lower()}"
        for i, t in enumerate(["Sparse Mixture Routing", "Tiny Vision Adapters", "Speech Token Codecs"])
    )
    block, _ = answer(text)
    assert len(block.sources) == 3, [s.name for s in block.sources]


def test_a_source_sharing_the_questions_method_stays_on_topic() -> None:
    text = "\n\n".join(
        f"@article{{k{i},\n  title = {{{t}}},\n  year = {{2024}},\n  url = {{https://doi.org/10.1/x{i}}}\n}}"
        for i, t in enumerate([
            "Opportunities of foundation models for GeoAI",
            "A geospatial foundation models toolkit for earth observation",
            "An imperative deep learning library",
            "Interactive mapping in notebooks",
            "Geospatial data loaders for deep learning",
            "Process understanding for Earth system science",
        ])
    )
    _, ans = answer(text, "which of these are about foundation models for earth observation?")
    chosen = " ".join(s.label for s in ans.workflow.steps)
    assert "toolkit" in chosen and "GeoAI" in chosen, chosen


_CARD = """\
---
license: mit
pipeline_tag: audio-to-audio
tags:
  - speech-to-speech-translation
---

# Parrot: Speech-to-Speech Translation for Welsh and Irish

Parrot is a compact speech-to-speech translation model fused with a frozen vocoder.

Load via the [training repo](https://github.com/example/parrot-train) and call `translate()`.

| Metric | Value |
|---|---|
| ASR-BLEU | TODO |
"""


def test_a_cards_own_task_outweighs_a_metric_name_in_the_question() -> None:
    _, ans = answer(_CARD, "what does it take in and spit out, and what ASR-BLEU does it get?")
    assert ans.task.labels[0] == "speech translation", ans.task.labels
    assert "automatic speech recognition" not in ans.task.labels


def test_an_input_output_ask_is_answered_by_the_stated_input_and_output() -> None:
    _, ans = answer(_CARD, "what does it take in and spit out?")
    assert ans.task.input and ans.task.output
    assert not any("not address" in c for c in ans.caveats), ans.caveats


def test_an_instruction_is_no_method_sentence_and_a_purpose_is_no_name() -> None:
    from bot.ground.workflow import method_sentence

    block, _ = answer(_CARD)
    assert "fused with" in method_sentence(block.sources[0])
    assert "training" not in [s.name for s in block.sources]


_PAPER_PARAGRAPHS = """\
## Estimators
[Fast Estimators for Counterfactual Ranking](https://arxiv.org/pdf/2001.00001.pdf), [code](https://github.com/example/fast-est)

[Bounded Variance Importance Weights](https://arxiv.org/pdf/2002.00002.pdf), ICML 2021, estimators.

[Marginal Ratio Estimators](https://arxiv.org/pdf/2004.00004.pdf), NeurIPS 2020, estimators.

[A Benchmark of Offline Estimators](https://arxiv.org/pdf/2003.00003.pdf), [[code]](https://github.com/example/est-bench)

[code-Estimator Toolkit](https://github.com/example/est-tools), tools for estimators.
"""


def test_which_of_the_works_picks_among_them_not_the_page_holding_them() -> None:
    block, ans = answer(_PAPER_PARAGRAPHS, "which estimators here come with code?")
    names = [s.name for s in block.sources]
    assert "Estimator Toolkit" in names  # "code-X" names X
    chosen = [s.label for s in ans.workflow.steps if s.kind not in ("input", "output")]
    assert chosen and chosen[0] != "Estimators", chosen
    assert any("Fast Estimators" in c for c in chosen), chosen


def test_a_lead_in_phrase_before_the_ask_tells_and_does_not_ask() -> None:
    from bot.ground.coverage import split_asks

    asks, context = split_asks("for drone footage (city-like), which checkpoint has the lowest EPE?")
    assert asks == ["which checkpoint has the lowest EPE?"]
    assert context == ["for drone footage (city-like)"]
    known = {"checkpoint", "lowest", "epe"}
    assert not assess("for drone footage (city-like), which checkpoint has the lowest EPE?",
                      known).missing
