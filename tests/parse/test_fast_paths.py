"""Hand-written fast paths give what the plain patterns they replace give."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parse import _document
from bot.parse._common import MAX_ENTRIES, Line, Parsed, lines_of
from bot.parse._document import _VENUE_TAIL, _cells, _venue_tail, read_document
from bot.parse._markup import (
    _GROUP1,
    _LINK,
    _LINK_FROM_BRACKET,
    _R_LINK,
    _R_LINK_FROM_BRACKET,
    _R_MARK,
    _link_matches,
    _marks_out,
    readable,
)
from bot.parse._request import _END, _HEADING, _LABEL, _may_match

_MARKS = re.compile(r"\*\*|__|`|^#+\s*|^\s*[-*+>]\s+|\|", re.MULTILINE)
_BAR = re.compile(r"(?<!\\)\|(?![^\[]*\]\()")
_TEXT = st.text(alphabet="*_`#->+| \n\ta\u00a0", max_size=40)
_ROW = st.text(alphabet="|[]()\\a ](", max_size=40)


def _reference_cells(row: str) -> list[str]:
    inner = row.strip().removeprefix("|")
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip() for c in _BAR.split(inner)]


@settings(max_examples=400, deadline=None)
@given(_ROW)
def test_cells_split_where_the_bar_pattern_splits(row: str) -> None:
    assert _cells(row) == _reference_cells(row)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_readable_removes_marks_as_the_one_pattern_does(text: str) -> None:
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n[^\S\n]*\n", _MARKS.sub(" ", text)))
    assert readable(text) == "\n\n".join(p for p in paragraphs if p)


def test_a_bar_inside_a_link_label_is_no_cell_boundary() -> None:
    assert _cells("| [a|b](https://x.org/p) | c |") == ["[a|b](https://x.org/p)", "c"]


def _reference_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        lines.append(Line(pos, pos + len(body), body, body.strip()))
        pos += len(raw)
    return lines


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab \t\n\r\v\x85\u2028\u00a0", max_size=40))
def test_lines_are_those_of_splitlines(text: str) -> None:
    found = lines_of(text)
    assert found == _reference_lines(text)
    assert all(type(line) is Line for line in found)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="ab (CVPR 2021)[]).,;_\n\u00e9\u0663-", max_size=30))
def test_the_venue_tail_is_what_the_pattern_finds(text: str) -> None:
    fast, slow = _venue_tail(text), _VENUE_TAIL.search(text)
    assert (fast and fast.span()) == (slow and slow.span())


_LINE = st.text(alphabet="ModelsNamTitlSuryAnsw \t#*_-:\u017f\u0131\u0130\u212a\u2022", max_size=24)


@settings(max_examples=800, deadline=None)
@given(st.one_of(_LINE, st.sampled_from(["Name: x", "\u017fummary: x", "T\u0131tle: y",
                                          "## Related Papers", "**Answer:**", "- **GitHub**: z"])))
def test_the_request_line_filter_never_lets_a_match_go(line: str) -> None:
    # IGNORECASE also matches "\u017f" to "s", "\u0131" to "i", the Kelvin sign to "k".
    head, label, end = _may_match(line)
    assert head or not _HEADING.match(line)
    assert label or not _LABEL.match(line)
    assert end or not _END.match(line)


# The patterns as they were before their first-character look-aheads (`_markup`).
_ORIGINALS = {
    "_LINK": r"(?P<bang>!?)\[(?P<label>(?:[^\[\]]++|\[[^\[\]]*+\])*+)\]"
             r"\(\s*<?(?P<url>[^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)",
    "_EMPHASIS": r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)"
                 r"|(?<=\S)_(?![\w_])|`+|~~",
    "_R_LINK": r"!?\[([^\]]*)\]\([^)]*\)",
    "_R_BADGE": r"\[?!\[[^\]]*\]\((?P<url>[^)\s]*)[^)]*\)(?:\]\([^)]*\))?",
}


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(sorted(_ORIGINALS)),
       st.text(alphabet="*_`~![]()<> a\n\"x:/.", max_size=30))
def test_look_ahead_patterns_match_what_the_originals_match(name: str, text: str) -> None:
    from bot.parse import _markup

    fast, slow = getattr(_markup, name), re.compile(_ORIGINALS[name])
    assert [(m.span(), m.groupdict()) for m in fast.finditer(text)] == [
        (m.span(), m.groupdict()) for m in slow.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["github.com/", "arxiv.org/", "huggingface.co/", ".github.io/",
                                 "github.io/", "x", "/", ".", "g"]), max_size=12).map("".join),
       st.lists(st.integers(min_value=0, max_value=80), max_size=6))
def test_bare_hosts_are_found_where_the_host_pattern_finds_them(text: str, steps: list[int]) -> None:
    from bot.urls import _BARE_HOST, _Hosts

    hosts, pos = _Hosts(text), 0
    for step in sorted(steps):  # the scan only moves forward
        pos = max(pos, step)
        m = _BARE_HOST.search(text, pos)
        assert hosts.search(pos) == ((m.start(), m.group(0)) if m else None)


_MARKUP = st.text(alphabet="![]()<>ab:/.| *_`\n", max_size=60)


@settings(max_examples=600, deadline=None)
@given(_MARKUP)
def test_links_found_from_their_bracket_are_the_link_patterns_matches(text: str) -> None:
    expected = [(m.span(), bool(m.group("bang")), m.group("label"), m.group("url"))
                for m in _LINK.finditer(text)]
    assert list(_link_matches(text)) == expected


@settings(max_examples=600, deadline=None)
@given(_MARKUP)
def test_marks_and_links_go_as_their_patterns_take_them(text: str) -> None:
    assert _marks_out(text) == _R_MARK.sub(" ", text)
    if "![" not in text:
        assert _R_LINK_FROM_BRACKET.sub(r"\1", text) == _R_LINK.sub(r"\1", text)


_DATA = Path(__file__).resolve().parent.parent / "data"
_PASTES = sorted([*_DATA.glob("seeds/*.txt"), *_DATA.glob("*/*/source.txt")])
# List items as YAML-like and Markdown pastes write them: plain, quoted, dated, linked,
# nested, under set-up or news sections, under a template's repeated headings.
_ITEM_PARTS = st.sampled_from([
    "name: Plain Value", 'title: "A quoted title of several words"', '"short"', "2024-05-01: news",
    "see [paper](https://arxiv.org/abs/2401.00001)", "https://github.com/a/b", "<b>x</b>",
    "**Bold Name** - a tool", "  - nested item", "1. numbered", "\u201cCurly quoted title here\u201d",
    "year: 2023", "year: 2021", "code: github.com/a/b", "x.org/p",
])
_HEADS = st.sampled_from(["", "# Installation\n\n", "## News\n\n", "### Highlights\n\n",
                          "## Models\n\n", "**Title line**\n",
                          "## A Work [pdf](https://arxiv.org/abs/2401.00002)\n\n"])


@st.composite
def _lists(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        head = draw(_HEADS)
        items = draw(st.lists(st.lists(_ITEM_PARTS, min_size=1, max_size=3), min_size=1, max_size=6))
        parts.append(head + "\n".join("- " + "\n  ".join(item) for item in items))
    return "\n\n".join(parts)


def _both_ways(text: str) -> tuple[Parsed, Parsed]:
    fast = read_document(text)
    original = _document._plain_text
    _document._plain_text = lambda _text: False  # every item through `_item`
    try:
        slow = read_document(text)
    finally:
        _document._plain_text = original
    return fast, slow


@pytest.mark.parametrize("path", _PASTES, ids=lambda p: p.parent.name if p.name == "source.txt" else p.stem)
def test_plain_items_are_read_as_item_reads_them_on_every_paste(path: Path) -> None:
    fast, slow = _both_ways(path.read_text(encoding="utf-8"))
    assert fast == slow


@settings(max_examples=300, deadline=None)
@given(_lists())
def test_plain_items_are_read_as_item_reads_them(text: str) -> None:
    fast, slow = _both_ways(text)
    assert fast == slow


_CITATION = st.lists(st.sampled_from(["Title", "of", "Work", ".", "?", "!", " ", "  ", "\n", "NeurIPS",
                                      "2021", "1999", "20", "19", "7", "CVPR", "'", "&", "-", "x" * 30,
                                      "(oral)", "pp", ":"]), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(_CITATION)
def test_the_title_venue_guard_lets_no_match_go(text: str) -> None:
    want = _document._TITLE_VENUE.match(text)
    got = _document._title_venue(text)
    assert (got and got.groupdict()) == (want and want.groupdict())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="<a \t\n:/](.githubcomarxivorghuggingfaceio", max_size=40))
def test_the_link_hint_is_the_link_hint_pattern(text: str) -> None:
    assert _document._has_link(text) == bool(_document._HAS_LINK.search(text))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="#*_09a \t\n\r\x0b\x85\u2028\u00a0\u3000", max_size=40))
def test_lead_lines_are_the_lines_with_a_label_lead(text: str) -> None:
    want = [line for line in text.splitlines() if line.lstrip()[:1] in _document._LABEL_LEADS]
    assert _document._lead_lines(text) == want


def _scan_eagerly(text: str) -> list[str]:
    """`bot.urls._scan` as it was before bare URLs were looked for only where one can come
    first: the next bare URL always known."""
    from bot import urls

    found: list[str] = []
    if "://" not in text and "github" not in text and ".org/" not in text and ".co/" not in text:
        return found
    pos = 0
    schemed = urls._SCHEMED.search(text)
    hosts = urls._Hosts(text)
    bare = urls._next_bare(hosts, 0)
    while schemed is not None or bare is not None:
        if schemed is not None and schemed.start() < pos:
            schemed = urls._SCHEMED.search(text, pos)
        if bare is not None and bare[0] < pos:
            bare = urls._next_bare(hosts, pos)
        if schemed is not None and (bare is None or schemed.start() <= bare[0]):
            start, fixed_end = schemed.start(), schemed.end()
        elif bare is not None:
            start, fixed_end = bare
        else:
            break
        token = urls._TOKEN.match(text, start)
        if token is None or token.end() <= fixed_end:
            pos = fixed_end
            continue
        raw, end = token.group(0), token.end()
        cleaned = urls.clean_url(raw)
        if cleaned and cleaned == raw:
            piece, piece_end = urls._continuation(text, end)
            joined = urls.clean_url(raw + piece) if piece else ""
            if joined:
                cleaned, end = joined, piece_end
        if cleaned:
            found.append(cleaned)
        pos = end
    return found


_URLISH = st.lists(st.sampled_from([
    "https://", "http://", "github.com/", "arxiv.org/", "huggingface.co/", ".github.io/",
    "www.", "a", "b-c", "/", ".", "\n", "\r\n", " ", "(", ")", "x/y", "-", "_", "@", ":",
    "https://github.com/a/b", "foo.github.io/", "pdf", "<", ">", "2401.00001",
]), max_size=16).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_URLISH)
def test_the_url_scan_finds_what_the_eager_scan_finds(text: str) -> None:
    from bot.urls import _scan

    assert _scan(text) == _scan_eagerly(text)


@settings(max_examples=600, deadline=None)
@given(_MARKUP)
def test_link_texts_replace_links_as_the_link_pattern_does(text: str) -> None:
    from bot.parse._markup import _label

    def original(m: re.Match[str]) -> str:
        return "" if m.group("bang") or "![" in m.group("label") else m.group("label")

    if "![" not in text:
        assert _LINK_FROM_BRACKET.sub(_label, text) == _LINK.sub(original, text)
    assert _R_LINK_FROM_BRACKET.sub(_GROUP1, text) == _R_LINK_FROM_BRACKET.sub(r"\1", text)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["-", "*", "+", "1.", "2)", "10.", " ", "  ", "\t", "\n", "a", ">",
                                 "- ", "* x", "1. y", "\n  - ", "\n   1) ", "\r\n"]),
                min_size=1, max_size=12).map(lambda parts: "- " + "".join(parts)))
def test_an_item_with_a_sub_list_may_nest(text: str) -> None:
    tree = _document._tree(text)
    raw = text.encode()
    for node in tree.walk():
        if node.name == "list_item" and any(c.name in ("bullet_list", "ordered_list")
                                            for c in node.children):
            assert _document._may_nest(_document._slice(raw, node))


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="-*+#_ \t\n\r\x85\u2022\u00a0\u3000aAzZ\u00e9\u00c9\u2028:", max_size=40))
def test_capital_lines_hold_every_line_opening_with_a_capital(text: str) -> None:
    from bot.parse._request import _LEAD, _capital_lines

    def capital(line: str) -> bool:
        return line.lstrip(_LEAD)[:1].isupper()

    assert [ln for ln in _capital_lines(text) if capital(ln)] == [
        ln for ln in text.splitlines() if capital(ln)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["- [a](https://x.org/a)", "- plain", "- **Name** - a tool"]),
                max_size=14))
def test_three_quarters_is_the_count_it_stands_for(texts: list[str]) -> None:
    for test in (_document._has_link, _document._named_item):
        assert _document._three_quarters(texts, test) == (
            sum(1 for t in texts if test(t)) * 4 >= len(texts) * 3)


def _dump(node: Any) -> tuple[Any, ...]:
    """What the reader reads of a block: its kind, byte span, heading level, cells' alignment
    and children."""
    return (node.name, node.srcmap, sorted(node.meta.items()), sorted(node.attrs.items()),
            [_dump(c) for c in node.children])


def _blocks_by_pieces(text: str, piece: int, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setattr(_document, "PIECE", piece)
    return [_dump(n) for n in _document._Blocks(text, text.encode("utf-8", "surrogatepass"))]


@pytest.mark.parametrize("path", _PASTES, ids=lambda p: p.parent.name if p.name == "source.txt" else p.stem)
def test_blocks_parsed_by_pieces_are_the_whole_texts_on_every_paste(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    whole = [_dump(n) for n in _document._tree(text).children]
    for piece in (40, 333, 4096):
        assert _blocks_by_pieces(text, piece, monkeypatch) == whole


# Lines of every block kind the reader enables, and the lines that end, continue or interrupt
# them: indented code, lazy continuations, setext underlines, fences left open, HTML blocks.
_BLOCK_LINES = st.sampled_from([
    "", "", "para text", "# Heading", "Title", "===", "---", "***", "- item", "  - nested",
    "    code or continuation", "1. first", "2) second", "> quoted", "> - quoted item", "```",
    "~~~py", "| a | b |", "|---|:-:|", "| 1 | 2 |", "<div>", "</div>", "<!-- note", "-->",
    "[ref]: https://x.org/r", "  lazy line", "\tTabbed", "- [x](https://github.com/a/b)",
    "\u00e9t\u00e9 \u2014 \u6587", "<details><summary>S</summary>", "</details>",
])


# Lines end as pastes end them: "\n", "\r\n", or an old Mac's "\r" (markdown-it's line ends).
_BLOCK_TEXT = st.lists(st.tuples(_BLOCK_LINES, st.sampled_from(["\n", "\n", "\r\n", "\r"])),
                       max_size=40).map(lambda lines: "".join(a + b for a, b in lines))


@settings(max_examples=400, deadline=None)
@given(_BLOCK_TEXT, st.integers(1, 60))
def test_blocks_parsed_by_pieces_are_the_whole_texts(text: str, piece: int) -> None:
    whole = [_dump(n) for n in _document._tree(text).children]
    with pytest.MonkeyPatch.context() as patch:
        assert _blocks_by_pieces(text, piece, patch) == whole


def test_a_long_paste_is_parsed_only_as_far_as_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # 60 tables of 50 linked rows: the entry cap is met in the 20th, in the second piece.
    def table(k: int) -> str:
        rows = "".join(f"| [Work {k}.{i}](https://x.org/{k}/{i}) | {i} |\n" for i in range(50))
        return f"## Part {k}\n\n| Name | Score |\n|---|---|\n{rows}"
    text = "\n".join(table(k) for k in range(60))
    monkeypatch.setattr(_document, "PIECE", len(text) // 8)
    parsed: list[int] = []
    tree = _document._tree
    monkeypatch.setattr(_document, "_tree", lambda piece: parsed.append(len(piece)) or tree(piece))
    assert len(read_document(text).entries) == MAX_ENTRIES
    assert len(parsed) == 2 and sum(parsed) < len(text) / 2


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["#", "## ", "#### ", "2023-05-20", "2024.1", " ", "\t", "v0.1.5",
                                 "update", ":", "\n", "\r\n", "\r", "x", "-", "\u00e9", "12"]),
                max_size=24).map("".join))
def test_release_headings_are_counted_as_the_line_pattern_counts_them(text: str) -> None:
    assert _document._release_headings(text) == len(_document._RELEASE_HEADING.findall(text))


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["asked", "ASKED", "As\u212aed", "a", "sked", " ", "the following",
                                 "THE FOLLOWING", "question", "QUESTION", "\u0130", "\u00e9",
                                 "\u017f", "\u212a", "\ud800", "\n", "x"]), max_size=12).map("".join))
def test_the_lower_case_phrase_test_is_str_lower(text: str) -> None:
    from bot.parse._request import _lower_holds

    for phrase in ("asked the following question", "ask", "ki", "i"):
        assert _lower_holds(text, phrase) == (phrase in text.lower())
