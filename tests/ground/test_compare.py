"""Questions asking for the extreme of a reported number are answered from the numbers."""

from __future__ import annotations

from bot.ground.compare import measures, rank
from bot.ground.engine import ground
from bot.parse import parse_block

TABLE = """\
| Method | Venue | Params | F1 | WER |
|---|---|---|---|---|
| [AlphaNet](https://arxiv.org/abs/2101.00001) | ICML'21 | 40M | 71.2 | 9.8 |
| [BetaNet](https://arxiv.org/abs/2102.00002) | NeurIPS'21 | 95M | 78.9 | 7.1 |
| [GammaNet](https://arxiv.org/abs/2103.00003) | ICLR'22 | 12M | 74.0 | 6.4 |
| [DeltaNet](https://arxiv.org/abs/2104.00004) | CVPR'22 | 300M | 69.5 | 11.3 |
"""

METAFILE = """\
Collections:
  - Name: Segformer
    Paper:
      URL: https://arxiv.org/abs/2105.15203
      Title: 'SegFormer: Simple and Efficient Design for Semantic Segmentation with Transformers'
Models:
  - Name: segformer_b0_512x512_ade
    In Collection: Segformer
    Metadata:
      Training Memory (GB): 2.1
    Results:
      - Task: Semantic Segmentation
        Dataset: ADE20K
        Metrics:
          mIoU: 37.4
    Weights: https://download.example.org/segformer/b0_512.pth
  - Name: segformer_b2_512x512_ade
    In Collection: Segformer
    Metadata:
      Training Memory (GB): 10.5
    Results:
      - Task: Semantic Segmentation
        Dataset: ADE20K
        Metrics:
          mIoU: 45.6
    Weights: https://download.example.org/segformer/b2_512.pth
  - Name: segformer_b5_512x512_ade
    In Collection: Segformer
    Metadata:
      Training Memory (GB): 27.4
    Results:
      - Task: Semantic Segmentation
        Dataset: ADE20K
        Metrics:
          mIoU: 49.1
    Weights: https://download.example.org/segformer/b5_512.pth
  - Name: segformer_b5_640x640_ade
    In Collection: Segformer
    Metadata:
      Training Memory (GB): 30.2
    Results:
      - Task: Semantic Segmentation
        Dataset: ADE20K
        Metrics:
          mIoU: 50.3
    Weights: https://download.example.org/segformer/b5_640.pth
"""


def _top(answer_sources: list, n: int = 1) -> list[str]:
    ranked = sorted(answer_sources, key=lambda s: -(s.relevance or 0))
    return [s.name for s in ranked[:n]]


def test_highest_metric_leads_and_is_stated() -> None:
    block = parse_block(TABLE)
    answer = ground(block, "Which method reaches the highest F1 here?")
    assert _top(answer.sources) == ["BetaNet"]
    assert "78.9" in answer.task.summary and "BetaNet" in answer.task.summary


def test_lower_is_better_metric_picks_the_minimum() -> None:
    block = parse_block(TABLE)
    found = rank("which one has the best WER?", block.sources)
    assert found is not None
    assert [block.sources[i].name for i, _ in found.order][:2] == ["GammaNet", "BetaNet"]
    assert found.higher is False


def test_lowest_word_asks_for_the_minimum_whatever_the_metric() -> None:
    block = parse_block(TABLE)
    found = rank("what has the lowest params count?", block.sources)
    assert found is not None
    assert block.sources[found.order[0][0]].name == "GammaNet"


def test_a_memory_bound_excludes_what_does_not_fit() -> None:
    block = parse_block(METAFILE)
    question = "Our cards have 16 GB. Which config gives the best mIoU on ADE20K? weights please"
    found = rank(question, block.sources)
    assert found is not None
    assert found.bound is not None and found.bound.upper and found.bound.limit == 16
    names = [block.sources[i].name for i, _ in found.order]
    assert names == ["segformer_b2_512x512_ade", "segformer_b0_512x512_ade"]
    assert found.excluded == 2
    answer = ground(block, question)
    assert _top(answer.sources) == ["segformer_b2_512x512_ade"]
    assert "at most 16" in answer.task.summary
    assert any("b2_512.pth" in lk.url for lk in answer.links)


def test_a_size_the_question_names_narrows_the_candidates() -> None:
    block = parse_block(METAFILE)
    found = rank("best mIoU at 640x640 input?", block.sources)
    assert found is not None
    assert [block.sources[i].name for i, _ in found.order] == ["segformer_b5_640x640_ade"]


