"""Single strings from a macro template (`templates/feedback/wording.j2` …): wording that is
not a whole message — a modal title, a button label, an ephemeral acknowledgement."""

from __future__ import annotations

from typing import Any

import jinja2


def wording(env: jinja2.Environment, template: str, name: str, *args: Any) -> str:
    """`name`'s macro of `template`, called with `args`, as stripped text."""
    macro = getattr(env.get_template(template).module, name)
    return str(macro(*args)).strip()


def feedback_wording(env: jinja2.Environment, name: str, *args: Any) -> str:
    return wording(env, "feedback/wording.j2", name, *args)
