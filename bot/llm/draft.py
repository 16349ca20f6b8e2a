"""What the model is asked to write, and tolerant reading of what it actually wrote.

The model writes only the five answer parts (task, workflow, evidence, links, caveats); the
question, sources and relevance stay the extractive engine's. Reading is per part and per
item, so one malformed link costs that link, not the whole answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

PartName = Literal["task", "workflow", "evidence", "links", "caveats"]
PARTS: tuple[PartName, ...] = ("task", "workflow", "evidence", "links", "caveats")

_STR: dict[str, Any] = {"type": "string"}
_IDS: dict[str, Any] = {"type": "array", "items": _STR}


def _obj(**props: dict[str, Any]) -> dict[str, Any]:
    # Structured-output servers (OpenAI strict mode) want every property required.
    return {
        "type": "object",
        "properties": props,
        "required": list(props),
        "additionalProperties": False,
    }


def answer_schema() -> dict[str, Any]:
    """The compact JSON schema sent as `response_format` (and shown in the prompt)."""
    step_kind = {"type": "string", "enum": ["input", "model", "technique", "output"]}
    return _obj(
        task=_obj(summary=_STR, labels=_IDS, input=_STR, output=_STR, source_ids=_IDS),
        workflow=_obj(
            steps={
                "type": "array",
                "items": _obj(id=_STR, kind=step_kind, label=_STR, source_ids=_IDS, note=_STR),
            },
            edges={"type": "array", "items": _obj(**{"from": _STR, "to": _STR})},
        ),
        evidence={"type": "array", "items": _obj(text=_STR, source_id=_STR)},
        links={"type": "array", "items": _obj(url=_STR, label=_STR, source_id=_STR)},
        caveats={"type": "array", "items": _STR},
    )


class MalformedReply(ValueError):
    """The reply holds no JSON object at all."""


_FENCE = re.compile(r"^\s*```[a-zA-Z0-9_-]*\s*\n?|\n?\s*```\s*$")


def load_json_object(text: str) -> dict[str, Any]:
    """The outermost JSON object in `text`, tolerating code fences and chatter around it."""
    body = _FENCE.sub("", text.strip())
    try:
        value = json.loads(body)
    except ValueError:
        start, end = body.find("{"), body.rfind("}")
        if start < 0 or end <= start:
            raise MalformedReply("no JSON object in the reply") from None
        try:
            value = json.loads(body[start : end + 1])
        except json.JSONDecodeError as exc:
            raise MalformedReply(f"invalid JSON: {exc.msg}") from None
    if not isinstance(value, dict):
        raise MalformedReply("the reply is JSON but not an object")
    return value


@dataclass
class RawStep:
    id: str
    kind: str
    label: str
    source_ids: list[str]
    note: str


@dataclass
class RawTask:
    summary: str
    labels: list[str]
    input: str
    output: str
    source_ids: list[str]


@dataclass
class RawLink:
    url: str
    label: str
    source_id: str


@dataclass
class RawEvidence:
    text: str
    source_id: str


@dataclass
class Draft:
    """The model's parts as read; `None` means the part was missing or unreadable."""

    task: RawTask | None = None
    steps: list[RawStep] | None = None
    edges: list[tuple[str, str]] = field(default_factory=list)
    evidence: list[RawEvidence] | None = None
    links: list[RawLink] | None = None
    caveats: list[str] | None = None
    # Items that could not be read: (part, short reason), e.g. ("links", "links[2]: no url").
    unreadable: list[tuple[PartName, str]] = field(default_factory=list)


def _s(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _ids(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _items(obj: dict[str, Any], key: str) -> list[Any] | None:
    value = obj.get(key)
    return value if isinstance(value, list) else None


def read_draft(obj: dict[str, Any]) -> Draft:
    """Read each part leniently; record what had to be skipped."""
    draft = Draft()
    task = obj.get("task")
    if isinstance(task, dict) and _s(task.get("summary")):
        labels = task.get("labels")
        draft.task = RawTask(
            summary=_s(task.get("summary")),
            labels=[_s(x) for x in labels if _s(x)] if isinstance(labels, list) else [],
            input=_s(task.get("input")),
            output=_s(task.get("output")),
            source_ids=_ids(task.get("source_ids")),
        )
    elif "task" in obj:
        draft.unreadable.append(("task", "task: no summary"))

    workflow = obj.get("workflow")
    if isinstance(workflow, dict) and (steps := _items(workflow, "steps")) is not None:
        draft.steps = []
        for i, item in enumerate(steps):
            if not isinstance(item, dict) or not _s(item.get("id")) or not _s(item.get("label")):
                draft.unreadable.append(("workflow", f"workflow.steps[{i}]: no id or label"))
                continue
            draft.steps.append(
                RawStep(
                    id=_s(item.get("id")),
                    kind=_s(item.get("kind")).lower(),
                    label=_s(item.get("label")),
                    source_ids=_ids(item.get("source_ids")),
                    note=_s(item.get("note")),
                )
            )
        for edge in _items(workflow, "edges") or []:
            if isinstance(edge, dict):
                pair = (_s(edge.get("from")), _s(edge.get("to")))
            elif isinstance(edge, list) and len(edge) == 2:
                pair = (_s(edge[0]), _s(edge[1]))
            else:
                continue
            if all(pair):
                draft.edges.append(pair)
    elif "workflow" in obj:
        draft.unreadable.append(("workflow", "workflow: no steps"))

    if (evidence := _items(obj, "evidence")) is not None:
        draft.evidence = []
        for i, item in enumerate(evidence):
            if isinstance(item, dict) and _s(item.get("text")):
                draft.evidence.append(RawEvidence(_s(item.get("text")), _s(item.get("source_id"))))
            else:
                draft.unreadable.append(("evidence", f"evidence[{i}]: no text"))

    if (links := _items(obj, "links")) is not None:
        draft.links = []
        for i, item in enumerate(links):
            if isinstance(item, dict) and _s(item.get("url")):
                draft.links.append(
                    RawLink(_s(item.get("url")), _s(item.get("label")), _s(item.get("source_id")))
                )
            else:
                draft.unreadable.append(("links", f"links[{i}]: no url"))

    if (caveats := _items(obj, "caveats")) is not None:
        draft.caveats = [_s(c) for c in caveats if _s(c)]
    return draft
