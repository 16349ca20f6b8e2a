"""Ranking sources (and sentences) against the question: BM25 (scored as bm25s scores it) plus
vocabulary boosts.

Vocabulary hits become extra tokens ("t:<task>", "c:<cue>") on both sides, so a question that
says "river floods" meets an abstract that says "streamflow" even with no word in common.
"""

from __future__ import annotations

import math
import re
import struct
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bot.ground.coverage import NEGATION, NEGATION_REACH, split_asks
from bot.ground.intent import intents, primary_of, setting_cues
from bot.ground.lexicon import filler, is_artefact, weight
from bot.ground.tasks import cue_matcher, vocabulary
from bot.ground.text import Analysed, analyse, analysed, stem, stems, terms, words
from bot.models import Source, SourceBlock
from bot.urls import find_urls, link_kind
from bot.urls import normalize_url as norm_url

# Above this many sources a block is a listing to filter; below, a short list to keep.
SMALL_BLOCK = 8
# Parser facts that say what a source is about (lower-case keys; present only when parsed).
TOPIC_META = ("task", "pipeline_tag", "tags", "dataset", "datasets", "modality", "metrics",
              "section")
MAX_SELECTED = 5


@dataclass
class Doc:
    source: Source
    stems: list[str]
    terms: list[str]
    tasks: Counter[str]
    name_tasks: Counter[str]
    termset: frozenset[str] = field(default_factory=frozenset)
    # The summary's analysis and vocabulary hits, kept so its sentences are never re-analysed.
    body: Analysed | None = None
    task_hits: list[tuple[int, int, str]] = field(default_factory=list)
    cue_hits: list[tuple[int, int, str]] = field(default_factory=list)
    # Quotable sentences and the injection count (bot.ground.evidence), made on first use.
    quotes: tuple[list[Any], int] | None = None

    @cached_property
    def own_keys(self) -> frozenset[str]:
        """Normalised URLs the source lists itself."""
        return frozenset(norm_url(u) for u in self.source.urls)

    @cached_property
    def handles(self) -> frozenset[str]:
        """`handles(source)`, made once per analysed source: every question on the block asks
        whether it names the source."""
        return frozenset(handles(self.source))

    @cached_property
    def name_stems(self) -> frozenset[str]:
        """The stems of the source's name (`stems` runs up to the first "|")."""
        st = self.stems
        return frozenset(st[: st.index("|")] if "|" in st else st)

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """stem -> where it stands in `stems`, ascending: the n-grams a question's words open
        are found from here, with no pass over the whole source per answer."""
        out: dict[str, list[int]] = {}
        for i, s in enumerate(self.stems):
            out.setdefault(s, []).append(i)
        return out

    @cached_property
    def field_stems(self) -> list[str]:
        """Stems of every declared field, named and valued ("training data COCO"), for the
        question's subject terms (`bot.ground.subject`); once per analysed source."""
        fields = " . ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.source.meta.items())
        return stems(fields) if fields else []

    @cached_property
    def all_keys(self) -> frozenset[str]:
        """Normalised URLs it lists or mentions in its summary."""
        return self.own_keys | {norm_url(u) for u in find_urls(self.source.summary)}

    def sentence(self, start: int, end: int) -> tuple[list[str], Counter[str], Counter[str]]:
        """(ranking terms, task hits, cue hits) of summary[start:end]."""
        if self.body is None:  # a hand-built Doc: analyse the text itself
            text = self.source.summary[start:end]
            st, tm = analyse(text)
            return tm, vocabulary().match(st), cue_matcher().match(st)
        ranges = self.body.ranges(start, end)
        return (
            self.body.part_terms(start, end, ranges),
            _hits_within(self.task_hits, ranges),
            _hits_within(self.cue_hits, ranges),
        )


def _hits_within(hits: list[tuple[int, int, str]], ranges: list[tuple[int, int]]) -> Counter[str]:
    """Labels of the hits (sorted by start) that lie wholly inside one of `ranges`."""
    found: Counter[str] = Counter()
    for lo, hi in ranges:
        i = bisect_left(hits, (lo,))
        while i < len(hits) and hits[i][0] < hi:
            if hits[i][1] <= hi:
                found[hits[i][2]] += 1
            i += 1
    return found


