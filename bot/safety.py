"""Neutralising pings in text that came from a pasted source block.

Anything pasted may carry `@everyone`, `@here`, Slack's `<!channel>` / `<!here>` /
`<!subteam^…>` / `<@U…>` and Discord's `<@123>` / `<@&123>` / `<#123>`. The core defangs them
once, platform-free, by putting a zero-width joiner after the trigger character: a reader sees
the same text, no client parses a mention. Adapters still escape and send with mentions
disabled; this is the layer that also protects Markdown and JSON output.
"""

from __future__ import annotations

import re

ZWJ = "\u2060"  # WORD JOINER: invisible, not whitespace, breaks every mention parser

_AT_WORDS = re.compile(r"@(everyone|here|channel|all)\b", re.IGNORECASE)
_ANGLE = re.compile(r"<([!@#])")


def defang(text: str) -> str:
    """Return `text` with every mention trigger broken; idempotent."""
    text = _AT_WORDS.sub(lambda m: "@" + ZWJ + m.group(1), text)
    return _ANGLE.sub(lambda m: "<" + ZWJ + m.group(1), text)


_PING = re.compile(
    r"@(?:everyone|here|channel|all)\b|<[!@#][^>]*>", re.IGNORECASE
)


def has_ping(text: str) -> bool:
    """True when `text` would still ping someone on Slack, Discord or in Markdown."""
    return _PING.search(text) is not None
