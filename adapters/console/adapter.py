"""The console bot: the embedded default chat, in the terminal, on the same core and history.

Interactive when stdin is a terminal: a message is sent by an empty line. Pasted source
blocks have empty lines of their own, so an empty line only sends when no more input is
already waiting (a paste arrives all at once; a person pressing Enter does not), and a line
with just `\"\"\"` opens and closes a block explicitly for terminals where that fails.
Otherwise (a pipe, a file, `--once`) everything on stdin is one message, answered once.
All wording comes from `templates/console/`.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import getpass
import logging
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import jinja2

from adapters.base import ChatAdapter
from bot.chat import Incoming, Place, Reply
from bot.engines import open_engine
from bot.history.store import HistoryStore
from bot.render.env import make_environment
from bot.render.markdown import render_markdown
from bot.render.png import diagram_png
from bot.service import Service
from bot.settings import Settings

log = logging.getLogger(__name__)

EXAMPLE = Path(__file__).resolve().parent.parent / "bot" / "examples" / "seed000.txt"
COMMANDS = frozenset({"help", "history", "forget", "new", "example", "quit"})
FENCE = '"""'
# Bracketed paste: the terminal wraps a paste in these. A paste's last line, if it has no
# newline, sits in the terminal's line buffer until Enter, so timing alone would send the
# message at the paste's last empty line; the markers say the paste is not over yet.
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
BRACKETED_ON, BRACKETED_OFF = "\x1b[?2004h", "\x1b[?2004l"
# Seconds: more input this soon after an empty line is the same paste. Terminals (tmux, SSH)
# deliver a long paste in chunks tens of ms apart; a person pressing Enter never notices 0.3 s.
PASTE_GRACE = 0.3
SPIN_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
SPIN_EVERY = 0.1  # seconds
EXIT_OK = 0
EXIT_PROBLEM = 1


# -- reading lines ----------------------------------------------------------------------------


class _StreamLines:
    """Lines from any text stream (StringIO in tests, a terminal where no fd is usable).
    Nothing is ever 'waiting': an empty line always sends, a fence keeps a paste whole."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    async def readline(self) -> str | None:
        line = self._stream.readline()
        return line if line else None

    async def waiting(self) -> bool:
        return False


class _TerminalLines:
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
def _bracketed_paste(source: _StreamLines | _TerminalLines, write: Callable[[str], None]) -> Iterator[None]:
    """Ask the terminal to mark pastes, for as long as the chat runs. ECHOCTL off: the tty
    echoes the markers back as the terminal's own (ignored) escape codes instead of "^[[200~"."""
    if not isinstance(source, _TerminalLines):
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


def _line_source(stream: TextIO) -> _StreamLines | _TerminalLines:
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return _StreamLines(stream)
    if os.name != "posix" or not os.isatty(fd):
        return _StreamLines(stream)
    return _TerminalLines(fd)


class _Spinner:
    """A one-line terminal spinner shown while a slow engine (the LLM) works."""

    def __init__(self, write: Callable[[str], None], label: Callable[[int], str]) -> None:
        self._write = write
        self._label = label
        self._task: asyncio.Task[None] | None = None
        self._width = 0

    async def start(self, sources: int) -> None:
        text = self._label(sources)
        self._width = len(text) + 2
        self._task = asyncio.get_running_loop().create_task(self._spin(text))

    async def _spin(self, text: str) -> None:
        frame = 0
        while True:
            self._write(f"\r{SPIN_FRAMES[frame % len(SPIN_FRAMES)]} {text}")
            frame += 1
            await asyncio.sleep(SPIN_EVERY)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._write("\r" + " " * self._width + "\r")
        self._task = None


# -- assembling messages ----------------------------------------------------------------------


@dataclass
class Composer:
    """Turns lines into messages and commands. Pure: `feed` is told whether more input is
    already waiting, so paste handling is tested without a terminal."""

    lines: list[str] = field(default_factory=list)
    fenced: bool = False
    pasting: bool = False  # between bracketed-paste markers

    @property
    def empty(self) -> bool:
        return not self.lines and not self.fenced

    def feed(self, line: str, *, more_waiting: bool) -> tuple[str, str] | None:
        """("command", name) or ("message", text) when one is complete, else None."""
        if PASTE_START in line:
            self.pasting = True
            line = line.replace(PASTE_START, "")
        if PASTE_END in line:
            self.pasting = False
            line = line.replace(PASTE_END, "")
        more_waiting = more_waiting or self.pasting
        stripped = line.strip()
        if stripped == FENCE:
            self.fenced = not self.fenced
            return None
        if self.fenced:
            self.lines.append(line.rstrip("\n"))
            return None
        if self.empty and stripped.lower() in COMMANDS:
            return ("command", stripped.lower())
        if stripped:
            self.lines.append(line.rstrip("\n"))
            return None
        if not self.lines:
            return None
        if more_waiting:
            self.lines.append("")
            return None
        return ("message", self.flush())

    def flush(self) -> str:
        text = "\n".join(self.lines).strip("\n")
        self.lines.clear()
        self.fenced = False
        self.pasting = False
        return text


# -- the adapter ------------------------------------------------------------------------------


