"""Finding, cleaning and classifying the URLs of a pasted source block.

A URL is only ever *cut* (trailing punctuation, `{here}` artefacts, wrappers) or, when a line
break clearly split it, re-joined; it is never built from parts (no arXiv id -> URL synthesis),
so every URL this module returns is text the person pasted.

The character set and the set of trailing characters that may be stripped deliberately match
the grounding check of the evaluation (`shared/eval/score.py`): a URL runs until whitespace or
one of ``<>"'`()[]``, and cleaning removes only characters that check also removes. Stripping
anything else (say a trailing `?` or `**`) would produce a URL that check no longer finds in
the block, i.e. an "invented" link.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

LinkKind = Literal["github", "arxiv", "huggingface", "project", "other"]

_URL_CHARS = r"[^\s<>\"'`()\[\]]"
# Full-width punctuation ("。", "，") that Chinese or Japanese prose puts right after a link.
_WIDE_END = re.compile(r"[\u3000-\u303f\uff00-\uffef]+$")
# Two cheap scans instead of one alternation: a pattern that opens with a literal ("http") or
# a small set of literals lets the regex engine skip ahead, which keeps a 100 KB listing in
# the low milliseconds. Bare hosts (no scheme) are found by their host and grown backwards.
_SCHEMED = re.compile(r"https?://")
_BARE_HOST = re.compile(r"(?:github\.com|arxiv\.org|huggingface\.co|\.github\.io)/")
_HOST_CHAR = re.compile(r"[\w-]")
# What may not precede a bare URL (it would be inside a longer host name or path); the same
# look-behind as the evaluation's scan, plus "@" and "-".
_NOT_BEFORE = re.compile(r"[/\w.@-]")
_TOKEN = re.compile(rf"{_URL_CHARS}+")
_HERE = re.compile(r"\{here\}?", re.IGNORECASE)
_SCHEME = re.compile(r"^https?://")
_HOST_PART = re.compile(r"[^/?#]*")
_PROJECT_PATH = re.compile(r"/projects?(?:/|$)", re.IGNORECASE)
_WRAPPERS = re.compile(r"^(?:\\url\{|\{|<|\()+")
_TRAILING_PUNCT = ".,;:'\""
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
# A wrapped URL is re-joined only when the first line ends in a character that cannot end a
# URL someone meant to stop at, or the next line's token is unmistakably a path piece.
_OPEN_ENDINGS = ("/", "-", "_", "=", "&", "?", "#", "%", "~")
_FILE_EXT = re.compile(r"\.(?:pdf|html?|md|txt|zip|git|php|aspx?)$", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\d{1,3}[.)]$")
_PLAIN_CAPITALISED = re.compile(r"^[A-Z][a-z]+$")
# A parse meets each URL of a block several times (the block's link list, the entry that
# holds it, the page's own links): the pure functions of one URL remember their answers.
# Bounded: a long-running bot sees many blocks.
_URL_CACHE = 8192


@lru_cache(maxsize=_URL_CACHE)
def normalize_url(url: str) -> str:
    """A comparison key only (never shown): the evaluation's `norm_url`, character for character:
    lowercase, no scheme or `www.`, no `{here}`, no trailing ``/.,;:)}]>'"``."""
    # String methods, not regexes: this key is taken for every link of a block.
    u = url.strip().lower()
    if u.startswith("http"):
        u = u.removeprefix("https://") if u.startswith("https://") else u.removeprefix("http://")
    u = u.removeprefix("www.")
    if "{here" in u:
        u = _HERE.sub("", u)
    return u.rstrip("/.,;:)}]>'\"")


@lru_cache(maxsize=_URL_CACHE)
def clean_url(raw: str) -> str:
    """`raw` without wrappers (`<…>`, `\\url{…}`), `{here}` artefacts and trailing punctuation
    or unbalanced closing brackets. Returns "" when nothing URL-like is left."""
    url = raw.strip()
    if url.startswith(("\\", "{", "<", "(")):
        url = _WRAPPERS.sub("", url)
    if "{" in url:
        url = _HERE.sub("", url)
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCT or last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last]):
            url = url[:-1]
        else:
            break
    host = _host(url)
    return url if host and "." in host else ""


def _host(url: str) -> str:
    rest = url[url.index("://") + 3 :] if url.startswith(("http://", "https://")) else url
    host = _HOST_PART.match(rest).group(0)  # type: ignore[union-attr]  # matches "" at least
    if "@" in host:
        host = host.rsplit("@", 1)[-1]
    if ":" in host:
        host = host.split(":", 1)[0]
    host = host.lower()
    return host.removeprefix("www.")


