"""`bot.memo`: one result per object, never one object's result for another."""

from __future__ import annotations

import gc
import weakref

from bot.memo import IdentityMemo, model_json
from bot.models import Answer, Task, Workflow


def _answer(summary: str) -> Answer:
    return Answer(question="q", task=Task(summary=summary), workflow=Workflow())


def test_the_same_object_is_worked_out_once() -> None:
    memo: IdentityMemo[list[int], int] = IdentityMemo()
    calls: list[int] = []
    item = [1, 2, 3]

    def total(xs: list[int]) -> int:
        calls.append(1)
        return sum(xs)

    assert memo.get(item, total) == 6 and memo.get(item, total) == 6
    assert len(calls) == 1
    # An equal object is another object: worked out again, not taken for the first.
    assert memo.get([1, 2, 3], total) == 6 and len(calls) == 2


class _Thing:
    pass


def test_an_entry_keeps_its_object_alive_so_its_id_stays_its_own() -> None:
    memo: IdentityMemo[_Thing, str] = IdentityMemo()
    thing = _Thing()
    alive = weakref.ref(thing)
    memo.get(thing, lambda _: "thing")
    del thing
    gc.collect()
    assert alive() is not None
    memo.clear()
    gc.collect()
    assert alive() is None


def test_the_memo_is_bounded_by_entries_and_size() -> None:
    memo: IdentityMemo[object, str] = IdentityMemo(max_entries=2, max_size=10, size=len)
    keep = [object() for _ in range(3)]
    calls: list[object] = []

    def value(obj: object) -> str:
        calls.append(obj)
        return "abcd"

    for obj in keep:
        memo.get(obj, value)
    memo.get(keep[0], value)  # dropped as the least recently used: worked out again
    assert calls == [keep[0], keep[1], keep[2], keep[0]]
    big: IdentityMemo[object, str] = IdentityMemo(max_size=3, size=len)
    obj = object()
    big.get(obj, lambda _: "abcd")
    assert big.get(obj, lambda _: "again") == "again"  # larger than the budget: not kept


def test_model_json_is_the_models_json_and_a_changed_copy_gets_its_own() -> None:
    answer = _answer("first")
    assert model_json(answer) == answer.model_dump_json()
    assert model_json(answer) is model_json(answer)
    changed = answer.model_copy(update={"task": Task(summary="second")})
    assert model_json(changed) == changed.model_dump_json() != model_json(answer)
