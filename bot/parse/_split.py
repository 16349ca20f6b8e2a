"""Telling the question from the pasted block in one chat message.

Heuristics, in order (deterministic; first match wins):
1. Nothing but whitespace: `(None, "")`.
2. A short message (<= 600 characters, one paragraph of <= 4 lines) with no structure (no
   list, table, label, heading or JSON/BibTeX lines): if it has no URL it is only a question, `(text, "")`; if it
   has URLs and ends with `?` it is both, `(text, text)` (the URLs are the sources).
3. A leading question: the first paragraph (or the first line, when it ends with `?`) is short,
   has no URL or structure, ends with `?` or opens like a question/request ("which", "how",
   "explain", "we …"), and is followed by more text. Not when it is a Title-Cased line directly
   followed by a long abstract paragraph: that is a listing or paper title, not a question.
4. A trailing question: the last paragraph is short, has no URL, ends with `?` (only its last
   line when that line passes rule 5: an entry's title with the question typed under it).
5. A question typed right under the block (no empty line between, as people do after a
   paste): the last line ends with `?` and is one that rule 3 would take for a leading
   question, and it is not a Title-Cased heading (a listing's last title can end in `?`).
6. Otherwise the whole message is the block: `(None, text)`; a request-format block carries
   its own question, which the parser extracts.
A block wrapped in a Markdown code fence (```…```) is returned without the fence lines.
"""

from __future__ import annotations

import re

from bot.urls import find_urls

_SHORT = 600
_QUESTION_LINES = 4
_QUESTION_MAX = 500
_LONG_PROSE = 200
_FENCE = re.compile(r"^```[\w+-]*\s*$")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_STRUCTURE = re.compile(
    r"^[^\S\n]*(?:[-*+\u2022][^\S\n]|\d{1,3}[.)][^\S\n]|#{1,6}[^\S\n]|\||@[A-Za-z]+[{(]|[\[{]"
    r"|(?:\*\*)?(?:model|paper|github|summary|name|title|url)(?:\*\*)?:)",
    re.IGNORECASE | re.MULTILINE,
)
_OPENING = re.compile(
    r"^(?:which|what|how|why|when|where|who|whose|can|could|should|would|will|does|do|is|are"
    r"|explain|compare|summari[sz]e|find|list|tell|give|recommend|suggest|help|please|i|we|our"
    r"|my)\b",
    re.IGNORECASE,
)


def _plain(candidate: str) -> bool:
    return (
        bool(candidate)
        and len(candidate) <= _QUESTION_MAX
        and not find_urls(candidate)
        and not _STRUCTURE.search(candidate)
    )


def _title_cased(line: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w-]*", line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) * 10 >= len(words) * 6


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")


def _unfenced(block: str) -> str:
    lines = block.split("\n")
    if len(lines) >= 2 and _FENCE.match(lines[0]) and lines[-1].strip() == "```":
        return "\n".join(lines[1:-1]).strip()
    return block


def split_message(text: str) -> tuple[str | None, str]:
    """(question or None, block text) of a chat message; see the module docstring."""
    question, block = _split(text)
    return question, _unfenced(block)


def _split(text: str) -> tuple[str | None, str]:
    whole = text.strip()
    if not whole:
        return None, ""
    single = not _PARAGRAPH_BREAK.search(whole) and whole.count("\n") < _QUESTION_LINES
    if len(whole) <= _SHORT and single and not _STRUCTURE.search(whole):
        if not find_urls(whole):
            return whole, ""
        if whole.endswith("?"):
            return whole, whole
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(whole) if p.strip()]
    first_line = _first_line(whole)
    head = paragraphs[0]
    if "\n" in head and first_line.endswith("?"):
        head = first_line
    rest = whole[len(head) :].strip() if whole.startswith(head) else ""
    if rest and _plain(head) and (head.endswith("?") or _OPENING.match(head)):
        opens_with_abstract = len(_first_line(rest)) >= _LONG_PROSE
        if not (opens_with_abstract and _title_cased(head) and "\n" not in head):
            return head, rest
    last = paragraphs[-1]
    if len(paragraphs) > 1 and _plain(last) and last.endswith("?"):
        # "Title of the last entry\nWhich one …?": the question is the line typed under it.
        under = _typed_under(whole) if "\n" in last else (None, whole)
        return under if under[0] is not None else (last, whole[: whole.rfind(last)].strip())
    return _typed_under(whole)


def _typed_under(whole: str) -> tuple[str | None, str]:
    above, _, line = whole.rpartition("\n")
    line, above = line.strip(), above.strip()
    if not above or not line.endswith("?") or _title_cased(line):
        return None, whole
    # The same test as a question written first: asked the other way round.
    question, _ = _split(f"{line}\n\n{above}")
    return (line, above) if question == line else (None, whole)
