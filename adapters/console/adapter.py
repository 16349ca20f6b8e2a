"""The console bot: the embedded default chat, in the terminal, on the same core and history.

Interactive when stdin is a terminal: a message is sent by an empty line. Pasted source
blocks have empty lines of their own, so an empty line only sends when no more input is
already waiting (a paste arrives all at once; a person pressing Enter does not), and a line
with just `\"\"\"` opens and closes a block explicitly for terminals where that fails; what
is typed after a paste is its question (`adapters.console.composer`).
Otherwise (a pipe, a file, `--once`) everything on stdin is one message, answered once.
Answers are rendered Markdown when stdout is a terminal (`bot.render.terminal`), Markdown text
otherwise. Diagrams are saved under `Settings.diagrams` with a name made from their content,
so no answer's picture ever replaces another's. All wording comes from `templates/console/`.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import hashlib
import logging
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import jinja2

from adapters.base import ChatAdapter
from adapters.console.composer import Composer
from adapters.console.lines import StreamLines, TerminalLines, bracketed_paste, line_source
from bot.chat import Incoming, Place, Reply
from bot.engines import open_engine
from bot.history.store import HistoryStore
from bot.render.env import make_environment
from bot.render.markdown import render_markdown
from bot.render.png import diagram_png
from bot.render.terminal import MarkdownWriter, wants_rich
from bot.service import Service
from bot.settings import Settings

log = logging.getLogger(__name__)

EXAMPLE = Path(__file__).resolve().parents[2] / "bot" / "examples" / "seed000.txt"
SPIN_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
SPIN_EVERY = 0.1  # seconds
EXIT_OK = 0
EXIT_PROBLEM = 1


class Spinner:
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
        plain: bool = False,
        png: Callable[..., bytes | None] = diagram_png,
    ) -> None:
        self._service = service
        self._env = env
        self._stdin = stdin
        self._stdout = stdout
        self._out = MarkdownWriter(stdout, rich=wants_rich(stdout, plain=plain))
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
        lines = line_source(self._stdin)
        with bracketed_paste(lines, self._write):
            await self._chat(lines)

    async def _chat(self, lines: StreamLines | TerminalLines) -> None:
        composer = Composer()
        while True:
            if composer.empty:
                self._write(self._render("prompt", thread=self._thread_name))
            line = await lines.readline()
            if line is None:
                if not composer.empty:
                    last = composer.flush()
                    await self._send(last.text, question=last.question)
                return
            more = False
            if (
                not line.strip() and not composer.empty
                and not composer.fenced and not composer.pasting
            ):
                more = await lines.waiting()
            done = composer.feed(line, more_waiting=more)
            if done is None:
                continue
            if done.kind == "message":
                await self._send(done.text, question=done.question)
            elif not await self._command(done.text):
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

    async def _send(self, text: str, *, question: str | None = None) -> None:
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
            question=question,
            in_thread=self._count > 1,
        )
        # A spinner only where a person watches; scripts get the answer alone.
        spinner = (
            Spinner(self._write, lambda n: self._render("progress", sources=n).strip())
            if self.interactive
            else None
        )

        async def progress(sources: int, slow: bool) -> None:
            if spinner is not None and slow:  # a quick answer needs no spinner
                await spinner.start(sources)

        try:
            reply = await self._service.ask(incoming, progress=progress)
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
            if reply.reused_source:
                self._say("reused", thread=self._thread_name)
            self._out.markdown(render_markdown(reply.answer, env=self._env).rstrip() + "\n")
            self._write("\n")
            if png is not None:
                self._say("diagram_saved", png=png)
            self._refused = False
        await self._service.delivered(reply.delivery_id, 1, parts_total=1)

    async def _save_png(self, reply: Reply) -> str | None:
        assert reply.answer is not None
        answer = reply.answer
        data = await asyncio.to_thread(self._png, answer.workflow, title=answer.question)
        if data is None:
            return None
        try:
            return str(await asyncio.to_thread(save_diagram, self._png_dir, data))
        except OSError as exc:
            log.warning("could not save the diagram in %s: %s", self._png_dir, exc)
            return None

    # -- output -------------------------------------------------------------------------------

    def _render(self, name: str, **values: object) -> str:
        return self._env.get_template(f"console/{name}.j2").render(**values)

    def _say(self, name: str, **values: object) -> None:
        self._write(self._render(name, **values).rstrip("\n") + "\n\n")

    def _write(self, text: str) -> None:
        self._stdout.write(text)
        self._stdout.flush()


def save_diagram(folder: Path, data: bytes, *, suffix: str = ".png") -> Path:
    """Save `data` under a name made from its content: delivery ids start again after
    `forget`, so a name from them would overwrite an earlier answer's picture. The same
    picture gets the same name (the file is already there, byte for byte)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"sourcebound-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    if target.exists() and target.stat().st_size == len(data):
        return target
    # Written aside and renamed: a half-written file never carries a finished name.
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, target)
    return target


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
    plain: bool = False,
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
            png_dir=settings.diagrams,
            user=_user(),
            example=example,
            once=once,
            plain=plain,
        )
        async with adapter:
            await adapter.run()
    return adapter.exit_code


__all__ = ["ConsoleAdapter", "Spinner", "main", "save_diagram"]
