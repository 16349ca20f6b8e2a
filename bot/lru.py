"""A small thread-safe LRU map bounded by entry count and by total size.

Used where a pure, costly result is asked for again with the same input: Graphviz pictures
by DOT source (`bot.render.dot`) and extractive answers by block and question
(`bot.engines`). Callers run in worker threads (`asyncio.to_thread`), hence the lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(
        self, *, max_entries: int, max_size: int, size: Callable[[V], int] = lambda _v: 1
    ) -> None:
        self.max_entries = max_entries
        self.max_size = max_size
        self._sizeof = size
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """The summed size of what is kept (bytes, for byte-sized values)."""
        return self._total

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def __contains__(self, key: K) -> bool:
        with self._lock:
            return key in self._items

    def put(self, key: K, value: V) -> None:
        """Keep `value`, dropping the least recently used until both bounds hold. A value
        larger than the whole size budget is not kept at all."""
        weight = self._sizeof(value)
        if weight > self.max_size or self.max_entries <= 0:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= old[1]
            self._items[key] = (value, weight)
            self._total += weight
            while len(self._items) > self.max_entries or self._total > self.max_size:
                _, (_, dropped) = self._items.popitem(last=False)
                self._total -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._total = 0
