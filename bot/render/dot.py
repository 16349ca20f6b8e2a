"""Running Graphviz's `dot`: at most a few processes at once, and each picture drawn once.

`dot` costs ~55 ms of CPU per workflow, more than parsing and grounding the answer together,
so it bounded end-to-end throughput (31 answered events/s against 145 without it). Answers to
the same block (a follow-up, a re-ask, a channel asking about the same listing) have the same
DOT source, so the bytes are kept in an LRU cache bounded by entry count and total size; a
render already running for the same source is waited for instead of started twice. A
semaphore keeps `dot` processes to two at once: on two cores more would only contend with the
event loop and grounding, and a burst of new diagrams cannot fork one process per event.

Callers run in worker threads (`asyncio.to_thread`), hence the threading primitives.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from dataclasses import dataclass

from bot.lru import LRU

log = logging.getLogger(__name__)

PROCESSES = 2
CACHE_ENTRIES = 512
CACHE_BYTES = 32 * 1024 * 1024
TIMEOUT = 10.0

# What each output format must start with (after leading whitespace, for SVG's XML prolog).
_MAGIC = {"png": b"\x89PNG", "svg": b"<"}


@dataclass(frozen=True, slots=True)
class _Key:
    executable: str  # a resolved path: a different `dot` may draw differently (or fail)
    fmt: str
    source: str


class DotRunner:
    """Renders DOT text with a cache and a process limit; thread-safe."""

    def __init__(
        self, *, processes: int = PROCESSES, max_entries: int = CACHE_ENTRIES,
        max_bytes: int = CACHE_BYTES,
    ) -> None:
        self.cache: LRU[_Key, bytes] = LRU(max_entries=max_entries, max_size=max_bytes, size=len)
        self._lock = threading.Lock()
        self._running: dict[_Key, threading.Event] = {}
        self._slots = threading.BoundedSemaphore(max(1, processes))
        self.runs = 0  # dot processes started (tests, the benchmark)

    def cached(self, source: str, *, executable: str, fmt: str = "png") -> bytes | None:
        """The bytes drawn before for `source`, or None; never runs `dot`."""
        return self.cache.get(_Key(executable, fmt, source))

    def render(
        self, source: str, *, executable: str, fmt: str = "png", timeout: float = TIMEOUT
    ) -> bytes | None:
        """The picture's bytes, or None (logged) when `dot` fails, hangs or writes garbage."""
        key = _Key(executable, fmt, source)
        while True:
            with self._lock:
                found = self.cache.get(key)
                if found is not None:
                    return found
                running = self._running.get(key)
                if running is None:
                    mine = self._running[key] = threading.Event()
                    break
            # Someone is drawing this very picture: take theirs (or try ourselves if it failed).
            running.wait(timeout)
            if key in self.cache:
                continue
            return None if running.is_set() else self._run(key, timeout)
        try:
            data = self._run(key, timeout)
            if data is not None:
                self.cache.put(key, data)
            return data
        finally:
            with self._lock:
                del self._running[key]
            mine.set()

    def _run(self, key: _Key, timeout: float) -> bytes | None:
        with self._slots:
            with self._lock:
                self.runs += 1
            try:
                done = subprocess.run(
                    [key.executable, f"-T{key.fmt}"],
                    input=key.source.encode("utf-8"),
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                log.warning("graphviz failed: %s", exc)
                return None
        if done.returncode != 0 or not done.stdout.lstrip().startswith(_MAGIC[key.fmt]):
            log.warning(
                "graphviz exited %s: %s",
                done.returncode,
                done.stderr.decode("utf-8", "replace").strip()[:200],
            )
            return None
        return done.stdout


# One per process, like `functools.lru_cache`: the adapters, the console and the CLI all draw
# through `diagram_png`, and a cache only pays when they share it.
SHARED = DotRunner()
