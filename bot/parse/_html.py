"""A whole HTML page pasted as source (a saved digest page, a site's paper page) -> the
Markdown-like text the document model reads.

Only the page's content survives: `<head>`, scripts, styles, navigation, headers and footers
go. Headings become `#` lines; an element whose class names a title (`paper-card-title`,
`post-title`) is a heading too, so each card of a repeated layout becomes an entry; links
with an absolute URL keep their text as `[text](url)`; list items become `- ` lines; every
other block element ends a line. Text stays as the page wrote it (entities as written), so an
evidence sentence is still a span of the block once the markup is removed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_PAGE = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_SKIP = frozenset({"head", "script", "style", "nav", "header", "footer", "noscript", "svg",
                   "form", "button", "template", "iframe"})
_BLOCK = frozenset({"p", "div", "section", "article", "main", "aside", "ul", "ol", "table",
                    "tr", "blockquote", "pre", "dl", "dt", "dd", "figure",
                    "figcaption", "details", "summary", "body", "li", "td", "th"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "source", "wbr", "col", "area"})
_HEADING = re.compile(r"^h([1-6])$")
_TITLE_CLASS = re.compile(r"(?:^|[-_\s])title(?:$|[-_\s])", re.IGNORECASE)
_HASHES = re.compile(r"(?m)^[^\S\n]*#+[^\S\n]*")
_ABSOLUTE = re.compile(r"^https?://", re.IGNORECASE)


def looks_like_html_page(text: str) -> bool:
    return _PAGE.match(text[:4096]) is not None


class _Flatten(HTMLParser):
    def __init__(self) -> None:
        # Entities stay as written: evidence must be a span of the pasted text once markup
        # is removed (names decode them when they are cleaned).
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skip = 0  # depth inside skipped elements
        self.stack: list[str] = []  # open elements: what each closes as
        self.href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag in ("br", "hr") and not self.skip:
                self.out.append("\n")
            return
        if self.skip or tag in _SKIP:
            self.skip += 1
            return
        cls = dict(attrs).get("class") or ""
        level = _HEADING.match(tag)
        if level or (tag in ("div", "span", "p") and _TITLE_CLASS.search(cls)):
            self.out.append("\n\n" + "#" * (int(level.group(1)) if level else 3) + " ")
            self.stack.append("\n\n")
        elif tag == "li":
            self.out.append("\n- ")
            self.stack.append("\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            absolute = href if _ABSOLUTE.match(href) else None
            self.href.append(absolute)
            if absolute:
                self.out.append("[")
            self.stack.append("a")
        elif tag in _BLOCK:
            self.out.append("\n")
            self.stack.append("\n")
        else:
            self.stack.append(" ")  # inline: a tag's edge is a word break (as for the reader)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.skip:
            self.skip -= 1
            return
        if not self.stack:
            return
        close = self.stack.pop()
        if close == "a":
            href = self.href.pop() if self.href else None
            if href:
                self.out.append(f"]({href})")
        else:
            self.out.append(close)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            # Inside a heading or a link the text is one line; elsewhere its lines stay.
            inline = bool(self.stack) and self.stack[-1] in ("a", "\n\n")
            # A page shows "# Notes" in its text literally: no heading of the document.
            self.out.append(" ".join(data.split()) if inline else _HASHES.sub("", data))


    def handle_entityref(self, name: str) -> None:
        if not self.skip:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.skip:
            self.out.append(f"&#{name};")


def page_text(html: str) -> str:
    """The page's content as Markdown-like text (see the module docstring)."""
    parser = _Flatten()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    lines = [ln.strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
