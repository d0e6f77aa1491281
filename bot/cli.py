"""`studybot …`: run, doctor, sync, sandbox, check, db, content.

Every command takes `--home PATH` (or `STUDYBOT_HOME`): the folder holding `.env`, `data/`
and `backups/` (default: the current folder). Exit codes: `bot.ops.exits`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot import __version__
from bot.core.observability.logs import LogFormat, log_formatter
from bot.core.settings import Settings, format_settings_error, load_settings
from bot.ops.exits import EXIT_CONFIG, EXIT_DATABASE, EXIT_FAILED, EXIT_OK, exit_codes_epilog
from bot.ops.logfilters import quiet_discord_logs

__all__ = ["EXIT_CONFIG", "EXIT_FAILED", "EXIT_OK", "build_parser", "main"]


def _configure_logging(level: str, log_format: LogFormat = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(log_formatter(log_format))  # LOG_FORMAT: text, or json per line
    logging.basicConfig(level=getattr(logging, level, logging.INFO), handlers=[handler])
    # discord.py and alembic are chatty at INFO; keep the operator's log readable.
    logging.getLogger("discord").setLevel(max(logging.WARNING, logging.getLogger().level))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    quiet_discord_logs()


def _settings_or_exit(
    err: TextIO, args: argparse.Namespace | None = None, **overrides: object
) -> Settings | None:
    try:
        settings = load_settings(home=getattr(args, "home", None), **overrides)
    except ValidationError as error:
        print(format_settings_error(error), file=err)
        return None
    from bot.core.store.drivers import missing_driver

    problem = missing_driver(settings.database_url)
    if problem is not None:
        print(problem, file=err)
        return None
    return settings


def _token_or_exit(settings: Settings, err: TextIO) -> str | None:
    if settings.token is None:
        print(
            f"No DISCORD_TOKEN set. Copy .env.example to {settings.env_file} and put your bot "
            "token there (see README: creating the Discord application).\n"
            "To try the bot without a Discord account: studybot sandbox --demo",
            file=err,
        )
    return settings.token


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    shards = {
        name: value
        for name, value in (("shard_count", args.shard_count), ("shard_ids", args.shard_ids))
        if value is not None
    }
    settings = _settings_or_exit(err, args, **shards)
    if settings is None or _token_or_exit(settings, err) is None:
        return EXIT_CONFIG
    from bot.core.observability.server import MetricsPortError, check_can_listen

    try:
        if settings.metrics_port is not None:
            check_can_listen(settings.metrics_host, settings.metrics_port)
    except MetricsPortError as error:
        print(str(error), file=err)
        return EXIT_CONFIG
    _configure_logging(settings.log_level, settings.log_format)
    from bot.ops.startup import run_bot

    try:
        with contextlib.suppress(KeyboardInterrupt):
            return asyncio.run(run_bot(settings, err))
    except MetricsPortError as error:  # taken between the check above and the bot's start
        print(str(error), file=err)
        return EXIT_CONFIG
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord").setLevel(logging.ERROR)
    quiet_discord_logs()
    from bot.ops.doctor import run_doctor

    home = getattr(args, "home", None)
    return asyncio.run(run_doctor(lambda: load_settings(home=home), out))


def cmd_sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _settings_or_exit(err, args)
    if settings is None or _token_or_exit(settings, err) is None:
        return EXIT_CONFIG
    _configure_logging("WARNING")
    from bot.ops.sync import sync_commands

    return asyncio.run(sync_commands(settings, out, err, guilds=args.guild, clear=args.clear_guild))


async def _check(
    settings: Settings,
    out: TextIO,
    err: TextIO,
    commands: bool,
    extensions: Sequence[str] | None = None,
) -> int:
    from bot.app import create_bot
    from bot.catalog import PackError
    from bot.core.commands_info import walk_commands

    bot = create_bot(settings, extensions=extensions)
    try:
        try:
            await bot.prepare()
        except PackError as error:
            print("Content packs failed to load:", file=err)
            for issue in error.issues:
                print(f"  {issue}", file=err)
            return EXIT_FAILED
        if bot.extension_failures:
            for name, reason in bot.extension_failures.items():
                print(f"extension {name} failed to load: {reason}", file=err)
            return EXIT_FAILED
        infos = walk_commands(bot.tree)
        # Building the payload is what a sync would send: it validates names and options.
        from bot.studybot import tree_payload

        tree_payload(bot.tree)
        if commands:
            for info in infos:
                print(json.dumps(info.as_json(), sort_keys=True), file=out)
        else:
            counts = bot.services.catalog.builtin.counts()
            print(
                f"ok: {len(bot.extension_names)} extensions, {len(infos)} slash commands, "
                f"content {json.dumps(counts, sort_keys=True)}",
                file=out,
            )
        return EXIT_OK
    finally:
        await bot.store.close()


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with tempfile.TemporaryDirectory(prefix="studybot-check-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'check.db'}"
        settings = _settings_or_exit(err, args, database_url=url)
        if settings is None:
            return EXIT_CONFIG
        logging.basicConfig(level=logging.WARNING)
        # discord.py warns that voice is unavailable; the bot has no voice features.
        logging.getLogger("discord.client").setLevel(logging.ERROR)
        return asyncio.run(_check(settings, out, err, args.commands))


async def _migrated(settings: Settings, err: TextIO, action: str) -> str | None:
    """Migrate the database as `studybot run` does (made when missing) and return its
    revision; None, with the reason and its fix printed, when it cannot be used."""
    from bot.core.store import Store
    from bot.ops.database import inspect_database

    state = await inspect_database(settings)
    if not state.usable_by_run:
        print(f"Cannot {action} the database: {state.detail}. Fix: {state.fix}.", file=err)
        return None
    store = Store(settings.database_url)
    try:
        await store.migrate()
        return await store.current_revision()
    finally:
        await store.close()


def cmd_db(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _settings_or_exit(err, args)
    if settings is None:
        return EXIT_CONFIG
    if args.db_command == "upgrade":
        revision = asyncio.run(_migrated(settings, err, "upgrade"))
        if revision is None:
            return EXIT_DATABASE
        print(f"database is at revision {revision}", file=out)
        return EXIT_OK
    if args.db_command == "backup":
        from bot.core.store.backup import backup_sqlite

        target = backup_target(settings, args.path)
        try:
            backup_sqlite(settings.database_url, target)
        except ValueError as error:
            print(str(error), file=err)
            return EXIT_FAILED
        print(f"backup written to {target}", file=out)
        return EXIT_OK
    return EXIT_FAILED


def backup_target(settings: Settings, path: str | None) -> Path:
    """Where `db backup` writes: PATH (relative to the home folder), or by default
    `<home>/backups/studybot-<UTC date and time>.db`."""
    if path is None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
        return settings.backups_dir / f"studybot-{stamp}.db"
    target = Path(path).expanduser()
    return target if target.is_absolute() else settings.home / target


def cmd_content(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from bot.catalog.cli import schema_command, validate_command

    if args.content_command == "schema":
        return schema_command(out)
    paths = [Path(p) for p in args.paths]
    if not paths:
        settings = _settings_or_exit(err, args)
        if settings is None:
            return EXIT_CONFIG
        paths = [settings.content_dir]
    return validate_command(paths, out)


def cmd_web(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`studybot web`: the dashboard, a process of its own on the bot's database."""
    settings = _settings_or_exit(err, args)
    if settings is None:
        return EXIT_CONFIG
    from bot.web.server import missing_setting

    problem = missing_setting(settings)
    if problem is not None:
        print(problem, file=err)
        return EXIT_CONFIG
    _configure_logging(settings.log_level, settings.log_format)
    from bot.ops.explain import explain
    from bot.web.server import serve

    async def main() -> int:
        if await _migrated(settings, err, "open") is None:  # a no-op once the bot migrated
            return EXIT_DATABASE
        await serve(settings, lambda line: print(line, file=out, flush=True))
        return EXIT_OK

    try:
        with contextlib.suppress(KeyboardInterrupt):
            return asyncio.run(main())
    except Exception as error:
        failure = explain(error, settings)  # the token or the network, in `run`'s words
        if failure is not None:
            print(failure.message, file=err)
            return failure.exit_code
        if isinstance(error, OSError):
            print(
                f"The dashboard cannot listen on {settings.web_host}:{settings.web_port} "
                f"({error.strerror or error}). Fix: choose another WEB_PORT or stop what uses it.",
                file=err,
            )
            return EXIT_CONFIG
        raise
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from bot.sandbox_cli import run_sandbox

    return run_sandbox(args, out, err)


