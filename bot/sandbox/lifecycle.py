"""The sandbox's lifecycle: the fake Discord and a real bot connected to it.

:class:`SandboxCore` starts the fake, points discord.py's globals at it, starts the bot from
its factory and waits for ``on_ready``; it stops, restarts and reconnects the bot, and waits
until the bot is idle. :class:`~bot.sandbox.driver.Sandbox` adds the members' side.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import operator
import os
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, Self

import discord
import discord.gateway
import discord.http
import yarl

from bot.sandbox.idle import busy_tasks, wait_until
from bot.sandbox.server import API_BASE_ENV, GATEWAY_URL_ENV, FakeDiscord

BotFactory = Callable[[], "Awaitable[discord.Client] | discord.Client"]

DEFAULT_CHANNELS = ("general", "daily", "accountability", "interview")


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


@contextlib.contextmanager
def discord_pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base and gateway URL at a started ``fake`` for the block (to
    run a client the sandbox does not manage, e.g. `studybot doctor`'s), then restore them."""
    with _pointed(fake.api_base, fake.gateway_url):
        yield


@contextlib.contextmanager
def discord_pointed_at_env(environ: Mapping[str, str] | None = None) -> Iterator[None]:
    """In another process: point discord.py at the fake the parent started, as the parent's
    ``fake.environment()`` says (``STUDYBOT_SANDBOX_API_BASE``, ``STUDYBOT_SANDBOX_GATEWAY_URL``;
    from ``os.environ`` by default), for the block. Several processes (say, one per shard
    range) may connect to one fake this way at once."""
    env = os.environ if environ is None else environ
    missing = [name for name in (API_BASE_ENV, GATEWAY_URL_ENV) if not env.get(name)]
    if missing:
        raise LookupError(f"not pointed at a fake Discord: {', '.join(missing)} not set")
    with _pointed(env[API_BASE_ENV], env[GATEWAY_URL_ENV]):
        yield


@contextlib.contextmanager
def _pointed(api_base: str, gateway_url: str) -> Iterator[None]:
    saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


