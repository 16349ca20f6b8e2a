"""Turning the person's lines into messages and commands (pure; tested with no terminal).

How the console knows where a paste ended, and so which line is the question for it:
1. The terminal's bracketed-paste marks: what was typed after the end mark, up to the empty
   line that sends, is the question for the pasted block.
2. A block between two lines of just `\"\"\"`: what is typed after the closing line is the
   question.
3. Neither (a terminal without the marks, a pipe): the message goes to the same splitter as a
   chat message, which takes a question written before the block, after it past an empty
   line, or typed right under it when that line ends with `?`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from adapters.console.lines import PASTE_END, PASTE_START

COMMANDS = frozenset({"help", "history", "forget", "new", "example", "quit"})
FENCE = '"""'


@dataclass(frozen=True)
class Composed:
    """A complete command (`text` is its name) or message; `question` is the one typed after
    a marked paste or a closing fence, None when the splitter is to find it."""

    kind: Literal["command", "message"]
    text: str
    question: str | None = None


@dataclass
class Composer:
    """`feed` is told whether more input is already waiting, so paste handling is tested
    without a terminal."""

    lines: list[str] = field(default_factory=list)
    fenced: bool = False
    pasting: bool = False  # between bracketed-paste markers
    # Lines typed after a marked paste or a closing fence: the question for that block.
    after: list[str] = field(default_factory=list)
    closed: bool = False  # a marked paste or a fenced block has ended

    @property
    def empty(self) -> bool:
        return not self.lines and not self.fenced and not self.after

    def feed(self, line: str, *, more_waiting: bool) -> Composed | None:
        """A command or a message when one is complete, else None."""
        if PASTE_START in line:
            before, _, line = line.partition(PASTE_START)
            self._typed(before)
            self._reopen()
            self.pasting = True
        if PASTE_END in line:
            pasted, _, line = line.partition(PASTE_END)
            self.pasting = False
            if pasted.strip():
                self.lines.append(pasted.rstrip("\n"))
            self.closed = True
            if not line.strip():
                return None
        more_waiting = more_waiting or self.pasting
        stripped = line.strip()
        if stripped == FENCE and not self.pasting:
            self.fenced = not self.fenced
            if self.fenced:
                self._reopen()
            else:
                self.closed = True
            return None
        if self.fenced or self.pasting:
            self.lines.append(line.rstrip("\n"))
            return None
        if self.empty and stripped.lower() in COMMANDS:
            return Composed("command", stripped.lower())
        if stripped:
            self._typed(line)
            return None
        if not self.lines and not self.after:
            return None
        if more_waiting:
            (self.after if self.closed else self.lines).append("")
            return None
        return self.flush()

    def _typed(self, line: str) -> None:
        if not line.strip():
            return
        (self.after if self.closed else self.lines).append(line.rstrip("\n"))

    def _reopen(self) -> None:
        # A second block after typed lines: those lines sat between two blocks, not after.
        self.lines += self.after
        self.after.clear()
        self.closed = False

    def flush(self) -> Composed:
        block = "\n".join(self.lines).strip("\n")
        question = " ".join(" ".join(self.after).split()) or None
        self.lines.clear()
        self.after.clear()
        self.fenced = self.pasting = self.closed = False
        if not block.strip() and question is not None:
            return Composed("message", question)
        return Composed("message", block, question)
