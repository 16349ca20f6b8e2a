"""What `Settings` is when nothing is set, without pydantic-settings.

`sourcebound ask` is a one-shot process: importing pydantic-settings (and the asyncio it pulls
in) was a fifth of its start-up. When no environment variable `Settings` reads is set and no
`--config` file is given there is nothing to validate — every field has its default — so `ask`
runs on these plain values instead. Whenever anything is set, the real `Settings` reads and
validates it, with its own error messages. `Limits` takes its defaults from here, and
tests/test_settings_defaults.py checks `ENV_NAMES` against the names pydantic-settings reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class DefaultLimits:
    """`bot.settings.Limits` with nothing set (the same attributes)."""

    max_source_bytes: int = 1 * MIB  # a pasted block or an attachment, as UTF-8
    max_attachments: int = 5
    max_question_chars: int = 2_000
    history_items: int = 10


# Every environment name `Settings` and its `Limits` read, lower-case: pydantic-settings
# matches names case-insensitively. A name listed here that it does not read only sends
# `ask` through the full settings; a name it reads missing from here would skip validation,
# which is what the test guards.
ENV_NAMES = frozenset({
    "slack_bot_token", "slack_app_token", "slack_signing_secret", "slack_api_url",
    "sourcebound_slack_command", "slack_command", "sourcebound_slack_feedback",
    "slack_feedback", "port", "host", "discord_token", "discord_api_url",
    "discord_gateway_url", "sourcebound_discord_message_content", "discord_message_content",
    "sourcebound_discord_sync_commands", "discord_sync_commands",
    "sourcebound_discord_forums", "discord_forums", "sourcebound_db", "db", "db_path",
    "sourcebound_templates", "templates_dir", "sourcebound_diagram_dir", "diagram_dir",
    "sourcebound_retention_days", "retention_days", "sourcebound_delivery_attempts",
    "delivery_attempts", "sourcebound_retry_base_seconds", "retry_base_seconds",
    "sourcebound_lease_seconds", "lease_seconds", "sourcebound_llm_base_url", "llm_base_url",
    "sourcebound_llm_model", "llm_model", "sourcebound_llm_api_key", "llm_api_key",
    "sourcebound_llm_timeout", "llm_timeout", "sourcebound_llm_concurrency",
    "llm_concurrency", "limits", "sourcebound_max_source_bytes",
    "sourcebound_max_attachments", "sourcebound_max_question_chars",
    "sourcebound_history_items",
})


def untouched(environ: Iterable[str], config: Path | None) -> bool:
    """True when `Settings.load(config)` would read nothing but defaults: no config file and
    no environment name (of `environ`'s) that it reads."""
    return config is None and not any(name.lower() in ENV_NAMES for name in environ)
