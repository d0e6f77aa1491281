"""`studybot sandbox`: the real bot against the loopback fake Discord, on a fake clock.

Runs a demo guild ("Study Lab": #general, #daily, #accountability, #interview) with a
moderator (morgan) and members (alice in Berlin, bob in New York, kai in Los Angeles).
`time +1d` advances the clock and runs every scheduled job that falls due on the way.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.core.reporting import UNEXPECTED_ERROR_PREFIX

# The tour is split by feature (00_basics.txt, 10_..., ...) and run in file-name order.
DEMO_DIR = Path(__file__).resolve().parent / "sandbox" / "demo"
# Monday 2 March 2026, 07:55 UTC: five minutes before the demo guild's 09:00 (Berlin) post.
SANDBOX_START = datetime(2026, 3, 2, 7, 55, tzinfo=UTC)

DEMO_MEMBERS: tuple[tuple[str, bool, str], ...] = (
    ("morgan", True, "Europe/Berlin"),
    ("alice", False, "Europe/Berlin"),
    ("bob", False, "America/New_York"),
    ("kai", False, "America/Los_Angeles"),
)
#: Roles the demo server has for role rewards (below the bot's role, which may manage them).
DEMO_REWARD_ROLES = ("On a roll", "Busy month")


def is_bot_error(text: str) -> bool:
    return UNEXPECTED_ERROR_PREFIX in text


def database_url(db: str) -> str:
    """`--db`: a database URL as it is (`postgresql+asyncpg://…`, `sqlite+aiosqlite:///…`);
    anything else is the path of a SQLite file."""
    if "://" in db:
        return db
    return f"sqlite+aiosqlite:///{Path(db).expanduser()}"


async def _run(args: argparse.Namespace, out: TextIO, err: TextIO, db_url: str) -> int:
    from pydantic import ValidationError

    from bot import testing
    from bot.core.settings import format_settings_error, load_settings
    from bot.core.store.drivers import missing_driver
    from bot.sandbox import Sandbox
    from bot.sandbox.repl import Repl

    # The environment still applies (a developer's LOG_LEVEL, say); only the database and
    # the start-up wait are the sandbox's own.
    try:
        settings = load_settings(
            home=getattr(args, "home", None),
            database_url=db_url,
            guild_ready_timeout=0.01,
            dev_guild_id=None,
        )
    except ValidationError as error:
        # --db is the sandbox's DATABASE_URL: a bad URL is named like a bad variable.
        print(format_settings_error(error), file=err)
        return 2
    problem = missing_driver(settings.database_url)
    if problem is not None:
        print(problem, file=err)
        return 2
    clock = testing.FakeClock(SANDBOX_START)

    def factory() -> testing.StudyBot:
        return testing.build_bot(settings, clock)

    sandbox = Sandbox(factory, timeout=30.0)
    for name, moderator, zone in DEMO_MEMBERS:
        sandbox.member(name, moderator=moderator, tz=zone)
    for role in DEMO_REWARD_ROLES:
        sandbox.add_role(role, position=1)
    sandbox.set_bot_role(manage_roles=True)

    async def advance_time(delta: timedelta) -> None:
        bot = sandbox.bot
        assert isinstance(bot, testing.StudyBot)
        await testing.advance(bot, delta)
        await sandbox.wait_idle()

    def emit(line: str) -> None:
        print(line, file=out, flush=True)

    async with sandbox, _dashboard(args, sandbox, settings, clock, emit):
        repl = Repl(
            sandbox,
            advance_time=advance_time,
            out=emit,
            files_dir=Path(args.files),
            is_error=is_bot_error,
        )
        if args.demo or args.script:
            paths = sorted(DEMO_DIR.glob("*.txt")) if args.demo else [Path(args.script)]
            lines: list[str] = []
            for path in paths:
                try:
                    lines.extend(path.read_text(encoding="utf-8").splitlines())
                except OSError as error:
                    print(f"cannot read {path}: {error.strerror}", file=err)
                    return 2
            failures = await repl.run_lines(lines)
            if getattr(args, "web", False) and not failures:
                emit("The tour is done; the dashboard keeps serving it. Ctrl-C to stop.")
                await _until_interrupted()
        else:
            emit("studybot sandbox — type `help` for commands, Ctrl-D to quit.")
            failures = await repl.interactive()
        bot_errors = list(sandbox.errors)
    if bot_errors:
        print(f"\nThe bot logged {len(bot_errors)} error(s):", file=err)
        for line in bot_errors[:20]:
            print(f"  {line}", file=err)
    if failures:
        print(f"\n{failures} line(s) failed.", file=err)
    return 1 if failures or bot_errors else 0


@contextlib.asynccontextmanager
async def _dashboard(
    args: argparse.Namespace,
    sandbox: Any,
    settings: Any,
    clock: Any,
    emit: Callable[[str], None],
) -> AsyncIterator[None]:
    """With `--web`: the web dashboard over the sandbox's world, logging in through the fake
    Discord's OAuth2 (pick a sandbox member on its page), while the block runs."""
    if not getattr(args, "web", False):
        yield
        return
    from bot.web.sandboxed import free_port, sandbox_settings
    from bot.web.server import listening, open_dashboard

    port = free_port()
    web_settings = sandbox_settings(settings, sandbox.fake, token=sandbox.token, port=port)
    dashboard = await open_dashboard(web_settings, clock=clock)
    try:
        async with listening(dashboard.app, "127.0.0.1", port):
            emit(
                f"Web dashboard: {web_settings.web_public_url}/ — log in as morgan (a "
                "moderator) or as a member on the sandbox's Discord page."
            )
            yield
    finally:
        await dashboard.close()


async def _until_interrupted() -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()


def run_sandbox(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord").setLevel(logging.ERROR)
    if args.db:
        return asyncio.run(_run(args, out, err, database_url(args.db)))
    with tempfile.TemporaryDirectory(prefix="studybot-sandbox-") as folder:
        return asyncio.run(_run(args, out, err, database_url(str(Path(folder) / "sandbox.db"))))