def test_no_superlative_no_ranking() -> None:
    block = parse_block(TABLE)
    assert rank("which of these were published at ICLR?", block.sources) is None


def test_best_without_a_metric_uses_the_quality_metric_among_on_topic_sources() -> None:
    block = parse_block(TABLE)
    rel = [1.0, 0.2, 1.0, 1.0]  # BetaNet off topic: "best" must not reach it
    found = rank("which is the best option?", block.sources, rel)
    assert found is not None and found.field.lower() == "f1"
    assert block.sources[found.order[0][0]].name == "GammaNet"


def test_several_metrics_in_one_field_are_read_apart() -> None:
    block = parse_block(METAFILE)
    fields = measures(block.sources[1])
    assert fields.get("mIoU") == "37.4"
    assert "training memory (gb)" in fields


def test_the_leaders_reported_values_are_quoted_as_evidence() -> None:
    block = parse_block(METAFILE)
    answer = ground(block, "Our cards have 16 GB. Which config gives the best mIoU on ADE20K?")
    quoted = [e.text for e in answer.evidence]
    assert any("45.6" in q for q in quoted[:3])
    assert any("10.5" in q for q in quoted[:4])  # the bound's value of the leader


def test_the_metric_words_the_ranking_answered_are_no_gap() -> None:
    block = parse_block(METAFILE)
    answer = ground(block, "which config has the highest overall parsing quality by mIoU?")
    assert "49.1" in answer.task.summary or "50.3" in answer.task.summary
    assert not any("quality" in c for c in answer.caveats)


def test_results_written_as_one_mapping_are_read_too() -> None:
    # mmsegmentation writes `Results:` as a mapping, mmdetection as a list of them.
    mapping = METAFILE.replace(
        "    Results:\n      - Task: Semantic Segmentation\n        Dataset: ADE20K\n"
        "        Metrics:\n          mIoU:",
        "    Results:\n      Task: Semantic Segmentation\n      Dataset: ADE20K\n"
        "      Metrics:\n        mIoU:",
    )
    assert mapping != METAFILE
    block = parse_block(mapping)
    assert block.sources[1].meta.get("task") == "Semantic Segmentation"
    found = rank("best mIoU under 16 GB?", block.sources)
    assert found is not None and block.sources[found.order[0][0]].name == "segformer_b2_512x512_ade"


def test_table_rows_inherit_their_heading_as_what_they_are_about() -> None:
    block = parse_block("### Image Classification\n\n" + TABLE)
    assert all(s.meta.get("section") == "Image Classification" for s in block.sources)
    answer = ground(block, "which has the best F1?")
    assert "image classification" in " ".join(answer.task.labels).lower()


# One results page, two tables headed alike: the same rows, the same column heads.
TWO_TABLES = """\
## Benchmark results

### 1. Footprint (MB)
| Model | Params | Task A | Avg. |
|---|---|---|---|
| owl-s | 90M | 350.1 | 350.1 |
| owl-m | 210M | 820.4 | 820.4 |
| owl-l | 480M | 1900.7 | 1900.7 |

### 2. Score (%)
| Model | Params | Task A | Avg. |
|---|---|---|---|
| owl-s | 90M | 41.0 | 40.2 |
| owl-m | 210M | 47.5 | 46.1 |
| owl-l | 480M | 45.0 | 44.9 |

### 3. VRAM (GB)
| Model | Params | Task A | Avg. |
|---|---|---|---|
| owl-s | 90M | 0.8 | 0.82 |
| owl-m | 210M | 1.4 | 1.43 |
| owl-l | 480M | 2.9 | 2.95 |
"""


def test_rows_of_several_tables_keep_each_tables_value_under_its_heading() -> None:
    block = parse_block(TWO_TABLES)
    # A section titled "… results" is results, not a how-to: its rows are sources.
    assert [s.name for s in block.sources] == ["owl-s", "owl-m", "owl-l"]
    meta = block.sources[1].meta
    assert (meta["avg (Footprint (MB))"], meta["avg (Score (%))"], meta["avg (VRAM (GB))"]) == (
        "820.4", "46.1", "1.43")
    assert "47.5" in block.sources[1].summary and "820.4" in block.sources[1].summary


def test_an_abbreviated_head_is_ranked_by_the_word_it_shortens_and_a_second_number_reported(
) -> None:
    block = parse_block(TWO_TABLES)
    answer = ground(block, "Top average score of the three, and what VRAM does that one use?")
    assert _top(answer.sources) == ["owl-m"]
    assert "46.1" in answer.task.summary
    assert "1.43" in answer.task.summary  # the leader's VRAM, the question's second part
    assert any("46.1" in e.text for e in answer.evidence)  # the score row, not the size row


