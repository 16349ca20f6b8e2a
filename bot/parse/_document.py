"""The document model every Markdown-like paste goes through (awesome lists, READMEs, model
card bodies, digests, tables, loose lists of titles and URLs, plain text).

Block structure comes from markdown-it.rs (`markdown_it_pyrs`: CommonMark + GFM tables, the
rules of markdown-it, in Rust: 0.13 s for a 1 MB paste where markdown-it-py takes 1.9 s and
mistune 1.4 s; the budget is 0.15 s). Inline markup is resolved by `_markup`, the same code
that cleans names of every other format.

Entries come from structure: a list item with its sub-items (field lines and `[code]` links
attach to it; sub-items with titles of their own are entries), a table row (header -> fields),
a heading or a bold title line with its body (digests, `Paper: url` field lists), a paragraph
of title / URL lines. With fewer than two such entries the text is a page about one subject
(a README, a model card): one subject entry, plus the works its opening prose links to by name.
Text that fits no entry is the block's context.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.models import SourceKind, SourceRole
from bot.parse._bibtex import cited_works
from bot.parse._common import Entry, Parsed, collapse, is_paper_url, kind_for
from bot.parse._markup import (
    Link,
    clean_name,
    drop_comments,
    generic_label,
    links,
    names_a_thing,
    readable,
    work_name,
)
from bot.urls import arxiv_id, find_urls, is_activity_url, link_kind, normalize_url

_LIST = ("bullet_list", "ordered_list")
_FIELD = re.compile(
    r"^[^\S\n]*(?:[-*+]\s+)?(?:\*\*|__)?(?P<label>[A-Za-z][\w .&/-]{0,28}?(?:\(s\))?)(?:\*\*|__)?[^\S\n]*"
    r"[:\uff1a](?:\*\*|__)?[^\S\n]*(?P<value>\S.*)$"
)
# What a sub-line's label says when the line is a field of its entry ("Paper: url").
_FIELD_WORDS = re.compile(
    r"^(?:paper|papers|code|codes|link|links|url|authors?|abstract|venue|year|date|project"
    r"(?: page)?|github|arxiv|pdf|demo|weights?|dataset|task|license|model|conference|journal"
    r"|website|homepage|video|slides|blog|summary|tldr|keywords|tags|notes?|status|stars|doi"
    r"|publication|published|affiliations?|institution|contact|citation|official|source|repo"
    r"|repository|huggingface|hf|checkpoints?|config|results?|metrics?|method|framework)$",
    re.IGNORECASE,
)
_NAME_HEADERS = (
    ("title", "标题", "標題"), ("paper", "publication", "论文", "論文"), ("name", "名称", "名稱", "模型", "model", "method", "detector", "network",
    "architecture", "approach", "algorithm", "backbone", "arch", "project", "tool", "framework",
    "library", "repo", "algo", "agent", "policy", "implementation", "software",
    "package", "codebase", "toolkit", "system", "shorthand"),
    # A dataset column names the rows only when nothing else does ("Model | Dataset | …"
    # lists models trained on datasets).
    ("dataset",),
)
_NO_NAME_HEADERS = ("date", "year", "time", "venue", "conf", "code", "link", "url", "pdf", "#")
_VENUE_TAIL = re.compile(r"\s*[(\[](?P<venue>[^()\[\]]*\b(?:19|20)\d{2}\b[^()\[\]]*)[)\]]\s*\W*$")
def _venue_tail(text: str) -> re.Match[str] | None:
    """`_VENUE_TAIL.search(text)`. The pattern ends in a closing bracket followed only by
    non-word characters, so a text whose trailing run of non-word characters (`\\W`: not
    `str.isalnum()`, not "_") holds no ")" or "]" cannot match: nearly every item and title
    is let go without the search, which tries every position of a long text."""
    end = len(text)
    while end and not (text[end - 1].isalnum() or text[end - 1] == "_"):
        end -= 1
    if ")" not in text[end:] and "]" not in text[end:]:
        return None
    return _VENUE_TAIL.search(text)


_VENUE_HEAD = re.compile(r"^\s*[(\[][^()\[\]]{1,40}[)\]]\s*")
_ALIAS_HEAD = re.compile(r"^\s*(?:\*\*|__)?\[(?P<alias>[^\[\]]{1,30})\](?:\*\*|__)?\s+(?=\S)")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w.'-]*|[A-Z]\.|and|et|al\.?|de|van|von|der|da|di|la|le)$")
_SEPARATORS = (" | ", " \u2014 ", " \u2013 ", " - ", " -- ")
_TITLE_MAX = 300
# Set-up and back-matter sections: their steps and tool links are not works the page is about
# ("Model Training", "Get Started"). Acknowledgements are not among them: the works a page
# thanks are works it builds on.
_HOWTO = re.compile(
    r"^\W*(?:(?:model|data|dataset)\s+)?(?:setup|set up|install(?:ation|ing)?|requirements?"
    r"|dependencies|usage|how to use|getting started|get started|quick ?start"
    r"|(?:training|evaluation|inference)(?!\s+(?:results?|performance|benchmarks?|metrics"
    r"|scores|speed|accuracy))|license|citation|citing|contributing|faq|troubleshooting"
    r"|environment)\b"
    # The same sections as Chinese pages title them (模型用法, 安装, 许可协议, 引用).
    r"|^\W*(?:模型)?(?:安装|安裝|环境|環境|依赖|依賴|快速开始|快速開始|快速入门|快速入門|用法"
    r"|使用方法|使用说明|使用說明|如何使用|许可|許可|协议|協議|授权|授權|引用|常见问题|常見問題)",
    re.IGNORECASE,
)
# A part of a paper or page ("Abstract", "Method", "摘要"), not a work: its text and links
# belong to the entry it follows.
# What a collapsible block's toggle says when it titles nothing of its own.
_FOLD_LABEL = re.compile(r"^\W*(?:details?|more|show(?: more)?|click(?: here)? to (?:expand|see|show)|expand"
                         r"|read more|详情|詳情|展开|展開|更多)\W*$", re.IGNORECASE)
_PART_TITLE = re.compile(
    r"^\W*(?:abstract|summary|tl;?\s?dr|introduction|overview|background|motivation|description"
    r"|method(?:s|ology)?|approach|contributions?|(?:key\s+)?highlights|experiments?"
    r"|(?:main\s+|experimental\s+)?results|conclusions?|discussion|limitations|related\s+works?"
    r"|(?:文章|本文|论文|論文)?(?:摘要|总结|總結|简介|簡介|介绍|介紹|概述|概要|背景|方法|实验|實驗|结果|結果|结论|結論"
    r"|贡献|貢獻)|要旨|手法|초록|개요)\W*$",
    re.IGNORECASE,
)
# A news line opens with a date ("2025.04.07:", "[2023-10-26]", "***12/29/2022***"); a news
# section is titled by a date or by a word for news. Its lines are facts of the page, and a
# work one of them names by a link is a related work.
_DATED = re.compile(r"^\W*(?:\d{4}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?!\d)")
_NEWS_TITLE = re.compile(
    r"^\W*(?:news|updates?|latest updates?|what'?s new|changelog|change log|release notes"
    r"|announcements?|recent (?:news|updates))\W*$|^\W*(?:\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\W*$",
    re.IGNORECASE,
)
# "#### 2023-05-20 ocrweb v0.1.5 update:" (or "udpate"): a dated release of the page's
# project, when the page has several such headings (a changelog). One dated title over a
# list of papers is that list's name.
_RELEASE_HEADING = re.compile(
    r"^#{1,6}[^\S\n]*[^\w\n]*\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?\b[^\w\n]*"
    r"(?:[^\W\d][\w.-]*[^\w\n]*){1,4}$", re.MULTILINE)
# `_RELEASE_HEADING` after a line break: a pattern opening with "^" is tried at every position
# of the text (5-9 ms a megabyte), one opening with "\n" only at its line breaks. A match is
# one line (no part of the pattern takes a "\n"), so the line breaks' matches and one at the
# start are the matches, one for one.
_RELEASE_AFTER_BREAK = re.compile("\n" + _RELEASE_HEADING.pattern.removeprefix("^"), re.MULTILINE)


def _release_headings(text: str) -> int:
    """`len(_RELEASE_HEADING.findall(text))`."""
    return bool(_RELEASE_HEADING.match(text)) + len(_RELEASE_AFTER_BREAK.findall(text))


_RELEASE_TITLE = re.compile(
    r"^\W*\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?\b\W*(?:[^\W\d][\w.-]*\W*){1,4}$")
CAPTION_MAX = 100  # characters of a label line that captions the table below it
CHANGELOG = 3  # dated release headings that make a page a changelog
_DATE_TITLE = re.compile(r"^\W*(?:\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\W*$")
_DIGIT_SEP = re.compile(r"\d[-/.]\d")
# "This repo is the official implementation of X": the page's fuller name for its subject.
_OFFICIAL = re.compile(
    r"\bofficial\s+(?:[\w-]+\s+){0,2}?(?:implementation|repository|repo|code(?:base)?"
    r"|release|page)s?\s+(?:of|for)\s+(?:the\s+(?:paper|work)\s+)?(?P<x>[^\n]+?)"
    r"(?=\s+as\s+well\s+as\b|\s*[,;(]|\.\s|\.?$)",
    re.IGNORECASE,
)
_BIB_TITLE = re.compile(r"\btitle\s*=\s*[{\"]+(.+?)[}\"]+\s*,?\s*$", re.IGNORECASE | re.MULTILINE)
_TR = re.compile(r"<tr\b[^>]*>(?P<body>.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_TD = re.compile(r"<t[dh]\b[^>]*>(?P<c>.*?)</t[dh]\s*>", re.IGNORECASE | re.DOTALL)
_URL_START = re.compile(r"<?(?:https?://|www\.|github\.com/|arxiv\.org/|huggingface\.co/|[\w-]+\.github\.io/)")
_HAS_LINK = re.compile(r"://|\]\(|github\.com/|arxiv\.org/|huggingface\.co/|\.github\.io/|<a\s")


def _has_link(text: str) -> bool:
    """`_HAS_LINK.search(text)`, its literals asked with `in` (the pattern tries each of them
    at every position: the cost of every item of a 1 MB list)."""
    # "[cs.CL](#cs.CL)": a link into the page itself (a table of contents) links no work.
    return ("://" in text or "](" in text and text.count("](") != text.count("](#")
            or "github.com/" in text or "arxiv.org/" in text
            or "huggingface.co/" in text or ".github.io/" in text
            or ("<a" in text and _HAS_LINK.search(text) is not None))
_SUMMARY = re.compile(r"<summary[^>]*>(?P<t>.*?)</summary>", re.IGNORECASE | re.DOTALL)
_BIBTEX = re.compile(r"@[A-Za-z]+\s*\{\s*[^\s,{}]+\s*,")
_QUOTED = re.compile(r"[\"\u201c](?P<t>[^\"\u201c\u201d\n]{12,300}?)[\"\u201d]")
_SEAM = re.compile(r"[{}\[\]]|^\W|'\s*:")
_LABEL_BEFORE = re.compile(r"[{}\[\]]|:\s*$")  # a quoted value of a record or field
# A leaderboard's rank cell: "🥇 1st", "2nd", "Top-3", "#4" (emoji go when names are cleaned).
_RANK = re.compile(r"^(?:#?\d{1,2}(?:st|nd|rd|th)?|top[- ]?\d{1,2}|rank\s*\d{1,2})$", re.IGNORECASE)
_SIGNED = re.compile(r"[-+\u2212]\d[\d.,]*\s*%?")
_NAMED_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])?\s*(?:\*\*|__)(?P<n>[^*_\n]{2,120}?)(?:\*\*|__)\s*"
                        r"(?:[\u2014\u2013|-]|\(|\[|$)")  # "**Label**:" is a field, not a work
_BRACKET_ID = re.compile(r"\[(\d{4}\.\d{4,5}(?:v\d+)?)\]")
_SHORT_TITLE = 200
_NAMED_URL = re.compile(
    r"^[ \t]*[-*+][ \t]+(?P<name>[^:\n\[\]()<>]{2,40}?)[ \t]*:[ \t]*(?P<url>https?://\S+)[ \t]*$", re.MULTILINE
)
_DEFINED = re.compile(r"^\s*(?:\*\*|__)(?P<n>[^*_\n]{1,60}?)(?:\*\*|__)\s+(?:is|are|was)\s")
# Patterns of the per-item and per-row paths, compiled once (a 1 MB paste has 10 000s).
_ITEM_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_LEAD_MARK = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")
_NON_WORD = re.compile(r"[\W_]+")
_MD_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
_LETTERS2 = re.compile(r"[A-Za-z]{2}")
_LETTERS3 = re.compile(r"[A-Za-z]{3}")
_AUTHORS_ONLY = re.compile(r"^\W*(?:by\s+)?(?:[A-Z][\w.'-]*\s*){1,4}(?:et\s+al\.?|and\s+others)\W*$")
_LEAD_LINK = re.compile(r"\s*(?:\*\*)?\[(?P<t>[^\]]{2,300})\]\((?!\s*\))")
_CARD_TAIL = re.compile(r"\s*[-:\u2013\u2014]?\s*\b(?:model|dataset|data)\s+card$", re.IGNORECASE)
_TITLE_VENUE = re.compile(
    r"^(?P<t>[^\n]+?(?:[^\s.?!](?=\.)|[?!]))\.?\s+(?P<v>(?:[A-Z][\w'&/-]*\s+){1,5}(?:[\w'&/-]+\s+){0,3}?(?:19|20)\d{2}\b[^.]{0,30})\.?$")
_SENTENCE_END = re.compile(r"[.?!]\s")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _title_venue(title: str) -> re.Match[str] | None:
    """`_TITLE_VENUE.match(title)`. A match has a sentence end (".", "?" or "!", then a
    space) and a year within the last 36 characters; a title without either (most item
    leads, a YAML record's text) is let go without the pattern's lazy scan."""
    if _YEAR.search(title, max(0, len(title) - 40)) is None or _SENTENCE_END.search(title) is None:
        return None
    return _TITLE_VENUE.match(title)


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{2,}")
_BOLD_LEAD = re.compile(r"^\s*(?:\*\*|__)(?P<t>.+?)(?:\*\*|__)")
# A heading line or a line that is only a bold label: the candidates of a page's template.
_LABEL_LINE = re.compile(r"^[^\S\n]*(?:#{1,6}[^\S\n]+(?P<h>[^\n]+?)|(?:\d{1,2}[.)、][^\S\n]*)?"
                         r"(?:\*\*|__)(?P<b>[^*_\n]{1,80})(?:\*\*|__)[^\S\n]*[:\uff1a]?)[^\S\n]*$",
                         re.MULTILINE)
_BOLD_LABEL = re.compile(r"^\s*(?:\*\*|__)[^*_\n]{1,60}(?:[:\uff1a](?:\*\*|__)|(?:\*\*|__)\s*[:\uff1a])\s*$")
_LABEL_LEADS = frozenset("#*_0123456789")
_NUMBERING = re.compile(r"^\W*(?:\d{1,2}|[一二三四五六七八九十]{1,2})[.)、．]?\s*")
_HEADING_NUMBER = re.compile(r"^\d{1,3}[.)][^\S\n]+(?=\S)")
_BRACKET_NUMBER = re.compile(r"^[^\S\n]*\[\d{1,4}\][^\S\n]+(?=\S)")
_TEMPLATE = 3  # a label written this often is a part of each entry, not a work


_REPO = re.compile(r"github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?(?=[/)\s\"'#?]|$)")


def _home_repo(text: str) -> str:
    """The repository a README belongs to: the one its links point into most (its badges,
    its files), when it is linked at least three times. "" when there is none."""
    if text.count("github.com/") < 3:
        return ""
    counts = Counter(m.group(1).lower() for m in _REPO.finditer(text))
    if not counts:
        return ""
    repo, n = counts.most_common(1)[0]
    return repo if n >= 3 else ""


_MAIN_PATH = re.compile(r"^(?:blob|tree)/(?:main|master)/.")


def _in_repo(url: str, repo: str) -> bool:
    """A file or folder on the main branch of the page's own repository (its statistics code,
    its supplementary PDF): part of the page, not a work of its own. Another branch
    (`tree/pose`) or a release's weights are a work the page offers."""
    low = url.lower()
    head = "github.com/" + repo + "/"
    at = low.find(head)
    return at >= 0 and bool(_MAIN_PATH.match(low[at + len(head):]))


