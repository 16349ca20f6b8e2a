"""The `sourcebound` command: `ask` (one answer, printed), `chat` (console bot), `serve`,
`feedback` (the 👍/👎 clicks on answers, as JSON lines or CSV).

This is the process edge: logging is configured here once, `SourceboundError` and `OSError`
become one `sourcebound: error: …` line and exit code 2, never a traceback. Heavy modules
(the parser's ranking library, jinja, graphviz, the adapters) are imported only by the
subcommand that needs them, so `ask --format json` starts fast: with nothing set it runs on
`bot.defaults` (no pydantic-settings) and the extractive engine answers without an event
loop (no asyncio).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, NoReturn

from bot.defaults import DefaultLimits, untouched
from bot.errors import BinaryAttachment, InputError, SourceboundError, TooLarge

if TYPE_CHECKING:
    import jinja2

    from bot.history.feedback import FeedbackRecord
    from bot.models import Answer
    from bot.pipeline import Limits
    from bot.settings import Settings

log = logging.getLogger(__name__)

PROG = "sourcebound"
EXIT_OK = 0
EXIT_USAGE = 2


class _UsageError(Exception):
    """argparse's complaint, reported as one line by `main` rather than usage + exit."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sourcebound")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """`--version`, looked up only when asked: importlib.metadata costs ~40 ms of every
    cold `ask` otherwise."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"{PROG} {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Answer questions from a pasted source block only.")
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--config", type=Path, help="TOML file with settings (env wins)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="-v info, -vv debug")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ask = sub.add_parser("ask", help="answer one question from a source block and print it")
    ask.add_argument("--source", required=True, help="file with the source block, or - for stdin")
    ask.add_argument(
        "--question",
        help="the question (default: one written before or after the block on stdin, "
        "else the one in the source block)",
    )
    ask.add_argument("--format", choices=("markdown", "json"), default="markdown")
    ask.add_argument(
        "--diagram", type=Path,
        help="also write the workflow diagram here: PNG or SVG, by the file's suffix",
    )
    _common(ask)
    _plain(ask)

    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--once", action="store_true", help="answer one message and exit")
    chat.add_argument("--example", action="store_true", help="start with the bundled example")
    _common(chat)
    _plain(chat)

    serve = sub.add_parser("serve", help="run every chat adapter whose tokens are set")
    _common(serve)
    _plain(serve)

    feedback = sub.add_parser("feedback", help="export the 👍/👎 clicks on answers")
    feedback.add_argument("--since", type=_since, help="only clicks from this date (YYYY-MM-DD"
                          " or an ISO time; UTC unless it says otherwise)")
    feedback.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    _common(feedback)
    return parser


def _since(text: str) -> datetime:
    from datetime import UTC

    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD) or ISO time"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _plain(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plain", action="store_true",
        help="print answers as Markdown text even in a terminal (piped output always is)",
    )


def _common(parser: argparse.ArgumentParser) -> None:
    # Accepted after the subcommand too (`sourcebound ask … -v`); SUPPRESS keeps the
    # top-level value when the subcommand does not repeat the flag.
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time of the record (tests swap it)."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


# Warnings the chat libraries print at every start that say nothing about this bot: discord.py's
# missing voice libraries (the bot has no voice) and bolt's note that the token it is given
# beside a ready client is unused (the client carries it). They would bury a one-line error.
_START_NOISE = {
    "discord.client": "voice will NOT be supported",
    "slack_bolt.AsyncApp": "`token` will be unused",
}


def _not_noise(record: logging.LogRecord) -> bool:
    marker = _START_NOISE.get(record.name)
    return marker is None or marker not in record.getMessage()


def configure_logging(verbosity: int, *, chat: bool = False) -> None:
    """Root logging to stderr: WARNING, -v INFO, -vv DEBUG. Calling it again replaces (does
    not stack) our handler and leaves handlers others installed alone. In the console chat
    stderr is the chat screen and every refusal is already answered there: ERROR only."""
    quiet = logging.ERROR if chat else logging.WARNING
    level = quiet if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    handler = _StderrHandler()
    handler.addFilter(_not_noise)
    # Libraries that set their own loggers to DEBUG (bm25s does) still stop at our level.
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    # bibtexparser logs broken entries with pieces of the pasted text: keep that to -vv.
    logging.getLogger("bibtexparser").setLevel(logging.ERROR if verbosity < 2 else logging.DEBUG)


def read_source(source: str, *, max_bytes: int, stdin: IO[bytes] | None = None) -> str:
    """The source block as text; refuses what is too large, binary or not UTF-8."""
    if source == "-":
        raw = (stdin or sys.stdin.buffer).read(max_bytes + 1)
        name = "stdin"
    else:
        path = Path(source)
        if path.is_dir():
            raise InputError(f"{source} is a directory, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(
                f"{source} is {size} bytes; the limit is {max_bytes}", size=size, limit=max_bytes
            )
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
        name = source
    if len(raw) > max_bytes:
        raise TooLarge(f"{name} is over the limit of {max_bytes} bytes", limit=max_bytes)
    if b"\x00" in raw:
        raise BinaryAttachment(f"{name} looks binary (it contains NUL bytes), not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BinaryAttachment(
            f"{name} is not UTF-8 text (bad byte at offset {exc.start})"
        ) from None
    return text.removeprefix("\ufeff")


