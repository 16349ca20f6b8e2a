"""The task vocabulary (data/tasks.yaml) and a phrase matcher over stemmed words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.ground.schema import TaskGroup, cues_file, tasks_file
from bot.ground.text import stems, stopwords


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

    def __init__(self, phrases: Mapping[str, Sequence[str]], *, reversible: bool = False) -> None:
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        keys: dict[tuple[str, ...], str] = {}
        for label, synonyms in phrases.items():
            for phrase in {label, *synonyms}:
                key = tuple(stems(str(phrase)))
                if key:
                    keys.setdefault(key, label)
        if reversible:
            # A two-word term is as often written verb-first: "LLM alignment" / "aligning
            # LLMs", "object detection" / "detect objects". A listed phrase keeps its own label.
            stop = stopwords()
            for key, label in list(keys.items()):
                if len(key) == 2 and not set(key) & stop and key[0] != key[1]:
                    keys.setdefault((key[1], key[0]), label)
        for key, label in keys.items():
            index.setdefault(key[0], []).append((key, label))
        for entries in index.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._index = index
        # Per first stem, one table per phrase length, longest first: a position costs one dict
        # lookup per length instead of one comparison per phrase.
        tables: dict[str, list[tuple[int, dict[tuple[str, ...], str]]]] = {}
        for first, entries in index.items():
            by_len: dict[int, dict[tuple[str, ...], str]] = {}
            for key, label in entries:
                by_len.setdefault(len(key), {}).setdefault(key, label)
            tables[first] = sorted(by_len.items(), key=lambda t: -t[0])
        self._tables = tables

    def match(self, seq: Sequence[str]) -> Counter[str]:
        """Label -> number of phrase occurrences (longest phrase wins at each position)."""
        return Counter(label for _, _, label in self.hits(seq))

    def hits(self, seq: Sequence[str]) -> list[tuple[int, int, str]]:
        """(start, end, label) of the longest phrase at each position (they may overlap)."""
        found: list[tuple[int, int, str]] = []
        tables, n = self._tables, len(seq)
        # Hot path: visit only positions that start a phrase.
        for i in [i for i, s in enumerate(seq) if s in tables]:
            for k, table in tables[seq[i]]:
                if i + k > n:
                    continue
                label = table.get(tuple(seq[i : i + k]))
                if label is not None:
                    found.append((i, i + k, label))
                    break
        return found

    def spans(self, seq: Sequence[str]) -> list[tuple[int, int, str]]:
        """(start, end, label) of the longest phrase at each position, non-overlapping."""
        out: list[tuple[int, int, str]] = []
        index, n, i = self._index, len(seq), 0
        while i < n:
            for key, label in index.get(seq[i], ()):
                k = len(key)
                if k == 1 or (i + k <= n and tuple(seq[i : i + k]) == key):
                    out.append((i, i + k, label))
                    i += k - 1
                    break
            i += 1
        return out


class Vocabulary:
    def __init__(self, groups: Mapping[str, TaskGroup]) -> None:
        self.info: dict[str, TaskInfo] = {}
        synonyms: dict[str, list[str]] = {}
        for group, spec in groups.items():
            for label, syns in spec.tasks.items():
                self.info[label] = TaskInfo(
                    label=label, group=group, modality=spec.modality, domain=spec.domain,
                    input=spec.input, output=spec.output,
                )
                synonyms[label] = list(syns or ())
        self.matcher = PhraseMatcher(synonyms, reversible=True)

    def match(self, seq: Sequence[str]) -> Counter[str]:
        return self.matcher.match(seq)

    def hits(self, seq: Sequence[str]) -> list[tuple[int, int, str]]:
        return self.matcher.hits(seq)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary(tasks_file().groups)


@lru_cache(maxsize=1)
def cue_matcher() -> PhraseMatcher:
    return PhraseMatcher(cues_file().cues)
