"""Questions the sources cannot answer get a plain "not covered", not padding."""

from __future__ import annotations

from bot.ground.coverage import Known, assess, key, split_asks
from tests.conftest import seed_text
from tests.ground.helpers import answer, caveat_text, load_case


def test_xmem_fps_on_cpu_is_not_covered() -> None:
    text, case = load_case("012-paper-page-not-covered-xmem")
    _, ans = answer(text, str(case["question"]))
    assert ans.covered is False
    cav = caveat_text(ans)
    assert "not covered by the supplied sources" in cav
    assert "frames per second" in cav and "cpu" in cav


def test_unanswerable_question_on_seed_001() -> None:
    _, ans = answer(seed_text("001"), "What GPU memory and license does MATEY need for commercial use?")
    assert ans.covered is False
    assert "not covered by the supplied sources" in caveat_text(ans)


def test_partly_supported_question_stays_covered_with_a_caveat() -> None:
    text, _ = load_case("007-request-molecular-property-chemprop")
    _, ans = answer(text)
    assert ans.covered is True
    assert "scaffolds" in caveat_text(ans)


def test_no_url_in_block_is_a_caveat() -> None:
    _, ans = answer(seed_text("001"), "How does adaptive tokenization work?")
    assert ans.links == [] and "no url" in caveat_text(ans)


def test_release_claim_without_link_is_a_caveat() -> None:
    text, case = load_case("003-listing-survival-wsi")
    _, ans = answer(text, str(case["question"]))
    assert "says the code is released but gives no link" in caveat_text(ans)


def test_a_unit_shows_the_measurement_and_a_missing_one_is_the_caveat() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    block = parse_block(
        "# tiny-asr\n\ntiny-asr transcribes English speech. Feed it mono audio at 8kHz; "
        "longer clips are chunked into 30 second windows before decoding.\n"
    )
    got = ground(block, "which sample rate does tiny-asr want, and approximately how many "
                        "parameters does it have?")
    assert got.covered
    assert any("parameters" in c for c in got.caveats)
    assert not any("sample rate" in c for c in got.caveats)


CITATION = """cff-version: 1.2.0
message: If you use this software, please cite it as below.
title: "Kestrel: A Toolkit for Wind Farm Forecasting"
authors:
  - family-names: Okafor
    given-names: Ada
preferred-citation:
  type: article
  title: "Kestrel: A Toolkit for Wind Farm Forecasting"
  journal: Journal of Renewable Computing
  year: 2023
  url: https://doi.org/10.1234/kestrel
"""


def test_the_code_words_of_an_ask_do_not_cover_the_rest_of_it() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    block = parse_block(CITATION)
    # Links answer "is code/weights out?"; the turbine data and its sensors are nowhere.
    result = ground(block, "Which turbine sensors and pretrained weights does Kestrel bundle?")
    assert not result.covered
    # The toolkit's own name and its citation are still answered.
    assert ground(block, "Does Kestrel release pretrained weights?").covered


def test_a_hosts_spoken_name_is_covered_by_its_links() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    block = parse_block("| Name | Task |\n|---|---|\n"
                        "| heron-stream | [weights](https://huggingface.co/x/heron) live speech recognition |\n"
                        "| heron-offline | offline speech recognition |\n")
    assert ground(block, "Which of these do speech recognition, and which have a Hugging Face "
                         "download?").covered


def test_a_listing_s_wrapper_does_not_answer_for_its_works() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    listing = (
        "# Weekly digest\n\nSearch terms: glacier calving, sea ice drift, iceberg tracking.\n\n"
        "## Picks\n\n"
        "- [Tabular Routing with Sparse Experts](https://arxiv.org/abs/2603.00001): rows are routed "
        "to a few experts.\n"
        "- [Graph Pooling by Clustering](https://arxiv.org/abs/2603.00002): nodes are pooled by "
        "learned clusters.\n"
        "- [Audio Tokens at Low Rates](https://arxiv.org/abs/2603.00003): speech is coded at 1 kbps.\n"
    )
    block = parse_block(listing)
    assert not ground(block, "anything here on iceberg tracking from glacier calving?").covered
    assert ground(block, "anything here on routing rows to sparse experts?").covered


SPLATS = """\
| Implementation | Language | License | Description |
| --- | --- | --- | --- |
| [Heron](https://github.com/a/heron) | C++/CUDA | GPL-3.0 | The workstation for splats, all in one app |
| [Finch](https://github.com/b/finch) | Python/CUDA | Apache-2.0 | Multi-GPU distributed training |
| [Plover](https://github.com/c/plover) | Warp/Python | AGPL-3.0 | Multi-GPU training with warp kernels |
| [Stilt](https://github.com/d/stilt) | Python | MIT | Single-file reimplementation |
"""


def test_a_ruled_out_licence_demotes_and_commercial_use_is_a_licence_question() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    block = parse_block(SPLATS)
    assert [s.name for s in block.sources] == ["Heron", "Finch", "Plover", "Stilt"]
    result = ground(block, "which codebase can we ship commercially (no GPL/AGPL) that trains on "
                           "multiple GPUs?")
    assert result.covered
    ranked = sorted(result.sources, key=lambda s: -s.relevance)
    assert ranked[0].name == "Finch"
    # Plover matches as well as Finch but declares a ruled-out licence: it falls out.
    assert [link.url for link in result.links] == ["https://github.com/b/finch"]


