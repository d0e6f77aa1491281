"""REST plumbing: record every request, inject faults, route it, answer Discord-style.

An unknown route answers 404 (Discord-style JSON) and is remembered in ``unknown_routes``.
Route handlers live in groups (:class:`Routes` subclasses); :class:`Rest` holds the table
(registered in :class:`~bot.sandbox.server.FakeDiscord`); the first route registered that
matches method and path handles a request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
from aiohttp import BodyPartReader, web

from bot.sandbox.api import (
    API_PREFIX,
    ApiError,
    json_response,
    missing_permissions,
    unknown_channel,
    unknown_message,
)
from bot.sandbox.faults import Faults
from bot.sandbox.models import (
    DM,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    RecordedRequest,
    StoredFile,
)
from bot.sandbox.world import World

P = discord.Permissions


@dataclass
class Request:
    """What a REST handler gets: path parameters, query, JSON body and uploaded files."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[StoredFile]
    #: The Authorization header (OAuth2 routes answer per bearer token).
    auth: str = ""


Handler = Callable[[Request], Awaitable[Any]]

#: Routes an OAuth2 app calls with its client credentials or a user's bearer token.
OAUTH_PATHS = frozenset({"/oauth2/token", "/users/@me", "/users/@me/guilds"})


def _not_found() -> web.Response:
    return json_response({"message": "404: Not Found", "code": 0}, 404)


class Rest:
    """The REST side of the fake: the route table and every request the client made."""

    def __init__(self, world: World, faults: Faults) -> None:
        self.world = world
        self.faults = faults
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        #: REST requests currently being handled.
        self.in_flight = 0
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []

    def route(self, method: str, template: str, handler: Handler) -> None:
        """Register ``handler`` for ``METHOD /path/{param}/...``."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, re.compile(f"^{regex}$"), template, handler))

    async def attachment(self, request: web.Request) -> web.StreamResponse:
        """Serve a stored file at the URL its attachment payload names."""
        f = self.world.files.get(int(request.match_info["file_id"]))
        if f is None:
            return web.Response(status=404, text="not found")
        return web.Response(body=f.data, headers={"Content-Type": f.content_type})

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """The catch-all aiohttp handler for ``/api/v10/...``."""
        path = request.path
        if not path.startswith(API_PREFIX):
            self.unknown_routes.append(f"{request.method} {path}")
            return _not_found()
        path = path[len(API_PREFIX) :]
        self.in_flight += 1
        try:
            body, files = await self._read_body(request)
            rec = RecordedRequest(
                method=request.method,
                path=path,
                query=dict(request.query),
                json=body,
                files=[(f.filename, f.data) for f in files],
                headers=dict(request.headers),
            )
            self.requests.append(rec)
            response = await self._handle(rec, request.method, path, body, files)
            rec.status = response.status
            return response
        finally:
            self.in_flight -= 1
            self.world.events.notify()

    def _authorized(self, path: str, headers: dict[str, str]) -> bool:
        """Whether the request carries the bot token the world accepts (interaction callbacks
        and webhooks are addressed by their own token instead)."""
        token = self.world.token
        if token is None or path.startswith(("/interactions/", "/webhooks/")):
            return True
        if path in OAUTH_PATHS:  # the client's own credentials or a bearer token: checked there
            return True
        return headers.get("Authorization") == f"Bot {token}"

    async def _read_body(self, request: web.Request) -> tuple[Any, list[StoredFile]]:
        files: list[StoredFile] = []
        body: Any = None
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if isinstance(part, BodyPartReader):
                    name = part.name or ""
                    raw = await part.read(decode=False)
                    if name == "payload_json":
                        body = json.loads(bytes(raw).decode())
                    elif name.startswith("files["):
                        files.append(
                            StoredFile(
                                id=self.world.ids.next(),
                                filename=part.filename or name,
                                data=bytes(raw),
                                content_type=part.headers.get(
                                    "Content-Type", "application/octet-stream"
                                ),
                            )
                        )
        else:
            raw_text = await request.text()
            if raw_text:
                try:
                    body = json.loads(raw_text)
                except ValueError:
                    body = raw_text
        return body, files

    async def _handle(
        self, rec: RecordedRequest, method: str, path: str, body: Any, files: list[StoredFile]
    ) -> web.Response:
        route_line = f"{method} {path}"
        injected = self.faults.injected(route_line)
        if injected is not None:
            return injected
        if not self._authorized(path, rec.headers):
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        for r_method, regex, template, handler in self._routes:
            if r_method != method:
                continue
            m = regex.match(path)
            if m is None:
                continue
            headers: dict[str, str] = {}
            limited = self.faults.rate_limit(method, template, m.groupdict(), headers)
            if limited is not None:
                return limited
            auth = rec.headers.get("Authorization", "")
            req = Request(method, path, m.groupdict(), dict(rec.query), body, files, auth)
            try:
                result = await handler(req)
            except ApiError as e:
                return json_response({"message": e.message, "code": e.code}, e.status, headers)
            if result is None:
                return web.Response(status=204, headers=headers)
            return json_response(result, 200, headers)
        self.unknown_routes.append(route_line)
        return _not_found()


class Routes:
    """A group of route handlers over the world, with the lookups and permission checks they
    share (each fails the way Discord does)."""

    def __init__(self, world: World) -> None:
        self.world = world

    async def empty_list(self, req: Request) -> Any:
        return []

    async def empty_items(self, req: Request) -> Any:
        return {"items": []}

    async def no_content(self, req: Request) -> Any:
        return None

    def channel(self, cid: str) -> FakeChannel:
        try:
            ch = self.world.channels[int(cid)]
        except (KeyError, ValueError):
            raise unknown_channel() from None
        if ch.deleted:
            raise unknown_channel()
        return ch

    def guild(self, gid: str) -> FakeGuild:
        try:
            return self.world.guilds[int(gid)]
        except (KeyError, ValueError):
            raise ApiError(404, 10004, "Unknown Guild") from None

    def message(self, ch: FakeChannel, mid: str) -> FakeMessage:
        """The message ``mid`` in ``ch``; deleted or elsewhere is unknown (404 10008)."""
        try:
            msg = self.world.messages[int(mid)]
        except (KeyError, ValueError):
            raise unknown_message() from None
        if msg.deleted or msg.channel_id != ch.id:
            raise unknown_message()
        return msg

    def member(self, guild: FakeGuild, uid: str) -> FakeMember:
        try:
            return guild.members[int(uid)]
        except (KeyError, ValueError):
            raise ApiError(404, 10007, "Unknown Member") from None

    def require(self, ch: FakeChannel, *flags: int) -> None:
        """403 50013 unless the bot has every permission in ``flags`` in ``ch``."""
        if ch.type == DM:
            return
        perms = self.world.bot_permissions(ch)
        for flag in flags:
            if not perms & flag:
                raise missing_permissions()

    def check_can_send(self, ch: FakeChannel, files: list[StoredFile]) -> None:
        """What Discord checks before a post: open DMs, or Send Messages (in Threads) and,
        with files, Attach Files."""
        if ch.type == DM:
            if ch.recipient is not None and not ch.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        send = P.send_messages_in_threads.flag if ch.is_thread else P.send_messages.flag
        self.require(ch, P.view_channel.flag, send)
        if files:
            self.require(ch, P.attach_files.flag)
