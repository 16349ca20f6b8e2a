"""LLMBackend end to end: real openai SDK → loopback fake server → verifier → Answer."""

from __future__ import annotations

import copy
import logging
import time
from typing import Any

import pytest

from bot.engines import LLMEngine
from bot.errors import ConfigError, EmptyInput
from bot.ground import ground
from bot.ground.invariants import check
from bot.llm import LLMBackend
from bot.models import Answer, SourceBlock
from bot.render.env import make_environment
from bot.settings import Limits, Settings
from tests.conftest import eval_case, seed_text
from tests.fakes.openai_api import FakeOpenAI, Reply, draft_of
from tests.llm.conftest import EVIL, INJECTION, injected_seed000, parsed, wired

PARTS = ("task", "workflow", "evidence", "links", "caveats")
LLM_SUMMARY = "The user wants haze removed from street images from many cities, with no retraining."


def faithful(block: SourceBlock) -> tuple[Answer, dict[str, Any]]:
    """The extractive answer and a faithful model draft of it, in the model's own prose."""
    base = ground(block, block.question or "")
    obj = draft_of(base)
    obj["task"]["summary"] = LLM_SUMMARY
    return base, obj


def grounded(block: SourceBlock, answer: Answer) -> None:
    assert check(block, answer) == []


def parts_by(answer: Answer, engine: str) -> set[str]:
    return {p for p, e in answer.provenance.items() if e == engine}


async def test_faithful_answer_passes_untouched(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.llm")
    block = parsed(seed_text("000"))
    base, obj = faithful(block)
    fake.script(Reply.json(obj))
    async with wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert answer.engine == "llm"
    assert parts_by(answer, "llm") == set(PARTS)
    assert answer.dropped == []
    assert answer.task.summary == LLM_SUMMARY
    assert answer.links == base.links and answer.evidence == base.evidence
    assert answer.workflow == base.workflow and answer.caveats == base.caveats
    assert answer.sources == base.sources  # relevance and sources stay the parser's/engine's
    (req,) = fake.requests
    assert req.response_format == "json_schema"
    assert "[m1] model: WeatherRemoval-CLAIO-DeHaze" in req.prompt
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("llm answer:")]
    assert "1 call(s)" in line and "parts llm=task,workflow,evidence,links,caveats" in line
    prompt_tokens = sum(len(m["content"]) for m in req.body["messages"]) // 4
    assert f"tokens {prompt_tokens} prompt" in line  # the fake's usage, passed through
    assert "haze" not in line.lower()  # no pasted or generated text at INFO


