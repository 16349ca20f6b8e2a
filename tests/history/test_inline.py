"""The per-event statements on the event loop's own connection (`HistoryStore._run`): they
never wait for another connection's lock there (the thread waits instead, and the loop keeps
running), and the WAL is still checkpointed, on the thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from bot.chat import Place
from bot.history import store as store_module
from bot.history.record import NewQuestion, StoredSource
from bot.history.store import HistoryStore
from tests.history.support import echo_answer, incoming

PLACE = Place(platform="slack", workspace="T1", channel="C1", thread="1.0")
BLOCK = "Model: A\nhttps://github.com/a/a\n" + "filler text of a pasted block. " * 200


def _new(n: int) -> NewQuestion:
    return NewQuestion(
        place=PLACE.model_copy(update={"thread": f"{n}.0"}), user="U1", event_id=f"E{n}",
        dedupe_keys=(f"slack:event:E{n}",), question=f"question {n}?",
        answer=echo_answer(BLOCK, f"question {n}?"),
        source=StoredSource(text=BLOCK + str(n), title="A"),
    )


async def test_the_event_path_runs_on_the_loops_thread(tmp_path: Path) -> None:
    seen: list[int] = []
    async with HistoryStore.open(tmp_path / "h.db") as store:
        original = store._run

        async def spy(fn):  # type: ignore[no-untyped-def]
            def traced(conn: sqlite3.Connection) -> object:
                seen.append(threading.get_ident())
                return fn(conn)
            return await original(traced)

        store._run = spy  # type: ignore[method-assign]
        job = await store.enqueue(incoming("Model: A", event="E0"), ("slack:event:E0",))
        assert job is not None
        reply = await store.record(_new(1))
        assert reply is not None
        assert await store.mark_delivered(reply.delivery_id, 1, 1, posted="1.1")
    assert seen and set(seen) == {threading.get_ident()}


async def test_a_write_locked_by_another_connection_waits_on_the_thread_not_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.db"
    async with HistoryStore.open(path) as store:
        other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another process writing, say
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        running = asyncio.create_task(ticker())
        write = asyncio.create_task(store.record(_new(1)))
        await asyncio.sleep(0.3)
        assert not write.done()  # waiting for the lock …
        assert ticks >= 10  # … while the loop goes on (acks are not held up)
        other.execute("COMMIT")
        reply = await asyncio.wait_for(write, 5)
        running.cancel()
        other.close()
        assert reply is not None
        assert (await store.counts())["questions"] == 1


async def test_the_wal_is_checkpointed_on_the_thread(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(store_module, "CHECKPOINT_WRITES", 10)
    path = tmp_path / "h.db"
    async with HistoryStore.open(path) as store:
        before = path.stat().st_size
        for n in range(30):
            assert await store.record(_new(n)) is not None
        await store._stop_checkpoint()  # the last one started, finished
        # The rows reached the database file itself, not only the WAL.
        assert path.stat().st_size > before
        with sqlite3.connect(str(path)) as reader:
            assert reader.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 30
        # The thread's connection, which checkpointed, still commits transactions.
        assert await store.forget("slack", "U1") == 30
