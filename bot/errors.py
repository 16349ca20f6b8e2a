"""Sourcebound's exceptions. Adapters catch `SourceboundError` at the edge and reply through a
template named by the exception's `code`; nothing below reaches a chat channel as a traceback.

    SourceboundError
    ├── InputError              the person's input cannot be answered as it is
    │   ├── EmptyInput          nothing but whitespace (or only the bot mention)
    │   ├── NoQuestion          a source block but no question in it or beside it
    │   ├── NoSource            a question but no source block, and no thread to reuse one from
    │   ├── TooLarge            over the explicit size limit (block or attachment)
    │   ├── BinaryAttachment    an attachment that is not text
    │   └── UnsupportedAttachment  a file type we do not read
    ├── ConfigError             settings that cannot work (missing file, bad value)
    ├── StoreError              the history database failed
    └── DeliveryError           a chat platform did not take a reply
        ├── Refused             refused for now (429, 5xx, a timeout): retry later
        └── Gone                the place is gone or closed to us: retrying cannot help
"""

from __future__ import annotations


class SourceboundError(Exception):
    code = "internal"

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message or self.code)
        self.details = details


class InputError(SourceboundError):
    code = "bad_input"


class EmptyInput(InputError):
    code = "empty"


class NoQuestion(InputError):
    code = "no_question"


class NoSource(InputError):
    code = "no_source"


class TooLarge(InputError):
    code = "too_large"


class BinaryAttachment(InputError):
    code = "binary_attachment"


class UnsupportedAttachment(InputError):
    code = "unsupported_attachment"


class SourceGone(InputError):
    """The message whose text was to be the source block (a message shortcut's) was deleted,
    or is out of reach, before it could be read."""

    code = "source_gone"


class ConfigError(SourceboundError):
    code = "config"


class StoreError(SourceboundError):
    code = "store"


class DeliveryError(SourceboundError):
    code = "delivery"


class Refused(DeliveryError):
    """Retry later; `retry_after` is the platform's own wait (seconds), when it named one."""

    code = "delivery"

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


class Gone(DeliveryError):
    code = "delivery"
