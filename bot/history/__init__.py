"""Conversation history in SQLite: threads, source blocks, questions, answers, deliveries."""

from __future__ import annotations

from bot.history.record import NewQuestion, StoredSource
from bot.history.store import HistoryStore

__all__ = ["HistoryStore", "NewQuestion", "StoredSource"]
