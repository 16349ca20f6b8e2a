"""Neutralising pings in text that came from a pasted source block.

Anything pasted may carry `@everyone`, `@here`, Slack's `<!channel>` / `<!here>` /
`<!subteam^…>` / `<@U…>` and Discord's `<@123>` / `<@&123>` / `<#123>`. The core defangs them
once, platform-free, by putting a zero-width joiner after the trigger character: a reader sees
the same text, no client parses a mention. Adapters still escape and send with mentions
disabled; this is the layer that also protects Markdown and JSON output.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, Self, TypeVar

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


# Bidi embeddings/overrides/isolates and zero-width characters: invisible, and able to make a
# posted name read backwards ("WeatherRemoval\u202eexe.gnp"). WORD JOINER (U+2060) is not
# among them: `defang` uses it on purpose.
_CONTROLS = re.compile("[\u200b-\u200d\u202a-\u202e\u2066-\u2069]")

class _Dumpable(Protocol):
    """A pydantic model or one of `bot.models`' types (the same methods)."""

    def model_dump(self) -> dict[str, Any]: ...

    def model_dump_json(self) -> str: ...

    @classmethod
    def model_validate(cls, obj: Any) -> Self: ...


M = TypeVar("M", bound=_Dumpable)


def strip_controls(text: str) -> str:
    """`text` without bidi control and zero-width characters."""
    return _CONTROLS.sub("", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def clean_model(model: M) -> M:
    """A copy of `model` with every string in it passed through `strip_controls`."""
    if not _CONTROLS.search(model.model_dump_json()):
        return model
    return type(model).model_validate(_clean(model.model_dump()))
