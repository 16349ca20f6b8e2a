"""`bot.models`' dataclasses keep the contract the pydantic models had: the JSON pydantic writes
for them (checked against pydantic's own serializer), validation of data from outside, and a
`sourcebound ask` that never imports pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.defaults import ENV_NAMES, DefaultLimits
from bot.models import Answer, Evidence, Link, Source, SourceBlock, Step, Task, Workflow
from bot.parse import parse_block
from bot.pipeline import answer_text
from tests.conftest import EXAMPLE, REPO

REAL = sorted((REPO / "tests" / "data" / "real").glob("*/source.txt"))[:8]


def _odd_answer() -> Answer:
    """Values whose JSON spelling differs between encoders when one gets it wrong."""
    text = 'naïve "quotes" \\ back\tslash\n\u2028 \x1f \u00e9\u4e2d\U0001f600 </script>'
    source = Source(id="p1", kind="paper", name=text, urls=["https://x.org/a?b=1&c=2"],
                    relevance=0.1 + 0.2, meta={"ünï": text, "": ""})
    return Answer(
        question=text, task=Task(summary=text, labels=[text], setting=[]),
        workflow=Workflow(steps=[Step(id="s1", kind="input", label=text, note=text)],
                          edges=[("s1", "s2")]),
        evidence=[Evidence(text=text, source_id="p1")],
        links=[Link(url="https://x.org", label="", source_id="p1", kind="other")],
        caveats=[], sources=[source, source.model_copy(update={"relevance": 1.0, "id": "p2"})],
        considered=2, covered=False, provenance={"task": "llm"}, dropped=["x"],
    )


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.parent.name)
def test_answer_json_is_what_pydantic_writes(path: Path) -> None:
    answer = answer_text(path.read_text(encoding="utf-8"), "which one should I use?",
                         limits=DefaultLimits())
    adapter = TypeAdapter(Answer)
    assert answer.model_dump_json(indent=2) == adapter.dump_json(answer, indent=2).decode()
    assert answer.model_dump_json() == adapter.dump_json(answer).decode()
    assert answer.model_dump(mode="json") == adapter.dump_python(answer, mode="json")


def test_awkward_strings_and_numbers_serialise_as_pydantic_does() -> None:
    answer = _odd_answer()
    adapter = TypeAdapter(Answer)
    assert answer.model_dump_json(indent=2) == adapter.dump_json(answer, indent=2).decode()
    assert answer.model_dump_json() == adapter.dump_json(answer).decode()
    block = parse_block(EXAMPLE.read_text(encoding="utf-8"))
    assert block.model_dump_json(exclude={"text"}) == TypeAdapter(SourceBlock).dump_json(
        block, exclude={"text"}).decode()
    assert json.loads(answer.model_dump_json(include={"question", "covered"})) == {
        "question": answer.question, "covered": False}


def test_json_round_trips_through_validation() -> None:
    answer = _odd_answer()
    again = Answer.model_validate_json(answer.model_dump_json())
    assert again == answer
    assert isinstance(again.sources[0], Source)
    assert again.workflow.edges == [("s1", "s2")]  # a JSON pair is a tuple again
    assert Answer.model_validate(answer.model_dump()) == answer


@pytest.mark.parametrize(
    "bad",
    [
        {"question": "q", "task": {"summary": "s"}, "workflow": {}, "extra": 1},
        {"question": "q", "task": {"summary": "s"}, "workflow": {}, "engine": "gpt"},
        {"question": "q", "task": {"summary": "s"}},
        {"question": "q", "task": {"summary": "s"}, "workflow": {},
         "sources": [{"id": "p1", "kind": "blog", "name": "x"}]},
    ],
)
def test_data_from_outside_is_still_validated(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Answer.model_validate(bad)


def test_a_pydantic_model_holding_an_answer_validates_and_writes_it() -> None:
    class Holder(BaseModel):
        answer: Answer | None = None

    answer = _odd_answer()
    held = Holder(answer=answer)
    assert json.loads(held.model_dump_json())["answer"] == json.loads(answer.model_dump_json())
    assert Holder.model_validate_json(held.model_dump_json()).answer == answer
    with pytest.raises(ValidationError):
        Holder.model_validate({"answer": {"question": "q", "surplus": 1}})


def test_construction_copies_what_it_is_given() -> None:
    urls = ["https://a.org"]
    source = Source(id="p1", kind="paper", name="A", urls=urls, relevance=1)
    urls.append("https://b.org")
    assert source.urls == ["https://a.org"]
    assert source.relevance == 1.0 and isinstance(source.relevance, float)
    copy = source.model_copy(update={"name": "B"})
    assert (copy.name, source.name, copy.urls) == ("B", "A", ["https://a.org"])


def test_ask_json_imports_no_pydantic() -> None:
    probe = ("import sys\nfrom bot.cli import main\ncode = main(sys.argv[1:])\n"
             "sys.stdout.flush()\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'), "
             "file=sys.stderr)\nraise SystemExit(code)\n")
    env = {k: v for k, v in os.environ.items() if k.lower() not in ENV_NAMES}
    done = subprocess.run([sys.executable, "-c", probe, "ask", "--source", str(EXAMPLE),
                           "--format", "json"], capture_output=True, text=True, timeout=120,
                          check=False, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "[]"
    assert json.loads(done.stdout)["sources"]
