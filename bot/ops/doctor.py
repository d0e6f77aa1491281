"""`studybot doctor`: is this installation ready to run? A table with a fix per problem.

Checks, in order (a check that needs an earlier one to pass is skipped when it failed):
settings (load errors explained), the database (reachable, at the newest migration), the
token (HTTP login, `GET /users/@me`), the privileged intent (the application's flags), and,
per server the bot is in, that each configured channel exists and the bot can see it and post
in it (discord.py computes its permissions from the server's roles and overwrites, fetched
over HTTP: no gateway session, so it is safe while the bot runs). Read-only throughout.
Exit 0 only when nothing failed (warnings, such as "in no server yet", do not fail).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TextIO

import discord
from pydantic import ValidationError

from bot.core.clock import SystemClock
from bot.core.invite import not_in_any_server
from bot.core.records import frozen
from bot.core.settings import Settings, format_settings_error
from bot.core.store import Store
from bot.health.channels import ChannelAudit
from bot.members.api import GuildService
from bot.ops.database import DatabaseState, inspect_database
from bot.ops.exits import EXIT_FAILED, EXIT_OK
from bot.ops.explain import INTENTS_FIX, NETWORK_FIX, explain, token_fix

Status = Literal["ok", "warn", "FAIL", "skip"]


@frozen
class Check:
    """One row of the doctor's table."""

    name: str
    status: Status
    detail: str
    fix: str = ""


def _settings_check(load: Callable[[], Settings]) -> tuple[Settings | None, Check]:
    try:
        settings = load()
    except ValidationError as error:
        lines = format_settings_error(error).splitlines()[1:]
        detail = "; ".join(line.strip() for line in lines)
        fix = "correct the named variables in .env or the environment (see .env.example)"
        return None, Check("settings", "FAIL", detail, fix)
    env = settings.env_file
    source = f"read {env}" if env.is_file() else f"no {env}: the environment only"
    return settings, Check("settings", "ok", f"home {settings.home}; {source}")


#: A database not created yet is a first start, not a failure: `studybot run` creates it.
DATABASE_STATUS: dict[str, Status] = {"ok": "ok", "missing": "warn"}


def _database_check(state: DatabaseState) -> Check:
    status = DATABASE_STATUS.get(state.status, "FAIL")
    return Check("database", status, state.detail, state.fix)


async def _login(client: discord.Client, settings: Settings) -> Check:
    if settings.token is None:
        return Check("token", "FAIL", "DISCORD_TOKEN is not set", token_fix(settings))
    try:
        await client.login(settings.token)
    except Exception as error:
        failure = explain(error, settings)
        if failure is None:
            raise
        if failure.transient:
            return Check(
                "token", "FAIL", f"Discord could not be reached: {failure.reason}", NETWORK_FIX
            )
        return Check("token", "FAIL", failure.problem, failure.fix)
    return Check(
        "token", "ok", f"accepted: logged in as {client.user} (id {client.application_id})"
    )


def _intents_check(client: discord.Client) -> Check:
    flags = client.application_flags
    if flags.gateway_guild_members or flags.gateway_guild_members_limited:
        return Check("intents", "ok", "Server Members Intent is on")
    return Check(
        "intents", "FAIL", "Server Members Intent is off (gateway close 4014)", INTENTS_FIX
    )


async def _guild_checks(
    client: discord.Client, audit: ChannelAudit | None, database: DatabaseState
) -> list[Check]:
    """Per server: each configured channel, or why there is nothing to check."""
    checks: list[Check] = []
    me_id = client.user.id if client.user else 0
    partials = [guild async for guild in client.fetch_guilds(limit=None)]
    if not partials:
        hint = not_in_any_server(client.application_id or me_id)
        return [Check("servers", "warn", "the bot is in no server yet", hint)]
    for partial in partials:
        name = partial.name or str(partial.id)
        if audit is None and database.status != "missing":
            checks.append(Check(name, "skip", "channel checks need the database (see above)"))
            continue
        configured = await audit.configured(partial.id) if audit is not None else []
        if not configured:
            checks.append(
                Check(
                    name,
                    "warn",
                    "no channels configured yet",
                    "`/setup channels daily:#… accountability:#… interview:#…` in that server",
                )
            )
            continue
        assert audit is not None
        guild = await client.fetch_guild(partial.id)
        channels = {channel.id: channel for channel in await guild.fetch_channels()}
        me = await guild.fetch_member(me_id)
        for check in await audit.check(partial.id, channels, me):
            row = f"{name} {check.setting}"
            if check.ok:
                checks.append(Check(row, "ok", f"{check.label}: visible and writable"))
            else:
                checks.append(Check(row, "FAIL", check.problem, check.fix))
    return checks


async def diagnose(load: Callable[[], Settings]) -> list[Check]:
    """Every check, in order (see the module docstring)."""
    settings, settings_row = _settings_check(load)
    if settings is None:
        needs = "needs valid settings"
        return [settings_row, *(Check(n, "skip", needs) for n in ("database", "token", "intents"))]
    state = await inspect_database(settings)
    checks = [settings_row, _database_check(state)]
    client = discord.Client(intents=discord.Intents.none())
    store = Store(settings.database_url) if state.status == "ok" else None
    try:
        token = await _login(client, settings)
        checks.append(token)
        if token.status != "ok":
            checks.append(Check("intents", "skip", "needs a working token"))
            checks.append(Check("servers", "skip", "needs a working token"))
            return checks
        checks.append(_intents_check(client))
        audit = ChannelAudit(store, GuildService(store, SystemClock())) if store else None
        try:
            checks.extend(await _guild_checks(client, audit, state))
        except discord.HTTPException as error:
            checks.append(
                Check("servers", "FAIL", f"Discord answered {error.status}: {error.text}")
            )
    finally:
        await client.close()
        if store is not None:
            await store.close()
    return checks


def render(checks: list[Check]) -> list[str]:
    """The table: status, check, detail; a problem's fix on the line below it."""
    width = max(len(check.name) for check in checks)
    lines = []
    for check in checks:
        lines.append(f"{check.status:<4}  {check.name:<{width}}  {check.detail}")
        if check.fix and check.status in ("FAIL", "warn"):
            lines.append(f"{'':<4}  {'':<{width}}  fix: {check.fix}")
    return lines


async def run_doctor(load: Callable[[], Settings], out: TextIO) -> int:
    """Print the table; EXIT_OK only when no check failed."""
    checks = await diagnose(load)
    for line in render(checks):
        print(line, file=out)
    failed = sum(check.status == "FAIL" for check in checks)
    if failed:
        found = "1 problem found. Fix it" if failed == 1 else f"{failed} problems found. Fix them"
        print(f"\n{found} and run `studybot doctor` again.", file=out)
        return EXIT_FAILED
    print("\nAll checks passed.", file=out)
    return EXIT_OK
