"""Wall-time samples of a call, shared by the benchmarks (not a bench itself: run.py only runs
bench_*.py)."""

from __future__ import annotations

import time
from collections.abc import Callable


def samples_ms(fn: Callable[[], object], runs: int, *, warmup: int = 1) -> list[float]:
    """Milliseconds of `runs` calls of `fn`, after `warmup` uncounted calls (warm caches)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples
