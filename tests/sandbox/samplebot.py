"""A small real discord.py bot used to exercise the sandbox (not the studybot bot)."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo", "UTC"]


class Counter(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"counter:(?P<n>\d+)"):
    """A persistent button whose state lives in its custom_id."""

    def __init__(self, n: int) -> None:
        super().__init__(
            discord.ui.Button(label=f"Count {n}", custom_id=f"counter:{n}"),
        )
        self.n = n

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Counter:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(Counter(self.n + 1))
        await interaction.response.edit_message(content=f"count is {self.n + 1}", view=view)


class HintView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Hint", style=discord.ButtonStyle.secondary)
    async def hint(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        await interaction.response.send_message("Think about the base case.", ephemeral=True)

    @discord.ui.button(label="Done", style=discord.ButtonStyle.success)
    async def done(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="Finished!", view=None)

    @discord.ui.select(
        placeholder="Pick a level",
        options=[discord.SelectOption(label=x, value=x.lower()) for x in ("Easy", "Hard")],
    )
    async def level(
        self, interaction: discord.Interaction[Any], select: discord.ui.Select[Any]
    ) -> None:
        await interaction.response.send_message(f"level={select.values[0]}", ephemeral=True)


class ProjectModal(discord.ui.Modal, title="New project"):
    name: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Title", max_length=80)
    notes: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Notes", style=discord.TextStyle.paragraph, required=False
    )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        embed = discord.Embed(title="Project started", description=self.name.value)
        embed.add_field(name="Notes", value=self.notes.value or "none")
        await interaction.response.send_message(embed=embed, ephemeral=True)


T = TypeVar("T")


def is_moderator() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        perms = interaction.permissions
        if not perms.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    return app_commands.check(predicate)


class SampleBot(commands.Bot):
    def __init__(
        self, *, dev_guild_id: int | None = None, sync: bool = True, **options: Any
    ) -> None:
        """``options`` go to discord.py (e.g. ``shard_id=1, shard_count=2``)."""
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            guild_ready_timeout=0.01,
            chunk_guilds_at_startup=False,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.dev_guild_id = dev_guild_id
        self.sync = sync
        self.joined: list[int] = []
        self.left: list[int] = []
        self.seen_messages: list[int] = []
        self.forbidden: list[int] = []
        self.deleted_channels: list[int] = []

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Counter)
        tree = self.tree
        tree.on_error = self.on_tree_error  # type: ignore[method-assign]
        settings = app_commands.Group(name="settings", description="Your settings")

        @settings.command(name="timezone", description="Set your timezone")
        @app_commands.describe(zone="An IANA zone")
        async def timezone(interaction: discord.Interaction[Any], zone: str) -> None:
            embed = discord.Embed(
                title="Timezone saved", description=f"Your days now start at midnight {zone}."
            )
            await interaction.response.send_message(embed=embed, ephemeral=True, view=HintView())

        @timezone.autocomplete("zone")
        async def zone_ac(
            interaction: discord.Interaction[Any], current: str
        ) -> list[app_commands.Choice[str]]:
            return [
                app_commands.Choice(name=z, value=z) for z in ZONES if current.lower() in z.lower()
            ]

        tree.add_command(settings)

        @tree.command(name="log", description="Log study time")
        @app_commands.describe(minutes="How long", kind="What", topic="Topic", public="Share it")
        @app_commands.choices(
            kind=[app_commands.Choice(name=k, value=k) for k in ("course", "project", "reading")]
        )
        async def log(
            interaction: discord.Interaction[Any],
            minutes: app_commands.Range[int, 1, 600],
            kind: str,
            topic: str | None = None,
            public: bool = False,
        ) -> None:
            await interaction.response.send_message(
                f"Logged {minutes} min of {kind}" + (f" on {topic}" if topic else "") + ".",
                ephemeral=not public,
            )

        @tree.command(name="counter", description="A persistent counter")
        async def counter(interaction: discord.Interaction[Any]) -> None:
            view = discord.ui.View(timeout=None)
            view.add_item(Counter(0))
            await interaction.response.send_message("count is 0", view=view)

        @tree.command(name="project", description="Start a project")
        async def project(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.send_modal(ProjectModal())

        @tree.command(name="report", description="A slow report")
        async def report(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await asyncio.sleep(0)
            await interaction.followup.send("Your report is ready.", ephemeral=True)
            await interaction.followup.send("Second page.", ephemeral=True)

        @tree.command(name="announce", description="Post in a channel (moderators)")
        @app_commands.default_permissions(manage_guild=True)
        @is_moderator()
        async def announce(
            interaction: discord.Interaction[Any],
            channel: discord.TextChannel,
            text: str,
            ping: discord.Member | None = None,
        ) -> None:
            target = interaction.client.get_channel(channel.id)
            assert isinstance(target, discord.TextChannel)
            content = f"{ping.mention} {text}" if ping else text
            mentions = discord.AllowedMentions(users=[ping]) if ping else None
            try:
                if mentions is not None:
                    msg = await target.send(content, allowed_mentions=mentions)
                else:
                    msg = await target.send(content)
            except discord.Forbidden as e:
                self.forbidden.append(e.code)
                await interaction.response.send_message(
                    "I can't post there (missing permissions).", ephemeral=True
                )
                return
            thread = await msg.create_thread(name=f"{text[:20]} thread")
            await thread.send("Discuss here.")
            await interaction.response.send_message("Posted.", ephemeral=True)

        @tree.command(name="remind", description="DM yourself")
        async def remind(interaction: discord.Interaction[Any], text: str) -> None:
            try:
                await interaction.user.send(f"Reminder: {text}")
            except discord.Forbidden as e:
                self.forbidden.append(e.code)
                await interaction.response.send_message("Your DMs are closed.", ephemeral=True)
                return
            await interaction.response.send_message("Sent you a DM.", ephemeral=True)

        @tree.command(name="upload", description="Echo an attachment")
        async def upload(interaction: discord.Interaction[Any], file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(
                f"{file.filename}: {len(data)} bytes",
                file=discord.File(io.BytesIO(data[::-1]), "reversed.bin"),
            )

        @tree.command(name="boom", description="Always fails")
        async def boom(interaction: discord.Interaction[Any]) -> None:
            raise RuntimeError("kaboom")

        @tree.command(name="whois", description="Who is someone")
        async def whois(interaction: discord.Interaction[Any], member: discord.Member) -> None:
            await interaction.response.send_message(f"{member.name} ({member.id})", ephemeral=True)

        @tree.command(name="edits", description="Exercise the webhook edit/followup routes")
        async def edits(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.defer(ephemeral=True)
            await interaction.edit_original_response(content="step 1")
            original = await interaction.original_response()
            temp = await interaction.followup.send("temp", ephemeral=True, wait=True)
            await temp.edit(content="temp edited")
            await temp.delete()
            await interaction.followup.send(f"kept (original said {original.content})")

        @tree.command(name="housekeeping", description="Exercise plain REST routes")
        async def housekeeping(interaction: discord.Interaction[Any]) -> None:
            channel = interaction.channel
            guild = interaction.guild
            assert isinstance(channel, discord.TextChannel) and guild is not None
            sent = await channel.send("to be edited")
            await sent.add_reaction("\N{WHITE HEAVY CHECK MARK}")
            fetched = await channel.fetch_message(sent.id)
            await fetched.edit(content="edited")
            history = [m async for m in channel.history(limit=10)]
            member = await guild.fetch_member(interaction.user.id)
            channels = await guild.fetch_channels()
            roles = await guild.fetch_roles()
            app = await interaction.client.application_info()
            user = await interaction.client.fetch_user(interaction.user.id)
            again = await interaction.client.fetch_channel(channel.id)
            await interaction.response.send_message(
                f"history={len(history)} member={member.name} channels={len(channels)} "
                f"roles={len(roles)} app={app.name} user={user.name} channel={again.id}",
                ephemeral=True,
            )

        @tree.command(name="helper", description="Manage Server or the Helpers role")
        async def helper(interaction: discord.Interaction[Any]) -> None:
            member = interaction.user
            assert isinstance(member, discord.Member)
            ok = member.guild_permissions.manage_guild or any(
                r.name == "Helpers" for r in member.roles
            )
            await interaction.response.send_message("welcome" if ok else "no", ephemeral=True)

        @tree.command(name="silent", description="Never answers")
        async def silent(interaction: discord.Interaction[Any]) -> None:
            return None

        if not self.sync:
            return
        if self.dev_guild_id is not None:
            guild = discord.Object(self.dev_guild_id)
            tree.copy_global_to(guild=guild)
            await tree.sync(guild=guild)
        else:
            await tree.sync()

    async def on_tree_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CheckFailure):
            text = "You need Manage Server for that."
        else:
            text = "Something went wrong (error id E123)."
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def on_member_join(self, member: discord.Member) -> None:
        self.joined.append(member.id)

    async def on_member_remove(self, member: discord.Member) -> None:
        self.left.append(member.id)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen_messages.append(message.id)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        self.deleted_channels.append(channel.id)


class ShardedSampleBot(SampleBot, commands.AutoShardedBot):
    """SampleBot as an `AutoShardedBot` (``shard_count=2``, optionally ``shard_ids=[...]``)."""
