"""A fake Discord for discord.py's real client: one aiohttp server on 127.0.0.1, port 0, that
serves the gateway websocket and the REST routes the bot uses, and records every REST call.

Gateway: op 10 HELLO on connect; op 2 IDENTIFY -> READY (one unavailable guild) and
GUILD_CREATE (a text channel, the bot as member, the threads started so far); op 1 -> op 11.
Tests push dispatches (`dispatch`), e.g. MESSAGE_CREATE or INTERACTION_CREATE built with the
payload helpers. REST under /api/v10: login, channel messages (JSON or multipart with files),
threads from a message (also dispatched as THREAD_CREATE, as Discord does), interaction
callbacks, webhook follow-ups, the command sync PUT; attachment URLs are served here too.

discord.py reads a REST body as JSON only when Content-Type is exactly `application/json`,
so responses are built by hand (aiohttp's `json_response` appends a charset).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import WSMsgType, web

API = "/api/v10"
EPOCH_MS = 1420070400000  # Discord's snowflake epoch
ISO = "2024-05-01T12:00:00.000000+00:00"


@dataclass
class FakeFile:
    name: str
    data: bytes
    content_type: str


@dataclass
class Call:
    method: str
    path: str  # below /api/v10, e.g. "channels/123/messages"
    query: dict[str, str]
    json: Any
    files: list[FakeFile]
    status: int
    at: float = field(default_factory=time.monotonic)

    @property
    def content(self) -> str:
        return str((self.json or {}).get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list((self.json or {}).get("embeds") or [])

    def text(self) -> str:
        """Everything a reader sees: content plus embed titles and descriptions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
        return "\n".join(p for p in parts if p)


Route = tuple[str, re.Pattern[str], Callable[[web.Request, Call, re.Match[str]], Awaitable[Any]]]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


