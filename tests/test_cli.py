"""`sourcebound ask` in-process (through `main`) and once as the installed console script."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.models import Answer
from tests.conftest import EXAMPLE

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_json_is_the_answer_contract(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(capsys, "ask", "--source", str(EXAMPLE), "--format", "json")
    assert rc == 0, err
    answer = Answer.model_validate_json(out)
    assert "generalizable" in answer.question  # taken from the block itself
    assert answer.engine == "extractive"
    assert {s.kind for s in answer.sources} == {"model", "paper"}


def test_markdown_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "ask", "--source", str(EXAMPLE))
    assert rc == 0
    assert out.index("## 1. Task") < out.index("## 2. Workflow") < out.index("## 3. Links")
    assert "https://github.com/xiaojihh/cl_all-in-one" in out


def test_question_flag_and_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes())))
    rc, out, err = _run(capsys, "ask", "--source", "-", "--question", "Which model removes haze?",
                        "--format", "json", "-v")
    assert rc == 0, err
    assert Answer.model_validate_json(out).question == "Which model removes haze?"


def test_diagram_png_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "flow.png"
    rc, out, err = _run(capsys, "ask", "--source", str(EXAMPLE), "--format", "json",
                        "--diagram", str(target))
    assert rc == 0, err
    assert target.read_bytes().startswith(PNG_MAGIC)
    Answer.model_validate_json(out)


def test_diagram_without_graphviz_warns_once_and_still_answers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    target = tmp_path / "flow.png"
    rc, out, err = _run(capsys, "ask", "--source", str(EXAMPLE), "--diagram", str(target))
    assert rc == 0
    assert "## 1. Task" in out
    warnings = [line for line in err.splitlines() if line.startswith("sourcebound: warning:")]
    assert len(warnings) == 1 and not target.exists()


def _bad_inputs(tmp: Path) -> dict[str, list[str]]:
    (tmp / "empty.txt").write_text("   \n\t\n")
    (tmp / "binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp / "latin1.txt").write_bytes("Caf\xe9 r\xe9sum\xe9 https://github.com/a/b".encode("latin-1"))
    (tmp / "big.txt").write_text("https://github.com/a/b\n" * 200)
    (tmp / "noquestion.txt").write_text("- RAFT https://github.com/princeton-vl/RAFT\n")
    source = ["ask", "--source"]
    return {
        "missing file": [*source, str(tmp / "nope.txt")],
        "directory": [*source, str(tmp)],
        "empty": [*source, str(tmp / "empty.txt")],
        "binary": [*source, str(tmp / "binary.bin")],
        "not utf-8": [*source, str(tmp / "latin1.txt")],
        "too large": [*source, str(tmp / "big.txt")],
        "no question": [*source, str(tmp / "noquestion.txt")],
        "question too long": [*source, str(EXAMPLE), "--question", "why " * 1000],
        "bad format": [*source, str(EXAMPLE), "--format", "html"],
        "no source": ["ask"],
        "no command": [],
        "missing config": ["--config", str(tmp / "nope.toml"), *source, str(EXAMPLE)],
        "unknown diagram suffix": [*source, str(EXAMPLE), "--diagram", str(tmp / "flow.jpg")],
    }


CASES = [
    "missing file", "directory", "empty", "binary", "not utf-8", "too large", "no question",
    "question too long", "bad format", "no source", "no command", "missing config",
    "unknown diagram suffix",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_and_exit_2(
    case: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    if case == "too large":
        monkeypatch.setenv("SOURCEBOUND_MAX_SOURCE_BYTES", "1000")
    rc, out, err = _run(capsys, *_bad_inputs(tmp_path)[case])
    assert rc == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sourcebound: error: ") and len(lines[0]) > 22
    assert "Traceback" not in err


def _console_script() -> str:
    found = shutil.which("sourcebound", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the `sourcebound` console script is not installed beside this Python")
    return found


def test_installed_console_script(tmp_path: Path) -> None:
    script = _console_script()
    done = subprocess.run([script, "ask", "--source", str(EXAMPLE), "--format", "json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    answer = Answer.model_validate(json.loads(done.stdout))
    assert answer.links and answer.workflow.steps

    bad = subprocess.run([script, "ask", "--source", str(tmp_path / "missing.txt")],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_chat_once_answers_stdin_through_the_console_adapter(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOURCEBOUND_DB", str(tmp_path / "history.db"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(EXAMPLE.read_text(encoding="utf-8")))
    rc, out, err = _run(capsys, "chat", "--once")
    assert rc == 0, err
    assert "## 1. Task" in out and "cl_all-in-one" in out
    assert (tmp_path / "history.db").exists()


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "ask", "--help")
    assert rc == 0 and "--source" in out and "--diagram" in out


@pytest.mark.parametrize(("name", "value", "said"), [
    ("SOURCEBOUND_DISCORD_FORUMS", "123, general", "'general'"),
    ("SOURCEBOUND_RETENTION_DAYS", "-1", "greater than 0"),
])
def test_a_bad_setting_is_one_line_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, value: str,
    said: str,
) -> None:
    monkeypatch.setenv(name, value)
    rc, out, err = _run(capsys, "ask", "--source", str(EXAMPLE))
    assert rc == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert name in line and said in line and "Traceback" not in err


def test_discord_forums_are_read_as_channel_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings

    monkeypatch.setenv("SOURCEBOUND_DISCORD_FORUMS", " 123,456 ,")
    assert Settings.load().discord_forums == frozenset({123, 456})
    assert Settings(discord_forums=[7]).discord_forums == frozenset({7})  # a TOML list


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    rc, out, _ = _run(capsys, "--version")
    assert rc == 0 and out.strip() == f"sourcebound {version('sourcebound')}"


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
def test_diagram_suffix_chooses_the_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    svg, png = tmp_path / "flow.svg", tmp_path / "flow.PNG"
    for target in (svg, png):
        rc, _, err = _run(capsys, "ask", "--source", str(EXAMPLE), "--diagram", str(target))
        assert rc == 0, err
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "WeatherRemoval" in text
    assert png.read_bytes().startswith(PNG_MAGIC)


def test_an_unknown_diagram_suffix_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rc, out, err = _run(capsys, "ask", "--source", str(tmp_path / "never-read.txt"),
                        "--diagram", str(tmp_path / "flow.gif"))
    assert rc == 2 and out == ""
    assert "'.gif'" in err and ".png or .svg" in err
    assert not (tmp_path / "flow.gif").exists()


@pytest.mark.parametrize("glue", ["\n\n", "\n"])
def test_a_question_after_the_block_on_stdin_is_the_question(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, glue: str
) -> None:
    from tests.conftest import seed_text

    piped = seed_text("002").rstrip("\n") + glue + "Which paper makes quantized models more accurate?\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(piped.encode())))
    rc, out, err = _run(capsys, "ask", "--source", "-", "--format", "json")
    assert rc == 0, err
    answer = Answer.model_validate_json(out)
    assert answer.question == "Which paper makes quantized models more accurate?"
    assert any("PD-Quant" in s.name for s in answer.sources)
    # --question still wins, and then the whole of stdin is the block.
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(piped.encode())))
    rc, out, err = _run(capsys, "ask", "--source", "-", "--format", "json",
                        "--question", "What is PD-Quant?")
    assert rc == 0, err
    assert Answer.model_validate_json(out).question == "What is PD-Quant?"
