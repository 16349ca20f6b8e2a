"""Fault tests: `sourcebound serve` as a subprocess against the loopback Slack fake, SIGKILLed
at chosen points (right after the ack, after each part landed, between the three upload
calls), restarted on the same database file: every accepted question is answered exactly
once, with its PNG. Also SIGTERM (exit 0, unfinished work left queued) and a database locked
by another process.

One bot life per kill point, chained: the restarted process finishes the killed question and
then takes the next one, so seven kill points cost eight starts.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier

from tests.adapters.slack.conftest import CHANNEL, SECRET
from tests.conftest import REPO, seed_text
from tests.fakes.slack_api import BOT_USER, TEAM, TOKEN, FakeSlackApi

START_TIMEOUT = 20.0
PARTS = [1, 2, 3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Bot:
    """One `sourcebound serve` process on `db`, its HTTP Events API on a free port
    (`prelude`: Python run in that process before the entry point)."""

    def __init__(self, api: FakeSlackApi, db: Path, log: Path, *, prelude: str = "") -> None:
        self.prelude = prelude
        self.api = api
        self.db = db
        self.log = log
        self.port = _free_port()
        self.proc: asyncio.subprocess.Process | None = None
        self._ids = 0

    async def start(self) -> None:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.api.api_url,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "SOURCEBOUND_DB": str(self.db),
            "SOURCEBOUND_RETRY_BASE_SECONDS": "0.05",
        }
        env.pop("SLACK_APP_TOKEN", None)
        env.pop("DISCORD_TOKEN", None)
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", self.prelude + "\nfrom bot.cli import main; main()",
                "serve", "-v",
                cwd=REPO, env=env, stdout=out, stderr=out,
            )
        deadline = time.monotonic() + START_TIMEOUT
        async with aiohttp.ClientSession() as http:
            while True:
                assert self.proc.returncode is None, self.log.read_text()
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as r:
                        if r.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, self.log.read_text()
                await asyncio.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)

    async def reap(self) -> int:
        assert self.proc is not None
        return await asyncio.wait_for(self.proc.wait(), START_TIMEOUT)

    async def command(self, text: str, trigger: str) -> int:
        """POST a signed `/sourcebound` slash command; returns the HTTP status of the ack."""
        body = urlencode({
            "token": "legacy", "team_id": TEAM, "channel_id": CHANNEL, "user_id": "UASKER",
            "command": "/sourcebound", "text": text, "trigger_id": trigger,
            "response_url": self.api.response_url(trigger), "api_app_id": "A0APP",
        })
        return await self._post(body, "application/x-www-form-urlencoded")

    async def ask(self, text: str, ts: str, *, event_id: str | None = None) -> int:
        """POST a signed app_mention; returns the HTTP status of the ack."""
        self._ids += 1
        body = json.dumps({
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0APP", "type": "event_callback",
            "event_id": event_id or f"EvF{ts}", "event_time": int(time.time()),
            "event": {"type": "app_mention", "user": "UASKER", "text": f"<@{BOT_USER}> {text}",
                      "ts": ts, "channel": CHANNEL, "team": TEAM},
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        })
        return await self._post(body, "application/json")

    async def _post(self, body: str, content_type: str) -> int:
        stamp = str(int(time.time()))
        headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": stamp,
            "x-slack-signature": SignatureVerifier(SECRET).generate_signature(
                timestamp=stamp, body=body),
        }
        async with aiohttp.ClientSession() as http, http.post(
            f"http://127.0.0.1:{self.port}/slack/events", data=body.encode(), headers=headers
        ) as response:
            return response.status


def parts_in(api: FakeSlackApi, ts: str) -> list[int]:
    return [m["metadata"]["event_payload"]["part"] for m in api.thread(CHANNEL, ts)
            if (m["metadata"] or {}).get("event_type") == "sourcebound_part"]


def files_in(api: FakeSlackApi, ts: str) -> list[Any]:
    return [f for m in api.thread(CHANNEL, ts) for f in m["files"]]


async def complete(api: FakeSlackApi, ts: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while sorted(parts_in(api, ts)) != PARTS or len(files_in(api, ts)) < 1:
        assert time.monotonic() < deadline, (parts_in(api, ts), files_in(api, ts))
        await asyncio.sleep(0.05)


@asynccontextmanager
async def bot_on(api: FakeSlackApi, tmp_path: Path) -> AsyncIterator[Bot]:
    bot = Bot(api, tmp_path / "faults.db", tmp_path / "bot.log")
    try:
        yield bot
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            bot.kill()
            await bot.reap()


# (method, which call of it within one answer): the kill happens once that call took effect
# at the platform and before the bot hears the response.
KILL_POINTS = [
    ("ack", 0),
    ("chat.postMessage", 1),
    ("chat.postMessage", 2),
    ("files.getUploadURLExternal", 1),
    ("upload", 1),
    ("files.completeUploadExternal", 1),
    ("chat.postMessage", 3),
]


@pytest.mark.skipif(not any(
    os.access(os.path.join(p, "dot"), os.X_OK) for p in os.environ.get("PATH", "").split(":")
), reason="graphviz `dot` draws the PNG the upload kill points need")
async def test_every_kill_point_ends_in_exactly_one_answer_with_its_png(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    text = seed_text("000")
    threads: list[str] = []
    async with bot_on(api, tmp_path) as bot:
        await bot.start()
        for n, (method, nth) in enumerate(KILL_POINTS):
            ts = f"1700001{n:03d}.000100"
            threads.append(ts)
            if method != "ack":
                api.on_call(method, len(api.called(method)) + nth, bot.kill)
            assert await bot.ask(text, ts) == 200
            if method == "ack":
                bot.kill()
            assert await bot.reap() == -signal.SIGKILL
            await bot.start()
            await complete(api, ts)
        await api.settle(quiet=0.5)
        for ts in threads:
            assert parts_in(api, ts) == PARTS, ts  # each part once, in order
            assert len(files_in(api, ts)) == 1, ts
        bot.proc and bot.proc.send_signal(signal.SIGTERM)
        assert await bot.reap() == 0


def anchors_in(api: FakeSlackApi) -> list[str]:
    """The ts of every top-level message the bot posted in the channel (its anchors)."""
    return [ts for (chan, ts), messages in api.threads.items() if chan == CHANNEL
            for m in messages[:1] if m["ts"] == ts and not m.get("user")]


async def test_a_kill_after_a_slash_commands_anchor_landed_posts_no_second_anchor(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    async with bot_on(api, tmp_path) as bot:
        await bot.start()
        # The anchor is the command's first post: the kill lands after Slack accepted it and
        # before the bot could record where it threads.
        api.on_call("chat.postMessage", len(api.called("chat.postMessage")) + 1, bot.kill)
        assert await bot.command("ask " + seed_text("000"), "trig.kill.1") == 200
        assert await bot.reap() == -signal.SIGKILL
        assert len(anchors_in(api)) == 1
        await bot.start()
        anchor = anchors_in(api)[0]
        await complete(api, anchor)
        await api.settle(quiet=0.5)
        assert anchors_in(api) == [anchor]
        assert parts_in(api, anchor) == PARTS
        assert len(files_in(api, anchor)) == 1
        assert api.called("conversations.history")  # the resumed job looked before posting
        assert "Traceback" not in bot.log.read_text()


async def test_sigterm_leaves_unfinished_questions_queued_for_the_next_start(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    async with bot_on(api, tmp_path) as bot:
        await bot.start()
        threads = [f"1700002{n:03d}.000100" for n in range(6)]
        for ts in threads:
            assert await bot.ask(seed_text("000"), ts) == 200
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGTERM)
        assert await bot.reap() == 0
        await bot.start()
        for ts in threads:
            await complete(api, ts)
        await api.settle(quiet=0.5)
        for ts in threads:
            assert parts_in(api, ts) == PARTS, ts
            assert len(files_in(api, ts)) == 1, ts


async def test_a_database_locked_by_another_process_loses_nothing(
    api: FakeSlackApi, tmp_path: Path
) -> None:
    async with bot_on(api, tmp_path) as bot:
        await bot.start()
        warm = "1700003000.000100"
        assert await bot.ask(seed_text("000"), warm) == 200
        await complete(api, warm)
        # The other process holds the lock until told to let go, not for a fixed time: the
        # bot's refusal may come after several busy timeouts in a row (its worker lanes'
        # statements queue on the same connection), and on a loaded machine a fixed lock
        # could end while the event was still waiting, which then was stored and acked.
        locker = await asyncio.create_subprocess_exec(
            sys.executable, "-c",
            "import sqlite3, sys\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True)\n"
            "sys.stdin.readline(); db.execute('ROLLBACK')",
            str(bot.db), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        assert locker.stdin is not None and locker.stdout is not None
        try:
            assert (await locker.stdout.readline()).strip() == b"locked"
            ts = "1700003001.000100"
            # While locked the event cannot be stored: no ack (Slack will retry it) ...
            assert await bot.ask(seed_text("000"), ts, event_id="EvLOCKED") == 503
        finally:
            locker.stdin.write(b"release\n")
            await locker.stdin.drain()
            assert await asyncio.wait_for(locker.wait(), 20) == 0
        # ... and its retry, once the database is free again, is answered once.
        assert await bot.ask(seed_text("000"), ts, event_id="EvLOCKED") == 200
        await complete(api, ts)
        await api.settle(quiet=0.5)
        assert parts_in(api, ts) == PARTS
        assert "Traceback" not in bot.log.read_text()
