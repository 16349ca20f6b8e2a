"""`sourcebound serve` that cannot start says why in one line (the setting or host and the
cause) and exits 2, never a traceback. Run as a subprocess of the real entry point against
the loopback fakes: the fake Web API answers auth.test with invalid_auth for a wrong token,
the fake Discord answers users/@me with 401; "unreachable" is a port nobody listens on."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest

from tests.fakes.discord_gateway import FakeDiscord
from tests.fakes.slack_api import FakeSlackApi

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0
_CHAT_VARS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL",
              "DISCORD_TOKEN", "DISCORD_API_URL", "DISCORD_GATEWAY_URL")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when we return: nobody listens


async def _serve(tmp_path: Path, **env: str) -> tuple[int, list[str]]:
    full = {k: v for k, v in os.environ.items() if k not in _CHAT_VARS}
    full.update({"SOURCEBOUND_DB": str(tmp_path / "s.db"), "PORT": "0", "HOST": "127.0.0.1",
                 **env})
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())", "serve",
        cwd=REPO, env=full, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    assert out == b""
    lines = err.decode().strip().splitlines()
    assert proc.returncode is not None
    return proc.returncode, lines


def _one_line(rc: int, lines: list[str]) -> str:
    assert rc == 2, lines
    assert len(lines) == 1, "\n".join(lines)
    assert "Traceback" not in lines[0] and lines[0].startswith("sourcebound: error: ")
    return lines[0]


@pytest.mark.parametrize("mode", ["SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"])
async def test_a_refused_slack_token_is_named(tmp_path: Path, mode: str) -> None:
    async with FakeSlackApi() as api:
        rc, lines = await _serve(tmp_path, SLACK_BOT_TOKEN="xoxb-wrong", SLACK_API_URL=api.api_url,
                                 **{mode: "xapp-or-secret"})
        line = _one_line(rc, lines)
        assert "SLACK_BOT_TOKEN was refused by Slack" in line and "invalid_auth" in line
        assert [c.method for c in api.calls] == ["auth.test"]


async def test_unreachable_slack_names_the_host(tmp_path: Path) -> None:
    port = _closed_port()
    rc, lines = await _serve(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s",
                             SLACK_API_URL=f"http://127.0.0.1:{port}/api/")
    line = _one_line(rc, lines)
    assert f"cannot reach Slack at 127.0.0.1:{port}" in line and "SLACK_API_URL" in line


async def test_a_refused_discord_token_is_named(tmp_path: Path) -> None:
    async with FakeDiscord() as discord:
        discord.token_valid = False
        rc, lines = await _serve(tmp_path, DISCORD_TOKEN="wrong", DISCORD_API_URL=discord.api_url,
                                 DISCORD_GATEWAY_URL=discord.gateway_url)
    assert "DISCORD_TOKEN" in _one_line(rc, lines)


async def test_unreachable_discord_names_the_host(tmp_path: Path) -> None:
    port = _closed_port()
    rc, lines = await _serve(tmp_path, DISCORD_TOKEN="t",
                             DISCORD_API_URL=f"http://127.0.0.1:{port}/api/v10",
                             DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{port}/gateway")
    line = _one_line(rc, lines)
    assert f"cannot reach Discord at 127.0.0.1:{port}" in line and "DISCORD_API_URL" in line


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is missing"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is missing"),
    ],
)
async def test_a_half_set_slack_config_names_what_is_missing(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    rc, lines = await _serve(tmp_path, **env)
    assert named in _one_line(rc, lines)


def test_empty_lines_of_the_env_file_leave_a_platform_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.startup import check_config
    from bot.settings import Settings

    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"):
        monkeypatch.setenv(name, "")
    settings = Settings.load(None)
    assert not settings.slack_enabled and not settings.discord_enabled
    check_config(settings)  # nothing half-set


async def test_a_port_in_use_is_named(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeSlackApi() as api:
            from tests.fakes.slack_api import TOKEN

            rc, lines = await _serve(tmp_path, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET="s",
                                     SLACK_API_URL=api.api_url, PORT=str(port))
    line = _one_line(rc, lines)
    assert f"cannot listen on 127.0.0.1:{port}" in line and line.endswith("Address already in use")
