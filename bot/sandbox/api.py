"""What every part of the fake answers with: Discord-style errors, JSON responses, and the
limits Discord enforces on a message payload.

discord.py parses a body as JSON only when the Content-Type is exactly ``application/json``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.sandbox.models import JSON, StoredFile

API_PREFIX = "/api/v10"


class ApiError(Exception):
    """Raised by a handler to answer with a Discord-style JSON error."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message


def unknown_channel() -> ApiError:
    return ApiError(404, 10003, "Unknown Channel")


def unknown_message() -> ApiError:
    return ApiError(404, 10008, "Unknown Message")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json`` (no charset)."""
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(body=json.dumps(body).encode(), status=status, headers=all_headers)


def validate_message(data: JSON, files: list[StoredFile], *, creating: bool) -> None:
    """Refuse a message create/edit payload the way Discord does (400 50035 / 50006)."""
    content = data.get("content") or ""
    if len(content) > 2000:
        raise ApiError(400, 50035, "Invalid Form Body: content must be 2000 or fewer in length")
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        raise ApiError(400, 50035, "Invalid Form Body: embeds must be 10 or fewer in length")
    total = 0
    for e in embeds:
        parts = [e.get("title"), e.get("description"), (e.get("footer") or {}).get("text")]
        parts.append((e.get("author") or {}).get("name"))
        for f in e.get("fields") or []:
            parts += [f.get("name"), f.get("value")]
            if len(f.get("value") or "") > 1024 or len(f.get("name") or "") > 256:
                raise ApiError(400, 50035, "Invalid Form Body: embed field too long")
        if len(e.get("description") or "") > 4096 or len(e.get("title") or "") > 256:
            raise ApiError(400, 50035, "Invalid Form Body: embed title/description too long")
        if len(e.get("fields") or []) > 25:
            raise ApiError(400, 50035, "Invalid Form Body: more than 25 embed fields")
        total += sum(len(p or "") for p in parts)
    if total > 6000:
        raise ApiError(400, 50035, "Invalid Form Body: embeds exceed 6000 characters")
    if creating and not (
        content or embeds or files or data.get("components") or data.get("sticker_ids")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")
