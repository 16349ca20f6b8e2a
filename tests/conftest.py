"""Shared fixtures. tests/data holds copies of shared/seeds and shared/eval/cases so the suite
runs from a clean clone alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Limits
from tests.fakes.openai_api import FakeOpenAI

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
EXAMPLE = REPO / "bot" / "examples" / "seed000.txt"


def seed_text(prefix: str) -> str:
    """The text of tests/data/seeds/<prefix>_*.txt (e.g. "000", "002")."""
    (match,) = sorted((DATA / "seeds").glob(f"{prefix}_*.txt"))
    return match.read_text(encoding="utf-8")


def eval_case(name_prefix: str) -> tuple[str, dict[str, object]]:
    """(source text, case.json) of tests/data/eval/<name_prefix>*."""
    import json

    (case,) = sorted((DATA / "eval").glob(f"{name_prefix}*"))
    return (case / "source.txt").read_text(encoding="utf-8"), json.loads(
        (case / "case.json").read_text(encoding="utf-8")
    )


@pytest.fixture
def seed000() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAI]:
    """A local fake OpenAI-compatible server (script its replies with `model.script`)."""
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def _cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Diagrams go to the user cache folder by default: never the real one from a test (nor
    from a `serve` subprocess a test starts, which inherits the environment)."""
    home = tmp_path_factory.mktemp("cache-home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("SOURCEBOUND_DIAGRAM_DIR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home