def test_rows_the_ranking_leaves_out_are_not_in_the_workflow() -> None:
    block = parse_block(METAFILE)
    answer = ground(block, "Which segformer config has the highest mIoU, and where are its weights?")
    shown = {i for st in answer.workflow.steps for i in st.source_ids}
    names = {s.id: s.name for s in block.sources}
    assert "segformer_b0_512x512_ade" not in {names[i] for i in shown}
    assert "segformer_b5_640x640_ade" in {names[i] for i in shown}


RAW_COUNTS = """\
| Model | Parameters | Top-1 |
|---|---|---|
| kit-s | 5580000 | 78.2 |
| kit-xs | 2320000 | 74.8 |
| kit-xxs | 1270000 | 69.0 |
"""


def test_a_bound_with_a_count_suffix_meets_values_written_in_full() -> None:
    answer = ground(parse_block(RAW_COUNTS),
                    "Which kit model is the most accurate under 3M params?")
    assert _top(answer.sources) == ["kit-xs"]
    assert "at most 3M" in answer.task.summary and "74.8" in answer.task.summary


LEADERBOARD = """\
## Leaderboard

| Rank | Gap Filling | Outlier Finding |
|---|---|---|
| 🥇 1st | [Owl](https://arxiv.org/abs/2401.00001) | [Lark](https://arxiv.org/abs/2401.00002) |
| 🥈 2nd | [Lark](https://arxiv.org/abs/2401.00002) | [Wren](https://github.com/example/wren) |
| 🥉 3rd | [Wren](https://github.com/example/wren) | [Owl](https://arxiv.org/abs/2401.00001) |
"""


def test_a_leaderboard_reads_its_cells_as_works_ranked_per_column() -> None:
    block = parse_block(LEADERBOARD)
    by_name = {s.name: s for s in block.sources}
    assert sorted(by_name) == ["Lark", "Owl", "Wren"]
    assert by_name["Lark"].meta["outlier finding"] == "1st"
    assert by_name["Lark"].meta["gap filling"] == "2nd"
    answer = ground(block, "We do outlier finding on sensor logs: which method tops the board for that?")
    assert _top(answer.sources) == ["Lark"]
    assert "By rank in outlier finding, Lark is 1st" in answer.task.summary


RUNS = """\
| algo | env_id | mean_reward | n_timesteps |
|------|--------|------------:|-------------|
| kite | Pond-v1 | -12.5 | 1M |
| kite | Hill-v2 | 310.0 | 8M |
| hawk | Pond-v1 | -3.25 | 2M |
| hawk | Hill-v2 | 280.4 | 3M |
| wren | Hill-v2 | 150.9 | 1M |
"""


def test_a_table_keyed_by_two_columns_names_each_row_by_both() -> None:
    block = parse_block(RUNS)
    assert [s.name for s in block.sources][:2] == ["kite · Pond-v1", "kite · Hill-v2"]
    assert block.sources[0].meta["mean_reward"] == "-12.5"  # the sign survives


def test_a_bound_names_its_field_by_the_words_after_the_amount() -> None:
    answer = ground(parse_block(RUNS),
                    "On Hill-v2, which algo gets the best mean reward within 5M training timesteps?")
    assert _top(answer.sources) == ["hawk · Hill-v2"]
    assert "at most 5M" in answer.task.summary


def test_an_amount_inside_a_name_is_no_bound_but_a_prefixed_one_is() -> None:
    from bot.ground.compare import _bound

    fields = {"pretrain": 3, "params": 3}
    assert _bound("an ImageNet-22K Swin under 100M params", fields).text == "100M"
    assert _bound("sub-30M-param models only", fields).text == "30M"


QUANTS = """\
| Model | Quantization | Tokens/sec | Peak Mem (GB) |
|---|---|---|---|
| Owl-7b | bfloat16 | 107.4 | 13.9 |
|        | q-int4-a | 196.6 | 5.05 |
|        | q-int4-b | 209.2 | 4.89 |
|        | q-int8   | 150.0 | 7.50 |
"""


def test_rows_under_a_named_row_are_its_rows_and_fastest_reads_the_speed_column() -> None:
    block = parse_block(QUANTS)
    assert [s.name for s in block.sources] == [
        "Owl-7b · bfloat16", "Owl-7b · q-int4-a", "Owl-7b · q-int4-b", "Owl-7b · q-int8"]
    answer = ground(block, "on owl-7b which setting is fastest while keeping peak mem under 5GB?")
    assert "Owl-7b · q-int4-b leads with 209.2" in answer.task.summary


