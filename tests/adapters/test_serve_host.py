"""`HOST` is where the Slack Events API listens: `sourcebound serve` (the real entry point, a
subprocess, the Web API a loopback fake) answers on that address and on no other, and a
HOST it cannot listen on ends start-up with one line naming HOST, never a traceback."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from tests.adapters.test_serve_errors import _one_line, _serve
from tests.fakes.slack_api import TOKEN, FakeSlackApi

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
OTHER_LOOPBACK = "127.0.0.2"  # Linux routes all of 127/8 to lo: reachable unless bound away


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _healthy(host: str, port: int) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(
            f"http://{host}:{port}/healthz", timeout=aiohttp.ClientTimeout(total=2)
        ) as response:
            return response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


@asynccontextmanager
async def _serving(tmp_path: Path, api: FakeSlackApi, host: str) -> AsyncIterator[int]:
    """`serve` with HOST=`host` on a free port, up (healthz on `host`) until the block ends."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "s",
                "SLACK_API_URL": api.api_url, "HOST": host, "PORT": str(port),
                "SOURCEBOUND_DB": str(tmp_path / "h.db")})
    log = tmp_path / f"serve-{host}.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())", "serve",
            cwd=REPO, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out,
        )
    try:
        reach = "127.0.0.1" if host == "0.0.0.0" else host
        deadline = time.monotonic() + START_TIMEOUT
        while not await _healthy(reach, port):
            assert proc.returncode is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.05)
        yield port
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), START_TIMEOUT) == 0, log.read_text()


async def _loopback_alias_works() -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((OTHER_LOOPBACK, 0))
        except OSError:
            return False
    return True


async def test_serve_listens_where_host_says_and_nowhere_else(tmp_path: Path) -> None:
    if not await _loopback_alias_works():
        pytest.skip(f"{OTHER_LOOPBACK} is not a loopback address here")
    async with FakeSlackApi() as api:
        async with _serving(tmp_path, api, "127.0.0.1") as port:
            assert await _healthy("127.0.0.1", port)
            assert not await _healthy(OTHER_LOOPBACK, port)  # bound to that one address
        async with _serving(tmp_path, api, "0.0.0.0") as port:
            assert await _healthy(OTHER_LOOPBACK, port)  # every address


@pytest.mark.parametrize(
    ("host", "cause"),
    [
        ("192.0.2.1", "Cannot assign requested address"),  # TEST-NET-1: not this machine's
        ("no-such-host.invalid", ""),  # does not resolve
    ],
)
async def test_a_host_serve_cannot_listen_on_is_one_line_naming_host(
    tmp_path: Path, host: str, cause: str
) -> None:
    async with FakeSlackApi() as api:
        port = _free_port()
        rc, lines = await _serve(tmp_path, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET="s",
                                 SLACK_API_URL=api.api_url, HOST=host, PORT=str(port))
    line = _one_line(rc, lines)
    assert f"cannot listen on {host}:{port} (HOST, PORT)" in line, line
    assert cause in line
