"""The paste box `/ask` opens when the question came without a source block or a file (and,
with other settings, the question box of "Ask Sourcebound").

Slash command options are single-line; a modal's paragraph field takes up to 4,000 characters
with line breaks intact, which is what a pasted list of models and papers needs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

PASTE_MAX = 4_000  # Discord's limit for a text input's value
TITLE_MAX = 45  # modal title and label
PLACEHOLDER_MAX = 100
TIMEOUT = 15 * 60.0  # a person may take a while to find and paste the sources

OnPaste = Callable[[discord.Interaction[discord.Client], str], Awaitable[None]]
OnError = Callable[[discord.Interaction[discord.Client], Exception], Awaitable[None]]


class PasteModal(discord.ui.Modal):
    """One text field. Defaults: the required paste box; "Ask Sourcebound" uses it for an
    optional question (`required=False`, its own `max_length`)."""

    def __init__(self, *, title: str, label: str, placeholder: str, on_paste: OnPaste,
                 on_error: OnError | None = None, required: bool = True,
                 max_length: int = PASTE_MAX, custom_id: str | None = None) -> None:
        if custom_id is None:
            super().__init__(title=title[:TITLE_MAX], timeout=TIMEOUT)
        else:
            super().__init__(title=title[:TITLE_MAX], timeout=TIMEOUT, custom_id=custom_id)
        self.source: discord.ui.TextInput[PasteModal] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            placeholder=placeholder[:PLACEHOLDER_MAX],
            max_length=min(max_length, PASTE_MAX),
            required=required,
        )
        self.add_item(discord.ui.Label(text=label[:TITLE_MAX], component=self.source))
        self._on_paste = on_paste
        self._on_error = on_error

    async def on_submit(self, interaction: discord.Interaction[discord.Client], /) -> None:
        await self._on_paste(interaction, self.source.value)

    async def on_error(  # type: ignore[override]  # as discord.ui.Modal itself does
        self, interaction: discord.Interaction[discord.Client], error: Exception, /
    ) -> None:
        if self._on_error is None:
            await super().on_error(interaction, error)
        else:
            await self._on_error(interaction, error)
