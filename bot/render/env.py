"""The one jinja2 `Environment` all wording goes through.

`StrictUndefined` so a template that names a missing value fails in tests, not in a channel.
No HTML autoescape: Slack mrkdwn and Discord Markdown have their own escaping, applied by the
filters below where a template interpolates text that came from a source block.

Compiled templates are kept between processes in jinja's bytecode cache (its per-user folder
in the temp directory): compiling the answer's sentence macros was ~50 ms of every cold
`sourcebound ask`, loading them ~1 ms. jinja keys an entry by the template's name and path
and checks the source's checksum on load, so an edited template is compiled again; the file
names also carry a digest of the environment's options and jinja's version, which change
the compiled code without changing the source.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

import jinja2

from bot.safety import defang

log = logging.getLogger(__name__)

# Options that shape the compiled code (the cache's file names carry their digest).
_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "autoescape": False,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": False,
    # Templates ship with the code: checking each file's mtime on every render was a
    # `stat` per message part (a dozen per answered event).
    "auto_reload": False,
}


def default_templates_dir() -> Path:
    """`templates/` as installed beside the packages (editable or not). The package's own
    folder, as `importlib.resources.files` gives it for a package on disk, without the
    resource readers (and zipfile) that it imports: ~5 ms of a cold `ask`."""
    import templates

    return Path(templates.__file__).parent


def slack_escape(text: str) -> str:
    # Slack's three control characters; escaping `<` also defuses pasted <!channel> / <@U…>.
    return defang(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MD_SPECIAL = re.compile(r"([\\`*_~|>\[\]])")


def markdown_escape(text: str) -> str:
    """Escape Markdown (CommonMark and Discord) emphasis, code and link syntax."""
    return _MD_SPECIAL.sub(r"\\\1", defang(text))


def truncate_chars(text: str, limit: int, ellipsis: str = "…") -> str:
    return text if len(text) <= limit else text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """jinja's file cache, but a cache that cannot be written (a read-only or full disk) only
    costs the compile, never the answer."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("compiled template not cached: %s", exc)


def template_cache(directory: Path | None = None) -> jinja2.BytecodeCache | None:
    """The bytecode cache for `make_environment` (in `directory`, default jinja's per-user
    temp folder), or None where jinja finds no safe folder (one another user owns) or cannot
    make one."""
    key = repr(sorted((k, getattr(v, "__name__", v)) for k, v in _OPTIONS.items()))
    digest = hashlib.blake2b(f"{jinja2.__version__} {key}".encode(), digest_size=6).hexdigest()
    try:
        return _CompiledTemplates(None if directory is None else str(directory),
                                  pattern=f"sourcebound-{digest}-%s.cache")
    except (RuntimeError, OSError) as exc:
        log.debug("no template cache: %s", exc)
        return None


def make_environment(
    templates_dir: Path | None = None, *, cache: bool | jinja2.BytecodeCache = True,
) -> jinja2.Environment:
    """The environment; `cache` True shares compiled templates between processes through
    `template_cache()`, False compiles every template in this process, or pass a cache."""
    bytecode = (template_cache() if cache else None) if isinstance(cache, bool) else cache
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir or default_templates_dir())),
        bytecode_cache=bytecode,
        **_OPTIONS,
    )
    env.filters["slack"] = slack_escape
    env.filters["md"] = markdown_escape
    env.filters["defang"] = defang
    env.filters["clip"] = truncate_chars
    return env
