"""`studybot …`: run, sandbox, check, db, content."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot import __version__
from bot.core.observability.logs import LogFormat, log_formatter
from bot.core.settings import Settings, format_settings_error, load_settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def _configure_logging(level: str, log_format: LogFormat = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(log_formatter(log_format))  # LOG_FORMAT: text, or json per line
    logging.basicConfig(level=getattr(logging, level, logging.INFO), handlers=[handler])
    # discord.py and alembic are chatty at INFO; keep the operator's log readable.
    logging.getLogger("discord").setLevel(max(logging.WARNING, logging.getLogger().level))
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _settings_or_exit(err: TextIO, **overrides: object) -> Settings | None:
    try:
        return load_settings(**overrides)
    except ValidationError as error:
        print(format_settings_error(error), file=err)
        return None


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _settings_or_exit(err)
    if settings is None:
        return EXIT_CONFIG
    if settings.token is None:
        print(
            "No DISCORD_TOKEN set. Copy .env.example to .env and put your bot token there "
            "(see README: creating the Discord application).\n"
            "To try the bot without a Discord account: studybot sandbox --demo",
            file=err,
        )
        return EXIT_CONFIG
    from bot.core.observability.server import MetricsPortError, check_can_listen

    try:
        if settings.metrics_port is not None:
            check_can_listen(settings.metrics_host, settings.metrics_port)
    except MetricsPortError as error:
        print(str(error), file=err)
        return EXIT_CONFIG
    _configure_logging(settings.log_level, settings.log_format)
    from bot.app import create_bot

    async def runner() -> None:
        bot = create_bot(settings)
        async with bot:
            await bot.start(settings.token or "")

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(runner())
    except MetricsPortError as error:  # taken between the check above and the bot's start
        print(str(error), file=err)
        return EXIT_CONFIG
    return EXIT_OK


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
        settings = _settings_or_exit(err, database_url=url)
        if settings is None:
            return EXIT_CONFIG
        logging.basicConfig(level=logging.WARNING)
        # discord.py warns that voice is unavailable; the bot has no voice features.
        logging.getLogger("discord.client").setLevel(logging.ERROR)
        return asyncio.run(_check(settings, out, err, args.commands))


def cmd_db(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _settings_or_exit(err)
    if settings is None:
        return EXIT_CONFIG
    from bot.core.store import Store

    async def upgrade() -> str | None:
        store = Store(settings.database_url)
        try:
            await store.migrate()
            return await store.current_revision()
        finally:
            await store.close()

    if args.db_command == "upgrade":
        revision = asyncio.run(upgrade())
        print(f"database is at revision {revision}", file=out)
        return EXIT_OK
    if args.db_command == "backup":
        from bot.core.store.backup import backup_sqlite

        try:
            backup_sqlite(settings.database_url, Path(args.path))
        except ValueError as error:
            print(str(error), file=err)
            return EXIT_FAILED
        print(f"backup written to {args.path}", file=out)
        return EXIT_OK
    return EXIT_FAILED


def cmd_content(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from bot.catalog.cli import schema_command, validate_command

    if args.content_command == "schema":
        return schema_command(out)
    paths = [Path(p) for p in args.paths] or [load_settings().content_dir]
    return validate_command(paths, out)


def cmd_sandbox(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from bot.sandbox_cli import run_sandbox

    return run_sandbox(args, out, err)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot",
        description="A Discord bot for study servers of people breaking into ML engineering.",
    )
    parser.add_argument("--version", action="version", version=f"studybot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="connect to Discord with the token from .env")
    run.set_defaults(handler=cmd_run)

    check = sub.add_parser(
        "check", help="load settings, migrate a temporary database, load cogs and content"
    )
    check.add_argument(
        "--commands", action="store_true", help="print one JSON object per slash command"
    )
    check.set_defaults(handler=cmd_check)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations")
    backup = db_sub.add_parser("backup", help="online backup of the SQLite database")
    backup.add_argument("path", help="where to write the backup file")
    db.set_defaults(handler=cmd_db)

    content = sub.add_parser("content", help="content packs")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    validate = content_sub.add_parser("validate", help="validate YAML packs (files or folders)")
    validate.add_argument("paths", nargs="*", help="files or folders (default: CONTENT_DIR)")
    content_sub.add_parser("schema", help="print the JSON Schema of a content pack")
    content.set_defaults(handler=cmd_content)

    sandbox = sub.add_parser("sandbox", help="try the bot offline against a fake Discord")
    sandbox.add_argument("--demo", action="store_true", help="run the bundled tour and exit")
    sandbox.add_argument("--script", help="run the lines of FILE and exit")
    sandbox.add_argument("--db", help="SQLite file to use (default: a temporary one)")
    sandbox.add_argument("--files", default="sandbox-files", help="folder for files the bot sends")
    sandbox.set_defaults(handler=cmd_sandbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    return int(handler(args, sys.stdout, sys.stderr))