ZOO = """\
| Name | Dataset | mAP | Weights |
|---|---|---|---|
| det_tiny-3x-dota | DOTAv1.0 | 75.6 | [ckpt](https://example.org/w/det_tiny-3x-dota.pth) |
| det_l-3x-dota | DOTAv1.0 | 80.5 | [ckpt](https://example.org/w/det_l-3x-dota.pth) |
| det_l-coco_pretrain-3x-dota | DOTAv1.0 | 81.3 | [ckpt](https://example.org/w/det_l-coco.pth) |
| det_tiny-9x-hrsc | HRSC | 90.6 | [ckpt](https://example.org/w/det_tiny-9x-hrsc.pth) |
"""


def test_the_ranking_ask_alone_sets_the_dataset_and_what_it_rules_out() -> None:
    answer = ground(parse_block(ZOO), "is there a checkpoint for HRSC? and which det variant tops "
                                      "DOTA mAP if we skip the coco pretrain?")
    assert "det_l-3x-dota leads with 80.5" in answer.task.summary
    # The other ask is answered too: the HRSC checkpoint is linked.
    assert "https://example.org/w/det_tiny-9x-hrsc.pth" in [link.url for link in answer.links]


CF = """\
| Publication | Model | Recall@20 | NDCG@20 |
|---|---|---|---|
| ICDM'2011 | [Slim](https://github.com/a/slim) | 0.0755 | 0.0602 |
| WWW'2001 | [KnnItem](https://github.com/b/knn) | 0.0736 | 0.0606 |
| WWW'2019 | [EaseR](https://github.com/c/easer) | 0.0710 | 0.0567 |
"""


def test_a_second_superlative_ask_gets_its_own_ranking() -> None:
    answer = ground(parse_block(CF), "which model has the best recall@20 and which the best ndcg@20?")
    assert "Slim leads with 0.0755" in answer.task.summary
    assert "KnnItem leads with 0.0606" in answer.task.summary


def test_a_sign_against_the_amount_sets_the_bound_direction() -> None:
    from bot.ground.compare import _bound

    fields = {"fps (batch size=1)": 3, "memory (gb)": 3}
    assert _bound("need >=150 fps at batch 1", fields).upper is False
    assert _bound("need ≥ 150 fps", fields).upper is False
    assert _bound("≤ 8 GB memory please", fields).upper is True
    assert _bound("<=8GB memory", fields).upper is True


FPS_TABLE = """\
| Network | AP | FPS (batch 1) | FPS (batch 8) |
|---|---|---|---|
| [netA](https://github.com/example/neta) | 44.1 | 130 | 194 |
| [netB](https://github.com/example/netb) | 64.3 | 79.8 | 137 |
| [netC](https://github.com/example/netc) | 59.2 | 163 | 290 |
"""


def test_a_lower_bound_on_a_rate_keeps_what_reaches_it_and_states_no_sibling_column() -> None:
    answer = ground(parse_block(FPS_TABLE), "best AP with >=150 fps at batch 1?")
    assert _top(answer.sources) == ["netC"]
    assert "at least 150" in answer.task.summary
    assert "batch 8" not in answer.task.summary


def test_the_amount_a_bound_word_stands_against_is_the_bound_not_one_in_the_story() -> None:
    from bot.ground.compare import _bound

    fields = {"training memory (gb)": 3, "box ap": 3}
    bound = _bound("our box has a 12GB card, which config stays under ~10GB training memory?",
                   fields)
    assert bound is not None and bound.limit == 10.0 and bound.upper


RESULTS_PAGE = """\
# GridMatch

GridMatch scores an image as anomalous when one patch of it is far from a memory bank of
normal patches, which makes it a strong anomaly detection baseline.

## Image-Level AUC

|           | Avg   | Bolt  | Gear  |
| --------- | :---: | :---: | :---: |
| Big-Net   | 0.980 | 0.960 | 0.950 |
| Small-Net | 0.973 | 0.943 | 0.940 |

## Pixel-Level AUC

|           | Avg   | Bolt  | Gear  |
| --------- | :---: | :---: | :---: |
| Big-Net   | 0.980 | 0.989 | 0.970 |
| Small-Net | 0.976 | 0.991 | 0.960 |
"""