@dataclass
class Query:
    text: str
    stems: list[str]
    terms: list[str]
    tasks: Counter[str]
    cues: list[str]
    intent: str
    # Every intent shown, strongest first, with where in the question it first shows.
    intents: dict[str, int] = field(default_factory=dict)
    # The question asks for released code or weights (a facet of a source, not its topic).
    artefact: bool = False
    # Its one ask picks sources by that facet ("which of these link code?"), not by topic
    # with code as a second ask ("which fit, and is code out?").
    picks_by_artefact: bool = False
    asks: tuple[str, ...] = ()  # the question's asks (`split_asks`), without its story
    # Stems the question rules out ("no GPL/AGPL", "without CUDA"): a source that declares one
    # in its fields (a licence column) is not what was asked for.
    excluded: frozenset[str] = frozenset()
    # Tasks the question's story names but none of its asks ("I expected the GNNs to win").
    story_tasks: frozenset[str] = frozenset()


def concept_tokens(tasks: Counter[str], cues: Counter[str]) -> list[str]:
    """Vocabulary hits as tokens; the task's group too, so related tasks meet weakly."""
    if not tasks:  # most entries of a long listing name no task
        return [f"c:{c}" for c in cues]
    info = vocabulary().info
    groups = {f"g:{info[t].group}" for t in tasks}
    return [f"t:{t}" for t in tasks] + sorted(groups) + [f"c:{c}" for c in cues]


def _meta_text(source: Source) -> str:
    return " . ".join(source.meta[k] for k in TOPIC_META if source.meta.get(k))


def analyse_source(source: Source) -> Doc:
    vocab, cue = vocabulary(), cue_matcher()
    name_stems, name_terms = analyse(source.name)
    meta = _meta_text(source)
    meta_stems, meta_terms = analyse(meta) if meta else ([], [])
    body = analysed(source.summary)
    # Name, declared fields and summary in one sequence, matched once per vocabulary (a
    # 1,000-entry block would otherwise run the matchers 5,000 times); no phrase spans a "|".
    all_stems = [*name_stems, "|", *meta_stems, "|", *body.stems]
    off = len(name_stems) + len(meta_stems) + 2
    task_all, cue_all = vocab.hits(all_stems), cue.hits(all_stems)
    task_hits = [(a - off, b - off, lab) for a, b, lab in task_all if a >= off]
    cue_hits = [(a - off, b - off, lab) for a, b, lab in cue_all if a >= off]
    # A title and a declared task (a model card's pipeline_tag, a metafile's Task) say what the
    # source is about; a word in passing in the body says much less.
    # Hits come in order of position (name, fields, summary), so one count over all of them is
    # the name's count plus the summary's, keys in the same order.
    name_tasks = Counter([lab for a, _, lab in task_all if a < off]) if task_all else Counter()
    tasks = Counter([lab for _, _, lab in task_all])
    named = len(name_stems)  # the fields' cues are no setting of the source
    cues = Counter([lab for a, _, lab in cue_all if a < named or a >= off])
    toks = [*name_terms, *name_terms, *meta_terms, *body.terms(), *concept_tokens(tasks, cues)]
    return Doc(
        source=source, stems=all_stems, terms=toks, tasks=tasks, name_tasks=name_tasks,
        termset=frozenset(all_stems), body=body, task_hits=task_hits, cue_hits=cue_hits,
    )


def question_terms(text: str) -> list[str]:
    """Ranking terms of `text` without the words that say nothing about a subject, nor those
    asking for code or weights: "papers with code" must not rank a paper about code first."""
    skip = {stem(w) for w in words(text) if w.isalpha() and (filler(w) or is_artefact(w))}
    return [t for t in terms(text) if t not in skip]



def analyse_question(question: str) -> Query:
    q_stems = stems(question)
    # Words of the actual asks count twice; the surrounding story once ("it adapted" in the
    # story must not outweigh "stay generalizable" in the ask).
    asks, context = split_asks(question)
    q_terms = [t for part in asks for t in question_terms(part)] * 2
    q_terms += [t for part in context for t in question_terms(part)]
    excluded = negated_stems(question)
    if excluded:  # "no GPL" must not rank the GPL sources up
        q_terms = [t for t in q_terms if t not in excluded]
    # Non-overlapping: "video super-resolution" asks for that, not also for the image task
    # its last words name.
    tasks = Counter(label for _, _, label in vocabulary().matcher.spans(q_stems))
    in_asks = {lab for a in asks for _, _, lab in vocabulary().matcher.spans(stems(a))}
    cues = setting_cues(question)
    found = intents(question)
    return Query(
        text=question, stems=q_stems,
        terms=q_terms + concept_tokens(tasks, Counter(cues)),
        tasks=tasks, cues=cues, intent=primary_of(found), intents=found,
        artefact=any(is_artefact(w) for w in words(question)),
        # An ask that picks by the link ("a model with a github repo and HF weights —
        # options?"), whether or not another ask follows it.
        picks_by_artefact=any("which_to_pick" in intents(a) and any(
            is_artefact(w) for w in words(a)) for a in asks),
        asks=tuple(asks),
        excluded=excluded,
        story_tasks=frozenset(tasks) - in_asks,
    )


