"""Graphviz runs through `DotRunner`: a cache keyed by DOT source, bounded by entries and
bytes, at most two `dot` processes at once. Invocations are counted honestly by a `dot` shim
on PATH that logs each run and then executes the real Graphviz."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from bot.models import Step, Workflow
from bot.render.dot import DotRunner
from bot.render.png import cached_png, diagram_image, diagram_png

REAL_DOT = shutil.which("dot")
pytestmark = pytest.mark.skipif(REAL_DOT is None, reason="graphviz is not installed")


class Shim:
    """A `dot` on PATH that appends `start <ns>` / `end <ns>` to a log around the real one."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, pause: float = 0) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        self.log = tmp_path / "dot.log"
        self.log.touch()
        script = bin_dir / "dot"
        script.write_text(
            "#!/bin/sh\n"
            f'echo "start $(date +%s%N)" >> "{self.log}"\n'
            f"sleep {pause}\n"
            f'"{REAL_DOT}" "$@"; rc=$?\n'
            f'echo "end $(date +%s%N)" >> "{self.log}"\n'
            "exit $rc\n"
        )
        script.chmod(0o755)
        monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")

    @property
    def runs(self) -> int:
        return sum(line.startswith("start") for line in self.log.read_text().splitlines())

    def most_at_once(self) -> int:
        events = sorted(
            (int(stamp), 1 if kind == "start" else -1)
            for kind, stamp in (line.split() for line in self.log.read_text().splitlines())
        )
        now = peak = 0
        for _, step in events:
            now += step
            peak = max(peak, now)
        return peak


def _workflow(name: str) -> Workflow:
    return Workflow(
        steps=[Step(id="in", kind="input", label="images"),
               Step(id="m1", kind="model", label=name, source_ids=["m1"]),
               Step(id="out", kind="output", label="clean images")],
        edges=[("in", "m1"), ("m1", "out")],
    )


def test_the_same_diagram_is_drawn_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shim = Shim(tmp_path, monkeypatch)
    runner = DotRunner()
    first = diagram_png(_workflow("DeHazeFormer"), runner=runner)
    again = diagram_png(_workflow("DeHazeFormer"), runner=runner)
    assert first is not None and first == again
    assert shim.runs == 1
    assert (runner.runs, runner.cache.hits) == (1, 1)
    # Another picture, or the same one as SVG, is drawn anew.
    assert diagram_png(_workflow("Restormer"), runner=runner) is not None
    svg = diagram_image(_workflow("DeHazeFormer"), fmt="svg", runner=runner)
    assert svg is not None and b"<svg" in svg
    assert shim.runs == 3


def test_the_cache_is_bounded_by_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shim = Shim(tmp_path, monkeypatch)
    runner = DotRunner(max_entries=3)
    for name in ("A", "B", "C", "D", "E"):
        assert diagram_png(_workflow(name), runner=runner) is not None
    assert len(runner.cache) == 3
    assert diagram_png(_workflow("E"), runner=runner) is not None  # recent: kept
    assert shim.runs == 5
    assert diagram_png(_workflow("A"), runner=runner) is not None  # oldest: evicted, redrawn
    assert shim.runs == 6


def test_the_cache_is_bounded_by_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Shim(tmp_path, monkeypatch)
    one = diagram_png(_workflow("A"), runner=DotRunner())
    assert one is not None
    runner = DotRunner(max_bytes=int(len(one) * 2.5))
    for name in ("A", "B", "C", "D"):
        assert diagram_png(_workflow(name), runner=runner) is not None
        assert runner.cache.size <= runner.cache.max_size
    assert 1 <= len(runner.cache) <= 2
    # A picture larger than the whole budget is returned but never kept.
    tiny = DotRunner(max_bytes=10)
    assert diagram_png(_workflow("A"), runner=tiny) is not None
    assert len(tiny.cache) == 0 and tiny.cache.size == 0


def test_at_most_two_dot_processes_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shim = Shim(tmp_path, monkeypatch, pause=0.3)
    runner = DotRunner(processes=2)
    results: list[bytes | None] = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(
            diagram_png(_workflow(f"model {n}"), runner=runner)))
        for n in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 6 and all(r is not None for r in results)
    assert shim.runs == 6
    assert shim.most_at_once() == 2


def test_one_diagram_asked_at_once_is_drawn_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shim = Shim(tmp_path, monkeypatch, pause=0.3)
    runner = DotRunner()
    results: list[bytes | None] = []
    threads = [
        threading.Thread(target=lambda: results.append(
            diagram_png(_workflow("same"), runner=runner)))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 5 and len(set(results)) == 1 and results[0] is not None
    assert shim.runs == 1


def test_a_failed_drawing_is_not_kept(tmp_path: Path) -> None:
    broken = tmp_path / "dot"
    broken.write_text("#!/bin/sh\necho 'syntax error' >&2\nexit 1\n")
    broken.chmod(0o755)
    runner = DotRunner()
    assert diagram_png(_workflow("A"), executable=str(broken), runner=runner) is None
    assert len(runner.cache) == 0
    assert diagram_png(_workflow("A"), runner=runner) is not None  # the real dot still draws


def test_a_drawn_diagram_is_at_hand_without_running_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shim = Shim(tmp_path, monkeypatch)
    runner = DotRunner()
    workflow = _workflow("DehazeFormer-cached")
    assert cached_png(workflow, runner=runner) is None and shim.runs == 0  # never draws
    drawn = diagram_png(workflow, runner=runner)
    assert drawn is not None and cached_png(workflow, runner=runner) == drawn
    assert shim.runs == 1 and runner.runs == 1
    assert cached_png(Workflow(steps=[], edges=[]), runner=runner) is None
