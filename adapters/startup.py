"""What `serve` checks before it serves, and how a failed start is told: one line naming the
setting or the host and the cause, never a traceback.

    check_config(settings)      a half-set Slack config names the variable that is missing
    await check_slack(settings) `auth.test` with the bot token: refused or unreachable, now
                                (in HTTP mode nothing else would ask Slack until an answer)
    explained(platform, exc)    a start-up failure as a `ConfigError` with that one line
                                (the host it could not reach, or the port it could not bind)

Discord's login already asks `users/@me`, so Discord is not asked twice: its refusal arrives
as a `ConfigError` from the adapter, its unreachable host through `explained`.
"""

from __future__ import annotations

import errno
import logging
import os
from urllib.parse import urlsplit

import aiohttp

from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 15.0  # seconds for the start-up auth.test
# Slack's answers to auth.test that mean the token itself is no good.
_REFUSED = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "no_permission", "not_allowed_token_type", "invalid_token",
})
_URL_SETTING = {"slack": "SLACK_API_URL", "discord": "DISCORD_API_URL"}
_NAME = {"slack": "Slack", "discord": "Discord"}


def check_config(settings: Settings) -> None:
    """Refuse a Slack config that has some of its variables but cannot work."""
    bot = settings.slack_bot_token is not None
    app = settings.slack_app_token is not None
    secret = settings.slack_signing_secret is not None
    if bot and not (app or secret):
        raise ConfigError(
            "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor "
            "SLACK_SIGNING_SECRET (HTTP Events API) is; set one of them, or unset "
            "SLACK_BOT_TOKEN to run without Slack"
        )
    if (app or secret) and not bot:
        given = "SLACK_APP_TOKEN" if app else "SLACK_SIGNING_SECRET"
        raise ConfigError(f"{given} is set but SLACK_BOT_TOKEN is missing")


async def check_slack(settings: Settings) -> None:
    """`auth.test` with the bot token; `ConfigError` when Slack refuses it or is unreachable."""
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    assert settings.slack_bot_token is not None
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
        timeout=int(CHECK_TIMEOUT),
    )
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        if error in _REFUSED or exc.response.status_code in (401, 403):
            raise ConfigError(
                f"SLACK_BOT_TOKEN was refused by Slack at {_host(settings.slack_api_url)} "
                f"({error})"
            ) from None
        raise ConfigError(
            f"Slack at {_host(settings.slack_api_url)} answered auth.test with {error}"
        ) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise explained("slack", exc, settings) from None
    log.info("Slack accepted the bot token (team %s)", response.get("team_id"))


def explained(platform: str, exc: BaseException, settings: Settings) -> ConfigError:
    """A start-up failure to reach `platform` as one line: host, setting, cause."""
    url = settings.slack_api_url if platform == "slack" else settings.discord_api_url
    host = _host(url)
    if (
        platform == "slack" and type(exc) is OSError
        and exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL)
    ):
        # Not reaching Slack: our own Events API server could not bind.
        return ConfigError(
            f"cannot listen on {settings.host}:{settings.port} (HOST, PORT) for the Slack "
            f"Events API: {os.strerror(exc.errno)}"
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        host = f"{exc.host}:{exc.port}"
        cause = exc.os_error.strerror or str(exc.os_error)
    elif isinstance(exc, TimeoutError):
        cause = "timed out"
    else:
        cause = " ".join(str(exc).split()) or type(exc).__name__
    return ConfigError(
        f"cannot reach {_NAME.get(platform, platform)} at {host} "
        f"({_URL_SETTING.get(platform, 'URL')}={url}): {cause}"
    )


def _host(url: str) -> str:
    parts = urlsplit(url)
    if parts.port is not None:
        return f"{parts.hostname}:{parts.port}"
    return parts.hostname or url
