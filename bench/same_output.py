"""Guard for parser speed work: every answer and every parse is byte-identical before/after.

    python bench/same_output.py write BEFORE.json     (on the commit before the change)
    python bench/same_output.py check BEFORE.json     (after it: lists what differs)

Covered: the `sourcebound ask --format json` output (the same `answer_text` call and dump as
the CLI, in one process) of every case under tests/data/real, tests/data/eval, the shared
eval cases and the held-out folders when present, and of every seed; plus the `parse_block`
dump of each bench input (each format's block and that block repeated to ~1 MB, the texts
the speed work is measured on). Not a bench itself (run.py only runs bench_*.py).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CASE_DIRS = [ROOT / "tests" / "data" / "real", ROOT / "tests" / "data" / "eval",
             Path("/work/shared/eval/cases"), *sorted(Path("/work").glob("heldout*"))]


def _key(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _answer(source: Path, question: str | None) -> str:
    from bot.cli import read_source
    from bot.defaults import DefaultLimits
    from bot.pipeline import answer_text

    limits = DefaultLimits()
    try:
        text = read_source(str(source), max_bytes=limits.max_source_bytes)
        return answer_text(text, question, limits=limits).model_dump_json(indent=2)
    except Exception as exc:  # noqa: BLE001 - an error case's error is its output
        return f"error: {type(exc).__name__}: {exc}"


def outputs() -> dict[str, str]:
    from bench_parse import _repeat, _samples

    from bot.parse import parse_block

    out: dict[str, str] = {}
    for folder in CASE_DIRS:
        for case in sorted(folder.glob("*/case.json")):
            spec = json.loads(case.read_text(encoding="utf-8"))
            out[_key(case.parent)] = _answer(case.parent / "source.txt", spec.get("question"))
    for seed in sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt")):
        out[_key(seed)] = _answer(seed, None)
    for fmt, text in sorted(_samples().items()):
        out[f"parse:{fmt}"] = parse_block(text).model_dump_json()
        out[f"parse:{fmt}:1MB"] = parse_block(_repeat(text)).model_dump_json()
    return out


def main() -> int:
    mode, path = sys.argv[1], Path(sys.argv[2])
    now = outputs()
    if mode == "write":
        path.write_text(json.dumps(now), encoding="utf-8")
        print(f"{len(now)} outputs written to {path}")
        return 0
    before = json.loads(path.read_text(encoding="utf-8"))
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in differ:
        print("DIFFERS:", key)
    digest = hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16]
    print(f"{len(now) - len(differ)}/{len(now)} identical (sha256 {digest})")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
