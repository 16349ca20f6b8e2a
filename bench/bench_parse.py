"""Parser benchmark: time per parse and per MB for every format the parser reads.

    python bench/bench_parse.py        (or `make bench`)

Each format is measured on a real block of that format from tests/data (the seeds, the eval
cases and, when present, the real-paste corpus), and on that block repeated to just under the
1 MB size limit. Target: a 1 MB paste parses in <= 150 ms. Beside the wall time, the CPU time
of the process (the least of the runs): on a machine shared with other work the wall time
also counts time the parser waited for a core. Every timed parse starts with the URL caches
empty, as a new paste does.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from timing import samples_ms

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MB = 1_048_576
TARGET_MS = 150.0

if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))


def _samples() -> dict[str, str]:
    """One block per detected format: the largest of each."""
    from bot.parse import parse_block

    texts = [p.read_text(encoding="utf-8") for p in sorted((DATA / "seeds").glob("*.txt"))]
    for folder in ("eval", "real"):
        for case in sorted((DATA / folder).glob("*/source.txt")):
            texts.append(case.read_text(encoding="utf-8"))
    best: dict[str, str] = {}
    for text in texts:
        fmt = parse_block(text).format
        if len(text) > len(best.get(fmt, "")):
            best[fmt] = text
    return best


def _repeat(text: str) -> str:
    """`text` repeated (whole copies, one blank line apart) to just under 1 MB."""
    unit = text.rstrip() + "\n\n"
    copies = max(1, (MB - 64) // len(unit.encode("utf-8")))
    return unit * copies


def _cold(text: str) -> object:
    """`parse_block(text)` as a new paste meets it: the caches of the URL functions (bot.urls)
    and of link texts (bot.parse._markup) are emptied first, or each timed run would find
    the URLs of the run before it."""
    from bot import urls
    from bot.parse import _common, _markup, parse_block

    for fn in (urls.normalize_url, urls.clean_url, urls.link_kind, _markup._target,
               _markup.label_name, _common.is_paper_url):
        fn.cache_clear()
    return parse_block(text)


def _best_ms(fn: Callable[[], object], runs: int) -> float:
    return statistics.median(samples_ms(fn, runs))


def _cpu_ms(fn: Callable[[], object], runs: int) -> float:
    fn()
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        best = min(best, (time.process_time() - t0) * 1000)
    return best


def main() -> None:
    from bot.parse import parse_block

    rows = []
    for fmt, text in sorted(_samples().items()):
        one = _best_ms(lambda t=text: _cold(t), 20)
        big = _repeat(text)
        block = parse_block(big)
        mb_ms = _best_ms(lambda t=big: _cold(t), 3)
        cpu = _cpu_ms(lambda t=big: _cold(t), 3)
        size = len(big.encode("utf-8")) / MB
        rows.append((fmt, len(text), one, block.format, size, mb_ms, mb_ms / size, cpu / size))
    print("parse: real block, and the block repeated to ~1 MB (median wall ms; least CPU ms)")
    print(f"{'format':12} {'bytes':>8} {'ms':>8} | {'1MB as':12} {'MB':>5} {'ms':>8} {'ms/MB':>8}"
          f" {'cpu/MB':>8}")
    for fmt, n, one, big_fmt, size, mb_ms, per, cpu_per in rows:
        flag = "" if per <= TARGET_MS else f"  > {TARGET_MS:.0f} ms/MB target"
        print(f"{fmt:12} {n:8d} {one:8.2f} | {big_fmt:12} {size:5.2f} {mb_ms:8.1f} {per:8.1f}"
              f" {cpu_per:8.1f}{flag}")
    print(json.dumps({"parse_ms_per_mb": {r[0]: round(r[6], 1) for r in rows},
                      "parse_cpu_ms_per_mb": {r[0]: round(r[7], 1) for r in rows}}))


if __name__ == "__main__":
    main()
