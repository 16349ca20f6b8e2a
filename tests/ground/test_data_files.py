"""The data files hold general vocabulary, checked by a schema when they load."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.ground.schema import (
    CuesFile,
    DataError,
    IntentsFile,
    TasksFile,
    WordsFile,
    cues_file,
    intents_file,
    tasks_file,
    words_file,
)

ROOT = Path(__file__).resolve().parents[2]
DATA_SUFFIXES = {".yaml", ".yml", ".json", ".txt", ".toml", ".py", ".j2"}
N = 4


def _grams(text: str) -> set[str]:
    # The same n-gram rule as the workplace's check: lowercased words, hyphens and apostrophes
    # kept inside a word.
    w = re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower())
    return {" ".join(w[i : i + N]) for i in range(len(w) - N + 1)}


def _questions() -> list[str]:
    out = []
    for f in (ROOT / "tests" / "data").rglob("case.json"):
        q = json.loads(f.read_text(encoding="utf-8")).get("question")
        if isinstance(q, str):
            out.append(q)
    return out


def test_no_data_file_repeats_a_phrase_of_an_evaluation_question() -> None:
    questions = _questions()
    assert questions  # the eval cases are in the clone
    wanted = set().union(*(_grams(q) for q in questions))
    hits = []
    for f in [*(ROOT / "bot").rglob("*"), *(ROOT / "templates" / "answer").rglob("*")]:
        if f.suffix in DATA_SUFFIXES and "examples" not in f.parts:
            hits += [f"{f.relative_to(ROOT)}: {g}" for g in sorted(_grams(f.read_text()) & wanted)]
    assert hits == []


def test_every_data_file_loads_against_its_schema() -> None:
    assert words_file().hard and cues_file().cues and intents_file().intents
    assert tasks_file().groups


@pytest.mark.parametrize(
    ("model", "text"),
    [
        # An unquoted "2,000" in a flow list splits into "about 2" and the number 0.
        (CuesFile, ("cues: {with little data: [little data, about 2,000]}\nkinds: {}\n"
                   "prepositions: []\ndeterminers: []\n")),
        (WordsFile, "stopwords: [a, 1]\nmeta: []\nhard: []\n"),
        (TasksFile, "groups: {g: {modality: images, tasks: {t: [x, 3]}}}\n"),
        (IntentsFile, "intents: {compare: ['\\\\bvs(']}\n"),
        (CuesFile, ("cues: {a: [b]}\nkinds: {shift: [unknown cue]}\nprepositions: []\n"
                   "determiners: []\n")),
    ],
)
def test_a_malformed_data_file_fails_loudly(model: type[object], text: str) -> None:
    raw = yaml.safe_load(text)
    with pytest.raises((DataError, re.error)):
        model.model_validate(raw)  # type: ignore[attr-defined]


def test_compiled_data_matches_its_yaml() -> None:
    # The engine reads data/compiled/*.json (fast to load); people edit the YAML. After an edit,
    # run scripts/build_data.py.
    data = ROOT / "bot" / "ground" / "data"
    for path in sorted(data.glob("*.yaml")):
        compiled = data / "compiled" / f"{path.stem}.json"
        assert compiled.exists(), f"run scripts/build_data.py: {compiled.name} is missing"
        assert json.loads(compiled.read_text(encoding="utf-8")) == yaml.safe_load(
            path.read_text(encoding="utf-8")
        ), f"run scripts/build_data.py: {compiled.name} is older than {path.name}"


def test_zipf_table_reads_as_wordfreq_wrote_it() -> None:
    from bot.ground.lexicon import zipf

    assert zipf("the") > 7.0 > zipf("model") > 4.0 > zipf("latency") > 2.5
    assert zipf("dehazing") == 0.0
