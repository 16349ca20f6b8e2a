"""The request format of seed 000: a quoted question, instructions, then "Recommended AI
Models" entries (Model / Paper / GitHub) and "Related Papers" entries (Model / Paper / Summary).

Tolerated: missing headings, extra blank lines, `**Model:**` bold labels, bulleted labels,
fields in any order (a repeated label starts the next entry), multi-line summaries and a
trailing "Answer:" line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.models import SourceKind
from bot.parse._common import (
    MAX_ENTRIES,
    Doc,
    Entry,
    Line,
    Parsed,
    abstract_urls,
    kind_for,
    span_text,
)
from bot.urls import find_urls, link_kind

_B = r"(?:\*\*|__)?"
_LABEL = re.compile(
    rf"^[^\S\n]*(?:[-*+\u2022][^\S\n]+)?{_B}(?P<label>model|name|title|paper|papers|github|code"
    r"|repo|repository|url|link|links|summary|abstract|hugging ?face|hf|project(?: page)?|arxiv"
    rf"|authors?|date|venue|year){_B}[^\S\n]*:[^\S\n]*{_B}[^\S\n]*(?P<value>.*)$",
    re.IGNORECASE,
)
_HEADING = re.compile(
    rf"^[^\S\n]*(?:#{{1,6}}[^\S\n]*)?{_B}(?P<title>recommended(?: ai)? models?|related papers?"
    r"|recommended papers?|models|papers|tools|recommended tools)"
    rf"{_B}[^\S\n]*:?[^\S\n]*{_B}[^\S\n]*$",
    re.IGNORECASE,
)
_END = re.compile(rf"^[^\S\n]*(?:#{{1,6}}[^\S\n]*)?{_B}(?:answer|response|output){_B}:?{_B}\s*$", re.IGNORECASE)
_HEADING_MAX = 60
# The words a label, and the first letters a heading title or an end word, start with after
# the marks and white space of `_LEAD` (the only characters the patterns allow before them):
# a line whose next characters cannot start one is let go without a regex. Only ASCII is
# judged by `str.lower`: IGNORECASE also matches "ſ" to "s", "ı" to "i" and the Kelvin sign
# to "k", so a line with other characters there is always matched.
_LABEL_WORDS = ("model", "name", "title", "paper", "github", "code", "repo", "url", "link",
                "summary", "abstract", "hugging", "hf", "project", "arxiv", "author", "date",
                "venue", "year")
_HEADING_FIRST = frozenset("rmpt")
_END_FIRST = frozenset("aro")
# What may stand before a label or heading word on its line: marks, and every character
# str.isspace() (so the patterns' [^\S\n]) takes for white space.
_LEAD = "-*+\u2022#_" + "".join(
    chr(c) for c in [*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680,
                     *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)
_HEAD_CHARS = 4096
# Where `str.splitlines` breaks a line besides "\n"; a text without them has the lines of
# `split("\n")`, and the lines whose first character after `_LEAD` may be a capital (an
# ASCII one or any other character: `str.isupper` then judges it) are found by a pattern.
_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# Possessive: the whole run of marks is skipped, then one character asked (a YAML-like paste
# indents 10 000s of lines; giving the run back a character at a time was half the scan). A
# line whose first character after the run could be a capital is still found: that run is
# what `str.lstrip(_LEAD)` strips (no other break is in a text this pattern reads).
_LEAD_CLASS = "[" + "".join(re.escape(c) for c in _LEAD if c != "\n" and c not in _BREAKS) + "]*+"
_CAPITAL_FIRST = re.compile(_LEAD_CLASS + "[A-Z\x80-\U0010ffff]")
_CAPITAL_AFTER_BREAK = re.compile("\n" + _LEAD_CLASS + "[A-Z\x80-\U0010ffff]")


def _capital_lines(text: str) -> Iterator[str]:
    """The lines of `text` (`str.splitlines`) that may open with a capital after `_LEAD`, in
    order: a superset of those `looks_like_request` reads (it tests each with
    `str.isupper`), found without a walk over every line of a long paste, and only as far
    as the reader asks (a request is known by its first lines)."""
    if any(c in text for c in _BREAKS):
        yield from text.splitlines()
        return
    if _CAPITAL_FIRST.match(text):
        end = text.find("\n")
        yield text[:end] if end >= 0 else text
    for m in _CAPITAL_AFTER_BREAK.finditer(text):
        start = m.start() + 1
        end = text.find("\n", start)
        yield text[start:end] if end >= 0 else text[start:]
_ASKED = re.compile(r"asked the following question\s*:?", re.IGNORECASE)
_QUESTION_LABEL = re.compile(r"^[^\S\n]*(?:\*\*)?question(?:\*\*)?[^\S\n]*:[^\S\n]*(.+)$", re.IGNORECASE | re.MULTILINE)
_QUOTED = re.compile(r"\s*(?:\"([^\"]+)\"|\u201c([^\u201d]+)\u201d|([^\n]+))")
_FIELD = {
    "model": "name", "name": "name", "title": "name",
    "paper": "paper", "papers": "paper", "arxiv": "paper",
    "github": "code", "code": "code", "repo": "code", "repository": "code",
    "url": "url", "link": "url", "links": "url",
    "huggingface": "hf", "hugging face": "hf", "hf": "hf",
    "project": "project", "project page": "project",
    "summary": "summary", "abstract": "summary",
    "author": "authors", "authors": "authors", "date": "date", "venue": "venue", "year": "year",
}
_URL_FIELDS = ("paper", "code", "url", "hf", "project")
_ENTRY_FIELDS = frozenset({"paper", "code", "summary"})
_NONE = {"none", "n/a", "na", "-", "null", "none.", "not available"}


def looks_like_request(doc: Doc) -> bool:
    text = doc.text
    if _asked(text):
        return True
    # Labels sit at the start of a line; most lines of a big listing have no colon there.
    # Request labels are capitalised ("Model:", "GitHub:"); lower-case keys are YAML's.
    # Only a capitalised label or heading counts, so a line whose first letter (after any
    # bullet, "#" or bold marks) is not a capital is never matched: a YAML or CFF file of
    # 30 000 lower-case keys costs a string test per line, not a regex. The lines are the
    # text's own (`str.splitlines`, the split `Doc.lines` makes): building `Doc.lines` for
    # a megabyte that no line-based reader will look at costs more than this whole test.
    labels: set[str] = set()
    heading = False
    for line in _capital_lines(text):
        if not line.lstrip(_LEAD)[:1].isupper():
            continue
        if ":" in line[:60] and (m := _LABEL.match(line)) and m.group("label")[0].isupper():
            labels.add(_FIELD[" ".join(m.group("label").lower().split())])
        if not heading and len(line.strip()) < _HEADING_MAX and (h := _HEADING.match(line)):
            heading = h.group("title")[0].isupper()
        if labels and (heading or ("name" in labels and labels & _ENTRY_FIELDS)):
            return True  # nothing further can change the answer
    if heading:
        return bool(labels)
    return "name" in labels and bool(labels & _ENTRY_FIELDS)


def _may_match(line: str) -> tuple[bool, bool, bool]:
    """Whether `_HEADING`, `_LABEL` and `_END` could match `line` (False: they cannot)."""
    lead = line.lstrip(_LEAD)[:13]
    if not lead.isascii():
        return True, ":" in line, True
    lead = lead.lower()
    first = lead[:1]
    # Every label has a colon.
    return (first in _HEADING_FIRST, ":" in line and lead.startswith(_LABEL_WORDS),
            first in _END_FIRST)


def _asked(text: str) -> re.Match[str] | None:
    """The "asked the following question" phrase. A request opens with it: its head is
    searched first; the rest only when the lower-cased text has it (the case-blind scan of a
    whole megabyte takes 10 ms, lower-casing it one)."""
    head = _ASKED.search(text, 0, _HEAD_CHARS)
    if head is not None or len(text) <= _HEAD_CHARS:
        return head
    return _ASKED.search(text) if _lower_holds(text, "asked the following question") else None


def _lower_holds(text: str, phrase: str) -> bool:
    """`phrase in text.lower()` for an ASCII `phrase`. `str.lower` of a megabyte with
    non-ASCII characters takes 7 ms; its UTF-8 bytes are lower-cased in a tenth of that, ASCII
    letters only. The same answer: the only characters beyond ASCII whose lower case holds an
    ASCII character are "\u0130" (to "i\u0307") and the Kelvin sign (to "k"); a text with
    either is lower-cased as before."""
    if text.isascii() or "\u212a" in text or "\u0130" in text:
        return phrase in text.lower()
    return phrase.encode() in text.encode("utf-8", "surrogatepass").lower()


def _question(text: str) -> tuple[str | None, int]:
    """The question and the offset where the text after it begins."""
    asked = _asked(text)
    if asked:
        quoted = _QUOTED.match(text, asked.end())
        if quoted:
            body = next(g for g in quoted.groups() if g is not None)
            return body.strip() or None, quoted.end()
    labelled = _QUESTION_LABEL.search(text) if "question" in text.lower() else None
    if labelled:
        return labelled.group(1).strip().strip("\"\u201c\u201d") or None, labelled.end()
    return None, 0


class _Builder:
    """Collects entries line by line; a repeated field closes the current entry."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.entries: list[Entry] = []
        self.section: SourceKind | None = None
        self.fields: dict[str, str] = {}
        self.summary: list[Line] = []
        self.in_summary = False
        self.kind: SourceKind | None = None

    def close(self) -> None:
        if self.fields or self.summary:
            self.entries.append(self._entry())
        self.fields, self.summary, self.in_summary = {}, [], False

    def field(self, key: str, value: str, line: Line, value_start: int) -> None:
        if key in self.fields or (key == "summary" and self.summary):
            self.close()
        if not self.fields and not self.summary:
            self.kind = self.section
        self.in_summary = key == "summary"
        if self.in_summary:
            self.summary = [Line(value_start, line.end, value, value.strip())]
            self.fields[key] = ""
        else:
            self.fields[key] = value.strip().strip("*_").strip()

    def continuation(self, line: Line) -> None:
        if self.in_summary and line.stripped:
            self.summary.append(line)

    def _entry(self) -> Entry:
        f = self.fields
        summary = span_text(self.text, self.summary[0], self.summary[-1]) if self.summary else ""
        meta = {k: f[k] for k in ("authors", "date", "venue", "year") if f.get(k)}
        urls: list[str] = []
        for key in _URL_FIELDS:
            value = f.get(key, "")
            found = find_urls(value)
            urls += found
            if key == "paper" and value and not found:
                meta["paper"] = value if value.lower() not in _NONE else "None"
        urls += [u for u in abstract_urls(summary) if u not in urls]
        kind = self.kind
        if kind is None:
            has_code = any(link_kind(u) in ("github", "huggingface") for u in urls)
            kind = "model" if has_code and not summary else kind_for(urls, summary)
        return Entry(name=f.get("name", ""), urls=urls, summary=summary, meta=meta, kind=kind)


