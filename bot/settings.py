"""Configuration: one `Settings`, built once in `main()` and passed down.

Environment variables use the names of DESIGN.md (other tools drive the bot through them); a
TOML file given with `--config` (or `SOURCEBOUND_CONFIG`) may set the same keys, lower-case.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.defaults import DefaultLimits
from bot.delivery import STORE_DELAY, Policy
from bot.errors import ConfigError

_LIMITS = DefaultLimits()
DISCORD_API = "https://discord.com/api/v10"


def _env(name: str) -> Any:
    # Accept the upper-case environment name and the lower-case TOML key alike.
    return Field(default=None, validation_alias=AliasChoices(name, name.lower()))


class Limits(BaseSettings):
    """Explicit size limits. Everything above them gets a clear refusal, not a crash."""

    model_config = SettingsConfigDict(env_prefix="SOURCEBOUND_", extra="ignore")

    # Defaults from `bot.defaults`, which `sourcebound ask` uses when nothing is set.
    max_source_bytes: int = _LIMITS.max_source_bytes  # a pasted block or an attachment, UTF-8
    max_attachments: int = _LIMITS.max_attachments
    max_question_chars: int = _LIMITS.max_question_chars
    history_items: int = _LIMITS.history_items


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr | None = _env("SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = _env("SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = _env("SLACK_SIGNING_SECRET")
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url"),
    )
    slack_command: str = Field(
        default="/sourcebound",
        validation_alias=AliasChoices("SOURCEBOUND_SLACK_COMMAND", "slack_command"),
    )
    # 👍/👎 under every answer: Slack's feedback_buttons in a context_actions block, plain
    # buttons (also the fallback when Slack refuses the newer block), or none.
    slack_feedback: Literal["context_actions", "buttons", "off"] = Field(
        default="context_actions",
        validation_alias=AliasChoices("SOURCEBOUND_SLACK_FEEDBACK", "slack_feedback"),
    )
    port: int = Field(default=3000, validation_alias=AliasChoices("PORT", "port"))
    # The HTTP server's bind address; the container image sets 0.0.0.0.
    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("HOST", "host"))

    discord_token: SecretStr | None = _env("DISCORD_TOKEN")
    discord_api_url: str = Field(
        default=DISCORD_API,
        validation_alias=AliasChoices("DISCORD_API_URL", "discord_api_url"),
    )
    discord_gateway_url: str | None = _env("DISCORD_GATEWAY_URL")
    # Privileged intent: without it, follow-ups in the bot's threads need a mention.
    discord_message_content: bool = Field(
        default=True,
        validation_alias=AliasChoices(
            "SOURCEBOUND_DISCORD_MESSAGE_CONTENT", "discord_message_content"
        ),
    )
    # "auto": read the registered commands (a cheap GET) and overwrite them only when they
    # differ, so /ask appears on first start without a rate-limited PUT on every restart.
    discord_sync_commands: Literal["auto", "always", "never"] = Field(
        default="auto",
        validation_alias=AliasChoices("SOURCEBOUND_DISCORD_SYNC_COMMANDS", "discord_sync_commands"),
    )

    # Forum channels whose every new post is a question (comma-separated channel ids); with
    # the MESSAGE_CONTENT intent, follow-ups in those posts need no mention either.
    discord_forums: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        validation_alias=AliasChoices("SOURCEBOUND_DISCORD_FORUMS", "discord_forums"),
    )

    db_path: Path = Field(
        default=Path("sourcebound.db"),
        validation_alias=AliasChoices("SOURCEBOUND_DB", "db", "db_path"),
    )
    templates_dir: Path | None = _env("SOURCEBOUND_TEMPLATES")
    # Where the console saves workflow PNGs; default `diagrams_dir()`, a user cache folder.
    diagram_dir: Path | None = _env("SOURCEBOUND_DIAGRAM_DIR")
    # Questions, answers and source blocks nobody references are deleted after this many days.
    retention_days: float = Field(
        default=90.0,
        gt=0,
        validation_alias=AliasChoices("SOURCEBOUND_RETENTION_DAYS", "retention_days"),
    )
    # Delivery: refusals of one reply before the give-up note; the first retry's delay
    # (doubling, with jitter); how long a claim on a job or delivery lasts unrenewed.
    delivery_attempts: int = Field(
        default=8, ge=1,
        validation_alias=AliasChoices("SOURCEBOUND_DELIVERY_ATTEMPTS", "delivery_attempts"),
    )
    retry_base_seconds: float = Field(
        default=2.0, gt=0,
        validation_alias=AliasChoices("SOURCEBOUND_RETRY_BASE_SECONDS", "retry_base_seconds"),
    )
    lease_seconds: float = Field(
        default=30.0, gt=0,
        validation_alias=AliasChoices("SOURCEBOUND_LEASE_SECONDS", "lease_seconds"),
    )

    llm_base_url: str | None = _env("SOURCEBOUND_LLM_BASE_URL")
    llm_model: str | None = _env("SOURCEBOUND_LLM_MODEL")
    llm_api_key: SecretStr | None = _env("SOURCEBOUND_LLM_API_KEY")
    llm_timeout: float = Field(
        default=60.0, validation_alias=AliasChoices("SOURCEBOUND_LLM_TIMEOUT", "llm_timeout")
    )
    llm_concurrency: int = Field(
        default=4,
        validation_alias=AliasChoices("SOURCEBOUND_LLM_CONCURRENCY", "llm_concurrency"),
    )

    limits: Limits = Field(default_factory=Limits)

    @field_validator("discord_sync_commands", mode="before")
    @classmethod
    def _sync_flag(cls, value: object) -> object:
        # Accept the boolean spellings people write in env files.
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return "always"
        if text in {"0", "false", "no", "off"}:
            return "never"
        return text

    @field_validator("discord_forums", mode="before")
    @classmethod
    def _forum_ids(cls, value: object) -> object:
        # An env var is one string ("123, 456"); a TOML file may give a list.
        if not isinstance(value, str):
            return value
        ids = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        bad = [part for part in ids if not part.isdigit()]
        if bad:
            raise ValueError(f"comma-separated channel ids expected; not one: {bad[0]!r}")
        return frozenset(int(part) for part in ids)

    @field_validator(
        "slack_bot_token", "slack_app_token", "slack_signing_secret", "discord_token",
        "llm_api_key", "diagram_dir", mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # deploy/env.example says "leave a platform's lines empty to disable it": an empty
        # `SLACK_APP_TOKEN=` must not count as a token (nor enable a half-set Slack).
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_app_token is not None or self.slack_signing_secret is not None
        )

    @property
    def discord_enabled(self) -> bool:
        return self.discord_token is not None

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def diagrams(self) -> Path:
        """`SOURCEBOUND_DIAGRAM_DIR`, else the user's cache folder (XDG_CACHE_HOME on Linux,
        ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows) under sourcebound/diagrams."""
        if self.diagram_dir is not None:
            return self.diagram_dir.expanduser()
        from platformdirs import user_cache_path

        return user_cache_path("sourcebound", appauthor=False) / "diagrams"

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)

    def delivery_policy(self) -> Policy:
        return Policy(
            lease=self.lease_seconds,
            attempts=self.delivery_attempts,
            base_delay=self.retry_base_seconds,
            store_delay=min(self.retry_base_seconds, STORE_DELAY),
        )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file; the file reads nothing when `toml_file` is unset.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @classmethod
    def load(cls, config: Path | None = None) -> Settings:
        """Environment first, then the TOML file (if any) for keys the environment lacks.
        A bad value is a `ConfigError` naming the variable, not a pydantic traceback."""
        if config is not None and not config.is_file():
            raise ConfigError(f"config file not found: {config}")
        try:
            if config is None:
                return cls()
            bound = type(cls.__name__, (cls,),
                         {"model_config": {**cls.model_config, "toml_file": config}})
            return bound()  # type: ignore[no-any-return]
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc']) or 'settings'}: "
                f"{str(error['msg']).removeprefix('Value error, ')}"
                for error in exc.errors()
            )
            raise ConfigError(f"invalid setting: {problems}") from None
