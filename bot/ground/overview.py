"""An overview of the block, for "what is this about?", "summarize these" or no question at all.

What the block holds, grouped by task, and one key claim per source with its links: the
sources of the largest task groups first, at most `MAX_SOURCES` of them. Never a refusal.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.ground import evidence as evidence_mod
from bot.ground import links as links_mod
from bot.ground import workflow as workflow_mod
from bot.ground.analysis import Analysis
from bot.ground.caveats import has_paper
from bot.ground.labels import Labels, salient
from bot.ground.lexicon import filler, weight
from bot.ground.relevance import analyse_question, recommended
from bot.ground.schema import words_file
from bot.ground.tasks import vocabulary
from bot.ground.text import stem
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


_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
TOPIC_SHARE = 0.3  # of the names that must share a phrase for it to be the block's topic
TOPIC_MIN = 3
LONGER = 0.5  # a longer phrase wins while it keeps this share of its rarest word's names


def shared_topic(names: list[str]) -> tuple[str, int]:
    """The phrase of one to three words most names of the block share ("Graph Transformers",
    "Tabular Foundation Models"), as the first name writes it, and how many names hold it;
    ("", 0) when no phrase is shared widely enough. Its edge words must say something."""
    counts: Counter[tuple[str, ...]] = Counter()
    surface: dict[tuple[str, ...], str] = {}
    for name in names:
        ws = _NAME_WORD.findall(name)
        seen: set[tuple[str, ...]] = set()
        for n in (1, 2, 3):
            for i in range(len(ws) - n + 1):
                gram = ws[i:i + n]
                if filler(gram[0]) or filler(gram[-1]) or weight(gram[0]) == 0 or weight(gram[-1]) == 0:
                    continue
                k = tuple(stem(w) for w in gram)
                if k not in seen:
                    seen.add(k)
                    counts[k] += 1
                    surface.setdefault(k, " ".join(gram))
    need = max(TOPIC_MIN, TOPIC_SHARE * len(names))
    best: tuple[str, ...] = ()
    for k, c in sorted(counts.items(), key=lambda kc: (len(kc[0]), -kc[1])):
        if c < need:
            continue
        if not best:
            best = k
        elif len(k) > len(best) and set(best) <= set(k) and c >= LONGER * min(
                counts[(w,)] for w in k if (w,) in counts):
            # A longer phrase is how its words occur when it holds most of the names its
            # rarest word is in ("Graph Transformers", not "Graph").
            best = k
    if not best:
        return "", 0
    return _with_head(surface[best], names), counts[best]


def _with_head(phrase: str, names: list[str]) -> str:
    """The phrase with the word that follows it wherever it is written ("Tabular Foundation"
    + "Models"): a word too common to open or close a topic may still finish it."""
    pattern = re.compile(re.escape(phrase) + r"\s+([A-Za-z][\w-]*)", re.IGNORECASE)
    found = [m.group(1) for n in names if (m := pattern.search(n))]
    after = Counter(stem(w) for w in found if w.lower() not in words_file().stopwords)
    holders = sum(1 for n in names if phrase.lower() in n.lower())
    if after:
        key, c = after.most_common(1)[0]
        if c >= LONGER * holders:
            return f"{phrase} {next(w for w in found if stem(w) == key)}"
    return phrase


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
    topic, topic_n = shared_topic([d.source.name for d in docs])
    summary = say.say(
        "overview", n=len(docs), kind=kind,
        groups=[say.say("overview_group", task=g, n=sizes[g]) for g in groups],
        rest=len(docs) - in_groups if groups else 0, topic=topic, topic_n=topic_n,
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