def parse_request(doc: Doc) -> Parsed:
    text = doc.text
    question, after = _question(text)
    parsed_full = False
    builder = _Builder(text)
    instructions: list[Line] = []
    started = False
    for line in doc.lines:
        if line.end <= after:
            continue
        # A megabyte of "Key: value" lines (a metafile) is read here: the three patterns are
        # tried only on lines whose first word could start what they match.
        may_head, may_label, may_end = _may_match(line.text)
        heading = _HEADING.match(line.text) if may_head else None
        label = _LABEL.match(line.text) if may_label else None
        if may_end and _END.match(line.text):
            break
        if heading:
            builder.close()
            started = True
            title = heading.group("title").lower()
            builder.section = "paper" if "paper" in title else "model"
        elif label:
            if len(builder.entries) >= MAX_ENTRIES:
                parsed_full = True
                break
            started = True
            key = _FIELD[re.sub(r"\s+", " ", label.group("label").lower())]
            builder.field(key, label.group("value"), line, line.start + label.start("value"))
        elif started:
            builder.continuation(line)
        elif line.stripped:
            instructions.append(line)
    builder.close()
    parsed = Parsed(entries=builder.entries[:MAX_ENTRIES], question=question)
    if parsed_full:
        parsed.full()
    if instructions:
        parsed.instructions = span_text(text, instructions[0], instructions[-1])
    if not builder.entries:
        parsed.notes.append("request format without any model or paper entry")
    return parsed
