"""Discord's start-up failures as one paragraph each, with the fix and the exit code.

`explain` maps what discord.py and aiohttp raise while logging in and connecting (a rejected
token, a disallowed intent, no network) to a `Failure`; the start-up loop prints its message
and exits with its code, or retries when it is `transient`. `studybot doctor` shows the same
problem and fix in its table. Messages are single lines (the terminal wraps them), so a
failed start stays a few lines long.
"""

from __future__ import annotations

import asyncio

import aiohttp
import discord

from bot.core.records import frozen
from bot.core.settings import Settings
from bot.core.store.locks import ShardsTaken
from bot.ops.exits import EXIT_FAILED, EXIT_INTENTS, EXIT_RUNNING, EXIT_TOKEN, EXIT_UNREACHABLE

PORTAL = "https://discord.com/developers/applications"
STATUS_PAGE = "https://discordstatus.com"

#: Gateway close codes discord.py does not recover from, in Discord's words.
CLOSE_CODES: dict[int, str] = {
    4004: "authentication failed",
    4010: "invalid shard",
    4011: "sharding required",
    4012: "invalid API version",
    4013: "invalid intents",
    4014: "disallowed intents",
}


@frozen
class Failure:
    """Why start-up failed: what happened, how to fix it, the exit code, and whether trying
    again later may help (`transient`: the network, Discord's servers; `reason` is then the
    short cause for a retry line)."""

    exit_code: int
    problem: str
    fix: str
    transient: bool = False
    reason: str = ""

    @property
    def message(self) -> str:
        """The paragraph printed when start-up gives up."""
        return f"{self.problem} Fix: {self.fix}"


def token_fix(settings: Settings) -> str:
    """Where a new token comes from and where it goes."""
    return (
        f"open {PORTAL} → your application → Bot → Reset Token, put the new token in "
        f"DISCORD_TOKEN in {settings.env_file} (or in the environment), then check it with "
        "`studybot doctor`."
    )


def token_rejected(settings: Settings, how: str) -> Failure:
    """HTTP 401 at login or gateway close 4004: the token is wrong or was reset."""
    return Failure(
        EXIT_TOKEN,
        f"Discord rejected the bot token ({how}): the token in DISCORD_TOKEN is wrong, was "
        "reset, or is not a bot token.",
        token_fix(settings),
    )


INTENTS_FIX = (
    f"open {PORTAL} → your application → Bot → Privileged Gateway Intents, switch on Server "
    "Members Intent and save (the bot uses it for welcome posts and to forget members who "
    "leave; Presence and Message Content are not needed)."
)


def intents_disallowed() -> Failure:
    """Gateway close 4014: the privileged Server Members intent is switched off."""
    return Failure(
        EXIT_INTENTS,
        "Discord refused the gateway connection with close code 4014 (disallowed intents): "
        "the bot needs the privileged Server Members intent, which is switched off for this "
        "application.",
        INTENTS_FIX + " Then start the bot again.",
    )


def network_reason(error: BaseException) -> str | None:
    """A short description of `error` if it means Discord could not be reached, else None."""
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return f"DNS lookup of {error.host} failed ({_os_reason(error)})"
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"could not connect to {error.host}:{error.port} ({_os_reason(error)})"
    if isinstance(error, discord.DiscordServerError):
        return f"Discord answered HTTP {error.status} (a problem on Discord's side)"
    if isinstance(error, discord.GatewayNotFound):
        return "Discord did not hand out a gateway address (a problem on Discord's side)"
    if isinstance(error, asyncio.TimeoutError):
        return "the connection timed out"
    if isinstance(error, aiohttp.ClientError):
        return f"{type(error).__name__}: {error}".rstrip(": ")
    return None


def _os_reason(error: aiohttp.ClientConnectorError) -> str:
    cause = error.os_error
    return cause.strerror or str(cause) or type(cause).__name__


NETWORK_FIX = (
    "check that this machine is online and can resolve and reach discord.com and "
    "gateway.discord.gg over HTTPS (port 443), e.g. `curl -I https://discord.com/api/v10/"
    "gateway`; behind a proxy or firewall, allow both hosts. Discord's status: "
    f"{STATUS_PAGE}."
)


def unreachable(attempts: int, reason: str) -> Failure:
    """Discord could not be reached, `attempts` times in a row."""
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    return Failure(
        EXIT_UNREACHABLE,
        f"Gave up after {tries}: Discord could not be reached (last error: {reason}).",
        NETWORK_FIX + " CONNECT_ATTEMPTS sets how many times to try.",
        transient=True,
        reason=reason,
    )


def explain(error: BaseException, settings: Settings) -> Failure | None:
    """The operator's explanation of a start-up error, or None when it is not a known one
    (a bug: the caller logs its traceback)."""
    if isinstance(error, ShardsTaken):
        return Failure(EXIT_RUNNING, error.problem, error.fix)
    if isinstance(error, discord.LoginFailure):
        return token_rejected(settings, "HTTP 401 Unauthorized at login")
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return intents_disallowed()
    if isinstance(error, discord.ConnectionClosed):
        if error.code == 4004:
            return token_rejected(settings, "gateway close code 4004: authentication failed")
        if error.code == 4014:
            return intents_disallowed()
        meaning = CLOSE_CODES.get(error.code)
        if meaning is not None:
            return Failure(
                EXIT_FAILED,
                f"Discord closed the gateway connection with code {error.code} ({meaning}).",
                "this comes from studybot's connection settings, not yours: please report it "
                "with the log.",
            )
    if isinstance(error, discord.HTTPException) and error.status == 429:
        return Failure(
            EXIT_UNREACHABLE,
            "Discord's edge (Cloudflare) is refusing this IP address for now, usually after "
            "more than 10,000 invalid requests (401/403/429) in 10 minutes — often another "
            "process still using an old token.",
            "stop that process, wait up to an hour, and start again.",
        )
    reason = network_reason(error)
    if reason is not None:
        return unreachable(1, reason)
    return None
