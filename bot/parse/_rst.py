"""reStructuredText pasted as source (a model zoo page of a project's docs) -> the
Markdown-like text the document model reads.

Only what carries entries is translated: section titles underlined with punctuation become `#`
headings (levels in the order the page first uses each underline), `list-table` directives
become GFM tables (their `:header-rows:` rows the header), `` `text <url>`_ `` links become
`[text](url)`, grid tables (`+---+` borders, `+===+` under the head) become GFM tables too
(a `.. table::` title captions them), line-block bars (`|`) go, and directive options and other directives' markers
are dropped. Cell and paragraph text stays as written.
"""

from __future__ import annotations

import re
from itertools import pairwise

_DIRECTIVE = re.compile(r"(?m)^\.\. [\w-]+::")
_RST_LINK = re.compile(r"`([^`<>\n]+?)\s*<((?:https?://|www\.)[^>\s]+)>`__?")
_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")
_OPTION = re.compile(r"^\s*:[\w-]+:")
_ROW = re.compile(r"^(\s*)\* - ?(.*)$")
_CELL = re.compile(r"^(\s*)- ?(.*)$")
_GRID_BORDER = re.compile(r"^\+(?:[-=]+\+)+$")
MIN_MARKS = 2  # directives or RST links that make a text reStructuredText


def looks_like_rst(text: str) -> bool:
    head = text[:200_000]
    if "::" not in head and ">`_" not in head:
        return False
    return len(_DIRECTIVE.findall(head)) + len(_RST_LINK.findall(head)) >= MIN_MARKS and (
        "](" not in head or ".. list-table::" in head)


def rst_markdown(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    levels: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(".. list-table::"):
            i = _list_table(lines, i, out)
            continue
        if _GRID_BORDER.match(stripped) and i + 1 < len(lines) and lines[i + 1].lstrip().startswith("|"):
            i = _grid_table(lines, i, out)
            continue
        if stripped.startswith(".. table::"):
            # The table's title captions the grid that follows it.
            title = stripped[len(".. table::"):].strip()
            if title:
                out += ["", f"**{_inline(title)}**"]
            i += 1
            continue
        if stripped.startswith(".. ") and "::" in stripped:
            i += 1  # another directive's marker: its indented content is read as text
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        mark = _UNDERLINE.match(nxt)
        if stripped and mark and not _UNDERLINE.match(line) and len(nxt.strip()) >= len(stripped) - 2:
            if mark.group(1) not in levels:
                levels.append(mark.group(1))
            out.append("#" * min(6, levels.index(mark.group(1)) + 1) + " " + _inline(stripped))
            i += 2
            continue
        if _UNDERLINE.match(line) and (not out or not out[-1].strip()):
            i += 1  # an overline
            continue
        if _OPTION.match(line) or stripped == "|":
            out.append("")
        else:
            out.append(_inline(re.sub(r"^(\s*)\| ", r"\1", line)))
        i += 1
    return "\n".join(out)


def _inline(text: str) -> str:
    return _RST_LINK.sub(lambda m: f"[{m.group(1).strip()}]({m.group(2)})", text)


def _grid_table(lines: list[str], i: int, out: list[str]) -> int:
    """Read the grid table (`+----+----+` borders, `|` rows, `+====+` under the head) at
    `lines[i]`; append its GFM table to `out`; the next line's index."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    border = lines[i].strip()
    cuts = [k for k, ch in enumerate(border) if ch == "+"]
    head: list[list[str]] = []
    rows: list[list[str]] = []
    current: list[str] = []
    while i < len(lines):
        line = lines[i][indent:].rstrip()
        if _GRID_BORDER.match(line):
            if current:
                rows.append(current)
                current = []
            if "=" in line:
                head, rows = rows, []
        elif line.startswith("|"):
            cells = [line[a + 1 : b].strip() for a, b in pairwise(cuts)]
            # A cell's next line continues it.
            current = cells if not current else [
                f"{c} {n}".strip() for c, n in zip(current, cells + [""] * (len(current) - len(cells)))]
        else:
            break
        i += 1
    width = len(cuts) - 1
    if width < 1 or not (head or rows):
        return i
    names = [" ".join(r[c] for r in head if c < len(r)).strip() for c in range(width)]
    out += ["", "| " + " | ".join(_inline(n).replace("|", "/") for n in names) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(_inline(c).replace("|", "/") for c in r) + " |" for r in rows]
    out.append("")
    return i


def _list_table(lines: list[str], i: int, out: list[str]) -> int:
    """Read the directive at `lines[i]`; append its GFM table to `out`; the next line's index."""
    title = lines[i].strip()[len(".. list-table::"):].strip()
    indent = len(lines[i]) - len(lines[i].lstrip())
    header_rows = 0
    rows: list[list[str]] = []
    cell_at = -1
    i += 1
    while i < len(lines):
        line = lines[i]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break  # the directive's body has ended
        if (opt := re.match(r"^\s*:header-rows:\s*(\d+)", line)) is not None:
            header_rows = int(opt.group(1))
        elif (row := _ROW.match(line)) is not None:
            rows.append([row.group(2).strip()])
            cell_at = len(row.group(1)) + 2  # where this row's "- " cell marks stand
        elif rows and (cell := _CELL.match(line)) is not None and len(cell.group(1)) == cell_at:
            rows[-1].append(cell.group(2).strip())
        elif rows and line.strip() and not _OPTION.match(line):
            rows[-1][-1] = (rows[-1][-1] + " " + line.strip()).strip()  # a cell's next line
        i += 1
    if title:
        out += ["", f"**{_inline(title)}**"]
    if rows:
        width = max(len(r) for r in rows)
        cells = [[_inline(c.lstrip("| ").strip()).replace("|", "/") for c in r] + [""] * (width - len(r))
                 for r in rows]
        head = cells[: max(1, header_rows)] if header_rows else [[""] * width]
        body = cells[header_rows:]
        out += ["", "| " + " | ".join(" ".join(h[c] for h in head).strip() for c in range(width)) + " |",
                "|" + "---|" * width]
        out += ["| " + " | ".join(r) + " |" for r in body]
        out.append("")
    return i
