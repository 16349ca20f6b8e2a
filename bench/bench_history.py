"""History benchmark: stored questions per second, and 200 simultaneous questions.

Runs on a temporary SQLite file (WAL, synchronous=NORMAL, as in production):
  - sequential writes: one `record` (claim keys + question + answer + delivery) at a time;
  - concurrent writes: the same, 200 at a time on one store, and split across two stores
    (two connections, as two processes would be);
  - 200 simultaneous `Service.ask` calls on seed 000, wall time and per-question latency:
    with a canned answer (dedupe + storage only) and with the real pipeline (parse + ground
    in worker threads, CPU-bound).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.chat import Incoming, Place
from bot.engines import Progress, Solved
from bot.history.record import NewQuestion, StoredSource
from bot.history.store import HistoryStore
from bot.models import Answer, Task, Workflow
from bot.service import Service
from bot.settings import Limits

EXAMPLE = Path(__file__).resolve().parent.parent / "bot" / "examples" / "seed000.txt"
WRITES = 2_000
CONCURRENT = 200


def _record(n: int, answer: Answer, source: StoredSource) -> NewQuestion:
    place = Place(platform="slack", workspace="T1", channel="C1", thread=f"{n % 100}.0")
    return NewQuestion(
        place=place, user=f"U{n % 13}", event_id=f"E{n}",
        dedupe_keys=(f"slack:event:E{n}", f"slack:message:C1:{n}"),
        question=answer.question, answer=answer, source=source,
    )


async def _writes(path: Path) -> dict[str, float]:
    answer = Answer(question="How does it work?", task=Task(summary="x"), workflow=Workflow())
    source = StoredSource(text=EXAMPLE.read_text(encoding="utf-8"), title="seed 000")
    out: dict[str, float] = {}
    async with HistoryStore.open(path) as store:
        start = time.perf_counter()
        for n in range(WRITES):
            await store.record(_record(n, answer, source))
        out["sequential writes/s"] = WRITES / (time.perf_counter() - start)

        start = time.perf_counter()
        for base in range(WRITES, 2 * WRITES, CONCURRENT):
            await asyncio.gather(
                *(store.record(_record(n, answer, source)) for n in range(base, base + CONCURRENT))
            )
        out[f"concurrent writes/s ({CONCURRENT} at a time)"] = WRITES / (
            time.perf_counter() - start
        )
    async with HistoryStore.open(path) as one, HistoryStore.open(path) as two:
        start = time.perf_counter()
        await asyncio.gather(
            *((one if n % 2 else two).record(_record(n, answer, source))
              for n in range(2 * WRITES, 3 * WRITES))
        )
        out["two connections writes/s"] = WRITES / (time.perf_counter() - start)
    return out


class _Canned:
    """An engine with a canned answer: the benchmark measures storage, not grounding."""

    def split(self, text: str) -> tuple[str | None, str]:
        question, _, block = text.partition("\n\n")
        return question, block

    async def solve(self, text: str, question: str | None, *, limits: Limits,
                    progress: Progress | None = None) -> Solved:
        answer = Answer(question=question or "?", task=Task(summary="x"), workflow=Workflow())
        return Solved(answer, None)


async def _inbox(path: Path) -> dict[str, float]:
    """What the durable inbox costs per event: the insert that precedes every ack."""
    out: dict[str, float] = {}
    async with HistoryStore.open(path) as store:
        service = Service(store=store, limits=Limits(), engine=_Canned())
        text = "What is it?\n\n" + EXAMPLE.read_text(encoding="utf-8")[:4000]
        costs: list[float] = []
        for n in range(WRITES):
            incoming = Incoming(
                place=Place(platform="slack", workspace="T1", channel="C1", thread=f"{n}.0"),
                user="U1", event_id=f"Ev{n}", message_key=f"C1:{n}", text=text,
            )
            start = time.perf_counter()
            await service.accept(incoming)
            costs.append(time.perf_counter() - start)
        costs.sort()
        out["inbox insert p50 ms"] = costs[len(costs) // 2] * 1000
        out["inbox insert p99 ms"] = costs[int(len(costs) * 0.99)] * 1000
    return out


async def _asks(path: Path, *, real: bool) -> dict[str, float]:
    """200 simultaneous asks; `real` runs parse + ground, else a canned answer (storage only)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    latencies: list[float] = []
    label = "pipeline" if real else "canned answer"
    async with HistoryStore.open(path) as store:
        service = Service(store=store, limits=Limits(),
                          engine=None if real else _Canned())

        async def ask(n: int) -> None:
            start = time.perf_counter()
            reply = await service.ask(Incoming(
                place=Place(platform="slack", channel="C1", thread=f"{n}.0"),
                user=f"U{n}", event_id=f"Q{n}", message_key=f"C1:{n}", text=text,
            ))
            assert reply is not None and reply.kind == "answer", reply
            latencies.append(time.perf_counter() - start)

        await ask(-1)  # warm the parser and ranking library once
        latencies.clear()
        start = time.perf_counter()
        await asyncio.gather(*(ask(n) for n in range(CONCURRENT)))
        wall = time.perf_counter() - start
        stored = (await store.counts())["questions"]
    assert stored == CONCURRENT + 1, stored
    latencies.sort()
    return {
        f"{CONCURRENT} simultaneous asks ({label}), wall s": wall,
        f"  asks/s ({label})": CONCURRENT / wall,
        f"  latency p50 ms ({label})": 1000 * statistics.median(latencies),
        f"  latency p99 ms ({label})": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(_writes(Path(tmp) / "writes.db"))
        results.update(asyncio.run(_inbox(Path(tmp) / "inbox.db")))
        results.update(asyncio.run(_asks(Path(tmp) / "canned.db", real=False)))
        results.update(asyncio.run(_asks(Path(tmp) / "asks.db", real=True)))
    print("history (SQLite WAL, synchronous=NORMAL)")
    for name, value in results.items():
        print(f"  {name:<48} {value:>10.1f}")


if __name__ == "__main__":
    main()
