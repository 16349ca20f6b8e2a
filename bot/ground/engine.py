"""The extractive engine: ties ranking, labels, evidence, workflow, links and caveats together."""

from __future__ import annotations

import logging

from bot.ground import caveats as caveats_mod
from bot.ground import evidence as evidence_mod
from bot.ground import links as links_mod
from bot.ground import summary as summary_mod
from bot.ground import workflow as workflow_mod
from bot.ground.coverage import assess
from bot.ground.invariants import BlockText
from bot.ground.labels import infer
from bot.ground.relevance import (
    SMALL_BLOCK,
    analyse_question,
    analyse_source,
    score_sources,
    select,
)
from bot.ground.workflow import step_label
from bot.models import Answer, Evidence, Source, SourceBlock, Step, Task, Workflow
from bot.safety import defang, has_ping

log = logging.getLogger(__name__)


def _clean_source(source: Source, relevance: float) -> Source:
    # Built from an already validated Source with str -> str cleaning: no need to validate again
    # (a 100-paper listing would pay for it a hundred times per answer).
    return Source.model_construct(
        id=source.id, kind=source.kind, role=source.role, name=defang(source.name),
        urls=[u for u in source.urls if not has_ping(u)], summary=defang(source.summary),
        relevance=relevance, meta={defang(k): defang(v) for k, v in source.meta.items()},
    )


def _clean_step(step: Step) -> Step:
    return step.model_copy(update={"label": defang(step.label), "note": defang(step.note)})


def ground(block: SourceBlock, question: str) -> Answer:
    """Answer `question` from `block` alone."""
    query = analyse_question(question)
    docs = [analyse_source(s) for s in block.sources]
    rel = score_sources(block, docs, query)
    selected = select(block, docs, rel, query)
    chosen = [docs[i].source for i in selected]

    labels = infer(fmt=block.format, docs=docs, rel=rel, selected=selected, query=query)
    per_source, injected = evidence_mod.pick(docs, selected, query)
    block_text = BlockText(block.text)
    picked = [
        c for c in evidence_mod.choose(per_source, [s.id for s in chosen])
        if block_text.evidence(c.text)
    ]
    coverage = assess(question, [docs[i].termset for i in range(len(docs))])
    if not selected:
        coverage.covered = False

    wf = workflow_mod.build(
        fmt=block.format, docs=docs, selected=selected, task_input=labels.input,
        task_output=labels.output, best=per_source,
    )
    links = links_mod.pick(block, chosen, text=block_text)
    model_ids = {i for st in wf.steps if st.kind == "model" for i in st.source_ids}
    listing = len(docs) > SMALL_BLOCK
    models = [step_label(s) for s in chosen if s.kind == "model" and block.format == "request"]
    summary = summary_mod.build(
        labels=labels, query=query, models=models, docs=[docs[i] for i in selected],
        considered=len(docs), selected_names=[step_label(s) for s in chosen], covered=coverage.covered,
        listing=listing,
    )
    cav = caveats_mod.build(
        block=block, docs=docs, selected=selected, main_labels=labels.domain, coverage=coverage,
        injections=injected, linked_ids={lk.source_id for lk in links}, model_ids=model_ids,
    )
    task = Task(
        summary=defang(summary), labels=[defang(x) for x in labels.all],
        input=defang(labels.input), output=defang(labels.output), intent=query.intent,
        setting=[defang(c) for c in query.cues],
        source_ids=labels.source_ids or [s.id for s in chosen[:2]],
    )
    log.debug("grounded: %d sources, %d selected, covered=%s", len(docs), len(selected), coverage.covered)
    return Answer(
        question=defang(question), task=task,
        workflow=Workflow(steps=[_clean_step(s) for s in wf.steps], edges=wf.edges),
        evidence=[Evidence(text=c.text, source_id=c.source_id) for c in picked],
        links=links, caveats=[defang(c) for c in cav],
        sources=[_clean_source(s, rel[i]) for i, s in enumerate(block.sources)],
        engine="extractive", considered=len(docs), covered=coverage.covered,
    )