def _label_key(title: str) -> str:
    return _label_of(clean_name(title))


def _label_of(name: str) -> str:
    """`_label_key` of a title already cleaned."""
    return _NUMBERING.sub("", name).lower()


def _number_key(title: str) -> str:
    """"#2" for "2. Highlights": a template numbers its parts the same way in every entry
    (a ranked list writes each number once)."""
    return _number_of(clean_name(title))


def _number_of(name: str) -> str:
    """`_number_key` of a title already cleaned."""
    m = _NUMBERING.match(name)
    return "#" + m.group(0).strip(" .)、．") if m and m.group(0).strip() else ""


# Where `str.splitlines` breaks a line besides "\n" (each asked with `in`: a class
# searched over a megabyte takes 5 ms, the nine `in`s a tenth of one).
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# Possessive: no lead character is a space, so giving back the indentation never finds one (a
# YAML-like paste indents 10 000s of lines; the backtracking was 40% of the scan).
_LEAD_AFTER_BREAK = re.compile(r"\n[^\S\n]*+[#*_0-9]")
_LEAD_AT_START = re.compile(r"[^\S\n]*[#*_0-9]")


def _lead_lines(text: str) -> list[str]:
    """The lines of `text` (`str.splitlines`) opening like a heading, a bold run or a number
    (their first non-space character in `_LABEL_LEADS`): only those can be a label. Found
    by their line break and lead, not by a walk over every line (a 1 MB list has 10 000s)."""
    if any(c in text for c in _OTHER_BREAKS):
        return [line for line in text.splitlines() if line.lstrip()[:1] in _LABEL_LEADS]
    starts = [0] if _LEAD_AT_START.match(text) else []
    starts += [m.start() + 1 for m in _LEAD_AFTER_BREAK.finditer(text)]
    out = []
    for start in starts:
        end = text.find("\n", start)
        out.append(text[start:end] if end >= 0 else text[start:])
    return out


def _template_labels(text: str) -> frozenset[str]:
    """Headings and bold-only lines a page writes again and again ("Highlights",
    "核心关键词" under every paper of a digest): the parts of its entries. A work's title is
    written once."""
    if text.count("#") + text.count("**") < 2 * _TEMPLATE:
        return frozenset()
    counts: Counter[str] = Counter()
    keys: dict[str, tuple[str, str]] = {}  # a template writes its labels again and again
    for line in _lead_lines(text):
        if (m := _LABEL_LINE.match(line)) is not None:
            label = m.group("h") or m.group(0)
            if (both := keys.get(label)) is None:
                name = clean_name(label)  # once for both keys
                both = keys[label] = (_label_of(name), _number_of(name))
            counts.update(k for k in both if k)
    return frozenset(k for k, n in counts.items() if n >= _TEMPLATE)


@dataclass
class _Section:
    title: str = ""
    level: int = 0
    body: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    children: int = 0  # entries made inside this section
    last: Entry | None = None  # the latest of them
    cited: list[Entry] = field(default_factory=list)  # works of its BibTeX block
    parts: int = 0  # template sub-headings read into it ("Highlights", "Keywords" …)
    head: int = 0  # how many of `links` the heading itself holds


def _slice(raw: bytes, node: Any) -> str:
    a, b = node.srcmap or (0, 0)
    return raw[a:b].decode("utf-8", "replace")


# GFM's block rules only. The reader looks at blocks (items, rows, cells, headings) and reads
# their source text itself, so markdown-it's inline pass (links, emphasis, entities) would be
# thrown away: without it a 1 MB model card's tree takes 0.05 s instead of 0.11 s, and the
# blocks and their source spans are the same (checked on every paste in tests/data).
_PARSER: list[Any] = []


def _parser() -> Any:
    if not _PARSER:
        import markdown_it_pyrs  # a Rust extension, imported only when a paste is Markdown-read

        md = markdown_it_pyrs.MarkdownIt("zero")
        md.enable_many(["blockquote", "code", "fence", "heading", "hr", "lheading", "list",
                        "paragraph", "reference", "html_block", "table"])
        _PARSER.append(md)
    return _PARSER[0]


def _tree(text: str) -> Any:
    md = _parser()
    try:
        return md.tree(text)
    # A Rust panic arrives as pyo3's PanicException, a BaseException: turn it into an error
    # parse_block's fallback handles, so no exception escapes the parser.
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise RuntimeError(f"markdown parser panicked: {exc}") from None


