"""A running Sourcebound Discord bot (discord.py's real client) against `FakeDiscord`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.discord import DiscordAdapter
from bot.history.store import HistoryStore
from bot.render.env import make_environment
from bot.service import Service
from bot.settings import Settings
from tests.fakes.discord_gateway import FakeDiscord

READY_TIMEOUT = 10.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


def settings_for(fake: FakeDiscord, db: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "discord_token": SecretStr("fake-token"),
        "discord_api_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url,
        "db_path": db,
        **overrides,
    }
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, db: Path, *, service_class: type[Service] = Service, **overrides: Any
) -> AsyncIterator[DiscordAdapter]:
    """Start the bot like `sourcebound serve` does, wait for READY and the start-up
    re-delivery, yield, then shut down through the adapter's `__aexit__`."""
    settings = settings_for(fake, db, **overrides)
    async with HistoryStore.open(settings.db_path) as store:
        service = service_class(store=store, limits=settings.limits)
        # guild_ready_timeout: discord.py waits this long after the last GUILD_CREATE
        # before READY fires (2 s by default); the fake sends every guild at once.
        adapter = DiscordAdapter(
            settings=settings, service=service, env=make_environment(), guild_ready_timeout=0.05
        )
        async with adapter:
            task = asyncio.create_task(adapter.run())
            try:
                await asyncio.wait_for(adapter.client.redelivered.wait(), READY_TIMEOUT)
                yield adapter
            finally:
                await adapter.client.close()
                await asyncio.wait_for(task, READY_TIMEOUT)


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[DiscordAdapter]:
    async with running_bot(fake, tmp_path / "bot.db") as adapter:
        yield adapter
