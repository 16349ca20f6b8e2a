"""Slack HTTP path benchmark: signed events through bolt and the real adapter, Service and
SQLite, with the Web API pointed at the local fake (loopback, port 0).

    python -m bench.bench_slack [--events 200] [--concurrency 50,200] [--rounds 5] [--profile FILE]

Every event is committed to the durable inbox before it is acked. Prints one table per
concurrency:
  * ack latency p50 / p99 with `concurrency` signed events in flight at once (target: p99 <= 100 ms),
    measured while earlier answers are still being computed and posted;
  * acked events/s (HTTP requests answered per second at that concurrency);
  * answered events/s end to end (until all three parts of every answer are posted);
  * the kernel's TcpExt ListenOverflows during the run (connections dropped because the
    listen backlog was full; 0 expected with the raised backlog).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _Sender:
    def __init__(self, session: aiohttp.ClientSession, url: str, text: str) -> None:
        self._session = session
        self._url = url
        self._text = text
        self._n = itertools.count(1)
        self._verifier = SignatureVerifier(SECRET)

    async def one(self) -> float:
        n = next(self._n)
        body = json.dumps({
            "type": "event_callback", "team_id": "T0001", "event_id": f"EvBENCH{n:08d}",
            "event": {"type": "app_mention", "user": "UASKER", "channel": f"C{n % 20:04d}",
                      "ts": f"{1_600_000_000 + n}.000100", "text": "<@UBOT> " + self._text},
        })
        stamp = str(int(time.time()))
        headers = {"content-type": "application/json", "x-slack-request-timestamp": stamp,
                   "x-slack-signature": self._verifier.generate_signature(timestamp=stamp, body=body)}
        started = time.perf_counter()
        async with self._session.post(self._url, data=body.encode(), headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
        return time.perf_counter() - started


def _listen_overflows() -> int | None:
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table.get("ListenOverflows", 0))
    return None


def _load_average() -> float | None:
    """The machine's 1-minute load average: on a shared machine the answered events/s of a
    run follow the CPU left to it, so each table says how busy the machine was."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _cpu_seconds(pid: int) -> tuple[float, float] | None:
    """(user, system) CPU time of a process and its waited-for children (the `dot` runs) so
    far (Linux /proc), for CPU per answered event. System time is mostly the loopback TCP
    of the Web API calls and the acks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    return ((int(fields[11]) + int(fields[13])) / tick, (int(fields[12]) + int(fields[14])) / tick)


def _serve_bot(api_url: str, db: str, ports: Any, stop: Any, profile: str | None = None) -> None:
    """The bot process: adapter + Service + SQLite behind aiohttp on a free port. With
    `profile`, the event loop thread runs under cProfile and its stats are dumped there."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from adapters.serve import prefer_the_event_loop
    from adapters.slack import SlackAdapter
    from bot.history.store import HistoryStore
    from bot.render.env import make_environment
    from bot.service import Service
    from bot.settings import Settings
    from tests.fakes.slack_api import TOKEN

    prefer_the_event_loop()

    async def serve() -> None:
        settings = Settings(slack_bot_token=SecretStr(TOKEN), slack_signing_secret=SecretStr(SECRET),
                            slack_api_url=api_url, db_path=Path(db))
        async with HistoryStore.open(Path(db)) as store:
            service = Service(store=store, limits=settings.limits)
            async with SlackAdapter(settings=settings, service=service, env=make_environment()) as slack:
                from adapters.slack.runner import LISTEN_BACKLOG

                runner = web.AppRunner(slack.web_app(), access_log=None)
                await runner.setup()
                site = web.TCPSite(runner, "127.0.0.1", 0, backlog=LISTEN_BACKLOG)
                await site.start()
                ports.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
                while not stop.is_set():
                    await asyncio.sleep(0.1)
                await runner.cleanup()

    if profile is None:
        asyncio.run(serve())
        return
    import cProfile

    with cProfile.Profile() as profiler:
        asyncio.run(serve())
    profiler.dump_stats(profile)