def _ask(args: argparse.Namespace, settings: Settings | None) -> int:
    """One answer, printed. `settings` None: nothing is set (`bot.defaults.untouched`), so the
    defaults hold and the extractive engine answers."""
    fmt = _diagram_format(args.diagram) if args.diagram is not None else None
    limits: Limits = settings.limits if settings is not None else DefaultLimits()
    templates_dir = settings.templates_dir if settings is not None else None
    text = read_source(args.source, max_bytes=limits.max_source_bytes)
    # Piped in, the block is a message like one in chat: a question may stand before or
    # after it (`cat listing.txt; echo "which one is fastest?"`), read by the chat splitter.
    split = args.question is None and args.source == "-"
    if settings is not None and settings.llm_enabled:
        answer = _solve_llm(text, args.question, settings=settings, split=split)
    else:
        answer = _extract(text, args.question, limits=limits, split=split)
    if fmt is not None:
        _write_diagram(answer, args.diagram, fmt)
    if args.format == "json":
        out = answer.model_dump_json(indent=2)
        sys.stdout.write(out + "\n")
        sys.stdout.flush()
        return EXIT_OK
    from bot.render.env import make_environment
    from bot.render.markdown import render_markdown
    from bot.render.terminal import MarkdownWriter, wants_rich

    writer = MarkdownWriter(sys.stdout, rich=wants_rich(sys.stdout, plain=args.plain))
    writer.markdown(render_markdown(answer, env=make_environment(templates_dir)))
    return EXIT_OK


def _extract(text: str, question: str | None, *, limits: Limits, split: bool) -> Answer:
    """The extractive engine's answer, called directly: the same parse and grounding as
    `ExtractiveEngine` (which only adds a cache and worker threads for a long-lived
    process), without starting an event loop."""
    from bot.pipeline import answer_text

    if split:
        from bot.parse import split_message

        question, text = split_message(text)
    return answer_text(text, question, limits=limits)


def _solve_llm(text: str, question: str | None, *, settings: Settings, split: bool) -> Answer:
    import asyncio

    from bot.render.env import make_environment

    env = make_environment(settings.templates_dir)
    return asyncio.run(_solve(text, question, settings=settings, env=env, split=split))


async def _solve(
    text: str, question: str | None, *, settings: Settings, env: jinja2.Environment,
    split: bool = False,
) -> Answer:
    """The same engine `serve` uses (the verified LLM backend here)."""
    from bot.engines import open_engine

    async with open_engine(settings=settings, env=env) as engine:
        if split:
            question, text = engine.split(text)
        return (await engine.solve(text, question, limits=settings.limits)).answer


DIAGRAM_FORMATS = {".png": "png", ".svg": "svg"}


def _diagram_format(target: Path) -> Literal["png", "svg"]:
    """By the file's suffix, checked before any work: a PNG named .svg helps nobody."""
    fmt = DIAGRAM_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise InputError(
            f"--diagram {target}: unknown diagram format {target.suffix or '(no suffix)'!r}; "
            "name the file .png or .svg"
        )
    return "svg" if fmt == "svg" else "png"


def _write_diagram(answer: Answer, target: Path, fmt: Literal["png", "svg"]) -> None:
    from bot.render.png import diagram_image

    data = diagram_image(answer.workflow, fmt=fmt, title=answer.question)
    if data is None:
        print(
            f"{PROG}: warning: no {fmt.upper()} written to {target} "
            "(graphviz 'dot' missing or failed)",
            file=sys.stderr,
        )
        return
    target.write_bytes(data)


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from adapters import console

    result = asyncio.run(console.main(
        settings=settings, once=args.once, example=args.example, plain=args.plain
    ))
    return int(result or 0)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from adapters import serve

    result = serve.run(serve.serve(settings, plain=args.plain))
    return int(result or 0)


def _feedback(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    records = asyncio.run(_feedback_records(settings, since=args.since))
    if args.format == "jsonl":
        for record in records:
            sys.stdout.write(record.model_dump_json() + "\n")
    else:
        import csv

        from bot.history.feedback import FeedbackRecord

        writer = csv.DictWriter(sys.stdout, fieldnames=list(FeedbackRecord.model_fields))
        writer.writeheader()
        for record in records:
            writer.writerow(record.model_dump(mode="json"))
    sys.stdout.flush()
    return EXIT_OK


async def _feedback_records(settings: Settings, *, since: datetime | None) -> list[FeedbackRecord]:
    from bot.history.store import HistoryStore

    if not settings.db_path.exists():  # opening would create an empty database
        from bot.errors import ConfigError

        raise ConfigError(f"no history database at {settings.db_path} (SOURCEBOUND_DB)")
    async with HistoryStore.open(settings.db_path) as store:
        return await store.feedback(since=since)


def _fail(message: str) -> int:
    # One line, whatever the message carried.
    print(f"{PROG}: error: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_USAGE


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as exc:
        return _fail(str(exc))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    configure_logging(args.verbose)
    try:
        if args.command == "ask" and untouched(os.environ, args.config):
            return _ask(args, None)
        from bot.settings import Settings

        settings = Settings.load(args.config)
        console = args.command == "chat" or (
            args.command == "serve" and not (settings.slack_enabled or settings.discord_enabled)
        )
        if console:
            configure_logging(args.verbose, chat=True)
        if args.command == "ask":
            return _ask(args, settings)
        if args.command == "chat":
            return _chat(args, settings)
        if args.command == "feedback":
            return _feedback(args, settings)
        return _serve(args, settings)
    except SourceboundError as exc:
        log.debug("refused", exc_info=True)
        return _fail(str(exc))
    except OSError as exc:
        log.debug("I/O failed", exc_info=True)
        return _fail(_os_message(exc))
    except KeyboardInterrupt:
        return 130