@lru_cache(maxsize=_URL_CACHE)
def link_kind(url: str) -> LinkKind:
    host = _host(url.strip())
    if host == "github.com" or host.endswith((".github.com", "githubusercontent.com")):
        return "github"
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        return "arxiv"
    if host in ("huggingface.co", "hf.co") or host.endswith(".huggingface.co"):
        return "huggingface"
    if host.endswith((".github.io", ".gitlab.io")) or _PROJECT_PATH.search(url):
        return "project"
    return "other"


def _continuation(text: str, end: int) -> tuple[str, int]:
    """The next line's leading token and its end when a line break at `end` clearly split a
    URL, else ("", end)."""
    if text.startswith("\r\n", end):
        start = end + 2
    elif text.startswith("\n", end):
        start = end + 1
    else:
        return "", end
    token = _TOKEN.match(text, start)
    if token is None:
        return "", end
    piece = token.group(0)
    core = piece.rstrip(_TRAILING_PUNCT + ")]}>")
    if not core or _SCHEME.match(piece) or piece.lower().startswith("www."):
        return "", end
    if _LIST_MARKER.match(piece) or piece.endswith(":"):
        return "", end
    if "/" in core or _FILE_EXT.search(core):
        return piece, token.end()
    previous = text[end - 1]
    if previous in _OPEN_ENDINGS and core[0].isalnum() and not _PLAIN_CAPITALISED.match(core):
        return piece, token.end()
    return "", end


def _bare_start(text: str, anchor: int, host: str) -> int:
    """Where a bare URL whose host text starts at `anchor` begins, or -1 when it is not one."""
    start = anchor
    if host.startswith("."):  # <name>.github.io: grow back over the name
        while start > 0 and _HOST_CHAR.match(text, start - 1):
            start -= 1
        if start == anchor:
            return -1
    if text.startswith("www.", start - 4) and start >= 4:
        start -= 4
    if start > 0 and _NOT_BEFORE.match(text, start - 1):
        return -1
    return start


class _Hosts:
    """The occurrences of `_BARE_HOST` in a text, in order: each host literal is looked for
    with `str.find` and found again only once the scan has passed it (the alternation's own
    scan took ~14 ns a character; a URL-heavy page of 100 000s was most of `find_urls`).
    The four literals cannot match at one position, so the first found is the match."""

    __slots__ = ("at", "left", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = [text.find(host) for host in _HOSTS]
        self.left = max(self.at) >= 0  # False once no host text is ahead (most texts)

    def search(self, pos: int) -> tuple[int, str] | None:
        """(start, host) of the first occurrence at or after `pos`."""
        if not self.left:
            return None
        best, host = -1, ""
        for i, at in enumerate(self.at):
            if 0 <= at < pos:
                at = self.at[i] = self.text.find(_HOSTS[i], pos)
            if at >= 0 and (best < 0 or at < best):
                best, host = at, _HOSTS[i]
        if best < 0:
            self.left = False  # the scan only moves forward
            return None
        return best, host


_HOSTS = ("github.com/", "arxiv.org/", "huggingface.co/", ".github.io/")  # _BARE_HOST's


def _next_bare(hosts: _Hosts, pos: int) -> tuple[int, int] | None:
    """(start, end of host and "/") of the first bare URL starting at or after `pos`."""
    while (match := hosts.search(pos)) is not None:
        at, host = match
        start = _bare_start(hosts.text, at, host)
        if start >= pos:
            return start, at + len(host)
        pos = at + len(host)
    return None


def _scan(text: str) -> list[str]:
    """Cleaned URLs in order, duplicates included. Both kinds of candidate are searched
    lazily from the end of the last URL, so nothing inside a URL is ever looked at twice."""
    found: list[str] = []
    if "://" not in text and "github" not in text and ".org/" not in text and ".co/" not in text:
        return found
    pos = 0
    schemed = _SCHEMED.search(text)
    hosts = _Hosts(text)
    while True:
        if schemed is not None and schemed.start() < pos:
            schemed = _SCHEMED.search(text, pos)
        # A bare URL starts at or after its host text, and one whose host text is inside
        # (or after the start of) the next schemed URL cannot start before that URL: it is
        # only looked for when a host text comes first (most hosts are inside a schemed URL,
        # and each one's look-behind cost a bare URL test).
        host = hosts.search(pos)
        if schemed is not None and (host is None or host[0] >= schemed.start()):
            start, fixed_end = schemed.start(), schemed.end()
        elif (bare := _next_bare(hosts, pos)) is not None and (
                schemed is None or bare[0] < schemed.start()):
            start, fixed_end = bare
        elif schemed is not None:
            start, fixed_end = schemed.start(), schemed.end()
        else:
            break
        token = _TOKEN.match(text, start)
        if token is None or token.end() <= fixed_end:
            pos = fixed_end
            continue
        raw, end = token.group(0), token.end()
        cleaned = clean_url(raw)
        if cleaned and cleaned == raw and end < len(text) and text[end] in "\r\n":
            piece, piece_end = _continuation(text, end)
            joined = clean_url(raw + piece) if piece else ""
            if joined:
                cleaned, end = joined, piece_end
        if cleaned:
            found.append(cleaned)
        pos = end
    return found


# A person's profile or an author search: a link of the people, never of the work.
_PERSON = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:arxiv\.org/(?:a/|search)|scholar\.google\.[a-z.]+/citations"
    r"|orcid\.org/|dblp\.(?:org|uni-trier\.de)/(?:pid|pers)/|(?:www\.)?semanticscholar\.org/author/"
    r"|openreview\.net/profile|linkedin\.com/in/)",
    re.IGNORECASE,
)