def test_a_methods_results_page_keeps_its_subject_and_compares_its_rows() -> None:
    block = parse_block(RESULTS_PAGE)
    assert [s.role for s in block.sources] == ["subject", "listed", "listed"]
    answer = ground(block, "which backbone is better on bolt at the pixel level? and on average "
                           "how much do we lose going from Big-Net to Small-Net")
    assert _top(answer.sources)[:1] == ["Small-Net"], answer.task.summary
    assert "0.991" in answer.task.summary
    assert "GridMatch" in [s.label for s in answer.workflow.steps]


def test_better_without_a_named_column_ranks_nothing() -> None:
    assert rank("is it better to fine-tune or prompt?", parse_block(TABLE).sources) is None


REPOS = """\
## Repository List

| Stars | Repository | Description |
|---|---|---|
| 90100 | [acme/flowbuilder](https://github.com/acme/flowbuilder) | A low-code platform for chat apps |
| 40200 | [acme/crewkit](https://github.com/acme/crewkit) | A Python multi-agent framework where agents talk to each other |
| 30500 | [acme/teamgpt](https://github.com/acme/teamgpt) | Python multi-agent framework: role-playing agents collaborate |
| 20900 | [acme/chatui](https://github.com/acme/chatui) | A chat UI for local models |
"""


def test_most_names_what_is_counted_and_of_those_ranks_among_the_picked() -> None:
    answer = ground(parse_block(REPOS), "which of these are python multi-agent frameworks? "
                                        "and which of those has the most stars")
    assert "By stars" in answer.task.summary
    assert _top(answer.sources)[:1] == ["acme/crewkit"], answer.task.summary
    assert "LLM agents" in answer.task.labels


def test_how_much_going_from_one_row_to_another_is_worked_out_from_their_numbers() -> None:
    from bot.ground.change import change

    block = parse_block(RESULTS_PAGE)
    moved = change("on average how much image-level AUC do we lose going from Big-Net to "
                   "Small-Net (edge box)", block.sources)
    assert moved is not None
    assert (moved.field, moved.was, moved.now, moved.delta) == (
        "avg (image-level auc)", "0.980", "0.973", "-0.007")
    answer = ground(block, "how much image-level AUC on average do we lose going from Big-Net "
                           "to Small-Net?")
    assert "goes from 0.980 to 0.973 (-0.007)" in answer.task.summary
    assert change("going from here to there", block.sources) is None


def test_rank_by_a_column_orders_by_it_and_at_most_is_a_bound_not_a_superlative() -> None:
    block = parse_block(TABLE)
    r = rank("Methods with at most 50M params, sorted by WER please.",
             block.sources)
    assert r is not None and r.field == "wer"
    assert [block.sources[i].name for i, _ in r.order] == ["GammaNet", "AlphaNet"]


def test_a_column_head_answers_the_word_it_shortens() -> None:
    text = TABLE.replace("| Method | Venue | Params | F1 | WER |", "| Method | Venue | Params (M) | F1 | WER |")
    ans = ground(parse_block(text), "Which of these with at most 100M parameters has the lowest WER?")
    assert ans.covered
    assert "GammaNet" in ans.task.summary


def test_a_source_the_question_calls_by_its_full_name_is_selected() -> None:
    text = """# Moderation benchmark

| Model | F1 | False positive rate |
|---|---|---|
| Sentinel 2 | 0.91 | 0.04 |
| Sentinel | 0.66 | 0.03 |
| Acme Moderation API | 0.35 | 0.03 |
| Acme Moderation API v2 | 0.40 | 0.05 |
| Other Content Safety Service | 0.52 | 0.24 |
| Perspective Scoring Service | 0.27 | 0.05 |
| Filter Alpha | 0.30 | 0.00 |
| Filter Bravo | 0.31 | 0.01 |
| Filter Charlie | 0.32 | 0.02 |
| Filter Delta | 0.33 | 0.03 |
| Filter Echo | 0.34 | 0.04 |
| Filter Foxtrot | 0.35 | 0.05 |
| Filter Golf | 0.36 | 0.06 |
| Filter Hotel | 0.37 | 0.07 |
| Filter India | 0.38 | 0.08 |
| Filter Juliet | 0.39 | 0.09 |
"""
    ans = ground(parse_block(text),
                 "for our support chatbot: how does sentinel 2 compare to the acme moderation api "
                 "on false positives?")
    used = {i for st in ans.workflow.steps for i in st.source_ids}
    chosen = {s.name for s in ans.sources if s.id in used}
    assert "Sentinel 2" in chosen
    assert not any(n.startswith("Filter") for n in chosen)