async def run(events: int, concurrency: int, rounds: int,
              profile: str | None = None) -> dict[str, Any]:
    """Slack's side (the load and the fake Web API) here; the bot in its own process, so
    the load generator's own work is not counted as the bot's latency."""
    from tests.conftest import seed_text
    from tests.fakes.slack_api import FakeSlackApi

    text = seed_text("000")
    context = multiprocessing.get_context("spawn")
    ports, stop = context.Queue(), context.Event()
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlackApi() as api:
            bot = context.Process(target=_serve_bot, args=(api.api_url, f"{tmp}/bench.db", ports, stop, profile))
            bot.start()
            try:
                port = await asyncio.to_thread(ports.get, True, 60)
                url = f"http://127.0.0.1:{port}/slack/events"
                connector = aiohttp.TCPConnector(limit=concurrency * 2)
                async with aiohttp.ClientSession(connector=connector) as session:
                    sender = _Sender(session, url, text)
                    await sender.one()  # warm up: auth.test, first parse
                    await api.wait_for("chat.postMessage", count=3, timeout=60)

                    overflows = _listen_overflows()
                    # 1. ack latency: `rounds` bursts of `concurrency` simultaneous events,
                    #    while the answers of the earlier bursts are computed and posted.
                    latencies: list[float] = []
                    for _ in range(rounds):
                        latencies += await asyncio.gather(*(sender.one() for _ in range(concurrency)))
                    await api.wait_for("chat.postMessage", count=3 * (1 + rounds * concurrency),
                                       timeout=600)

                    # 2. throughput: `events` events, `concurrency` in flight, until all answered.
                    before = len(api.called("chat.postMessage", ok=True))
                    gate = asyncio.Semaphore(concurrency)

                    async def gated() -> float:
                        async with gate:
                            return await sender.one()

                    bot_cpu = _cpu_seconds(bot.pid or 0)
                    load_cpu = time.process_time()
                    started = time.perf_counter()
                    await asyncio.gather(*(gated() for _ in range(events)))
                    acked = time.perf_counter() - started
                    await api.wait_for("chat.postMessage", count=before + 3 * events, timeout=600)
                    answered = time.perf_counter() - started
                    load_cpu = time.process_time() - load_cpu
                    bot_end = _cpu_seconds(bot.pid or 0)
                    bot_cpu = (bot_end[0] - bot_cpu[0], bot_end[1] - bot_cpu[1]) \
                        if bot_end is not None and bot_cpu is not None else None
                    after = _listen_overflows()
                    load = _load_average()
            finally:
                stop.set()
                await asyncio.to_thread(bot.join, 30)
                if bot.is_alive():
                    bot.terminate()
    return {
        "samples": len(latencies),
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies) * 1000,
        "acked_per_s": events / acked,
        "answered_per_s": events / answered,
        "events": events,
        "concurrency": concurrency,
        "bot_cpu_ms": sum(bot_cpu) * 1000 / events if bot_cpu is not None else None,
        "bot_sys_ms": bot_cpu[1] * 1000 / events if bot_cpu is not None else None,
        "load_cpu_ms": load_cpu * 1000 / events,
        "load_average": load,
        "listen_overflows": (after - overflows) if after is not None and overflows is not None
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--concurrency", default="50,200")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", metavar="FILE",
                        help="cProfile the bot's event loop; stats to FILE (pstats format)")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # for tests.fakes when run as a script
    for concurrency in (int(c) for c in str(args.concurrency).split(",")):
        _table(asyncio.run(run(args.events, concurrency, args.rounds, args.profile)))
    return 0


def _table(result: dict[str, Any]) -> None:
    rows = [
        (f"ack latency p50 ({result['concurrency']} concurrent, {result['samples']} samples)",
         f"{result['p50_ms']:.1f} ms"),
        (f"ack latency p99 ({result['concurrency']} concurrent; target <= 100 ms)",
         f"{result['p99_ms']:.1f} ms"),
        ("ack latency max", f"{result['max_ms']:.1f} ms"),
        (f"acked events/s ({result['events']} events)", f"{result['acked_per_s']:.0f}"),
        ("answered events/s (3 parts + PNG posted, seed 000 repeated; target >= 100)", f"{result['answered_per_s']:.1f}"),
        ("bot process CPU per answered event (with its dot runs)",
         "n/a" if result["bot_cpu_ms"] is None
         else f"{result['bot_cpu_ms']:.1f} ms ({result['bot_sys_ms']:.1f} ms system)"),
        ("load generator + fake Web API CPU per event", f"{result['load_cpu_ms']:.1f} ms"),
        ("TcpExt ListenOverflows during the run", str(result["listen_overflows"])),
        ("machine load average (1 min) at the end (2 cores, shared)",
         "n/a" if result["load_average"] is None else f"{result['load_average']:.2f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'Slack HTTP path'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 12}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")
    print()


if __name__ == "__main__":
    raise SystemExit(main())