def is_person_url(url: str) -> bool:
    return bool(_PERSON.match(url))


# A repository's issue, pull request, discussion, wiki page, commit or release: activity of a
# project, never a work of its own.
_ACTIVITY = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/[^/\s]+/[^/\s]+/(?:issues|pull|pulls|discussions|wiki"
    r"|commit|commits|releases|compare)(?:[/?#]|$)",
    re.IGNORECASE,
)


def is_activity_url(url: str) -> bool:
    """Also a GitHub account's own page (github.com/someone): a person or an organisation."""
    if _ACTIVITY.match(url):
        return True
    rest = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    parts = [p for p in rest.split("/") if p]
    return len(parts) == 2 and parts[0].lower() in ("github.com", "www.github.com")


def without_wide_end(url: str) -> str:
    """`url` without the full-width punctuation ("。") Chinese or Japanese prose ends it with."""
    return _WIDE_END.sub("", url) if url and url[-1] >= "\u3000" else url


def find_urls(text: str) -> list[str]:
    """Every URL of `text` (schemed, or bare github.com / arxiv.org / huggingface.co /
    *.github.io), cleaned, in order of first appearance, without duplicates (by
    `normalize_url`; the first spelling wins)."""
    seen: set[str] = set()
    urls: list[str] = []
    found = _scan(text)
    if not found:
        return []  # most lines and items of a long paste
    # "…/OmniOCR。" is kept as written (a block's URL is what the block writes), unless the
    # block also writes it without the full-width stop: then that spelling stands for both.
    wide = {i: bare for i, u in enumerate(found) if (bare := without_wide_end(u)) != u}
    plain = {normalize_url(u) for i, u in enumerate(found) if i not in wide} if wide else set()
    for i, url in enumerate(found):
        key = normalize_url(url)
        if i in wide and normalize_url(wide[i]) in plain:
            key, url = normalize_url(wide[i]), wide[i]
        if key and key not in seen:
            seen.add(key)
            urls.append(url)
    return urls


def is_wrapped(url: str, text: str) -> bool:
    """True when `url` was found only by re-joining a line break (it is not in `text` as is)."""
    return url not in text and url in re.sub(r"\r?\n", "", text)


def name_from_url(url: str) -> str:
    """A readable name copied out of the URL: `owner/repo`, an arXiv id, `owner/model`."""
    kind = link_kind(url)
    rest = _SCHEME.sub("", url).rstrip("/")
    parts = [p for p in re.split(r"[/?#]", rest) if p]
    path = parts[1:]
    if kind == "arxiv":
        ident = arxiv_id(url)
        if ident:
            return ident
    if kind == "github" and path:
        repo = "/".join(path[:2])
        return repo.removesuffix(".git")
    if kind == "huggingface" and path:
        if path[0] in ("datasets", "spaces", "papers") and len(path) > 1:
            return "/".join(path[1:3]) if path[0] != "papers" else path[1]
        return "/".join(path[:2])
    return rest.split("://", 1)[-1]


_ARXIV_ID = re.compile(r"(?:abs|pdf|html)/(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)")


def arxiv_id(url: str) -> str:
    """The arXiv identifier written in an arXiv or HF-papers URL ("" when there is none)."""
    match = _ARXIV_ID.search(url)
    if match:
        return match.group(1)
    hf = re.search(r"huggingface\.co/papers/(\d{4}\.\d{4,5}(?:v\d+)?)", url)
    return hf.group(1) if hf else ""
