"""Task labels, input and output: from the question and the recommended models first, then
(when those name no application domain) from the most relevant sources.

The vocabulary names and groups the tasks the sources state; input and output are what the
sources themselves say goes in and comes out (`bot.ground.io`), else the task group's plain
modality when the sources use its words, else nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.ground.dataio import data_io
from bot.ground.relevance import Doc, Query, own_papers, recommended
from bot.ground.tasks import vocabulary
from bot.ground.text import stems

MAX_DOMAIN = 3
MAX_SETTING = 2


@dataclass
class Labels:
    domain: list[str]
    setting: list[str]
    input: str
    output: str
    source_ids: list[str]

    @property
    def all(self) -> list[str]:
        return self.domain + [s for s in self.setting if s not in self.domain]


# "… for Survival Prediction", "… for One-Shot Voice Conversion": the task a title states.
_FOR_TASK = re.compile(
    r"\b(?:for|towards?)\s+(?:the\s+|an?\s+)?((?:[A-Za-z][\w-]*\s+){0,3}[A-Za-z][\w-]*"
    r"(?:tion|sion|ing|sis|ment|ance|val))\s*$",
    re.IGNORECASE,
)


def stated_task(docs: Sequence[Doc]) -> str:
    """The task a title states in so many words, lowercased; "" when none does."""
    for d in docs:
        m = _FOR_TASK.search(d.source.name.strip().rstrip("."))
        if m and not m.group(1).lower().startswith(("understanding", "learning")):
            return m.group(1).lower()
    return ""


def salient(doc: Doc) -> Counter[str]:
    """The tasks a source is about: those its title or declared task names, or its text names
    again and again; a task named once in passing counts only when nothing stands out more
    (a vision README that mentions a robot once is not about robots), and only when it is an
    application domain: one "we optimize" or "tokenizer" makes no source about a method."""
    strong = Counter({
        lab: n for lab, n in doc.tasks.items() if doc.name_tasks.get(lab, 0) or n >= 2
    })
    if strong:
        return strong
    info = vocabulary().info
    return Counter({lab: n for lab, n in doc.tasks.items() if info[lab].domain})


def column_tasks(docs: Sequence[Doc]) -> Counter[str]:
    """Application tasks the block's field names declare: rows that name no task in their
    text may declare it in their columns (a HitRate@20 column is a recommender's, a WER
    column a speech recogniser's)."""
    vocab = vocabulary()
    keys = dict.fromkeys(k.replace("_", " ") for d in docs for k in d.source.meta)
    return Counter(lab for k in keys for lab in vocab.match(stems(k)) if vocab.info[lab].domain)


def block_tasks(docs: Sequence[Doc], limit: int = 1) -> list[str]:
    """The application task that several of the block's sources are about, when the chosen
    ones name none (a results table whose best row is a bare model name)."""
    info = vocabulary().info
    count = Counter(lab for d in docs for lab in salient(d) if info[lab].domain)
    if not count:
        return [lab for lab, _ in column_tasks(docs).most_common(limit)]
    best = count.most_common(1)[0][1]
    return [lab for lab, n in count.most_common(limit) if n >= max(2, best)]


def _top(scores: Mapping[str, float], want_domain: bool, limit: int) -> list[str]:
    vocab = vocabulary()
    items = [(lab, sc) for lab, sc in scores.items() if vocab.info[lab].domain == want_domain]
    if not items:
        return []
    items.sort(key=lambda t: (-t[1], t[0]))
    best, head = items[0][1], vocab.info[items[0][0]].group
    keep = [(lab, sc) for lab, sc in items if sc >= 0.5 * best]
    # Labels of the leading task's own group first: "code infilling / code generation".
    keep.sort(key=lambda t: (vocab.info[t[0]].group != head, -t[1], t[0]))
    return [lab for lab, _ in keep][:limit]


def infer(
    *, docs: Sequence[Doc], rel: Sequence[float], selected: Sequence[int], query: Query
) -> Labels:
    vocab = vocabulary()
    primary: dict[str, float] = defaultdict(float)
    # A task the question's story names gives way to the block's own: an expectation in
    # passing ("I thought the GNNs would win") over a recommender table is no graph task.
    # Where the block names no task (its words are Chinese), the story's need still leads.
    spoken = {vocab.info[lab].group for d in docs for lab in d.tasks if vocab.info[lab].domain}
    spoken |= {vocab.info[lab].group for lab in column_tasks(docs)}
    for lab, n in query.tasks.items():
        if lab not in query.story_tasks or not spoken or vocab.info[lab].group in spoken:
            primary[lab] += 3.0 * n
    support: list[str] = []
    models = recommended(docs)
    owned = own_papers(docs, models)
    # Methods that the title or declared tasks of a recommended model or of the block's subject
    # name (a card tagged "peft"): a setting of the answer, never its task, and never from a
    # mention in passing.
    named_methods: dict[str, float] = defaultdict(float)
    for i in [*models, *(i for i in selected if docs[i].source.role == "subject")]:
        for lab, n in docs[i].name_tasks.items():
            named_methods[lab] += float(n)
    for mi in models:
        m = docs[mi]
        for lab, n in m.name_tasks.items():
            primary[lab] += 3.0 * n
        for lab, n in (salient(m) - m.name_tasks).items():
            primary[lab] += 1.0 * n
        support.append(m.source.id)
    for si in [i for i in selected[:1] if docs[i].source.role == "subject"]:
        # The page's subject (a model card) says its own task in its title and declared
        # fields: that outweighs a metric's name in the question ("ASR-BLEU" is no ASR task).
        for lab, n in docs[si].name_tasks.items():
            primary[lab] += 3.0 * n
        support.append(docs[si].source.id)
    for pi, mi in owned.items():
        d = docs[pi]
        for lab, n in d.tasks.items():
            primary[lab] += 1.0 * n + 1.0 * d.name_tasks.get(lab, 0)
        support.append(d.source.id)
    secondary: dict[str, float] = defaultdict(float)
    for rank, i in enumerate(selected):
        d = docs[i]
        weight = rel[i] * (1.5 if rank == 0 else 1.0)
        for lab, n in salient(d).items():
            secondary[lab] += weight * (min(n, 3) + 2 * d.name_tasks.get(lab, 0))
    domain = _top(primary, True, MAX_DOMAIN)
    if not domain:
        domain = _top(secondary, True, MAX_DOMAIN)
        support += [docs[i].source.id for i in selected[:2]]
    elif len(domain) < MAX_DOMAIN:
        # A relevant source may name the same task more precisely (same vocabulary group).
        groups = {vocab.info[d].group for d in domain}
        extra = [
            lab for lab in _top(secondary, True, MAX_DOMAIN)
            if vocab.info[lab].group in groups and lab not in domain and primary.get(lab, 0) > 0
        ]
        domain += extra[: MAX_DOMAIN - len(domain)]
    setting = _top({k: float(v) for k, v in query.tasks.items()}, False, MAX_SETTING)
    setting += [lab for lab in _top(named_methods, False, MAX_SETTING) if lab not in setting]
    setting = setting[:MAX_SETTING]
    if not setting and not domain:
        setting = _top(secondary, False, MAX_SETTING)
    if not domain:
        # The vocabulary names no task: say the one the sources' own titles state, if any.
        stated = stated_task([docs[i] for i in [*models, *owned, *selected[:3]]])
        domain = [stated] if stated else block_tasks(docs)
    head = domain[0] if domain else (setting[0] if setting else "")
    basis = [docs[i] for i in models] + [docs[i] for i in owned] or [docs[i] for i in selected[:2]]
    inp, out = data_io(basis, vocab.info.get(head))
    return Labels(
        domain=domain, setting=setting, input=inp, output=out,
        source_ids=list(dict.fromkeys(support)),
    )
