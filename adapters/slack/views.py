"""The two Slack modals (plain dicts): "Ask Sourcebound" on a message, and a 👎's reason.

What a submission needs travels in the view's `private_metadata` (at most 3,000 characters:
ids only, never message text), so any process can handle it, before or after a restart.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2

from bot.render.wording import feedback_wording, wording

ASK_VIEW = "sourcebound_ask"
REASON_VIEW = "sourcebound_feedback_reason"
QUESTION_BLOCK = "question"
REASON_BLOCK = "reason"
METADATA_CHARS = 3_000
TITLE_CHARS = 24  # Slack's limit for a modal title and its buttons

View = dict[str, Any]


def _plain(text: str, limit: int = 3_000) -> dict[str, Any]:
    clipped = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": clipped, "emoji": True}


def _modal(callback_id: str, metadata: dict[str, str], *, title: str, submit: str,
           close: str, blocks: list[dict[str, Any]]) -> View:
    private = json.dumps(metadata, separators=(",", ":"))
    if len(private) > METADATA_CHARS:
        raise ValueError("private_metadata over Slack's limit")
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private,
        "title": _plain(title, TITLE_CHARS),
        "submit": _plain(submit, TITLE_CHARS),
        "close": _plain(close, TITLE_CHARS),
        "blocks": blocks,
    }


def _input(block_id: str, *, label: str, hint: str, max_length: int,
           placeholder: str | None = None, multiline: bool = True) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": block_id,
                               "multiline": multiline, "max_length": max_length}
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    return {"type": "input", "block_id": block_id, "optional": True,
            "label": _plain(label, 2_000), "hint": _plain(hint, 2_000), "element": element}


def ask_view(env: jinja2.Environment, metadata: dict[str, str], *, max_question: int) -> View:
    def say(name: str) -> str:
        return wording(env, "ask/wording.j2", name)

    return _modal(
        ASK_VIEW, metadata, title=say("title"), submit=say("submit"), close=say("cancel"),
        blocks=[_input(QUESTION_BLOCK, label=say("label"), hint=say("hint"),
                       placeholder=say("placeholder"), max_length=max_question)],
    )


def reason_view(env: jinja2.Environment, metadata: dict[str, str], *, max_reason: int) -> View:
    def say(name: str) -> str:
        return feedback_wording(env, name)

    return _modal(
        REASON_VIEW, metadata, title=say("reason_title"), submit=say("reason_submit"),
        close=say("cancel"),
        blocks=[_input(REASON_BLOCK, label=say("reason_label"), hint=say("reason_hint"),
                       max_length=max_reason)],
    )


def submitted(view: dict[str, Any], block_id: str) -> str:
    """The text typed into the input `block_id` of a submitted view ("" when left empty)."""
    values = ((view.get("state") or {}).get("values") or {}).get(block_id) or {}
    value = (values.get(block_id) or {}).get("value")
    return str(value or "")


def metadata_of(view: dict[str, Any]) -> dict[str, str]:
    """The view's private_metadata; {} when it is not ours (malformed or missing)."""
    try:
        data = json.loads(str(view.get("private_metadata") or ""))
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}
