"""The console bot, driven through `main()` with in-memory stdin/stdout, on the real pipeline
and a real SQLite file. The conversation tests read like a terminal session."""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import termios
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.console import Composed, Composer, main
from bot.settings import Limits, Settings
from tests.conftest import seed_text


class Terminal(io.StringIO):
    """What a person types, as a terminal would hand it over (isatty, no usable fd)."""

    def isatty(self) -> bool:
        return True


def _settings(tmp_path: Path, **limits: int) -> Settings:
    return Settings(db_path=tmp_path / "sourcebound.db", limits=Limits(**limits))


async def _chat(
    tmp_path: Path, typed: str, *, settings: Settings | None = None, example: bool = False
) -> tuple[int, str]:
    out = io.StringIO()
    code = await main(
        settings=settings or _settings(tmp_path), stdin=Terminal(typed), stdout=out,
        example=example,
    )
    return code, out.getvalue()


def _fenced(text: str) -> str:
    return '"""\n' + text.rstrip("\n") + '\n"""\n'


# -- composing messages -------------------------------------------------------------------------


def test_a_paste_with_empty_lines_stays_one_message() -> None:
    composer = Composer()
    pasted = ["Model: A\n", "\n", "Paper: B\n", "\n"]
    results = [composer.feed(line, more_waiting=True) for line in pasted[:-1]]
    assert results == [None, None, None]
    assert composer.feed("\n", more_waiting=False) == Composed("message", "Model: A\n\nPaper: B")
    assert composer.empty


def test_a_bracketed_paste_is_one_message_however_slowly_it_arrives() -> None:
    """The terminal marks the paste; its unterminated last line only arrives with the Enter
    that follows, so empty lines inside never send, even with nothing waiting."""
    composer = Composer()
    pasted = ["\x1b[200~Which fits?\n", "\n", "Model: A\n", "\n", "\n",
              "Paper: B, the last line\x1b[201~\n"]
    assert [composer.feed(line, more_waiting=False) for line in pasted] == [None] * 6
    assert composer.feed("\n", more_waiting=False) == Composed(
        "message", "Which fits?\n\nModel: A\n\n\nPaper: B, the last line")
    assert not composer.pasting


def test_commands_count_only_on_a_line_of_their_own_before_any_text() -> None:
    composer = Composer()
    assert composer.feed("  History \n", more_waiting=False) == Composed("command", "history")
    assert composer.feed("What does it do?\n", more_waiting=False) is None
    assert composer.feed("help\n", more_waiting=False) is None  # part of the message now
    assert composer.feed("\n", more_waiting=False) == Composed("message", "What does it do?\nhelp")


def test_a_fence_keeps_empty_lines_and_command_words() -> None:
    composer = Composer()
    for line in ('"""\n', "quit\n", "\n", "\n", "Model: A\n", '"""\n'):
        assert composer.feed(line, more_waiting=False) is None
    assert composer.feed("\n", more_waiting=False) == Composed("message", "quit\n\n\nModel: A")


def test_empty_lines_before_a_message_send_nothing() -> None:
    composer = Composer()
    assert composer.feed("\n", more_waiting=False) is None
    assert composer.empty


# -- conversations --------------------------------------------------------------------------------


