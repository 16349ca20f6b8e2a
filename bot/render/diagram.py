"""Workflow -> a Unicode text diagram that reads the same in Slack, Discord and a terminal.

    ╭──────────────────────╮
    │ hazy images          │        input / output: rounded boxes
    ╰──────────────────────╯
               │
               ▼
    ╔══════════════════════╗
    ║ WeatherRemoval  [m1] ║        model: double-line box
    ╚══════════════════════╝

Rows come from the workflow's edges (longest path from the inputs); models that share a row
sit side by side when they fit, else they are listed in one stacked box. Technique steps are
not boxes: they are drawn below as aligned `label → note [ids]` lines (`mechanism_lines`).
Everything is measured in terminal cells (wide CJK counts two) and kept within `WIDTH`, and
nothing here is wording: a caller that wants a heading above the mechanisms passes it in from
its template.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.models import Step, Workflow

WIDTH = 72
GAP = 3  # cells between side-by-side boxes
MIN_BOX = 16  # narrower than this and side-by-side boxes become a stacked list
MAX_BOX = 46  # a lone box never grows wider than this, so it stays readable
_KIND_RANK = {"input": 0, "model": 1, "technique": 1, "output": 2}


@dataclass(frozen=True)
class _Frame:
    top: str
    side: str
    bottom: str
    corners: tuple[str, str, str, str]  # top-left, top-right, bottom-left, bottom-right


_ROUND = _Frame("─", "│", "─", ("╭", "╮", "╰", "╯"))
_DOUBLE = _Frame("═", "║", "═", ("╔", "╗", "╚", "╝"))


# --- cell arithmetic -------------------------------------------------------------------------

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


_ONE_CELL = re.compile("[\x00-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u257f]*")


def _cells(ch: str) -> int:
    if ch in _ZERO_WIDTH or unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Display width of `text` in terminal cells."""
    # Runs for every line of every box: skip the per-character lookup when every character
    # is one cell wide (ASCII, Latin, punctuation such as … — “”, arrows, box drawing).
    if text.isascii() or _ONE_CELL.fullmatch(text):
        return len(text)
    return sum(_cells(ch) for ch in text)


def _pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: str) -> str:
    """One line, no control characters, and no backticks: a pasted ``` must not close the
    code block the diagram is shown in."""
    text = _CONTROL.sub(" ", text).replace("`", "ˋ")
    return " ".join(text.split())


def _hard_split(word: str, cells: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and width(current) + _cells(ch) > cells:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, cells: int) -> list[str]:
    """Greedy word wrap to `cells` display cells; overlong words are cut."""
    cells = max(1, cells)
    lines: list[str] = []
    current = ""
    for word in clean(text).split(" "):
        if not word:
            continue
        for piece in _hard_split(word, cells) if width(word) > cells else [word]:
            candidate = f"{current} {piece}" if current else piece
            if width(candidate) <= cells:
                current = candidate
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines or [""]


# --- boxes -----------------------------------------------------------------------------------


def _ids(step: Step) -> str:
    return "[" + ", ".join(step.source_ids) + "]" if step.source_ids else ""


def _content(step: Step, inner: int) -> list[str]:
    lines = wrap(step.label, inner)
    ids = _ids(step)
    if ids:
        if width(lines[-1]) + 2 + width(ids) <= inner:
            lines[-1] = f"{lines[-1]}  {ids}"
        else:
            lines.extend(wrap(ids, inner))
    if step.note and step.kind != "technique":
        lines.extend(wrap(f"({step.note})", inner))
    return lines


def _natural(step: Step) -> int:
    """Inner width a step would like: its longest unwrapped line, capped."""
    one_line = width(clean(step.label)) + (2 + width(_ids(step)) if step.source_ids else 0)
    note = width(clean(step.note)) + 2 if step.note and step.kind != "technique" else 0
    return min(MAX_BOX - 4, max(one_line, note, 8))


def _frame_for(kind: str) -> _Frame:
    return _DOUBLE if kind == "model" else _ROUND


def _box(lines: list[str], inner: int, frame: _Frame) -> list[str]:
    tl, tr, bl, br = frame.corners
    body = [f"{frame.side} {_pad(line, inner)} {frame.side}" for line in lines]
    return [tl + frame.top * (inner + 2) + tr, *body, bl + frame.bottom * (inner + 2) + br]