# Beside the coverage check's negations, words that rule a thing out of a pick.
_NOT = NEGATION - {"never"} | {"excluding", "except", "skip", "skipping", "minus"}
EXCLUDED_FACTOR = 0.3  # of its score, for a source whose fields carry a ruled-out word


def negated_stems(question: str) -> frozenset[str]:
    """Informative words a negation rules out within a few words ("so no GPL/AGPL")."""
    ws = words(question)
    out: set[str] = set()
    for i, w in enumerate(ws):
        if w.lower() in _NOT:
            out.update(stem(x) for x in ws[i + 1:i + 1 + NEGATION_REACH]
                       if x.isalpha() and len(x) > 1 and not filler(x))
    return frozenset(out)


FACET_BOOST = 0.4  # for values of fields the question names ("from 2024", "at ICLR")
FACET_SHARE = 0.6  # a value most sources hold tells them apart no better than a common word
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ID_FIELDS = frozenset({"arxiv_id", "arxiv", "bibtex_key", "doi", "url", "authors"})


def _field_keys(source: Source) -> set[str]:
    """The years and the word keys of a source's field values (venue "ICLR'23", date
    "2024.11", code "Github"), ids and author counts aside."""
    out: set[str] = set()
    for k, v in source.meta.items():
        if k in _ID_FIELDS or len(v) > 40 or len(v.split()) > 4:
            continue  # a categorical value (a venue, a date, a framework), not a description
        out.update(_YEAR.findall(v))
        out.update(stem(w) for w in words(v) if w.isalpha() and len(w) > 1)
    return out


def facet_matches(docs: Sequence[Doc], query: Query) -> list[int]:
    """Sources (with repeats, one per match) whose field values hold a year or a word the
    question names, when only some sources hold it: the question narrows the listing by that
    field ("a code model from 2024", "which were at ICLR")."""
    asked = set(_YEAR.findall(query.text)) | {
        stem(w) for w in words(query.text) if w.isalpha() and len(w) > 1 and not filler(w)
        and not is_artefact(w)} - query.excluded
    if not asked or len(docs) < 3:
        return []
    keys = [_field_keys(d.source) for d in docs]
    out: list[int] = []
    for a in asked:
        holders = [i for i, k in enumerate(keys) if a in k]
        if holders and len(holders) <= FACET_SHARE * len(docs):
            out += holders
    return out


def _declares(source: Source, excluded: frozenset[str]) -> bool:
    return any(stem(w) in excluded for v in source.meta.values() for w in words(v))


# What a code or weights link adds when the question asks for code: a tiebreak among sources
# equally on topic, never enough to lift an off-topic one.
ARTEFACT_BOOST = 0.1
CHOOSING_BOOST, ON_TOPIC = 1.0, 0.25  # of the best score, for sources this close to it


def has_artefact(source: Source) -> bool:
    return any(link_kind(u) in ("github", "huggingface") for u in source.urls) or bool(
        source.meta.get("weights") or source.meta.get("code"))


# Up to this many documents sources are scored in float64 (`bm25_small`, as one answer's
# candidate sentences are); above, with bm25s's float32 arithmetic. A block keeps the ranking
# it always had on either side.
SMALL_CORPUS = 64


