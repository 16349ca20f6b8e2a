"""What is worked out of one answer object, once per object.

The extractive engine hands the same `Answer` (and parsed block) to every event that asks the
same question of the same block, and each event then wrote that answer's JSON up to five
times (the safety check, the history row, the render and picture cache keys, the stored
block): ~0.2 ms each for seed 000, a tenth of the bot's CPU per answered event. These memos
keep the result per object identity instead, which is sound because answers are values:
nothing changes an `Answer` once it is built (a changed copy is a new object, as
`model_copy` makes), or the engine's cache would already be wrong.

An entry holds its object, so that its `id` cannot be reused by another object while the
entry lives (and keeps it alive: hence the bounds on count and size, least recently used
first out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from bot.lru import LRU

T = TypeVar("T")
V = TypeVar("V")

ENTRIES = 64  # as many as the engine keeps answers (`bot.engines`)
JSON_CHARS = 8 * 1024 * 1024


class IdentityMemo(Generic[T, V]):
    def __init__(
        self, *, max_entries: int = ENTRIES, max_size: int | None = None,
        size: Callable[[V], int] = lambda _v: 1,
    ) -> None:
        self._items: LRU[int, tuple[T, V]] = LRU(
            max_entries=max_entries, max_size=max_entries if max_size is None else max_size,
            size=lambda entry: size(entry[1]),
        )

    def get(self, obj: T, compute: Callable[[T], V]) -> V:
        """`compute(obj)`, or what it returned for this same object before."""
        found = self._items.get(id(obj))
        if found is not None and found[0] is obj:
            return found[1]
        value = compute(obj)
        self._items.put(id(obj), (obj, value))
        return value

    def clear(self) -> None:
        self._items.clear()


class _Dumps(Protocol):
    def model_dump_json(self) -> str: ...


_JSON: IdentityMemo[_Dumps, str] = IdentityMemo(max_entries=4 * ENTRIES, max_size=JSON_CHARS,
                                                size=len)


def model_json(model: _Dumps) -> str:
    """`model.model_dump_json()`, written once per object (see the module doc)."""
    return _JSON.get(model, _dump)


def _dump(model: _Dumps) -> str:
    return model.model_dump_json()
