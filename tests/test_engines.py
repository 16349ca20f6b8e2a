"""The extractive engine answers a repeated (block, question) once: deterministic, so the
second answer is the first, and the cache stays within its bounds."""

from __future__ import annotations

from bot.engines import ExtractiveEngine
from bot.settings import Limits
from tests.conftest import seed_text


async def test_a_repeated_question_is_answered_from_the_cache() -> None:
    engine = ExtractiveEngine()
    text, limits = seed_text("000"), Limits()
    first = await engine.solve(text, None, limits=limits)
    again = await engine.solve(text, None, limits=limits)
    assert again is first and (engine.cache.hits, engine.cache.misses) == (1, 1)
    other = await engine.solve(text, "Which paper deals with sensor failure?", limits=limits)
    assert other.answer.question == "Which paper deals with sensor failure?"
    assert other.answer != first.answer and engine.cache.misses == 2
    # Other limits can change the answer (a refusal), so they are part of the key.
    await engine.solve(text, None, limits=Limits(max_question_chars=5000))
    assert engine.cache.misses == 3


async def test_the_answer_cache_is_bounded() -> None:
    engine = ExtractiveEngine(max_entries=2, max_chars=10_000)
    text, limits = seed_text("000"), Limits()
    for n in range(4):
        await engine.solve(text, f"What does paper {n} do?", limits=limits)
    assert len(engine.cache) == 2
    big = ExtractiveEngine(max_chars=len(text) - 1)  # one block is over the whole budget
    await big.solve(text, None, limits=limits)
    assert len(big.cache) == 0


async def test_every_answer_reports_the_sources_it_read_first() -> None:
    # Parsed before grounding: the count is cheap, and a chat's status can say it.
    engine = ExtractiveEngine()
    text, limits = seed_text("000"), Limits()
    heard: list[tuple[int, bool]] = []

    async def progress(sources: int, slow: bool) -> None:
        heard.append((sources, slow))

    solved = await engine.solve(text, None, limits=limits, progress=progress)
    assert solved.block is not None
    assert heard == [(len(solved.block.sources), False)] and heard[0][0] == 4
    await engine.solve(text, None, limits=limits, progress=progress)  # from the cache
    assert heard == [(4, False), (4, False)] and engine.cache.hits == 1


async def test_a_failing_progress_hook_never_loses_the_answer() -> None:
    async def broken(sources: int, slow: bool) -> None:
        raise RuntimeError("status refused")

    solved = await ExtractiveEngine().solve(seed_text("000"), None, limits=Limits(),
                                            progress=broken)
    assert solved.answer.workflow.steps
