"""The bot: `StudyBot`, its command tree, intents and lifecycle (services come from `bot.wiring`).

Intents (and why):
- `guilds`: channels, roles and threads of the servers the bot serves.
- `members` (privileged; enable "Server Members Intent" in the developer portal): join and
  leave events for onboarding and for purging a departed member's data after the retention
  period. Startup chunking is off, so large servers cost no memory up front.
- `guild_messages`: to count community activity per member per day. Message *content* is
  never read (no message-content intent) and nothing of a message is stored.
- `voice_states` (not privileged): who is in which voice channel, to count time in study
  rooms. The bot never connects to voice and no audio is ever received.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, TypeAlias

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog import CatalogRegistry, load_pack_dir
from bot.core import gc_policy
from bot.core.clock import Clock
from bot.core.cooldowns import Cooldowns
from bot.core.invite import not_in_any_server
from bot.core.observability.metrics import BotMetrics
from bot.core.observability.probes import BotProbes
from bot.core.observability.server import ObservabilityServer
from bot.core.reporting import report_error
from bot.core.settings import Settings
from bot.core.store import Claimant, Store
from bot.core.store import command_sync as sync_rows
from bot.core.store import deliveries as ledger_rows
from bot.core.telemetry import Telemetry
from bot.inbox import inbox_embeds, inbox_view
from bot.wiring import Services, build_services

log = logging.getLogger("studybot")


def command_label(interaction: discord.Interaction[Any]) -> str:
    """The command an interaction ran, for the metrics ("unknown" before one was resolved)."""
    command = interaction.command
    return command.qualified_name if command is not None else "unknown"


class StudyTree(app_commands.CommandTree["StudyBot"]):
    async def on_error(
        self, interaction: discord.Interaction[StudyBot], error: app_commands.AppCommandError
    ) -> None:
        outcome = await report_error(interaction, error)
        self.client.metrics.interaction(command_label(interaction), outcome)


def tree_payload(tree: app_commands.CommandTree[Any]) -> list[dict[str, Any]]:
    return sorted(
        (command.to_dict(tree) for command in tree.get_commands()),
        key=lambda item: (item.get("type", 1), item["name"]),
    )


def tree_hash(tree: app_commands.CommandTree[Any]) -> str:
    """A stable hash of what would be synced; unchanged tree -> unchanged hash -> no sync."""
    blob = json.dumps(tree_payload(tree), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def shard_options(settings: Settings) -> dict[str, Any]:
    """discord.py's shard arguments: this process's shards of SHARD_COUNT, or none (discord.py
    then asks Discord how many shards the bot needs and runs them all in this process)."""
    if settings.shard_count is None:
        return {}
    return {"shard_count": settings.shard_count, "shard_ids": list(settings.shards.ids)}


def make_intents() -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = True
    intents.guild_messages = True
    intents.voice_states = True
    return intents


class StudyBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        extensions: Sequence[str],
        serve: bool = True,
    ) -> None:
        """`serve=False` builds a bot that logs in only to run one maintenance command
        (`studybot sync`): `setup_hook` then prepares the database and the command tree but
        starts no jobs and syncs nothing by itself."""
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=make_intents(),
            tree_cls=StudyTree,
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.from_intents(make_intents()),
            guild_ready_timeout=settings.guild_ready_timeout,
            max_messages=None,
            **shard_options(settings),
        )
        self.settings = settings
        self.clock = clock
        self.cooldowns = Cooldowns(clock)  # per-member command cooldowns, on this clock
        self.extension_names = list(extensions)
        self.extension_failures: dict[str, str] = {}
        self.store = Store(
            settings.database_url,
            claimant=Claimant(
                settings.instance_name, timedelta(seconds=settings.claim_lease_seconds)
            ),
        )
        self._services: Services | None = None
        self.synced: str | None = None  # "guild", "global" or "unchanged", for tests and logs
        self.serve = serve
        self._started = False
        self._gc_thresholds: gc_policy.Thresholds = (0, 0, 0)  # set when serving starts
        #: True once on_ready started every feature's jobs and catch-up (`/healthz`'s ready).
        self.serving = False
        #: This bot's Prometheus registry and counters (served on METRICS_PORT when set).
        self.metrics = BotMetrics()
        self.observability: ObservabilityServer | None = None

    async def prepare(self) -> None:
        """Everything `setup_hook` does before it talks to Discord: `studybot check` runs this."""
        await self.store.migrate()
        catalog = CatalogRegistry(load_pack_dir(self.settings.content_dir))
        self._services = build_services(
            self, self.settings, self.clock, self.store, catalog, self.metrics
        )
        await self.load_extensions()

    @property
    def telemetry(self) -> Telemetry:
        """What buttons and modals count through (`bot.core.telemetry.telemetry_of`)."""
        return self.metrics

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the bot is not prepared yet (setup_hook has not run)")
        return self._services

    async def load_extensions(self) -> None:
        for name in self.extension_names:
            try:
                await self.load_extension(name)
            except Exception as error:  # one broken cog must not take the others down
                self.extension_failures[name] = f"{type(error).__name__}: {error}"
                log.exception("failed to load extension %s", name)

    async def setup_hook(self) -> None:
        await self.prepare()
        if not self.serve:
            return
        services = self.services
        # Before anything is scheduled: a shard another process runs is refused here.
        shards = self.settings.shards
        await self.store.locks.hold_shards(shards.ids or (0,), shards.count or 1)
        async with self.store.begin() as conn:
            interrupted = await ledger_rows.requeue_interrupted(
                conn, self.store.claimant, self.clock.now()
            )
        if interrupted:
            log.warning(
                "%s deliveries were interrupted by a crash; they will be retried", interrupted
            )
        services.core.scheduler.start()
        services.core.scheduler.add_interval(
            "dispatcher-tick",
            services.core.dispatcher.tick,
            seconds=self.settings.dispatcher_interval_seconds,
            wake=services.core.dispatcher.next_wake,
        )
        if await self.store.locks.lead():
            await self.sync_commands()
        else:
            log.info("another process leads: it syncs the command tree")
        await self.start_observability()

    async def start_observability(self) -> None:
        """Serve `/healthz` and `/metrics` when METRICS_PORT is set (see
        `bot.core.observability.server`); `close()` stops it."""
        if self.settings.metrics_port is None or self.observability is not None:
            return
        server = ObservabilityServer(
            BotProbes(self, self.services.core, lambda: self.serving),
            self.metrics,
            host=self.settings.metrics_host,
            port=self.settings.metrics_port,
        )
        await server.start()
        self.observability = server

    async def on_ready(self) -> None:
        # on_ready fires again after a fresh IDENTIFY; jobs and catch-up run once per process.
        if self._started:
            return
        self._started = True
        # Configured channels the bot cannot use are reported (and marked broken) before the
        # catch-up posts try them.
        await self.services.health.channels.audit_at_start(self.guilds)
        await self.services.start()
        # Start-up's objects out of the collector's sight, young collections less often.
        self._gc_thresholds = gc_policy.enter()
        self.serving = True
        log.info("ready as %s in %s guilds", self.user, len(self.guilds))
        if not self.guilds and self.application_id is not None:
            log.warning("%s", not_in_any_server(self.application_id))

    async def on_app_command_completion(
        self, interaction: discord.Interaction[StudyBot], command: object
    ) -> None:
        """Count the command, and deliver what waited in the member's inbox with their next
        command reply."""
        self.metrics.interaction(command_label(interaction), "ok")
        if interaction.guild_id is None:
            return
        pending = await self.services.notifier.take_inbox(interaction.guild_id, interaction.user.id)
        if pending:
            view = inbox_view(pending)
            try:
                await interaction.followup.send(
                    embeds=inbox_embeds(pending),
                    view=view or discord.utils.MISSING,
                    ephemeral=True,
                )
            except discord.HTTPException:
                log.info("could not attach %s inbox items", len(pending))

    async def sync_commands(self) -> None:
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            self.synced = "guild"
            log.info("synced commands to development guild %s", self.settings.dev_guild_id)
            return
        current = tree_hash(self.tree)
        async with self.store.begin() as conn:
            stored = await sync_rows.get_hash(conn, "global")
        if stored == current:
            self.synced = "unchanged"
            log.info("command tree unchanged; not syncing")
            return
        await self.sync_globally()
        log.info("synced commands globally")

    async def sync_globally(self) -> list[app_commands.AppCommand]:
        """Publish the tree to every server and remember its hash (so the next start does not
        sync it again); `studybot sync` forces this."""
        synced = await self.tree.sync()
        async with self.store.begin() as conn:
            await sync_rows.set_hash(conn, "global", tree_hash(self.tree), self.clock.now())
        self.synced = "global"
        return synced

    def _stop_views(self) -> None:
        """Stop every live view and modal so their timeout tasks end with the bot.

        discord.py keeps them in its view store and never stops them on close; their pending
        timeout tasks would otherwise be destroyed with the loop.
        """
        store = getattr(self._connection, "_view_store", None)
        if store is None:
            return
        views = {
            item.view
            for items in getattr(store, "_views", {}).values()
            for item in items.values()
            if item.view is not None
        }
        views |= set(getattr(store, "_synced_message_views", {}).values())
        views |= set(getattr(store, "_modals", {}).values())
        for view in views:
            view.stop()

    async def close(self) -> None:
        try:
            self.serving = False
            if self._started:
                gc_policy.leave(self._gc_thresholds)
            if self.observability is not None:
                await self.observability.close()
                self.observability = None
            if self._services is not None:
                self._services.core.scheduler.shutdown()
                self._services.core.workers.close()
            self._stop_views()
            await super().close()
        finally:
            await self.store.close()


#: The interaction every slash command and component of this bot receives, typed with the
#: bot so `interaction.client.services` is checked. Short on purpose: it keeps command
#: signatures on one line.
Interaction: TypeAlias = discord.Interaction[StudyBot]


class StudyCog(commands.Cog):
    """Base of every cog: the bot, typed, so `self.bot.services.<feature>` is checked."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        super().__init__()


class StudyGroupCog(StudyCog, commands.GroupCog):
    """Base of every cog that is one slash-command group (`/daily …`, `/setup …`)."""


async def reply(
    interaction: discord.Interaction[StudyBot],
    *,
    embed: discord.Embed,
    view: discord.ui.View | None = None,
) -> None:
    """Answer privately (the bot's default for everything personal), first response or not."""
    if interaction.response.is_done():
        await interaction.followup.send(
            embed=embed, view=view or discord.utils.MISSING, ephemeral=True
        )
        return
    await interaction.response.send_message(
        embed=embed, view=view or discord.utils.MISSING, ephemeral=True
    )
