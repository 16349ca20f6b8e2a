"""Inline markup, resolved the same way for every format: `[text](url)` keeps its text and
yields its URL, images and HTML tags go, badges never become a name or a link.

Two readings of one piece of text:
- `clean_name`: what a reader calls the thing (no markup, no emoji, entities decoded);
- `readable`: the text with markup removed exactly as the grounding check removes it
  (`BlockText.evidence`, mirroring the evaluation's `strip_markup`), so every sentence of a
  summary made by `readable` from a slice of the block is a contiguous span of the block's
  stripped text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from bot.parse._common import is_paper_url
from bot.urls import clean_url, find_urls, link_kind

# A Markdown link or image: one level of nested brackets in the label ([`[pdf]`](url)), an
# optional <…> around the URL and an optional "title". Possessive quantifiers: the label scan
# never backtracks, so an unclosed "[" costs one pass.
# `(?=[…])` here and below: a pattern that opens with an optional part or a look-behind gets
# no first-character skip from the regex engine, so it was tried at every position of a text;
# the look-ahead names the characters a match can start with (the same matches, 1.5-7x
# faster on long pastes; tests/parse/test_fast_paths.py checks them against the originals).
_LINK = re.compile(
    r"(?=[!\[])(?P<bang>!?)\[(?P<label>(?:[^\[\]]++|\[[^\[\]]*+\])*+)\]"
    r"\(\s*<?(?P<url>[^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)"
)
# `_LINK` from its "[": a pattern that opens with a literal is searched for that character
# (a memchr-like skip), where one that opens with a class or look-ahead tests every position
# (~15 ms a megabyte). The tail after "!" is what follows "[", so a match of this at "[" is a
# match of `_LINK` there, and of `_LINK` from the "!" before it when there is one.
_LINK_FROM_BRACKET = re.compile(_LINK.pattern.removeprefix(r"(?=[!\[])(?P<bang>!?)"))
_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']?(?P<url>[^\"'\s>]+)[\"']?[^>]*>(?P<label>.*?)</a\s*>",
                     re.IGNORECASE | re.DOTALL)
_IMG_TAG = re.compile(r"<img\s[^>]*>", re.IGNORECASE)
# An HTML comment (a model card template's "<!-- Provide a quick summary … -->") is for the
# card's author, not its reader: never a name, never readable text.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SUP = re.compile(r"<(sup|sub)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<br\s*/?>|</?[A-Za-z][^>]*>")
_EMPHASIS = re.compile(r"(?=[*_`~])(?:\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)|(?<=\S)_(?![\w_])|`+|~~)")
_SHORTCODE = re.compile(r":[a-z0-9_+-]{2,30}:")
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\u2190-\u21FF\u2300-\u23FF]"
)
_BADGE = re.compile(
    r"img\.shields\.io|shields\.io/|badge\.fury\.io|badgen\.net|/badges?[/.?]|badge\.svg"
    r"|travis-ci\.|codecov\.io|circleci\.com/.*svg|visitor-badge|hits\.|komarev\.com"
    r"|api\.star-history|starchart|\.svg(?:[?#]|$)|/workflows/.*/badge",
    re.IGNORECASE,
)
_LETTERS2 = re.compile(r"[A-Za-z]{2}")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_QUOTES = {('"', '"'), ("\u201c", "\u201d"), ("'", "'")}
_EDGES = " \t\n-\u2013\u2014|:;,.\u00b7\u2022*_>#[]{}"
# Link texts that say what a link is rather than what it names ("[paper]", "[[code]]",
# "GitHub repo"): such a link belongs to the entry around it and never names one.
_GENERIC = re.compile(
    r"^(?:\W*(?:paper|papers|pdf|arxiv|code|codes|github|git|repo|repository|project|project page"
    r"|page|website|web|site|homepage|home|blog|demo|video|videos|slides?|poster|link|links|here"
    r"|this|official|unofficial|pytorch|tensorflow|tf|jax|caffe|torch|keras|mxnet|paddle|model"
    r"|models|weights?|checkpoints?|ckpt|download|config|log|dataset|data|doi|bib|bibtex|html"
    r"|abs|abstract|openreview|hf|hugging ?face|colab|notebook|docs?|documentation|api|leaderboard"
    r"|benchmark|supp|supplementary|news|star|stars|\d+|v\d+|\d{4}\.\d{4,5}(?:v\d+)?"
    # "view details on the hub", "read more": words around a link's kind
    r"|view|details|more|read|see|full|text|on|the|at|in|to|go|visit|hub|click|materials?)\b\W*)+$",
    re.IGNORECASE,
)
# A link text that is a file name (`yolov7-seg.pt`): weights or a config, not a work's name.
_FILE = re.compile(r"[\w.+/-]+\.(?:pt|pth|ckpt|bin|onnx|zip|tar|gz|tgz|h5|pkl|safetensors|npz|yaml"
                   r"|yml|py|json|txt|log|md|ipynb|sh|cfg|toml)(?:#[\w.-]*)?", re.IGNORECASE)
_GENERIC_WORDS = re.compile(
    r"\b(?:repo|repository|code|codebase|here|paper|website|page|blog|library|card|notebook"
    r"|colab|example|examples|docs|documentation|demo|guide|installation|instructions|tutorial)\b",
    re.IGNORECASE
)


class Link(NamedTuple):
    """A link found in a text. A named tuple, not a dataclass: a long page has tens of
    thousands, and a frozen dataclass costs three times as much to make."""

    label: str  # cleaned link text ("" for a bare URL)
    url: str
    start: int  # offsets in the text it was found in
    end: int


_START = itemgetter(2)  # a Link's start, for sorting: a C key, not a lambda per link
# A match's first group, as `sub` replacements: a template ("\\1") is expanded by Python code
# per match in 3.11, this in C (2.5x faster on a table row's links).
_GROUP1 = itemgetter(1)
_label = itemgetter("label")  # a link's text, for `sub`


def is_badge(url: str) -> bool:
    # Every badge pattern holds one of these strings: most URLs are let go without the regex.
    low = url.lower()
    return ("badge" in low or "svg" in low or "shields" in low or "travis-ci." in low
            or "codecov.io" in low or "hits." in low or "komarev.com" in low
            or "star-history" in low or "starchart" in low) and bool(_BADGE.search(url))


# The same link words as Chinese pages write them ("PDF 原文", "HF 頁面", "代码").
_CJK_GENERIC = re.compile(
    r"\s*(?:原文|全文|论文|論文|代码|代碼|程式碼|源码|源碼|主页|主頁|项目|項目|页面|頁面|网页|網頁|链接|"
    r"連結|下载|下載|演示|模型|权重|權重|数据集|資料集|地址|仓库|倉庫|查看|详情|詳情|点击|點擊|访问|訪問"
    r"|前往|到|在此|这里|這裡)\s*"
)


def generic_label(label: str) -> bool:
    """True when a link text only says what kind of link it is."""
    if not label or _GENERIC.match(label) or _FILE.fullmatch(label):
        return True
    if label.isascii():
        return False
    rest = _CJK_GENERIC.sub(" ", label).strip()
    return rest != label.strip() and (not rest or bool(_GENERIC.match(rest)))


# A venue where a work appeared ("IEEE Transactions on Intelligent Vehicles", "CVPR 2024"):
# the link is the work's paper, the text names no work.
_VENUE = re.compile(
    r"^(?:the\s+)?(?:(?:IEEE|ACM|IEEE/CVF)\s+)?(?:(?:International|Annual|European|Asian)\s+)?"
    r"(?:Transactions|Journal|Conference|Proceedings|Symposium|Workshop|Letters)\s+(?:on|of)\b"
    r"|^(?:NeurIPS|NIPS|ICML|ICLR|CVPR|ICCV|ECCV|AAAI|IJCAI|ACL|EMNLP|NAACL|KDD|WWW|SIGIR|MICCAI"
    r"|TPAMI|IJCV|TIP|RSS|CoRL|ICRA|IROS|Interspeech|ICASSP)(?:\s*'?\d{2,4})?(?:\s+\w+)?$",
    re.IGNORECASE,
)


def names_a_thing(label: str) -> bool:
    """A link text that names a work ("BioBERT", a paper title), not "our repo" or "here"."""
    if generic_label(label) or not _LETTERS2.search(label) or _VENUE.match(label):
        return False
    # "our repo", "Google's BERT repository": a short text with a word for a kind of link.
    return len(label.split()) > 3 or not _GENERIC_WORDS.search(label)


# "the stable-baselines3 library", "our MMDetection codebase": a one-word name and a word for
# the kind of thing it is; the name alone is what a reader calls it.
_KIND_TAIL = re.compile(
    r"^(?:the\s+)?(?P<name>[\w][\w.+-]*\w)\s+(?:library|repo|repository|codebase|package"
    r"|toolkit|toolbox|framework)$",
    re.IGNORECASE,
)
_NOT_A_NAME = {"our", "this", "that", "my", "their", "its", "official", "github", "code", "source",
               "main", "original", "same", "new", "python", "open",
               # what the code is for, not what it is called: "the training repo"
               "training", "inference", "evaluation", "eval", "demo", "research", "project",
               "experiment", "experiments", "reproduction", "benchmark", "data", "dataset"}


_KIND_HEAD = re.compile(r"^(?:code|paper|repo|github|pdf|project)\s*[-:\u2013]\s*(?=\S)", re.IGNORECASE)


def work_name(label: str) -> str:
    """The name a link text gives a work: the text itself when it names one ("code-X" names
    X), the name in "the X library" / "X repo", else ""."""
    label = _KIND_HEAD.sub("", label)
    if names_a_thing(label):
        return label
    m = _KIND_TAIL.match(label)
    if m and m.group("name").lower() not in _NOT_A_NAME and not generic_label(m.group("name")) \
            and re.search(r"[A-Za-z]{2}", m.group("name")):
        return m.group("name")
    return ""


def _linked_badge_kept(url: str) -> bool:
    """A badge that links to the work's paper, model page, project page or repository (an
    "arXiv" badge) is that link; one linking to CI, stars, forks or a licence is decoration."""
    kind = link_kind(url)
    if kind == "github":
        return len([p for p in url.split("://", 1)[-1].split("/")[1:] if p]) == 2
    return kind in ("arxiv", "huggingface", "project") or is_paper_url(url)


def _link_matches(text: str) -> Iterator[tuple[tuple[int, int], bool, str, str]]:
    """(span, image?, label, url) of each match of `_LINK` in `text`, in order."""
    for m in _LINK_FROM_BRACKET.finditer(text):
        start, end = m.span()
        bang = start > 0 and text[start - 1] == "!"
        yield (start - 1 if bang else start, end), bang, m.group("label"), m.group("url")


def links(text: str) -> list[Link]:
    """The links of `text` in order: Markdown links, `<a href>` anchors and bare URLs; badge
    and other images excluded (a badge inside a link drops the link too, unless it links to
    a paper, a model or project page or a repository)."""
    if "[" not in text and "<" not in text and "://" not in text and "github" not in text \
            and ".org/" not in text and ".co/" not in text:
        return []  # none of the marks below: most items and lines of a long list
    tags = "<" in text  # each tag test below scans the text: asked only when one can be there
    if tags and "<!--" in text:
        # A link inside a comment is not shown to a reader. Blanked, so offsets still hold.
        text = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    found: list[Link] = []
    taken: list[tuple[int, int]] = []
    if "[" in text:
        # A page links the same URLs and repeats its link texts ("paper", "code"): each is
        # cleaned (and judged a badge or not) once per call.
        targets: dict[str, str] = {}
        names: dict[str, str] = {}
        for span, bang, label, url in _link_matches(text):
            taken.append(span)
            if bang:
                continue
            target = targets.get(url)
            if target is None:
                target = targets[url] = "" if is_badge(url) else _target(url)
            if "![" in label:
                if target and _linked_badge_kept(target):
                    found.append(Link("", target, span[0], span[1]))
                continue
            if target:
                name = names.get(label)
                if name is None:
                    name = names[label] = label_name(label)
                found.append(Link(name, target, span[0], span[1]))
    if tags and ("<a" in text or "<A" in text):
        for m in _ANCHOR.finditer(text):
            taken.append((m.start(), m.end()))
            url = m.group("url")
            target = _target(url)
            if not target or is_badge(url):
                continue
            if "<img" not in m.group("label").lower():
                found.append(Link(clean_name(m.group("label")), target, m.start(), m.end()))
            elif _linked_badge_kept(target):
                found.append(Link("", target, m.start(), m.end()))
    if tags and ("<img" in text or "<IMG" in text):
        taken += [(m.start(), m.end()) for m in _IMG_TAG.finditer(text)]
    if "://" in text or "github" in text or ".org/" in text or ".co/" in text:
        # Bare URLs: only the text outside the links is scanned again (blanked, so offsets hold).
        rest = text
        if taken:
            parts, pos = [], 0
            for a, b in sorted(taken):
                if a >= pos:
                    parts += [text[pos:a], " " * (b - a)]
                    pos = b
            rest = "".join([*parts, text[pos:]])
        # The text itself has a mark (asked above); what is left once its links are blanked
        # is asked again.
        if rest is text or "://" in rest or "github" in rest or ".org/" in rest or ".co/" in rest:
            # In order of first appearance: each is looked for after the one before (from
            # the start every time, a page of thousands of URLs was a quadratic scan).
            pos = 0
            for url in find_urls(rest):
                at = rest.find(url, pos)
                if at < 0:
                    at = rest.find(url)  # a spelling inside an earlier URL's text
                if at >= 0:
                    pos = max(pos, at + len(url))
                    if not is_badge(url):
                        found.append(Link("", url, at, at + len(url)))
    if len(found) > 1:
        found.sort(key=_START)
    return found


@lru_cache(maxsize=8192)
def _target(url: str) -> str:
    """The URL a link points to, cleaned, or "" for a relative link (`configs/x.py`)."""
    if url.startswith(("http://", "https://")):
        return clean_url(url)
    found = find_urls(url) if "." in url else []
    return found[0] if found else ""


def urls_of(text: str) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for link in links(text):
        if link.url not in seen:
            seen.add(link.url)
            out.append(link.url)
    return out


_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_BRACKETED_URL = re.compile(r"\s*[(\[]\s*(?:[\w .-]{1,16}:\s*)?<?https?://[^\s()\[\]<>]+>?\s*[)\]]")


_TAB_TITLE = re.compile(
    r"^\\?\[?\d{4}\.\d{4,5}(?:v\d+)?\\?\]\s*(?=\S)|\s*\((?:www\.)?(?:arxiv\.org|github\.com|huggingface\.co"
    r"|openreview\.net|paperswithcode\.com)\)$"
)


_REF_MARK = re.compile(r"(?<=\S)\s*\[\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*\]$")


def clean_name(text: str, *, markdown: bool = True) -> str:
    """`text` as a name: link text kept, images/badges/tags/emphasis/emoji removed, HTML
    entities decoded, whitespace collapsed, stray separators trimmed. With `markdown` off
    (a JSON or YAML string value) `*` and `_` are literal characters and stay."""
    if "[" in text and "![" not in text:
        # Without "![" no match has a "!" or an image in its label: the matches of `_LINK`
        # are those found from their "[" (see `_LINK_FROM_BRACKET`).
        text = _LINK_FROM_BRACKET.sub(_label, text)
    elif "[" in text:
        # An image, or a link around one (a badge linking to CI), says nothing in a name.
        text = _LINK.sub(
            lambda m: "" if m.group("bang") or "![" in m.group("label") else m.group("label"), text
        )
    if "://" in text:
        # "Title (http://arxiv.org/abs/…) [pdf: …]": a URL in brackets is the entry's link,
        # never part of its name (a name that is only a URL stays one).
        bare = _BRACKETED_URL.sub(" ", text)
        text = bare if bare.strip() else text
    if "<" in text:
        if "<!--" in text:
            text = _COMMENT.sub(" ", text)
        # A footnote mark (<sup>1,2</sup>) goes; a sub/superscript that is part of a word
        # (CogniCrypt<sub>GEN</sub>) stays in it.
        text = _SUP.sub(lambda m: m.group(2) if _LETTERS2.search(m.group(2)) else " ", text)
        text = _ANCHOR.sub(lambda m: m.group("label"), text)
        text = _TAG.sub(" ", text)
    # Each rule runs only when its characters are there: names are cleaned by the thousand.
    if markdown and ("*" in text or "_" in text or "`" in text or "~" in text):
        text = _EMPHASIS.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if ":" in text:
        text = _SHORTCODE.sub(" ", text)
    if not text.isascii():
        text = _EMOJI.sub(" ", text)
    if "\\" in text:  # a Markdown escape (\_ \*) goes; LaTeX (\circ) is text
        text = _ESCAPE.sub(_GROUP1, text)
    if "(" in text or "[" in text:
        text = _EMPTY_BRACKETS.sub(" ", text)  # what is left of "( [⭐](…) [🤗](…) )"
    text = " ".join(text.split())
    if text.endswith("\\"):
        text = text.rstrip("\\").rstrip()  # "Llama Guard\*": the escape of a footnote star
    if text.endswith("]"):
        # A reference mark after a name ("MedNeXt L k3 [2]", "SegResNet [9,11]") cites, it
        # does not name.
        text = _REF_MARK.sub("", text) or text
    text = text.strip(_EDGES)
    # Parentheses are trimmed only when unbalanced: "Graphs (GraphRAG)" keeps its own.
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].strip(_EDGES)
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].strip(_EDGES)
    while text.startswith("[") and text.endswith("]") and text.count("[") == 1:
        text = text[1:-1].strip(_EDGES)
    if text.endswith(")") or "]" in text[:14]:
        # A browser tab's title copied as a link text: "[2203.17003] Title (arxiv.org)".
        text = _TAB_TITLE.sub("", text).strip(_EDGES) or text
    # A title in quotes (`["Swin Transformer: …"](url)`) is named without them.
    if len(text) > 2 and (text[0], text[-1]) in _QUOTES and (
            text.count(text[0]) == 2 if text[0] == text[-1] else
            text.count(text[0]) == 1 and text.count(text[-1]) == 1):
        text = text[1:-1].strip(_EDGES)
    return text


# A page repeats its link texts ("paper", "code", a dataset's name in every table): each is
# cleaned once. Bounded, as the URL functions' caches are (bot.urls).
label_name = lru_cache(maxsize=8192)(clean_name)


_R_LINK = re.compile(r"(?=[!\[])!?\[([^\]]*)\]\([^)]*\)")
# `_R_LINK` for a text without "![": the same matches, found from their literal "[" (see
# `_LINK_FROM_BRACKET`).
_R_LINK_FROM_BRACKET = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_R_BADGE = re.compile(r"(?=[!\[])\[?!\[[^\]]*\]\((?P<url>[^)\s]*)[^)]*\)(?:\]\([^)]*\))?")
_R_TAG = re.compile(r"<br\s*/?>|</?[A-Za-z][^>]*>")
# The grounding check's one pattern `\*\*|__|`|^#+\s*|^\s*[-*+>]\s+|\|` as two passes, line
# marks then inline marks: the same text out (no match of one kind can start where one of the
# other does, and each leaves a space), six times faster on long table rows.
_R_LINE_MARK = re.compile(r"^(?:#+\s*|\s*[-*+>]\s+)", re.MULTILINE)
_R_MARK = re.compile(r"\*\*|__|`|\|")


def _marks_out(text: str) -> str:
    """`_R_MARK.sub(" ", text)` by `str.replace`: its four literals share no character, so
    replacing each in turn (left to right, without overlaps, as the pattern does) gives the
    same text, in a fraction of the time of a pattern tried at every position."""
    return text.replace("**", " ").replace("__", " ").replace("`", " ").replace("|", " ")


_R_PARAGRAPHS = re.compile(r"\n[^\S\n]*\n")


def drop_comments(text: str) -> str:
    """`text` without its HTML comments (each one a blank line: the text around it stays
    apart)."""
    return _COMMENT.sub("\n\n", text) if "<!--" in text else text


def readable(text: str) -> str:
    """`text` with Markdown/HTML markup removed as the grounding check removes it; badge
    images and HTML comments become a paragraph break (what is left on either side is still
    contiguous), and whitespace inside a line is collapsed."""
    if "<!--" in text:
        text = _COMMENT.sub("\n\n", text)
    if "![" in text:
        text = _R_BADGE.sub(lambda m: "\n\n" if is_badge(m.group("url")) else m.group(0), text)
    if "[" in text:
        text = (_R_LINK if "![" in text else _R_LINK_FROM_BRACKET).sub(_GROUP1, text)
    if "<" in text:
        text = _R_TAG.sub(" ", text)
    if "\n" not in text:
        # One line (a table row): a line mark can only open it, and it is one paragraph.
        mark = _R_LINE_MARK.match(text)
        text = _marks_out(" " + text[mark.end() :] if mark else text)
        return " ".join(text.split())
    text = _marks_out(_R_LINE_MARK.sub(" ", text))
    paragraphs = (" ".join(p.split()) for p in _R_PARAGRAPHS.split(text))
    return "\n\n".join(p for p in paragraphs if p)
