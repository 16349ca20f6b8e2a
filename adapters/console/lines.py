"""Reading the person's lines: from any text stream, or from a terminal's descriptor with
paste detection (bracketed-paste marks where the terminal has them, else timing: input that
is already waiting when an empty line arrives is the rest of a paste)."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
from collections.abc import Callable, Iterator
from typing import TextIO

# Bracketed paste: the terminal wraps a paste in these. A paste's last line, if it has no
# newline, sits in the terminal's line buffer until Enter, so timing alone would send the
# message at the paste's last empty line; the markers say the paste is not over yet (and
# where it ended: what follows the end mark was typed, the question for the paste).
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
BRACKETED_ON, BRACKETED_OFF = "\x1b[?2004h", "\x1b[?2004l"
# Seconds: more input this soon after an empty line is the same paste. Terminals (tmux, SSH)
# deliver a long paste in chunks tens of ms apart; a person pressing Enter never notices 0.3 s.
PASTE_GRACE = 0.3


class StreamLines:
    """Lines from any text stream (StringIO in tests, a terminal where no fd is usable).
    Nothing is ever 'waiting': an empty line always sends, a fence keeps a paste whole."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    async def readline(self) -> str | None:
        line = self._stream.readline()
        return line if line else None

    async def waiting(self) -> bool:
        return False


class TerminalLines:
    """Lines from a terminal's file descriptor via the event loop's reader (no thread stays
    blocked in `readline` when the task is cancelled), with paste detection."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._eof = False
        self._ready = asyncio.Event()

    def _on_readable(self) -> None:
        self._ready.set()

    async def _fill(self, timeout: float | None) -> None:
        loop = asyncio.get_running_loop()
        self._ready.clear()
        loop.add_reader(self.fd, self._on_readable)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), timeout)
        finally:
            loop.remove_reader(self.fd)
        if self._ready.is_set():
            chunk = os.read(self.fd, 65536)
            if chunk:
                self._buffer += self._decoder.decode(chunk)
            else:
                self._eof = True
                self._buffer += self._decoder.decode(b"", final=True)

    async def readline(self) -> str | None:
        while "\n" not in self._buffer and not self._eof:
            await self._fill(None)
        if not self._buffer:
            return None
        line, sep, rest = self._buffer.partition("\n")
        self._buffer = rest
        return line + sep

    async def waiting(self) -> bool:
        if self._buffer or self._eof:
            return bool(self._buffer)
        await self._fill(PASTE_GRACE)
        return bool(self._buffer)


@contextlib.contextmanager
def bracketed_paste(
    source: StreamLines | TerminalLines, write: Callable[[str], None]
) -> Iterator[None]:
    """Ask the terminal to mark pastes, for as long as the chat runs. ECHOCTL off: the tty
    echoes the markers back as the terminal's own (ignored) escape codes instead of "^[[200~"."""
    if not isinstance(source, TerminalLines):
        yield
        return
    import termios

    try:
        saved = termios.tcgetattr(source.fd)
    except termios.error:
        yield
        return
    quiet = list(saved)
    quiet[3] &= ~termios.ECHOCTL
    termios.tcsetattr(source.fd, termios.TCSANOW, quiet)
    write(BRACKETED_ON)
    try:
        yield
    finally:
        write(BRACKETED_OFF)
        termios.tcsetattr(source.fd, termios.TCSANOW, saved)


def line_source(stream: TextIO) -> StreamLines | TerminalLines:
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return StreamLines(stream)
    if os.name != "posix" or not os.isatty(fd):
        return StreamLines(stream)
    return TerminalLines(fd)
