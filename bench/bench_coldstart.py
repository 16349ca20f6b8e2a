"""Cold start: a whole `sourcebound ask --format json` process on seed 000 against the naive
stdlib answerer (`naive_answer.py`), run A B A B so machine drift hits both alike.

Target (issue "Read any real paste"): the ratio of medians ≤ 6×.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seeds" / "000_23a8397bd7654137.txt"
ROUNDS = 15


def _wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    cli = Path(sys.executable).with_name("sourcebound")
    ours = [str(cli), "ask", "--source", str(SEED), "--format", "json"]
    naive = [getattr(sys, "_base_executable", sys.executable), str(Path(__file__).with_name("naive_answer.py")), str(SEED)]
    _wall(ours), _wall(naive)  # warm the page cache
    a: list[float] = []
    b: list[float] = []
    for _ in range(ROUNDS):
        a.append(_wall(ours))
        b.append(_wall(naive))
    ratios = sorted(x / y for x, y in zip(a, b, strict=True))
    print(f"cold start (whole process, wall seconds, A B A B ×{ROUNDS})")
    print(f"{'command':34} {'min':>7} {'median':>7} {'max':>7}")
    for name, xs in (("sourcebound ask --format json", a), ("naive stdlib answerer", b)):
        print(f"{name:34} {min(xs):7.3f} {statistics.median(xs):7.3f} {max(xs):7.3f}")
    print(f"{'ratio A/B (pairwise)':34} {ratios[0]:7.2f} {statistics.median(ratios):7.2f} "
          f"{ratios[-1]:7.2f}   target ≤ 6.00")


if __name__ == "__main__":
    main()