def test_an_acronym_plural_is_the_acronym() -> None:
    from bot.ground.text import stem

    assert stem("GPUs") == stem("GPU") == stem("gpus")
    assert stem("LLMs") == stem("LLM")
    assert stem("bus") == "bus" and stem("corpus") != stem("corpu")


CARD = """\
# Lyrebird Model Card

**Model type:** Lyrebird consists of a codec for audio tokens and a transformer over them.

**License:** Code is released under MIT, model weights are released under CC-BY-NC 4.0.

**Where to send questions or comments about the model:** Questions about Lyrebird can be sent
via the [GitHub repository](https://github.com/example/lyrebird), or by opening an issue.

**Limitations:** The model is not able to generate realistic vocals.
"""


def test_a_second_ask_after_a_joiner_is_checked_and_a_card_is_named_by_its_model() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    block = parse_block(CARD)
    assert [s.name for s in block.sources] == ["Lyrebird"]
    result = ground(block, "could we put lyrebird in a shop app for background tracks w/ singing? "
                           "license + can it even do vocals")
    assert result.covered
    assert "Lyrebird consists of a codec" in result.task.summary  # not the contact line


def test_an_ask_in_chinese_is_never_refused_for_words_it_cannot_weigh() -> None:
    from bot.ground.coverage import assess

    assert assess("这几篇里哪篇推荐度最高？有没有做文档信息抽取的", {"document"}).covered


PAPERS = """\
| Title | Venue | Date | Code |
| --- | --- | --- | --- |
| [Sparse Detector for Drones](https://arxiv.org/abs/2401.00001) | `Preprint` | `2024.03` | [Github](https://github.com/a/sd) |
| [Dense Detector for Drones](https://arxiv.org/abs/2201.00002) | `ICLR'23` | `2022.05` | [Github](https://github.com/b/dd) |
| [Tiny Detector for Drones](https://arxiv.org/abs/2402.00003) | `Preprint` | `2024.07` | - |
| [Old Detector for Drones](https://arxiv.org/abs/1901.00004) | `CVPR'19` | `2019.01` | [Github](https://github.com/d/od) |
"""


def test_a_field_value_the_question_names_narrows_the_listing() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    result = ground(parse_block(PAPERS), "need a drone detector from 2024 with github code — options?")
    ranked = sorted(result.sources, key=lambda s: -s.relevance)
    assert ranked[0].name == "Sparse Detector for Drones"  # 2024 and code
    by_year = ground(parse_block(PAPERS), "any drone detector from 2024 here?")
    top2 = sorted(by_year.sources, key=lambda s: -s.relevance)[:2]
    assert {s.name for s in top2} == {"Sparse Detector for Drones", "Tiny Detector for Drones"}
    venue = ground(parse_block(PAPERS), "which of these drone detectors were at ICLR?")
    assert max(venue.sources, key=lambda s: s.relevance).name == "Dense Detector for Drones"


def test_a_doi_asked_for_and_absent_is_the_caveat() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    cff = ('cff-version: 1.2.0\ntitle: "reefkit"\nmessage: "If you use this software, please cite it."\n'
           'license: Apache-2.0\nrepository-code: "https://github.com/example/reefkit"\n')
    question = "is reefkit ok commercially (license?) and is there a paper/DOI I should cite?"
    result = ground(parse_block(cff), question)
    assert result.covered and any("DOI" in c for c in result.caveats)
    with_doi = ground(parse_block(cff + 'doi: "10.5281/zenodo.1234"\n'), question)
    assert not any("DOI" in c for c in with_doi.caveats)


def test_a_sensor_the_ask_requires_and_no_source_names_is_not_covered() -> None:
    from bot.ground.engine import ground
    from bot.parse import parse_block

    page = ("# A Survey of Harbour Datasets\n\nWe review harbour datasets and their annotation "
            "quality. [paper](https://arxiv.org/abs/2401.00009)\n\n## Statistics\n\nTables of the "
            "datasets are in the figures.\n")
    assert not ground(parse_block(page), "which harbour datasets in this survey have radar scans?").covered
    assert ground(parse_block(page), "how is annotation quality of harbour datasets reviewed?").covered


def test_an_acronym_the_block_spells_out_is_covered() -> None:
    from bot.ground.analysis import analyse_block
    from bot.parse import parse_block

    block = parse_block("- [Deep Sets for Offline Policy Search](https://arxiv.org/abs/2001.00001): "
                        "offline reinforcement learning with set encoders.\n"
                        "- [Slot Critics](https://arxiv.org/abs/2001.00002): object-centric "
                        "reinforcement learning.\n")
    known = analyse_block(block).known
    assert assess("anything on RL here?", known).covered
    assert not assess("anything on NLG here?", known).covered


def test_words_after_rather_than_are_no_requirement() -> None:
    known = Known({key(w) for w in ["replay", "forgetting", "continual"]})
    assert assess("which fight forgetting with replay (rather than pruning or distillation)?",
                  known).covered


def test_a_request_is_an_ask() -> None:
    clauses, context = split_asks("We run continual tasks. gimme the links for replay methods")
    assert clauses == ["gimme the links for replay methods"]
    assert context == ["We run continual tasks."]
