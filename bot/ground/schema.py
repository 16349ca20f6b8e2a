"""The data files of `bot/ground/data/`, each checked against a schema when it loads.

YAML turns an unquoted `about 2,000` inside a flow list into two items ("about 2" and the
number 0) without complaint; every list here holds strict strings, so such a slip fails loudly
at load time instead of quietly matching the wrong words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)

from bot.ground.text import load_data

Intent = Literal[
    "how_it_works", "which_to_pick", "compare", "apply", "limitations", "reproduce", "overview",
]
CueKind = Literal["origin", "constraint", "input", "shift", "ask"]


def _regexes(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """`raw` unchanged once every pattern compiles: a bad one fails when the data loads."""
    for patterns in raw.values():
        for p in patterns:
            re.compile(p)
    return raw


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordsFile(_Strict):
    """stopwords.yaml: function words, words about the asking itself, and measurement words."""

    stopwords: list[StrictStr]
    # Words about the request rather than its subject ("model", "paper", "option"): they never
    # decide whether the sources cover a question, and a caveat never names them.
    meta: list[StrictStr]
    # Words asking for a released artefact (code, weights): a facet, never a topic.
    artefacts: list[StrictStr] = Field(default_factory=list)
    # Measurements and resources: an ask about one that no source mentions is unanswered.
    hard: list[StrictStr]
    # A measurement word a block shows without writing it: a license by its name
    # ("Apache-2.0"), fps by "frames per second". Regular expressions per word.
    shown_by: dict[StrictStr, list[StrictStr]] = Field(default_factory=dict)

    @field_validator("shown_by")
    @classmethod
    def _compiles(cls, raw: dict[str, list[str]]) -> dict[str, list[str]]:
        return _regexes(raw)


class MeasuresFile(_Strict):
    """measures.yaml: asking for the extreme of a reported number, and bounds on another."""

    better: list[StrictStr]
    higher: list[StrictStr]
    lower: list[StrictStr]
    faster: list[StrictStr]
    lower_better: list[StrictStr]
    rates: list[StrictStr]
    quality: list[StrictStr]
    lower_bound: list[StrictStr]
    units: dict[StrictStr, list[StrictStr]]
    aliases: dict[StrictStr, list[StrictStr]] = Field(default_factory=dict)
    abbreviations: dict[StrictStr, StrictStr] = Field(default_factory=dict)


class CuesFile(_Strict):
    cues: dict[StrictStr, list[StrictStr]]
    kinds: dict[CueKind, list[StrictStr]]
    prepositions: list[StrictStr]
    determiners: list[StrictStr]

    @model_validator(mode="after")
    def _kinds_name_cues(self) -> CuesFile:
        unknown = [c for labels in self.kinds.values() for c in labels if c not in self.cues]
        if unknown:
            raise ValueError(f"cue kinds name unknown cues: {unknown}")
        return self


class IntentsFile(_Strict):
    intents: dict[Intent, list[StrictStr]]

    @field_validator("intents")
    @classmethod
    def _compiles(cls, raw: dict[str, list[str]]) -> dict[str, list[str]]:
        return _regexes(raw)


class TaskGroup(_Strict):
    modality: StrictStr
    domain: StrictBool = True
    # What goes in and comes out, as one modality noun phrase each ("images", "text"); said
    # only when the chosen sources use its words too (see `bot.ground.labels`).
    input: StrictStr = ""
    output: StrictStr = ""
    tasks: dict[StrictStr, list[StrictStr] | None] = Field(default_factory=dict)


class TasksFile(_Strict):
    groups: dict[StrictStr, TaskGroup]


@lru_cache(maxsize=1)
def words_file() -> WordsFile:
    return WordsFile.model_validate(load_data("stopwords.yaml"))


@lru_cache(maxsize=1)
def measures_file() -> MeasuresFile:
    return MeasuresFile.model_validate(load_data("measures.yaml"))


@lru_cache(maxsize=1)
def cues_file() -> CuesFile:
    return CuesFile.model_validate(load_data("cues.yaml"))


@lru_cache(maxsize=1)
def intents_file() -> IntentsFile:
    return IntentsFile.model_validate(load_data("intents.yaml"))


@lru_cache(maxsize=1)
def tasks_file() -> TasksFile:
    return TasksFile.model_validate(load_data("tasks.yaml"))
