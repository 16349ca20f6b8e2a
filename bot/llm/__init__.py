"""Optional LLM backend: answers written by an OpenAI-compatible model, verified against the
source block, with the extractive engine as the fallback for every part.

Public surface: `LLMBackend`, `ChatClient`, `LLMUnavailable` (answers reach callers through
`bot.engines.LLMEngine`).
"""

from __future__ import annotations

from bot.llm.backend import LLMBackend
from bot.llm.client import ChatClient, LLMUnavailable

__all__ = ["ChatClient", "LLMBackend", "LLMUnavailable"]
