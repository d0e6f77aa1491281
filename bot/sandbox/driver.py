"""The sandbox driver: run a real, unchanged discord.py bot against the loopback fake Discord.

Usage::

    async with Sandbox(make_bot) as sb:           # fake up, bot logged in, on_ready fired
        alice = sb.member("alice", tz="Europe/Berlin")
        reply = await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
        assert reply.ephemeral and "saved" in reply.text
        again = await sb.click(alice, reply, "Undo")

The bot factory
    ``make_bot()`` (sync or async) returns a NEW, not yet started ``discord.Client`` each call;
    :meth:`Sandbox.restart_bot` calls it again (the factory decides whether the database is
    shared). Build the bot with ``guild_ready_timeout=0.01``: discord.py otherwise waits 2 s
    after the last GUILD_CREATE before ``on_ready``. With the members intent, pass
    ``chunk_guilds_at_startup=False`` (the fake answers op 8 chunk requests anyway).

Globals
    :meth:`Sandbox.start` points ``discord.http.Route.BASE`` and
    ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` at the fake; :meth:`Sandbox.close`
    restores them. Run one sandbox at a time per process.

Determinism
    Nothing sleeps for wall-clock time. Waiting is event-driven with bounded timeouts: a
    gateway barrier (server op 1 -> client heartbeat carrying its last sequence) proves the
    client processed every event; then the driver waits for discord.py's own handler tasks
    (``CommandTree-invoker``, ``discord-ui-*-dispatch``, ``discord.py: on_*``) and the fake's
    in-flight REST calls. Tasks a bot spawns under other names are not tracked.

Errors
    ERROR log records (e.g. discord.py's "Ignoring exception in command") land in
    :attr:`Sandbox.errors`. If the bot finishes handling an interaction without answering,
    :class:`NoResponse` is raised at once (no timeout needed). Unknown routes make
    :meth:`close` raise ``AssertionError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl

from bot.sandbox.models import (
    EPHEMERAL,
    GUILD_TEXT,
    JSON,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    InteractionRecord,
    RecordedRequest,
    StoredFile,
)
from bot.sandbox.server import FakeDiscord

BotFactory = Callable[[], "Awaitable[discord.Client] | discord.Client"]

DEFAULT_CHANNELS = ("general", "daily", "accountability", "interview")
QUICK_ANSWER_SECONDS = 1.0
BUSY_TASK_PREFIXES = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch",
    "discord-ui-modal-dispatch",
    "discord-ui-dynamic-item",
    "discord.py: ",
)

OPTION_TYPES = {
    1: "sub_command",
    2: "sub_command_group",
    3: "string",
    4: "integer",
    5: "boolean",
    6: "user",
    7: "channel",
    8: "role",
    9: "mentionable",
    10: "number",
    11: "attachment",
}


class NoResponse(AssertionError):
    """The bot finished handling an interaction without answering it (or never followed up)."""


class _ErrorCollector(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text += f" ({type(exc).__name__}: {exc})"
        self.sink.append(text)


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


# ---------------------------------------------------------------------------- views
def walk_components(components: Iterable[JSON]) -> Iterator[JSON]:
    """Every component, depth first (action rows, containers, sections, labels)."""
    for comp in components:
        yield comp
        yield from walk_components(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


def flatten_embed(embed: JSON) -> list[str]:
    lines: list[str] = []
    author = (embed.get("author") or {}).get("name")
    for part in (author, embed.get("title"), embed.get("description")):
        if part:
            lines.append(str(part))
    for f in embed.get("fields") or []:
        lines.append(f"{f.get('name', '')}: {f.get('value', '')}")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        lines.append(str(footer))
    return lines


class MessageView:
    """A read-only, live view of a message the fake stores (edits show up)."""

    def __init__(self, sandbox: Sandbox, message: FakeMessage | None) -> None:
        self._sb = sandbox
        self.message = message

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.message_id} text={self.text[:60]!r}>"

    @property
    def message_id(self) -> int | None:
        return self.message.id if self.message else None

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[JSON]:
        return list(self.message.embeds) if self.message else []

    @property
    def components(self) -> list[JSON]:
        return list(self.message.components) if self.message else []

    @property
    def files(self) -> list[tuple[str, bytes]]:
        return self.message.files if self.message else []

    @property
    def flags(self) -> int:
        return self.message.flags if self.message else 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def allowed_mentions(self) -> JSON | None:
        return self.message.allowed_mentions if self.message else None

    @property
    def deleted(self) -> bool:
        return bool(self.message and self.message.deleted)

    @property
    def edited(self) -> bool:
        return bool(self.message and self.message.edited)

    @property
    def channel(self) -> ChannelHandle | None:
        if self.message is None:
            return None
        return ChannelHandle(self._sb, self._sb.fake.channels[self.message.channel_id])

    @property
    def thread(self) -> ChannelHandle | None:
        """The thread opened from this message, if any."""
        if self.message is None or self.message.thread_id is None:
            return None
        return ChannelHandle(self._sb, self._sb.fake.channels[self.message.thread_id])

    @property
    def text(self) -> str:
        """Everything visible, flattened: content, embed texts, text displays (components v2)."""
        lines: list[str] = [self.content] if self.content else []
        for embed in self.embeds:
            lines += flatten_embed(embed)
        for comp in walk_components(self.components):
            if comp.get("type") == 10 and comp.get("content"):
                lines.append(str(comp["content"]))
        return "\n".join(lines)

    @property
    def buttons(self) -> list[str]:
        """Button labels (or custom ids / urls for unlabeled buttons)."""
        return [
            str(c.get("label") or c.get("custom_id") or c.get("url"))
            for c in walk_components(self.components)
            if c.get("type") == 2
        ]

    @property
    def selects(self) -> list[JSON]:
        return [c for c in walk_components(self.components) if c.get("type") in (3, 5, 6, 7, 8)]

    def find_component(self, target: str, types: tuple[int, ...]) -> JSON:
        """A component by label, placeholder or custom_id."""
        found = [
            c
            for c in walk_components(self.components)
            if c.get("type") in types
            and target in (c.get("label"), c.get("custom_id"), c.get("placeholder"))
        ]
        if not found:
            raise LookupError(
                f"no component {target!r} on message {self.message_id}; "
                f"buttons={self.buttons} selects={[s.get('placeholder') for s in self.selects]}"
            )
        return found[0]


class Reply(MessageView):
    """What a member sees after an interaction: the response message (or modal / choices),
    plus the followups the bot sent."""

    def __init__(
        self, sandbox: Sandbox, interaction: InteractionRecord, message: FakeMessage | None
    ) -> None:
        super().__init__(sandbox, message)
        self.interaction = interaction

    @property
    def response_type(self) -> int | None:
        return self.interaction.response_type

    @property
    def deferred(self) -> bool:
        return self.interaction.response_type in (5, 6)

    @property
    def modal(self) -> JSON | None:
        return self.interaction.modal

    @property
    def choices(self) -> list[JSON] | None:
        return self.interaction.choices

    @property
    def followups(self) -> list[MessageView]:
        fake = self._sb.fake
        return [MessageView(self._sb, fake.messages[i]) for i in self.interaction.followup_ids]

    @property
    def all_text(self) -> str:
        """Text of the response and every followup."""
        return "\n".join([self.text, *(f.text for f in self.followups)]).strip()


class ChannelHandle:
    """A channel, thread or DM channel of the fake, with the messages in it."""

    def __init__(self, sandbox: Sandbox, channel: FakeChannel) -> None:
        self._sb = sandbox
        self.raw = channel

    def __repr__(self) -> str:
        return f"<ChannelHandle #{self.name} id={self.id}>"

    @property
    def id(self) -> int:
        return self.raw.id

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def deleted(self) -> bool:
        return self.raw.deleted

    @property
    def messages(self) -> list[MessageView]:
        """Visible (non-ephemeral, not deleted) messages the bot posted here, oldest first."""
        bot_id = self._sb.fake.bot_user.id
        return [
            MessageView(self._sb, m)
            for m in self.raw.messages
            if m.author.id == bot_id and not m.ephemeral and not m.deleted
        ]

    @property
    def all_messages(self) -> list[MessageView]:
        """Every stored message here: members' too, ephemeral and deleted ones included."""
        return [MessageView(self._sb, m) for m in self.raw.messages]

    @property
    def last(self) -> MessageView | None:
        msgs = self.messages
        return msgs[-1] if msgs else None

    @property
    def threads(self) -> list[ChannelHandle]:
        return [
            ChannelHandle(self._sb, c)
            for c in self._sb.fake.channels.values()
            if c.parent_id == self.id and c.is_thread
        ]


