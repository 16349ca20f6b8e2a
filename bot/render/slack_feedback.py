"""The 👍/👎 block on the last part of every Slack answer (plain dicts; no slack_sdk).

Two styles: Slack's `feedback_buttons` element in a `context_actions` block (the compact
thumbs Slack draws under AI answers), or two plain buttons in an `actions` block, for
workspaces or clients that refuse the newer block (`SOURCEBOUND_SLACK_FEEDBACK=buttons`, and
the courier's fallback when Slack answers `invalid_blocks`). Both carry the answer's ref in
the value as `up:<ref>` / `down:<ref>` and action ids starting `sourcebound_feedback`.
"""

from __future__ import annotations

from typing import Any, Literal

import jinja2

from bot.render.wording import feedback_wording

FeedbackStyle = Literal["context_actions", "buttons", "off"]
ACTION_PREFIX = "sourcebound_feedback"
BLOCK_PREFIX = "sourcebound_feedback:"

Block = dict[str, Any]


def value(rating: str, ref: str) -> str:
    return f"{rating}:{ref}"


def parse_value(text: str) -> tuple[str, str] | None:
    """(rating, answer ref) from a button value; None when it is not one of ours."""
    rating, _, ref = text.partition(":")
    if rating not in ("up", "down") or not ref:
        return None
    return rating, ref


def feedback_block(ref: str, *, style: FeedbackStyle, env: jinja2.Environment) -> Block | None:
    if style == "off":
        return None
    up_label = feedback_wording(env, "up_label")
    down_label = feedback_wording(env, "down_label")
    # A new block_id per answer: Slack wants one per message iteration (an edit's answer has
    # a new ref), and it keeps a client from reusing an old block's state.
    block_id = f"{BLOCK_PREFIX}{ref}"
    if style == "context_actions":
        return {
            "type": "context_actions",
            "block_id": block_id,
            "elements": [{
                "type": "feedback_buttons",
                "action_id": ACTION_PREFIX,
                "positive_button": {"text": {"type": "plain_text", "text": "👍"},
                                    "value": value("up", ref),
                                    "accessibility_label": up_label},
                "negative_button": {"text": {"type": "plain_text", "text": "👎"},
                                    "value": value("down", ref),
                                    "accessibility_label": down_label},
            }],
        }
    return {
        "type": "actions",
        "block_id": block_id,
        "elements": [
            {"type": "button", "action_id": f"{ACTION_PREFIX}_up",
             "text": {"type": "plain_text", "text": "👍", "emoji": True},
             "value": value("up", ref), "accessibility_label": up_label},
            {"type": "button", "action_id": f"{ACTION_PREFIX}_down",
             "text": {"type": "plain_text", "text": "👎", "emoji": True},
             "value": value("down", ref), "accessibility_label": down_label},
        ],
    }
