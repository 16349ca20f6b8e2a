"""The curated task vocabulary (data/tasks.yaml) and a phrase matcher over stemmed words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.ground.text import load_data, stems


@dataclass(frozen=True)
class TaskInfo:
    label: str
    group: str
    modality: str
    domain: bool
    input: str
    output: str


class PhraseMatcher:
    """Finds vocabulary phrases in a stem sequence; index by first stem keeps it linear."""

    def __init__(self, phrases: Mapping[str, Sequence[str]]) -> None:
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for label, synonyms in phrases.items():
            for phrase in {label, *synonyms}:
                key = tuple(stems(str(phrase)))
                if key:
                    index.setdefault(key[0], []).append((key, label))
        for entries in index.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._index = index

    def match(self, seq: Sequence[str]) -> Counter[str]:
        """Label -> number of phrase occurrences (longest phrase wins at each position)."""
        found: Counter[str] = Counter()
        n = len(seq)
        for i, s in enumerate(seq):
            for key, label in self._index.get(s, ()):
                if tuple(seq[i : i + len(key)]) == key and i + len(key) <= n:
                    found[label] += 1
                    break
        return found


class Vocabulary:
    def __init__(self, groups: Mapping[str, Mapping[str, Any]]) -> None:
        self.info: dict[str, TaskInfo] = {}
        synonyms: dict[str, list[str]] = {}
        for group, spec in groups.items():
            io = spec.get("io") or {}
            for label, syns in spec["tasks"].items():
                inp, out = io.get(label, (spec["input"], spec["output"]))
                self.info[label] = TaskInfo(
                    label=label, group=group, modality=str(spec["modality"]),
                    domain=bool(spec.get("domain", True)), input=str(inp), output=str(out),
                )
                synonyms[label] = [str(s) for s in syns or ()]
        self.matcher = PhraseMatcher(synonyms)

    def match(self, seq: Sequence[str]) -> Counter[str]:
        return self.matcher.match(seq)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    raw = load_data("tasks.yaml")
    return Vocabulary(raw["groups"])


@lru_cache(maxsize=1)
def cue_matcher() -> PhraseMatcher:
    raw = load_data("cues.yaml")
    return PhraseMatcher({str(k): [str(x) for x in v] for k, v in raw["cues"].items()})