class ConsoleAdapter(ChatAdapter):
    platform = "console"

    def __init__(
        self,
        *,
        service: Service,
        env: jinja2.Environment,
        stdin: TextIO,
        stdout: TextIO,
        png_dir: Path,
        user: str,
        example: bool = False,
        once: bool = False,
        png: Callable[..., bytes | None] = diagram_png,
    ) -> None:
        self._service = service
        self._env = env
        self._stdin = stdin
        self._stdout = stdout
        self._png_dir = png_dir
        self._user = user
        self._example = example
        self._once = once
        self._png = png
        # Event ids and thread keys must not repeat across sessions on the same database:
        # dedupe would swallow "message 1" of the next run, and "t1" would inherit a source.
        self._session = uuid.uuid4().hex[:12]
        self._count = 0
        self._thread = 1
        self._refused = False  # the last reply shown was a problem
        self.exit_code = EXIT_OK

    @property
    def interactive(self) -> bool:
        return not self._once and self._stdin.isatty()

    async def run(self) -> None:
        if self.interactive:
            await self._converse()
        else:
            await self._answer_once()

    async def _answer_once(self) -> None:
        text = self._stdin.read()
        if self._example or not text.strip():
            await self._send(_example_text())
        if text.strip():
            await self._send(text)
        # For scripts: a refusal of the one message asked is a failure.
        self.exit_code = EXIT_PROBLEM if self._refused else EXIT_OK

    async def _converse(self) -> None:
        self._say("welcome")
        # Questions a killed console had accepted but not answered, then answers not shown.
        await self._service.resume(self.platform)
        for reply in await self._service.pending(self.platform):
            self._say("redelivered")
            await self._show(reply)
        if self._example:
            await self._send(_example_text())
        lines = _line_source(self._stdin)
        with _bracketed_paste(lines, self._write):
            await self._chat(lines)

    async def _chat(self, lines: _StreamLines | _TerminalLines) -> None:
        composer = Composer()
        while True:
            if composer.empty:
                self._write(self._render("prompt", thread=self._thread_name))
            line = await lines.readline()
            if line is None:
                if composer.lines:
                    await self._send(composer.flush())
                return
            more = False
            if not line.strip() and composer.lines and not composer.fenced and not composer.pasting:
                more = await lines.waiting()
            done = composer.feed(line, more_waiting=more)
            if done is None:
                continue
            kind, value = done
            if kind == "message":
                await self._send(value)
            elif not await self._command(value):
                return

    async def _command(self, name: str) -> bool:
        """Run a command; False to quit."""
        if name == "quit":
            return False
        if name == "help":
            self._say("help")
        elif name == "history":
            items = await self._service.history(self.platform, self._user)
            self._say("history", items=items)
        elif name == "forget":
            count = await self._service.forget(self.platform, self._user)
            self._say("forget", count=count)
        elif name == "new":
            self._thread += 1
            self._say("new", thread=self._thread_name)
        elif name == "example":
            await self._send(_example_text())
        return True

    # -- one message --------------------------------------------------------------------------

    @property
    def _thread_name(self) -> str:
        return f"t{self._thread}"

    async def _send(self, text: str) -> None:
        self._count += 1
        key = f"{self._session}-{self._count}"
        incoming = Incoming(
            place=Place(
                platform=self.platform,
                channel="console",
                thread=f"{self._session}-{self._thread_name}",
                is_dm=True,
            ),
            user=self._user,
            event_id=key,
            message_key=f"console:{key}",
            text=text,
            in_thread=self._count > 1,
        )
        # A spinner only where a person watches; scripts get the answer alone.
        spinner = (
            _Spinner(self._write, lambda n: self._render("progress", sources=n).strip())
            if self.interactive
            else None
        )
        try:
            reply = await self._service.ask(
                incoming, progress=spinner.start if spinner is not None else None
            )
        finally:
            if spinner is not None:
                await spinner.stop()
        if reply is not None:
            await self._show(reply)

    async def _show(self, reply: Reply) -> None:
        if reply.answer is None:
            self._say("problem", problem=reply.problem or "internal", detail=reply.detail)
            self._refused = True
        else:
            png = await self._save_png(reply)
            body = render_markdown(reply.answer, env=self._env).rstrip()
            self._say(
                "answer", body=body, png=png, reused=reply.reused_source, thread=self._thread_name
            )
            self._refused = False
        await self._service.delivered(reply.delivery_id, 1, parts_total=1)

    async def _save_png(self, reply: Reply) -> str | None:
        assert reply.answer is not None
        answer = reply.answer
        data = await asyncio.to_thread(self._png, answer.workflow, title=answer.question)
        if data is None:
            return None
        target = self._png_dir / f"sourcebound-{reply.delivery_id}.png"
        try:
            await asyncio.to_thread(target.write_bytes, data)
        except OSError as exc:
            log.warning("could not save the diagram to %s: %s", target, exc)
            return None
        return str(target)

    # -- output -------------------------------------------------------------------------------

    def _render(self, name: str, **values: object) -> str:
        return self._env.get_template(f"console/{name}.j2").render(**values)

    def _say(self, name: str, **values: object) -> None:
        self._write(self._render(name, **values).rstrip("\n") + "\n\n")

    def _write(self, text: str) -> None:
        self._stdout.write(text)
        self._stdout.flush()


def _example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "console"


async def main(
    *,
    settings: Settings,
    once: bool = False,
    example: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the console bot on `settings.db_path`; returns the process exit code."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    env = make_environment(settings.templates_dir)
    db_path = Path(settings.db_path)
    async with HistoryStore.open(db_path, retention=settings.retention) as store, open_engine(
        settings=settings, env=env
    ) as engine:
        service = Service(store=store, limits=settings.limits, engine=engine)
        adapter = ConsoleAdapter(
            service=service,
            env=env,
            stdin=stdin,
            stdout=stdout,
            png_dir=db_path.resolve().parent,
            user=_user(),
            example=example,
            once=once,
        )
        async with adapter:
            await adapter.run()
    return adapter.exit_code


__all__ = ["COMMANDS", "Composer", "ConsoleAdapter", "main"]
