"""Chunk a long reply to a platform's message limit without breaking its Markdown.

Chunks end at a paragraph break when one is near, else at a line break; a line longer than a
chunk is cut (at a space when there is one). A ``` code block that spans chunks is closed at
the end of one chunk and reopened, with the same info string, at the start of the next, so
every chunk renders on its own. Lengths are in characters, as Slack and Discord count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FENCE = "```"
CLOSE = "\n" + FENCE
MAX_INFO = 12  # a reopened fence keeps at most this much of the opener's info string
# Room kept in every chunk for a reopened opener ("```" + info + "\n") and a closer ("\n```").
RESERVE = len(FENCE) + MAX_INFO + 1 + len(CLOSE)
MIN_LIMIT = 2 * RESERVE


def _is_fence(line: str) -> bool:
    return line.lstrip().startswith(FENCE)


def _opener(line: str) -> str:
    info = line.strip()[len(FENCE):].strip().strip("`")
    return FENCE + info[:MAX_INFO]


def _cut(line: str, size: int) -> list[str]:
    """Pieces of at most `size` characters, cut after a space in the back half when possible."""
    pieces: list[str] = []
    while len(line) > size:
        at = line.rfind(" ", size // 2, size)
        at = at + 1 if at != -1 else size
        pieces.append(line[:at])
        line = line[at:]
    pieces.append(line)
    return pieces


@dataclass
class _Chunk:
    lines: list[str] = field(default_factory=list)
    # Fence state after each line: the open fence's opener, or None outside a code block.
    states: list[str | None] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(line) for line in self.lines) + max(0, len(self.lines) - 1)

    @property
    def fence(self) -> str | None:
        return self.states[-1] if self.states else None

    def add(self, line: str, state: str | None) -> None:
        self.lines.append(line)
        self.states.append(state)

    def cost_with(self, line: str, state: str | None) -> int:
        return self.size + len(line) + (1 if self.lines else 0) + (len(CLOSE) if state else 0)

    def text(self) -> str:
        return "\n".join(self.lines) + (CLOSE if self.fence else "")


def _paragraph_break(chunk: _Chunk) -> int | None:
    """Index of a blank line outside code in the back half of the chunk, if any."""
    for i in range(len(chunk.lines) - 1, len(chunk.lines) // 2 - 1, -1):
        if i > 0 and not chunk.lines[i].strip() and chunk.states[i] is None:
            return i
    return None


def split_text(text: str, limit: int) -> list[str]:
    """`text` as chunks of at most `limit` characters (see the module docstring)."""
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT} characters, not {limit}")
    if len(text) <= limit:
        return [text] if text.strip() else []

    lines = [piece for line in text.split("\n") for piece in _cut(line, limit - RESERVE)]
    out: list[str] = []
    current = _Chunk()
    fence: str | None = None

    def emit(chunk: _Chunk) -> None:
        body = chunk.text().strip("\n")
        if body.strip():
            out.append(body)

    for line in lines:
        state = (None if fence else _opener(line)) if _is_fence(line) else fence
        while current.lines and current.cost_with(line, state) > limit:
            at = _paragraph_break(current)
            if at is not None:
                head = _Chunk(current.lines[:at], current.states[:at])
                emit(head)
                current = _Chunk(current.lines[at + 1 :], current.states[at + 1 :])
                continue
            emit(current)
            reopened = current.fence
            current = _Chunk()
            if reopened:
                current.add(reopened, reopened)
        current.add(line, state)
        fence = state
    emit(current)
    return out
