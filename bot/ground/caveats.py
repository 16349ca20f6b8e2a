"""What the sources do not support, said plainly."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.ground.coverage import Coverage
from bot.ground.links import source_urls
from bot.ground.relevance import Doc
from bot.ground.tasks import vocabulary
from bot.ground.wording import Wording
from bot.models import Source, SourceBlock
from bot.urls import link_kind

_RELEASE_CLAIM = re.compile(
    r"\b(?P<what>code|weights|pretrained models?|models?|implementation|dataset|data|checkpoints?)"
    r"\b(?:(?!\.\s)[^\n]){0,80}?\b(?:is|are|has been|have been|will be)?\s*"
    r"(?:publicly |openly |also )?(?:released|available|open[- ]sourced)\b",
    re.IGNORECASE,
)


def has_paper(source: Source) -> bool:
    paper = source.meta.get("paper", "").strip().lower()
    if paper and paper not in ("none", "n/a", "-", "null", "no"):
        return True
    return any(link_kind(u) == "arxiv" for u in source.urls)


def domain_of(doc: Doc) -> str:
    """The source's main application domain (vocabulary group), "" when it names none."""
    vocab = vocabulary()
    counts: dict[str, int] = {}
    for label, n in doc.tasks.items():
        info = vocab.info[label]
        if info.domain:
            counts[label] = counts.get(label, 0) + n + 2 * doc.name_tasks.get(label, 0)
    if not counts:
        return ""
    return max(counts, key=lambda k: (counts[k], k))


def build(
    *, block: SourceBlock, docs: Sequence[Doc], selected: Sequence[int], main_labels: Sequence[str],
    coverage: Coverage, injections: int, linked_ids: set[str], model_ids: set[str],
    covers: Sequence[str], say: Wording,
) -> list[str]:
    vocab = vocabulary()
    out: list[str] = []
    chosen = [docs[i] for i in selected]
    if not coverage.covered:
        out.append(say.say("not_covered", asks=coverage.missing, measures=coverage.measures,
                           covers=list(covers)))
    elif not chosen:
        out.append(say.say("nothing_relevant", covers=list(covers)))
    elif coverage.missing or coverage.measures:
        out.append(say.say("partial", asks=coverage.missing, measures=coverage.measures))
    bare = [d.source.name for d in chosen
            if d.source.role == "recommended" and d.source.kind == "model" and not has_paper(d.source)]
    if bare:
        out.append(say.say("no_paper", names=bare))
    main_groups = {vocab.info[lab].group for lab in main_labels if lab in vocab.info}
    if main_groups and main_labels:
        off: list[str] = []
        for d in chosen:
            if d.source.id in model_ids:
                continue
            dom = domain_of(d)
            groups = {vocab.info[t].group for t in d.tasks if vocab.info[t].domain}
            if dom and not groups & main_groups:
                off.append(say.say("off_domain_item", domain=dom, source_id=d.source.id))
        if off:
            out.append(say.say("off_domain", domains=off, task=main_labels[0]))
    any_url = bool(block.links) or any(s.urls for s in block.sources)
    if not any_url:
        out.append(say.say("no_urls"))
    else:
        for d in chosen:
            if d.source.id in linked_ids or source_urls(d.source):
                continue
            claim = _RELEASE_CLAIM.search(d.source.summary)
            if claim:
                what = claim.group("what").lower()
                plural = what.endswith("s") or what in ("weights", "data")
                out.append(say.say("no_link_release", name=d.source.name, source_id=d.source.id,
                                   what=what, plural=plural))
            else:
                out.append(say.say("no_link", name=d.source.name, source_id=d.source.id))
    if injections:
        out.append(say.say("injection", n=injections))
    if len(docs) > len(chosen) and len(docs) > 8:
        out.append(say.say("considered_caveat", n=len(docs), k=len(chosen)))
    out.extend(say.say("parser_note", note=n) for n in block.notes)
    return out
