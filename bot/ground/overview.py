"""An overview of the block, for "what is this about?", "summarize these" or no question at all.

What the block holds, grouped by task, and one key claim per source with its links: the
sources of the largest task groups first, at most `MAX_SOURCES` of them. Never a refusal.
"""

from __future__ import annotations

from collections import Counter

from bot.ground import evidence as evidence_mod
from bot.ground import links as links_mod
from bot.ground import workflow as workflow_mod
from bot.ground.analysis import Analysis
from bot.ground.caveats import has_paper
from bot.ground.labels import Labels, salient
from bot.ground.relevance import analyse_question, recommended
from bot.ground.tasks import vocabulary
from bot.ground.wording import Wording
from bot.models import Answer, SourceBlock

MAX_SOURCES = 8
MAX_GROUPS = 4


def _main_task(an: Analysis, i: int) -> str:
    info = vocabulary().info
    tasks = salient(an.docs[i])
    ranked = sorted(tasks.items(), key=lambda t: (not info[t[0]].domain,
                                                  -an.docs[i].name_tasks.get(t[0], 0), -t[1], t[0]))
    return ranked[0][0] if ranked else ""


def overview(block: SourceBlock, an: Analysis, question: str, say: Wording) -> Answer:
    from bot.ground.engine import finish  # the engine imports this module

    docs = an.docs
    main = [_main_task(an, i) for i in range(len(docs))]
    info = vocabulary().info
    sizes = Counter(t for t in main if t and info[t].domain)
    order = sorted(range(len(docs)), key=lambda i: (
        docs[i].source.role != "recommended", -sizes.get(main[i], 0) if main[i] else 1, i))
    selected = order[:MAX_SOURCES]
    rel = [0.0] * len(docs)
    for rank, i in enumerate(selected):
        rel[i] = round(1.0 - rank / (2 * max(1, len(selected))), 4)
    query = analyse_question(question)
    query.intent = "overview"
    per_source, injected = evidence_mod.pick(docs, selected, query)
    claims = [
        ranked[0] for ranked in (per_source.get(docs[i].source.id, []) for i in selected)
        if ranked and an.text.evidence(ranked[0].text)
    ]
    groups = [lab for lab, _ in sizes.most_common(MAX_GROUPS)]
    in_groups = sum(sizes[g] for g in groups)
    kind = "model" if all(d.source.kind == "model" for d in docs) else \
        "paper" if all(d.source.kind == "paper" for d in docs) else "source"
    summary = say.say(
        "overview", n=len(docs), kind=kind,
        groups=[say.say("overview_group", task=g, n=sizes[g]) for g in groups],
        rest=len(docs) - in_groups if groups else 0,
    )
    chosen = [docs[i].source for i in selected]
    links, left = links_mod.pick(block, chosen, text=an.text)
    wf = workflow_mod.build(docs=docs, selected=selected[:3], task_input="", task_output="",
                            best=per_source, say=say)
    caveats = []
    bare = [docs[i].source.name for i in recommended(docs)
            if docs[i].source.kind == "model" and not has_paper(docs[i].source)]
    if bare:
        caveats.append(say.say("no_paper", names=bare))
    if not (block.links or any(s.urls for s in block.sources)):
        caveats.append(say.say("no_urls"))
    if injected:
        caveats.append(say.say("injection", n=injected))
    if len(docs) > len(selected):
        caveats.append(say.say("considered_caveat", n=len(docs), k=len(selected)))
    caveats += links_mod.more_links_notes(chosen, left, say)
    caveats += [say.say("parser_note", note=n) for n in block.notes]
    labels = Labels(domain=groups[:3], setting=[], input="", output="",
                    source_ids=[s.id for s in chosen[:3]])
    return finish(
        block, question=question, summary=summary, labels=labels, intent="overview", setting=[],
        chosen=chosen, workflow=wf, evidence=claims, links=links, caveats=caveats, rel=rel,
        covered=True,
    )

