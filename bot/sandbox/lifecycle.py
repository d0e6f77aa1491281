"""The sandbox's lifecycle: the fake Discord and a real bot connected to it.

:class:`SandboxCore` starts the fake, points discord.py's globals at it, starts the bot from
its factory and waits for ``on_ready``; it stops, restarts and reconnects the bot, and waits
until the bot is idle. :class:`~bot.sandbox.driver.Sandbox` adds the members' side.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, Self

import discord
import discord.gateway
import discord.http
import yarl

from bot.sandbox.idle import busy_tasks, wait_until
from bot.sandbox.server import FakeDiscord

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
    saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
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
