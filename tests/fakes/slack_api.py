"""A local fake of the Slack Web API on aiohttp (loopback, port 0) that records every call.

    async with FakeSlackApi() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        ...
        calls = await slack.wait_for("chat.postMessage", count=3)

Serves the Web API methods under `/api/<method>`, the upload URLs files_upload_v2 posts to,
`response_url`s of slash commands under `/respond/<id>` and private file downloads under
`/files/<name>` (which, like Slack, require the bot token). `apps.connections.open` takes the
app-level token and returns `socket_url` (set it to a `tests.fakes.slack_socket` endpoint). Failures are scripted per method:
`fail(method, error=…)` for `ok: false`, `rate_limit(method, retry_after=…)` for a 429,
`channel_rate` for Slack's ~1 message/s per-channel limit on chat.postMessage (429 with
Retry-After when exceeded), and `on_call(method, n, hook)` runs `hook` when the n-th call of
`method` has been accepted and before it is answered (the fault tests SIGKILL the bot there);
`hold(method, n)` keeps that answer back until the returned event is set.
Posted messages (with their `metadata`) and shared files are kept per thread and served back
by `conversations.replies` (top-level ones, newest first, by `conversations.history`);
`chat.update` rewrites and `chat.delete` removes them, `files.delete` a shared file; people's
messages are seeded with `add_message` (and `delete_message` deletes one: reading or replying in its
thread is then `thread_not_found`, as on Slack). `views.open` records the view and answers with an id;
`chat.postEphemeral` and `assistant.threads.setStatus` answer ok (script failures with `fail`).
`reject_blocks` names block types that `chat.postMessage`/`chat.update` refuse with
`invalid_blocks`, as Slack does for blocks a workspace does not support.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

import pydantic_core
from aiohttp import web

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0001"
TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"


def _dumps(value: Any) -> str:
    # The bench sends thousands of calls through this fake on the bot's two cores: a faster
    # encoder than json.dumps keeps the harness's share of the CPU small (same JSON).
    try:
        return pydantic_core.to_json(value).decode("utf-8")
    except pydantic_core.PydanticSerializationError:  # a lone surrogate echoed back
        return json.dumps(value)


def _json(payload: dict[str, Any], **kwargs: Any) -> web.Response:
    return web.json_response(payload, dumps=_dumps, **kwargs)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float
    body: bytes = b""
    ok: bool = True  # False when the fake answered with a scripted failure


@dataclass
class _Script:
    status: int = 200
    payload: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    after: int = 0  # let this many calls through before failing


class FakeSlackApi:
    def __init__(self, *, token: str = TOKEN, app_token: str = APP_TOKEN) -> None:
        self.token = token
        self.app_token = app_token
        self.socket_url: str | None = None  # what apps.connections.open hands out
        self.calls: list[Call] = []
        # The same calls by method: `called` and the per-call hook lookup were a scan of
        # every call so far, quadratic over a benchmark run and most of the harness's CPU.
        self._by_method: dict[str, list[Call]] = {}
        self.files: dict[str, bytes] = {}
        self._scripts: dict[str, list[_Script]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.channel_rate: float | None = None  # seconds between posts allowed per channel
        self._last_post: dict[str, float] = {}
        self.threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._deleted: set[tuple[str, str]] = set()
        self._file_names: dict[str, str] = {}
        self._hooks: dict[tuple[str, int], Callable[[], None]] = {}
        self._holds: dict[tuple[str, int], asyncio.Event] = {}
        self.reject_blocks: set[str] = set()

    # --- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # conversations.replies is a GET
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/respond/{hook}", self._respond)
        app.router.add_get("/files/{name}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, hook: str = "hook") -> str:
        return f"{self.base}/respond/{hook}"

    def file_url(self, name: str) -> str:
        return f"{self.base}/files/{name}"

    # --- scripting -----------------------------------------------------------------------------

    def fail(self, method: str, *, error: str = "internal_error", times: int = 1,
             status: int = 200, after: int = 0) -> None:
        """The next `times` calls of `method` (after `after` successful ones) fail."""
        self._scripts.setdefault(method, []).append(
            _Script(status=status, payload={"ok": False, "error": error}, times=times, after=after)
        )

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        self._scripts.setdefault(method, []).append(
            _Script(status=429, payload={"ok": False, "error": "ratelimited"},
                    headers={"Retry-After": str(retry_after)}, times=times)
        )

    def on_call(self, method: str, n: int, hook: Callable[[], None]) -> None:
        """Run `hook` once the n-th call of `method` took effect, before it is answered."""
        self._hooks[(method, n)] = hook

    def hold(self, method: str, n: int) -> asyncio.Event:
        """Let the n-th call of `method` take effect but answer it only once the returned
        event is set (a post that landed while its response is still on the way)."""
        gate = asyncio.Event()
        self._holds[(method, n)] = gate
        return gate

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The bot's messages in a thread, in order: {"text", "metadata", "files"}."""
        return self.threads.get((channel, ts), [])

    def add_message(self, channel: str, ts: str, text: str, *, user: str = "UPOSTER",
                    thread_ts: str | None = None,
                    files: list[dict[str, Any]] | None = None) -> None:
        """A person's message, served by `conversations.replies` like the bot's."""
        self.threads.setdefault((channel, thread_ts or ts), []).append(
            {"text": text, "ts": ts, "metadata": None, "files": files or [], "user": user}
        )

    def delete_message(self, channel: str, ts: str) -> None:
        """A person deleting their message: a thread read of it is then `thread_not_found`."""
        found = self._find(channel, ts)
        if found is not None:
            messages, index = found
            del messages[index]
        self._deleted.add((channel, ts))

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._by_method.setdefault(call.method, []).append(call)

    def _count(self, method: str) -> int:
        return len(self._by_method.get(method, ()))

    def _run_hook(self, method: str) -> None:
        hook = self._hooks.pop((method, self._count(method)), None)
        if hook is not None:
            hook()

    def _scripted(self, method: str) -> _Script | None:
        queue = self._scripts.get(method)
        if not queue:
            return None
        script = queue[0]
        if script.after > 0:
            script.after -= 1
            return None
        script.times -= 1
        if script.times <= 0:
            queue.pop(0)
        return script

    # --- queries -------------------------------------------------------------------------------

    def called(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return [c for c in self._by_method.get(method, ()) if ok is None or c.ok == ok]

    async def wait_for(self, method: str, *, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """At least `count` calls of `method`, polled until `timeout` (then AssertionError)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.called(method)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [c.method for c in self.calls]
                raise AssertionError(f"{len(found)}/{count} {method} calls after {timeout}s: {seen}")
            await asyncio.sleep(0.02)

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no call has arrived for `quiet` seconds (to assert nothing more came)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            last = self.calls[-1].at if self.calls else 0.0
            if time.monotonic() - last >= quiet:
                return
            await asyncio.sleep(0.05)

    # --- handlers ------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], bytes]:
        params: dict[str, Any] = dict(request.query)
        raw = b""
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        else:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                params.update(json.loads(raw))
        return params, raw

    def _authorized(self, request: web.Request, params: dict[str, Any], method: str = "") -> bool:
        # Socket Mode's connection method is the one that takes the app-level token.
        token = self.app_token if method == "apps.connections.open" else self.token
        return (request.headers.get("Authorization") == f"Bearer {token}"
                or params.get("token") == token)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, raw = await self._params(request)
        call = Call(method, params, dict(request.headers), time.monotonic(), raw)
        self._record(call)
        script = self._scripted(method)
        if script is not None:
            call.ok = False
            return _json(script.payload, status=script.status, headers=script.headers)
        if not self._authorized(request, params, method):
            return _json({"ok": False, "error": "invalid_auth"})
        if method in ("chat.postMessage", "chat.update") and self._refused_blocks(params):
            call.ok = False
            return _json({"ok": False, "error": "invalid_blocks",
                                      "errors": ["unsupported block type"]})
        if method == "chat.postMessage" and self.channel_rate is not None:
            channel = str(params.get("channel"))
            last = self._last_post.get(channel, -1e9)
            if call.at - last < self.channel_rate:
                call.ok = False
                return _json({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": str(int(self.channel_rate))})
            self._last_post[channel] = call.at
        payload = self._ok(method, params)
        call.ok = bool(payload.get("ok"))
        self._run_hook(method)
        gate = self._holds.pop((method, self._count(method)), None)
        if gate is not None:
            await gate.wait()
        return _json(payload)

    def _refused_blocks(self, params: dict[str, Any]) -> bool:
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        return any(b.get("type") in self.reject_blocks for b in blocks if isinstance(b, dict))

    def _find(self, channel: str, ts: str) -> tuple[list[dict[str, Any]], int] | None:
        for (chan, _), messages in self.threads.items():
            if chan != channel:
                continue
            for index, message in enumerate(messages):
                if message["ts"] == ts:
                    return messages, index
        return None

    def _ok(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake", "user": "sourcebound",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}
        if method == "chat.postMessage":
            if (str(params.get("channel")), str(params.get("thread_ts"))) in self._deleted:
                return {"ok": False, "error": "thread_not_found"}  # a reply to a deleted message
            ts = f"{1700000000 + next(self._ts)}.000100"
            metadata = params.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            key = (str(params.get("channel")), str(params.get("thread_ts") or ts))
            self.threads.setdefault(key, []).append(
                {"text": params.get("text"), "ts": ts, "metadata": metadata, "files": []}
            )
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts, "bot_id": BOT_ID}}
        if method == "apps.connections.open":
            if self.socket_url is None:
                return {"ok": False, "error": "socket_mode_not_configured"}
            return {"ok": True, "url": self.socket_url}
        if method == "conversations.replies":
            if (str(params.get("channel")), str(params.get("ts"))) in self._deleted:
                return {"ok": False, "error": "thread_not_found"}
            messages = [
                {"type": "message", "ts": m["ts"], "text": m["text"],
                 **({"user": m["user"]} if m.get("user") else {"bot_id": BOT_ID}),
                 **({"metadata": m["metadata"]} if m["metadata"] else {}),
                 **({"files": m["files"]} if m["files"] else {})}
                for m in self.thread(str(params.get("channel")), str(params.get("ts")))
            ]
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "conversations.history":
            # A channel's top-level messages (thread parents included), newest first.
            channel = str(params.get("channel"))
            tops = [m for (chan, thread), messages in self.threads.items() if chan == channel
                    for m in messages[:1] if m["ts"] == thread]
            tops.sort(key=lambda m: float(m["ts"]), reverse=True)
            limit = int(params.get("limit") or 100)
            return {"ok": True, "has_more": len(tops) > limit, "messages": [
                {"type": "message", "ts": m["ts"], "text": m["text"],
                 **({"user": m["user"]} if m.get("user") else {"bot_id": BOT_ID}),
                 **({"metadata": m["metadata"]} if m["metadata"] else {})}
                for m in tops[:limit]
            ]}
        if method == "chat.update":
            found = self._find(str(params.get("channel")), str(params.get("ts")))
            if found is None:
                return {"ok": False, "error": "message_not_found"}
            messages, index = found
            messages[index] = {**messages[index], "text": params.get("text"),
                               "blocks": params.get("blocks")}
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts"),
                    "text": params.get("text")}
        if method == "chat.delete":
            found = self._find(str(params.get("channel")), str(params.get("ts")))
            if found is None:
                return {"ok": False, "error": "message_not_found"}
            messages, index = found
            del messages[index]
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "files.delete":
            # The file goes, and with it the message that only shared it.
            file_id = str(params.get("file"))
            for messages in self.threads.values():
                for message in messages:
                    if any(f.get("id") == file_id for f in message["files"]):
                        message["files"] = [f for f in message["files"]
                                            if f.get("id") != file_id]
                        if not message["files"] and not message["text"]:
                            messages.remove(message)
                        return {"ok": True}
            return {"ok": False, "error": "file_not_found"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000900"}
        if method == "views.open":
            view = params.get("view")
            if isinstance(view, str):
                view = json.loads(view)
            return {"ok": True, "view": {**(view or {}), "id": f"V{next(self._ids):06d}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):06d}"
            self._file_names[file_id] = str(params.get("filename", ""))
            return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(params.get("files", "[]"))
            key = (str(params.get("channel_id")), str(params.get("thread_ts")))
            self.threads.setdefault(key, []).append({
                "text": "", "ts": f"{1700000000 + next(self._ts)}.000100", "metadata": None,
                "files": [{"id": f.get("id"), "name": self._file_names.get(str(f.get("id")))}
                          for f in files],
            })
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        return {"ok": True}

    async def _upload(self, request: web.Request) -> web.Response:
        body = await request.read()
        call = Call("upload", {"file_id": request.match_info["file_id"]}, dict(request.headers),
                    time.monotonic(), body)
        self._record(call)
        script = self._scripted("upload")
        if script is not None:
            call.ok = False
            return web.Response(status=script.status, text="error")
        self._run_hook("upload")
        return web.Response(text=f"OK - {len(body)}")

    async def _respond(self, request: web.Request) -> web.Response:
        params, raw = await self._params(request)
        self._record(Call("response_url", params, dict(request.headers), time.monotonic(), raw))
        return web.Response(text="ok")

    async def _download(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self._record(Call("download", {"name": name}, dict(request.headers), time.monotonic()))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            # What Slack does without a valid token: its sign-in page, status 200.
            return web.Response(text="<html>sign in</html>", content_type="text/html")
        if name not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[name], content_type="application/octet-stream")
