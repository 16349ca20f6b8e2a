"""Access to data/phrases.yaml: the wording of every sentence the engine generates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.ground.text import load_data


def phrase(path: str, **values: object) -> str:
    """`phrase("caveats.no_paper", name="X")`: the pattern at a dotted path, filled in."""
    node: Any = load_data("phrases.yaml")
    for key in path.split("."):
        node = node[key]
    return str(node).format(**values)


def phrase_map(path: str) -> dict[str, str]:
    """A mapping of data/phrases.yaml (e.g. per-cue wording), empty when absent."""
    node: Any = load_data("phrases.yaml")
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return {str(k): str(v) for k, v in node.items()} if isinstance(node, dict) else {}


def join_and(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    sep, last = phrase("join.list"), phrase("join.and")
    if len(items) <= 1:
        return "".join(items)
    return sep.join(items[:-1]) + last + items[-1]
