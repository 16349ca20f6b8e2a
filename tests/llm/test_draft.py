"""Tolerant reading of model replies."""

from __future__ import annotations

import pytest

from bot.llm.draft import MalformedReply, answer_schema, load_json_object, read_draft


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        '```json\n{"a": 1}\n```',
        'Sure! Here is the answer:\n{"a": 1}\nHope this helps.',
        '```\n{"a": 1}```',
    ],
)
def test_outermost_object_found(text: str) -> None:
    assert load_json_object(text) == {"a": 1}


@pytest.mark.parametrize("text", ["no json here", '{"a": 1', "[1, 2]", '{"a": }'])
def test_malformed_rejected(text: str) -> None:
    with pytest.raises(MalformedReply):
        load_json_object(text)


def test_schema_is_strict_everywhere() -> None:
    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node["additionalProperties"] is False
                assert sorted(node["required"]) == sorted(node["properties"])
            for value in node.values():
                walk(value)

    schema = answer_schema()
    walk(schema)
    assert set(schema["properties"]) == {"task", "workflow", "evidence", "links", "caveats"}


def test_read_draft_is_per_item_lenient() -> None:
    draft = read_draft(
        {
            "task": {"summary": " dehazing ", "labels": ["a", 3, ""], "source_ids": "m1"},
            "workflow": {
                "steps": [
                    {"id": "in", "kind": "Input", "label": "hazy image"},
                    {"id": "m", "kind": "model"},
                    "junk",
                ],
                "edges": [{"from": "in", "to": "m"}, ["m", "out"], ["x"], 7],
            },
            "evidence": [{"text": "A sentence.", "source_id": "p1"}, {"source_id": "p2"}],
            "links": [{"url": "https://github.com/a/b", "label": "b"}, {"label": "none"}],
            "caveats": ["no paper", "", None],
        }
    )
    assert draft.task is not None and draft.task.summary == "dehazing"
    assert draft.task.labels == ["a"] and draft.task.source_ids == ["m1"]
    assert draft.steps is not None and [s.id for s in draft.steps] == ["in"]
    assert draft.steps[0].kind == "input"
    assert draft.edges == [("in", "m"), ("m", "out")]
    assert draft.evidence is not None and len(draft.evidence) == 1
    assert draft.links is not None and draft.links[0].source_id == ""
    assert draft.caveats == ["no paper"]
    assert {where for _, where in draft.unreadable} == {
        "workflow.steps[1]: no id or label",
        "workflow.steps[2]: no id or label",
        "evidence[1]: no text",
        "links[1]: no url",
    }


def test_missing_parts_stay_none() -> None:
    draft = read_draft({"caveats": []})
    assert draft.task is None and draft.steps is None and draft.links is None
    assert draft.caveats == [] and draft.unreadable == []
