"""The extractive engine: ties ranking, labels, evidence, workflow, links and caveats together."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.ground import caveats as caveats_mod
from bot.ground import change as change_mod
from bot.ground import compare as compare_mod
from bot.ground import dates as dates_mod
from bot.ground import evidence as evidence_mod
from bot.ground import fields as fields_mod
from bot.ground import links as links_mod
from bot.ground import pending as pending_mod
from bot.ground import summary as summary_mod
from bot.ground import workflow as workflow_mod
from bot.ground.analysis import Analysis, analyse_block
from bot.ground.coverage import assess, informative
from bot.ground.intent import intents
from bot.ground.labels import Labels, infer
from bot.ground.overview import overview
from bot.ground.question import meant
from bot.ground.relevance import (
    SMALL_BLOCK,
    Doc,
    Query,
    analyse_question,
    has_artefact,
    own_papers,
    score_sources,
    select,
)
from bot.ground.schema import words_file
from bot.ground.wording import Wording, default_wording
from bot.ground.workflow import step_label
from bot.models import Answer, Evidence, Link, Source, SourceBlock, Step, Task, Workflow
from bot.safety import defang, has_ping
from bot.urls import link_kind

log = logging.getLogger(__name__)
FALLBACK = 3


def _safe(text: str) -> str:
    # Every ping trigger holds "@" or "<": text with neither needs no defanging (a 1,000-entry
    # block would otherwise run two substitutions over every name, summary and fact).
    return defang(text) if "@" in text or "<" in text else text


def _clean_source(source: Source, relevance: float) -> Source:
    # Built from an already validated Source with str -> str cleaning: no need to validate again
    # (a 100-paper listing would pay for it a hundred times per answer).
    return Source.model_construct(
        id=source.id, kind=source.kind, role=source.role, name=_safe(source.name),
        urls=[u for u in source.urls if not has_ping(u)], summary=_safe(source.summary),
        relevance=relevance, meta={_safe(k): _safe(v) for k, v in source.meta.items()},
    )


def _clean_step(step: Step) -> Step:
    return step.model_copy(update={"label": defang(step.label), "note": defang(step.note)})


def ground(block: SourceBlock, question: str, *, wording: Wording | None = None) -> Answer:
    """Answer `question` (the asking message, or the block's own question) from `block` alone."""
    say = wording or default_wording()
    asked = meant(block, question)
    an = analyse_block(block)
    if asked.overview:
        return overview(block, an, asked.question, say)
    return _answer(block, an, asked.question, say)


SHOWN_RANKED = 3  # the leaders the ranking sentence names
MAX_CHANGES = 2  # changes between two named rows stated per answer
OWN_SUBJECT = 1.0  # informative weight of an ask that names a subject of its own


MORE_RANKINGS = 2


def _answered_by(ask: str, ranking: compare_mod.Ranking) -> bool:
    """Every word of the ask is in the clause the ranking answers."""
    return set(re.findall(r"\w+", ask.lower())) <= set(re.findall(r"\w+", ranking.clause.lower()))


def _more_rankings(query: Query, sources: list[Source], rel: Sequence[float],
                   ranking: compare_mod.Ranking | None) -> list[compare_mod.Ranking]:
    """Rankings that other asks of the question ask for, on other fields ("which the best
    NDCG@20?", "is it also best on perplexity?")."""
    if ranking is None or len(query.asks) < 2:
        return []
    out: list[compare_mod.Ranking] = []
    fields = {ranking.field}
    for ask in query.asks:
        # A clause of the first ranking's sentence may rank another field ("… and which the
        # best NDCG?"): the field, not the wording, tells a new ranking apart.
        r = compare_mod.rank(ask, sources, rel)
        if r is not None and r.field not in fields and len(out) < MORE_RANKINGS:
            fields.add(r.field)
            out.append(r)
    return out


def _other_asks(block: SourceBlock, docs: Sequence[Doc], query: Query,
                ranking: compare_mod.Ranking, selected: list[int]) -> list[int]:
    """The best source for each ask beside the ranking's ("is there a checkpoint for the
    other dataset?"): the ranking answers its own ask, not theirs."""
    extra: list[int] = []
    for ask in query.asks:
        if _answered_by(ask, ranking) or informative(ask) < OWN_SUBJECT:
            continue
        scores = score_sources(block, docs, analyse_question(ask))
        best = max(range(len(docs)), key=lambda i: (scores[i], -i), default=-1)
        if best >= 0 and scores[best] > 0 and best not in selected and best not in extra:
            extra.append(best)
    return extra
_WHICH = re.compile(r"^\W*which\b", re.IGNORECASE)


def _answer(block: SourceBlock, an: Analysis, question: str, say: Wording) -> Answer:
    docs = an.docs
    query = analyse_question(question)
    rel = score_sources(block, docs, query)
    ranking = compare_mod.rank(question, [d.source for d in docs], rel)
    if ranking is not None:
        rel = compare_mod.promote(rel, ranking)
    selected = select(block, docs, rel, query)
    picking = sum(1 for a in query.asks if "which_to_pick" in intents(a) or _WHICH.match(a))
    if ranking is not None and picking <= 1:
        # The ranking answers which rows: other listed rows like them are not the answer (a
        # page's subject and the arXiv papers beside them still explain it), unless another
        # ask picks rows too.
        ranked = {i for i, _ in ranking.order[:SHOWN_RANKED]}
        kinds = {docs[i].source.kind for i in ranked}
        selected = [i for i in selected if i in ranked or docs[i].source.role != "listed"
                    or docs[i].source.kind not in kinds
                    or any(link_kind(u) == "arxiv" for u in docs[i].source.urls)]
        selected += _other_asks(block, docs, query, ranking, selected)
        page = [i for i, d in enumerate(docs) if d.source.role == "subject"]
        if len(page) == 1 and page[0] not in selected and all(
                docs[i].source.role == "listed" for i, _ in ranking.order):
            # Rows of a method's own results table: the method itself is what they measure.
            selected.append(page[0])
    more = _more_rankings(query, [d.source for d in docs], rel, ranking)
    rankings = [ranking, *more] if ranking is not None else []
    for r in more:
        # A second superlative ask ("… and which the best NDCG?") has its own leader.
        selected += [i for i, _ in r.order[:1] if i not in selected]
    known = an.known
    if ranking is not None:
        # The metric the question named is answered by the ranking, however the block spells
        # it ("linear-probe accuracy" for a column headed "ImageNet linear").
        parts = [p for w in ranking.asked for p in re.split(r"[-/]", w) if p]
        known = known.with_words(parts)
    labels = infer(docs=docs, rel=rel, selected=selected, query=query) if selected else None
    if labels is not None and labels.input and labels.output:
        # "What does it take in and spit out?" is answered by the input and output the
        # sources state, in whatever words they state them.
        known = known.with_words(words_file().io_words)
    coverage = assess(question, known)
    if not selected and coverage.covered and docs:
        # The block's words answer the question though no source stands out (a table whose
        # rows parse as bare numbers): the first sources, in block order, carry the answer.
        selected = list(range(min(FALLBACK, len(docs))))
    chosen = [docs[i].source for i in selected]

    if labels is None:
        labels = infer(docs=docs, rel=rel, selected=selected, query=query)
    per_source, injected = evidence_mod.pick(docs, selected, query)
    picked = [
        c for c in evidence_mod.choose(per_source, [s.id for s in chosen])
        if an.text.evidence(c.text)
    ]
    for r in rankings:
        rows = compare_mod.evidence_lines(r, [d.source for d in docs], an.text.evidence)
        have = {c.text for c in picked}
        picked = [evidence_mod.Candidate(t, sid, 0, 0) for t, sid in rows
                  if t not in have] + picked
    if not selected:
        coverage.covered = False

    wf = workflow_mod.build(
        docs=docs, selected=selected, task_input=labels.input, task_output=labels.output,
        best=per_source, say=say, intent=query.intent,
    )
    links, left = links_mod.pick(block, chosen, text=an.text)
    model_ids = {i for st in wf.steps if st.kind == "model" for i in st.source_ids}
    models = [step_label(s) for s in chosen if s.role == "recommended"]
    subject = next((step_label(s) for s in chosen if s.role == "subject"), "")
    lead = next((s for s in chosen if s.role in ("recommended", "subject")), None)
    own = ""
    if lead is not None:
        mine = [i for i, d in enumerate(docs) if d.source is lead]
        family = [lead] + [docs[p].source for p in own_papers(docs, mine)]
        own = next((m for m in map(workflow_mod.method_sentence, family) if m), "")
    summary = summary_mod.build(
        method=(step_label(lead), own) if lead is not None and own else ("", ""), subject=subject,
        labels=labels, query=query, models=models, docs=[docs[i] for i in selected],
        considered=len(docs), selected_names=[step_label(s) for s in chosen],
        covered=coverage.covered, listing=len(docs) > SMALL_BLOCK, covers=an.covers, say=say,
        finding=" ".join(compare_mod.sentence(
            r, [step_label(docs[i].source) for i, _ in r.order], say,
        ) for r in rankings),
    )
    declaring = [s for s in chosen if s.role in ("subject", "recommended")]
    if not declaring and len(docs) <= SMALL_BLOCK:
        declaring = chosen[:1]
    if any(s.role == "subject" for s in declaring) and len(docs) <= SMALL_BLOCK:
        # A method's page: its results rows (settings without links of their own) declare
        # its numbers too.
        declaring += [d.source for d in docs if d.source.role == "listed" and not d.source.urls
                      and d.source not in declaring]
    declared = fields_mod.facts(question, declaring, skip=[
        ranking.field, *([ranking.bound.field] if ranking.bound else [])] if ranking else [])
    if ranking is not None and (lead_fact := fields_mod.leader_fact(
            question, docs[ranking.order[0][0]].source, ranking.field, ranking.asked,
            [ranking.bound.field] if ranking.bound else [])) is not None:
        declared = [f for f in declared if f.field != lead_fact.field] + [lead_fact]
    sources = [d.source for d in docs]
    for moved in [c for a in query.asks if (c := change_mod.change(a, sources))][:MAX_CHANGES]:
        # "How much do we give up going from A to B?": the block's two numbers and their gap.
        summary += " " + say.say("change", before=step_label(moved.before),
                                 after=step_label(moved.after), field=moved.field,
                                 was=moved.was, now=moved.now, delta=moved.delta)
    dated = dates_mod.dates(question, block.text, [(c.text, c.source_id) for c in picked])
    if dated:
        summary += " " + say.say("dated", items=[
            say.say("dated_item", text=d.text, date=d.date, source_id=d.source_id) for d in dated])
    if declared:
        summary += " " + say.say("declared", items=[
            say.say("declared_item", name=step_label(f.source), field=f.field, value=f.value)
            for f in declared])
    if query.artefact and chosen:
        linked = [step_label(s) for s in chosen if has_artefact(s)]
        if linked:
            summary += " " + say.say("code_status", linked=linked, unlinked=[
                step_label(s) for s in chosen if not has_artefact(s)])
    cav = caveats_mod.build(
        block=block, docs=docs, selected=selected, main_labels=labels.domain, coverage=coverage,
        injections=injected, linked_ids={lk.source_id for lk in links}, model_ids=model_ids,
        covers=an.covers, say=say,
    )
    if query.artefact and chosen and not any(has_artefact(s) for s in chosen):
        cav.insert(0, say.say("no_code", n=len(chosen)))
    cav[:0] = [say.say("unfilled", measure=u.measure, mark=u.mark, source_id=u.source_id)
               for u in pending_mod.find(question, chosen, skip=[r.field for r in rankings])]
    cav += links_mod.more_links_notes(chosen, left, say)
    log.debug("grounded: %d sources, %d selected, covered=%s", len(docs), len(selected),
              coverage.covered)
    return finish(
        block, question=question, summary=summary, labels=labels, intent=query.intent,
        setting=query.cues, chosen=chosen, workflow=wf, evidence=picked, links=links,
        caveats=cav, rel=rel, covered=coverage.covered,
    )


def finish(
    block: SourceBlock, *, question: str, summary: str, labels: Labels, intent: str,
    setting: Sequence[str], chosen: Sequence[Source], workflow: Workflow,
    evidence: Sequence[evidence_mod.Candidate], links: list[Link], caveats: Sequence[str],
    rel: Sequence[float], covered: bool,
) -> Answer:
    """The Answer, every text of it defanged (no pasted ping survives into a reply)."""
    task = Task(
        summary=defang(summary), labels=[defang(x) for x in labels.all],
        input=defang(labels.input), output=defang(labels.output), intent=intent,
        setting=[defang(c) for c in setting],
        source_ids=labels.source_ids or [s.id for s in chosen[:2]],
    )
    return Answer(
        question=defang(question), task=task,
        workflow=Workflow(steps=[_clean_step(s) for s in workflow.steps], edges=workflow.edges),
        evidence=[Evidence(text=c.text, source_id=c.source_id) for c in evidence],
        links=links, caveats=[defang(c) for c in caveats],
        sources=[_clean_source(s, rel[i]) for i, s in enumerate(block.sources)],
        engine="extractive", considered=len(block.sources), covered=covered,
    )