@dataclass
class _Placed:
    lines: list[str]
    left: int  # column of the box's first cell

    @property
    def box_width(self) -> int:
        return width(self.lines[0])

    @property
    def center(self) -> int:
        return self.left + self.box_width // 2


def _layout_row(steps: list[Step], canvas: int) -> list[_Placed]:
    """Boxes for one row, centred on the canvas: side by side, or one stacked list box."""
    n = len(steps)
    wanted = [_natural(s) + 4 for s in steps]
    if n > 1 and sum(wanted) + GAP * (n - 1) > canvas:
        shared = _share(wanted, canvas - GAP * (n - 1))
        if any(got < want and got < MIN_BOX for got, want in zip(shared, wanted)):
            return [_stacked(steps, canvas)]
        wanted = shared
    contents = [_content(s, w - 4) for s, w in zip(steps, wanted)]
    # Equal heights keep the row's bottom edges (and the arrows below them) level.
    height = max(len(c) for c in contents)
    boxes = [
        _box(c + [""] * (height - len(c)), w - 4, _frame_for(s.kind))
        for s, c, w in zip(steps, contents, wanted)
    ]
    total = sum(wanted) + GAP * (n - 1)
    # canvas//2 - total//2 (not (canvas - total)//2) puts every lone box's centre on the same
    # column, so straight arrows stay straight whatever the box widths.
    left = max(0, canvas // 2 - total // 2)
    placed = []
    for box, w in zip(boxes, wanted):
        placed.append(_Placed(box, left))
        left += w + GAP
    return placed


def _share(wanted: list[int], room: int) -> list[int]:
    """Water-fill `room` cells: narrow boxes keep their width, wide ones split the rest."""
    out = list(wanted)
    pending = sorted(range(len(wanted)), key=lambda i: wanted[i])
    while pending:
        fair = room // len(pending)
        i = pending[0]
        if wanted[i] <= fair:
            out[i] = wanted[i]
            room -= wanted[i]
            pending.pop(0)
            continue
        for j in pending:
            out[j] = fair
        break
    return out


def _stacked(steps: list[Step], canvas: int) -> _Placed:
    inner = min(canvas - 4, max(_natural(s) for s in steps) + 2)
    lines: list[str] = []
    for step in steps:
        body = _content(step, inner - 2)
        lines.append("• " + body[0])
        lines.extend("  " + line for line in body[1:])
    frame = _DOUBLE if any(s.kind == "model" for s in steps) else _ROUND
    box = _box(lines, inner, frame)
    return _Placed(box, max(0, canvas // 2 - width(box[0]) // 2))


def _render_row(row: list[_Placed]) -> list[str]:
    height = len(row[0].lines)
    out = []
    for i in range(height):
        line = ""
        for placed in row:
            line = _pad(line, placed.left) + placed.lines[i]
        out.append(line.rstrip())
    return out


# --- connectors ------------------------------------------------------------------------------


def _connector(above: list[int], below: list[int]) -> list[str]:
    """Arrows from the centres of one row's boxes to the next row's: │, a bar, then ▼."""
    # A centre a cell or two off a centre above (odd/even box widths) would draw a kinked
    # bar; point into the box at the column above instead (still well inside the box).
    below = [next((a for a in above if abs(a - b) <= 2), b) for b in below]
    if above == below:
        return [_marks(above, "│"), _marks(below, "▼")]
    lo, hi = min(above + below), max(above + below)
    bar = []
    for col in range(lo, hi + 1):
        up, down = col in above, col in below
        if up and down:
            ch = "┼"
        elif up:
            ch = "└" if col == lo else "┘" if col == hi else "┴"
        elif down:
            ch = "┌" if col == lo else "┐" if col == hi else "┬"
        else:
            ch = "─"
        bar.append(ch)
    return [_marks(above, "│"), " " * lo + "".join(bar), _marks(below, "▼")]


def _marks(columns: Iterable[int], mark: str) -> str:
    cells = [" "] * (max(columns, default=0) + 1)
    for col in columns:
        cells[col] = mark
    return "".join(cells).rstrip()


# --- rows from edges -------------------------------------------------------------------------


def _rows(workflow: Workflow) -> list[list[Step]]:
    """Non-technique steps layered by longest path along the edges (kind order breaks ties
    and places steps no edge reaches)."""
    flow = [s for s in workflow.steps if s.kind != "technique"]
    ids = {s.id for s in flow}
    edges = [(a, b) for a, b in workflow.edges if a in ids and b in ids and a != b]
    level = {s.id: _KIND_RANK[s.kind] if s.kind != "output" else 0 for s in flow}
    # Longest-path relaxation; bounded by the step count so a cycle cannot loop forever.
    for _ in range(len(flow)):
        changed = False
        for a, b in edges:
            if level[b] < level[a] + 1:
                level[b] = level[a] + 1
                changed = True
        if not changed:
            break
    deepest = max((level[s.id] for s in flow if s.kind != "output"), default=0)
    for s in flow:
        if s.kind == "output":
            level[s.id] = max(level[s.id], deepest + 1)
    rows: dict[int, list[Step]] = {}
    for s in flow:
        rows.setdefault(level[s.id], []).append(s)
    return [rows[k] for k in sorted(rows)]


# --- public ----------------------------------------------------------------------------------


def flow_diagram(workflow: Workflow, *, max_width: int = WIDTH) -> str:
    """The input → model(s) → output boxes and arrows."""
    rows = _rows(workflow)
    if not rows:
        return ""
    natural = max(
        sum(_natural(s) + 4 for s in row) + GAP * (len(row) - 1) for row in rows
    )
    canvas = min(max_width, natural)
    placed_rows = [_layout_row(row, canvas) for row in rows]
    out: list[str] = []
    for i, row in enumerate(placed_rows):
        if i:
            out.extend(_connector([p.center for p in placed_rows[i - 1]], [p.center for p in row]))
        out.extend(_render_row(row))
    return "\n".join(out)


def mechanism_lines(workflow: Workflow, *, max_width: int = WIDTH) -> str:
    """Technique steps: aligned `label → note [ids]` rows when each fits on one line, else one
    stacked entry per step (`[ids] label`, then the note's parts indented, one per line) —
    long titles squeezed into a column wrap into an unreadable staircase."""
    techniques = [s for s in workflow.steps if s.kind == "technique"]
    if not techniques:
        return ""
    aligned = _aligned(techniques, max_width)
    return aligned if aligned is not None else _entries(techniques, max_width)


_INDENT = 2
_ARROW = " → "


_LABEL_COLUMN = 30  # wider labels would leave the notes too narrow a column: stack instead


def _aligned(techniques: list[Step], max_width: int) -> str | None:
    ids_w = max(width(_ids(s)) for s in techniques)
    label_w = max(width(clean(s.label)) for s in techniques)
    if label_w > _LABEL_COLUMN:
        return None
    has_note = any(s.note.strip() for s in techniques)
    arrow_w = width(_ARROW) if has_note else 0
    room = max_width - _INDENT - label_w - arrow_w - (1 + ids_w if ids_w else 0)
    note_w = min(room, max((width(clean(s.note)) for s in techniques), default=0))
    out: list[str] = []
    for step in techniques:
        notes = wrap(step.note, note_w) if step.note.strip() else [""]
        ids = _ids(step)
        for i, note in enumerate(notes):
            label = clean(step.label) if i == 0 else ""
            line = _pad(label, label_w)
            if has_note:
                joint = _ARROW if i == 0 and step.note.strip() else " " * arrow_w
                line += joint + _pad(note, note_w)
            if i == 0 and ids:
                line += " " + ids
            out.append((" " * _INDENT + line).rstrip())
    return "\n".join(out)


def _entries(techniques: list[Step], max_width: int) -> str:
    out: list[str] = []
    for step in techniques:
        ids = _ids(step)
        head = f"{ids} " if ids else ""
        hang = " " * (_INDENT + width(head))
        room = max(10, max_width - width(hang))
        labels = wrap(step.label, room)
        out.append(" " * _INDENT + head + labels[0])
        out.extend(hang + line for line in labels[1:])
        # Title → method → finding reads as a chain, one link per line.
        for part in (p.strip() for p in step.note.split(_ARROW) if p.strip()):
            pieces = wrap("→ " + part, room - 2)
            out.extend(hang + (line if j == 0 else "  " + line) for j, line in enumerate(pieces))
    return "\n".join(line.rstrip() for line in out)


def text_diagram(workflow: Workflow, *, heading: str = "", max_width: int = WIDTH) -> str:
    """The whole diagram: the flow, then (if any) `heading` and the mechanism lines."""
    parts = [flow_diagram(workflow, max_width=max_width)]
    mechanisms = mechanism_lines(workflow, max_width=max_width)
    if mechanisms:
        parts.append("\n".join(wrap(heading, max_width)) + "\n" + mechanisms if heading else mechanisms)
    return "\n\n".join(p for p in parts if p)
