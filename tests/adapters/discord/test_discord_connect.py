"""Start-up against the fake: login, identify with the configured intents, command sync."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from bot.errors import ConfigError
from tests.adapters.discord.conftest import running_bot
from tests.fakes.discord_gateway import FakeDiscord


async def test_identifies_with_message_content(fake: FakeDiscord, bot: object) -> None:
    (identify,) = fake.identifies
    intents = discord.Intents._from_value(identify["intents"])
    assert intents.message_content and intents.guild_messages and intents.dm_messages
    assert fake.calls_to(r"users/@me") and fake.calls_to(r"oauth2/applications/@me")


async def test_commands_are_registered_once_then_left_alone(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """Default "auto": the first start finds no commands and registers them; a restart reads
    them back, sees no difference, and spends no rate-limited overwrite."""
    async with running_bot(fake, tmp_path / "bot.db", discord_message_content=False):
        pass
    methods = [c.method for c in fake.calls_to(rf"applications/{fake.app_id}/commands")]
    assert methods == ["GET", "PUT"]
    (sync,) = [c for c in fake.calls_to(r"applications/\d+/commands") if c.method == "PUT"]
    commands = {c["name"]: c for c in sync.json}
    assert set(commands) == {"ask", "history", "forget", "help", "Ask Sourcebound"}
    assert commands["Ask Sourcebound"]["type"] == 3  # a message context menu
    ask_options = {o["name"]: o for o in commands["ask"]["options"]}
    assert ask_options["question"]["type"] == 3 and ask_options["question"]["required"]
    assert ask_options["file"]["type"] == 11 and not ask_options["file"].get("required")
    assert all(len(c.get("description", "")) <= 100 for c in commands.values())
    intents = discord.Intents._from_value(fake.identifies[-1]["intents"])
    assert not intents.message_content

    async with running_bot(fake, tmp_path / "bot.db"):
        pass
    methods = [c.method for c in fake.calls_to(rf"applications/{fake.app_id}/commands")]
    assert methods == ["GET", "PUT", "GET"]


async def test_sync_can_be_forced_or_switched_off(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path / "a.db", discord_sync_commands="never"):
        pass
    assert fake.calls_to(r"applications/\d+/commands") == []
    async with running_bot(fake, tmp_path / "b.db", discord_sync_commands="always"):
        pass
    async with running_bot(fake, tmp_path / "c.db", discord_sync_commands="always"):
        pass
    methods = [c.method for c in fake.calls_to(r"applications/\d+/commands")]
    assert methods == ["PUT", "PUT"]


def test_boolean_spellings_of_the_sync_setting() -> None:
    from bot.settings import Settings

    assert Settings(discord_sync_commands="true").discord_sync_commands == "always"
    assert Settings(discord_sync_commands="0").discord_sync_commands == "never"
    assert Settings().discord_sync_commands == "auto"


async def test_a_rejected_token_is_a_config_error(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.token_valid = False
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        async with running_bot(fake, tmp_path / "bot.db"):
            pass  # pragma: no cover - never reached
    assert fake.identifies == []  # never connected to the gateway


async def test_without_a_gateway_url_the_bot_asks_the_configured_api(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(fake, tmp_path / "bot.db", discord_gateway_url=None):
        assert fake.calls_to(r"gateway/bot")
        assert len(fake.identifies) == 1  # connected to the fake's gateway, named by its API