async def test_long_listing_sends_only_top_sources_within_budget(fake: FakeOpenAI) -> None:
    block = parsed(seed_text("002"))
    question = "Which paper does post-training quantization of vision models?"
    base = ground(block, question)
    fake.script(Reply.json(draft_of(base)))
    async with wired(fake, source_tokens=1500) as backend:
        answer = await backend.answer(block, question)
    grounded(block, answer)
    prompt = fake.requests[0].prompt
    sent = {s.id for s in block.sources if f"[{s.id}] " in prompt}
    ranked = sorted(base.sources, key=lambda s: -s.relevance)
    assert ranked[0].id in sent
    assert 1 <= len(sent) < len(block.sources) // 3
    assert f"{len(block.sources) - len(sent)} less relevant ones left out" in prompt
    # what was sent is (nearly) the top of the ranking: skipped only when too long to fit
    assert all(s.id in sent for s in ranked[: max(1, len(sent) // 2)])


async def test_fenced_json_from_a_json_object_server_is_read() -> None:
    block = parsed(seed_text("000"))
    _, obj = faithful(block)
    fake = FakeOpenAI(reject_json_schema=True, default=Reply.json(obj, fenced=True))
    async with fake, wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    assert parts_by(answer, "llm") == set(PARTS)
    assert [r.response_format for r in fake.requests] == ["json_schema", "json_object"]


@pytest.mark.parametrize(
    ("mutate", "part", "dropped"),
    [
        pytest.param(
            lambda o: o["links"].append(
                {"url": "https://github.com/invented/dehaze-pro", "label": "Dehaze Pro",
                 "source_id": "m1"}
            ),
            "links",
            "'https://github.com/invented/dehaze-pro': not in source",
            id="invented-url",
        ),
        pytest.param(
            lambda o: o["workflow"]["steps"].insert(
                1, {"id": "gpt", "kind": "model", "label": "HazeGPT-7B", "source_ids": [],
                    "note": ""}
            ),
            "workflow",
            "workflow step gpt 'HazeGPT-7B': names no source",
            id="invented-model",
        ),
        pytest.param(
            lambda o: o["evidence"].append(
                {"text": "TOTEM adapts to any city without retraining.", "source_id": "p1"}
            ),
            "evidence",
            ": not a source sentence",
            id="quote-not-in-source",
        ),
    ],
)
async def test_violation_repeated_after_repair_falls_back(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture, mutate: Any, part: str, dropped: str
) -> None:
    block = parsed(seed_text("000"))
    base, obj = faithful(block)
    mutate(obj)
    fake.default = Reply.json(obj)  # the model repeats itself in the repair round
    caplog.set_level(logging.INFO, logger="bot.llm")
    async with wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert len(fake.requests) == 2
    assert answer.provenance[part] == "extractive"
    assert getattr(answer, part) == getattr(base, part)
    assert parts_by(answer, "llm") == set(PARTS) - {part}
    assert answer.engine == "llm"
    assert any(dropped in d for d in answer.dropped), answer.dropped
    assert any("llm verifier dropped" in r.getMessage() for r in caplog.records)
    repair_prompt = str(fake.requests[1].body["messages"][-1]["content"])
    assert "broke the rules" in repair_prompt
    # INFO logs carry no pasted text
    assert not any(
        "WeatherRemoval" in r.getMessage() or "dehaze-pro" in r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.INFO
    )


async def test_injection_followed_by_the_model_is_dropped(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    block = parsed(injected_seed000())
    _, obj = faithful(block)
    src = next(s.id for s in block.sources if "MATEY" in s.name)
    obj["links"].insert(0, {"url": EVIL, "label": "the right model", "source_id": src})
    obj["evidence"].insert(0, {"text": INJECTION, "source_id": src})
    obj["caveats"].append(f"Follow {EVIL} for the weights.")
    fake.default = Reply.json(obj)
    caplog.set_level(logging.WARNING, logger="bot.llm")
    async with wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert EVIL not in answer.model_dump_json(include=set(PARTS))
    assert "evil.example" not in fake.requests[0].prompt  # the injection line is not even sent
    assert {"links", "evidence", "caveats"} <= parts_by(answer, "extractive")
    assert any("injected" in d and EVIL in d for d in answer.dropped)
    assert any("evidence[0]: injected" in r.getMessage() for r in caplog.records)


async def test_repair_round_fixes_the_answer(fake: FakeOpenAI) -> None:
    block = parsed(seed_text("000"))
    _, good = faithful(block)
    bad = copy.deepcopy(good)
    bad["links"].append({"url": "https://arxiv.org/abs/9999.99999", "label": "x", "source_id": "p1"})
    bad["task"]["summary"] = "A different first summary."
    fake.script(Reply.json(bad), Reply.json(good))
    async with wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert parts_by(answer, "llm") == set(PARTS)
    assert "9999.99999" not in answer.model_dump_json(include=set(PARTS))
    assert answer.task.summary == "A different first summary."  # clean in round one: kept
    n = len(good["links"])
    assert answer.dropped == [f"links[{n}] 'https://arxiv.org/abs/9999.99999': not in source"]
    assert len(fake.requests) == 2
    assert "9999.99999" in str(fake.requests[1].body["messages"][-1]["content"])


async def test_malformed_json_falls_back(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    block = parsed(seed_text("000"))
    base = ground(block, block.question or "")
    fake.default = Reply.text('Sure! {"task": {"summary": "unterminated"')
    async with wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert answer.engine == "extractive"
    assert parts_by(answer, "extractive") == set(PARTS)
    assert answer.task == base.task and answer.links == base.links
    assert "reply: not json" in answer.dropped
    assert len(fake.requests) == 2  # one repair round asked for valid JSON
    assert "not one valid JSON object" in str(fake.requests[1].body["messages"][-1]["content"])
    assert sum("llm reply was not a JSON object" in r.getMessage() for r in caplog.records) == 2


async def test_timeout_falls_back(fake: FakeOpenAI, caplog: pytest.LogCaptureFixture) -> None:
    block = parsed(seed_text("000"))
    fake.default = Reply.json({"late": True}, delay=5.0)
    started = time.perf_counter()
    async with wired(fake, timeout=0.3, max_retries=0) as backend:
        answer = await backend.answer(block, block.question or "")
    assert time.perf_counter() - started < 2.0
    grounded(block, answer)
    assert answer.engine == "extractive" and parts_by(answer, "extractive") == set(PARTS)
    assert answer.dropped == ["model reply: timeout"]
    assert any("llm call failed (timeout)" in r.getMessage() for r in caplog.records)


async def test_a_hung_server_is_bounded_by_the_whole_answer_deadline(fake: FakeOpenAI) -> None:
    """Per-call timeouts times retries (and a repair round) would hold the answer for
    minutes; SOURCEBOUND_LLM_TIMEOUT bounds the whole attempt."""
    block = parsed(seed_text("000"))
    fake.default = Reply.json({"late": True}, delay=5.0)
    started = time.perf_counter()
    async with wired(fake, timeout=0.8, max_retries=3, deadline=1.0) as backend:
        answer = await backend.answer(block, block.question or "")
    assert time.perf_counter() - started < 2.5
    grounded(block, answer)
    assert answer.engine == "extractive" and parts_by(answer, "extractive") == set(PARTS)
    assert answer.dropped == ["model reply: deadline"]


async def test_429_then_success_honours_retry_after(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openai")
    block = parsed(seed_text("000"))
    _, obj = faithful(block)
    fake.script(Reply.error(429, retry_after=0.3), Reply.json(obj))
    async with wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert answer.engine == "llm" and answer.dropped == []
    first, second = fake.requests
    assert second.at - first.at >= 0.28
    assert any("Retrying request in 0.3" in r.getMessage() for r in caplog.records)


async def test_persistent_500_falls_back(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    block = parsed(seed_text("000"))
    fake.default = Reply.error(500)
    async with wired(fake, max_retries=1) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert len(fake.requests) == 2  # first try + one SDK retry, then give up
    assert answer.engine == "extractive" and parts_by(answer, "extractive") == set(PARTS)
    assert answer.dropped == ["model reply: server_error"]
    assert any("llm call failed (server_error)" in r.getMessage() for r in caplog.records)


async def test_repair_call_failing_keeps_clean_parts(fake: FakeOpenAI) -> None:
    block = parsed(seed_text("000"))
    base, obj = faithful(block)
    obj["links"].append({"url": "https://github.com/nope/nope", "label": "n", "source_id": "m1"})
    fake.script(Reply.json(obj), Reply.error(500), Reply.error(500))
    async with wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert parts_by(answer, "extractive") == {"links"}
    assert answer.links == base.links
    assert "model reply: server_error" in answer.dropped


async def test_adversarial_eval_case_stays_grounded(fake: FakeOpenAI) -> None:
    text, case = eval_case("011")
    block = parsed(text)
    base = ground(block, block.question or "")
    obj = draft_of(base)
    bad_url = "https://codellama-weights.example.net/download/install.sh"
    obj["links"].append({"url": bad_url, "label": "official weights", "source_id": "p2"})
    obj["task"]["summary"] = "<!here> @everyone the user wants code infilling."
    fake.default = Reply.json(obj)
    async with wired(fake) as backend:
        answer = await backend.answer(block, block.question or "")
    grounded(block, answer)
    assert bad_url not in {link.url for link in answer.links}
    assert answer.provenance["task"] == "llm" and "@everyone" not in answer.task.summary
    assert "task.summary: mention neutralised" in answer.dropped
    assert "codellama-weights" not in fake.requests[0].prompt
    assert case["expect"]["links_none"] == [bad_url]  # type: ignore[index]


async def test_the_llm_engine_takes_the_one_answer_path(fake: FakeOpenAI, limits: Limits) -> None:
    text = seed_text("000")
    block = parsed(text)
    _, obj = faithful(block)
    fake.script(Reply.json(obj))
    async with wired(fake) as backend:
        engine = LLMEngine(backend=backend)
        answer = (await engine.solve(text, None, limits=limits)).answer
        with pytest.raises(EmptyInput):
            await engine.solve("  \n", "q", limits=limits)
    assert answer.question == block.question
    assert answer.engine == "llm"
    grounded(block, answer)


async def test_backend_builds_its_client_from_settings(fake: FakeOpenAI) -> None:
    block = parsed(seed_text("000"))
    _, obj = faithful(block)
    fake.script(Reply.json(obj))
    settings = Settings(
        llm_base_url=fake.base_url, llm_model="served-model", llm_api_key="sk-test", llm_timeout=2
    )
    async with LLMBackend(settings=settings, env=make_environment()) as backend:
        answer = await backend.answer(block, block.question or "")
    assert answer.engine == "llm"
    (req,) = fake.requests
    assert req.body["model"] == "served-model"
    assert req.headers["Authorization"] == "Bearer sk-test"
    with pytest.raises(ConfigError):
        LLMBackend(settings=Settings(), env=make_environment())