# A long paste's blocks are parsed a piece at a time, as the reader reaches them: the reader
# stops at the entry cap (a 1 MB model card is read to its first third), and markdown-it's time
# grows faster than the text (0.015 s for the first 450 KB of that card, 0.056 s for all).
PIECE = 131_072  # characters of the first piece; each next one is twice the one before
_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")  # a lone surrogate, as `surrogatepass` writes it


class _Blocks(Sequence[Any]):
    """The top-level blocks of `text` (`_tree(text).children`), parsed a piece at a time
    when the reader asks for one not yet parsed. The last block of a piece may run on past
    it (a list, a paragraph, a fence): it is parsed again at the head of the next piece, from
    its line's start, after one line of spaces as long as the text before it (a blank line:
    the tree's byte offsets stay those of the whole text). Every other block of a piece is
    the whole text's: markdown-it ends a block by its own lines and the line after it
    (tests/parse/test_fast_paths.py checks the blocks on every paste and on random ones).
    A line ends at "\n" or "\r", as markdown-it reads it; a piece ends after a "\n"."""

    def __init__(self, text: str, raw: bytes) -> None:
        self.text, self.raw = text, raw
        self.nodes: list[Any] = []
        self.char = self.byte = 0  # where the text not yet parsed for good starts
        self.size = PIECE
        self.done = False
        if len(text) <= 2 * PIECE or _SURROGATE.search(raw):
            # One parse: a short paste, or text markdown-it refuses (its error, as before).
            self.nodes, self.done = list(_tree(text).children), True

    def _more(self) -> None:
        text, start = self.text, self.char
        end = len(text)
        if end - start > 2 * self.size:
            newline = text.find("\n", start + self.size)
            end = end if newline < 0 else newline + 1
        head = " " * (self.byte - 1) + "\n" if self.byte else ""
        nodes = list(_tree(head + text[start:end]).children)
        if end == len(text):
            self.nodes += nodes
            self.done = True
            return
        if len(nodes) < 2:
            self.size = len(text)  # one block runs on: the rest at once
            return
        self.nodes += nodes[:-1]
        at = nodes[-1].srcmap[0]
        byte = max(self.raw.rfind(b"\n", 0, at), self.raw.rfind(b"\r", 0, at)) + 1
        self.char += len(self.raw[self.byte : byte].decode("utf-8"))
        self.byte = byte
        self.size *= 2

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice) or i < 0:
            while not self.done:
                self._more()
        while i >= len(self.nodes) and not self.done:
            self._more()
        return self.nodes[i]

    def __len__(self) -> int:
        while not self.done:
            self._more()
        return len(self.nodes)

    def __iter__(self) -> Iterator[Any]:
        i = 0
        while i < len(self.nodes) or not self.done:
            if i >= len(self.nodes):
                self._more()
                continue
            yield self.nodes[i]
            i += 1


def _name_at(nodes: Sequence[Any], i: int) -> str:
    """The name of block `i`, "" past the last: the reader looks one block ahead, so a
    `_Blocks` is parsed one block ahead of it, not to its end."""
    try:
        return str(nodes[i].name)
    except IndexError:
        return ""


# Words that announce the work a line links ("We are releasing", "Introducing", "Check out").
_ANNOUNCING = re.compile(
    r"(?:(?:we|i)(?:'re| are| have| ha[sv]e)?\s+(?:now\s+)?(?:releas\w*|introduc\w*|present\w*|"
    r"open[- ]?sourc\w*|launch\w*|announc\w*|add\w*|publish\w*)|introducing|announcing|releasing"
    r"|presenting|check out|try|new|released|added)(?:\s+(?:the|our|a|an))?\s*[:\-\u2014]?",
    re.IGNORECASE)


def _lead_title(own: str, found: list[Link]) -> str:
    """The title of an item's own text: a leading named link, a leading bold run, or the text
    before the first link, without a leading venue tag, a trailing venue and an author list."""
    body = own.strip()
    body = _LEAD_MARK.sub("", body)
    alias = _ALIAS_HEAD.match(body)
    if alias:
        body = body[alias.end() :]
    body = _VENUE_HEAD.sub("", body) if _VENUE_HEAD.match(body) and "](" not in body[:3] else body
    first = found[0] if found else None
    offset = own.find(body) if body else 0
    if first is not None and names_a_thing(first.label):
        before = clean_name(own[: first.start])
        if len(before) < 3 or not _LETTERS3.search(before) or _ANNOUNCING.fullmatch(before):
            # "We are releasing [Name](…), a …": the words before the link announce it.
            return first.label
    bold = _BOLD_LEAD.match(body)
    if bold and len(clean_name(bold.group("t"))) > 1:
        return clean_name(bold.group("t")).rstrip(".")
    cut = first.start - offset if first is not None and first.start >= offset else len(body)
    head = body[:cut]
    for sep in _SEPARATORS:
        at = head.find(sep)
        if at > 0:
            head = head[:at]
            break
    tail = _venue_tail(head)
    if tail is not None:  # the one match there can be (it runs to the end)
        head = head[: tail.start()] + head[tail.end() :]
    name = clean_name(head)
    if "," in name:
        prefix, _, last = name.rpartition(",")
        last = last.strip()
        words = prefix.replace(",", " ").split()
        if len(last) > 12 and words and all(_NAME_WORD.match(w) for w in words) and all(
            len(p.split()) >= 2 for p in prefix.split(",")
        ):
            name = last
    return name.rstrip(".")


_ID_PREFIX = re.compile(r"^\W*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)\W*(?:[\u2014\u2013:|-]\s*)?")


def _dated(text: str) -> bool:
    """The text opens with a date (its head only: a line may be a megabyte of JSON). A date
    has a digit, a separator and a digit as written: most lines are let go on that."""
    head = text[:120].split("\n", 1)[0]
    return _DIGIT_SEP.search(head) is not None and _DATED.match(clean_name(head)) is not None


def _named_item(text: str) -> bool:
    return ("**" in text or "__" in text) and _NAMED_ITEM.match(text) is not None


def _three_quarters(texts: list[str], test: Callable[[str], bool]) -> bool:
    """`test` holds for at least 3/4 of `texts`: asked until the misses make that
    impossible (a long list of plain items is let go after a quarter of them)."""
    misses, allowed = 0, len(texts) / 4
    for text in texts:
        if not test(text):
            misses += 1
            if misses > allowed:
                return False
    return True


def _url_only(line: str) -> bool:
    """The line is one URL (a character of markup around it at most)."""
    return bool(u := find_urls(line)) and len(line) - len(u[0]) <= 1


# A list marker opening a line of an item, or right after the item's own marker: where a
# sub-list can start (CommonMark: a marker then a space, a tab or the line's end).
_MARKED_LINE = re.compile(r"\n[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t\r\n]|$)")
_MARKED_FIRST = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:[-*+]|\d{1,9}[.)])(?:[ \t\r\n]|$)")


def _may_nest(text: str) -> bool:
    """False when the item text (its source span) cannot hold a sub-list: no line of it
    opens with a list marker. Asked before the tree's children are (two node look-ups an
    item, the cost of most items of a 1 MB YAML-like list)."""
    return bool(_MARKED_FIRST.match(text) or _MARKED_LINE.search(text))


def _quoted_title(own: str) -> re.Match[str] | None:
    """The quoted title of a citation line (authors (year) "Title". Venue.), when the item
    text is one."""
    quoted = _QUOTED.search(own) if len(own) <= 600 and ('"' in own or "\u201c" in own) else None
    # A quoted title is words, not the seam between two quoted strings of a record.
    if quoted and len(quoted.group("t").split()) >= 3 and not _SEAM.search(quoted.group("t")) \
            and not _LABEL_BEFORE.search(own[: quoted.start()]):
        return quoted
    return None


def _plain_text(text: str) -> bool:
    """An item text `_item` keeps as text of its section, whatever the section: no mark
    `links` looks for (so no link and no URL line), no date, no quoted title. A 1 MB
    YAML-like paste is 10 000s of such items, each then kept without `_item`'s tests."""
    return not ("[" in text or "<" in text or "://" in text or "github" in text
                or ".org/" in text or ".co/" in text or _DIGIT_SEP.search(text)
                or _quoted_title(text))


def _split_id(name: str) -> tuple[str, str]:
    """("AgentOPSD: …", "2608.05987") from "2608.05987 — AgentOPSD: …"; a name that is only
    an id stays as it is."""
    m = _ID_PREFIX.match(name)
    if m and len(name) > m.end() + 2:
        return name[m.end() :].strip(), m.group("id")
    return name, ""


def _labelled_urls(lines: list[str]) -> bool:
    """Label lines ending in a colon, each followed by URL-only lines."""
    label = False
    for ln in lines:
        s = ln.strip().strip("<>")
        if (urls := find_urls(s)) and len(urls) == 1 and len(s) - len(urls[0]) <= 1:
            if not label:
                return False
        elif s.endswith((":", "\uff1a")):
            label = True
        else:
            return False
    return label


def _field_line(line: str) -> bool:
    """"Paper: [Title](url)", "Authors: [A](…), [B](…)": a field of the heading's entry,
    whatever its links name."""
    m = _FIELD.match(line.lstrip("> \t"))
    return m is not None and _FIELD_WORDS.match(m.group("label").strip()) is not None


def _squash(name: str) -> str:
    return _NON_WORD.sub("", name.lower())


_TITLE_HEAD = re.compile(r"\s[-\u2013\u2014|:]\s|:\s")


def _own_name(name: str, title: str) -> bool:
    """`name` is what the page calls its subject: its title, or the title's head before a
    separator ("ClinicalBERT" of "ClinicalBERT - Bio + Clinical BERT Model")."""
    head = _TITLE_HEAD.split(title, maxsplit=1)[0]
    return _squash(name) in (_squash(title), _squash(head))


def _key(name: str) -> str:
    return _NON_WORD.sub(" ", name.lower()).strip()


# Asked of every item's lead: compiled once, not looked up in re's cache each time.
_SENTENCE_BREAK = re.compile(r"[a-z]{3}\. [A-Z]")
_DATE_LEAD = re.compile(r"^\W*(?:\d{4}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})")
_NEWS_WORD = re.compile(r"\b(?:released|please|refer to|achieves|added|merged)\b")


def _prose(title: str) -> bool:
    """A lead that is a sentence, not a title: long, or with a sentence break inside."""
    words = title.split()
    return len(words) > 30 or bool(_SENTENCE_BREAK.search(title)) or bool(
        _DATE_LEAD.match(title)
    ) or bool(_NEWS_WORD.search(title) and len(words) > 6)


