"""Workflow -> PNG through Graphviz: the `graphviz` package writes the DOT source (it quotes
labels correctly), the system `dot` executable draws it, in memory.

`dot` is a system package that may be missing (the Makefile's `system-deps` installs it); then,
or when it fails or hangs, `diagram_png` logs a warning and returns None and callers fall back
to the text diagram. `diagram_image` draws SVG the same way (`sourcebound ask --diagram x.svg`).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from typing import Literal, cast

import graphviz

from bot.lru import LRU
from bot.memo import model_json
from bot.models import Step, Workflow
from bot.render.diagram import clean, wrap
from bot.render.dot import SHARED, TIMEOUT, DotRunner

log = logging.getLogger(__name__)

ImageFormat = Literal["png", "svg"]
LABEL_CELLS = 28  # wrap node labels so wide listings stay a readable picture

_STYLE: dict[str, dict[str, str]] = {
    "input": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbeafe"},
    "model": {"shape": "box", "style": "filled,bold", "fillcolor": "#fde68a", "penwidth": "2"},
    "technique": {"shape": "note", "style": "filled", "fillcolor": "#f3f4f6", "fontsize": "11"},
    "output": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dcfce7"},
}


def _label(step: Step) -> str:
    lines = wrap(step.label, LABEL_CELLS)
    if step.note:
        lines += wrap(("→ " if step.kind == "technique" else "") + step.note, LABEL_CELLS)
    if step.source_ids:
        lines.append("[" + ", ".join(step.source_ids) + "]")
    return _dot_lines(lines)


def _dot_lines(lines: list[str]) -> str:
    # DOT's own escapes (\N, \G, \l …) must not be read out of pasted text, and `nohtml`
    # stops a label like "<b>" from being taken for an HTML-like label.
    return cast(str, graphviz.nohtml("\\n".join(line.replace("\\", "\\\\") for line in lines)))


def dot_source(workflow: Workflow, *, title: str | None = None) -> str:
    """The DOT text for `workflow` (deterministic; exposed for tests and debugging)."""
    flow = [s for s in workflow.steps if s.kind != "technique"]
    graph = graphviz.Digraph(
        "workflow",
        graph_attr={
            "rankdir": "LR" if len(flow) <= 4 else "TB",
            "fontname": "Helvetica",
            "bgcolor": "white",
            "pad": "0.3",
            "nodesep": "0.35",
            **({"label": _dot_lines(wrap(title, 80)), "labelloc": "t"} if title else {}),
        },
        node_attr={"fontname": "Helvetica", "fontsize": "12", "margin": "0.15,0.08"},
        edge_attr={"color": "#374151", "arrowsize": "0.8"},
    )
    known = {s.id for s in workflow.steps}
    kinds = {s.id: s.kind for s in workflow.steps}
    for step in workflow.steps:
        graph.node(step.id, _label(step), **_STYLE[step.kind])
    for src, dst in workflow.edges:
        if src not in known or dst not in known:
            continue
        technique_edge = "technique" in (kinds[src], kinds[dst])
        graph.edge(src, dst, **({"style": "dashed", "constraint": "false"} if technique_edge else {}))
    # Techniques no edge attaches still belong to the models they explain.
    linked = {n for edge in workflow.edges for n in edge}
    models = [s.id for s in workflow.steps if s.kind == "model"]
    for step in workflow.steps:
        if step.kind == "technique" and step.id not in linked and models:
            graph.edge(step.id, models[0], style="dotted", arrowhead="none")
    return str(graph.source)


_SOURCES: LRU[tuple[str, str | None], str] = LRU(max_entries=256, max_size=256)


def _dot_for(workflow: Workflow, title: str | None) -> str:
    # Building the DOT text through the graphviz package costs more than the cached PNG
    # lookup it leads to; the workflow's JSON (written once per workflow object) keys it.
    key = (model_json(workflow), title)
    found = _SOURCES.get(key)
    if found is None:
        found = dot_source(workflow, title=title)
        _SOURCES.put(key, found)
    return found


# `shutil.which` stats every PATH entry (~10 stat calls here): on every answered event that
# was more than the cached-PNG lookup it guards. Resolved once per (name, PATH); a miss is
# looked up again after a while, so Graphviz installed into a running bot is still found.
MISS_RECHECK = 30.0  # seconds
_WHICH_ENTRIES = 16
_which: dict[tuple[str, str | None], tuple[str | None, float]] = {}
_which_lock = threading.Lock()


def find_executable(name: str) -> str | None:
    """`shutil.which(name)`, remembered per (name, PATH)."""
    key = (name, os.environ.get("PATH"))
    now = time.monotonic()
    with _which_lock:
        found = _which.get(key)
    if found is not None and (found[0] is not None or now - found[1] < MISS_RECHECK):
        return found[0]
    path = shutil.which(name)
    with _which_lock:
        if len(_which) >= _WHICH_ENTRIES:
            _which.clear()
        _which[key] = (path, now)
    return path


def diagram_png(
    workflow: Workflow,
    *,
    title: str | None = None,
    executable: str = "dot",
    timeout: float = TIMEOUT,
    runner: DotRunner | None = None,
) -> bytes | None:
    """PNG bytes of the workflow, or None (logged) when Graphviz is absent or fails."""
    return diagram_image(
        workflow, fmt="png", title=title, executable=executable, timeout=timeout, runner=runner
    )


def cached_png(
    workflow: Workflow, *, executable: str = "dot", runner: DotRunner | None = None
) -> bytes | None:
    """The workflow's PNG if it was drawn already, else None, without starting anything:
    callers on the event loop try this first, so a repeated diagram costs no hop to a worker
    thread (each hop also contends for the GIL with the database thread)."""
    if not workflow.steps:
        return None
    found = find_executable(executable)
    if found is None:
        return None
    return (SHARED if runner is None else runner).cached(
        _dot_for(workflow, None), executable=found, fmt="png"
    )


def diagram_image(
    workflow: Workflow,
    *,
    fmt: ImageFormat,
    title: str | None = None,
    executable: str = "dot",
    timeout: float = TIMEOUT,
    runner: DotRunner | None = None,
) -> bytes | None:
    """The workflow drawn by Graphviz as `fmt` (PNG or SVG bytes), or None (logged) when
    Graphviz is absent or fails. Drawn once per DOT source (see `bot.render.dot`)."""
    if not workflow.steps:
        return None
    found = find_executable(executable)
    if found is None:
        log.warning("graphviz '%s' not found on PATH; no %s diagram", executable, fmt.upper())
        return None
    source = _dot_for(workflow, clean(title) if title else None)
    return (SHARED if runner is None else runner).render(source, executable=found, fmt=fmt, timeout=timeout)