# ---------------------------------------------------------------------------- sandbox
class Sandbox:
    """A fake Discord plus a real bot, and a readable API to act as members."""

    def __init__(
        self,
        bot_factory: BotFactory,
        *,
        token: str = "sandbox.bot.token",
        guild_name: str = "Study Lab",
        channels: Iterable[str] = DEFAULT_CHANNELS,
        timeout: float = 10.0,
        bot_name: str = "StudyBot",
    ) -> None:
        self.bot_factory = bot_factory
        self.token = token
        self.timeout = timeout
        self.fake = FakeDiscord(bot_name=bot_name)
        self._guild = self.fake.add_guild(guild_name, channels)
        self.bot: discord.Client | None = None
        self._bot_task: asyncio.Task[None] | None = None
        #: ERROR log records seen while the sandbox ran (discord.py and the bot).
        self.errors: list[str] = []
        self._collector = _ErrorCollector(self.errors)
        self._saved_globals: tuple[str, yarl.URL] | None = None
        self._started = False
        self._closing = False
        self.startup_seconds: float | None = None

    # ------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> Sandbox:
        try:
            await self.start()
        except BaseException:
            await self.close(check=False)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            await self.close()
            return
        await self.close(check=False)
        if self.fake.unknown_routes:
            exc.add_note(f"sandbox: unknown routes hit: {self.fake.unknown_routes}")

    async def start(self) -> None:
        """Start the fake, point discord.py at it, start the bot, wait for on_ready and for
        the bot to become idle (its on_ready handlers have finished)."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        await self.fake.start()
        self._saved_globals = (
            discord.http.Route.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
        discord.http.Route.BASE = self.fake.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.fake.gateway_url)
        logging.getLogger().addHandler(self._collector)
        self._started = True
        await self._start_bot()
        self.startup_seconds = loop.time() - began

    async def _start_bot(self) -> None:
        made = self.bot_factory()
        bot = await made if inspect.isawaitable(made) else made
        if not isinstance(bot, discord.Client):
            raise TypeError(f"bot factory returned {bot!r}, not a discord.Client")
        self.bot = bot
        if type(bot).before_identify_hook is discord.Client.before_identify_hook:
            # discord.py's default sleeps 5 s before every re-IDENTIFY (op 9); skip that here.
            bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
        await bot.login(self.token)  # runs setup_hook (command sync) too
        self._bot_task = asyncio.create_task(bot.connect(reconnect=True), name="sandbox-bot")
        ready = asyncio.create_task(bot.wait_until_ready(), name="sandbox-wait-ready")
        done, _ = await asyncio.wait(
            {ready, self._bot_task}, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            self._raise_if_bot_died()
            raise TimeoutError(
                f"bot not ready after {self.timeout}s (did the factory set "
                "guild_ready_timeout=0.01?)"
            )
        self._register_unsynced_tree(bot)
        # on_ready handlers (catch-up posts...) finish before start()/restart_bot() return.
        await self.wait_idle()

    def _register_unsynced_tree(self, bot: discord.Client) -> None:
        """A bot that skipped syncing (tree hash unchanged) still has its commands on real
        Discord from an earlier sync; mirror that when the fake has none at all."""
        fake = self.fake
        if fake.global_commands or any(fake.guild_commands.values()):
            return
        tree = getattr(bot, "tree", None)
        if not isinstance(tree, discord.app_commands.CommandTree):
            return
        payload = [command.to_dict(tree) for command in tree.get_commands()]
        if payload:
            fake.global_commands = fake.store_commands(None, payload)

    def _bot_died(self) -> bool:
        task = self._bot_task
        return task is not None and task.done() and not self._closing

    def _raise_if_bot_died(self) -> None:
        task = self._bot_task
        if task is not None and task.done() and not self._closing:
            exc = task.exception() if not task.cancelled() else None
            raise RuntimeError(f"the bot task ended: {exc!r}") from exc

    async def _stop_bot(self) -> None:
        bot, task = self.bot, self._bot_task
        if bot is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bot.close(), self.timeout)
        if task is not None and not task.done():
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, self.timeout)
        if task is not None and not task.done():
            task.cancel()
        self.bot = None
        self._bot_task = None

    async def close(self, *, check: bool = True) -> None:
        """Close the bot and the fake, restore discord.py's globals, then (``check``) assert
        that no unknown route was hit."""
        self._closing = True
        try:
            await self._stop_bot()
            await self.fake.close()
        finally:
            if self._saved_globals is not None:
                discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = (
                    self._saved_globals
                )
                self._saved_globals = None
            logging.getLogger().removeHandler(self._collector)
        if check and self.fake.unknown_routes:
            raise AssertionError(
                "the bot called routes the sandbox does not know: "
                + ", ".join(self.fake.unknown_routes)
            )

    async def restart_bot(self) -> None:
        """Close the bot and start a new one from the factory; messages stay in the fake."""
        self._closing = True
        await self._stop_bot()
        self._closing = False
        await self._start_bot()

    # ------------------------------------------------------------ world
    @property
    def guild(self) -> FakeGuild:
        return self._guild

    def add_guild(self, name: str, channels: Iterable[str] = ("general",)) -> FakeGuild:
        """Another guild; add it before :meth:`start` (GUILD_CREATE is sent at IDENTIFY)."""
        return self.fake.add_guild(name, channels)

    def member(
        self,
        name: str,
        *,
        moderator: bool = False,
        tz: str | None = None,
        dms_open: bool = True,
        guild: FakeGuild | None = None,
        **meta: Any,
    ) -> FakeMember:
        """The member called ``name`` (created on first use: in GUILD_CREATE before start,
        GUILD_MEMBER_ADD after). ``moderator`` gives the Moderator role (Manage Server)."""
        guild = guild or self._guild
        for m in guild.members.values():
            if m.name == name:
                return m
        if tz is not None:
            meta["tz"] = tz
        return self.fake.add_member(
            guild, name, moderator=moderator, dms_open=dms_open, dispatch=self._started, **meta
        )

    def add_role(self, name: str, **perms: bool) -> FakeRole:
        """A new role in the default guild (``manage_guild=True`` etc.); GUILD_ROLE_CREATE
        is dispatched once started."""
        return self.fake.add_role(self._guild, name, discord.Permissions(**perms).value)

    def role(self, name: str) -> FakeRole:
        for r in self._guild.roles.values():
            if r.name == name:
                return r
        raise LookupError(f"no role named {name!r}")

    def give_role(self, member: FakeMember, role: FakeRole | str) -> None:
        """Give ``member`` a role (GUILD_MEMBER_UPDATE once started)."""
        self.fake.give_role(member, self.role(role) if isinstance(role, str) else role)

    @property
    def members(self) -> list[FakeMember]:
        bot_ids = {self.fake.bot_user.id, self.fake.owner_user.id}
        return [m for m in self._guild.members.values() if m.id not in bot_ids]

    def _channel(self, ref: str | int | ChannelHandle | FakeChannel) -> FakeChannel:
        if isinstance(ref, ChannelHandle):
            return ref.raw
        if isinstance(ref, FakeChannel):
            return ref
        if isinstance(ref, int):
            return self.fake.channels[ref]
        name = ref.lstrip("#")
        for guild in [self._guild, *self.fake.guilds.values()]:
            ch = guild.channel_named(name)
            if ch is not None:
                return ch
        raise LookupError(f"no channel named {name!r}")

    def channel(self, name: str | int | ChannelHandle) -> ChannelHandle:
        return ChannelHandle(self, self._channel(name))

    def add_channel(self, name: str) -> ChannelHandle:
        return ChannelHandle(self, self.fake.add_channel(self._guild, name, type=GUILD_TEXT))

    def thread(self, name: str) -> ChannelHandle:
        """The most recent thread called ``name``."""
        for ch in reversed(list(self.fake.channels.values())):
            if ch.is_thread and ch.name == name:
                return ChannelHandle(self, ch)
        raise LookupError(f"no thread named {name!r}")

    def dms(self, member: FakeMember) -> list[MessageView]:
        """Messages the bot sent to ``member`` by DM, oldest first."""
        for ch in self.fake.channels.values():
            if ch.recipient is not None and ch.recipient.id == member.id:
                return ChannelHandle(self, ch).messages
        return []

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.fake.requests

    def requests_to(self, pattern: str) -> list[RecordedRequest]:
        """Recorded requests matching a ``fail_next`` pattern (``POST /channels/*/messages``)."""
        from bot.sandbox.server import _glob_to_regex

        regex = _glob_to_regex(pattern)
        return [r for r in self.fake.requests if regex.match(r.route)]

    @property
    def commands(self) -> list[JSON]:
        """Synced command JSON: the guild's, then global."""
        return [*self.fake.guild_commands.get(self._guild.id, []), *self.fake.global_commands]

    def fail_next(
        self,
        pattern: str,
        status: int,
        *,
        code: int | None = None,
        message: str | None = None,
        retry_after: float = 0.01,
        global_: bool = False,
        times: int = 1,
    ) -> None:
        """See :meth:`FakeDiscord.fail_next`."""
        self.fake.fail_next(
            pattern,
            status,
            code=code,
            message=message,
            retry_after=retry_after,
            global_=global_,
            times=times,
        )

    def set_bot_permissions(self, channel: str | ChannelHandle, **perms: bool | None) -> None:
        """A channel overwrite for the bot: ``send_messages=False`` denies, ``True`` allows."""
        self._set_overwrite(channel, self.fake.bot_user.id, perms)

    def set_member_permissions(
        self, member: FakeMember, channel: str | ChannelHandle, **perms: bool | None
    ) -> None:
        self._set_overwrite(channel, member.id, perms)

    def _set_overwrite(
        self, channel: str | ChannelHandle, target: int, perms: Mapping[str, bool | None]
    ) -> None:
        ch = self._channel(channel)
        allow = deny = 0
        existing = next((o for o in ch.overwrites if o.id == target), None)
        if existing is not None:
            allow, deny = existing.allow, existing.deny
        for name, value in perms.items():
            flag = getattr(discord.Permissions, name).flag
            allow &= ~flag
            deny &= ~flag
            if value is True:
                allow |= flag
            elif value is False:
                deny |= flag
        self.fake.set_overwrite(ch, target, 1, allow, deny)

    # ------------------------------------------------------------ gateway actions
    async def reconnect(self) -> None:
        """Send op 7; wait until the client has RESUMEd."""
        await self._await_resume(self.fake.reconnect())

    async def drop_gateway(self) -> None:
        """Close the socket abruptly; wait until the client has RESUMEd."""
        await self._await_resume(self.fake.drop_gateway())

    async def _await_resume(self, action: Awaitable[None]) -> None:
        self._raise_if_bot_died()
        before = self.fake.resume_count
        await action
        await self.fake.wait_for(
            lambda: (
                self.fake.resume_count > before
                and self.fake.session is not None
                and self.fake.session.ws is not None
            ),
            self.timeout,
            "the client to RESUME",
        )
        await self.fake.barrier()

    async def invalid_session(self) -> None:
        """Send op 9 (not resumable); wait until the client IDENTIFYs and is ready again."""
        assert self.bot is not None
        before = self.fake.identify_count
        ready = asyncio.ensure_future(self.bot.wait_for("ready", timeout=self.timeout))
        try:
            await self.fake.invalid_session(resumable=False)
            await self.fake.wait_for(
                lambda: self.fake.identify_count > before, self.timeout, "a new IDENTIFY"
            )
            await ready
        finally:
            ready.cancel()
        await self.fake.barrier()

    async def member_leave(self, member: FakeMember) -> None:
        await self.fake.flush()
        await self.fake.remove_member(member)
        await self.wait_idle()

    async def delete_channel(self, name: str | ChannelHandle) -> None:
        await self.fake.flush()
        await self.fake.delete_channel(self._channel(name))
        await self.wait_idle()

    async def post_message(self, member: FakeMember, channel: str | ChannelHandle) -> MessageView:
        """``member`` posts in ``channel``; the bot gets MESSAGE_CREATE without content."""
        await self.fake.flush()
        msg = await self.fake.member_message(member, self._channel(channel))
        await self.wait_idle()
        return MessageView(self, msg)

    # ------------------------------------------------------------ idleness
    def _busy_tasks(self) -> set[asyncio.Task[Any]]:
        current = asyncio.current_task()
        return {
            t
            for t in asyncio.all_tasks()
            if t is not current and not t.done() and t.get_name().startswith(BUSY_TASK_PREFIXES)
        }

    async def _wait_until(self, done: Callable[[], bool], what: str, within: float) -> bool:
        """Wait until ``done()`` or the bot is idle. Returns ``done()``."""
        timeout = within
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._raise_if_bot_died()
            if done():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            seq = self.fake.session.seq if self.fake.session else 0
            await self.fake.barrier(remaining)
            busy = self._busy_tasks()
            if not busy and self.fake.in_flight == 0:
                for _ in range(5):
                    await asyncio.sleep(0)
                now_seq = self.fake.session.seq if self.fake.session else 0
                if (
                    not self._busy_tasks()
                    and self.fake.in_flight == 0
                    and now_seq == seq
                    and not self.fake.events.pending
                ):
                    return done()
                continue
            changed = self.fake.changed()
            await asyncio.wait(
                {*busy, changed}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
            changed.cancel()

    async def wait_idle(self, within: float | None = None) -> None:
        """Wait until every gateway event was processed, discord.py's handler tasks finished
        and no REST call is in flight (bounded by ``within`` seconds, default the timeout)."""
        await self.fake.flush()
        await self._wait_until(lambda: False, "the bot to become idle", within or self.timeout)

    # ------------------------------------------------------------ interactions
    def _find_command(self, path: str) -> tuple[JSON, list[str]]:
        parts = path.strip().lstrip("/").split()
        if not parts:
            raise ValueError("empty command")
        for cmd in self.commands:
            if cmd["name"] == parts[0] and cmd.get("type", 1) == 1:
                return cmd, parts[1:]
        known = sorted({c["name"] for c in self.commands})
        raise LookupError(f"no synced command /{parts[0]}; synced: {known}")

    def command_options(self, path: str) -> list[JSON]:
        """The option schema of ``path`` (a leaf command like ``"settings timezone"``)."""
        cmd, rest = self._find_command(path)
        options = cmd.get("options") or []
        for name in rest:
            sub = next(
                (o for o in options if o["name"] == name and o["type"] in (1, 2)),
                None,
            )
            if sub is None:
                raise LookupError(f"/{path}: no sub-command {name!r}")
            options = sub.get("options") or []
        if any(o["type"] in (1, 2) for o in options):
            subs = [o["name"] for o in options]
            raise LookupError(f"/{path} is a group; pick one of {subs}")
        return options

    def _option_value(self, schema: JSON, value: Any, resolved: JSON) -> Any:
        otype = schema["type"]
        name = schema["name"]
        choices = schema.get("choices")
        if choices and otype in (3, 4, 10):
            for c in choices:
                if value == c["value"] or value == c["name"] or str(value) == str(c["value"]):
                    value = c["value"]
                    break
            else:
                raise ValueError(f"option {name}: {value!r} is not one of {choices}")
        if otype == 3:
            return str(value)
        if otype == 4:
            return int(value)
        if otype == 10:
            return float(value)
        if otype == 5:
            if isinstance(value, str):
                return value.lower() in ("true", "yes", "1", "on")
            return bool(value)
        if otype in (6, 9):
            member = value if isinstance(value, FakeMember) else self.member(str(value))
            resolved.setdefault("users", {})[str(member.id)] = member.user.payload()
            guild = self.fake.guilds[member.guild_id]
            resolved.setdefault("members", {})[str(member.id)] = {
                **member.payload(with_user=False),
                "permissions": str(guild.permissions_in(member, None)),
            }
            return str(member.id)
        if otype == 7:
            ch = self._channel(value)
            data = ch.payload()
            data["permissions"] = str(self.fake.bot_permissions(ch))
            resolved.setdefault("channels", {})[str(ch.id)] = data
            return str(ch.id)
        if otype == 8:
            role = next(
                (r for r in self._guild.roles.values() if value in (r.name, r.id, str(r.id))),
                None,
            )
            if role is None:
                raise LookupError(f"option {name}: no role {value!r}")
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(role.id)
        if otype == 11:
            filename, data_bytes = value
            f = StoredFile(self.fake.ids.next(), str(filename), bytes(data_bytes))
            self.fake.files[f.id] = f
            from bot.sandbox.models import attachment_payload

            resolved.setdefault("attachments", {})[str(f.id)] = attachment_payload(
                f, self.fake.base_url
            )
            return str(f.id)
        raise ValueError(f"option {name}: unsupported type {otype}")

    def _build_command_data(
        self, path: str, values: Mapping[str, Any], *, focused: str | None = None
    ) -> JSON:
        cmd, rest = self._find_command(path)
        schema = self.command_options(path)
        by_name = {o["name"]: o for o in schema}
        given: dict[str, Any] = {}
        for key, value in values.items():
            name = key if key in by_name else key.replace("_", "-")
            if name not in by_name:
                raise ValueError(f"/{path}: unknown option {key!r}; options: {list(by_name)}")
            given[name] = value
        resolved: JSON = {}
        leaf: list[JSON] = []
        for o in schema:
            if o["name"] not in given:
                if o.get("required") and focused is None:
                    raise ValueError(f"/{path}: option {o['name']!r} is required")
                continue
            if o["name"] == focused:
                leaf.append(
                    {
                        "name": o["name"],
                        "type": o["type"],
                        "value": given[o["name"]],
                        "focused": True,
                    }
                )
                continue
            value = self._option_value(o, given[o["name"]], resolved)
            leaf.append({"name": o["name"], "type": o["type"], "value": value})
        options = leaf
        # wrap in sub-command (group) levels, innermost first
        schema_level = cmd.get("options") or []
        chain: list[JSON] = []
        for name in rest:
            sub = next(o for o in schema_level if o["name"] == name and o["type"] in (1, 2))
            chain.append(sub)
            schema_level = sub.get("options") or []
        for sub in reversed(chain):
            options = [{"name": sub["name"], "type": sub["type"], "options": options}]
        data: JSON = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": options}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _default_channel(self, channel: str | ChannelHandle | None) -> FakeChannel:
        if channel is not None:
            return self._channel(channel)
        sys_id = self._guild.system_channel_id
        if sys_id is None:
            raise LookupError("the guild has no system channel; pass channel=")
        return self.fake.channels[sys_id]

    async def _dispatch_interaction(
        self,
        member: FakeMember,
        itype: int,
        data: JSON,
        channel: FakeChannel,
        message: FakeMessage | None = None,
    ) -> InteractionRecord:
        self._raise_if_bot_died()
        await self.fake.flush()
        if (
            member.guild_id not in self.fake.guilds
            or member.id not in self.fake.guilds[member.guild_id].members
        ):
            raise LookupError(f"{member.name} is not in the guild")
        rec, payload = self.fake.new_interaction(itype, member.user, channel, data, message=message)
        rec.seq = await self.fake.dispatch("INTERACTION_CREATE", payload)
        return rec

    async def _answer(self, rec: InteractionRecord, what: str) -> Reply:
        """Wait for the bot's answer; follow a deferral to its edit/followup; then idle."""
        # Usually the answer arrives within milliseconds: wait for it event-driven first. Only
        # if it does not come quickly fall back to the gateway barrier, which costs an op 1
        # that discord.py answers through its 110-per-minute gateway limiter.
        if rec.response_type is None:
            with contextlib.suppress(TimeoutError):
                await self.fake.wait_for(
                    lambda: rec.response_type is not None or self._bot_died(),
                    QUICK_ANSWER_SECONDS,
                    what,
                )
        answered = await self._wait_until(
            lambda: rec.response_type is not None, f"an answer to {what}", self.timeout
        )
        if not answered:
            raise NoResponse(self._no_response_message(what))
        message = self.fake.messages.get(rec.original_message_id or 0)
        if rec.response_type == 5 and message is not None:
            finished = await self._wait_until(
                lambda: not message.loading, f"the deferred answer to {what}", self.timeout
            )
            if not finished:
                raise NoResponse(self._no_response_message(what, deferred=True))
        await self.wait_idle()
        return Reply(self, rec, message)

    def _no_response_message(self, what: str, *, deferred: bool = False) -> str:
        head = (
            f"the bot deferred {what} but never edited or followed up"
            if deferred
            else f"the bot finished handling {what} without responding"
        )
        if self.errors:
            head += "; errors logged: " + " | ".join(self.errors[-3:])
        return head

    async def slash(
        self,
        member: FakeMember,
        command: str,
        /,
        *,
        where: str | ChannelHandle | None = None,
        **options: Any,
    ) -> Reply:
        """Invoke ``/command`` (``"group sub"`` paths) with ``options`` as ``member`` in the
        channel ``where`` (default: the system channel); return what the member sees once the
        bot answered (a deferral is followed to its edit/followup)."""
        data = self._build_command_data(command, options)
        ch = self._default_channel(where)
        rec = await self._dispatch_interaction(member, 2, data, ch)
        return await self._answer(rec, f"/{command}")

    async def autocomplete(
        self,
        member: FakeMember,
        command: str,
        option: str,
        typed: str,
        /,
        *,
        where: str | ChannelHandle | None = None,
        **others: Any,
    ) -> list[JSON]:
        """The choices the bot offers while ``member`` types ``typed`` into ``option``."""
        data = self._build_command_data(command, {**others, option: typed}, focused=option)
        ch = self._default_channel(where)
        rec = await self._dispatch_interaction(member, 4, data, ch)
        reply = await self._answer(rec, f"autocomplete /{command} {option}")
        if reply.choices is None:
            raise NoResponse(f"autocomplete /{command} {option} answered type {rec.response_type}")
        return reply.choices

    @staticmethod
    def _target_message(target: MessageView | FakeMessage) -> FakeMessage:
        msg = target.message if isinstance(target, MessageView) else target
        if msg is None:
            raise LookupError("that reply has no message (a modal or autocomplete answer?)")
        if msg.deleted:
            raise LookupError(f"message {msg.id} was deleted")
        return msg

    def _check_visible(self, member: FakeMember, msg: FakeMessage) -> None:
        """Only the member an ephemeral message was for can see (and click) it."""
        if not msg.ephemeral or msg.interaction_id is None:
            return
        owner = self.fake.interactions[msg.interaction_id].user
        if owner.id != member.id:
            raise LookupError(
                f"{member.name} cannot see {owner.username}'s ephemeral message {msg.id}"
            )

    async def _component(
        self, member: FakeMember, msg: FakeMessage, data: JSON, what: str
    ) -> Reply:
        self._check_visible(member, msg)
        ch = self.fake.channels[msg.channel_id]
        rec = await self._dispatch_interaction(member, 3, data, ch, message=msg)
        return await self._answer(rec, what)

    async def click(
        self, member: FakeMember, target: MessageView | FakeMessage, button: str
    ) -> Reply:
        """Click a button (by label or custom_id) on a message; returns the new Reply (the
        updated message for an update, a new message otherwise)."""
        msg = self._target_message(target)
        comp = MessageView(self, msg).find_component(button, (2,))
        if comp.get("disabled"):
            raise ValueError(f"button {button!r} is disabled")
        if not comp.get("custom_id"):
            raise ValueError(f"button {button!r} is a link button")
        data = {"custom_id": comp["custom_id"], "component_type": 2}
        return await self._component(member, msg, data, f"a click on {button!r}")

    async def select(
        self,
        member: FakeMember,
        target: MessageView | FakeMessage,
        select: str,
        values: Iterable[Any],
    ) -> Reply:
        """Pick ``values`` (option values or labels; members/channels for entity selects) in the
        select whose placeholder or custom_id is ``select``."""
        msg = self._target_message(target)
        comp = MessageView(self, msg).find_component(select, (3, 5, 6, 7, 8))
        if comp.get("disabled"):
            raise ValueError(f"select {select!r} is disabled")
        picked: list[str] = []
        resolved: JSON = {}
        ctype = comp["type"]
        for v in values:
            if ctype == 3:
                opt = next(
                    (o for o in comp.get("options", []) if v in (o.get("value"), o.get("label"))),
                    None,
                )
                if opt is None:
                    raise ValueError(f"select {select!r}: no option {v!r}")
                picked.append(str(opt["value"]))
            else:
                otype = {5: 6, 6: 8, 7: 9, 8: 7}[ctype]
                picked.append(self._option_value({"type": otype, "name": select}, v, resolved))
        data: JSON = {"custom_id": comp["custom_id"], "component_type": ctype, "values": picked}
        if resolved:
            data["resolved"] = resolved
        return await self._component(member, msg, data, f"a choice in {select!r}")

    async def submit_modal(
        self, member: FakeMember, reply: Reply, values: Mapping[str, Any]
    ) -> Reply:
        """Fill the modal ``reply`` opened (fields by label or custom_id) and submit it."""
        modal = reply.modal
        if modal is None:
            raise LookupError("that reply did not open a modal")
        remaining = dict(values)

        def take(comp: JSON, label: str | None) -> JSON | None:
            cid = comp.get("custom_id")
            for key in (label, comp.get("label"), cid):
                if key is not None and key in remaining:
                    value = remaining.pop(key)
                    break
            else:
                value = comp.get("value")
                if comp.get("required", True) and comp.get("type") == 4 and not value:
                    raise ValueError(
                        f"modal field {label or comp.get('label') or cid!r} is required"
                    )
            if comp.get("type") == 4:
                return {"type": 4, "custom_id": cid, "value": "" if value is None else str(value)}
            if comp.get("type") in (3, 5, 6, 7, 8):
                vals = [] if value is None else ([value] if isinstance(value, str) else value)
                return {"type": comp["type"], "custom_id": cid, "values": [str(v) for v in vals]}
            return None

        submitted: list[JSON] = []
        for comp in modal.get("components", []):
            if comp.get("type") == 1:
                inner = [x for c in comp.get("components", []) if (x := take(c, None))]
                submitted.append({"type": 1, "components": inner})
            elif comp.get("type") == 18:
                x = take(comp["component"], comp.get("label"))
                if x is not None:
                    submitted.append({"type": 18, "component": x})
        if remaining:
            raise ValueError(f"modal has no fields {list(remaining)}")
        data = {"custom_id": modal["custom_id"], "components": submitted}
        orig = reply.interaction
        ch = self.fake.channels[orig.channel_id]
        msg = self.fake.messages.get(orig.message_id or 0)
        rec = await self._dispatch_interaction(member, 5, data, ch, message=msg)
        return await self._answer(rec, f"the modal {modal.get('title')!r}")
