"""Extractive grounding: `ground(block, question) -> Answer`, pure and deterministic.

Every part of the Answer is taken from the block (evidence sentences, links, names) or built
from the curated vocabulary and phrase data in `bot/ground/data/`; nothing is invented.
"""

from __future__ import annotations

from bot.ground.engine import ground

__all__ = ["ground"]
