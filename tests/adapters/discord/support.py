"""Assertions shared by the Discord adapter tests."""

from __future__ import annotations

from bot.safety import has_ping
from tests.fakes.discord_gateway import Call

PNG_MAGIC = b"\x89PNG"


def assert_safe(calls: list[Call]) -> None:
    """Every posted payload disables mentions and shows no live mention text."""
    assert calls
    for call in calls:
        assert call.json is not None, call.path
        assert call.json.get("allowed_mentions") == {"parse": []}, call.json
        assert not has_ping(call.text()), call.text()


def pngs(calls: list[Call]) -> list[bytes]:
    return [f.data for call in calls for f in call.files if f.name.endswith(".png")]
