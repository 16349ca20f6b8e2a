"""Run every bench/bench_*.py's `main()` (core first) and print their tables: `make bench`.

Each bench runs in its own interpreter so one bench's peak RSS, imports, logging setup or
event-loop policy cannot colour another's numbers, and a failing bench does not hide the rest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Tables only: bm25s sets its own logger to DEBUG, so quieten logging before the bench runs.
_RUNNER = """
import logging, sys
sys.path[:0] = [{here!r}, {root!r}]
handler = logging.StreamHandler(sys.stderr)
handler.setLevel(logging.WARNING)
logging.basicConfig(level=logging.WARNING, handlers=[handler])
import {name}
{name}.main()
"""


def _benches() -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    return sorted(found, key=lambda p: (p.stem != "bench_core", p.stem))


def main() -> int:
    failed = []
    for path in _benches():
        code = _RUNNER.format(here=str(HERE), root=str(ROOT), name=path.stem)
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
        if done.returncode != 0:
            failed.append(path.name)
        print(flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
