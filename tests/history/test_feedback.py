"""Feedback through the real Service and SQLite: every click kept, a 👎's reason, refs that
name nothing, `forget` and pruning, and the `sourcebound feedback` export (JSON lines, CSV)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.history.store import HistoryStore
from bot.service import Service
from bot.settings import Limits
from tests.history.support import FakeEngine, incoming

BLOCK = "Model: Alpha\nhttps://github.com/a/alpha"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    async with HistoryStore.open(tmp_path / "h.db") as store:
        yield Service(store=store, limits=Limits(), engine=FakeEngine())


async def _answer(service: Service, n: int, *, user: str = "UASK") -> str:
    reply = await service.ask(incoming(f"What is Alpha {n}?\n\n{BLOCK}", event=f"E{n}",
                                       user=user, thread=f"{n}.0"))
    assert reply is not None and reply.kind == "answer"
    return str(reply.delivery_id)


async def test_every_click_is_kept_and_the_reason_goes_on_the_latest_down(
    service: Service,
) -> None:
    ref = await _answer(service, 1)
    assert await service.record_feedback(answer_ref=ref, platform="slack", user="U1",
                                         rating="down")
    assert await service.record_feedback(answer_ref=ref, platform="slack", user="U1",
                                         rating="up")
    assert await service.record_feedback(answer_ref=ref, platform="slack", user="U1",
                                         rating="down")
    assert await service.feedback_reason(answer_ref=ref, platform="slack", user="U1",
                                         reason="  the links are for the wrong model ")
    records = await service.feedback()
    assert [r.rating for r in records] == ["down", "up", "down"]
    assert [r.reason for r in records] == [None, None, "the links are for the wrong model"]
    first = records[0]
    assert (first.answer_id, first.platform, first.user, first.asker) == (int(ref), "slack",
                                                                          "U1", "UASK")
    assert first.question == "What is Alpha 1?"
    assert (first.channel, first.thread, first.source_title) == ("C1", "1.0", "Model: Alpha")


@pytest.mark.parametrize("ref", ["999", "abc", "", "1; DROP TABLE feedback", "-1", "9" * 40])
async def test_a_ref_that_names_no_answer_is_refused(service: Service, ref: str) -> None:
    await _answer(service, 1)
    assert not await service.record_feedback(answer_ref=ref, platform="slack", user="U1",
                                             rating="up")
    assert await service.feedback() == []


async def test_bad_rating_other_platform_and_reason_without_a_down_are_refused(
    service: Service,
) -> None:
    ref = await _answer(service, 1)
    assert not await service.record_feedback(answer_ref=ref, platform="slack", user="U1",
                                             rating="meh")
    # The ref is a Slack delivery: a Discord click cannot rate it.
    assert not await service.record_feedback(answer_ref=ref, platform="discord", user="U1",
                                             rating="up")
    assert await service.record_feedback(answer_ref=ref, platform="slack", user="U1",
                                         rating="up")
    assert not await service.feedback_reason(answer_ref=ref, platform="slack", user="U1",
                                             reason="no down to attach to")


async def test_forget_deletes_the_clickers_rows_and_the_askers_answers_take_theirs(
    service: Service,
) -> None:
    mine = await _answer(service, 1, user="UASK")
    theirs = await _answer(service, 2, user="UOTHER")
    for ref in (mine, theirs):
        for user in ("UASK", "UCLICK"):
            assert await service.record_feedback(answer_ref=ref, platform="slack", user=user,
                                                 rating="up")
    await service.forget("slack", "UCLICK")
    assert {(r.answer_id, r.user) for r in await service.feedback()} == {
        (int(mine), "UASK"), (int(theirs), "UASK")}
    await service.forget("slack", "UASK")  # their answer goes, and their clicks elsewhere
    assert await service.feedback() == []
    assert (await service.store.counts())["feedback"] == 0


async def test_pruning_an_answer_prunes_its_feedback(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    async with HistoryStore.open(path) as store:
        service = Service(store=store, limits=Limits(), engine=FakeEngine())
        old, new = await _answer(service, 1), await _answer(service, 2)
        for ref in (old, new):
            await service.record_feedback(answer_ref=ref, platform="slack", user="U1",
                                          rating="down")
    aged = (datetime.now(UTC) - timedelta(days=200)).isoformat()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE questions SET asked_at = ? WHERE event_id = 'E1'", (aged,))
    async with HistoryStore.open(path, retention=timedelta(days=90)) as store:
        assert [r.answer_id for r in await store.feedback()] == [int(new)]


async def _seeded(path: Path) -> str:
    async with HistoryStore.open(path) as store:
        service = Service(store=store, limits=Limits(), engine=FakeEngine())
        ref = await _answer(service, 1)
        await service.record_feedback(answer_ref=ref, platform="slack", user="U1", rating="up")
        await service.record_feedback(answer_ref=ref, platform="slack", user="U2", rating="down",
                                      reason='wrong, "very" wrong,\nsee thread')
        return ref


def test_cli_exports_one_json_line_per_click(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.db"
    ref = asyncio.run(_seeded(path))
    monkeypatch.setenv("SOURCEBOUND_DB", str(path))
    assert main(["feedback"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [(r["rating"], r["user"], r["answer_id"]) for r in rows] == [
        ("up", "U1", int(ref)), ("down", "U2", int(ref))]
    assert rows[1]["reason"] == 'wrong, "very" wrong,\nsee thread'
    assert {r["question"] for r in rows} == {"What is Alpha 1?"}
    assert {"time", "platform", "channel", "thread"} <= set(rows[0])


def test_cli_exports_csv_and_honours_since(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.db"
    asyncio.run(_seeded(path))
    monkeypatch.setenv("SOURCEBOUND_DB", str(path))
    assert main(["feedback", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["rating"] for r in rows] == ["up", "down"]
    assert rows[1]["reason"] == 'wrong, "very" wrong,\nsee thread'
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert main(["feedback", "--since", tomorrow, "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1  # the header only


def test_cli_refuses_a_bad_date_and_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCEBOUND_DB", str(tmp_path / "none.db"))
    assert main(["feedback", "--since", "last week"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["feedback"]) == 2
    err = capsys.readouterr().err
    assert "no history database" in err and err.count("\n") == 1
    assert not (tmp_path / "none.db").exists()
