"""The LLM answer path: extractive answer first, model draft, verify, one repair, fall back.

The extractive answer is computed first because it is needed anyway: its relevance ranks the
sources that go into the prompt, and each of its parts is the fallback for the model's part
that is missing, wrong after one repair round, or never arrived (timeout, 429/5xx after the
SDK's retries, malformed JSON). So every path ends in an answer that passes
`invariants.check`, and the answer says which engine wrote which part.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

import jinja2

from bot.errors import ConfigError
from bot.ground import ground
from bot.ground.invariants import check
from bot.llm.client import ChatClient, Completion, LLMUnavailable, Message
from bot.llm.draft import (
    PARTS,
    MalformedReply,
    PartName,
    answer_schema,
    load_json_object,
    read_draft,
)
from bot.llm.guard import Guard
from bot.llm.prompt import PromptBuilder, select_sources
from bot.llm.verify import Checked, Verifier, not_json
from bot.models import Answer, Engine, SourceBlock
from bot.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_SOURCE_TOKENS = 6000
_OTHER_LINKS = 20


@dataclass
class _Round:
    """Parts accepted so far and the bookkeeping for the log line and `Answer.dropped`."""

    accepted: dict[PartName, object] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    verify_seconds: float = 0.0

    def take(self, checked: Checked) -> None:
        for part in PARTS:
            if part not in self.accepted and checked.usable(part):
                self.accepted[part] = getattr(checked, part)
        self.note([p.dropped() for p in checked.problems])
        self.note([f"{where}: mention neutralised" for where in checked.neutralised])

    def note(self, items: list[str]) -> None:
        self.dropped.extend(i for i in items if i not in self.dropped)

    def count(self, done: Completion) -> None:
        self.calls += 1
        self.prompt_tokens += done.prompt_tokens
        self.completion_tokens += done.completion_tokens


class LLMBackend:
    """Answers through an OpenAI-compatible model, verified against the source block."""

    def __init__(
        self,
        *,
        settings: Settings,
        env: jinja2.Environment,
        client: ChatClient | None = None,
        source_tokens: int = DEFAULT_SOURCE_TOKENS,
        max_retries: int = 2,
    ) -> None:
        if client is None:
            if not (settings.llm_base_url and settings.llm_model):
                raise ConfigError("SOURCEBOUND_LLM_BASE_URL and SOURCEBOUND_LLM_MODEL must be set")
            key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
            client = ChatClient(
                base_url=settings.llm_base_url,
                model=settings.llm_model,
                api_key=key,
                timeout=settings.llm_timeout,
                max_retries=max_retries,
                concurrency=settings.llm_concurrency,
            )
            self._owns_client = True
        else:
            self._owns_client = False
        self._client = client
        self._prompts = PromptBuilder(env=env)
        self._schema = answer_schema()
        self._source_tokens = source_tokens
        # SOURCEBOUND_LLM_TIMEOUT bounds the whole attempt: each call's timeout alone would
        # multiply by the SDK's retries and the repair round (a hung server held `ask` >150 s).
        self._deadline = settings.llm_timeout

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def answer(self, block: SourceBlock, question: str) -> Answer:
        started = time.perf_counter()
        base = await asyncio.to_thread(ground, block, question)
        guard = Guard(block)
        verifier = Verifier(block, guard=guard)
        messages = self._messages(block, question, base, guard)
        state = _Round()
        try:
            async with asyncio.timeout(self._deadline):
                reply, checked = await self._ask(messages, verifier, base, state)
                if checked.problems:
                    violations = [p.violation() for p in checked.problems]
                    repair = self._prompts.repair(messages, reply, violations)
                    _, again = await self._ask(repair, verifier, base, state)
                    if again.problems:
                        log.info("llm repair left %d problem(s); those parts fall back",
                                 len(again.problems))
        except TimeoutError:
            log.warning("llm answer past its %.0fs deadline; extractive parts used",
                        self._deadline)
            state.note(["model reply: deadline"])
        except LLMUnavailable as exc:
            log.warning("llm call failed (%s); extractive parts used", exc.reason)
            state.note([f"model reply: {exc.reason}"])
        answer = self._assemble(base, state)
        problems = check(block, answer)
        if problems:
            # The verifier should make this unreachable; never ship an ungrounded answer.
            log.error("llm answer failed the invariants (%d); extractive answer used", len(problems))
            answer = base.model_copy(
                update={"provenance": dict.fromkeys(PARTS, "extractive"), "dropped": state.dropped}
            )
        llm_parts = [p for p, e in answer.provenance.items() if e == "llm"]
        log.info(
            "llm answer: %.2fs, %d call(s), tokens %d prompt + %d completion, verify %.1f ms, "
            "parts llm=%s extractive=%s, dropped %d",
            time.perf_counter() - started,
            state.calls,
            state.prompt_tokens,
            state.completion_tokens,
            state.verify_seconds * 1000,
            ",".join(llm_parts) or "-",
            ",".join(p for p in PARTS if p not in llm_parts) or "-",
            len(state.dropped),
        )
        return answer

    def _messages(self, block: SourceBlock, question: str, base: Answer, guard: Guard) -> list[Message]:
        relevance = {s.id: s.relevance for s in base.sources}
        selection = select_sources(
            block, relevance, budget_tokens=self._source_tokens, clean=guard.clean
        )
        owned = {u for s in block.sources for u in s.urls}
        other = [u for u in block.links if u not in owned and not guard.injected_url(u)]
        return self._prompts.messages(
            question=question,
            selection=selection,
            other_links=other[:_OTHER_LINKS],
            total_sources=len(block.sources),
        )

    async def _ask(
        self, messages: list[Message], verifier: Verifier, base: Answer, state: _Round
    ) -> tuple[str, Checked]:
        done = await self._client.complete(messages, schema=self._schema)
        state.count(done)
        began = time.perf_counter()
        try:
            checked = verifier.check(read_draft(load_json_object(done.text)), base=base)
        except MalformedReply:
            log.warning("llm reply was not a JSON object")
            checked = not_json()
        state.verify_seconds += time.perf_counter() - began
        state.take(checked)
        return done.text, checked

    @staticmethod
    def _assemble(base: Answer, state: _Round) -> Answer:
        provenance: dict[str, Engine] = {}
        update: dict[str, object] = {}
        for part in PARTS:
            if part in state.accepted:
                update[part] = state.accepted[part]
                provenance[part] = "llm"
            else:
                provenance[part] = "extractive"
        engine: Engine = "llm" if update else "extractive"
        update.update(engine=engine, provenance=provenance, dropped=list(state.dropped))
        return base.model_copy(update=update)
