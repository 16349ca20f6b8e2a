"""The Slack adapter: bolt `AsyncApp` over Socket Mode or the HTTP Events API."""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter
from adapters.slack.runner import EVENTS_PATH, web_application

__all__ = ["EVENTS_PATH", "SlackAdapter", "web_application"]
