"""Shared fixtures: the seeds and eval sources, read from ../shared when it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Limits

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLE = REPO / "bot" / "examples" / "seed000.txt"


def seed_text(prefix: str) -> str:
    """The text of shared/seeds/<prefix>_*.txt; skips the test when shared/ is absent."""
    matches = sorted((SHARED / "seeds").glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"shared/seeds/{prefix}_* not available")
    return matches[0].read_text(encoding="utf-8")


@pytest.fixture
def seed000() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def limits() -> Limits:
    return Limits()
