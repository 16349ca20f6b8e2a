"""Downloading the files attached to a Slack message, with the bot token, size-capped.

The declared `size` is checked before anything is fetched and the bytes are counted while
they arrive, so a lying or growing file never gets past `max_source_bytes`. The token is only
ever sent to Slack's own hosts (or the configured API host, which a test points at a fake).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.chat import Attachment
from bot.errors import TooLarge, UnsupportedAttachment
from bot.settings import Limits

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


class FileFetcher:
    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        token: str,
        limits: Limits,
        trusted_hosts: frozenset[str] = frozenset(),
    ) -> None:
        self._session = session
        self._token = token
        self._limits = limits
        self._trusted = trusted_hosts

    def _trusted_url(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host in self._trusted:
            return True
        return parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))

    async def fetch_all(self, files: list[dict[str, Any]]) -> list[Attachment]:
        readable = [f for f in files if f.get("mode") not in ("tombstone", "hidden_by_limit")]
        if len(readable) > self._limits.max_attachments:
            raise TooLarge(
                f"{len(readable)} files attached; the limit is {self._limits.max_attachments}",
                size=len(readable),
                limit=self._limits.max_attachments,
            )
        return [await self.fetch(f) for f in readable]

    async def fetch(self, file: dict[str, Any]) -> Attachment:
        name = str(file.get("name") or file.get("title") or file.get("id") or "file")
        limit = self._limits.max_source_bytes
        declared = int(file.get("size") or 0)
        if declared > limit:
            raise TooLarge(f"{name} is {declared} bytes; the limit is {limit}", size=declared, limit=limit)
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        if not url or not self._trusted_url(url):
            raise UnsupportedAttachment(f"{name}: no downloadable Slack URL", name=name)
        data = await self._download(url, name=name, limit=limit)
        return Attachment(name=name, data=data, mimetype=str(file.get("mimetype") or ""))

    async def _download(self, url: str, *, name: str, limit: int) -> bytes:
        received = bytearray()
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._session.get(url, headers=headers) as response:
                if response.status != 200:
                    raise UnsupportedAttachment(f"{name}: download failed ({response.status})", name=name)
                # Without a valid token Slack answers 200 with its HTML sign-in page.
                if response.content_type == "text/html" and not name.lower().endswith((".html", ".htm")):
                    raise UnsupportedAttachment(f"{name}: Slack sent a web page, not the file", name=name)
                async for chunk in response.content.iter_chunked(CHUNK):
                    received.extend(chunk)
                    if len(received) > limit:
                        raise TooLarge(f"{name} is over {limit} bytes", size=len(received), limit=limit)
        except aiohttp.ClientError as exc:
            log.warning("downloading attachment %s failed: %s", name, exc)
            raise UnsupportedAttachment(f"{name}: download failed", name=name) from exc
        return bytes(received)
