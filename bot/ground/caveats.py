"""What the sources do not support, said plainly."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.ground.coverage import Coverage
from bot.ground.links import source_urls
from bot.ground.phrases import join_and, phrase
from bot.ground.relevance import Doc
from bot.ground.tasks import vocabulary
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
) -> list[str]:
    vocab = vocabulary()
    out: list[str] = []
    chosen = [docs[i] for i in selected]
    if coverage.missing and not coverage.covered:
        out.append(phrase("caveats.not_covered", terms=join_and(coverage.missing)))
    elif not chosen:
        out.append(phrase("caveats.nothing_relevant"))
    partial = [w for w in coverage.context_missing if w not in coverage.missing]
    if coverage.covered and coverage.missing:
        partial = coverage.missing + partial
    if partial:
        out.append(phrase("caveats.partial", terms=join_and(partial)))
    for d in chosen:
        if d.source.kind == "model" and block.format == "request" and not has_paper(d.source):
            out.append(phrase("caveats.no_paper", name=d.source.name))
    main_groups = {vocab.info[lab].group for lab in main_labels if lab in vocab.info}
    if main_groups and main_labels:
        off: list[str] = []
        for d in chosen:
            if d.source.id in model_ids:
                continue
            dom = domain_of(d)
            groups = {vocab.info[t].group for t in d.tasks if vocab.info[t].domain}
            if dom and not groups & main_groups:
                off.append(phrase("caveats.off_domain_item", domain=dom, source_id=d.source.id))
        if off:
            out.append(phrase("caveats.off_domain", domains=join_and(off), task=main_labels[0]))
    any_url = bool(block.links) or any(s.urls for s in block.sources)
    if not any_url:
        out.append(phrase("caveats.no_urls"))
    else:
        for d in chosen:
            if d.source.id in linked_ids or source_urls(d.source):
                continue
            claim = _RELEASE_CLAIM.search(d.source.summary)
            if claim:
                what = claim.group("what").lower()
                verb = "are" if what.endswith("s") or what in ("weights", "data") else "is"
                out.append(phrase("caveats.no_link_release", name=d.source.name,
                                  source_id=d.source.id, what=f"{what} {verb}"))
            else:
                out.append(phrase("caveats.no_link", name=d.source.name, source_id=d.source.id))
    if injections:
        out.append(phrase("caveats.injection", count=injections))
    if len(docs) > len(chosen) and len(docs) > 8:
        out.append(phrase("caveats.considered", considered=len(docs), selected=len(chosen)))
    out.extend(phrase("caveats.parser_note", note=n) for n in block.notes)
    return out
