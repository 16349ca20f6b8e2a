"""Service: dedupe, follow-ups, attachments, refusals, history/forget, redelivery after a
restart and 200 simultaneous questions, on a real SQLite file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.chat import Attachment, Reply
from bot.history.store import HistoryStore
from bot.models import Answer
from bot.service import Service
from bot.settings import Limits
from tests.conftest import seed_text
from tests.history.support import FakeEngine, echo_answer, incoming

BLOCK = """Model: WeatherRemoval-CLAIO-DeHaze
GitHub: https://github.com/xiaojihh/cl_all-in-one

Paper: http://arxiv.org/pdf/2402.18546v3.pdf
Summary: Tokenization enables generalization across sensors."""
ASK = "How does it stay generalizable across sensors?\n\n" + BLOCK


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[HistoryStore]:
    async with HistoryStore.open(tmp_path / "history.db") as opened:
        yield opened


def service(
    store: HistoryStore, *, answerer: Callable[[str, str | None], Answer] = echo_answer,
    limits: Limits | None = None,
) -> Service:
    return Service(store=store, limits=limits or Limits(), engine=FakeEngine(answerer))


async def test_an_answer_is_stored_with_a_pending_delivery(store: HistoryStore) -> None:
    reply = await service(store).ask(incoming(ASK))
    assert reply is not None and reply.kind == "answer" and reply.answer is not None
    assert reply.answer.question == "How does it stay generalizable across sensors?"
    assert not reply.reused_source and reply.parts_done == 0
    assert [p.delivery_id for p in await store.pending("slack")] == [reply.delivery_id]


async def test_the_same_event_id_twice_is_answered_once(store: HistoryStore) -> None:
    svc = service(store)
    assert await svc.ask(incoming(ASK, event="Ev1", message="C1:1")) is not None
    assert await svc.ask(incoming(ASK, event="Ev1", message="C1:1")) is None
    assert (await store.counts())["questions"] == 1


async def test_the_same_message_under_a_new_event_id_is_answered_once(
    store: HistoryStore,
) -> None:
    svc = service(store)
    assert await svc.ask(incoming(ASK, event="Ev1", message="C1:1700000000.1")) is not None
    assert await svc.ask(incoming(ASK, event="Ev2", message="C1:1700000000.1")) is None
    assert (await store.counts())["deliveries"] == 1


async def test_simultaneous_retries_of_one_event_produce_one_reply(store: HistoryStore) -> None:
    svc = service(store)
    replies = await asyncio.gather(*(svc.ask(incoming(ASK, event="Ev1")) for _ in range(5)))
    assert sum(r is not None for r in replies) == 1
    assert (await store.counts())["questions"] == 1


async def test_a_follow_up_in_the_thread_reuses_its_source_block(store: HistoryStore) -> None:
    seen: list[str] = []

    def recording(text: str, question: str | None) -> Answer:
        seen.append(text)
        return echo_answer(text, question)

    svc = service(store, answerer=recording)
    first = await svc.ask(incoming(ASK, event="E1"))
    follow = await svc.ask(incoming("And what about sensor failure?", event="E2"))
    assert first is not None and follow is not None and follow.answer is not None
    assert follow.reused_source and follow.answer.question == "And what about sensor failure?"
    assert seen[1] == seen[0] and "cl_all-in-one" in seen[1]
    assert (await store.counts())["source_blocks"] == 1

    elsewhere = await svc.ask(incoming("And what about sensor failure?", event="E3", thread="9.9"))
    assert elsewhere is not None and elsewhere.kind == "problem"
    assert elsewhere.problem == "no_source"


async def test_bad_input_becomes_a_stored_problem_reply_logged_with_the_event_id(
    store: HistoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    svc = service(store)
    with caplog.at_level(logging.INFO, logger="bot.service"):
        empty = await svc.ask(incoming("   ", event="Eempty"))
        lonely = await svc.ask(incoming("What does TOTEM do?", event="Elonely"))
    assert empty is not None and (empty.kind, empty.problem) == ("problem", "empty")
    assert lonely is not None and lonely.problem == "no_source" and lonely.detail
    assert len(await store.pending("slack")) == 2  # refusals are delivered like answers
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Eempty" in m and "empty" in m for m in warnings)
    assert any("Elonely" in m for m in warnings)
    assert not any("TOTEM" in r.getMessage() for r in caplog.records)


async def test_a_crashing_answerer_gets_an_internal_problem_not_a_traceback(
    store: HistoryStore,
) -> None:
    def broken(text: str, question: str | None) -> Answer:
        raise RuntimeError("bug")

    reply = await service(store, answerer=broken).ask(incoming(ASK))
    assert reply is not None and (reply.kind, reply.problem) == ("problem", "internal")
    assert "bug" not in reply.detail


# -- attachments ------------------------------------------------------------------------------


def _file(name: str, data: bytes, mimetype: str = "") -> Attachment:
    return Attachment(name=name, data=data, mimetype=mimetype)


@pytest.mark.parametrize(
    "attachment",
    [
        _file("sources.md", BLOCK.encode()),
        _file("message.txt", BLOCK.encode(), "text/plain; charset=utf-8"),  # Discord long paste
        _file("snippet", BLOCK.encode(), "text/plain"),  # Slack snippet: no suffix
        _file("refs.bib", "\ufeff".encode() + BLOCK.encode()),  # BOM dropped
    ],
)
async def test_a_text_attachment_is_the_source_block(
    store: HistoryStore, attachment: Attachment
) -> None:
    seen: list[str] = []

    def recording(text: str, question: str | None) -> Answer:
        seen.append(text)
        return echo_answer(text, question)

    reply = await service(store, answerer=recording).ask(
        incoming("How does it generalize?", attachments=[attachment])
    )
    assert reply is not None and reply.kind == "answer"
    assert seen == [BLOCK]


@pytest.mark.parametrize(
    ("attachments", "problem"),
    [
        ([_file("notes.txt", b"abc\x00\x01def")], "binary_attachment"),
        ([_file("notes.txt", b"caf\xe9 latin-1")], "binary_attachment"),
        ([_file("diagram.png", b"\x89PNG\r\n", "image/png")], "unsupported_attachment"),
        ([_file("paper.pdf", b"%PDF-1.7", "application/pdf")], "unsupported_attachment"),
        ([_file("big.txt", b"x" * 2048)], "too_large"),
        ([_file("a.txt", b"x" * 600), _file("b.txt", b"x" * 600)], "too_large"),
        ([_file(f"{n}.txt", b"x") for n in range(6)], "too_large"),
    ],
)
async def test_attachments_we_cannot_read_are_refused(
    store: HistoryStore, attachments: list[Attachment], problem: str
) -> None:
    limits = Limits(max_source_bytes=1024, max_attachments=5)
    reply = await service(store, limits=limits).ask(
        incoming("How does it generalize?", attachments=attachments)
    )
    assert reply is not None and (reply.kind, reply.problem) == ("problem", problem)


async def test_an_oversize_pasted_block_is_refused(store: HistoryStore) -> None:
    limits = Limits(max_source_bytes=len(BLOCK) - 10)
    reply = await service(store, limits=limits).ask(incoming(ASK))
    assert reply is not None and reply.problem == "too_large"


# -- history and forget -----------------------------------------------------------------------


async def test_history_lists_the_askers_questions_newest_first(store: HistoryStore) -> None:
    svc = service(store)
    await svc.ask(incoming(ASK, event="E1", user="U1"))
    await svc.ask(incoming("Which one is fastest?", event="E2", user="U1"))
    await svc.ask(incoming(ASK, event="E3", user="U2", thread="2.0"))
    items = await svc.history("slack", "U1")
    assert [i.question for i in items] == [
        "Which one is fastest?",
        "How does it stay generalizable across sensors?",
    ]
    assert "WeatherRemoval-CLAIO-DeHaze" in items[1].source_title
    assert items[0].place.thread == "100.1"
    assert len(await svc.history("slack", "U1", 1)) == 1
    assert await svc.history("discord", "U1") == []


async def test_forget_deletes_only_the_askers_data(store: HistoryStore) -> None:
    svc = service(store)
    await svc.ask(incoming(ASK, event="E1", user="U1"))
    await svc.ask(incoming("Which one is fastest?", event="E2", user="U1"))
    await svc.ask(incoming("Other " + ASK, event="E3", user="U2", thread="2.0"))
    assert await svc.forget("slack", "U1") == 2
    counts = await store.counts()
    assert (counts["questions"], counts["answers"], counts["deliveries"]) == (1, 1, 1)
    assert (counts["threads"], counts["source_blocks"]) == (1, 1)
    assert await svc.history("slack", "U1") == []
    assert len(await svc.history("slack", "U2")) == 1
    # The forgotten thread has no source left to follow up on.
    again = await svc.ask(incoming("Which one is fastest?", event="E4", user="U1"))
    assert again is not None and again.problem == "no_source"
    assert await svc.forget("slack", "nobody") == 0


async def test_forget_deletes_the_askers_block_from_a_thread_others_asked_in(
    store: HistoryStore,
) -> None:
    svc = service(store)
    await svc.ask(incoming(ASK, event="E1", user="U1"))
    other = await svc.ask(incoming("Which one is fastest?", event="E2", user="U2"))
    assert other is not None and other.reused_source
    await svc.forget("slack", "U1")
    counts = await store.counts()
    assert counts["source_blocks"] == 0 and counts["questions"] == 1
    # U2's follow-up stays, but nothing of U1's paste is left to answer from.
    again = await svc.ask(incoming("And the slowest?", event="E3", user="U2"))
    assert again is not None and again.problem == "no_source"


async def test_forget_deletes_queued_jobs_too(store: HistoryStore) -> None:
    svc = service(store)
    assert await svc.accept(incoming(ASK, event="E1", user="U1")) is not None
    assert await svc.accept(incoming(ASK, event="E2", message="C1:E2", user="U2")) is not None
    assert await svc.forget("slack", "U1") == 1
    assert await store.queued() == 1


async def test_retention_prunes_old_questions_answers_and_blocks(store: HistoryStore) -> None:
    from datetime import timedelta

    svc = service(store)
    await svc.ask(incoming(ASK, event="E1", user="U1"))
    assert await store.prune(timedelta(days=90)) == 0
    assert (await store.counts())["questions"] == 1
    assert await store.prune(timedelta(seconds=0)) == 1
    counts = await store.counts()
    assert (counts["questions"], counts["answers"], counts["deliveries"]) == (0, 0, 0)
    assert (counts["threads"], counts["source_blocks"]) == (0, 0)


# -- delivery across a restart ----------------------------------------------------------------


class _Poster:
    """A stand-in adapter: posts the parts of a reply not yet posted, crashing on demand."""

    PARTS = ("summary", "workflow", "links")

    def __init__(self, posted: list[tuple[int, str]]) -> None:
        self.posted = posted

    async def deliver(self, svc: Service, reply: Reply, *, crash_after: int | None = None) -> None:
        for number, part in enumerate(self.PARTS, start=1):
            if number <= reply.parts_done:
                continue
            if crash_after is not None and number > crash_after:
                raise ConnectionError("platform down")
            self.posted.append((reply.delivery_id, part))
            total = len(self.PARTS) if number == len(self.PARTS) else None
            await svc.delivered(reply.delivery_id, number, parts_total=total)


async def test_a_reply_cut_off_by_a_crash_is_finished_once_after_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.db"
    posted: list[tuple[int, str]] = []
    poster = _Poster(posted)
    async with HistoryStore.open(path) as store:
        svc = service(store)
        done = await svc.ask(incoming(ASK, event="E1"))
        cut = await svc.ask(incoming(ASK, event="E2", thread="2.0"))
        never = await svc.ask(incoming("What about TOTEM?", event="E3", thread="3.0"))
        assert done and cut and never
        await poster.deliver(svc, done)
        with pytest.raises(ConnectionError):
            await poster.deliver(svc, cut, crash_after=1)
    # Restart: a new store on the same file, as after a process crash.
    async with HistoryStore.open(path) as store:
        svc = service(store)
        pending = await svc.pending("slack")
        assert [(r.delivery_id, r.parts_done, r.kind) for r in pending] == [
            (cut.delivery_id, 1, "answer"),
            (never.delivery_id, 0, "problem"),
        ]
        assert pending[0].answer == cut.answer and pending[0].place == cut.place
        for reply in pending:
            await poster.deliver(svc, reply)
    async with HistoryStore.open(path) as store:
        assert await service(store).pending("slack") == []
        # A retry of an already answered event after the restart is still a duplicate.
        assert await service(store).ask(incoming(ASK, event="E2", thread="2.0")) is None
    assert sorted(posted) == sorted(
        (r.delivery_id, part) for r in (done, cut, never) for part in _Poster.PARTS
    )
    assert len(posted) == len(set(posted))


async def test_progress_never_goes_backwards(store: HistoryStore) -> None:
    svc = service(store)
    reply = await svc.ask(incoming(ASK))
    assert reply is not None
    await svc.delivered(reply.delivery_id, 2)
    await svc.delivered(reply.delivery_id, 1)
    (pending,) = await svc.pending("slack")
    assert pending.parts_done == 2
    await svc.delivered(reply.delivery_id, 3, parts_total=3)
    assert await svc.pending("slack") == []
    await svc.delivered(10_000, 1)  # unknown (e.g. forgotten meanwhile): ignored


# -- load ---------------------------------------------------------------------------------------


async def test_200_simultaneous_questions_are_all_stored(store: HistoryStore) -> None:
    svc = service(store)
    replies = await asyncio.gather(
        *(svc.ask(incoming(ASK if n % 4 else "Follow-up?", event=f"E{n}", user=f"U{n % 7}",
                           thread=f"{n % 50}.0"))
          for n in range(200))
    )
    assert all(r is not None for r in replies)
    ids = {r.delivery_id for r in replies if r is not None}
    assert len(ids) == 200
    counts = await store.counts()
    assert counts["questions"] == counts["deliveries"] == 200
    assert counts["seen_events"] == 400
    assert len(await svc.pending("slack")) == 200


# -- the real pipeline ----------------------------------------------------------------------------


async def test_the_default_answerer_parses_grounds_and_keeps_the_parsed_block(
    store: HistoryStore, seed000: str
) -> None:
    svc = Service(store=store, limits=Limits())
    reply = await svc.ask(incoming(seed000, event="E1"))
    assert reply is not None and reply.answer is not None, reply
    assert "https://github.com/xiaojihh/cl_all-in-one" in [link.url for link in reply.answer.links]
    stored = await store.thread_source(reply.place)
    assert stored is not None and stored.text.strip() == seed000.strip()
    assert stored.format == "request" and stored.title == "WeatherRemoval-CLAIO-DeHaze"
    follow = await svc.ask(incoming("Which paper covers sensor failure?", event="E2"))
    assert follow is not None and follow.reused_source and follow.answer is not None
    assert any("2402.18546" in link.url for link in follow.answer.links)


async def test_block_without_question_is_kept_for_the_next_question(tmp_path: Path) -> None:
    """The no-question reply promises that the next question is answered from the block."""
    from bot.parse import parse_block

    block = seed_text("002")
    assert parse_block(block).question is None
    async with HistoryStore.open(tmp_path / "h.db") as store:
        service = Service(store=store, limits=Limits())
        first = await service.ask(incoming(block, event="e1"))
        assert first is not None and first.kind == "problem" and first.problem == "no_question"
        second = await service.ask(
            incoming("Which of these could forecast river floods?", event="e2")
        )
        assert second is not None and second.kind == "answer" and second.reused_source
        assert second.answer is not None and second.answer.considered == 56


async def test_bidi_and_zero_width_characters_never_reach_a_reply(store: HistoryStore) -> None:
    sneaky = "Model: WeatherRemoval\u202eexe.gnp\u200b\u2066x\u2069\nhttps://github.com/a/b"
    reply = await service(store).ask(incoming("Which one?\n\n" + sneaky))
    assert reply is not None and reply.answer is not None
    text = reply.answer.model_dump_json()
    assert not any(c in text for c in ("\u202e", "\u200b", "\u2066", "\u2069"))
    assert reply.answer.sources[0].name.startswith("Model: WeatherRemovalexe.gnpx")


async def test_a_repeated_question_is_cleaned_and_stored_like_the_first(
    store: HistoryStore,
) -> None:
    """The engine answers a repeat with its same objects; what the service works out of
    them once (the cleaned answer, the stored block) is what every repeat gets."""
    sneaky = "Model: WeatherRemoval\u202eexe.gnp\u200b\nhttps://github.com/a/b\n\nWhich one?"
    svc = Service(store=store, limits=Limits())
    replies = [await svc.ask(incoming(sneaky, event=f"E{n}", thread=f"10{n}.1"))
               for n in range(3)]
    answers = [r.answer for r in replies if r is not None and r.answer is not None]
    assert len(answers) == 3 and answers[1] is answers[0] and answers[2] is answers[0]
    text = answers[0].model_dump_json()
    assert not any(c in text for c in ("\u202e", "\u200b"))
    stored = [await store.thread_source(r.place) for r in replies if r is not None]
    assert stored[0] is not None and "https://github.com/a/b" in stored[0].text
    assert stored[1] == stored[0] and stored[2] == stored[0]


async def test_resume_answers_jobs_a_dead_process_left_claimed(store: HistoryStore) -> None:
    from bot.chat import Place
    from tests.history.support import incoming as make

    svc = service(store)
    asked = make(ASK, event="E9").model_copy(update={"place": Place(
        platform="console", channel="console", thread="t1", is_dm=True)})
    job_id = await svc.accept(asked)
    assert job_id is not None
    # Claimed by a process on this host that is gone (pid 0 is never a live process's).
    import socket
    import time

    dead = f"{socket.gethostname()}:999999999:deadbeef"
    assert await store.claim_job(owner=dead, platforms=("console",), lease=300,
                                 now=time.time()) is not None
    (reply,) = await svc.resume("console")
    assert reply.kind == "answer" and await store.queued() == 0


async def test_a_redelivery_under_a_new_event_id_is_refused_and_claims_nothing(
    store: HistoryStore,
) -> None:
    svc = service(store)
    assert await svc.accept(incoming(ASK, event="E1", message="C1:5.0")) is not None
    # Same message, new event id (Slack re-delivers so): a duplicate, and its event key is
    # not left claimed, while a batch of arrivals commits together.
    first, again, other = await asyncio.gather(
        svc.accept(incoming(ASK, event="E2", message="C1:5.0")),
        svc.accept(incoming(ASK, event="E2", message="C1:5.0")),
        svc.accept(incoming(ASK, event="E3", message="C1:6.0")),
    )
    assert first is None and again is None and other is not None
    assert await store.is_seen(["slack:event:E1", "slack:message:C1:6.0"])
    assert not await store.is_seen(["slack:event:E2"])
    assert await store.queued() == 2