async def test_paste_follow_up_history_and_forget(tmp_path: Path) -> None:
    typed = (
        _fenced(seed_text("000"))
        + "\n"
        + "Which of the papers deals with sensor failure?\n\n"
        + "history\n"
        + "forget\n"
        + "history\n"
        + "quit\n"
    )
    code, out = await _chat(tmp_path, typed)
    assert code == 0
    assert "Traceback" not in out
    first, follow = out.split("Answered from the source block pasted earlier in thread t1", 1)
    assert "https://github.com/xiaojihh/cl_all-in-one" in first
    assert "How does this model stay generalizable" in first
    assert "Which of the papers deals with sensor failure?" in follow
    assert "2402.18546" in follow
    history, after = follow.split("Deleted 2 stored questions", 1)
    assert "Your recent questions:" in history
    assert "Which of the papers deals with sensor failure?" in history.split("recent questions")[1]
    assert "No questions from you on record." in after
    if shutil.which("dot"):
        pngs = re.findall(r"Workflow diagram saved to (\S+\.png)", out)
        assert pngs and all(Path(p).read_bytes().startswith(b"\x89PNG") for p in pngs)
        assert Path(pngs[0]).parent == Path(os.environ["XDG_CACHE_HOME"]) / "sourcebound" / "diagrams"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("What is TOTEM?\n\n", "this thread has none yet"),
        ("Model: X\nGitHub: https://github.com/a/b\nSummary: " + "x" * 300 + "\n\n",
         "more than I read at once"),
        ("Model: X\nGitHub: https://github.com/a/b\n\n", "no question"),
    ],
)
async def test_bad_input_gets_the_problem_message_never_a_traceback(
    tmp_path: Path, typed: str, expected: str
) -> None:
    settings = _settings(tmp_path, max_source_bytes=200)
    code, out = await _chat(tmp_path, typed + "quit\n", settings=settings)
    assert code == 0 and "Traceback" not in out
    assert expected in out
    assert out.count("t1> ") >= 2  # the prompt came back after the reply


async def test_new_starts_a_thread_without_the_old_source(tmp_path: Path) -> None:
    typed = _fenced(seed_text("000")) + "\nnew\nWhat is TOTEM?\n\nquit\n"
    _, out = await _chat(tmp_path, typed)
    assert "Started thread t2" in out
    assert "this thread has none yet" in out.split("Started thread t2")[1]
    assert "t2> " in out


async def test_example_command_and_help(tmp_path: Path) -> None:
    _, out = await _chat(tmp_path, "help\nexample\n")  # EOF ends the session like quit
    assert "history   your recent questions" in out
    assert "https://github.com/xiaojihh/cl_all-in-one" in out


async def test_a_reply_not_shown_before_a_crash_is_shown_at_the_next_start_once(
    tmp_path: Path,
) -> None:
    from bot.chat import Incoming, Place
    from bot.history.store import HistoryStore
    from bot.service import Service

    settings = _settings(tmp_path)
    async with HistoryStore.open(settings.db_path) as store:
        await Service(store=store, limits=settings.limits).ask(
            Incoming(
                place=Place(platform="console", channel="console", thread="old-t1"),
                user="someone",
                event_id="old-1",
                message_key="console:old-1",
                text=seed_text("000"),
            )
        )
    _, out = await _chat(tmp_path, "quit\n", settings=settings)
    assert "not shown before" in out and "cl_all-in-one" in out
    _, again = await _chat(tmp_path, "quit\n", settings=settings)
    assert "not shown before" not in again


# -- scripts (not a terminal) ---------------------------------------------------------------------


async def test_no_input_and_no_terminal_prints_the_example_and_exits(tmp_path: Path) -> None:
    out = io.StringIO()
    code = await main(settings=_settings(tmp_path), stdin=io.StringIO(""), stdout=out)
    assert code == 0
    text = out.getvalue()
    assert "https://github.com/xiaojihh/cl_all-in-one" in text
    assert "t1> " not in text  # no prompts in a script


async def test_piped_input_is_answered_once(tmp_path: Path) -> None:
    out = io.StringIO()
    piped = io.StringIO(seed_text("000") + "\n\nhistory\n")  # "history" is text here
    code = await main(settings=_settings(tmp_path), stdin=piped, stdout=out, once=True)
    assert code == 0
    assert out.getvalue().count("cl_all-in-one") >= 1
    assert "Your recent questions" not in out.getvalue()


