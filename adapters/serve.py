"""`sourcebound serve`: start every chat adapter whose tokens are set, or the console bot.

One event loop, one history store, one service shared by all adapters; SIGTERM and Ctrl-C
cancel the adapters' tasks so each leaves through its own `__aexit__` (closing sockets and
the database cleanly) instead of dying mid-write.

`run` drives it on uvloop where uvloop is installed (a dependency on Linux and macOS), else
on asyncio's own loop: the bot's CPU per answered Slack event is mostly the event loop and
the sockets of its Web API calls, which uvloop does in C (see README, Throughput).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import aiohttp
import jinja2

from adapters.base import ChatAdapter
from adapters.startup import check_config, check_slack, explained
from bot.engines import open_engine
from bot.errors import SourceboundError
from bot.history.store import HistoryStore
from bot.render.env import make_environment
from bot.service import Service
from bot.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
LoopFactory = Callable[[], asyncio.AbstractEventLoop]

PRUNE_EVERY = 24 * 3600.0
# Grounding runs in worker threads and holds the GIL in long stretches; every ack needs the
# loop thread (and aiosqlite's) to get it back several times. With CPython's default 5 ms
# switch interval a burst of 50 events measured ack p99 245 ms; at 0.5 ms, 73 ms, with the
# same answer throughput (bench/bench_slack.py).
SWITCH_INTERVAL = 0.0005


def prefer_the_event_loop() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL)


def loop_factory() -> LoopFactory | None:
    """uvloop's loop when it can be imported; None means asyncio's default loop."""
    try:
        import uvloop
    except ImportError:  # not installed (Windows has no uvloop): asyncio's loop does the same
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T], *, factory: LoopFactory | None = None) -> T:
    """`asyncio.run(main)` on `factory`'s loop (default: `loop_factory()`)."""
    chosen = factory if factory is not None else loop_factory()
    with asyncio.Runner(loop_factory=chosen) as runner:
        return runner.run(main)


def _chat_adapters(
    settings: Settings, service: Service, env: jinja2.Environment
) -> list[ChatAdapter]:
    adapters: list[ChatAdapter] = []
    # Imported only when configured: each chat library costs start-up time.
    if settings.slack_enabled:
        from adapters.slack import SlackAdapter

        adapters.append(SlackAdapter(settings=settings, service=service, env=env))
    if settings.discord_enabled:
        from adapters.discord import DiscordAdapter

        adapters.append(DiscordAdapter(settings=settings, service=service, env=env))
    return adapters


# What a chat library raises when its platform cannot be reached at start-up.
_UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError)


async def _run_one(adapter: ChatAdapter, settings: Settings) -> None:
    try:
        await adapter.run()
    except _UNREACHABLE as exc:
        raise explained(adapter.platform, exc, settings) from None


async def _run_all(adapters: list[ChatAdapter], settings: Settings) -> None:
    try:
        async with asyncio.TaskGroup() as group:
            for adapter in adapters:
                group.create_task(_run_one(adapter, settings))
    except* SourceboundError as failed:
        # e.g. a refused token: the entry point prints it as one line, not a group.
        raise failed.exceptions[0] from None


async def _prune_daily(store: HistoryStore, settings: Settings) -> None:
    """Retention runs on open and then once a day, for a process that runs for months."""
    while True:
        await asyncio.sleep(PRUNE_EVERY)
        try:
            await store.prune(settings.retention)
        except SourceboundError as exc:  # busy now; tomorrow will do
            log.warning("retention pruning failed: %s", exc)


async def serve(settings: Settings, *, plain: bool = False) -> int:
    check_config(settings)
    if not (settings.slack_enabled or settings.discord_enabled):
        from adapters.console import main as console_main

        log.info("no chat tokens set: starting the console bot")
        return await console_main(settings=settings, example=True, plain=plain)
    if settings.slack_enabled:
        await check_slack(settings)

    prefer_the_event_loop()
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    log.info("event loop: %s", type(loop).__module__.split(".")[0])
    if task is not None:
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signal.SIGTERM, task.cancel)

    env = make_environment(settings.templates_dir)
    async with HistoryStore.open(
        settings.db_path, retention=settings.retention
    ) as store, open_engine(settings=settings, env=env) as engine:
        service = Service(store=store, limits=settings.limits, engine=engine)
        adapters = _chat_adapters(settings, service, env)
        async with contextlib.AsyncExitStack() as stack:
            pruning = asyncio.create_task(_prune_daily(store, settings))
            stack.callback(pruning.cancel)
            for adapter in adapters:
                try:
                    await stack.enter_async_context(adapter)
                except _UNREACHABLE as exc:
                    raise explained(adapter.platform, exc, settings) from None
                log.info("%s adapter started", adapter.platform)
            try:
                await _run_all(adapters, settings)
            except asyncio.CancelledError:
                log.info("shutting down")
    return 0
