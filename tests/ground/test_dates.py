"""'When did that land?' is answered by the dated heading a quoted line stands under."""

from __future__ import annotations

from bot.ground.dates import dates
from tests.ground.helpers import answer

LOG = """# Changelog

## 2024-03-02 v0.9.0

- Added a depth-estimation head for monocular video, see [Depth](docs/depth.md)
- Fixed the exporter

## 2023-11-17 v0.8.0

- Added half-precision inference on CPUs
"""


def test_a_when_ask_gets_the_date_of_the_heading_above_the_quoted_line() -> None:
    _, ans = answer(LOG, "does it do depth estimation yet, and when was that added?")
    assert "2024-03-02" in ans.task.summary
    assert "2023-11-17" not in ans.task.summary


def test_a_line_inside_a_link_is_still_found_under_its_heading() -> None:
    found = dates("when?", LOG, [("Added a depth-estimation head for monocular video, see Depth", "m1")])
    assert [d.date for d in found] == ["2024-03-02"]


def test_no_when_ask_no_dates() -> None:
    _, ans = answer(LOG, "does it do depth estimation?")
    assert "dated headings" not in ans.task.summary


def test_a_line_that_carries_its_own_date_needs_none() -> None:
    assert dates("when did it land?", LOG, [("2024-03-02: added a depth head for video", "m1")]) == []