async def test_a_refused_script_exits_non_zero_with_the_problem_message(tmp_path: Path) -> None:
    out = io.StringIO()
    code = await main(
        settings=_settings(tmp_path), stdin=io.StringIO("What is TOTEM?\n"), stdout=out
    )
    assert code == 1
    assert "this thread has none yet" in out.getvalue() and "Traceback" not in out.getvalue()


async def test_example_flag_answers_the_example_then_the_piped_follow_up(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    code = await main(
        settings=_settings(tmp_path), stdin=io.StringIO("What does TOTEM do?\n"), stdout=out,
        example=True,
    )
    text = out.getvalue()
    assert code == 0
    example, follow = text.split("Answered from the source block pasted earlier", 1)
    assert "cl_all-in-one" in example
    assert "What does TOTEM do?" in follow


# -- a real terminal --------------------------------------------------------------------------


async def _until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
async def test_a_paste_into_a_real_terminal_is_one_message(tmp_path: Path) -> None:
    """seed 000 has empty lines: pasted at once into a pty it must still be one message."""
    master, slave = os.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO  # nobody reads the echo back
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    out = io.StringIO()
    # Wrapping an open descriptor does no blocking I/O.
    with open(slave, encoding="utf-8", closefd=True) as stdin:  # noqa: ASYNC230
        task = asyncio.create_task(main(settings=_settings(tmp_path), stdin=stdin, stdout=out))
        try:
            os.write(master, (seed_text("000").rstrip("\n") + "\n\n").encode())
            await _until(lambda: "cl_all-in-one" in out.getvalue())
            os.write(master, b"history\nquit\n")
            assert await asyncio.wait_for(task, 20) == 0
        finally:
            task.cancel()
            os.close(master)
    text = out.getvalue()
    assert "Traceback" not in text
    assert "I need a question" not in text and "no question" not in text
    assert text.count("Your recent questions:") == 1


async def test_spinner_animates_until_stopped_then_clears_its_line() -> None:
    from adapters.console import Spinner

    out = io.StringIO()
    spinner = Spinner(out.write, lambda n: f"reading {n} sources")
    await spinner.start(112)
    await asyncio.sleep(0.25)
    await spinner.stop()
    text = out.getvalue()
    frames = [chunk for chunk in text.split("\r") if "reading 112 sources" in chunk]
    assert len(frames) >= 2  # it moved
    assert text.endswith("\r")  # the line is cleared for the answer
    assert text.rsplit("\r", 2)[-2].strip() == ""


# -- the question for a paste ---------------------------------------------------------------------

QUESTION = "Which paper makes quantized models more accurate?"


def test_what_is_typed_after_a_marked_paste_is_its_question() -> None:
    composer = Composer()
    typed = ["\x1b[200~Model: A\n", "\n", "Paper: B\n", "\x1b[201~Which fits?\n"]
    assert [composer.feed(line, more_waiting=False) for line in typed] == [None] * 4
    assert composer.feed("\n", more_waiting=False) == Composed(
        "message", "Model: A\n\nPaper: B", "Which fits?")
    # The paste's last line without a newline: the Enter after it ends that line, not the paste.
    for line in ("\x1b[200~Model: A\n", "Paper: B\x1b[201~\n", "and which is smaller\n"):
        assert composer.feed(line, more_waiting=False) is None
    assert composer.feed("\n", more_waiting=False) == Composed(
        "message", "Model: A\nPaper: B", "and which is smaller")


def test_what_is_typed_after_a_closing_fence_is_its_question() -> None:
    composer = Composer()
    for line in ('"""\n', "Model: A\n", "\n", '"""\n', "Why A?\n"):
        assert composer.feed(line, more_waiting=False) is None
    assert composer.feed("\n", more_waiting=False) == Composed("message", "Model: A", "Why A?")


def test_a_question_typed_before_the_paste_stays_in_the_message() -> None:
    composer = Composer()
    for line in ("Which fits?\n", "\x1b[200~Model: A\n", "Paper: B\x1b[201~\n"):
        assert composer.feed(line, more_waiting=False) is None
    assert composer.feed("\n", more_waiting=False) == Composed(
        "message", "Which fits?\nModel: A\nPaper: B")


@pytest.mark.parametrize("wrap", ["marks", "fence"])
async def test_the_question_after_a_paste_is_answered(tmp_path: Path, wrap: str) -> None:
    block = seed_text("002").rstrip("\n")
    pasted = f"\x1b[200~{block}\n\x1b[201~" if wrap == "marks" else f'"""\n{block}\n"""\n'
    code, out = await _chat(tmp_path, pasted + QUESTION + "\n\nquit\n")
    assert code == 0 and "Traceback" not in out
    assert f"**Question:** {QUESTION}" in out
    assert "no question" not in out and "PD-Quant" in out
    assert out.count("**Question:**") == 1  # one answer: the block was not sent alone first


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
async def test_a_question_typed_under_an_unmarked_paste_is_its_question(tmp_path: Path) -> None:
    """A terminal without bracketed paste: the paste arrives at once (its empty lines do not
    send), the question is typed on the line under it, then an empty line sends."""
    master, slave = os.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    out = io.StringIO()
    with open(slave, encoding="utf-8", closefd=True) as stdin:  # noqa: ASYNC230
        task = asyncio.create_task(main(settings=_settings(tmp_path), stdin=stdin, stdout=out))
        try:
            # A few entries: a canonical-mode tty line buffer holds 4 KB until it is read.
            head = seed_text("002")[:3000].rsplit("\n\n", 1)[0]
            typed = (head + "\n" + QUESTION + "\n\n").encode()
            await asyncio.to_thread(os.write, master, typed)
            await _until(lambda: "PD-Quant" in out.getvalue())
            os.write(master, b"quit\n")
            assert await asyncio.wait_for(task, 20) == 0
        finally:
            task.cancel()
            os.close(master)
    text = out.getvalue()
    assert f"**Question:** {QUESTION}" in text and "no question" not in text


# -- diagrams -------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
async def test_diagrams_get_unique_names_and_forget_never_overwrites_one(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    settings = Settings(db_path=tmp_path / "sourcebound.db", diagram_dir=folder)
    _, first = await _chat(tmp_path, _fenced(seed_text("000")) + "\nforget\nquit\n",
                           settings=settings)
    (kept,) = re.findall(r"Workflow diagram saved to (\S+\.png)", first)
    before = Path(kept).read_bytes()
    # After forget the delivery ids start again; the next, different answer gets its own file.
    block = seed_text("002").rstrip("\n")
    _, second = await _chat(tmp_path, _fenced(block) + QUESTION + "\n\nquit\n",
                            settings=settings)
    (other,) = re.findall(r"Workflow diagram saved to (\S+\.png)", second)
    assert other != kept and Path(other).parent == folder == Path(kept).parent
    assert Path(kept).read_bytes() == before
    assert len(list(folder.glob("sourcebound-*.png"))) == 2
    assert not list(folder.glob(".*part"))


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
async def test_the_same_diagram_asked_twice_runs_dot_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted by a `dot` on PATH that logs each run before executing the real one."""
    real = shutil.which("dot")
    shim_dir, runs = tmp_path / "bin", tmp_path / "dot-runs"
    shim_dir.mkdir()
    (shim_dir / "dot").write_text(f'#!/bin/sh\necho run >> "{runs}"\nexec "{real}" "$@"\n')
    (shim_dir / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim_dir}:{os.environ['PATH']}")
    typed = _fenced(seed_text("000")) + "\nnew\n" + _fenced(seed_text("000")) + "\nquit\n"
    _, out = await _chat(tmp_path, typed)
    saved = re.findall(r"Workflow diagram saved to (\S+\.png)", out)
    assert len(saved) == 2 and saved[0] == saved[1]
    assert runs.read_text().splitlines() == ["run"]
