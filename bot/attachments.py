"""Attached files as source text: which ones we read, and the refusals for the rest.

Adapters download attachments (size-capped) and hand over bytes; this module decides, with no
chat platform in sight, whether they are text we can read. Discord turns a long paste into
`message.txt`, Slack snippets arrive as `text/plain`, so both are plain text here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from bot.chat import Attachment
from bot.errors import BinaryAttachment, TooLarge, UnsupportedAttachment
from bot.settings import Limits

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".json", ".yaml", ".yml", ".bib"})


def is_text_type(attachment: Attachment) -> bool:
    suffix = PurePosixPath(attachment.name).suffix.lower()
    mimetype = attachment.mimetype.split(";", 1)[0].strip().lower()
    return suffix in TEXT_SUFFIXES or mimetype.startswith("text/")


def decode_attachment(attachment: Attachment, *, limits: Limits) -> str:
    """The attachment as text, or the `InputError` that says why not."""
    if not is_text_type(attachment):
        raise UnsupportedAttachment(
            f"{attachment.name} is not a file type I read "
            f"({', '.join(sorted(TEXT_SUFFIXES))}, or any text/* file)",
            name=attachment.name,
        )
    size = len(attachment.data)
    if size > limits.max_source_bytes:
        raise TooLarge(
            f"{attachment.name} is {size} bytes; the limit is {limits.max_source_bytes}",
            size=size,
            limit=limits.max_source_bytes,
        )
    if b"\x00" in attachment.data:
        raise BinaryAttachment(f"{attachment.name} looks binary (it contains NUL bytes)")
    try:
        text = attachment.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BinaryAttachment(
            f"{attachment.name} is not UTF-8 text (bad byte at offset {exc.start})"
        ) from None
    return text.removeprefix("\ufeff")


def attachments_text(
    attachments: Sequence[Attachment], *, limits: Limits, already: int = 0
) -> list[str]:
    """Decode every attachment; `already` bytes of message text count towards the total."""
    if len(attachments) > limits.max_attachments:
        raise TooLarge(
            f"{len(attachments)} attachments; the limit is {limits.max_attachments}",
            size=len(attachments),
            limit=limits.max_attachments,
        )
    texts = [decode_attachment(a, limits=limits) for a in attachments]
    total = already + sum(len(a.data) for a in attachments)
    if total > limits.max_source_bytes:
        raise TooLarge(
            f"the message and its attachments are {total} bytes together; "
            f"the limit is {limits.max_source_bytes}",
            size=total,
            limit=limits.max_source_bytes,
        )
    return texts
