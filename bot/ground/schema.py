"""The data files of `bot/ground/data/`, each checked against a schema when it loads.

YAML turns an unquoted `about 2,000` inside a flow list into two items ("about 2" and the
number 0) without complaint; every list here holds strict strings, so such a slip fails loudly
at load time instead of quietly matching the wrong words.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from functools import lru_cache
from typing import Any, Literal, Self, Union, get_args, get_origin, get_type_hints

from bot.ground.text import load_data

Intent = Literal[
    "how_it_works", "which_to_pick", "compare", "apply", "limitations", "reproduce", "overview",
]
CueKind = Literal["origin", "constraint", "input", "shift", "ask"]


class DataError(ValueError):
    """A data file that does not match its schema (the path of the bad value is in the text)."""


def _regexes(raw: Iterable[list[str]]) -> None:
    """Every pattern of `raw` compiles: a bad one fails when the data loads."""
    for patterns in raw:
        for p in patterns:
            re.compile(p)


# The schema is the dataclasses' own type hints, checked strictly by `_value` (no coercion:
# the number 0 is no string, "yes" no bool). These few shapes (str, bool, Literal, list,
# dict, X | None, a nested file type) are all the data files use; pydantic checked them the
# same way, at the cost of importing it and building its models in every `ask` (~0.04 s).
def _value(value: Any, hint: Any, where: str) -> Any:
    origin = get_origin(hint)
    if hint is str or hint is bool:
        if type(value) is not hint:
            raise DataError(f"{where}: {value!r} is not a {hint.__name__}")
        return value
    if origin is Literal:
        if value not in get_args(hint):
            raise DataError(f"{where}: {value!r} is none of {get_args(hint)}")
        return value
    if origin is Union or origin is types.UnionType:
        options = get_args(hint)
        if value is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _value(value, inner, where)
    if origin is list:
        if type(value) is not list:
            raise DataError(f"{where}: {value!r} is not a list")
        (item,) = get_args(hint)
        return [_value(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if type(value) is not dict:
            raise DataError(f"{where}: {value!r} is not a mapping")
        key, item = get_args(hint)
        return {_value(k, key, f"{where} key"): _value(v, item, f"{where}.{k}")
                for k, v in value.items()}
    if isinstance(hint, type) and is_dataclass(hint):
        return _record(hint, value, where)
    raise TypeError(f"{where}: no check for {hint!r}")  # a schema written wrongly


def _record(cls: type[Any], raw: Any, where: str) -> Any:
    if type(raw) is not dict:
        raise DataError(f"{where}: {raw!r} is not a mapping")
    hints = get_type_hints(cls)
    names = [f.name for f in fields(cls)]
    unknown = [k for k in raw if k not in names]
    if unknown:
        raise DataError(f"{where}: unknown field(s) {unknown}")
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in raw:
            values[f.name] = _value(raw[f.name], hints[f.name], f"{where}.{f.name}")
        elif f.default is MISSING and f.default_factory is MISSING:
            raise DataError(f"{where}: {f.name} is missing")
    return cls(**values)


class _Strict:
    __slots__ = ()

    @classmethod
    def model_validate(cls, raw: Any) -> Self:
        """`raw` (a loaded data file) as this type; `DataError` (or `re.error`) if it is not."""
        result: Self = _record(cls, raw, cls.__name__)
        return result


@dataclass(frozen=True, kw_only=True)
class WordsFile(_Strict):
    """stopwords.yaml: function words, words about the asking itself, and measurement words."""

    stopwords: list[str]
    # Words about the request rather than its subject ("model", "paper", "option"): they never
    # decide whether the sources cover a question, and a caveat never names them.
    meta: list[str]
    # Words asking for a released artefact (code, weights): a facet, never a topic.
    artefacts: list[str] = field(default_factory=list)
    # Measurements and resources: an ask about one that no source mentions is unanswered.
    hard: list[str]
    # A measurement word a block shows without writing it: a license by its name
    # ("Apache-2.0"), fps by "frames per second". Regular expressions per word.
    shown_by: dict[str, list[str]] = field(default_factory=dict)
    # Words asking what goes in and comes out: answered by the input and output found.
    io_words: list[str] = field(default_factory=list)
    # An English word -> how Chinese and Japanese pages write it (coverage of CJK blocks).
    glossary: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _regexes(self.shown_by.values())


@dataclass(frozen=True, kw_only=True)
class MeasuresFile(_Strict):
    """measures.yaml: asking for the extreme of a reported number, and bounds on another."""

    better: list[str]
    higher: list[str]
    lower: list[str]
    faster: list[str]
    lower_better: list[str]
    rates: list[str]
    quality: list[str]
    lower_bound: list[str]
    units: dict[str, list[str]]
    aliases: dict[str, list[str]] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    unfilled: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class CuesFile(_Strict):
    cues: dict[str, list[str]]
    kinds: dict[CueKind, list[str]]
    prepositions: list[str]
    determiners: list[str]

    def __post_init__(self) -> None:
        unknown = [c for labels in self.kinds.values() for c in labels if c not in self.cues]
        if unknown:
            raise DataError(f"cue kinds name unknown cues: {unknown}")


@dataclass(frozen=True, kw_only=True)
class IntentsFile(_Strict):
    intents: dict[Intent, list[str]]

    def __post_init__(self) -> None:
        _regexes(self.intents.values())


@dataclass(frozen=True, kw_only=True)
class TaskGroup(_Strict):
    modality: str
    domain: bool = True
    # What goes in and comes out, as one modality noun phrase each ("images", "text"); said
    # only when the chosen sources use its words too (see `bot.ground.labels`).
    input: str = ""
    output: str = ""
    tasks: dict[str, list[str] | None] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class TasksFile(_Strict):
    groups: dict[str, TaskGroup]


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