class SandboxCore:
    """A fake Discord with a real bot connected to it, from start to close."""

    def __init__(
        self,
        bot_factory: BotFactory,
        *,
        token: str = "sandbox.bot.token",
        guild_name: str = "Study Lab",
        channels: Iterable[str] = DEFAULT_CHANNELS,
        # A hang guard, not a speed check: generous, so a busy machine is slow but green.
        timeout: float = 60.0,
        bot_name: str = "StudyBot",
    ) -> None:
        self.bot_factory = bot_factory
        self.token = token
        self.timeout = timeout
        self.fake = FakeDiscord(bot_name=bot_name)
        self._guild = self.fake.add_guild(guild_name, channels)
        self.bot: discord.Client | None = None
        self._bot_task: asyncio.Task[None] | None = None
        #: Clients started with :meth:`start_another_bot`, with their connection tasks.
        self.other_bots: list[tuple[discord.Client, asyncio.Task[None]]] = []
        #: ERROR log records seen while the sandbox ran (discord.py and the bot).
        self.errors: list[str] = []
        self._collector = _ErrorCollector(self.errors)
        self._saved_globals: tuple[str, yarl.URL] | None = None
        self._started = False
        self._closing = False
        self.startup_seconds: float | None = None

    # ------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> Self:
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
        bot = await self._make_bot(self.bot_factory)
        self.bot = bot
        await bot.login(self.token)  # runs setup_hook (command sync) too
        self._bot_task = asyncio.create_task(bot.connect(reconnect=True), name="sandbox-bot")
        await self._wait_ready(bot, self._bot_task)
        self._register_unsynced_tree(bot)
        # on_ready handlers (catch-up posts...) finish before start()/restart_bot() return.
        await self.wait_idle()

    async def start_another_bot(self, factory: BotFactory) -> discord.Client:
        """Start one more client on the same fake (same token), e.g. the process that runs
        the other shards (`shard_id=1, shard_count=2`, or `AutoShardedBot(shard_ids=[1],
        shard_count=2)`); wait until it is ready and idle. It is closed with the sandbox;
        :attr:`bot` stays the first one (restarts and gateway waits are about that one)."""
        bot = await self._make_bot(factory)
        await bot.login(self.token)
        task = asyncio.create_task(
            bot.connect(reconnect=True), name=f"sandbox-bot-{len(self.other_bots) + 2}"
        )
        self.other_bots.append((bot, task))
        await self._wait_ready(bot, task)
        await self.wait_idle()
        return bot

    async def _make_bot(self, factory: BotFactory) -> discord.Client:
        made = factory()
        bot = await made if inspect.isawaitable(made) else made
        if not isinstance(bot, discord.Client):
            raise TypeError(f"bot factory returned {bot!r}, not a discord.Client")
        if type(bot).before_identify_hook is discord.Client.before_identify_hook:
            # discord.py's default sleeps 5 s before every IDENTIFY but a client's first (op 9,
            # every shard after the first); skip that here.
            bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
        return bot

    async def _wait_ready(self, bot: discord.Client, task: asyncio.Task[None]) -> None:
        ready = asyncio.create_task(bot.wait_until_ready(), name="sandbox-wait-ready")
        done, _ = await asyncio.wait(
            {ready, task}, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task.done() and not self._closing:
                exc = task.exception() if not task.cancelled() else None
                raise RuntimeError(f"the bot task ended: {exc!r}") from exc
            raise TimeoutError(
                f"bot not ready after {self.timeout}s (did the factory set "
                "guild_ready_timeout=0.01?)"
            )

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
        await self._stop(self.bot, self._bot_task)
        self.bot = None
        self._bot_task = None

    async def _stop(self, bot: discord.Client | None, task: asyncio.Task[None] | None) -> None:
        if bot is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bot.close(), self.timeout)
        if task is not None and not task.done():
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, self.timeout)
        if task is not None and not task.done():
            task.cancel()

    async def close(self, *, check: bool = True) -> None:
        """Close the bot and the fake, restore discord.py's globals, then (``check``) assert
        that no unknown route was hit."""
        self._closing = True
        try:
            while self.other_bots:
                await self._stop(*self.other_bots.pop())
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

    async def restart_bot(self, *, while_down: Callable[[], object] | None = None) -> None:
        """Close the bot and start a new one from the factory; messages stay in the fake.
        ``while_down()`` (sync or async) changes the world while no bot is connected: what
        happened meanwhile reaches the new bot only as the state in GUILD_CREATE."""
        self._closing = True
        await self._stop_bot()
        if while_down is not None:
            done = while_down()
            if inspect.isawaitable(done):
                await done
        self._closing = False
        await self._start_bot()

    # ------------------------------------------------------------ gateway actions
    async def reconnect(self, shard_id: int | None = None) -> None:
        """Send op 7 (every live session, or shard ``shard_id``'s); wait until each has
        RESUMEd."""
        await self._await_resume(self.fake.reconnect, shard_id)

    async def drop_gateway(self, shard_id: int | None = None) -> None:
        """Close the sockets (every live one, or shard ``shard_id``'s) abruptly; wait until
        each client has RESUMEd."""
        await self._await_resume(self.fake.drop_gateway, shard_id)

    async def _await_resume(
        self, action: Callable[[int | None], Awaitable[int]], shard_id: int | None
    ) -> None:
        self._raise_if_bot_died()
        sessions = self.fake.gateway.live(shard_id)
        before = self.fake.resume_count
        await action(shard_id)
        await self.fake.wait_for(
            lambda: (
                self.fake.resume_count >= before + len(sessions)
                and all(session.live for session in sessions)
            ),
            self.timeout,
            "the client to RESUME",
        )
        await self.fake.barrier()

    async def invalid_session(self, shard_id: int | None = None) -> None:
        """Send op 9, not resumable (every live session, or shard ``shard_id``'s); wait until
        the clients IDENTIFY again and :attr:`bot` is ready again (a sharded bot: the shards
        that got it)."""
        bot = self.bot
        assert bot is not None
        sessions = self.fake.gateway.live(shard_id)
        before = self.fake.identify_count
        if isinstance(bot, discord.AutoShardedClient):
            wanted = {s.shard_id for s in sessions} & set(bot.shards)
            waits = [
                bot.wait_for("shard_ready", check=functools.partial(operator.eq, sid))
                for sid in sorted(wanted)
            ]
        else:
            waits = [bot.wait_for("ready")]
        ready = [asyncio.ensure_future(asyncio.wait_for(w, self.timeout)) for w in waits]
        try:
            await self.fake.invalid_session(resumable=False, shard_id=shard_id)
            await self.fake.wait_for(
                lambda: self.fake.identify_count >= before + len(sessions),
                self.timeout,
                "a new IDENTIFY",
            )
            await asyncio.gather(*ready)
        finally:
            for future in ready:
                future.cancel()
        await self.fake.barrier()

    # ------------------------------------------------------------ idleness
    def _busy_tasks(self) -> set[asyncio.Task[Any]]:
        return busy_tasks()

    async def _wait_until(self, done: Callable[[], bool], what: str, within: float) -> bool:
        """Wait until ``done()`` or the bot is idle. Returns ``done()``."""
        return await wait_until(self.fake, done, what, within, check=self._raise_if_bot_died)

    async def wait_idle(self, within: float | None = None) -> None:
        """Wait until every gateway event was processed, discord.py's handler tasks finished
        and no REST call is in flight (bounded by ``within`` seconds, default the timeout)."""
        await self.fake.flush()
        await self._wait_until(lambda: False, "the bot to become idle", within or self.timeout)
