"""The Discord adapter (discord.py): mentions, DMs, thread follow-ups and `/ask`."""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
