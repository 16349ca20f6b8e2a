"""The sentences of an Answer, composed by the jinja templates of `templates/answer/`.

Grounding decides the parts (task, setting spans, intents, focus, gaps); the macros of
`answer/sentences.j2` word them, through the project's one template `Environment`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

TEMPLATE = "answer/sentences.j2"


class Wording:
    def __init__(self, env: jinja2.Environment) -> None:
        self._module: Any = env.get_template(TEMPLATE).module

    def say(self, macro: str, **values: object) -> str:
        """The named macro, filled in, its whitespace collapsed to single spaces."""
        return " ".join(str(getattr(self._module, macro)(**values)).split())

    def table(self, name: str) -> dict[str, str]:
        """A mapping the template defines (cue wording, reader-side pronouns)."""
        return {str(k): str(v) for k, v in getattr(self._module, name).items()}


@lru_cache(maxsize=1)
def default_wording() -> Wording:
    """For callers that pass no environment (the CLI, tests): the project's environment."""
    from bot.render.env import make_environment

    return Wording(make_environment())
