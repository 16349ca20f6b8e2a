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
NOTE_WORDS = 8  # per side of a technique note
NOTE_CHOICES = 3
NEAR = 0.8  # a shorter finding may stand in for the top one when it scores this close
_LEAD = re.compile(
    r"^(moreover|furthermore|finally|in addition|additionally|specifically|overall|in this work"
    r"|in this paper|notably|crucially|importantly|here|thus|therefore|however)\b,?\s*",
    re.IGNORECASE,
)
_LATER_THAT = re.compile(r"\bthat\s+", re.IGNORECASE)
_THAT = re.compile(
    r"\b(we (find|found|observe|show|demonstrate|prove)|results? (show|indicate|demonstrate)"
    r"|(show|demonstrate|indicate)s?)\s+(?P<that>that\s+)?",
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


def clip_words(text: str, words: int = NOTE_WORDS) -> str:
    """At most `words` words, cut at a word boundary and marked with "…" when cut."""
    text = text.strip()
    parts = text.split()
    if len(parts) <= words:
        return text
    cut = clip(text, len(" ".join(parts[:words])) + 1)
    return cut + "…" if cut else parts[0] + "…"


def _finding(sentence: str) -> str:
    s = _LEAD.sub("", sentence.strip())
    m = _THAT.search(s)
    if m and m.start() < 80:
        s = s[m.end():]
        if not m.group("that"):
            # "we demonstrate in two tasks … that models pretrained …": the finding follows "that".
            later = _LATER_THAT.search(s, 0, 80)
            if later:
                s = s[later.end():]
    return _lower_first(s.rstrip(".").strip())


def _lower_first(text: str) -> str:
    """Sentence case off for a note ("Our framework" -> "our framework"); acronyms stay."""
    return text[0].lower() + text[1:] if text[:2].isalpha() and text[1:2].islower() else text


def _method(source: Source) -> str:
    parts = re.split(r":\s+", source.name, maxsplit=1)
    if len(parts) == 2 and len(parts[1]) > 12:
        return _lower_first(parts[1].strip())
    for sentence in re.split(r"(?<=\.)\s+", source.summary):
        m = METHOD.search(sentence)
        if m:
            return sentence[m.end():].strip(" ,").rstrip(".")
    return ""


def _best_finding(ranked: Sequence[Candidate]) -> str:
    """The top sentence's finding, unless a near-equal one says it in a note's length
    ("tokenization enables generalization" over a long benchmark comparison)."""
    if not ranked:
        return ""
    top = ranked[0].score
    for c in ranked[:NOTE_CHOICES]:
        if c.score < NEAR * top:
            break
        found = _finding(c.text)
        if found and len(found.split()) <= NOTE_WORDS:
            return found
    return clip_words(_finding(ranked[0].text))


def _restates(name: str, text: str) -> bool:
    def key(t: str) -> str:
        return " ".join(re.findall(r"\w+", t.lower().rstrip("…")))

    return bool(key(text)) and key(text) in key(name)


def technique_note(source: Source, ranked: Sequence[Candidate]) -> str:
    """ "method → finding", each side short enough for one diagram row or two."""
    method = clip_words(_method(source))
    finding = _best_finding(ranked)
    # A source with no abstract (a bare title in a list) offers only its own title again:
    # repeating it beside the label says nothing.
    if finding and _restates(source.name, finding):
        finding = ""
    if method and finding:
        return phrase("workflow.technique_note", method=method, finding=finding)
    return phrase("workflow.note_only", text=method or finding)


def build(
    *, fmt: str, docs: Sequence[Doc], selected: Sequence[int], task_input: str,
    task_output: str, best: dict[str, list[Candidate]],
) -> Workflow:
    steps = [Step(id="in", kind="input", label=task_input or "input")]
    edges: list[tuple[str, str]] = []
    chosen_docs = [docs[i] for i in selected]
    chosen = [d.source for d in chosen_docs]
    models = [d for d in chosen_docs if d.source.kind == "model"] if fmt == "request" else []
    used: set[str] = set()
    model_steps: list[Step] = []
    for md in models:
        m = md.source
        ids = [m.id] + [p.source.id for p in chosen_docs if p.source.kind != "model" and own_paper(md, p)]
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
            note=technique_note(s, cands),
        )
        steps.append(tech)
        if model_steps:
            edges.append((tech.id, model_steps[0].id))
    if not model_steps:
        edges.append(("in", "out"))
    steps.append(out)
    return Workflow(steps=steps, edges=edges)