def bm25_scores(corpus: Sequence[list[str]], query: list[str]) -> list[float]:
    """BM25 of each document for `query`, exactly as bm25s scores it (Lucene variant, float32
    index), in one pass over the documents that touches only the query's words.

    bm25s builds a full index (a Counter and arrays per document) to score a handful of words;
    for one question over a 1,000-entry block that was most of the ranking's time. Its
    arithmetic is repeated step for step: idf and each (document, word) score stored as
    float32, the words' scores summed in float32 in the query's order, so the ranking (and
    every relevance shown) is the one bm25s gives (tests/ground/test_analysis.py checks it
    against bm25s itself)."""
    if not corpus or not query:
        return [0.0] * len(corpus)
    if len(corpus) <= SMALL_CORPUS:
        return bm25_small(corpus, query)
    wanted = set(query)
    n = len(corpus)
    # bm25s indexes an empty document as one filler token: it counts for the average length.
    lengths = [len(d) or 1 for d in corpus]
    avg = sum(lengths) / n
    hits: list[tuple[int, Counter[str]]] = []
    df: Counter[str] = Counter()
    for i, d in enumerate(corpus):
        mine = [t for t in d if t in wanted]
        if mine:
            tf = Counter(mine)
            hits.append((i, tf))
            df.update(tf.keys())
    known = [t for t in query if t in df]
    if not known:
        return [0.0] * n
    idf = {t: _f32(math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))) for t in df}
    out = [0.0] * n
    for i, tf in hits:
        norm = BM25_K1 * ((1 - BM25_B) + BM25_B * lengths[i] / avg)
        entry = {t: _f32(idf[t] * (c / (norm + c))) for t, c in tf.items()}
        total = 0.0
        for t in known:
            e = entry.get(t)
            if e is not None:
                # float32 + float32 computed in float64 and rounded once is the float32 sum.
                total = _f32(total + e)
        out[i] = total
    return out


_F32 = struct.Struct("f")


def _f32(x: float) -> float:
    """`x` rounded to the nearest float32 (numpy's float64 -> float32 cast)."""
    return float(_F32.unpack(_F32.pack(x))[0])


BM25_K1, BM25_B = 1.5, 0.75  # bm25s's defaults, so sentences and sources score alike


def bm25_small(corpus: Sequence[list[str]], query: list[str]) -> list[float]:
    """Lucene BM25 as bm25s scores it, in plain Python for a handful of short documents
    (one answer's candidate sentences), where building a bm25s index costs more than scoring."""
    if not corpus or not query:
        return [0.0] * len(corpus)
    docs = [d if d else ["\x00empty"] for d in corpus]
    counts = [Counter(d) for d in docs]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(docs)
    avg = sum(len(d) for d in docs) / n
    weights = Counter(t for t in query if t in df)
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in weights}
    out = []
    for d, c in zip(docs, counts):
        norm = BM25_K1 * ((1 - BM25_B) + BM25_B * len(d) / avg)
        out.append(sum(w * idf[t] * c[t] / (norm + c[t]) for t, w in weights.items() if t in c))
    return out


def short_name(name: str) -> str:
    """The handle a person would use: "RAFT" for "RAFT: Recurrent All-Pairs …"."""
    head = re.split(r":\s| - | — ", name, maxsplit=1)[0].strip()
    return head if 2 <= len(head) <= 40 else ""


def handles(source: Source) -> set[str]:
    """The lowercased handles a question may name a source by (its short name, its repo)."""
    out = {short_name(source.name), source.name.split("/")[-1]}
    return {h.strip().lower() for h in out if len(h.strip()) >= 3}


def _boundary(text: str, at: int) -> bool:
    return at < 0 or at >= len(text) or not (text[at].isalnum() or text[at] in "_-")


def mentioned(source: Source, question: str) -> bool:
    """The question names this source (by its handle or its repo name). Plain `str.find` with
    a word-boundary check: no pattern is compiled per source (`score_sources` asks with each
    analysed source's handles, made once per block)."""
    return _names(handles(source), question.lower())


def _names(hs: Collection[str], q: str) -> bool:
    """One of the handles `hs` occurs in the lowercased question `q` as a whole word."""
    for h in hs:
        at = q.find(h)
        while at >= 0:
            if _boundary(q, at - 1) and _boundary(q, at + len(h)):
                return True
            at = q.find(h, at + 1)
    return False


def own_paper(model: Doc, paper: Doc) -> bool:
    """A related paper that is the recommended model's own paper (same URL or handle)."""
    if model.own_keys & paper.all_keys:
        return True
    handle = model.source.name.split("/")[-1].lower()
    return len(handle) >= 3 and short_name(paper.source.name).lower() == handle


def recommended(docs: Sequence[Doc]) -> list[int]:
    """Indices of the block's recommended models: what "this model" in a question means."""
    return [i for i, d in enumerate(docs) if d.source.role == "recommended"]


