"""Answers in a terminal are rendered Markdown (rich); piped they stay Markdown text.

The installed `sourcebound` runs with its stdout on a real pseudo-terminal (so `isatty` is the
real answer, not a patched one) and the output is read back from the pty's master side."""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7]|38;[0-9;]+)m")


def _script() -> str:
    found = shutil.which("sourcebound", path=str(Path(sys.executable).parent))
    assert found is not None, "the console script is not installed beside this Python"
    return found


def _on_a_pty(argv: list[str], *, env: dict[str, str], stdin: str = "") -> str:
    """Run with stdout and stderr on a pty (stdin a pipe); all it wrote, as text."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    assert proc.stdin is not None
    proc.stdin.write(stdin.encode())
    proc.stdin.close()
    chunks: list[bytes] = []
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed its side
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        assert proc.wait(30) == 0, b"".join(chunks).decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env.update(TERM="xterm-256color", COLUMNS="100", SOURCEBOUND_DB=str(tmp_path / "h.db"),
               **extra)
    return env


def test_ask_in_a_terminal_is_rendered(tmp_path: Path) -> None:
    out = _on_a_pty([_script(), "ask", "--source", str(EXAMPLE)], env=_env(tmp_path))
    text = ANSI.sub("", out)
    assert COLOUR.search(out), "no colour or style in a terminal"
    for raw in ("**Question:**", "## 1. Task", "\\[p1\\]", "```"):
        assert raw not in text
    assert "Question:" in text and "1. Task" in text and "[p1]" in text
    assert "https://github.com/xiaojihh/cl_all-in-one" in text
    assert "╔" in text  # the text diagram survives as a code block


def test_no_color_renders_without_colour(tmp_path: Path) -> None:
    out = _on_a_pty([_script(), "ask", "--source", str(EXAMPLE)],
                    env=_env(tmp_path, NO_COLOR="1"))
    assert not COLOUR.search(out)
    assert "## 1. Task" not in ANSI.sub("", out) and "1. Task" in out


def test_plain_flag_keeps_markdown_in_a_terminal(tmp_path: Path) -> None:
    out = _on_a_pty([_script(), "ask", "--source", str(EXAMPLE), "--plain"], env=_env(tmp_path))
    assert not ANSI.search(out)
    assert "**Question:**" in out and "## 1. Task" in out


def test_piped_output_is_markdown_text(tmp_path: Path) -> None:
    done = subprocess.run([_script(), "ask", "--source", str(EXAMPLE)], capture_output=True,
                          text=True, env=_env(tmp_path), timeout=90, check=False)
    assert done.returncode == 0, done.stderr
    assert not ANSI.search(done.stdout)
    assert "**Question:**" in done.stdout and "## 1. Task" in done.stdout


def test_console_chat_in_a_terminal_is_rendered(tmp_path: Path) -> None:
    out = _on_a_pty([_script(), "chat", "--once"], env=_env(tmp_path),
                    stdin=EXAMPLE.read_text(encoding="utf-8"))
    text = ANSI.sub("", out)
    assert COLOUR.search(out)
    assert "## 1. Task" not in text and "1. Task" in text
    if shutil.which("dot"):
        saved = re.search(r"Workflow diagram saved to (\S+\.png)", text)
        assert saved is not None and Path(saved.group(1)).read_bytes().startswith(b"\x89PNG")