HOME_HELP = (
    "folder holding .env, data/ and backups/ (default: $STUDYBOT_HOME, else the current folder)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot",
        description="A Discord bot for study servers of people breaking into ML engineering.",
        epilog=exit_codes_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"studybot {__version__}")
    parser.add_argument("--home", default=None, metavar="PATH", help=HOME_HELP)
    # The same option after the command (`studybot run --home PATH`) wins when given.
    home = argparse.ArgumentParser(add_help=False)
    home.add_argument("--home", default=argparse.SUPPRESS, metavar="PATH", help=HOME_HELP)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str, **options: object) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, parents=[home], **options)  # type: ignore[arg-type]

    run = command(
        "run",
        "connect to Discord with the token from .env",
        description="Connect to Discord and serve. Start-up problems are explained in one "
        "paragraph with their fix; see `studybot doctor` to check everything first.",
        epilog=exit_codes_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--shard-count",
        type=int,
        default=None,
        metavar="N",
        help="how many shards the whole bot runs (overrides SHARD_COUNT; the same in every "
        "process)",
    )
    run.add_argument(
        "--shard-ids",
        default=None,
        metavar="IDS",
        help="the shards this process runs, e.g. 0,1 (overrides SHARD_IDS; needs a shard "
        "count; each process on one database its own)",
    )
    run.set_defaults(handler=cmd_run)

    doctor = command(
        "doctor",
        "check settings, database, token, intents and each server's channels",
        epilog="exit code 0 when every check passed, 1 when one failed",
    )
    doctor.set_defaults(handler=cmd_doctor)

    sync = command(
        "sync",
        "force a slash-command sync (globally unless --guild is given)",
        description="Publish the slash commands now: globally by default, or to the servers "
        "given with --guild (instant). --clear-guild removes a server's own copies, e.g. "
        "after moving from DEV_GUILD_ID to global.",
    )
    sync.add_argument(
        "--guild",
        type=int,
        action="append",
        default=[],
        metavar="ID",
        help="sync to this server only, instantly (repeatable)",
    )
    sync.add_argument(
        "--clear-guild",
        type=int,
        action="append",
        default=[],
        metavar="ID",
        help="remove the commands registered for this server only (repeatable)",
    )
    sync.set_defaults(handler=cmd_sync)

    check = command("check", "load settings, migrate a temporary database, load cogs and content")
    check.add_argument(
        "--commands", action="store_true", help="print one JSON object per slash command"
    )
    check.set_defaults(handler=cmd_check)

    db = command("db", "database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations", parents=[home])
    backup = db_sub.add_parser(
        "backup", help="online backup of the SQLite database", parents=[home]
    )
    backup.add_argument(
        "path",
        nargs="?",
        default=None,
        help="where to write it, relative to the home folder "
        "(default: backups/studybot-<UTC date and time>.db)",
    )
    db.set_defaults(handler=cmd_db)

    content = command("content", "content packs")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    validate = content_sub.add_parser(
        "validate", help="validate YAML packs (files or folders)", parents=[home]
    )
    validate.add_argument("paths", nargs="*", help="files or folders (default: CONTENT_DIR)")
    content_sub.add_parser("schema", help="print the JSON Schema of a content pack")
    content.set_defaults(handler=cmd_content)

    web = command(
        "web",
        "serve the web dashboard (Discord login; moderators' pages, members' progress)",
        description="Serve the web dashboard on WEB_HOST:WEB_PORT, a process of its own on the "
        "bot's database. Needs WEB_PUBLIC_URL, DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, "
        "WEB_SESSION_SECRET and DISCORD_TOKEN from the environment or .env (README: Web "
        "dashboard).",
        epilog=exit_codes_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    web.set_defaults(handler=cmd_web)

    sandbox = command("sandbox", "try the bot offline against a fake Discord")
    sandbox.add_argument("--demo", action="store_true", help="run the bundled tour and exit")
    sandbox.add_argument("--script", help="run the lines of FILE and exit")
    sandbox.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="SQLite file, or a database URL such as postgresql+asyncpg://user@host/db "
        "(default: a temporary SQLite file)",
    )
    sandbox.add_argument("--files", default="sandbox-files", help="folder for files the bot sends")
    sandbox.add_argument(
        "--web",
        action="store_true",
        help="also serve the web dashboard over the sandbox's world and print its address",
    )
    sandbox.set_defaults(handler=cmd_sandbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    return int(handler(args, sys.stdout, sys.stderr))
