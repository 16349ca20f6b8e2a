"""What every format parser produces (`Parsed`, a list of `Entry`) and the rules they share:
which links inside an abstract belong to its source, the kind rule for loose formats, and
lines as (start, end) spans of the block so summaries stay verbatim slices of it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from itertools import accumulate
from operator import add
from typing import NamedTuple

from bot.models import SourceKind, SourceRole
from bot.urls import arxiv_id, find_urls, link_kind

_PAPER_HOSTS = re.compile(
    r"(?:doi\.org|openaccess\.thecvf\.com|openreview\.net|aclanthology\.org|papers\.nips\.cc"
    r"|proceedings\.|ieeexplore\.ieee\.org|dl\.acm\.org|semanticscholar\.org|biorxiv\.org"
    r"|medrxiv\.org|huggingface\.co/papers/|paperswithcode\.com/paper/|springer\.com"
    r"|sciencedirect\.com|nature\.com/articles)",
    re.IGNORECASE,
)
# Words that, shortly before a URL in an abstract, say the URL is the work's own code or page
# ("Code is available at …", "the models are released at …"). Other URLs in an abstract stay
# in the block's link list but are not attached to the source (they may be anything, including
# an injected download link).
_CODE_CUE = re.compile(
    r"\b(?:code|codes|implementation|available|released?|releasing|repository|repo|project"
    r"|homepage|website|page|github|models are|checkpoints?)\b",
    re.IGNORECASE,
)
_CUE_WINDOW = 120
# A chat block holds tens of sources, a big listing about a hundred. The cap keeps a 1 MB paste
# of thousands of one-line entries fast; what was left out is said in a note.
MAX_ENTRIES = 1000
TRUNCATED = f"only the first {MAX_ENTRIES} entries were read"


@dataclass
class Entry:
    """One source as a parser saw it, before ids, kinds and URL checks are settled."""

    name: str = ""
    urls: list[str] = field(default_factory=list)
    summary: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    kind: SourceKind | None = None
    role: SourceRole | None = None


@dataclass
class Parsed:
    entries: list[Entry] = field(default_factory=list)
    question: str | None = None
    instructions: str | None = None
    notes: list[str] = field(default_factory=list)

    def full(self) -> bool:
        """True (and noted once) when the entry cap is reached."""
        if len(self.entries) < MAX_ENTRIES:
            return False
        if TRUNCATED not in self.notes:
            self.notes.append(TRUNCATED)
        return True


class Line(NamedTuple):
    """A line of the block: `text[start:end]` is the line without its line break. A named
    tuple: a 1 MB block has tens of thousands of lines, and a frozen dataclass costs three
    times as much to make."""

    start: int
    end: int
    text: str
    stripped: str


# Every line boundary `str.splitlines` knows but "\n".
_OTHER_BREAKS = ("\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_new_line = partial(tuple.__new__, Line)


def lines_of(text: str) -> list[Line]:
    if not any(b in text for b in _OTHER_BREAKS):
        # Only "\n" breaks (nearly every paste): the same lines, built in C (map, zip,
        # accumulate) — a 1 MB metafile has 27 000 of them.
        bodies = text.split("\n")
        if bodies[-1] == "":
            bodies.pop()  # splitlines yields no line after a final break
        lengths = list(map(len, bodies))
        starts = list(accumulate(map((1).__add__, lengths), initial=0))
        ends = map(add, starts, lengths)
        return list(map(_new_line, zip(starts, ends, bodies, map(str.strip, bodies))))
    lines: list[Line] = []
    pos = 0
    append = lines.append
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        append(Line(pos, pos + len(body), body, body.strip()))
        pos += len(raw)
    return lines


class Doc:
    """The block being parsed, with its lines split once for every format's detector."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def lines(self) -> list[Line]:
        return lines_of(self.text)

    @cached_property
    def content(self) -> list[Line]:
        """The non-blank lines."""
        return [line for line in self.lines if line.stripped]


def span_text(text: str, first: Line, last: Line) -> str:
    """The verbatim text from the start of `first` to the end of `last`, stripped."""
    return text[first.start : last.end].strip()


def abstract_urls(summary: str) -> list[str]:
    """URLs of an abstract that belong to its source: GitHub, Hugging Face, arXiv and project
    pages always; any other URL only when a code/release cue shortly precedes it."""
    urls: list[str] = []
    for url in find_urls(summary):
        if link_kind(url) != "other":
            urls.append(url)
            continue
        at = summary.find(url)
        window = summary[max(0, at - _CUE_WINDOW) : max(at, 0)]
        sentence = re.split(r"[.!?]\s", window)[-1]
        if _CODE_CUE.search(sentence):
            urls.append(url)
    return urls


@lru_cache(maxsize=8192)  # asked of each URL of an entry, per entry (see bot.urls)
def is_paper_url(url: str) -> bool:
    # An arXiv URL without a paper id (an author search, a listing) is no paper's link.
    return (link_kind(url) == "arxiv" and bool(arxiv_id(url))) or bool(_PAPER_HOSTS.search(url)) \
        or url.lower().endswith(".pdf")


def kind_for(urls: list[str], summary: str, *, published: bool = False) -> SourceKind:
    """The loose-format rule: a paper link (or other evidence of publication, such as a
    BibTeX journal or eprint) makes a paper; only GitHub/HF repos make a model; otherwise an
    abstract (or nothing at all) makes a paper."""
    if published or any(is_paper_url(u) for u in urls):
        return "paper"
    if urls and all(link_kind(u) in ("github", "huggingface") for u in urls):
        return "model"
    return "paper"


def collapse(text: str) -> str:
    return " ".join(text.split())