def own_papers(docs: Sequence[Doc], models: Sequence[int]) -> dict[int, int]:
    """paper index -> index of the recommended model it is the own paper of, in one pass over
    the papers (URL keys and handles of every model gathered first)."""
    by_key: dict[str, int] = {}
    by_handle: dict[str, int] = {}
    for m in models:
        for k in docs[m].own_keys:
            by_key.setdefault(k, m)
        handle = docs[m].source.name.split("/")[-1].lower()
        if len(handle) >= 3:
            by_handle.setdefault(handle, m)
    if not by_key and not by_handle:
        return {}
    out: dict[int, int] = {}
    for i, d in enumerate(docs):
        if d.source.kind == "model":
            continue
        hit = next((by_key[k] for k in d.all_keys if k in by_key), None)
        if hit is None:
            hit = by_handle.get(short_name(d.source.name).lower())
        if hit is not None:
            out[i] = hit
    return out


def task_overlap(targets: set[str], found: Collection[str]) -> float:
    """Share of the question's tasks a text addresses (half credit: same task group)."""
    if not targets or not found:
        return 0.0
    vocab = vocabulary()
    groups = {vocab.info[t].group for t in found}
    got = sum(1.0 if t in found else 0.5 if vocab.info[t].group in groups else 0.0 for t in targets)
    return got / len(targets)


# How much a title holding the question's rare words adds in a listing: an entry named for the
# subject is about it; one that mentions it in passing in a long description is not, whatever
# BM25 says. A short block's few sources are one subject's parts (a citation and its software),
# where a title says less.
TITLE_BOOST = 0.3
CONTAINER_WORKS, CONTAINER_FACTOR = 3, 0.5  # related works that make a page their container


def _subject_weights(text: str) -> dict[str, float]:
    """The question's content stems, each with its word's weight (rare words count most)."""
    out: dict[str, float] = {}
    for w in words(text):
        if w.isalpha() and not filler(w) and not is_artefact(w):
            k = stem(w)
            out[k] = max(out.get(k, 0.0), weight(w))
    return out


_ALTERNATIVES = re.compile(r"\bor\b", re.IGNORECASE)


def _subjects(text: str) -> list[dict[str, float]]:
    """One weighted stem set per alternative the question offers ("A or B"): an entry named
    for either one is named for the subject, however many words the other one takes."""
    parts = [_subject_weights(p) for p in _ALTERNATIVES.split(text)]
    return [p for p in parts if sum(p.values()) > 0]


def title_share(doc: Doc, subjects: Sequence[dict[str, float]]) -> float:
    """0..1: the best weighted share, over the alternatives, of content stems the name holds."""
    name = doc.name_stems
    return max((sum(v for k, v in s.items() if k in name) / sum(s.values()) for s in subjects),
               default=0.0)


