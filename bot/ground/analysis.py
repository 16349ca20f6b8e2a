"""Everything about a block that no question changes, worked out once per block.

A follow-up in a thread asks about the same block again; its sources' analysis (tokens, stems,
vocabulary hits), the words coverage checks against, and the block text's lowercased form are
kept in a small LRU keyed by the block's content, so the follow-up pays only for the question.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.ground.coverage import CJK, Known, key
from bot.ground.invariants import BlockText
from bot.ground.labels import salient
from bot.ground.relevance import Doc, analyse_source
from bot.ground.schema import measures_file, words_file
from bot.ground.tasks import vocabulary
from bot.models import SourceBlock
from bot.urls import link_kind

CACHE_BLOCKS = 16
RELEASED = ("code", "released", "release", "implementation", "available", "open", "source",
            "github", "repository", "weights", "checkpoints", "pretrained")
MAX_COVERS = 3
_HEADING = re.compile(r"^[^\S\n]*#{1,6}[^\S\n]+([^\n]+)|<h[1-6][^>]*>(.*?)</h[1-6]>", re.MULTILINE | re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*|[0-9]+(?:[.,][0-9]+)*")


@dataclass(frozen=True)
class Analysis:
    docs: list[Doc]
    # Coverage keys of every word the block's sources hold, its own question excepted.
    known: Known
    text: BlockText
    # The block's main tasks, for saying what the sources do cover.
    covers: list[str]


def _known(block: SourceBlock, docs: list[Doc]) -> Known:
    text = block.text
    # The block's own question and instructions are not evidence that it answers anything.
    for part in (block.question, block.instructions):
        if part:
            text = text.replace(part, " ")
    if (cut := _works_start(block)) > 0:
        # A listing's question is about its works: what its wrapper writes above the first
        # of them (a digest's search query, its notes) answers nothing. Its headings say
        # what the works are.
        head = text[:cut]
        text = "\n".join(m.group(1) or m.group(2) or "" for m in _HEADING.finditer(head)) \
            + "\n" + text[cut:]
    # Each distinct word once: a long listing repeats most of its words many times.
    found = {key(w) for w in set(_WORD.findall(text.lower()))}
    low = text.lower()
    shown: dict[str, Callable[[], bool]] = {}
    for word, pattern in _shown_by().items():
        # Searched on first need: six patterns over a 250 KB listing cost ~60 ms, and most
        # questions ask for none of these measurements.
        check = functools.cache(lambda pattern=pattern: pattern.search(low) is not None)
        for k in {key(word), *(key(w) for w in word.split())}:  # "sampling rate": each word
            previous = shown.get(k)
            shown[k] = check if previous is None else _either(previous, check)
    # A code or model link is the block's way of saying the code or weights are released.
    kinds = {link_kind(u) for u in block.links}
    if kinds & {"github", "huggingface"}:
        found.update(key(w) for w in (*RELEASED, *words_file().artefacts))
    if "huggingface" in kinds:
        found.update(key(w) for w in ("hugging", "face", "hf"))  # the host as people say it
    if CJK.search(text):
        # A Chinese or Japanese block writes the question's English words its own way.
        for english, forms in words_file().glossary.items():
            if any(f in text for f in forms):
                found.update(key(w) for w in _WORD.findall(english.lower()))
    heads: set[str] = set()
    for d in docs:
        found.update(d.termset)
        for v in d.source.meta.values():
            found.update(key(w) for w in set(_WORD.findall(v.lower())))
        heads.update(d.source.meta)
    # A column head names what its cells report ("Params (M)" answers "how many parameters"),
    # in full as well as shortened.
    short = measures_file().abbreviations
    for h in heads:
        for w in _WORD.findall(h.lower()):
            found.add(key(w))
            if w in short:
                found.update(key(x) for x in _WORD.findall(short[w]))
    return Known(found, shown, low)


def _works_start(block: SourceBlock) -> int:
    """Where a listing's first work is written (0 when the block is no listing or its
    works' names cannot be found)."""
    if len(block.sources) < 2 or any(s.role not in ("listed", "related") for s in block.sources):
        return 0
    at = [i for s in block.sources if len(s.name) >= 8 and (i := block.text.find(s.name[:40])) >= 0]
    return min(at) if at else 0


def _either(a: Callable[[], bool], b: Callable[[], bool]) -> Callable[[], bool]:
    return lambda: a() or b()


@lru_cache(maxsize=1)
def _shown_by() -> dict[str, re.Pattern[str]]:
    return {w: re.compile("|".join(f"(?:{p})" for p in ps)) for w, ps in words_file().shown_by.items()}


def covers(docs: list[Doc]) -> list[str]:
    """The application tasks most of the block's sources are about."""
    info = vocabulary().info
    count: Counter[str] = Counter()
    for d in docs:
        for lab in salient(d):
            if info[lab].domain:
                count[lab] += 1
    return [lab for lab, _ in count.most_common(MAX_COVERS)]


class _Cache:
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, Analysis] = OrderedDict()
        # Answers may be computed in worker threads (asyncio.to_thread): guard the dict.
        self._lock = threading.Lock()

    def get(self, block: SourceBlock) -> Analysis:
        k = _block_key(block)
        with self._lock:
            hit = self._items.get(k)
            if hit is not None:
                self._items.move_to_end(k)
                return hit
        docs = [analyse_source(s) for s in block.sources]
        made = Analysis(docs=docs, known=_known(block, docs), text=BlockText(block.text),
                        covers=covers(docs))
        with self._lock:
            self._items[k] = made
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return made


    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _block_key(block: SourceBlock) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(block.text.encode("utf-8", "surrogatepass"))
    # The parser is deterministic, so the text nearly decides the block; what a caller may
    # have changed on top (question, roles, names, meta) is added cheaply.
    parts = [block.format, block.question or "", block.instructions or ""]
    for s in block.sources:
        # Worked out on every answer (the cache lookup): most sources of a listing have no
        # fields, and an empty mapping's repr needs no sorting.
        parts += [s.id, s.kind, s.role, s.name, str(len(s.summary)), str(hash(s.summary)),
                  repr(sorted(s.meta.items())) if s.meta else "[]", " ".join(s.urls)]
    h.update("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


_CACHE = _Cache(CACHE_BLOCKS)


def analyse_block(block: SourceBlock) -> Analysis:
    return _CACHE.get(block)


def clear_cache() -> None:
    """Forget every analysed block (benchmarks measure a first answer with it)."""
    _CACHE.clear()
