"""The connector base every chat adapter implements (Slack, Discord, the console).

An adapter is entered with `async with` (connect, open sockets), then `run()` serves until the
task is cancelled, then `__aexit__` disconnects. It turns platform payloads into
`bot.chat.Incoming`, calls the `Service` it was given, and posts the `Reply`; it holds no
other reference into the core.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import ClassVar, Self

from bot.chat import Platform


class ChatAdapter(ABC):
    platform: ClassVar[Platform]

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    @abstractmethod
    async def run(self) -> None:
        """Serve until cancelled (or, for the console, until the person quits)."""
