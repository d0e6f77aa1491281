"""Injected faults: ``fail_next`` error answers and the optional rate-limit mode.

Both are checked before a REST request reaches its handler; every 429 they send is counted.
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TypedDict

from aiohttp import web

from bot.sandbox.api import json_response
from bot.sandbox.models import JSON

RATE_LIMITED = "You are being rate limited."

_ERROR_MESSAGES = {
    10003: "Unknown Channel",
    10008: "Unknown Message",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    50007: "Cannot send messages to this user",
    50013: "Missing Permissions",
    50001: "Missing Access",
    40060: "Interaction has already been acknowledged.",
}


def _glob_to_regex(pattern: str) -> re.Pattern[str]:
    """``POST /channels/*/messages`` -> regex; ``*`` is one path segment, ``**`` anything."""
    method, _, path = pattern.strip().partition(" ")
    if not path:
        method, path = "*", method
    parts = []
    for token in re.split(r"(\*\*|\*)", path):
        if token == "**":
            parts.append(".*")
        elif token == "*":
            parts.append("[^/]+")
        else:
            parts.append(re.escape(token))
    method_re = "[A-Z]+" if method == "*" else re.escape(method.upper())
    return re.compile(f"^{method_re} {''.join(parts)}$")


def window_headers(limit: int, remaining: int, reset_after: float, bucket: str) -> dict[str, str]:
    """The ``X-RateLimit-*`` headers describing a bucket's current window."""
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }


def too_many_requests(
    retry_after: float,
    global_: bool,
    headers: dict[str, str],
    message: str = RATE_LIMITED,
    code: int | None = None,
) -> web.Response:
    """A 429 as Discord's API sends it (``Via``: not a Cloudflare ban, so discord.py retries)."""
    body: JSON = {"message": message, "retry_after": retry_after, "global": global_}
    if code is not None:
        body["code"] = code
    return json_response(body, 429, {"Via": "1.1 google", **headers})


@dataclass
class FaultRule:
    """One ``fail_next``: the requests it matches, the error it answers, the tries left."""

    pattern: str
    regex: re.Pattern[str]
    status: int
    code: int | None
    message: str | None
    retry_after: float
    global_: bool
    times: int

    def response(self) -> web.Response:
        if self.status == 429:
            headers = {
                **window_headers(5, 0, self.retry_after, "sandbox-fault"),
                "X-RateLimit-Scope": "global" if self.global_ else "user",
                "Retry-After": str(max(1, round(self.retry_after))),
            }
            if self.global_:
                headers["X-RateLimit-Global"] = "true"
            message, code = self.message or RATE_LIMITED, self.code or 0
            return too_many_requests(self.retry_after, self.global_, headers, message, code)
        default = {
            400: (50035, "Invalid Form Body"),
            401: (0, "401: Unauthorized"),
            403: (50013, "Missing Permissions"),
            404: (10003, "Unknown Channel"),
        }.get(self.status, (0, f"{self.status}: Server Error"))
        code = self.code if self.code is not None else default[0]
        message = self.message or _ERROR_MESSAGES.get(code, default[1])
        return json_response({"message": message, "code": code}, self.status)


class FaultOptions(TypedDict, total=False):
    """The keyword options of ``fail_next`` (see :meth:`FakeDiscord.fail_next`)."""

    code: int | None
    message: str | None
    retry_after: float
    global_: bool
    times: int


@dataclass
class RateLimitMode:
    """Optional limits (off by default): ``limit`` requests per ``per`` seconds per route and
    major id, and optionally ``global_limit`` per ``global_per`` seconds over all routes but
    interaction callbacks and followups."""

    limit: int
    per: float
    global_limit: int | None = None
    global_per: float = 1.0
    windows: dict[str, tuple[float, int]] = field(default_factory=dict)
    recent: deque[float] = field(default_factory=deque)
    #: 429s sent, by scope.
    route_429s: int = 0
    global_429s: int = 0


class Faults:
    """The error answers queued by ``fail_next`` (rules with tries left) and the rate-limit
    mode, if enabled."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.rate_limit_mode: RateLimitMode | None = None
        #: Every 429 sent, injected or by the rate-limit mode.
        self.rate_limited_count = 0

    def injected(self, route_line: str) -> web.Response | None:
        """The error answer for ``METHOD /path`` if a rule with tries left matches it."""
        for rule in self.rules:
            if rule.times > 0 and rule.regex.match(route_line):
                rule.times -= 1
                if rule.status == 429:
                    self.rate_limited_count += 1
                return rule.response()
        self.rules = [r for r in self.rules if r.times > 0]
        return None

    def rate_limit(
        self, method: str, template: str, params: dict[str, str], headers: dict[str, str]
    ) -> web.Response | None:
        """A 429 if the request is over a limit; else count it and add the bucket's headers."""
        mode = self.rate_limit_mode
        if mode is None or template.startswith("/interactions/"):
            return None
        now = time.monotonic()
        if mode.global_limit and not template.startswith("/webhooks/"):
            while mode.recent and now - mode.recent[0] >= mode.global_per:
                mode.recent.popleft()
            if len(mode.recent) >= mode.global_limit:
                retry = max(0.001, mode.global_per - (now - mode.recent[0]))
                self.rate_limited_count += 1
                mode.global_429s += 1
                global_headers = {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}
                return too_many_requests(retry, True, global_headers)
            mode.recent.append(now)
        major = params.get("channel_id") or params.get("guild_id") or params.get("webhook_id", "")
        key = f"{method} {template}:{major}"
        start, count = mode.windows.get(key, (now, 0))
        if now - start >= mode.per:
            start, count = now, 0
        reset_after = max(0.0, mode.per - (now - start))
        bucket = re.sub(r"\W", "", f"{method}{template}")[:32]
        if count >= mode.limit:
            self.rate_limited_count += 1
            mode.route_429s += 1
            window = window_headers(mode.limit, 0, reset_after, bucket)
            return too_many_requests(reset_after, False, {**window, "X-RateLimit-Scope": "user"})
        count += 1
        mode.windows[key] = (start, count)
        headers.update(window_headers(mode.limit, mode.limit - count, reset_after, bucket))
        return None
