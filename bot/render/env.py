"""The one jinja2 `Environment` all wording goes through.

`StrictUndefined` so a template that names a missing value fails in tests, not in a channel.
No HTML autoescape: Slack mrkdwn and Discord Markdown have their own escaping, applied by the
filters below where a template interpolates text that came from a source block.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import jinja2

from bot.safety import defang


def default_templates_dir() -> Path:
    """`templates/` as installed beside the packages (editable or not)."""
    return Path(str(resources.files("templates")))


def slack_escape(text: str) -> str:
    # Slack's three control characters; escaping `<` also defuses pasted <!channel> / <@U…>.
    return defang(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MD_SPECIAL = re.compile(r"([\\`*_~|>\[\]])")


def markdown_escape(text: str) -> str:
    """Escape Markdown (CommonMark and Discord) emphasis, code and link syntax."""
    return _MD_SPECIAL.sub(r"\\\1", defang(text))


def truncate_chars(text: str, limit: int, ellipsis: str = "…") -> str:
    return text if len(text) <= limit else text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


def make_environment(templates_dir: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir or default_templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # Templates ship with the code: checking each file's mtime on every render was a
        # `stat` per message part (a dozen per answered event).
        auto_reload=False,
    )
    env.filters["slack"] = slack_escape
    env.filters["md"] = markdown_escape
    env.filters["defang"] = defang
    env.filters["clip"] = truncate_chars
    return env
