"""A fake Discord for discord.py's real client: one aiohttp server on 127.0.0.1, port 0, that
serves the gateway websocket and the REST routes the bot uses, and records every REST call.

Gateway: op 10 HELLO on connect; op 2 IDENTIFY -> READY (one unavailable guild) and
GUILD_CREATE (a text channel, the bot as member, the threads started so far); op 1 -> op 11.
Tests push dispatches (`dispatch`), e.g. MESSAGE_CREATE or INTERACTION_CREATE built with the
payload helpers. REST under /api/v10: login, channel messages (JSON or multipart with files),
threads from a message (also dispatched as THREAD_CREATE, as Discord does), interaction
callbacks, webhook follow-ups, the command sync PUT; attachment URLs are served here too.
With `echo_posts`, every channel post is also dispatched to the bot as MESSAGE_CREATE, nonce
included, as Discord shows a bot its own messages; `hold_post(n)` keeps the answer to the
n-th post from now back (the post has taken effect) until the returned event is set.

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
LOADING = 1 << 7  # message flag: a deferred interaction response still "thinking"


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
        self.forum_id = self.new_id()  # a forum channel (type 15): each post is a thread
        self.calls: list[Call] = []
        self.dispatched: list[tuple[str, float]] = []
        self.identifies: list[dict[str, Any]] = []
        self.threads: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}  # what the bot posted, as Discord keeps it
        self.originals: dict[str, int] = {}  # interaction token -> its response message id
        self._interaction_channels: dict[str, str] = {}  # token -> channel it was used in
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []  # attachment ids fetched, in order
        self._fail_status: int | None = None
        self.token_valid = True  # False: GET users/@me answers 401, as for a bad token
        self.webhooks_expired = False  # True: follow-ups answer 401 "Invalid Webhook Token"
        self._fail_after = 0
        self._ok_posts = 0
        self._nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self.on_post: Callable[[Call], None] | None = None  # runs after a post took effect
        self.lose_responses = 0  # channel posts that take effect but answer 503 (a lost reply)
        self.retry_after = 40.0  # what a scripted 429 asks for
        self.echo_posts = False  # True: posts come back over the gateway as MESSAGE_CREATE
        self._holds: dict[int, asyncio.Event] = {}  # post number -> released when set
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
            ("PATCH", re.compile(r"channels/(\d+)/messages/(\d+)"), self._edit_message),
            ("GET", re.compile(r"channels/(\d+)/messages/(\d+)"), self._get_message),
            ("DELETE", re.compile(r"channels/(\d+)/messages/(\d+)"), self._delete_message),
            ("POST", re.compile(r"channels/(\d+)/typing"), self._no_content),
            ("POST", re.compile(r"interactions/(\d+)/([^/]+)/callback"), self._callback),
            ("POST", re.compile(r"webhooks/(\d+)/([^/]+)"), self._followup),
            ("PATCH", re.compile(r"webhooks/(\d+)/([^/]+)/messages/@original"),
             self._edit_original),
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

    def hold_post(self, n: int) -> asyncio.Event:
        """Keep the answer to the n-th successful channel post from now (1-based) back,
        after it took effect, until the returned event is set (a post in flight)."""
        released = asyncio.Event()
        self._holds[self._ok_posts + n] = released
        return released

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

    def forum_channel(self) -> dict[str, Any]:
        return {
            "id": str(self.forum_id), "type": 15, "guild_id": str(self.guild_id),
            "name": "paper-questions", "position": 1, "permission_overwrites": [],
            "nsfw": False, "parent_id": None, "topic": None, "last_message_id": None,
            "rate_limit_per_user": 0, "available_tags": [], "default_reaction_emoji": None,
            "default_thread_rate_limit_per_user": 0, "default_sort_order": None,
            "default_forum_layout": 0, "flags": 0,
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

    def forum_post(self, title: str, content: str, *,
                   attachments: Iterable[dict[str, Any]] = (), mention: bool = False,
                   forum_id: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """A new post in a forum as Discord sends it: THREAD_CREATE (a public thread the
        human owns, `newly_created`) and the MESSAGE_CREATE of its starter message, whose id
        is the thread id and which lives in the thread."""
        thread_id = self.new_id()
        thread = {
            "id": str(thread_id), "type": 11, "guild_id": str(self.guild_id),
            "parent_id": str(forum_id or self.forum_id), "owner_id": self.human["id"],
            "name": title, "last_message_id": str(thread_id), "rate_limit_per_user": 0,
            "message_count": 0, "member_count": 1, "flags": 0, "applied_tags": [],
            "thread_metadata": {"archived": False, "auto_archive_duration": 4320,
                                "archive_timestamp": ISO, "locked": False},
        }
        self.threads[thread_id] = thread
        starter = self.message(content, channel_id=thread_id, mention=mention,
                               attachments=attachments)
        starter["id"] = str(thread_id)
        self.messages[thread_id] = starter
        return {**thread, "newly_created": True}, starter

    def keep(self, message: dict[str, Any], *, content_intent: bool = True) -> dict[str, Any]:
        """Hold a person's `message` (a MESSAGE_CREATE payload) as Discord does, so that
        `GET channels/{id}/messages/{id}` serves it; without the Message Content intent that
        read shows no content, embeds or attachments (the bot is not mentioned)."""
        held = dict(message)
        if not content_intent:
            held.update(content="", embeds=[], attachments=[])
        self.messages[int(message["id"])] = held
        return message

    def message_update(self, message: dict[str, Any], content: str) -> dict[str, Any]:
        """The MESSAGE_UPDATE of a person editing `message` (a MESSAGE_CREATE payload) to
        `content`; the bot mention, if it had one, is kept."""
        mention = f"<@{self.app_id}> "
        prefix = mention if str(message["content"]).startswith(mention) else ""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())
        return {**message, "content": prefix + content, "edited_timestamp": stamp}

    def _interaction_base(self, kind: int, channel_id: int | None) -> dict[str, Any]:
        channel = self.text_channel()
        if channel_id is not None and channel_id in self.threads:
            channel = self.threads[channel_id]
        interaction_id = self.new_id()
        self._interaction_channels[f"token-{interaction_id}"] = channel["id"]
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

    def message_command(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        """An INTERACTION_CREATE for the message context menu `name` used on `target` (a
        message payload): Discord resolves the whole target message into the interaction."""
        channel_id = int(target["channel_id"])
        payload = self._interaction_base(2, channel_id)
        if channel_id == self.dm_channel_id:
            payload = self.in_dm(payload)
        payload["data"] = {
            "id": str(self.new_id()), "name": name, "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        return payload

    def in_dm(self, payload: dict[str, Any]) -> dict[str, Any]:
        """`payload` (an INTERACTION_CREATE) as used in the human's DM with the bot."""
        payload = {k: v for k, v in payload.items() if k not in ("guild_id", "member")}
        payload["channel_id"] = str(self.dm_channel_id)
        payload["channel"] = {"id": str(self.dm_channel_id), "type": 1,
                              "recipients": [self.human], "last_message_id": None}
        payload["user"] = self.human
        self._interaction_channels[str(payload["token"])] = str(self.dm_channel_id)
        payload["context"] = 1
        payload["authorizing_integration_owners"] = {"0": str(self.guild_id)}
        return payload

    def click(self, message_id: int, custom_id: str) -> dict[str, Any]:
        """The INTERACTION_CREATE (type 3) of the human pressing the button `custom_id` on
        a message the bot posted; Discord sends that message, components included."""
        message = self.messages[message_id]
        channel_id = int(message["channel_id"])
        payload = self._interaction_base(3, channel_id)
        if channel_id == self.dm_channel_id:
            payload = self.in_dm(payload)
        payload["message"] = message
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        return payload

    def buttons(self, message_id: int) -> list[str]:
        """The custom ids of the buttons on a posted message."""
        rows = self.messages[message_id].get("components") or []
        return [str(c.get("custom_id")) for row in rows for c in row.get("components", [])]

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
            "channels": [self.text_channel(), self.forum_channel()], "threads": list(self.threads.values()),
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

    def _message_reply(self, channel_id: str, call: Call, *,
                       message_id: int | None = None) -> dict[str, Any]:
        body = call.json or {}
        message_id = message_id or self.new_id()
        message = {
            "id": str(message_id), "channel_id": channel_id, "author": self.bot,
            "content": body.get("content") or "", "timestamp": ISO, "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [
                {"id": str(self.new_id()), "filename": f.name, "size": len(f.data),
                 "url": f"{self.base}/attachments/0/{f.name}",
                 "proxy_url": f"{self.base}/attachments/0/{f.name}"}
                for f in call.files
            ],
            "embeds": body.get("embeds") or [], "pinned": False, "type": 0, "flags": 0,
            "components": body.get("components") or [],
        }
        if channel_id != str(self.dm_channel_id):
            message["guild_id"] = str(self.guild_id)
        self.messages[message_id] = message
        return message

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
        if self.echo_posts:
            await self.dispatch("MESSAGE_CREATE", {**reply, "nonce": nonce})
        held = self._holds.pop(self._ok_posts, None)
        if held is not None:
            await held.wait()
        if self.lose_responses > 0:  # the message exists; the bot never hears so
            self.lose_responses -= 1
            return _json({"message": "Service Unavailable", "code": 0}, 503)
        return _json(reply)

    async def _followup(self, request: web.Request, call: Call,
                        match: re.Match[str]) -> web.Response:
        if self.webhooks_expired:
            return _json({"message": "Invalid Webhook Token", "code": 50027}, 401)
        status = self._failing()
        if status is not None:
            return _json({"message": "Service Unavailable", "code": 0}, status)
        return _json(self._message_reply(str(self.channel_id), call))

    async def _edit_original(self, request: web.Request, call: Call,
                             match: re.Match[str]) -> web.Response:
        """PATCH …/messages/@original: the interaction's response message, edited in place
        (the same message id every time: editing twice changes nothing more)."""
        if self.webhooks_expired:
            return _json({"message": "Invalid Webhook Token", "code": 50027}, 401)
        message_id = self.originals.get(match.group(2))
        if message_id is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        before = self.messages.get(message_id, {})
        channel_id = str(before.get("channel_id", self.channel_id))
        shown = self._message_reply(channel_id, call, message_id=message_id)
        # An ephemeral response stays ephemeral; an edited one is no longer "thinking".
        shown["flags"] = before.get("flags", 0) & ~LOADING
        return _json(shown)

    def _known(self, match: re.Match[str]) -> dict[str, Any] | None:
        message = self.messages.get(int(match.group(2)))
        if message is None or message["channel_id"] != match.group(1):
            return None
        return message

    async def _edit_message(self, request: web.Request, call: Call,
                            match: re.Match[str]) -> web.Response:
        message = self._known(match)
        if message is None or int(message.get("flags") or 0) & 64:
            # Ephemeral responses exist only for their interaction's token.
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if message["author"]["id"] != self.bot["id"]:
            return _json({"message": "Cannot edit a message authored by another user",
                          "code": 50005}, 403)
        body = call.json or {}
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content"
                                                                       else "")
        if "attachments" in body or call.files:
            message["attachments"] = [
                {"id": str(self.new_id()), "filename": f.name, "size": len(f.data),
                 "url": f"{self.base}/attachments/0/{f.name}",
                 "proxy_url": f"{self.base}/attachments/0/{f.name}"}
                for f in call.files
            ]
        message["edited_timestamp"] = ISO
        message["flags"] = int(message.get("flags") or 0) & ~LOADING
        return _json(message)

    async def _get_message(self, request: web.Request, call: Call,
                           match: re.Match[str]) -> web.Response:
        message = self._known(match)
        if message is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return _json(message)

    async def _delete_message(self, request: web.Request, call: Call,
                              match: re.Match[str]) -> web.Response:
        if self._known(match) is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        del self.messages[int(match.group(2))]
        return web.Response(status=204)

    def edits(self, channel_id: int | None = None) -> list[Call]:
        """Successful message edits (PATCH of a channel message), in order."""
        channel = str(channel_id) if channel_id else r"\d+"
        pattern = rf"channels/{channel}/messages/\d+"
        return [c for c in self.calls_to(pattern) if c.method == "PATCH" and c.status < 300]

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
        response_id = None
        if kind in (4, 5):
            # The response is a message in the interaction's channel; @original edits it.
            response_id = self.new_id()
            token = match.group(2)
            self.originals[token] = response_id
            channel = self._interaction_channels.get(token, str(self.channel_id))
            data = Call(call.method, call.path, {}, body.get("data") or {}, call.files, 200)
            shown = self._message_reply(channel, data, message_id=response_id)
            shown["flags"] = int((body.get("data") or {}).get("flags") or 0)  # 64: ephemeral
            if kind == 5:
                shown["flags"] |= LOADING  # "… is thinking" until the response is edited
        return _json({"interaction": {
            "id": match.group(1), "type": 2,
            "response_message_id": str(response_id) if response_id else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64),
        }})

    async def _sync_commands(self, request: web.Request, call: Call,
                             match: re.Match[str]) -> web.Response:
        self.commands = [
            # Discord stores context menus (types 2, 3) with an empty description.
            {"description": "", **command, "id": str(self.new_id()),
             "application_id": str(self.app_id),
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
