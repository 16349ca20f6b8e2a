"""Answer -> Markdown (the CLI's default output and the console bot's reply).

All wording is in `templates/markdown/`; this module only prepares the values the templates
cannot compute themselves (the diagram, the count of sources considered).
"""

from __future__ import annotations

import jinja2

from bot.models import Answer
from bot.render.diagram import flow_diagram, mechanism_lines

TEMPLATE = "markdown/answer.md.j2"


def render_markdown(answer: Answer, *, env: jinja2.Environment) -> str:
    text = env.get_template(TEMPLATE).render(
        answer=answer,
        considered=answer.considered or len(answer.sources),
        flow=flow_diagram(answer.workflow),
        mechanisms=mechanism_lines(answer.workflow),
    )
    return text.strip() + "\n"