def score_sources(block: SourceBlock, docs: Sequence[Doc], query: Query) -> list[float]:
    """Relevance in 0..1 per source (1 = the best match in this block)."""
    if not docs:
        return []
    bm = bm25_scores([d.terms for d in docs], query.terms)
    top = max(bm, default=0.0)
    bmn = [b / top if top > 0 else 0.0 for b in bm]
    models = recommended(docs)
    owned = own_papers(docs, models)
    targets = set(query.tasks)
    for m in models:
        targets |= set(docs[m].name_tasks)
    # A task every source of a listing shares tells them apart no better than a common word:
    # its weight falls with the share of sources that have it.
    spread = 1.0
    if targets and len(docs) > SMALL_BLOCK:
        shares = [sum(1 for d in docs if t in d.tasks) / len(docs) for t in targets]
        spread = 1.0 - sum(shares) / len(shares)
    subjects = _subjects(query.text) if len(docs) > SMALL_BLOCK else []
    # Most titles of a listing hold none of the subject's words: their share is 0.
    subject_stems = frozenset().union(*subjects)
    q = query.text.lower()
    # "Which of these …?" over a page that lists works picks among the works: the page (its
    # heading names the topic, "OPE") is their container, not one of them.
    picking = query.intent == "which_to_pick" or any(
        a.lstrip().lower().startswith("which") for a in query.asks)
    container = picking and sum(
        1 for d in docs if d.source.role == "related") >= CONTAINER_WORKS
    raw: list[float] = []
    for i, d in enumerate(docs):
        s = 0.6 * float(bmn[i]) + 0.3 * spread * task_overlap(targets, d.tasks)
        if subjects and not subject_stems.isdisjoint(d.name_stems):
            s += TITLE_BOOST * title_share(d, subjects)
        if _names(d.handles, q):
            s += 0.35
        if i in owned:
            s += 0.3
        raw.append(s)
    if query.artefact and raw:
        # "Which of these link code?" picks by the link among the sources on topic; where
        # code is a second ask, a code link only breaks ties.
        top = max(raw)
        choosing = query.picks_by_artefact
        for i, d in enumerate(docs):
            if raw[i] > 0 and has_artefact(d.source):
                raw[i] += CHOOSING_BOOST * top if choosing and raw[i] >= ON_TOPIC * top \
                    else ARTEFACT_BOOST
    if query.excluded:
        raw = [r * EXCLUDED_FACTOR if _declares(d.source, query.excluded) else r
               for r, d in zip(raw, docs)]
    facets = Counter(facet_matches(docs, query))
    if facets and raw:
        # A field value the question names is a constraint, not one more word: among the
        # sources on topic it weighs like a good part of the best match.
        top = max(raw)
        for i, n in facets.items():
            if raw[i] >= ON_TOPIC * top:
                raw[i] += FACET_BOOST * top * min(n, 2) / 2
    if container:
        # The page's text holds every work's words: it ranks below the best of them.
        works = max((r for r, d in zip(raw, docs) if d.source.role == "related"), default=0.0)
        raw = [CONTAINER_FACTOR * works if d.source.role == "subject" else r
               for r, d in zip(raw, docs)]
    # The recommended model is what the question is about ("this model"): it ranks first.
    best = max(raw)
    for m in models:
        raw[m] = best
    best = max(raw)
    return [round(r / best, 4) if best > 0 else 0.0 for r in raw]


def select(
    block: SourceBlock, docs: Sequence[Doc], rel: Sequence[float], query: Query
) -> list[int]:
    """Indices of the sources that enter the workflow and links, best first.

    A short curated block (recommended models and related papers) keeps what is not plainly
    unrelated; any other block keeps the few that stand out, and (when the question names an
    application domain) only sources of that domain unless they match strongly anyway.
    """
    order = sorted(range(len(docs)), key=lambda i: (-rel[i], i))
    if not order or rel[order[0]] <= 0:
        # An ask that names nothing ("what does it take in?") on a page about one subject
        # is about that subject.
        subjects = [i for i, d in enumerate(docs) if d.source.role == "subject"]
        return subjects[:1] if len(subjects) == 1 else []
    curated = any(d.source.role in ("recommended", "related") for d in docs)
    if curated and len(docs) <= SMALL_BLOCK:
        return [i for i in order if rel[i] >= 0.2 or docs[i].source.role == "recommended"]
    info = vocabulary().info
    targets = {info[t].group for t in query.tasks if info[t].domain}
    floor = 0.3 if len(docs) <= SMALL_BLOCK else 0.45
    keep = []
    for i in order:
        groups = {info[t].group for t in docs[i].tasks if info[t].domain}
        # A source that names no domain of its own but the question's method ("foundation
        # models for GeoAI" asked about geospatial foundation models) is not off topic.
        shared = not groups and not query.tasks.keys().isdisjoint(docs[i].tasks)
        on_topic = not targets or bool(groups & targets) or shared or rel[i] >= 0.75
        if rel[i] >= floor and on_topic:
            keep.append(i)
    # A source the question calls by its full name ("how does Llama Guard 2 compare to …")
    # is one it asks about, however its words score.
    low = query.text.lower()
    called = [i for i in order if i not in keep and rel[i] > 0 and _called(docs[i].source.name, low)]
    names = [docs[i].source.name.lower() for i in keep[:MAX_SELECTED] + called]
    # "Llama Guard" inside "Llama Guard 2": the question called the longer one.
    called = [i for i in called if not any(
        n != docs[i].source.name.lower() and docs[i].source.name.lower() in n for n in names)]
    return (keep[:MAX_SELECTED] + called[:MAX_CALLED]) or order[:1]


MAX_CALLED = 2
MIN_CALLED = 6  # characters of a name that can be told apart in a question


def _called(name: str, question: str) -> bool:
    n = " ".join(name.lower().split())
    return len(n) >= MIN_CALLED and re.search(
        r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", question) is not None
