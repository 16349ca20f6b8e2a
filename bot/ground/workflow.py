"""input -> model(s) -> output, with technique steps for what related papers contribute."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.ground.evidence import METHOD, Candidate
from bot.ground.phrases import phrase
from bot.ground.relevance import Doc, own_paper, short_name
from bot.ground.text import stopwords
from bot.models import Source, Step, Workflow

MAX_LABEL = 60
MAX_MODEL_STEPS = 3
_LEAD = re.compile(
    r"^(moreover|furthermore|finally|in addition|additionally|specifically|overall|in this work"
    r"|in this paper|notably|crucially|importantly|here|thus|therefore|however)\b,?\s*",
    re.IGNORECASE,
)
_THAT = re.compile(
    r"\b(we (find|found|observe|show|demonstrate|prove)|results? (show|indicate|demonstrate)"
    r"|(show|demonstrate|indicate)s?)\s+(that\s+)?",
    re.IGNORECASE,
)


def clip(text: str, limit: int) -> str:
    """Cut at a word boundary; the result stays a prefix of `text` (labels must stay substrings)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-(")
    # Never end a label on a dangling function word ("… Pose Tracking with").
    while " " in cut and cut.rsplit(" ", 1)[1].lower() in stopwords():
        cut = cut.rsplit(" ", 1)[0].rstrip(" ,;:-(")
    return cut


def step_label(source: Source) -> str:
    handle = short_name(source.name)
    if handle and len(handle) <= MAX_LABEL:
        return handle
    return clip(source.name, MAX_LABEL)


def _finding(sentence: str) -> str:
    s = _LEAD.sub("", sentence.strip())
    m = _THAT.search(s)
    if m and m.start() < 80:
        s = s[m.end():]
    s = s.rstrip(".")
    out = clip(s, 90)
    return out + ("…" if len(out) < len(s) else "")


def _method(source: Source) -> str:
    parts = re.split(r":\s+", source.name, maxsplit=1)
    if len(parts) == 2 and len(parts[1]) > 12:
        sub = clip(parts[1], 70)
        return sub[0].lower() + sub[1:] if sub[:2].isalpha() and not sub[:2].isupper() else sub
    for sentence in re.split(r"(?<=\.)\s+", source.summary):
        m = METHOD.search(sentence)
        if m:
            return clip(sentence[m.end():].strip(" ,"), 70)
    return ""


def technique_note(source: Source, best: Candidate | None) -> str:
    method = _method(source)
    finding = _finding(best.text) if best else ""
    if method and finding:
        return phrase("workflow.technique_note", method=method, finding=finding)
    return phrase("workflow.note_only", text=method or finding)


def build(
    *, fmt: str, docs: Sequence[Doc], selected: Sequence[int], task_input: str,
    task_output: str, best: dict[str, list[Candidate]],
) -> Workflow:
    steps = [Step(id="in", kind="input", label=task_input or "input")]
    edges: list[tuple[str, str]] = []
    chosen = [docs[i].source for i in selected]
    models = [s for s in chosen if s.kind == "model"] if fmt == "request" else []
    used: set[str] = set()
    model_steps: list[Step] = []
    for m in models:
        ids = [m.id] + [p.id for p in chosen if p.kind != "model" and own_paper(m, p)]
        used.update(ids)
        model_steps.append(Step(id=f"s{len(steps)}", kind="model", label=step_label(m), source_ids=ids))
        steps.append(model_steps[-1])
    rest = [s for s in chosen if s.id not in used]
    if not model_steps:
        for s in rest[:MAX_MODEL_STEPS]:
            used.add(s.id)
            model_steps.append(Step(id=f"s{len(steps)}", kind="model", label=step_label(s), source_ids=[s.id]))
            steps.append(model_steps[-1])
        rest = [s for s in chosen if s.id not in used]
    out = Step(id="out", kind="output", label=task_output or "output")
    for ms in model_steps:
        edges += [("in", ms.id), (ms.id, "out")]
    for s in rest:
        cands = best.get(s.id) or []
        tech = Step(
            id=f"s{len(steps)}", kind="technique", label=step_label(s), source_ids=[s.id],
            note=technique_note(s, cands[0] if cands else None),
        )
        steps.append(tech)
        if model_steps:
            edges.append((tech.id, model_steps[0].id))
    if not model_steps:
        edges.append(("in", "out"))
    steps.append(out)
    return Workflow(steps=steps, edges=edges)
