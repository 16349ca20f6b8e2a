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
import signal
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


def _thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) of the process's threads so far: the event loop's (the
    main thread) and the rest (aiosqlite's connection thread; parsing, grounding and `dot`
    in worker threads), Linux /proc; empty elsewhere."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = {}
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            head, _, rest = (task / "stat").read_text().rpartition(")")
            fields = rest.split()
            comm = head.split("(", 1)[1]
        except (OSError, IndexError):
            continue
        # Python does not name its threads for the OS: all but the first are "python".
        name = "event loop" if task.name == str(pid) else "other threads (SQLite, workers)" \
            if comm == "python" else f"thread {comm}"
        found[name] = found.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return found


def _serve_bot(api_url: str, db: str, ports: Any, stop: Any, profile: str | None = None,
               loop: str = "auto") -> None:
    """The bot process: adapter + Service + SQLite behind aiohttp on a free port, on the
    event loop `serve` uses (`loop="auto"`: uvloop when installed) or the one named. With
    `profile`, the event loop thread runs under cProfile and its stats are dumped there."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from adapters.serve import loop_factory, prefer_the_event_loop
    from adapters.serve import run as run_serve
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

    factory = loop_factory() if loop == "auto" else asyncio.new_event_loop if loop == "asyncio" \
        else __import__("uvloop").new_event_loop
    if profile is None:
        run_serve(serve(), factory=factory)
        return
    import cProfile

    with cProfile.Profile() as profiler:
        run_serve(serve(), factory=factory)
    profiler.dump_stats(profile)


# Every Web API method an answer may call (the upload's own POST is not a method: counted
# by files.getUploadURLExternal's), and auth.test, which bolt should call once per process.
_METHODS = ("assistant.threads.setStatus", "chat.postMessage", "files.getUploadURLExternal",
            "files.completeUploadExternal", "conversations.replies", "chat.update",
            "auth.test")


def _auto_loop() -> str:
    from adapters.serve import loop_factory

    return "asyncio" if loop_factory() is None else "uvloop"


async def _start_spy(pid: int, out: str | None) -> asyncio.subprocess.Process | None:
    """py-spy (from pip, beside this Python) sampling the bot process during the throughput
    phase only: start-up, imports and the warm-up stay out of the samples. `--gil` keeps
    only the thread holding the GIL, so waits in other threads drop out."""
    if out is None:
        return None
    spy = Path(sys.executable).with_name("py-spy")
    process = await asyncio.create_subprocess_exec(
        str(spy), "record", "--gil", "--format", "raw", "--rate", "500", "--pid", str(pid),
        "-o", out, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    await asyncio.sleep(1.0)  # attached before the load starts
    return process


async def _stop_spy(process: asyncio.subprocess.Process | None) -> None:
    if process is not None:
        process.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        await process.wait()


async def run(events: int, concurrency: int, rounds: int,
              profile: str | None = None, spy: str | None = None,
              loop: str = "auto") -> dict[str, Any]:
    """Slack's side (the load and the fake Web API) here; the bot in its own process, so
    the load generator's own work is not counted as the bot's latency."""
    from tests.conftest import seed_text
    from tests.fakes.slack_api import FakeSlackApi

    text = seed_text("000")
    context = multiprocessing.get_context("spawn")
    ports, stop = context.Queue(), context.Event()
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlackApi() as api:
            bot = context.Process(target=_serve_bot, args=(api.api_url, f"{tmp}/bench.db", ports, stop, profile,
                                                     loop))
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
                    calls_before = {m: len(api.called(m)) for m in _METHODS}
                    gate = asyncio.Semaphore(concurrency)

                    async def gated() -> float:
                        async with gate:
                            return await sender.one()

                    sampler = await _start_spy(bot.pid or 0, spy)
                    bot_cpu = _cpu_seconds(bot.pid or 0)
                    threads_before = _thread_cpu(bot.pid or 0)
                    load_cpu = time.process_time()
                    started = time.perf_counter()
                    await asyncio.gather(*(gated() for _ in range(events)))
                    acked = time.perf_counter() - started
                    await api.wait_for("chat.postMessage", count=before + 3 * events, timeout=600)
                    answered = time.perf_counter() - started
                    load_cpu = time.process_time() - load_cpu
                    bot_end = _cpu_seconds(bot.pid or 0)
                    threads_after = _thread_cpu(bot.pid or 0)
                    await _stop_spy(sampler)
                    bot_cpu = (bot_end[0] - bot_cpu[0], bot_end[1] - bot_cpu[1]) \
                        if bot_end is not None and bot_cpu is not None else None
                    after = _listen_overflows()
                    calls = {m: len(api.called(m)) - calls_before[m] for m in _METHODS}
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
        "loop": loop if loop != "auto" else _auto_loop(),
        "concurrency": concurrency,
        "bot_cpu_ms": sum(bot_cpu) * 1000 / events if bot_cpu is not None else None,
        "bot_sys_ms": bot_cpu[1] * 1000 / events if bot_cpu is not None else None,
        "load_cpu_ms": load_cpu * 1000 / events,
        "threads_ms": {name: (spent - threads_before.get(name, 0.0)) * 1000 / events
                       for name, spent in sorted(threads_after.items())},
        "load_average": load,
        "calls_per_event": sum(calls.values()) / events,
        "auth_tests": calls["auth.test"],
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
    parser.add_argument("--loop", choices=("auto", "asyncio", "uvloop"), default="auto",
                        help="the bot's event loop (auto: as `serve`, uvloop when installed)")
    parser.add_argument("--spy", metavar="FILE",
                        help="sample the bot with py-spy during the throughput phase only; "
                             "collapsed stacks to FILE (one file per concurrency: FILE.<n>)")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # for tests.fakes when run as a script
    for concurrency in (int(c) for c in str(args.concurrency).split(",")):
        spy = f"{args.spy}.{concurrency}" if args.spy else None
        _table(asyncio.run(run(args.events, concurrency, args.rounds, args.profile, spy,
                               args.loop)))
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
        *((f"  of which {name}", f"{ms:.1f} ms")
          for name, ms in result["threads_ms"].items() if ms >= 0.05),
        ("load generator + fake Web API CPU per event", f"{result['load_cpu_ms']:.1f} ms"),
        ("bot event loop", result["loop"]),
        ("Web API calls per answered event (the upload's POST counted once more)",
         f"{result['calls_per_event']:.2f} + 1"),
        ("auth.test calls during the run (bolt authorizes once per process)",
         str(result["auth_tests"])),
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
