"""`studybot run`: start the bot, and when start-up fails say why in one paragraph.

Before connecting, the database is checked (a database the bot cannot open is exit code 6,
not a traceback from the first migration). Then the bot logs in and connects; a failure is
explained by `bot.ops.explain`: a rejected token or a disallowed intent stops at once with its
exit code, while no network (DNS, refused connection, Discord's 5xx) is retried with an
exponential backoff, one line per attempt, `CONNECT_ATTEMPTS` times.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TextIO

import discord

from bot.app import create_bot
from bot.core.observability.server import MetricsPortError
from bot.core.settings import Settings
from bot.ops.database import inspect_database
from bot.ops.exits import EXIT_DATABASE, EXIT_FAILED, EXIT_OK, EXIT_RUNNING
from bot.ops.explain import Failure, explain, unreachable
from bot.ops.instance_lock import AlreadyRunning, single_process
from bot.studybot import StudyBot

log = logging.getLogger("studybot.startup")

#: The longest wait between two attempts to reach Discord.
MAX_RETRY_SECONDS = 60.0

Sleep = Callable[[float], Awaitable[None]]
BotFactory = Callable[[Settings], StudyBot]


def retry_delays(settings: Settings) -> list[float]:
    """The waits between attempts: CONNECT_RETRY_SECONDS, doubling, at most 60 s."""
    delays, delay = [], settings.connect_retry_seconds
    for _ in range(settings.connect_attempts - 1):
        delays.append(delay)
        delay = min(delay * 2, MAX_RETRY_SECONDS)
    return delays


async def _attempt(settings: Settings, token: str, make_bot: BotFactory) -> Failure | None:
    """Run the bot once; None when it stopped normally, else why it failed."""
    bot = make_bot(settings)
    try:
        async with bot:
            await bot.start(token)
    except MetricsPortError:
        raise  # an operator's configuration problem: the command line explains it
    except Exception as error:
        failure = explain(error, settings)
        if failure is not None:
            return failure
        log.error("studybot stopped on an unexpected error", exc_info=error)
        first = (str(error).strip().splitlines() or [""])[0]
        return Failure(
            EXIT_FAILED,
            f"studybot stopped on an unexpected error ({type(error).__name__}: {first}); "
            "its traceback is in the log above.",
            "if it happens again, report it with that log.",
        )
    return None


async def run_bot(
    settings: Settings,
    err: TextIO,
    *,
    make_bot: BotFactory = create_bot,
    sleep: Sleep = asyncio.sleep,
) -> int:
    """Run until stopped; the exit code (see `bot.ops.exits`). `settings.token` must be set."""
    token = settings.token or ""
    if settings.discord_api_base is not None:
        # Every REST call of this process goes to the shared proxy (it keeps the token's one
        # rate budget for all processes); the gateway URL still comes from it, as Discord's.
        discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    try:
        with single_process(settings.database_url):
            return await _run_alone(settings, token, err, make_bot, sleep)
    except AlreadyRunning as refusal:
        print(refusal, file=err)
        return EXIT_RUNNING


async def _run_alone(
    settings: Settings, token: str, err: TextIO, make_bot: BotFactory, sleep: Sleep
) -> int:
    """`run_bot` once this process holds the database (see `bot.ops.instance_lock`)."""
    database = await inspect_database(settings)
    if not database.usable_by_run:
        print(f"Cannot use the database: {database.detail}. Fix: {database.fix}.", file=err)
        return EXIT_DATABASE
    attempts = settings.connect_attempts
    delays = retry_delays(settings)
    for attempt in range(1, attempts + 1):
        failure = await _attempt(settings, token, make_bot)
        if failure is None:
            return EXIT_OK
        if not failure.transient:
            print(failure.message, file=err, flush=True)
            return failure.exit_code
        line = f"Cannot reach Discord (attempt {attempt} of {attempts}): {failure.reason}"
        if attempt == attempts:
            print(f"{line}.", file=err, flush=True)
            print(unreachable(attempts, failure.reason).message, file=err, flush=True)
            return failure.exit_code
        delay = delays[attempt - 1]
        print(f"{line}; retrying in {delay:g} s.", file=err, flush=True)
        await sleep(delay)
    raise AssertionError("unreachable: the loop returns on its last attempt")
