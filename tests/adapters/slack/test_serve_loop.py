"""`serve` runs on uvloop where it is installed and on asyncio's own loop where it is not;
the Slack path answers the same on both (the real entry point, a subprocess, against the
loopback Web API fake)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from adapters.serve import loop_factory, run
from tests.adapters.slack.test_slack_faults import PARTS, Bot, complete, files_in, parts_in
from tests.conftest import seed_text
from tests.fakes.slack_api import FakeSlackApi

# An import of uvloop fails in this process as it would where uvloop is not installed.
WITHOUT_UVLOOP = "import sys; sys.modules['uvloop'] = None"


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__.split(".")[0]


def test_serve_takes_uvloop_when_it_is_installed() -> None:
    pytest.importorskip("uvloop")
    assert loop_factory() is not None
    assert run(_loop_module()) == "uvloop"


def test_without_uvloop_serve_runs_on_asyncios_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)
    assert loop_factory() is None
    assert run(_loop_module()) == "asyncio"


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
async def test_an_event_is_answered_on_either_loop(
    loop: str, api: FakeSlackApi, tmp_path: Path
) -> None:
    if loop == "uvloop":
        pytest.importorskip("uvloop")
    bot = Bot(api, tmp_path / "loop.db", tmp_path / "bot.log",
              prelude=WITHOUT_UVLOOP if loop == "asyncio" else "")
    try:
        await bot.start()
        ts = "1700004000.000100"
        assert await bot.ask(seed_text("000"), ts) == 200
        await complete(api, ts)
        await api.settle(quiet=0.3)
        assert parts_in(api, ts) == PARTS and len(files_in(api, ts)) == 1
        assert f"event loop: {loop}" in bot.log.read_text()
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            bot.kill()
            await bot.reap()
