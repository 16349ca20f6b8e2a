"""The task vocabulary (data/tasks.yaml) and a phrase matcher over stemmed words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.ground.lexicon import zipf
from bot.ground.schema import TaskGroup, cues_file, tasks_file
from bot.ground.text import full_stem, snowball_key, stems, stopwords


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
        # The same phrases split for `hits`: one-stem phrases by their stem, longer ones by
        # their first two stems (longest first), so most positions cost one or two lookups.
        self._single: dict[str, str] = {}
        self._multi: dict[tuple[str, str], list[tuple[int, dict[tuple[str, ...], str]]]] = {}
        for first, by_length in tables.items():
            for k, table in by_length:
                if k == 1:
                    self._single[first] = table[(first,)]
                    continue
                for key, label in table.items():
                    pair = self._multi.setdefault((key[0], key[1]), [])
                    if not pair or pair[-1][0] != k:
                        pair.append((k, {}))
                    pair[-1][1][key] = label

    def match(self, seq: Sequence[str]) -> Counter[str]:
        """Label -> number of phrase occurrences (longest phrase wins at each position)."""
        return Counter(label for _, _, label in self.hits(seq))

    def hits(self, seq: Sequence[str]) -> list[tuple[int, int, str]]:
        """(start, end, label) of the longest phrase at each position. Hits may overlap, but
        one wholly inside an earlier, longer hit is no mention of its own: "preference
        optimization" names alignment, not also optimization, and "Faster R-CNN" names
        object detection once."""
        found: list[tuple[int, int, str]] = []
        tables, single, multi, n = self._tables, self._single, self._multi, len(seq)
        cover = 0
        # Hot path: visit only positions that start a phrase.
        for i in [i for i, s in enumerate(seq) if s in tables]:
            label, end = None, 0
            longer = multi.get((seq[i], seq[i + 1])) if i + 1 < n else None
            if longer:
                for k, table in longer:
                    if i + k <= n:
                        label = table.get(tuple(seq[i : i + k]))
                        if label is not None:
                            end = i + k
                            break
            if label is None:
                label, end = single.get(seq[i]), i + 1
            if label is not None and end > cover:
                cover = end
                found.append((i, end, label))
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


# Endings that make other English words from a stem: "token" + "" is "token", "optim" + "al"
# is "optimal", "explain" + "ed" is "explained".
_ENDINGS = (
    "", "s", "e", "es", "ed", "ing", "er", "ers", "al", "ally", "ic", "ical", "y", "ity",
    "ive", "ous", "ate", "ment", "ence", "ance", "able", "ion", "ism", "ist", "ize", "ise",
    "ful", "ness", "ly", "ure", "or", "ary", "ory",
)
# A word at least this common (wordfreq's Zipf scale: 3 is "latency", 4 "accuracy") can
# take over a stem.
COMMON_CLASH = 3.0


def word_forms(word: str) -> set[str]:
    """The forms a listed word is written in: itself and its plural (or singular):
    "tokenizer" -> "tokenizers". Other forms match only when listed themselves."""
    if word.endswith("s") and not word.endswith("ss"):
        return {word, word[:-1]}
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return {word, word[:-1] + "ies"}
    return {word, word + ("es" if word.endswith(("ss", "x", "z", "ch", "sh")) else "s")}


def _inflection_base(word: str) -> str:
    """`word` without a plural, -ed or -ing ending."""
    for end in ("ing", "ed", "es", "s"):
        if word.endswith(end) and not word.endswith("ss") and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


def over_stemmed(
    families: Mapping[tuple[str, str], Sequence[str]], zipf: Callable[[str], float]
) -> dict[tuple[str, str], set[str]]:
    """The (label, stem key) families of one-word synonyms whose key some other word owns,
    each with the word forms that alone may match it.

    Snowball stems "tokenization" and "tokenizer" to "token", "optimization" to "optim" (as
    "optimal"), "generalization" to "general": every "tokens" or "in general" would be a
    task hit. A family is over-stemmed when a word it does not list shares its key and is
    more common than every word it lists (the key mostly means that other word), or when
    another task's one-word synonyms share its key ("electrocardiogram" and
    "electroencephalography" both cut to "electro").
    """
    by_key: dict[str, list[str]] = {}
    for label, key in families:
        by_key.setdefault(key, []).append(label)
    out: dict[tuple[str, str], set[str]] = {}
    for (label, key), listed in families.items():
        forms = set().union(*(word_forms(w) for w in listed))
        if len(by_key[key]) > 1:
            out[(label, key)] = forms
            continue
        # Only a key Snowball made by cutting off more than an inflection is at risk:
        # "flooding" -> "flood" joins the word's own forms, "tokenization" -> "token" does not.
        if any(len(key) > len(_inflection_base(w)) - 2 for w in listed):
            continue
        most = max(zipf(f) for f in forms)
        bases = {full_stem(w) for w in listed} | {key}
        if any(
            c not in forms and zipf(c) >= max(COMMON_CLASH, most) and snowball_key(c) == key
            for c in {b + e for b in bases for e in _ENDINGS}
        ):
            out[(label, key)] = forms
    return out


@lru_cache(maxsize=1)
def surface_keys() -> dict[str, str]:
    """Word -> its own stem key, for the word forms of over-stemmed one-word synonyms
    (`over_stemmed`): the forms of one family share one key that no other word has."""
    families: dict[tuple[str, str], list[str]] = {}
    for spec in tasks_file().groups.values():
        for label, syns in spec.tasks.items():
            for phrase in {label, *(syns or ())}:
                w = phrase.lower()
                if len(w) > 3 and w.isalpha():
                    families.setdefault((label, snowball_key(w)), []).append(w)
    out: dict[str, str] = {}
    for (label, key), forms in sorted(over_stemmed(families, zipf).items()):
        # "~" never occurs in a stem, so the key meets only these forms.
        mark = f"{min(families[(label, key)], key=lambda w: (len(w), w))}~"
        for f in sorted(forms):
            out.setdefault(f, mark)
    return out
