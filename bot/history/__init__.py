"""Conversation history in SQLite: threads, source blocks, questions, answers, deliveries."""

from __future__ import annotations

from bot.history.store import HistoryStore, NewQuestion, StoredSource

__all__ = ["HistoryStore", "NewQuestion", "StoredSource"]
