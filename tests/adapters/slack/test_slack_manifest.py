"""The app manifest declares what the adapter listens for: a listener whose event, scope or
shortcut is missing from the manifest never fires in a real workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from adapters.slack.shortcuts import ASK_SHORTCUT

MANIFEST = Path(__file__).parents[3] / "deploy" / "slack-app-manifest.yaml"


def _manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_events_scopes_interactivity_and_the_shortcut_are_declared() -> None:
    manifest = _manifest()
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) >= {
        "app_mention", "message.channels", "message.groups", "message.im"}
    assert settings["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # message.channels / message.groups need the history scopes; the shortcut needs commands;
    # chat.update, chat.postEphemeral and assistant.threads.setStatus need chat:write.
    assert scopes >= {"channels:history", "groups:history", "im:history", "commands",
                      "chat:write", "app_mentions:read", "files:read", "files:write"}
    (shortcut,) = manifest["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", ASK_SHORTCUT)
    assert len(shortcut["name"]) <= 24 and len(shortcut["description"]) <= 80
