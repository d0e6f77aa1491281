"""`studybot sync [--guild ID] [--clear-guild ID]`: force a slash-command sync.

The bot syncs by itself at start (to `DEV_GUILD_ID`, or globally when the command tree
changed). This command forces it: globally (the default), to one server (`--guild`: instant,
for development), and removes a server's own copies (`--clear-guild`: after moving from
`DEV_GUILD_ID` to global, members would otherwise see every command twice). It logs in over
HTTP only; no gateway session, no jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

import discord

from bot.app import create_bot
from bot.core.invite import invite_url
from bot.core.settings import Settings
from bot.ops.exits import EXIT_FAILED, EXIT_OK
from bot.ops.explain import explain
from bot.studybot import StudyBot


def _refused(guild_id: int, error: discord.HTTPException, client_id: int | None) -> str:
    invite = f" Invite it again with {invite_url(client_id)}" if client_id else ""
    return (
        f"Discord refused to change the commands of server {guild_id} ({error.status} "
        f"{error.text or 'Missing Access'}): the bot is not in that server, or was invited "
        "without the applications.commands scope. Fix: check the server id (Developer Mode → "
        f"right-click the server → Copy Server ID).{invite}"
    )


async def _sync(
    bot: StudyBot,
    out: TextIO,
    err: TextIO,
    guilds: Sequence[int],
    clear: Sequence[int],
) -> int:
    tree = bot.tree
    for guild_id in clear:
        target = discord.Object(id=guild_id)
        tree.clear_commands(guild=target)
        try:
            await tree.sync(guild=target)
        except (discord.Forbidden, discord.NotFound) as error:
            print(_refused(guild_id, error, bot.application_id), file=err)
            return EXIT_FAILED
        print(
            f"Removed the commands registered for server {guild_id} only; the global ones stay.",
            file=out,
        )
        if bot.settings.dev_guild_id == guild_id:
            print(
                f"DEV_GUILD_ID is still {guild_id}: the bot copies its commands there again at "
                "every start. Remove DEV_GUILD_ID from .env to stay global.",
                file=out,
            )
    for guild_id in guilds:
        target = discord.Object(id=guild_id)
        tree.copy_global_to(guild=target)
        try:
            synced = await tree.sync(guild=target)
        except (discord.Forbidden, discord.NotFound) as error:
            print(_refused(guild_id, error, bot.application_id), file=err)
            return EXIT_FAILED
        print(f"Synced {len(synced)} commands to server {guild_id} (they show at once).", file=out)
    if not guilds:
        synced = await bot.sync_globally()
        print(
            f"Synced {len(synced)} commands globally (Discord may take a few minutes to show "
            "them in every server).",
            file=out,
        )
        dev = bot.settings.dev_guild_id
        if dev is not None and dev not in clear:
            print(
                f"DEV_GUILD_ID is set ({dev}): that server also has its own copies, so its "
                f"members see each command twice. Run `studybot sync --clear-guild {dev}` and "
                "remove DEV_GUILD_ID from .env.",
                file=out,
            )
    return EXIT_OK


async def sync_commands(
    settings: Settings,
    out: TextIO,
    err: TextIO,
    *,
    guilds: Sequence[int] = (),
    clear: Sequence[int] = (),
) -> int:
    """Sync globally unless `guilds` are given; clear the servers in `clear` first."""
    bot = create_bot(settings, serve=False)
    try:
        async with bot:
            await bot.login(settings.token or "")
            if bot.extension_failures:
                for name, reason in bot.extension_failures.items():
                    print(f"extension {name} failed to load: {reason}", file=err)
                print("Not syncing an incomplete command tree: fix the extensions.", file=err)
                return EXIT_FAILED
            return await _sync(bot, out, err, guilds, clear)
    except Exception as error:
        failure = explain(error, settings)
        if failure is None:
            raise
        print(failure.message, file=err)
        return failure.exit_code
