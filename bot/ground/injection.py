"""Prompt-injection sentences in a pasted block: text addressed to the assistant, not a source.

Flagged sentences never become evidence, and a URL that occurs only inside them never becomes a
link. Detection is by pattern; a false positive costs one sentence, a miss could cost a user.
"""

from __future__ import annotations

import re

_PATTERNS = (
    (r"\bignore\b[^.!?\n]{0,40}\b(previous|prior|above|earlier|all|any|the user'?s?|these|those|your)\b"
    r"[^.!?\n]{0,30}\b(instruction|prompt|question|source|rule|message|direction|context)"),
    r"\bdisregard\b[^.!?\n]{0,60}\b(instruction|prompt|question|source|rule|above|previous)",
    r"\bforget\b[^.!?\n]{0,30}\b(instruction|prompt|everything|previous|above)",
    r"\b(system|developer|admin|important)\s+(note|message|prompt|instruction|override)s?\b",
    r"\b(note|message|instructions?)\s+(for|to)\s+(the\s+)?(assistant|ai|bot|model|llm|chatbot)\b",
    r"\bnew instructions?\b",
    r"\byou are now\b",
    r"\bact as\b[^.!?\n]{0,30}\b(assistant|ai|bot|system)\b",
    (r"\b(tell|instruct|ask|urge)\s+(the\s+)?(user|them|people|readers?)\s+to\s+"
    r"(install|run|download|execute|visit|click|paste|enter|send)"),
    (r"\b(run|execute|pipe)\b[^.!?\n]{0,30}\b(script|command|installer|curl|wget|bash|shell)\b"
    r"[^!?\n]{0,30}https?://"),
    r"\bcurl\b[^\n]{0,120}\|\s*(sudo\s+)?(ba|z)?sh\b",
    r"\bwget\b[^\n]{0,120}(\|\s*(ba)?sh|&&)",
    r"\b(do not|don't|never)\s+(mention|tell|reveal|cite|show)\b[^.!?\n]{0,40}\b(user|source|this)",
    r"\breveal\b[^.!?\n]{0,30}\b(system prompt|instructions|secret|token|api key)",
    r"\b(assistant|ai)\s*:\s*(ignore|respond|say|reply)\b",
    r"\brespond only with\b",
)
# Every pattern opens on a word: checking that once up front (instead of per alternative) and
# only at a letter lets the engine skip most positions.
_INJECTION = re.compile(
    r"\b(?=[a-z])(?:" + "|".join(f"(?:{p.removeprefix(chr(92) + 'b')})" for p in _PATTERNS) + ")",
    re.IGNORECASE,
)


# Each pattern needs one of these literally (its opening words, or "://" for the run-a-script
# one); an ordinary abstract sentence holds none, so the regex rarely runs.
_HINTS = (
    "ignore", "disregard", "forget", "system", "developer", "admin", "important", "note",
    "message", "instruct", "you are now", "act as", "tell", "ask", "urge", "://", "curl", "wget",
    "do not", "don't", "never", "reveal", "assistant", "respond", "reply", "say",
)


def is_injection(sentence: str) -> bool:
    low = sentence.lower()
    if not any(h in low for h in _HINTS):
        return False
    return _INJECTION.search(sentence) is not None
