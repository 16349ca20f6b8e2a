"""What goes in and what comes out, as the sources say it.

In order: a declared task of the form "X-to-Y" (a model card's pipeline_tag "text-to-image", a
metafile's Task), then the sources' own wording ("given X, … predicts Y", "takes X as input",
"maps X to Y", "generates Y from X", an "X-to-Y" compound in a title), then the task group's
plain modality noun when the sources use that word too. Nothing else: a side that the sources
do not state stays empty rather than filled with a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.ground.relevance import Doc
from bot.ground.schema import tasks_file
from bot.ground.tasks import TaskInfo
from bot.ground.text import stems

MAX_WORDS = 6
_NP = r"((?:an? |the |their |its )?[A-Za-z][\w-]*(?: [A-Za-z][\w-]*){0,%s}?)" .replace(
    "%s", str(MAX_WORDS - 1)
)
_STOP_NP = r"(?=[,.;:()]|\s+(?:and|with|by|using|via|in|at|for|that|which|to|while|under)\b|$)"
_PATTERNS = (
    # (pattern, group of the input, group of the output)
    (re.compile(r"\bgiven " + _NP + r",?\s+(?:[\w-]+ ){0,4}?(?:predicts?|generates?|outputs?|"
                r"produces?|estimates?|returns?|recovers?|forecasts?|reconstructs?) " + _NP
                + _STOP_NP, re.IGNORECASE), 1, 2),
    (re.compile(r"\bmaps? " + _NP + r" (?:in)?to " + _NP + _STOP_NP, re.IGNORECASE), 1, 2),
    (re.compile(r"\b(?:generates?|produces?|synthesi[sz]es?|predicts?|estimates?|recovers?|"
                r"restores?|forecasts?) " + _NP + r" from " + _NP + _STOP_NP, re.IGNORECASE), 2, 1),
    (re.compile(r"\btakes? " + _NP + r" as inputs?\b", re.IGNORECASE), 1, 0),
)
_TO = re.compile(r"\b([A-Za-z]+(?:[ -][A-Za-z]+)?)-to-([A-Za-z]+(?:-[A-Za-z]+)?)\b")
_DECLARED = ("pipeline_tag", "task")
_IO_FIELD = re.compile(r"^(input|output)(?:\s+(?:types?|type\(s\)|modalit(?:y|ies)|format))?$",
                       re.IGNORECASE)


@lru_cache(maxsize=1)
def _data_nouns() -> frozenset[str]:
    """Stems of the words the vocabulary uses for data (its groups' modalities and inputs and
    outputs): "end-to-end" or "state-of-the-art" name no data, "text-to-image" does."""
    out: set[str] = set()
    for group in tasks_file().groups.values():
        for phrase in (group.modality, group.input, group.output):
            out.update(s for s in stems(phrase) if s.isalpha() and len(s) > 2)
    return frozenset(out - {"and", "or", "the", "data", "kind", "any"})


def _names_data(phrase: str) -> bool:
    return any(s in _data_nouns() for s in stems(phrase))


def _clean(np: str) -> str:
    np = re.sub(r"^(?:an? |the |their |its )", "", np.strip(), flags=re.IGNORECASE)
    return np if 0 < len(np.split()) <= MAX_WORDS else ""


def _declared(doc: Doc) -> tuple[str, str]:
    for key in _DECLARED:
        m = _TO.search(doc.source.meta.get(key, "").replace("_", "-"))
        if m and _names_data(m.group(1)) and _names_data(m.group(2)):
            return m.group(1).replace("-", " "), m.group(2).replace("-", " ")
    # A card's own "Input Type(s): Text (Protein Sequences)" / "Output Type(s): Embeddings".
    found = {side: _clean(v) for k, v in doc.source.meta.items()
             if (m := _IO_FIELD.match(k)) and (side := m.group(1).lower())}
    return found.get("input", ""), found.get("output", "")


def _stated(doc: Doc) -> tuple[str, str]:
    inp = out = ""
    for text in (doc.source.name, doc.source.summary):
        for pat, gi, go in _PATTERNS:
            m = pat.search(text)
            if m:
                inp = inp or (_clean(m.group(gi)) if gi else "")
                out = out or (_clean(m.group(go)) if go else "")
        if inp and out:
            break
    if not (inp and out):
        m = _TO.search(doc.source.name)
        if m and _names_data(m.group(1)) and _names_data(m.group(2)):
            inp, out = inp or m.group(1).lower(), out or m.group(2).lower()
    return inp, out


def _used(noun: str, docs: Sequence[Doc]) -> bool:
    """Every word of `noun` occurs in one of `docs`."""
    want = [s for s in stems(noun) if s.isalpha() and s not in ("and", "or")]
    return bool(want) and any(all(s in d.termset for s in want) for d in docs)


def data_io(docs: Sequence[Doc], info: TaskInfo | None) -> tuple[str, str]:
    inp = out = ""
    for d in docs:
        a, b = _declared(d)
        inp, out = inp or a, out or b
    for d in docs:
        if inp and out:
            break
        a, b = _stated(d)
        inp, out = inp or a, out or b
    if info is not None:
        if not inp and info.input and _used(info.input, docs):
            inp = info.input
        if not out and info.output and _used(info.output, docs):
            out = info.output
    return inp, out
