"""👍/👎 under every answer: buttons that outlive the process, recorded through the shared
feedback store (`Service.record_feedback`), acknowledged ephemerally.

The buttons are `DynamicItem`s: their custom_id (`sourcebound:fb:{delivery id}:{up|down}`)
carries everything a click needs, and the pattern is registered with the client at start-up
(`add_dynamic_items`), so a button posted before a restart still works and no view is kept
in memory per message. A 👎 is recorded at once; the ephemeral thanks carries one more
button (`…:why`) that opens a small modal for an optional reason.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Literal

import discord
import jinja2

from adapters.discord.events import PLATFORM
from adapters.discord.targets import NO_MENTIONS
from bot.errors import StoreError
from bot.render.wording import feedback_wording, wording
from bot.service import Service

log = logging.getLogger(__name__)

PREFIX = "sourcebound:fb:"
Action = Literal["up", "down", "why"]
ACTIONS: dict[str, Action] = {"up": "up", "down": "down", "why": "why"}
EMOJI: dict[Action, str] = {"up": "👍", "down": "👎", "why": "✍️"}
REASON_MAX = 1_000  # a note, not an essay; the store clips at 2,000
TIMEOUT = 15 * 60.0

Interaction = discord.Interaction[discord.Client]


def custom_id(ref: int | str, action: Action | Literal["reason"]) -> str:
    return f"{PREFIX}{ref}:{action}"  # at most ~40 of the 100 characters Discord allows


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                     template=re.escape(PREFIX) + r"(?P<ref>[0-9]{1,18}):(?P<action>up|down|why)"):
    def __init__(self, ref: str, action: Action, *, label: str = "") -> None:
        super().__init__(discord.ui.Button(
            style=discord.ButtonStyle.secondary, emoji=EMOJI[action], label=label or None,
            custom_id=custom_id(ref, action),
        ))
        self.ref = ref
        self.action: Action = action

    @classmethod
    async def from_custom_id(cls, interaction: Interaction,  # type: ignore[override]
                             item: discord.ui.Button[discord.ui.View],
                             match: re.Match[str], /) -> FeedbackButton:
        return cls(match["ref"], ACTIONS[match["action"]])

    async def callback(self, interaction: Interaction) -> Any:
        desk = getattr(interaction.client, "feedback_desk", None)
        if not isinstance(desk, FeedbackDesk):  # a client without feedback: say nothing
            log.warning("feedback click %s on a client without a feedback desk", self.ref)
            return
        await desk.click(interaction, self.ref, self.action)


REASON_ID = re.compile(re.escape(PREFIX) + r"(?P<ref>[0-9]{1,18}):reason")


class ReasonModal(discord.ui.Modal):
    """The 👎 reason form. Only drawn here: its submit is handled by
    `FeedbackDesk.on_interaction` from the custom_id alone, so a form opened before a
    restart is still recorded (discord.py forgets its modal objects with the process)."""

    def __init__(self, *, desk: FeedbackDesk, ref: str) -> None:
        super().__init__(title=desk.say("reason_title")[:45], timeout=TIMEOUT,
                         custom_id=custom_id(ref, "reason"))
        self.reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph, required=False, max_length=REASON_MAX,
            placeholder=desk.say("reason_hint")[:100],
        )
        self.add_item(discord.ui.Label(text=desk.say("reason_label")[:45],
                                       component=self.reason))

    async def on_submit(self, interaction: Interaction, /) -> None:
        pass  # see the class docstring


def submitted_text(data: Mapping[str, Any]) -> str:
    """The first text input's value in a modal submit's `data` (inside a label, type 18,
    or an action row, type 1)."""
    for component in data.get("components") or []:
        inner = [component.get("component") or {}, *(component.get("components") or [])]
        for field in inner:
            if field.get("type") == 4:
                return str(field.get("value") or "")
    return ""


class FeedbackDesk:
    """Records clicks and answers the clicker; `view` makes the buttons for an answer."""

    def __init__(self, *, service: Service, env: jinja2.Environment) -> None:
        self._service = service
        self._env = env

    def say(self, name: str, *args: Any) -> str:
        return feedback_wording(self._env, name, *args)

    def view(self, delivery_id: int) -> discord.ui.View:
        view = discord.ui.View(timeout=None)  # the patterns are registered, not the view
        view.add_item(FeedbackButton(str(delivery_id), "up", label=self.say("up_label")))
        view.add_item(FeedbackButton(str(delivery_id), "down", label=self.say("down_label")))
        return view

    async def click(self, interaction: Interaction, ref: str, action: Action) -> None:
        if action == "why":
            await interaction.response.send_modal(ReasonModal(desk=self, ref=ref))
            return
        try:
            stored = await self._service.record_feedback(
                answer_ref=ref, platform=PLATFORM, user=str(interaction.user.id), rating=action
            )
        except StoreError as exc:
            log.warning("feedback on %s not stored: %s", ref, exc)
            await self.tell(interaction, "failed")
            return
        if not stored:
            await self.tell(interaction, "gone")
            return
        if action == "down":
            view = discord.ui.View(timeout=None)
            view.add_item(FeedbackButton(ref, "why", label=self.say("reason_title")))
            await self._tell(interaction, wording(self._env, "discord/feedback.j2",
                                                  "thanks_down"), view=view)
            return
        await self.tell(interaction, "thanks", action)

    async def on_interaction(self, interaction: Interaction) -> None:
        """Every interaction passes here; a reason form's submit is taken."""
        if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
            return
        match = REASON_ID.fullmatch(str(interaction.data.get("custom_id", "")))
        if match is None:
            return
        try:
            await self.reason(interaction, match["ref"], submitted_text(interaction.data))
        except Exception:  # the edge: a bug must still end in a short reply
            log.exception("feedback reason %s failed", interaction.id)
            if not interaction.response.is_done():
                await self.tell(interaction, "failed")

    async def reason(self, interaction: Interaction, ref: str, text: str) -> None:
        if not text.strip():
            await self.tell(interaction, "reason_thanks")
            return
        try:
            await self._service.feedback_reason(
                answer_ref=ref, platform=PLATFORM, user=str(interaction.user.id), reason=text
            )
        except StoreError as exc:
            log.warning("feedback reason on %s not stored: %s", ref, exc)
            await self.tell(interaction, "failed")
            return
        await self.tell(interaction, "reason_thanks")

    async def tell(self, interaction: Interaction, name: str, *args: Any) -> None:
        await self._tell(interaction, self.say(name, *args))

    async def _tell(self, interaction: Interaction, text: str,
                    view: discord.ui.View | None = None) -> None:
        """An ephemeral line to the clicker only (the click's one response)."""
        kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": NO_MENTIONS}
        if view is not None:
            kwargs["view"] = view
        try:
            await interaction.response.send_message(text, **kwargs)
        except discord.HTTPException as exc:  # too late (3 s) or gone: the record stands
            log.warning("feedback acknowledgement %s not shown (%s)", interaction.id,
                        exc.status)
