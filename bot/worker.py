"""`Worker`: answers queued jobs and delivers replies for one adapter, from the database.

    async with Worker(service=…, courier=…, policy=…) as worker:   # frees dead owners' claims
        ...                                                       # lanes run in the background
    # on exit: no new claims; running work gets `grace` seconds, the rest stays queued

Every piece of work is claimed first (owner + lease, renewed while it runs), so start-up
recovery, the live handler and other processes on the same file never work on the same job
or delivery at once. Lanes take due deliveries before new jobs (finish what was started), wait
for `Service.accept` to wake one of them, and otherwise poll for work other processes queued
or whose backoff ran out. The delivery queue is only asked when a delivery can be due (at
start, after a poll interval, when a refused one's backoff ends): the answer a lane just
recorded is posted by that lane directly, so in steady state a claim costs one statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Self

from bot.chat import Reply
from bot.delivery import Courier, Policy, backoff
from bot.errors import DeliveryError, Gone, Refused, StoreError
from bot.history.queue import Job
from bot.service import Service, stale_owner

log = logging.getLogger(__name__)

LANES = 2  # answers at once: grounding is CPU work, and the loop must keep acking


class Worker:
    def __init__(
        self, *, service: Service, courier: Courier, policy: Policy | None = None,
        lanes: int = LANES,
    ) -> None:
        self._service = service
        self._store = service.store
        self._courier = courier
        self._policy = policy or Policy()
        self._lanes = lanes
        self._platforms = (courier.platform,)
        self._idle_lanes: deque[asyncio.Future[None]] = deque()
        self._missed = 0  # wake-ups that came while no lane was idle: the next idle skips
        self._deliveries_due = True  # at start: what a stopped process left
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._busy = 0
        self._kept: set[int] = set()  # jobs whose asker heard "your question is kept"
        # The step each delivery is posting right now, so that an edit's answer taking the
        # delivery over can stop a post still waiting (e.g. out a rate limit) mid-step.
        self._posting: dict[int, asyncio.Future[str | None]] = {}
        self._cut: set[int] = set()
        service.on_accepted(self._wake_one)
        self._store.on_superseded(self._stop_posting)

    @property
    def busy(self) -> int:
        """Jobs and deliveries being worked on right now."""
        return self._busy

    async def __aenter__(self) -> Self:
        owner = self._service.owner
        try:
            freed = await self._store.free_claims(
                is_stale=lambda o: stale_owner(o, mine=owner), now=time.time()
            )
        except StoreError as exc:  # the lanes retry the database; leases expire anyway
            log.warning("could not free stale claims: %s", exc)
            freed = 0
        if freed:
            log.info("resuming %d jobs/deliveries a stopped process left claimed", freed)
        self._tasks = [
            asyncio.create_task(self._lane(), name=f"{self._courier.platform}-worker-{n}")
            for n in range(self._lanes)
        ]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def stop(self, *, grace: float = 10.0) -> None:
        """Stop claiming; give running work `grace` seconds, then cancel it. What was not
        finished stays in the database and a restart (or another process) resumes it."""
        self._stopping = True
        self._wake_all()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(self._tasks, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if pending:
            log.info("%d answers unfinished at shutdown stay queued", len(pending))
        self._tasks = []

    # -- lanes ----------------------------------------------------------------------------------

    async def _lane(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                worked = await self._one()
                failures = 0
            except StoreError as exc:
                failures += 1
                delay = backoff(self._policy, failures, retry_after=None) * (
                    self._policy.store_delay / self._policy.base_delay
                )
                log.warning("database busy or failing (%s); retrying in %.1fs", exc, delay)
                await self._idle(delay)
                continue
            except Exception:  # a bug must not stop the lane; the claim expires and retries
                failures += 1
                log.exception("worker lane failed; continuing")
                await self._idle(backoff(self._policy, failures))
                continue
            if not worked:
                await self._idle(self._policy.poll)

    async def _idle(self, seconds: float) -> None:
        if self._stopping:
            return  # the lane ends: nothing to wait for
        if self._missed:
            self._missed -= 1
            return
        waiting = asyncio.get_running_loop().create_future()
        self._idle_lanes.append(waiting)
        try:
            await asyncio.wait_for(waiting, timeout=seconds)
        except TimeoutError:
            # Polling: another process's work, or a lease that ran out, may be due now.
            self._deliveries_due = True
        finally:
            with contextlib.suppress(ValueError):
                self._idle_lanes.remove(waiting)

    def _wake_one(self) -> None:
        """One new job: one idle lane is enough (waking all makes the rest claim nothing)."""
        while self._idle_lanes:
            waiting = self._idle_lanes.popleft()
            if not waiting.done():
                waiting.set_result(None)
                return
        self._missed = min(self._missed + 1, self._lanes)

    def _wake_all(self) -> None:
        while self._idle_lanes:
            waiting = self._idle_lanes.popleft()
            if not waiting.done():
                waiting.set_result(None)

    async def _one(self) -> bool:
        now = time.time()
        owner = self._service.owner
        reply = None
        if self._deliveries_due:
            self._deliveries_due = False
            reply = await self._store.claim_delivery(
                owner=owner, platforms=self._platforms, lease=self._policy.lease, now=now
            )
        if reply is not None:
            self._deliveries_due = True  # there may be more
            self._busy += 1
            try:
                await self.deliver(reply)
            finally:
                self._busy -= 1
            return True
        if self._stopping:
            return False
        job = await self._store.claim_job(
            owner=owner, platforms=self._platforms, lease=self._policy.lease, now=now
        )
        if job is None:
            return False
        self._busy += 1
        try:
            await self._answer(job)
        finally:
            self._busy -= 1
        return True

    @contextlib.asynccontextmanager
    async def _leased(self, table: str, row_id: int) -> AsyncIterator[None]:
        """Renew our lease every third of it while the body runs (an LLM answer may take
        longer than one lease)."""
        async def renew() -> None:
            while True:
                await asyncio.sleep(self._policy.lease / 3)
                with contextlib.suppress(StoreError):
                    await self._store.renew(table, row_id, owner=self._service.owner,
                                            until=time.time() + self._policy.lease)

        task = asyncio.create_task(renew())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- jobs -----------------------------------------------------------------------------------

    async def _answer(self, job: Job) -> None:
        courier = self._courier
        owner = self._service.owner
        async with self._leased("jobs", job.id):
            try:
                incoming = await courier.prepare(job.incoming, resumed=job.claims > 1)
            except DeliveryError as exc:
                await self._job_later(job, f"could not open its thread: {exc}")
                return
            if incoming is not job.incoming:
                await self._store.update_job(job.id, incoming, owner=owner)
                job = Job(id=job.id, incoming=incoming, claims=job.claims,
                          failures=job.failures)

            async def progress(sources: int, slow: bool) -> None:
                await courier.progress(incoming, sources, slow=slow)

            try:
                reply = await self._service.answer_job(
                    job, lease=self._policy.lease, fetch=courier.fetch, progress=progress
                )
            except StoreError as exc:
                await self._job_later(job, str(exc), tell=True)
                return
        if reply is None:
            log.info("job %d was taken over or forgotten meanwhile", job.id)
            return
        await self.deliver(reply)

    async def _job_later(self, job: Job, why: str, *, tell: bool = False) -> None:
        """Leave the job queued and retry it with backoff; say once that it is kept."""
        delay = backoff(self._policy, job.failures + 1) * (
            self._policy.store_delay / self._policy.base_delay
        )
        log.warning("job %d (event %s) kept for a retry in %.1fs: %s", job.id,
                    job.incoming.event_id, delay, why)
        if tell and job.id not in self._kept and job.failures == 0:
            self._kept.add(job.id)
            try:
                await self._courier.kept(job.incoming)
            except DeliveryError as exc:
                log.warning("job %d: the 'kept' note was refused too: %s", job.id, exc)
        try:
            await self._store.release_job(job.id, owner=self._service.owner,
                                          next_at=time.time() + delay, failed=True)
        except StoreError:
            pass  # the lease runs out on its own and the job is claimable again

    # -- deliveries -----------------------------------------------------------------------------

    async def deliver(self, reply: Reply) -> None:
        rid = reply.delivery_id
        async with self._leased("deliveries", rid):
            try:
                steps = await self._courier.plan(reply)
                for index in range(reply.parts_done, len(steps)):
                    task = asyncio.ensure_future(steps[index]())
                    if not await self._step(rid, task) or not await self._service.delivered(
                            rid, index + 1, parts_total=len(steps), posted=task.result()):
                        log.info("delivery %d superseded by an edit's answer; stopped", rid)
                        finished = task.done() and not task.cancelled() and not task.exception()
                        await self._retract(reply, task.result() if finished else None)
                        return
                if reply.parts_done >= len(steps):  # else the last part's record finished it
                    await self._store.finish_delivery(rid, outcome="delivered")
                log.info("delivery %d posted (%d steps)", rid, len(steps))
            except Gone as exc:
                log.warning("delivery %d abandoned: %s", rid, exc)
                await self._store.finish_delivery(rid, outcome="gave_up")
            except DeliveryError as exc:
                await self._refused(reply, exc)
            except StoreError:
                raise
            except Exception as exc:  # a bug in rendering or posting: bounded like a refusal
                log.exception("delivery %d failed unexpectedly", rid)
                await self._refused(reply, DeliveryError(type(exc).__name__))

    async def _step(self, rid: int, task: asyncio.Future[str | None]) -> bool:
        """Run one step of delivery `rid`; False when an edit's answer took the delivery
        over meanwhile and the step was stopped (then it must not be recorded)."""
        self._posting[rid] = task
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:  # shutdown: the step goes with us
            task.cancel()
            await asyncio.wait({task})
            raise
        finally:
            self._posting.pop(rid, None)
            cut = rid in self._cut
            self._cut.discard(rid)
        if task.cancelled() and cut:
            return False
        task.result()  # the step's own failure (Refused, Gone, …) is the delivery's
        return True

    async def _retract(self, reply: Reply, landed: str | None) -> None:
        # The stopped step may have landed (the platform took the post, the answer never
        # came, or came after the takeover): the edit's answer does not know that message.
        try:
            keep = await self._store.posted(reply.delivery_id)
            await self._courier.retract(reply, keep=keep, landed=[landed] if landed else [])
        except (DeliveryError, StoreError) as exc:
            log.warning("delivery %d: what it may have posted unrecorded stays (%s)",
                        reply.delivery_id, exc)

    def _stop_posting(self, delivery_id: int) -> None:
        task = self._posting.get(delivery_id)
        if task is not None and not task.done():
            self._cut.add(delivery_id)
            task.cancel()

    async def _refused(self, reply: Reply, exc: DeliveryError) -> None:
        rid = reply.delivery_id
        retry_after = exc.retry_after if isinstance(exc, Refused) else None
        delays: list[float] = []

        def delay(failures: int) -> float:
            delays.append(backoff(self._policy, failures, retry_after=retry_after))
            return delays[-1]

        failures = await self._store.delivery_refused(
            rid, owner=self._service.owner, delay=delay, now=time.time()
        )
        if failures >= self._policy.attempts:
            log.warning("delivery %d refused %d times (%s); giving up with a note",
                        rid, failures, exc)
            try:
                await self._courier.give_up(reply)
            except DeliveryError as again:
                log.warning("delivery %d: the give-up note was refused too: %s", rid, again)
            await self._store.finish_delivery(rid, outcome="gave_up")
            return
        if delays:
            log.info("delivery %d refused (%s); retry %d in %.1fs", rid, exc, failures,
                     delays[-1])
            self._wake_later(delays[-1])

    def _wake_later(self, delay: float) -> None:
        asyncio.get_running_loop().call_later(delay, self._delivery_due)

    def _delivery_due(self) -> None:
        self._deliveries_due = True
        self._wake_one()