def _fields(text: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in text.splitlines():
        # Every field has its colon: most lines of prose are let go without the pattern.
        m = _FIELD.match(line) if ":" in line or "\uff1a" in line else None
        if m and len(m.group("label").split()) <= 3 and not m.group("label").lower().startswith("http"):
            key = m.group("label").strip().lower()
            value = clean_name(m.group("value"))
            if value and key not in meta:
                meta[key] = value[:300]
    return meta


def _field_only(text: str, found: list[Link]) -> bool:
    """A line that only carries links or a `Label: value` (an entry's sub-line)."""
    rest = text
    for link in sorted(found, key=lambda k: -k.start):
        if not names_a_thing(link.label):  # "[paper]", "[2603.18508v1]", a bare URL
            rest = rest[: link.start] + rest[link.end :]
        else:
            return False
    rest = clean_name(rest)
    if not rest:
        return bool(found)
    m = _FIELD.match(text.strip())
    return m is not None and _FIELD_WORDS.search(m.group("label")) is not None


_SECTION_MAX = 80  # characters of a heading that rows inherit as their section


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.raw = text.encode("utf-8", "surrogatepass")
        self.parsed = Parsed()
        self.sections: list[_Section] = []
        self.section = _Section()
        self.item_entries = 0  # entries from list items, table rows, title/URL lines
        self.votes = 0  # sections that read as records of a listing
        self.context: list[str] = []
        self.cited: list[Entry] = []  # works of the page's BibTeX blocks
        self.title = ""  # the first top-level heading
        self.first_code = -1
        self.section_entries: list[Entry] = []
        # Byte spans of set-up sections (Installation, Usage …): the tools they link are not
        # works the page is about.
        self.howto: list[tuple[int, int]] = []
        self.howto_level = 0
        self.news_parents: list[str] = []  # titles of headings above the section (news)
        self.levels: list[tuple[int, str]] = []
        self.facts: list[str] = []  # news lines and set-up steps kept as section text
        self._news: tuple[_Section | None, bool] = (None, False)
        self.template = _template_labels(text)
        self.home = _home_repo(text)
        self.caption = ""  # a label line right above the next table
        self.blank_keyed = 0  # rows of results tables keyed by a blank first head
        self.changelog = "#" in text and _release_headings(text) >= CHANGELOG

    def news_title(self, title: str) -> bool:
        return bool(_NEWS_TITLE.match(title)) or self.changelog and bool(
            _RELEASE_TITLE.match(title))

    def char_offsets(self, offsets: list[int]) -> list[int]:
        """The character offsets in `text` of ascending byte offsets of `raw` (the tree's),
        each piece decoded once."""
        if len(self.raw) == len(self.text):
            return offsets  # ASCII: the same offsets
        out, byte, char = [], 0, 0
        for off in offsets:
            char += len(self.raw[byte:off].decode("utf-8", "replace"))
            byte = off
            out.append(char)
        return out

    def in_howto(self) -> bool:
        return bool(self.howto) and self.howto[-1][1] < 0

    def in_news(self) -> bool:
        # Asked for every item of a section: answered once per section.
        if self._news[0] is not self.section:
            self._news = (self.section, self.news_title(self.section.title) or any(
                self.news_title(t) for t in self.news_parents))
        return self._news[1]

    def _fact(self, raw: str, found: list[Link]) -> None:
        """Text of the section: a set-up step or a news line, not an entry."""
        self.section.body.append(raw)
        self.section.links += found
        self.facts.append(raw)

    # -- walking ---------------------------------------------------------------------------
    def read(self) -> Parsed:
        self._blocks(_Blocks(self.text, self.raw))
        self._close_section()
        return self.parsed

    def _blocks(self, nodes: Sequence[Any]) -> None:
        for i, node in enumerate(nodes):
            if self.parsed.full():
                return
            name = node.name
            if _name_at(nodes, i + 1) == "table" and (
                    name == "paragraph" or name in _LIST and len(node.children) == 1):
                # "* <b>Subcellular Localization (Q10):</b>" over a table is its caption: what
                # the rows' numbers measure, when a page holds several tables of one column.
                raw = _slice(self.raw, node)
                label = clean_name(raw)
                if readable(raw).endswith(":") and \
                        0 < len(label) <= CAPTION_MAX:
                    self.caption = label.rstrip(":").strip()
            if name == "heading" or name == "lheading":
                raw = _slice(self.raw, node)
                # "### [21] [Title](…)": a digest's running number is no part of the title.
                title = clean_name(_BRACKET_NUMBER.sub("", raw.split("\n")[0].lstrip("#"))) \
                    if name == "heading" else clean_name(
                    raw.split("\n")[0]
                )
                level = int(node.meta.get("level", 1))
                if self._template_part(title, level):
                    continue
                title = _HEADING_NUMBER.sub("", title) or title  # "### 2. SODIUM: …"
                self._close_section()
                at = node.srcmap[0] if node.srcmap else 0
                if self.howto and self.howto[-1][1] < 0 and level <= self.howto_level:
                    self.howto[-1] = (self.howto[-1][0], at)
                if _HOWTO.match(title) and not (self.howto and self.howto[-1][1] < 0):
                    self.howto.append((at, -1))
                    self.howto_level = level
                self.levels = [(lv, t) for lv, t in self.levels if lv < level]
                # A page titled by its date (a day's digest) is no news section.
                self.news_parents = [t for lv, t in self.levels
                                     if lv > 1 or not _DATE_TITLE.match(t)]
                self.levels.append((level, title))
                self.section = _Section(title=title, level=level)
                self.section.links = links(raw)
                self.section.head = len(self.section.links)
                if not self.title:
                    self.title = title
            elif name == "paragraph":
                nxt = _name_at(nodes, i + 1)
                self._paragraph(_slice(self.raw, node), nxt)
            elif name in _LIST:
                items = list(node.children)
                texts = [_slice(self.raw, it) for it in items]
                # A listing when 3/4 of its items link; "- **VGPO** — what it does.
                # [2604.09349]": a list of named works, linked or not.
                listing = len(items) > 2 and _three_quarters(texts, _has_link)
                named_list = len(items) > 2 and _three_quarters(texts, _named_item)
                plain = not (listing or named_list) and self._plain_section()
                for item, text in zip(items, texts):
                    if plain and _plain_text(text) and not (_may_nest(text) and any(
                            c.name in _LIST for c in item.children)):
                        self._plain_item(text)
                    else:
                        self._item(item, listing=listing, named=named_list, whole=text)
            elif name == "table":
                self._table(node)
                self.caption = ""
            elif name == "blockquote":
                self._blocks(list(node.children))
            elif name in ("fence", "code_block"):
                if self.first_code < 0 and not (self.howto and self.howto[-1][1] < 0):
                    # The opening ends at the first code block outside set-up sections (those
                    # are cut from it anyway): a card's facts may follow its Usage snippet.
                    self.first_code = node.srcmap[0] if node.srcmap else 0
                code = _slice(self.raw, node)
                if self.section.title and self.section.children == 0 and _BIBTEX.search(code):
                    # A section's citation block: its URLs are the section's entry's, and the
                    # works it cites are works of the page.
                    self.section.links += [k for k in links(code) if k.url]
                    self.section.cited += self._cited_after(nodes, i, code)
                elif self.parsed.entries and (bib := _BIB_TITLE.search(code)) and _key(
                    bib.group(1)) == _key(self.parsed.entries[-1].name):
                    # The citation block of the entry just above it: its URLs are that entry's.
                    last = self.parsed.entries[-1]
                    last.urls += [u for u in find_urls(code) if u not in last.urls]
                elif _BIBTEX.search(code):
                    self.cited += self._cited_after(nodes, i, code)
                else:
                    self.context.append(code)
            elif name == "front_matter":
                continue
            elif name == "html_block" and (m := _SUMMARY.search(_slice(self.raw, node))):
                # <details><summary>Title</summary>: a collapsible entry, titled like a heading.
                title = re.sub(r"[\u2b50\U0001f31f]\ufe0f?\s*\d+", " ", m.group("t"))
                title = re.sub(r"^\s*\d{1,3}[.)]\s+", "", clean_name(title))
                if (_PART_TITLE.match(title) or _FOLD_LABEL.match(title)) and self.section.title:
                    continue  # "<summary>Details</summary>": more of the entry above
                self._close_section()
                self.section = _Section(title=title, level=99)
            elif name == "html_block" and "<tr" in (raw := _slice(self.raw, node)).lower():
                self._html_table(raw)
            else:  # html_block, hr, footnotes …
                raw = _slice(self.raw, node)
                self.section.body.append(raw)
                self.section.links += links(raw)

    def _template_part(self, title: str, level: int) -> bool:
        """A repeated sub-heading of the entry being read: its text stays that entry's."""
        s = self.section
        if not (s.title and level > s.level and (_PART_TITLE.match(title) or self.template and (
                _label_key(title) in self.template or _number_key(title) in self.template))):
            return False
        s.parts += 1
        return True

    def _cited_after(self, nodes: Sequence[Any], i: int, code: str) -> list[Entry]:
        """The works a BibTeX block cites; right under a one-item list ("- [NeuS](github…)"),
        the item's links are the first work's."""
        works = cited_works(code)
        prev = nodes[i - 1] if i else None
        if works and prev is not None and prev.name in _LIST and len(prev.children) == 1:
            own = works[0]
            own.urls += [k.url for k in links(_slice(self.raw, prev)) if k.url and k.url not in own.urls]
        return works

    def _close_section(self) -> None:
        s = self.section
        self._close_entry(s)
        self.cited += s.cited

    def _close_entry(self, s: _Section) -> None:
        if s.title or s.body:
            self.sections.append(s)
        if s.children == 1 and s.last is not None:
            # One entry under a section's own [code] / [weights] links: they are its links.
            extra = [k.url for k in s.links if generic_label(k.label) and k.url not in s.last.urls]
            s.last.urls += extra
        if s.children == 0 and _PART_TITLE.match(s.title):
            self._part(s)
            return
        if s.children == 0 and s.title and not self.in_howto() and not self.in_news():
            # The section is an entry when it carries links of its own ([PDF], [[Paper]], a
            # bare URL, a `Link:` field); links named in its prose (a tool it mentions) are not.
            own = [link for link in s.links if not names_a_thing(link.label)
                   and not (self.home and _in_repo(link.url, self.home))]
            # "### [21] [Title](arxiv…)": a heading that is its paper's link is that entry's.
            own += [link for link in s.links[: s.head] if names_a_thing(link.label)
                    and is_paper_url(link.url) and _key(clean_name(link.label)) in _key(s.title)]
            meta = dict(s.meta)
            for piece in s.body:
                for key, value in _fields(piece).items():
                    meta.setdefault(key, value)
            if own and (len(s.body) <= 6 or meta or s.parts):
                entry = self._add(s.title, s.links, "\n\n".join(readable(b) for b in s.body),
                                  meta, section=False)
                s.children = -1  # read as an entry of its own
                if entry is not None and s.cited:
                    # The entry's own citation: its fields, not another work.
                    entry.meta = {**s.cited[0].meta, **entry.meta}
                    s.cited = s.cited[1:]
                prose = any(not _fields(b) and len(clean_name(b)) > 80 for b in s.body)
                if meta or not prose or any(is_paper_url(k.url) or link_kind(k.url) == "github"
                                            for k in own):
                    self.votes += 1  # looks like one record of a listing (a digest entry)

    def _part(self, s: _Section) -> None:
        """An "Abstract" section right after a work's own heading entry: the work's text and
        links. With no such entry it stays page prose (a page's subject reads it)."""
        last = self.section_entries[-1] if self.section_entries else None
        if last is None or self.parsed.entries[-1] is not last:
            return
        last.urls += [k.url for k in s.links if not names_a_thing(k.label) and k.url not in last.urls]
        body = "\n\n".join(r for b in s.body if (r := readable(b)))
        last.summary = f"{last.summary}\n\n{body}".strip() if last.summary else body
        s.children = -1

    def _paragraph(self, raw: str, nxt: str) -> None:
        lines = [ln for ln in raw.split("\n") if ln.strip()]
        if lines and all(ln.lstrip().startswith("|") for ln in lines) and len(lines) >= 1:
            for ln in lines:
                self._row(ln, [], [])
            return
        found = links(raw)
        if found and (self.in_howto() or self.in_news() or _dated(lines[0])):
            self._fact(raw, found)
            return
        if not found:
            if len(lines) == 1 and _BOLD_LABEL.match(raw):
                # "**Highlights:**" over its text: a labelled part of the entry being read
                # (a title ends in no colon).
                self.section.parts += 1
            elif nxt in _LIST and len(lines) == 1 and len(raw) < _SHORT_TITLE and not (
                    raw.rstrip().endswith((":", "\uff1a"))) and not (
                    self.template and self._template_part(raw, 99)):
                # A title line over a list of its fields ("**Title**" then "- Paper: url");
                # a line ending in a colon introduces its list and names nothing.
                self._close_section()
                self.section = _Section(title=clean_name(raw), level=99)
                return
            self.section.body.append(raw)
            return
        if self.section.title and self.section.children <= 0 and (
                _labelled_urls(lines) or all(_field_line(ln) for ln in lines)):
            # "Code and weights:" over its URL under a heading: a field of the heading's
            # entry (a title ends in no colon), not a work of its own.
            self.section.links += found
            self.section.body.append(raw)
            return
        if self._pairs(lines):
            return
        starts = all(_URL_START.match(ln.strip()) for ln in lines)
        bare = [find_urls(ln.strip()) for ln in lines] if starts else [[]]
        if all(len(u) == 1 and len(ln.strip().strip("<>")) - len(u[0]) <= 1 for ln, u in zip(lines, bare)):
            if self.section.title and self.section.children <= 0:
                self.section.links += found  # a heading over its reference URLs
                return
            for (url,) in bare:
                self._add("", [Link("", url, 0, 0)], "", {})
            return
        # Every line must carry a link for this reading; a cheap look first (big paragraphs).
        linked = len(lines) >= 2 and all(_has_link(ln) for ln in lines)
        per_line = [links(ln) for ln in lines] if linked else [[]]
        if len(lines) >= 2 and all(per_line) and all(
            names_a_thing(p[0].label) or not _field_only(ln, p) for ln, p in zip(lines, per_line)
        ):
            for ln, p in zip(lines, per_line):
                self._add(_lead_title(ln, p), p, readable(ln), {})
            return
        self.section.body.append(raw)
        self.section.links += found

    def _pairs(self, lines: list[str]) -> bool:
        """Title lines each followed by URL-only lines (a bare reading list)."""
        groups: list[tuple[list[str], list[str]]] = []
        for ln in lines:
            s = ln.strip()
            urls = find_urls(s) if _URL_START.match(s) else []
            if urls and len(urls) == 1 and s.strip("<>") == urls[0]:
                if not groups:
                    return False
                groups[-1][1].append(urls[0])
            elif groups and groups[-1][1]:
                groups[-1][1].append(s) if False else groups.append(([s], []))
            elif groups:
                groups[-1][0].append(s)
            else:
                groups.append(([s], []))
        if not groups or not all(g[1] for g in groups):
            return False
        for title_lines, urls in groups:
            found = [Link("", u, 0, 0) for u in urls if find_urls(u)]
            text = "\n".join(title_lines)
            self._add(clean_name(" ".join(title_lines)), found, readable(text), _fields(text))
        return True

    def _plain_section(self) -> bool:
        """The section makes no item a fact (set-up, news) or a template part: an item of
        it that `_plain_text` lets through is text of the section, as `_item` reads it."""
        s = self.section
        return not (self.in_howto() or self.in_news() or (
            self.template and s.title and s.level < 99))

    def _plain_item(self, own: str) -> None:
        """`_item` of an item `_plain_list` let through whose text no quoted title is in."""
        if self.section.title and (fields := _fields(own)):
            self.section.meta.update(fields)
        self.section.body.append(own)

    def _item(self, item: Any, *, listing: bool = False, named: bool = False,
              whole: str | None = None) -> None:
        """`whole`, when given, is the item's text (`_slice` of it): an item without sub-lists
        is its own text, not decoded again."""
        subs = [c for c in item.children if c.name in _LIST]
        span = item.srcmap
        start = span[0] if span else 0
        end = subs[0].srcmap[0] if subs and subs[0].srcmap else (span[1] if span else 0)
        own = whole if whole is not None and not subs else self.raw[start:end].decode(
            "utf-8", "replace")
        found = links(own)
        sub_items = [c for s in subs for c in s.children]
        mark = _ITEM_MARK.match(own)  # the pattern's one match can only open the text
        body = own[mark.end() :] if mark else own
        if self.in_howto() or self.in_news() or _dated(body) or (
                self.template and not found and self._template_part(own.split("\n", 1)[0], 99)):
            whole = _slice(self.raw, item)
            self._fact(whole, links(whole))
            return
        # Only text with something URL-like (what `find_urls` looks for first) can be lines of
        # bare URLs: an item without is let go without splitting it.
        hinted = "://" in own or "github" in own or ".org/" in own or ".co/" in own
        # Its first line is asked first: an item whose first line is more than a URL (a
        # YAML record, a title) is not split at all.
        head, more, _ = body.strip().partition("\n") if hinted and not sub_items else ("", "", "")
        lines = [ln.strip().strip("<>") for ln in body.strip().split("\n")] \
            if more and _url_only(head.strip().strip("<>")) else []
        if len(lines) > 1 and all(_url_only(ln) for ln in lines):
            self._paragraph(body, "")  # lazy continuation lines: a bare list of URLs or titles
            return
        if found and self.section.title and _field_only(own, found):
            self.section.links += found
            self.section.meta.update(_fields(own))
            self.section.body.append(own)
            for sub in sub_items:
                self._item(sub)
            return
        attached: list[Link] = []
        texts = [own]
        titled: list[Any] = []
        for sub in sub_items:
            sub_raw = _slice(self.raw, sub)
            sub_links = links(sub_raw)
            if not sub_links or _field_only(sub_raw, sub_links):
                attached += sub_links
                texts.append(sub_raw)
            else:
                titled.append(sub)
        quoted = _quoted_title(own) if not (found or attached or titled) else None
        if quoted:
            # A citation line: authors (year) "Title". Venue.
            meta = {}
            year = re.search(r"\((?:19|20)\d{2}\)", own[: quoted.start()])
            if year:
                meta["year"] = year.group(0).strip("()")
            self._add(clean_name(quoted.group("t")).rstrip(".,"), [], readable(own), meta)
            return
        lead, ident = "", ""
        if named and not found and not attached and not titled and (
                bold := _NAMED_ITEM.match(own)):
            # A named work of a list of them: its bold name, its text, an arXiv id it cites.
            cited = _BRACKET_ID.search(own)
            self._add(clean_name(bold.group("n")), [], readable(own),
                      {**_fields(own), **({"arxiv_id": cited.group(1)} if cited else {})})
            return
        if listing and not found and not attached and not titled:
            first = own.strip().split("\n")[0]
            lead, ident = _split_id(clean_name(_ITEM_MARK.sub("", first)))
            lead = _lead_title(lead, [])
        if lead and not _prose(lead) and len(lead) >= 12:
            # One item without a link in a list of linked ones is still one of its entries
            # (a local link, `[2608.05987 — Title](2026-08-07/2608.05987.md)`, is no URL).
            self._add(lead, [], readable(own), {**_fields(own), **({"arxiv_id": ident} if ident else {})})
            return
        if not found and not attached:
            if not titled:
                fields = _fields(own) if self.section.title else {}
                if fields:
                    self.section.meta.update(fields)
                self.section.body.append(own)
            for sub in titled:
                self._item(sub)
            return
        title = _lead_title(own, found)
        cited_at = _title_venue(title)
        if cited_at and len(cited_at.group("t").split()) >= 3:
            # "Title. NeurIPS 2021.": a citation line; its venue is a field, not a sentence.
            title = cited_at.group("t")
        if _prose(title):
            # A news line or a sentence that mentions works: text of the section, whose
            # named links a page about one subject reads as related works.
            self.section.body += texts
            self.section.links += found + attached
            for sub in titled:
                self._item(sub)
            return
        meta = _fields("\n".join(texts[1:]))
        plain = own
        for link in reversed(found):
            plain = plain[: link.start] + plain[link.end :]
        plain = collapse(plain.replace("**", ""))
        if cited_at and len(cited_at.group("t").split()) >= 3:
            meta.setdefault("venue", cited_at.group("v").strip())
        venue = _venue_tail(plain)
        if venue:
            meta.setdefault("venue", venue.group("venue").strip())
            authors = plain[: venue.start()].rsplit(" - ", 1)
            if len(authors) == 2 and re.search(r",|&| and |et al", authors[1]):
                meta.setdefault("authors", authors[1].strip(" -"))
        self._add(title, found + attached, "\n\n".join(readable(t) for t in texts), meta)
        for sub in titled:
            self._item(sub)

    # -- tables ----------------------------------------------------------------------------
    def _table(self, node: Any) -> None:
        headers: list[str] = []
        rows: list[str] = []
        for part in node.children:
            for row in part.children:
                if part.name == "thead":
                    headers = [clean_name(_slice(self.raw, c)).lower() for c in row.children]
                else:
                    rows.append(_slice(self.raw, row))
        grid = [_cells(r) for r in rows]  # each row's cells, split once for every test below
        while grid and _sub_head(grid[0]):
            # A second head row ("|  | n=30 | n=200 |", units or sizes under the heads) says
            # what the columns hold: a fact of the section, not a row.
            self.section.body.append(rows.pop(0))
            grid.pop(0)
        # A blank corner over text-keyed rows of numbers is a results table, also under an
        # "Evaluation" heading (which otherwise reads as how to run one).
        results = bool(headers) and not headers[0].strip() and _row_keyed(grid)
        if self.in_howto() and not results or _legend(headers, self.section.title):
            # A legend ("Key / Icon | Description") explains the marks of the tables after it.
            # Each row stays a paragraph of its own: one row is one fact to quote.
            self._fact("\n\n".join(rows), [k for r in rows for k in links(r)])
            return
        name_col = _name_column(headers)
        if name_col is not None and _venue_cells(grid, name_col):
            # "Publication | Model": a column of venues ("WWW'2019") names no row; the next
            # name-like column does.
            rest = _name_column([h if i != name_col else "" for i, h in enumerate(headers)])
            name_col = rest if rest is not None else name_col
        if name_col and headers and not headers[0].strip() and not _distinct(grid, name_col) \
                and _distinct(grid, 0):
            # "Arch." over CNN / TF / CNN … beside a blank-headed first column of distinct
            # texts: the kinds name no row, the first column does.
            name_col = None
        if name_col is None and results:
            # "|  | Avg | Carpet | …" with a backbone per row: the blank head keys the rows.
            name_col = 0
            self.blank_keyed += len(grid)
        linked = any(links(r) for r in rows)
        # Without links a table is a listing only when it is keyed by its first column
        # ("Detector | mAP …"); otherwise its rows are facts of the section ("Size | Params").
        if not linked and name_col != 0:
            self.section.body += rows
            return
        pair = _pair_column(grid, headers, name_col)
        first = len(self.parsed.entries)
        above = ""
        for r, cells in zip(rows, grid):
            if self.parsed.full():
                break
            cells = list(cells)
            if pair is not None and name_col is not None and name_col < len(cells):
                # A keyed table leaves the name cell empty under the row that names it (a
                # model, then one row per quantisation): the rows below are that model's.
                if cells[name_col].strip():
                    above = cells[name_col]
                elif above:
                    cells[name_col] = above
            self._row(r, headers, [name_col] if name_col is not None else [], cells=cells, pair=pair)
        _one_kind(self.parsed.entries[first:])

    def _html_table(self, raw: str) -> None:
        """An HTML <table>: header cells from <th>, one entry per <tr> of <td> cells."""
        headers: list[str] = []
        rows: list[tuple[str, list[str], list[str]]] = []
        for row in _TR.finditer(raw):
            body = row.group("body")
            if "<th" in body.lower() and "<td" not in body.lower():
                headers = [clean_name(c.group("c")).lower() for c in _TD.finditer(body)]
                continue
            cells = [c.group("c") for c in _TD.finditer(body)]
            if cells:
                rows.append((row.group(0), cells, headers))
        if not any(_has_link(r) for r, _, _ in rows) and not _row_keyed([c for _, c, _ in rows]):
            # As a Markdown table: without links, rows not keyed by a name and numbers (a
            # grid of categories) are facts of the section, not works.
            # Each row's readable text (entities as written): evidence stays a span of the
            # block once its markup is gone.
            self.section.body += [readable(line) for line, _, _ in rows]
        else:
            for line, cells, head in rows:
                if self.parsed.full():
                    break
                col = _name_column(head)
                self._row(line, head, [col] if col is not None else [], cells=cells)
        self.section.links += [k for k in links(raw) if not k.label]

    def _row(self, line: str, headers: list[str], name_col: list[int],
             cells: list[str] | None = None, pair: int | None = None) -> None:
        cells = _cells(line) if cells is None else cells
        if not any(c.strip() for c in cells) or all(set(c.strip()) <= set("-: ") for c in cells):
            return
        col = name_col[0] if name_col else _guess_name_cell(cells)
        ident = ""
        name = ""
        if col is not None and col < len(cells):
            cell = cells[col]
            cell_links = links(cell)
            named = [k for k in cell_links if names_a_thing(k.label)]
            bare = cell
            for k in reversed(cell_links):
                if not names_a_thing(k.label):
                    bare = bare[: k.start] + bare[k.end :]
            unlinked = cell
            for k in reversed(cell_links):
                unlinked = unlinked[: k.start] + unlinked[k.end :]
            # The cell's own text names the row ("Title [(MICCAI2019)](url)"); a link's text
            # only when the link is all the cell says.
            rest = clean_name(unlinked)
            if named and _AUTHORS_ONLY.search(unlinked):
                name = named[0].label  # "[Title](…) - A. Author et al.": the link is the title
            elif len(rest) >= 3 or not named:
                name = rest if len(rest) >= 3 else clean_name(bare)
            else:
                name = named[0].label
            if find_urls(name) and find_urls(name)[0] == name:
                name = ""
            name, ident = _split_id(name)
        found = links(line)
        meta: dict[str, str] = {}
        for i, cell in enumerate(cells):
            if i == col or i >= len(headers) or not headers[i]:
                continue
            # A signed number keeps its sign (a name's edges lose a leading "-").
            value = cell.strip() if _SIGNED.fullmatch(cell.strip()) else clean_name(cell)
            if value and value.lower() not in ("null", "-", "n/a", "none"):
                meta[headers[i][:40]] = value[:300]
        if not (name or found):
            self.section.body.append(line)
            return
        if pair is not None and pair < len(cells) and (other := clean_name(cells[pair])):
            # A row of a model × size table: the row's own model link names it as its hub
            # does ("bloom-560m" for "Bloom" at 560M); else both cells say which.
            repo = next((tail for k in found if link_kind(k.url) in ("huggingface", "github")
                         and (tail := k.url.rstrip("/").rsplit("/", 1)[-1]).lower().startswith(
                             name.lower().replace(" ", "-")) and _squash(other) in _squash(tail)), "")
            name = repo or (f"{name} · {other}" if name else other)
        if _RANK.match(name) and headers:
            self._ranked_cells(name, cells, headers, line)
            return
        if ident:
            meta["arxiv_id"] = ident
        self._add(name, found, readable(line), {**self._section_meta(), **meta})

    def _ranked_cells(self, rank: str, cells: list[str], headers: list[str], line: str) -> None:
        """A leaderboard row ("1st | [TimesNet](…) | [PatchTST](…)"): each linked cell is a
        work, ranked `rank` under its column's head. The same work in several columns is one
        source with a rank per column (`merge_same_names`)."""
        for i, cell in enumerate(cells):
            if i >= len(headers) or not headers[i]:
                continue
            named = [k for k in links(cell) if names_a_thing(k.label)]
            if named:
                self._add(clean_name(named[0].label), named, readable(line),
                          {headers[i][:40]: rank, **self._section_meta()})

    def _section_meta(self) -> dict[str, str]:
        """A table under "Image Classification" lists image classifiers: the heading is
        what its rows are about, though no row says so."""
        title = self.caption or self.section.title
        return {"section": title} if title and len(title) <= _SECTION_MAX else {}

    # -- entries ---------------------------------------------------------------------------
    def _add(
        self, name: str, found: list[Link], summary: str, meta: dict[str, str],
        *, section: bool = True, role: SourceRole | None = None,
    ) -> Entry | None:
        if self.parsed.full():
            return None
        urls: list[str] = []
        for link in found:
            if link.url not in urls:
                urls.append(link.url)
        name = name[:_TITLE_MAX]
        if not name and not urls:
            return None
        # `kind_for`'s rule, with any repository link (not only all links) making a model
        # when no link is a paper's; each URL's kind is looked up once.
        kind: SourceKind = "paper"
        if urls and not any(is_paper_url(u) for u in urls) and any(
            link_kind(u) in ("github", "huggingface") for u in urls
        ):
            kind = "model"
        entry = Entry(name=name, urls=urls, summary=summary, meta=meta, kind=kind, role=role)
        self.parsed.entries.append(entry)
        if not section:
            self.section_entries.append(entry)
        if section:
            self.item_entries += 1
            self.section.children += 1
            self.section.last = entry
        return entry


PARAGRAPH_REACH = 400  # characters before a link its paragraph's opening may be
_OPENER = re.compile(r"[\s\-*+>#\[0-9.]+")  # list, quote and heading marks before a paragraph's text
_LEGEND_HEAD = re.compile(r"^(?:keys?|icons?|symbols?|marks?|notation|legend)"
                          r"(?:\s*[/&,]\s*(?:keys?|icons?|symbols?|marks?))?$")
_LEGEND_TITLE = re.compile(r"\b(?:legend|abbreviations|notation)\b", re.IGNORECASE)
LEGEND_COLUMNS = 3  # a legend pairs a mark with what it means (and perhaps an example)


def _legend(headers: list[str], title: str) -> bool:
    """A table of marks and their meanings ("Key / Icon | Description"), not of works."""
    return 0 < len(headers) <= LEGEND_COLUMNS and (bool(_LEGEND_HEAD.match(
        headers[0].strip())) or bool(_LEGEND_TITLE.search(title)))


def _one_kind(rows: list[Entry]) -> None:
    """Rows of one table list one kind of thing: when some rows are models (a repository or
    Hugging Face link) and none links a paper, the rows linking elsewhere (a model hub of
    another site) are models too."""
    if any(e.kind == "model" for e in rows) and not any(
            is_paper_url(u) for e in rows for u in e.urls):
        for e in rows:
            e.kind = "model"


def _cells(row: str) -> list[str]:
    inner = row.strip()
    inner = inner.removeprefix("|")
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    # A `|` inside a link label or URL is not a cell boundary; GFM escapes it, pastes do not.
    # It is one when no "](" follows before the next "[" (the pattern
    # `(?<!\\)\|(?![^\[]*\]\()`, whose look-ahead rescans the row from every bar): the next
    # "[" and "](" are found once each as the scan moves on.
    cells: list[str] = []
    start, bracket, close = 0, inner.find("["), inner.find("](")
    bar = inner.find("|")
    while bar >= 0:
        if bar == 0 or inner[bar - 1] != "\\":
            if 0 <= bracket < bar:
                bracket = inner.find("[", bar + 1)
            if 0 <= close < bar:
                close = inner.find("](", bar + 1)
            if close < 0 or 0 <= bracket < close:
                cells.append(inner[start:bar])
                start = bar + 1
        bar = inner.find("|", bar + 1)
    cells.append(inner[start:])
    return [c.strip() for c in cells]


def _pair_column(cells: list[list[str]], headers: list[str], name_col: int | None) -> int | None:
    """In a table whose name column repeats ("a2c" once per environment), the next column
    that tells the rows apart (env_id): each row is the pair."""
    if name_col is None or len(cells) < 3:
        return None
    names = [clean_name(c[name_col]) if name_col < len(c) else "" for c in cells]
    if len(set(names)) == len(names):
        return None
    for j in range(len(headers)):
        if j == name_col:
            continue
        column = [clean_name(c[j]) if j < len(c) else "" for c in cells]
        if any(re.fullmatch(r"[-+]?[\d.,]+\s*%?", v) for v in column if v):
            continue  # a metric, not a key
        if len(set(zip(names, column))) == len(cells) and all(column):
            return j
    return None


_VENUE_CELL = re.compile(r"^[A-Za-z][A-Za-z&-]{1,12}\s*'?\s*(?:19|20)?\d{2}$")


def _venue_cells(grid: list[list[str]], col: int) -> bool:
    """Most cells of the column are a venue and a year ("WWW'2019", "CVPR 2021")."""
    cells = [clean_name(c[col]) for c in grid if col < len(c) and c[col].strip()]
    return len(cells) >= 2 and sum(1 for c in cells if _VENUE_CELL.match(c)) * 3 >= len(cells) * 2


_NUMBER_CELL = re.compile(r"^\s*[-+~]?\d[\d.,]*\s*%?\s*$")


DISTINCT_ROWS = 4  # rows before a column of repeated values can be told from a name column


def _distinct(grid: list[list[str]], col: int) -> bool:
    """Most of the column's filled cells differ from each other, as names do."""
    values = [cells[col].strip().lower() for cells in grid if col < len(cells) and cells[col].strip()]
    return len(values) < DISTINCT_ROWS or 2 * len(set(values)) >= len(values)


def _sub_head(cells: list[str]) -> bool:
    """A row under the heads with a blank first cell and no number cell."""
    return len(cells) >= 3 and not cells[0].strip() and any(c.strip() for c in cells) and not any(
        _NUMBER_CELL.match(c) for c in cells)


def _row_keyed(grid: list[list[str]]) -> bool:
    """Every row opens with a text cell and reports numbers after it."""
    return bool(grid) and all(
        len(cells) >= 2 and cells[0].strip() and not _NUMBER_CELL.match(cells[0])
        and sum(1 for c in cells[1:] if _NUMBER_CELL.match(c)) * 2 >= len(cells) - 1
        for cells in grid)


def _name_column(headers: list[str]) -> int | None:
    for words in _NAME_HEADERS:
        for i, h in enumerate(headers):
            if any(w in h for w in words) and not any(h.startswith(n) for n in _NO_NAME_HEADERS):
                return i
    return None


def _guess_name_cell(cells: list[str]) -> int | None:
    """Without a recognised header: the cell that is one titled link, the bold cell, else the
    longest cell that is not a link or a number."""
    for i, c in enumerate(cells):
        m = re.fullmatch(r"\s*(?:<a\s[^>]*>(?P<a>[^<]+)</a>|\[(?P<m>[^\]]+)\]\([^)]*\))\s*", c)
        label = (m.group("a") or m.group("m")) if m else ""
        if label and len(label.split()) >= 3:
            return i
    for i, c in enumerate(cells):
        s = c.strip()
        if s.startswith(("**", "__")) and s.endswith(("**", "__")) and not re.fullmatch(
            r"[\W\d_]+", s.strip("*_")
        ):
            return i
    if cells and _RANK.match(clean_name(cells[0])):
        return 0  # a leaderboard's rank column: its cells name the works ranked per column
    for i, c in enumerate(cells):
        # The leftmost cell led by a link that names something ("[OpenSplat](…)"): a row's
        # name comes before its description.
        m = _LEAD_LINK.match(c)
        if m and names_a_thing(clean_name(m.group("t"))):
            return i
    best, size = None, 0
    for i, c in enumerate(cells):
        text = clean_name(_MD_LINK.sub("", c))
        if len(text) > size and _LETTERS2.search(text):
            best, size = i, len(text)
    return best


def read_document(text: str, *, subject: bool = False) -> Parsed:
    """Entries of a Markdown-like or plain-text paste (see the module docstring); with
    `subject`, the text is known to be about one thing (a model card's body)."""
    text = _without_front_matter(text)
    reader = _Reader(text)
    parsed = reader.read()
    prose = sum(len(b) for sec in reader.sections for b in sec.body) + sum(
        len(b) for b in reader.section.body)
    listed = sum(len(e.summary) for e in parsed.entries)
    # A few linked notes under pages of prose are remarks of a page about one subject.
    notes_only = reader.item_entries < 5 and reader.votes < 2 and prose > 3 * listed
    # A method's page whose only rows are its own results ("|  | Avg | …" per backbone):
    # the page is its subject, the rows its settings.
    results_only = reader.blank_keyed >= len(parsed.entries) > 0 and bool(reader.title) \
        and not any(e.urls for e in parsed.entries)
    if results_only and not subject:
        rows = list(parsed.entries)
        page = _subject(reader, Parsed(notes=parsed.notes))
        page.entries += rows
        merge_same_names(page)
        return page
    if (reader.item_entries >= 2 or reader.votes >= 2) and not subject and not notes_only:
        _prose_papers(reader, parsed)
        merge_same_names(parsed)
        if reader.context:
            parsed.notes.append(f"{len(reader.context)} code block(s) kept as context only")
        return _with_cited(parsed, reader.cited)
    return _without_label_subject(_with_cited(_subject(reader, parsed), reader.cited))


def _without_front_matter(text: str) -> str:
    """A page's YAML front matter (a Jekyll page's `layout:` / `title:`) is no text of the
    page: its title heads the body when the body has no heading of its own."""
    if not text.lstrip("\ufeff").startswith("---"):
        return text
    from bot.parse._structured import front_matter

    found = front_matter(text.lstrip("\ufeff"))
    if found is None:
        return text
    data, body_at = found
    body = text.lstrip("\ufeff")[body_at:]
    title = data.get("title")
    if isinstance(title, str) and title.strip() and not body.lstrip().startswith("#"):
        return f"# {title.strip()}\n\n{body}"
    return body


_REFERENCES = re.compile(
    r"^\W*(?:references?|bibliography|acknowledge?ments?|related works?|credits)\W*$", re.IGNORECASE)


def _without_label_subject(parsed: Parsed) -> Parsed:
    """A page titled only by a section label ("Citation", "References") whose links all
    belong to the works it cites is those works: it has no subject of its own."""
    if len(parsed.entries) < 3 or parsed.entries[0].role != "subject":
        return parsed
    subject, rest = parsed.entries[0], parsed.entries[1:]
    name = subject.name
    if not (_HOWTO.match(name) or _PART_TITLE.match(name) or _REFERENCES.match(name)):
        return parsed
    theirs = {normalize_url(u) for e in rest for u in e.urls}
    if any(normalize_url(u) not in theirs for u in subject.urls):
        return parsed
    parsed.entries = rest
    return parsed


def _with_cited(parsed: Parsed, cited: list[Entry]) -> Parsed:
    """The works a page's BibTeX blocks cite are its related papers. A citation of a work the
    page already lists (by its name, or the subject by its short name: "YOLOv7" of "YOLOv7:
    Trainable …") lends it its URLs and fields instead."""
    def parts(name: str) -> set[str]:
        return {_key(part) for part in re.split(r":\s", name, maxsplit=1)}

    for work in cited:
        key = _key(work.name)
        same = next((e for e in parsed.entries if _key(e.name) == key or (
            e.role == "subject" and (_key(e.name) in parts(work.name) or key in parts(e.name)))),
            None)
        if same is None:
            if not parsed.full():
                work.role = "related"
                parsed.entries.append(work)
            continue
        same.urls += [u for u in work.urls if u not in same.urls]
        same.meta = {**work.meta, **same.meta}
        same.summary = same.summary or work.summary
    return parsed


def _prose_papers(reader: _Reader, parsed: Parsed) -> None:
    """Papers a listing's prose names by title ("following [Vision Transformers Need
    Registers](arxiv…)") are related works of the page, beside its listed entries."""
    sections = {id(e) for e in reader.section_entries}
    holders: dict[str, list[Entry]] = {}
    for e in reader.section_entries:
        for u in e.urls:
            holders.setdefault(normalize_url(u), []).append(e)
    known = {normalize_url(u) for e in parsed.entries if id(e) not in sections for u in e.urls}
    facts = {id(f) for f in reader.facts}
    for piece in [b for sec in reader.sections for b in sec.body] + reader.section.body:
        if ("](" not in piece and "<a" not in piece) or "<tr" in piece.lower():
            continue  # only a link with a text can name a paper
        news = id(piece) in facts
        for link in links(piece):
            key = normalize_url(link.url)
            paper = is_paper_url(link.url) and len(link.label.split()) >= 2
            # A news line's link names what the line is about: a paper, or a repository
            # ("check out the more recent [DINOv3](github…)") by a one-word name too.
            name = work_name(link.label) if news else link.label
            work = paper or (news and name != "" and (
                is_paper_url(link.url) or link_kind(link.url) == "github"))
            if key not in known and work and names_a_thing(name):
                known.add(key)
                for e in holders.get(key, []):  # a mention in a section's prose, not its link
                    if _key(e.name) != _key(name):
                        e.urls = [u for u in e.urls if normalize_url(u) != key]
                parsed.entries.append(Entry(name=name, urls=[link.url],
                                            kind=kind_for([link.url], ""), role="related"))


def _latin_twin(sections: list[_Section]) -> str:
    """The English title right under a page's title in another script ("字形网：…" then
    "GlyphNet: Reading …", nothing between them): the name the answer's readers search for."""
    titled = [s for s in sections if s.title and s.level < 99][:2]
    if len(titled) < 2 or titled[0].title.isascii() or not titled[1].title.isascii():
        return ""
    first, second = titled
    if first.body or second.level < first.level or not _LATIN_WORD.search(second.title):
        return ""
    return second.title


def _first_line(prose: list[str]) -> str:
    for piece in prose:
        for line in drop_comments(piece[:2000]).split("\n"):
            if name := clean_name(line):
                return name
    return ""


def _official_name(prose: list[str], title: str) -> str:
    """The fuller name the page's opening gives its subject ("This is the official repository
    for MedSAM: Segment Anything in Medical Images" under "# MedSAM"), else `title`."""
    if not title:
        return title
    for piece in prose:
        m = _OFFICIAL.search(readable(piece[:2000]))  # an opening sentence, not a megabyte
        if m:
            name = clean_name(m.group("x")).rstrip(".")
            if len(name) > len(title) and _squash(name).startswith(_squash(title)):
                return name
    return title


def _subject(reader: _Reader, parsed: Parsed) -> Parsed:
    """A page about one thing: the subject entry, and the works its opening prose names."""
    text = reader.text
    prose = [b for s in reader.sections for b in s.body]
    all_links = [k for s in reader.sections for k in s.links]
    for e in parsed.entries:
        all_links += [Link("", u, 0, 0) for u in e.urls]
    titles = [s.title for s in reader.sections if s.title and s.level < 99]
    named = [t for t in titles if not ((m := _FIELD.match(t)) and (
        _FIELD_WORDS.match(m.group("label").strip()) or m.group("value")[:1].isdigit()))]
    if titles and all(reader.news_title(t) for t in titles) and reader.home:
        # A changelog's headings are its dates; its subject is the repository it belongs to,
        # spelt as its links spell it.
        at = text.lower().find(f"github.com/{reader.home}")
        titles = named = [text[at + 11 : at + 11 + len(reader.home)].split("/")[-1]]
    # The first line of prose, if it must name the page: its first line that is text once
    # comments are gone (a template's "<!-- Provide a quick summary … -->" spans lines).
    title = _latin_twin(reader.sections) or (named or titles or [""])[0] or _first_line(prose)
    if reader.sections and not reader.sections[0].title:
        # Prose before any heading that defines a bold term ("**Name** is a …") names the
        # page's subject, above any later heading (a card whose headings are Usage, Facts …).
        defined = next((m for b in reader.sections[0].body if (m := _DEFINED.match(b))), None)
        if defined:
            title = clean_name(defined.group("n"))
    title = _official_name(prose[:4], title)
    title = _CARD_TAIL.sub("", title) or title  # "MusicGen Model Card" is MusicGen's card
    related: list[Entry] = []
    limit = reader.first_code if reader.first_code >= 0 else len(reader.raw)
    kept, pos = [], 0
    for a, b in reader.howto:
        kept.append((pos, min(a, limit)))
        pos = max(pos, b if b >= 0 else len(reader.raw))
    kept.append((pos, limit))
    opening = b" ".join(reader.raw[a:b] for a, b in kept).decode("utf-8", "replace")
    # The page's links are found once (the whole-text scan is most of the time of a long
    # page); the opening's are those of them inside its kept spans (byte offsets of the
    # tree, turned into the text's character offsets).
    text_links = links(text)
    if opening != text:
        ends = reader.char_offsets([x for a, b in kept if b > a for x in (a, b)])
        spans = list(zip(ends[::2], ends[1::2]))
        starts = [a for a, _ in spans]  # in order and apart: the span a link starts in
        opening_links = [k for k in text_links if (i := bisect_right(starts, k.start) - 1) >= 0
                         and k.end <= spans[i][1]]
    else:
        opening_links = text_links
    own: list[str] = []
    seen: set[str] = set()
    named_keys: set[str] = set()
    for m in _NAMED_URL.finditer(opening):
        # "- Name: <paper or repository URL>": a list line that names a work by its link.
        url = (find_urls(m.group("url")) or [""])[0]
        name = clean_name(m.group("name"))
        key = normalize_url(url) if url else ""
        if key and key not in named_keys and (is_paper_url(url) or link_kind(url) == "github") \
                and names_a_thing(name) and not _FIELD_WORDS.match(name) \
                and not _own_name(name, title):
            # Not marked seen: a page's fact list ("Architecture: - StyleTTS 2: <paper>")
            # says what the subject is built on, so the subject keeps the link as well.
            named_keys.add(key)
            related.append(Entry(name=name, urls=[url], kind=kind_for([url], ""), role="related"))
    # A page repeats its link texts ("paper", "code", "link"): each is judged once.
    work_names: dict[str, str] = {}
    # The work a paragraph opened with, and where its last link ended: "[Title](paper),
    # [code](repo)" gives the paper its code.
    current: Entry | None = None
    current_end = 0
    for link in opening_links:
        if not link.label:
            continue  # a bare URL names no work
        key = normalize_url(link.url)
        if key in seen or key in named_keys:
            continue
        if link.label not in work_names:
            work_names[link.label] = work_name(link.label)
        name = work_names[link.label]
        if current is not None and not name and generic_label(link.label) \
                and text.find("\n\n", current_end, link.start) < 0:
            seen.add(key)
            current.urls.append(link.url)
            current_end = link.end
            continue
        current = None
        if name and (is_paper_url(link.url) or link_kind(link.url) == "github") \
                and not is_activity_url(link.url) \
                and collapse(name).lower() != title.lower() and not _own_name(name, title):
            seen.add(key)
            work = Entry(name=name, urls=[link.url], kind=kind_for([link.url], ""), role="related")
            related.append(work)
            # Only a paragraph that opens with the work is that work's entry; a sentence that
            # cites a paper ("introduced in [paper] and released in [this repository]") gives
            # the page's subject the code.
            # Looked for from the link back over a short reach only: a page has thousands.
            reach = max(0, link.start - PARAGRAPH_REACH)
            at = text.rfind("\n\n", reach, link.start)
            opens = at + 2 if at >= 0 else 0 if reach == 0 else -1
            if opens >= 0 and not _OPENER.sub("", text[opens : link.start]):
                current, current_end = work, link.end
    # Each spelling once (a page repeats its links; its sections hold them again).
    for url in dict.fromkeys(k.url for k in all_links + text_links):
        key = normalize_url(url)
        if key not in seen:
            seen.add(key)
            own.append(url)
    for work in list(related):
        # A repository named after a related work (StyleTTS2 for "StyleTTS 2") is its code;
        # a link that only spelled that repository's path is no other work.
        for url in dict.fromkeys(k.url for k in text_links):
            parts = url.split("://", 1)[-1].split("/")
            if link_kind(url) == "github" and len(parts) >= 3 and url not in work.urls \
                    and _squash(parts[2].removesuffix(".git")) == _squash(work.name):
                work.urls.append(url)
                path = "/".join(parts[1:3]).lower()
                related = [r for r in related if r is work or not (
                    r.urls == [url] and r.name.lower() == path)]
    summary = "\n\n".join(r for p in prose if (r := readable(p)))
    meta: dict[str, str] = {}
    for p in prose:
        for key, value in _fields(p).items():
            meta.setdefault(key, value)
    subject = Entry(name=title, urls=own, summary=summary, meta=meta, kind="model" if not (
        own and is_paper_url(own[0])) else "paper", role="subject")
    out = Parsed(entries=[subject, *related], notes=parsed.notes)
    merge_same_names(out)
    return out


def _merge_fields(into: dict[str, str], other: dict[str, str]) -> None:
    """Fields of one work from two tables: a column head both tables share ("Avg." of a size
    table and of an accuracy table) keeps each value, named by its table's heading."""
    mine, theirs = into.get("section", ""), other.get("section", "")
    for key, value in other.items():
        if key not in into and theirs != mine and any(k.startswith(f"{key} (") for k in into):
            into[f"{key} ({_heading(theirs)})"] = value  # a head already told apart
        elif key not in into:
            into[key] = value
        elif key != "section" and mine and theirs and mine != theirs and (
                into[key] != value or _NUMBER_CELL.match(value)):
            # The same number in two tables ("Avg 0.980" image- and pixel-level) is still two
            # measures: each keeps its table's name.
            if head := _heading(mine):
                into[f"{key} ({head})"] = into.pop(key)
            into.setdefault(f"{key} ({_heading(theirs)})", value)
    if mine and theirs and mine != theirs:
        into["section"] = f"{mine}; {theirs}"


def _heading(section: str) -> str:
    return re.sub(r"^\W*\d{1,2}[.)]\s*", "", section.split("; ")[-1]).strip()


_ALIAS_TAIL = re.compile(r"\s*\((?:also|aka|a\.k\.a\.?|alias|or)\b[^)]*\)\s*$")


def merge_same_names(parsed: Parsed) -> None:
    """Entries with the same name are one source (a title linked twice, a duplicated bullet)."""
    kept: dict[str, Entry] = {}
    merged = 0
    for e in parsed.entries:
        key = _NON_WORD.sub(" ", _ALIAS_TAIL.sub("", e.name.lower())).strip() or (
            normalize_url(e.urls[0]) if e.urls else "")
        if key in kept:
            k = kept[key]
            k.urls += [u for u in e.urls if u not in k.urls]
            if e.summary and e.summary not in k.summary:
                # Each mention's text (a row of each table) stays quotable.
                k.summary = f"{k.summary}\n\n{e.summary}" if k.summary else e.summary
            _merge_fields(k.meta, e.meta)
            merged += 1
        else:
            kept[key] = e
    # An entry known only by an arXiv id and a title (a list of local links) is the same work
    # as the entry whose URL carries that id (the table row with its links): one source, with
    # the fuller name.
    by_id: dict[str, Entry] = {}
    for e in kept.values():
        for u in e.urls:
            ident = arxiv_id(u).split("v")[0]
            if ident:
                by_id.setdefault(ident, e)
    out: list[Entry] = []
    for e in kept.values():
        ident = e.meta.get("arxiv_id", "").split("v")[0]
        target = by_id.get(ident) if ident and not e.urls else None
        if target is not None and target is not e:
            if len(e.name) > len(target.name):
                target.name = e.name
            target.summary = target.summary or e.summary
            merged += 1
            continue
        out.append(e)
    parsed.entries = out
    if merged:
        parsed.notes.append(f"{merged} duplicate entr{'y' if merged == 1 else 'ies'} merged")
