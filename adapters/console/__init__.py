"""The console bot (`sourcebound chat`, and `serve` with no chat tokens): see `adapter`."""

from __future__ import annotations

from adapters.console.adapter import ConsoleAdapter, Spinner, main
from adapters.console.composer import COMMANDS, Composed, Composer

__all__ = ["COMMANDS", "Composed", "Composer", "ConsoleAdapter", "Spinner", "main"]
