from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from bot.models import Step, Workflow
from bot.render.png import diagram_png, dot_source
from tests.render.sample import reference_workflow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _dimensions(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_MAGIC
    length, kind = struct.unpack(">I4s", png[8:16])
    assert kind == b"IHDR" and length == 13
    w, h = struct.unpack(">II", png[16:24])
    return w, h


def test_renders_a_real_png() -> None:
    png = diagram_png(reference_workflow(), title="How does it generalize?")
    assert png is not None
    w, h = _dimensions(png)
    assert 100 < w < 5000 and 50 < h < 5000


def test_hostile_labels_are_quoted_not_interpreted() -> None:
    wf = Workflow(steps=[Step(id="a", kind="model", label='<b>x</b> "q" \\N \\G'),
                         Step(id="b b", kind="output", label="}; digraph evil {")],
                  edges=[("a", "b b")])
    source = dot_source(wf)
    assert 'label="<b>x</b> \\"q\\" \\\\N \\\\G' in source
    png = diagram_png(wf)
    assert png is not None and png.startswith(PNG_MAGIC)


def test_none_when_dot_is_not_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert diagram_png(reference_workflow()) is None


def _fake_dot(tmp_path: Path, body: str) -> str:
    script = tmp_path / "dot"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return str(script)


def test_none_when_dot_fails(tmp_path: Path) -> None:
    fake = _fake_dot(tmp_path, "echo 'syntax error' >&2; exit 3")
    assert diagram_png(reference_workflow(), executable=fake) is None


def test_none_when_dot_hangs(tmp_path: Path) -> None:
    fake = _fake_dot(tmp_path, "exec sleep 30")
    assert diagram_png(reference_workflow(), executable=fake, timeout=0.3) is None


def test_none_for_an_empty_workflow() -> None:
    assert diagram_png(Workflow()) is None
    assert os.environ["PATH"]  # the monkeypatched PATH above did not leak


def test_the_dot_lookup_is_remembered_per_path(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    from bot.render import png

    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    fake = _fake_dot(first, "exit 0")
    monkeypatch.setenv("PATH", str(first))
    assert png.find_executable("dot") == fake
    Path(fake).unlink()  # not stat-ed again: the remembered path stands
    assert png.find_executable("dot") == fake
    monkeypatch.setenv("PATH", str(second))  # another PATH is looked up on its own
    assert png.find_executable("dot") is None
    again = _fake_dot(second, "exit 0")
    assert png.find_executable("dot") is None  # a miss is remembered for a while ...
    monkeypatch.setattr(png, "MISS_RECHECK", 0.0)
    assert png.find_executable("dot") == again  # ... then looked up again
