"""Cold start: a whole `sourcebound ask --format json` process on seed 000 against the naive
stdlib answerer (`naive_answer.py`), run A B A B so machine drift hits both alike.

Target (issue "Read any real paste"): the ratio of medians ≤ 6×. Beside wall time, each
process's CPU time (user + sys, from the OS's accounting of finished children): on a machine
shared with other work the wall time also counts waiting for a core, the CPU time does not.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seeds" / "000_23a8397bd7654137.txt"
ROUNDS = 15


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, _children_cpu() - cpu0


def main() -> None:
    cli = Path(sys.executable).with_name("sourcebound")
    ours = [str(cli), "ask", "--source", str(SEED), "--format", "json"]
    naive = [getattr(sys, "_base_executable", sys.executable), str(Path(__file__).with_name("naive_answer.py")), str(SEED)]
    _run(ours), _run(naive)  # warm the page cache
    a: list[tuple[float, float]] = []
    b: list[tuple[float, float]] = []
    for _ in range(ROUNDS):
        a.append(_run(ours))
        b.append(_run(naive))
    print(f"cold start (whole process, seconds, A B A B ×{ROUNDS})")
    print(f"{'command':34} {'':4} {'min':>7} {'median':>7} {'max':>7}")
    for kind, k in (("wall", 0), ("cpu", 1)):
        for name, xs in (("sourcebound ask --format json", a), ("naive stdlib answerer", b)):
            col = [x[k] for x in xs]
            print(f"{name:34} {kind:4} {min(col):7.3f} {statistics.median(col):7.3f} "
                  f"{max(col):7.3f}")
        ratios = sorted(x[k] / y[k] for x, y in zip(a, b, strict=True) if y[k] > 0)
        print(f"{'ratio A/B (pairwise)':34} {kind:4} {ratios[0]:7.2f} "
              f"{statistics.median(ratios):7.2f} {ratios[-1]:7.2f}   target ≤ 6.00")


if __name__ == "__main__":
    main()
