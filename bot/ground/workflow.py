"""input -> model(s) -> output, with technique steps for what related papers contribute."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

from bot.ground.evidence import BACKGROUND, METHOD, Candidate
from bot.ground.labels import salient
from bot.ground.relevance import Doc, own_papers, recommended, short_name
from bot.ground.text import stopwords
from bot.ground.wording import Wording
from bot.models import Source, Step, Workflow

MAX_LABEL = 60
MAX_MODEL_STEPS = 3
NOTE_WORDS = 8  # per side of a technique note
NOTE_CHOICES = 3
NEAR = 0.8  # a shorter finding may stand in for the top one when it scores this close
_LEAD = re.compile(
    r"^(moreover|furthermore|finally|in addition|additionally|specifically|overall|in this work"
    r"|in this paper|notably|crucially|importantly|here|thus|therefore|however)\b,?\s*",
    re.IGNORECASE,
)
_LATER_THAT = re.compile(r"\bthat\s+", re.IGNORECASE)
_THAT = re.compile(
    r"\b(we (find|found|observe|show|demonstrate|prove)|results? (show|indicate|demonstrate)"
    r"|(show|demonstrate|indicate)s?)\s+(?P<that>that\s+)?",
    re.IGNORECASE,
)


def clip(text: str, limit: int) -> str:
    """Cut at a word boundary; the result stays a prefix of `text` (labels must stay substrings)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-(")
    # Never end a label on a dangling function word ("… Pose Tracking with").
    while " " in cut and cut.rsplit(" ", 1)[1].lower() in stopwords():
        cut = cut.rsplit(" ", 1)[0].rstrip(" ,;:-(")
    return cut


def step_label(source: Source) -> str:
    handle = short_name(source.name)
    if handle and len(handle) <= MAX_LABEL:
        return handle
    return clip(source.name, MAX_LABEL)


def clip_words(text: str, words: int = NOTE_WORDS) -> str:
    """At most `words` words, cut at a word boundary and marked with "…" when cut."""
    text = text.strip()
    parts = text.split()
    if len(parts) <= words:
        return text
    cut = clip(text, len(" ".join(parts[:words])) + 1)
    return cut + "…" if cut else parts[0] + "…"


# The same few sentences of a block lead its notes in every answer on it.
@lru_cache(maxsize=4096)
def _finding(sentence: str) -> str:
    s = _LEAD.sub("", sentence.strip())
    m = _THAT.search(s)
    if m and m.start() < 80:
        s = s[m.end():]
        if not m.group("that"):
            # "we demonstrate in two tasks … that models pretrained …": the finding follows "that".
            later = _LATER_THAT.search(s, 0, 80)
            if later:
                s = s[later.end():]
    return _lower_first(s.rstrip(".").strip())


def _lower_first(text: str) -> str:
    """Sentence case off for a note ("Our framework" -> "our framework"); acronyms stay."""
    return text[0].lower() + text[1:] if text[:2].isalpha() and text[1:2].islower() else text


def _method(source: Source) -> str:
    parts = re.split(r":\s+", source.name, maxsplit=1)
    if len(parts) == 2 and len(parts[1]) > 12:
        return _lower_first(parts[1].strip())
    for sentence in re.split(r"(?<=\.)\s+", source.summary):
        m = METHOD.search(sentence)
        if m:
            return sentence[m.end():].strip(" ,").rstrip(".")
    return ""


def _best_finding(ranked: Sequence[Candidate]) -> str:
    """The top sentence's finding, unless a near-equal one says it in a note's length
    ("tokenization enables generalization" over a long benchmark comparison)."""
    if not ranked:
        return ""
    top = ranked[0].score
    for c in ranked[:NOTE_CHOICES]:
        if c.score < NEAR * top:
            break
        found = _finding(c.text)
        if found and len(found.split()) <= NOTE_WORDS:
            return found
    return clip_words(_finding(ranked[0].text))


def _restates(name: str, text: str) -> bool:
    def key(t: str) -> str:
        return " ".join(re.findall(r"\w+", t.lower().rstrip("…")))

    return bool(key(text)) and key(text) in key(name)


def technique_note(source: Source, ranked: Sequence[Candidate], say: Wording) -> str:
    """ "method → finding", each side short enough for one diagram row or two."""
    method = clip_words(_method(source))
    finding = _best_finding(ranked)
    # A source with no abstract (a bare title in a list) offers only its own title again:
    # repeating it beside the label says nothing.
    if finding and _restates(source.name, finding):
        finding = ""
    return say.say("technique_note", method=method, finding=finding)


# A source that changes a trained model (quantizes, prunes, distils it) runs after the model it
# changes; one that serves or runs a model runs last. Both are stages of one chain, not
# alternatives to the model.
TRANSFORM = frozenset({
    "model quantization", "model pruning", "knowledge distillation", "model compression",
    "parameter-efficient fine-tuning",
})
SERVE = frozenset({"efficient LLM inference", "edge deployment"})
MODEL_NOTE_WORDS = 16
# How a model works, in its own summary's words: mechanism verbs first ("… by …", "via",
# "extracts …, builds …"), then "we propose/introduce X, a …".
_MECHANISM = re.compile(
    r"\b(by (?:\w+ing)|via|through|consists? of|builds?|extracts?|combines?|leverag\w+|relies on"
    r"|based on|using|uses|iteratively|learns?|encodes?|decodes?|fuses?|fused with|aligns?"
    r"|combined with|on top of|built on)\b",
    re.IGNORECASE,
)
_OWN = re.compile(r"\b(we|our|(this|the) (paper|work|model|method|project|network|system))\b", re.IGNORECASE)
_OFFER = re.compile(r"\bwe (propose|introduce|present|develop|release)\b", re.IGNORECASE)
_DEFINES = re.compile(r"\bis an? ", re.IGNORECASE)


def stage(doc: Doc) -> str:
    """"transform", "serve" or "" (a technique that informs the model)."""
    tasks = set(salient(doc))
    if tasks & TRANSFORM:
        return "transform"
    if tasks & SERVE:
        return "serve"
    return ""


# How to install or call it ("pip install", "you can use the model like this") says nothing
# about how it works, though "using" reads like a mechanism.
# A sentence that tells the reader what to do ("Load via …", "Run …") is usage, not method.
_INSTRUCTION = re.compile(
    r"(?:load|run|install|download|clone|call|see|check|use|import|open|click|try)\s",
    re.IGNORECASE)
_USAGE = re.compile(
    r"\b(pip install|installed|you can use|use the model like|import \w+|run the following"
    r"|the following (command|code|snippet)|from_pretrained"
    # nor where to send questions or how to cite it ("… can be sent via the GitHub repository")
    r"|questions (or|and) comments|comments (or|and) questions|(open|opening|file) an issue"
    r"|please cite|if you use|contact us)\b", re.IGNORECASE)


def method_sentence(source: Source) -> str:
    """The sentence of the source's summary that says how it works ("" when none does)."""
    handle = (short_name(source.name) or source.name).lower()
    sentences = [
        s.strip() for s in re.split(r"(?<=[.!?])\s+", source.summary)
        if 30 <= len(s.strip()) <= 400 and "http" not in s and not _USAGE.search(s)
        and not _INSTRUCTION.match(s.strip())
        # "X is a …" is the field's background, unless X is the source itself.
        and not (BACKGROUND.search(s.strip()) and not s.strip().lower().startswith(handle))
    ]

    def rank(sentence: str) -> int:
        own = bool(_OWN.search(sentence)) or (len(handle) >= 3 and handle in sentence.lower())
        how, offer = bool(_MECHANISM.search(sentence)), bool(_OFFER.search(sentence))
        # The source's own account of its mechanism, before a bare "we present X", before a
        # mechanism word in a sentence about the field, before a bare "X is a …".
        return 0 if own and how else 1 if offer else 2 if how else 3 if _DEFINES.search(
            sentence) else 9

    best = min(sentences, key=rank, default="")
    return best if best and rank(best) < 9 else ""


def model_note(source: Source) -> str:
    """The model's own method sentence, cut to a diagram note."""
    sentence = method_sentence(source)
    return clip_words(_lower_first(_LEAD.sub("", sentence).rstrip(".")), MODEL_NOTE_WORDS) \
        if sentence else ""


def build(
    *, docs: Sequence[Doc], selected: Sequence[int], task_input: str, task_output: str,
    best: dict[str, list[Candidate]], say: Wording, intent: str = "",
) -> Workflow:
    steps = [Step(id="in", kind="input", label=task_input or "input")]
    edges: list[tuple[str, str]] = []
    picked = set(selected)
    models = [i for i in recommended(docs) if i in picked]
    owned = own_papers(docs, models)
    used: set[int] = set()

    def add(kind: str, i: int, ids: list[str], note: str) -> Step:
        step = Step(id=f"s{len(steps)}", kind=kind,  # type: ignore[arg-type]
                    label=step_label(docs[i].source), source_ids=ids, note=note)
        steps.append(step)
        used.add(i)
        return step

    heads: list[Step] = []
    for m in models:
        own = [p for p, mm in owned.items() if mm == m and p in picked]
        used.update(own)
        note = model_note(docs[m].source) or next(
            (model_note(docs[p].source) for p in own if model_note(docs[p].source)), "")
        heads.append(add("model", m, [docs[m].source.id] + [docs[p].source.id for p in own], note))
    rest = [i for i in selected if i not in used]
    # A transform or a serving engine follows the model it works on: a recommended model, or
    # one the question wants to deploy. In a listing with neither, it is one more option.
    chaining = bool(heads) or intent == "apply"
    chain_parts = [i for i in rest if stage(docs[i])] if chaining else []
    if not heads:
        # With nothing else chosen, a transform or engine is itself the model that does the task.
        fallback = chain_parts[:1] or [i for i in rest if stage(docs[i])][:1]
        for i in [i for i in rest if not stage(docs[i])][:MAX_MODEL_STEPS] or fallback:
            heads.append(add("model", i, [docs[i].source.id], model_note(docs[i].source)))
    chain = sorted((i for i in chain_parts if i not in used), key=lambda i: stage(docs[i]) != "transform")
    links = [add("model", i, [docs[i].source.id], model_note(docs[i].source)) for i in chain]
    for h in heads:
        edges.append(("in", h.id))
    if links:
        for h in heads:
            edges.append((h.id, links[0].id))
        edges += [(a.id, b.id) for a, b in itertools.pairwise(links)]
        tail = [links[-1]]
    else:
        tail = heads
    for i in [i for i in selected if i not in used]:
        s = docs[i].source
        tech = Step(id=f"s{len(steps)}", kind="technique", label=step_label(s), source_ids=[s.id],
                    note=technique_note(s, best.get(s.id) or [], say))
        steps.append(tech)
        if heads:
            edges.append((tech.id, heads[0].id))
    out = Step(id="out", kind="output", label=task_output or "output")
    edges += [(t.id, "out") for t in tail] or [("in", "out")]
    steps.append(out)
    # Edges in step order, as the LLM verifier mends them, so both engines' diagrams compare.
    order = {st.id: i for i, st in enumerate(steps)}
    edges.sort(key=lambda e: (order[e[0]], order[e[1]]))
    return Workflow(steps=steps, edges=edges)
