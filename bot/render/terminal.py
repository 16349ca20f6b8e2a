"""Markdown for a person at a terminal, plain Markdown for everything else.

An answer is Markdown (`bot.render.markdown`); printed raw into a terminal it reads as
`**Question:**`, `## 1. Task` and escaped `\\[p1\\]`. When the output stream is a terminal,
`rich` renders it (headings, bold, lists, the diagram's code block); piped or redirected
output, `--plain`, and `TERM=dumb` keep the Markdown text itself, for scripts and files.
`NO_COLOR` (https://no-color.org) is honoured by rich: rendered, without colour.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def wants_rich(stream: TextIO, *, plain: bool = False) -> bool:
    if plain or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class MarkdownWriter:
    """Writes Markdown to `stream`: rendered by rich when `rich` is true, else as text."""

    def __init__(self, stream: TextIO, *, rich: bool) -> None:
        self._stream = stream
        self.rich = rich
        self._console: Console | None = None

    def markdown(self, text: str) -> None:
        if not self.rich:
            self.text(text if text.endswith("\n") else text + "\n")
            return
        from rich.markdown import Markdown  # rich costs ~60 ms of import; only for a terminal

        self._rich_console().print(Markdown(text, code_theme="ansi_dark", hyperlinks=False))
        self._stream.flush()

    def text(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()

    def _rich_console(self) -> Console:
        from rich.console import Console

        if self._console is None:
            # force_terminal: the caller decided (wants_rich); rich reads NO_COLOR itself.
            self._console = Console(file=self._stream, force_terminal=True, soft_wrap=False)
        return self._console