class FakeDiscord:
    def __init__(self) -> None:
        ids = itertools.count(1)
        # Realistic snowflakes (discord.py's mention regex wants 15-20 digits).
        self._ids = (((int(time.time() * 1000) - EPOCH_MS) << 22) + n for n in ids)
        self.app_id = self.new_id()
        self.bot = self.user(self.app_id, "Sourcebound", bot=True)
        self.human = self.user(self.new_id(), "researcher")
        self.guild_id = self.new_id()
        self.channel_id = self.new_id()
        self.dm_channel_id = self.new_id()
        self.calls: list[Call] = []
        self.dispatched: list[tuple[str, float]] = []
        self.identifies: list[dict[str, Any]] = []
        self.threads: dict[int, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []  # attachment ids fetched, in order
        self._fail_status: int | None = None
        self.token_valid = True  # False: GET users/@me answers 401, as for a bad token
        self.webhooks_expired = False  # True: follow-ups answer 401 "Invalid Webhook Token"
        self._fail_after = 0
        self._ok_posts = 0
        self._nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self.on_post: Callable[[Call], None] | None = None  # runs after a post took effect
        self.retry_after = 40.0  # what a scripted 429 asks for
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.commands: list[dict[str, Any]] = []  # the registered global application commands
        self._routes: list[Route] = [
            ("GET", re.compile(r"users/@me"), self._me),
            ("GET", re.compile(r"gateway/bot"), self._gateway_bot),
            ("GET", re.compile(r"oauth2/applications/@me"), self._application),
            ("POST", re.compile(r"channels/(\d+)/messages"), self._post_message),
            ("POST", re.compile(r"channels/(\d+)/messages/(\d+)/threads"), self._start_thread),
            ("POST", re.compile(r"channels/(\d+)/typing"), self._no_content),
            ("POST", re.compile(r"interactions/(\d+)/([^/]+)/callback"), self._callback),
            ("POST", re.compile(r"webhooks/(\d+)/([^/]+)"), self._followup),
            ("PATCH", re.compile(r"webhooks/(\d+)/([^/]+)/messages/@original"), self._followup),
            ("PUT", re.compile(r"applications/(\d+)/commands"), self._sync_commands),
            ("GET", re.compile(r"applications/(\d+)/commands"), self._registered_commands),
        ]

    # -- lifecycle ----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base + API

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def new_id(self) -> int:
        return next(self._ids)

    # -- controls -----------------------------------------------------------------------------

    def fail_posts(self, status: int | None, *, after: int = 0) -> None:
        """Answer channel/webhook message posts with `status` once `after` more succeeded."""
        self._fail_status = status
        self._fail_after = self._ok_posts + after

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        if self._ws is None:
            raise RuntimeError("no client connected to the fake gateway")
        self._seq += 1
        self.dispatched.append((event, time.monotonic()))
        await self._ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def wait_for(
        self, predicate: Callable[[list[Call]], bool], *, timeout: float = 10.0
    ) -> list[Call]:
        """Poll the recorded calls until `predicate` holds (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        while not predicate(self.calls):
            if time.monotonic() > deadline:
                summary = [(c.method, c.path, c.status) for c in self.calls]
                raise AssertionError(f"timed out waiting; calls so far: {summary}")
            await asyncio.sleep(0.02)
        return self.calls

    async def wait_connected(self, *, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self._ws is None or not self.identifies:
            if time.monotonic() > deadline:
                raise AssertionError("the client never identified")
            await asyncio.sleep(0.02)

    def posts(self, channel_id: int | None = None, *, ok: bool = True) -> list[Call]:
        """Message posts (channel messages and webhook follow-ups), successful by default;
        a repeated nonce (status 208 here) created nothing and is not a post."""
        found = []
        for call in self.calls:
            if call.method != "POST" or call.status == 208 or (ok and call.status >= 300):
                continue
            if re.fullmatch(r"channels/\d+/messages", call.path):
                if channel_id is None or call.path == f"channels/{channel_id}/messages":
                    found.append(call)
            elif re.fullmatch(r"webhooks/\d+/[^/]+", call.path) and channel_id is None:
                found.append(call)
        return found

    def calls_to(self, pattern: str) -> list[Call]:
        return [c for c in self.calls if re.fullmatch(pattern, c.path)]

    # -- payload builders ---------------------------------------------------------------------

    @staticmethod
    def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(user_id), "username": name, "global_name": name, "discriminator": "0",
            "avatar": None, "bot": bot, "public_flags": 0, "flags": 0,
        }

    def member(self, user: dict[str, Any]) -> dict[str, Any]:
        return {"user": user, "roles": [], "joined_at": ISO, "deaf": False, "mute": False,
                "flags": 0, "permissions": "0"}

    def text_channel(self) -> dict[str, Any]:
        return {
            "id": str(self.channel_id), "type": 0, "guild_id": str(self.guild_id),
            "name": "research", "position": 0, "permission_overwrites": [], "nsfw": False,
            "parent_id": None, "topic": None, "last_message_id": None, "rate_limit_per_user": 0,
        }

    def attachment(self, name: str, data: bytes, *, content_type: str | None = "text/plain",
                   size: int | None = None) -> dict[str, Any]:
        attachment_id = self.new_id()
        self.files[str(attachment_id)] = data
        url = f"{self.base}/attachments/{attachment_id}/{name}"
        payload: dict[str, Any] = {
            "id": str(attachment_id), "filename": name,
            "size": len(data) if size is None else size, "url": url, "proxy_url": url,
        }
        if content_type:
            payload["content_type"] = content_type
        return payload

    def message(
        self,
        content: str,
        *,
        channel_id: int | None = None,
        dm: bool = False,
        mention: bool = True,
        attachments: Iterable[dict[str, Any]] = (),
        author: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A MESSAGE_CREATE payload from the human; `mention` prefixes the bot mention."""
        author = author or self.human
        if mention:
            content = f"<@{self.app_id}> {content}"
        payload: dict[str, Any] = {
            "id": str(self.new_id()),
            "channel_id": str(channel_id or (self.dm_channel_id if dm else self.channel_id)),
            "author": author, "content": content, "timestamp": ISO, "edited_timestamp": None,
            "tts": False, "mention_everyone": False,
            "mentions": [self.bot] if mention else [], "mention_roles": [],
            "attachments": list(attachments), "embeds": [], "pinned": False, "type": 0,
            "flags": 0,
        }
        if not dm:
            payload["guild_id"] = str(self.guild_id)
            payload["member"] = {k: v for k, v in self.member(author).items() if k != "user"}
        return payload

    def _interaction_base(self, kind: int, channel_id: int | None) -> dict[str, Any]:
        channel = self.text_channel()
        if channel_id is not None and channel_id in self.threads:
            channel = self.threads[channel_id]
        interaction_id = self.new_id()
        return {
            "id": str(interaction_id), "application_id": str(self.app_id), "type": kind,
            "token": f"token-{interaction_id}", "version": 1,
            "guild_id": str(self.guild_id), "channel_id": channel["id"], "channel": channel,
            "member": self.member(self.human), "app_permissions": "0", "locale": "en-US",
            "guild_locale": "en-US", "attachment_size_limit": 10 * 1024 * 1024,
            "entitlements": [], "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
        }

    def command(self, name: str, options: dict[str, Any] | None = None, *,
                attachments: Iterable[dict[str, Any]] = (),
                channel_id: int | None = None) -> dict[str, Any]:
        """An INTERACTION_CREATE for `/name`; attachment options reference `attachments`."""
        payload = self._interaction_base(2, channel_id)
        resolved = {a["id"]: a for a in attachments}
        opts = []
        for key, value in (options or {}).items():
            kind = 11 if isinstance(value, dict) else 3
            opts.append({"name": key, "type": kind,
                         "value": value["id"] if isinstance(value, dict) else value})
        payload["data"] = {"id": str(self.new_id()), "name": name, "type": 1, "options": opts}
        if resolved:
            payload["data"]["resolved"] = {"attachments": resolved}
        return payload

    def modal_submit(self, modal: dict[str, Any], value: str) -> dict[str, Any]:
        """The submit of a modal the bot opened (`modal` is the callback's data) with
        `value` typed into its one text input."""
        payload = self._interaction_base(5, None)
        (label,) = modal["components"]
        field_ = label["component"]
        payload["data"] = {
            "custom_id": modal["custom_id"],
            "components": [{"type": 18, "id": label.get("id", 1), "component": {
                "type": 4, "id": field_.get("id", 2), "custom_id": field_["custom_id"],
                "value": value}}],
        }
        return payload

    # -- gateway ------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            if payload["op"] == 1:
                await ws.send_json({"op": 11})
            elif payload["op"] == 2:
                self.identifies.append(payload["d"])
                await self._ready()
        if self._ws is ws:
            self._ws = None
        return ws

    async def _ready(self) -> None:
        await self.dispatch("READY", {
            "v": 10, "user": self.bot, "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "application": {"id": str(self.app_id), "flags": 0},
        })
        await self.dispatch("GUILD_CREATE", {
            "id": str(self.guild_id), "name": "Lab", "unavailable": False, "member_count": 2,
            "owner_id": self.human["id"], "large": False, "joined_at": ISO, "features": [],
            "channels": [self.text_channel()], "threads": list(self.threads.values()),
            "roles": [{"id": str(self.guild_id), "name": "@everyone", "permissions": "0",
                       "position": 0, "color": 0, "hoist": False, "managed": False,
                       "mentionable": False, "flags": 0}],
            "members": [self.member(self.bot)], "emojis": [], "stickers": [],
            "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "premium_tier": 0, "mfa_level": 0,
            "verification_level": 0, "explicit_content_filter": 0,
            "default_message_notifications": 0, "nsfw_level": 0, "system_channel_flags": 0,
        })

    # -- REST ---------------------------------------------------------------------------------

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["id"])
        self.downloads.append(request.match_info["id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"]
        body, files = await self._body(request)
        call = Call(request.method, path, dict(request.query), body, files, 200)
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if method == request.method and match:
                response = await handler(request, call, match)
                break
        else:
            response = _json({"message": "404: Not Found", "code": 0}, 404)
        if call.status != 208:
            call.status = response.status
        self.calls.append(call)
        return response  # type: ignore[no-any-return]

    @staticmethod
    async def _body(request: web.Request) -> tuple[Any, list[FakeFile]]:
        if request.content_type == "application/json":
            return await request.json(), []
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files: list[FakeFile] = []
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":
                    body = json.loads(data)
                else:
                    files.append(FakeFile(part.filename or "", bytes(data),
                                          part.headers.get("Content-Type", "")))
            return body, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    async def _me(self, request: web.Request, call: Call, match: re.Match[str]) -> web.Response:
        if not self.token_valid:
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        return _json(self.bot)

    async def _application(self, request: web.Request, call: Call,
                           match: re.Match[str]) -> web.Response:
        return _json({
            "id": str(self.app_id), "name": "Sourcebound", "icon": None, "description": "",
            "rpc_origins": [], "bot_public": True, "bot_require_code_grant": False,
            "owner": self.human, "verify_key": "00", "flags": 0, "team": None,
            "summary": "", "interactions_endpoint_url": None,
        })

    def _message_reply(self, channel_id: str, call: Call) -> dict[str, Any]:
        body = call.json or {}
        return {
            "id": str(self.new_id()), "channel_id": channel_id, "author": self.bot,
            "content": body.get("content") or "", "timestamp": ISO, "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [
                {"id": str(self.new_id()), "filename": f.name, "size": len(f.data),
                 "url": f"{self.base}/attachments/0/{f.name}",
                 "proxy_url": f"{self.base}/attachments/0/{f.name}"}
                for f in call.files
            ],
            "embeds": body.get("embeds") or [], "pinned": False, "type": 0, "flags": 0,
        }

    def _failing(self) -> int | None:
        if self._fail_status is not None and self._ok_posts >= self._fail_after:
            return self._fail_status
        self._ok_posts += 1
        return None

    async def _post_message(self, request: web.Request, call: Call,
                            match: re.Match[str]) -> web.Response:
        status = self._failing()
        if status == 429:  # what Discord (behind Cloudflare: the Via header) sends
            response = _json({"message": "You are being rate limited.", "global": False,
                              "retry_after": self.retry_after}, 429)
            response.headers["Via"] = "1.1 google"
            return response
        if status is not None:
            return _json({"message": "Service Unavailable", "code": 0}, status)
        body = call.json or {}
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            # Like Discord: the same nonce again returns the message already created.
            known = self._nonces.get((match.group(1), str(nonce)))
            if known is not None:
                call.status = 208  # not a new post (`posts()` counts only 2xx below 300)
                return _json(known, 200)
        reply = self._message_reply(match.group(1), call)
        if nonce is not None:
            self._nonces[(match.group(1), str(nonce))] = reply
        hook = self.on_post
        if hook is not None:
            hook(call)
        return _json(reply)

    async def _followup(self, request: web.Request, call: Call,
                        match: re.Match[str]) -> web.Response:
        if self.webhooks_expired:
            return _json({"message": "Invalid Webhook Token", "code": 50027}, 401)
        status = self._failing()
        if status is not None:
            return _json({"message": "Service Unavailable", "code": 0}, status)
        return _json(self._message_reply(str(self.channel_id), call))

    async def _start_thread(self, request: web.Request, call: Call,
                            match: re.Match[str]) -> web.Response:
        channel_id, message_id = match.group(1), int(match.group(2))
        if message_id in self.threads:
            return _json({"message": "A thread has already been created for this message",
                          "code": 160004}, 400)
        body = call.json or {}
        thread = {
            "id": str(message_id), "type": 11, "guild_id": str(self.guild_id),
            "parent_id": channel_id, "owner_id": str(self.app_id), "name": body["name"],
            "last_message_id": None, "rate_limit_per_user": 0, "message_count": 0,
            "member_count": 1, "flags": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                "archive_timestamp": ISO, "locked": False},
        }
        self.threads[message_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread, 201)

    async def _callback(self, request: web.Request, call: Call,
                        match: re.Match[str]) -> web.Response:
        body = call.json or {}
        kind = body.get("type")
        flags = (body.get("data") or {}).get("flags", 0)
        return _json({"interaction": {
            "id": match.group(1), "type": 2,
            "response_message_id": str(self.new_id()) if kind in (4, 5) else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64),
        }})

    async def _sync_commands(self, request: web.Request, call: Call,
                             match: re.Match[str]) -> web.Response:
        self.commands = [
            {**command, "id": str(self.new_id()), "application_id": str(self.app_id),
             "version": "1", "default_member_permissions": None, "dm_permission": True}
            for command in (call.json or [])
        ]
        return _json(self.commands)

    async def _gateway_bot(self, request: web.Request, call: Call,
                           match: re.Match[str]) -> web.Response:
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def _registered_commands(self, request: web.Request, call: Call,
                                   match: re.Match[str]) -> web.Response:
        return _json(self.commands)

    async def _no_content(self, request: web.Request, call: Call,
                          match: re.Match[str]) -> web.Response:
        return web.Response(status=204)
