"""A line-driven REPL over a :class:`~bot.sandbox.driver.Sandbox` (``studybot sandbox``).

Lines (``#`` starts a comment; blank lines are ignored)::

    alice> /log minutes:45 kind:course topic:"linear algebra"   slash command as alice
    bob!> /setup daily time:09:00        "!" = bob is a moderator (Moderator role, Manage Server)
    alice@daily> /project checkin        "@daily" = invoke in #daily (default: system channel)
    alice> click Done                    button on the last message alice saw that has it
    alice> select "Pick a level" Hard    pick value(s) in a select (placeholder or custom_id)
    alice> modal Title=My project; Notes=from scratch   fill and submit alice's open form
    alice> complete /settings timezone zone:berl        show autocomplete choices
    alice> post #general                 alice posts a message (the bot sees no content)
    alice> leave                         alice leaves the server
    alice> dms off / alice> dms on       alice closes / opens her DMs (closed: 403 50007)
    alice> voice #study-hall camera      voice: see bot/sandbox/repl_voice.py (also look #channel)
    deny #daily send_messages            a channel overwrite for the bot (allow ... undoes it)
    delete #daily                        the channel is deleted (CHANNEL_DELETE)
    drop / reconnect / restart           gateway dropped / op 7 (both RESUME) / a new bot
    time +1d / time +3h / time +30m / time +1d2h30m     advance the clock (``advance_time``)
    who                                  list members (with their roles)
    help                                 list the commands the bot synced

Members are created on first use (``!`` only matters then). Option values are coerced by the
synced command's option types; users are member names, channels ``#names``, attachments file
paths. After every line the bot's new channel posts and DMs are printed.

A line counts as an error when it raises (no answer, unknown button, bad option...), when the
bot's visible answer matches ``is_error`` (default: "something went wrong"), when an ERROR was
logged, when the bot hit an unknown route, or when the bot task died.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

import discord

from bot.sandbox.driver import Sandbox
from bot.sandbox.models import FakeMember
from bot.sandbox.payloads import OptionRefused, command_usage
from bot.sandbox.render import post_lines, reply_lines
from bot.sandbox.repl_voice import VOICE_HELP, VoiceLines
from bot.sandbox.views import MessageView, Reply, walk_components

AdvanceTime = Callable[[timedelta], Awaitable[None]]

_ERROR_RE = re.compile(r"something went wrong", re.IGNORECASE)
_PROMPT_RE = re.compile(
    r"^(?P<name>[\w.-]+)(?P<mod>!)?(?:@#?(?P<channel>[\w-]+))?>\s*(?P<rest>.*)$"
)
_DURATION_RE = re.compile(r"(\d+)\s*([dhms])")


def default_is_error(text: str) -> bool:
    """The bot's error handler answers "Something went wrong …" with an error id."""
    return bool(_ERROR_RE.search(text))


def parse_duration(text: str) -> timedelta:
    """``+1d`` / ``+3h`` / ``+30m`` / ``+1d2h30m`` / ``+45s`` -> timedelta."""
    text = text.strip().lstrip("+")
    parts = _DURATION_RE.findall(text)
    if not parts or _DURATION_RE.sub("", text).strip():
        raise ValueError(f"bad duration {text!r} (try +1d, +3h, +30m)")
    unit = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    kwargs: dict[str, int] = {}
    for amount, u in parts:
        kwargs[unit[u]] = kwargs.get(unit[u], 0) + int(amount)
    return timedelta(**kwargs)


def parse_options(tokens: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """``["log", "minutes:45", "topic:linear algebra"]`` -> (["log"], {...})."""
    path: list[str] = []
    options: dict[str, str] = {}
    for tok in tokens:
        name, sep, value = tok.partition(":")
        if sep and name and (options or re.fullmatch(r"[\w-]+", name)):
            options[name] = value
        elif options:
            raise ValueError(f"expected name:value after the options, got {tok!r}")
        else:
            path.append(tok)
    return path, options


class ReplError(Exception):
    """A line the REPL could not run (bad syntax, unknown member...)."""


class Repl(VoiceLines):
    """Runs REPL lines against a started :class:`Sandbox` and prints a transcript."""

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        advance_time: AdvanceTime | None = None,
        out: Callable[[str], None] | None = None,
        files_dir: Path | None = None,
        is_error: Callable[[str], bool] = default_is_error,
    ) -> None:
        self.sb = sandbox
        self.advance_time = advance_time
        self.files_dir = files_dir
        self.is_error = is_error
        self._out = out or (lambda line: print(line, flush=True))
        self.transcript: list[str] = []
        #: Lines that failed so far.
        self.errors = 0
        self._problems = 0
        #: Messages shown so far, oldest first, with the member who alone can see them
        #: (None: visible to everyone).
        self._seen: list[tuple[str | None, MessageView]] = []
        self._open_modal: dict[str, Reply] = {}
        self._printed: set[int] = set(self.sb.fake.messages)

    # ------------------------------------------------------------ output
    def emit(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self.transcript.append(line)
            self._out(line)

    def _error(self, message: str) -> None:
        self._problems += 1
        self.emit(f"  !! {message}")

    # ------------------------------------------------------------ running
    async def run_lines(self, lines: Iterable[str]) -> int:
        """Run every line; return the number of lines that produced an error."""
        before = self.errors
        for line in lines:
            await self.run_line(line)
        return self.errors - before

    async def run_line(self, line: str) -> bool:
        """Run one line; return True when it succeeded (comments/blank lines succeed).
        A line with several problems counts as one error."""
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            if stripped:
                self.emit(stripped)
            return True
        self.emit(stripped)
        self._problems = 0
        errors_before = len(self.sb.errors)
        routes_before = len(self.sb.fake.unknown_routes)
        try:
            await self._dispatch(stripped)
        except (ReplError, LookupError, ValueError, TimeoutError, AssertionError) as e:
            self._error(f"{type(e).__name__}: {e}")
        except RuntimeError as e:  # the bot task died
            self._error(f"RuntimeError: {e}")
        try:
            await self.sb.wait_idle()
        except (TimeoutError, RuntimeError) as e:
            self._error(f"{type(e).__name__}: {e}")
        self._print_new_posts()
        for err in self.sb.errors[errors_before:]:
            self._error(f"logged: {err}")
        for route in self.sb.fake.unknown_routes[routes_before:]:
            self._error(f"unknown route: {route}")
        if self._problems:
            self.errors += 1
            return False
        return True

    async def interactive(self, stream: TextIO | None = None, prompt: str = "sandbox> ") -> int:
        """Read lines from ``stream`` (default stdin) until EOF or ``quit``; return the number
        of failed lines. Lines are read by a daemon thread so Ctrl-C never hangs on stdin."""
        stream = stream or sys.stdin
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str] = asyncio.Queue()
        wanted = threading.Event()

        def reader() -> None:
            while True:
                wanted.wait()
                wanted.clear()
                line = stream.readline()
                loop.call_soon_threadsafe(lines.put_nowait, line)
                if not line:
                    return

        threading.Thread(target=reader, name="sandbox-repl-stdin", daemon=True).start()
        self._out("Type 'help' for commands, 'quit' to leave.")
        while True:
            if stream.isatty():
                self._out_prompt(prompt)
            wanted.set()
            line = await lines.get()
            if not line or line.strip() in ("quit", "exit"):
                break
            await self.run_line(line)
        return self.errors

    def _out_prompt(self, prompt: str) -> None:
        sys.stdout.write(prompt)
        sys.stdout.flush()

    # ------------------------------------------------------------ commands
    async def _dispatch(self, line: str) -> None:
        words = line.split(None, 1)
        head = words[0]
        rest = words[1] if len(words) > 1 else ""
        if head == "time":
            await self._time(rest)
            return
        if head == "who":
            self._who()
            return
        if head == "help":
            self._help()
            return
        if await self.world_line(head, rest):
            return
        if head in ("deny", "allow"):
            await self._bot_permission(head, rest)
            return
        if head == "delete":
            channel = rest.strip().lstrip("#")
            await self.sb.delete_channel(channel)
            self.emit(f"  (#{channel} was deleted)")
            return
        if head in ("drop", "reconnect", "restart"):
            actions: dict[str, Callable[[], Awaitable[object]]] = {
                "drop": self.sb.drop_gateway,
                "reconnect": self.sb.reconnect,
                "restart": self.sb.restart_bot,
            }
            await actions[head]()
            what = {"drop": "dropped and resumed", "reconnect": "reconnected (RESUME)"}
            self.emit(f"  (gateway {what[head]})" if head in what else "  (bot restarted)")
            return
        m = _PROMPT_RE.match(line)
        if m is None:
            raise ReplError(f"don't understand {line!r}; try 'help'")
        member = self.sb.member(m["name"], moderator=bool(m["mod"]))
        channel = m["channel"]
        action = m["rest"].strip()
        if action.startswith("/"):
            await self._slash(member, action[1:], channel)
        elif action.startswith("click "):
            await self._click(member, _unquote(action[6:].strip()))
        elif action.startswith("select "):
            await self._select(member, action[7:])
        elif action.startswith("modal"):
            await self._modal(member, action[5:])
        elif action.startswith("complete "):
            await self._complete(member, action[9:].strip(), channel)
        elif action.startswith("post"):
            where = action[4:].strip().lstrip("#") or channel or "general"
            await self.sb.post_message(member, where)
            self.emit(f"  ({member.name} posted in #{where})")
        elif action == "leave":
            await self.sb.member_leave(member)
            self.emit(f"  ({member.name} left the server)")
        elif action.startswith("voice"):
            await self.voice(member, action[5:])
        elif action in ("dms off", "dms on"):
            member.user.dms_open = action == "dms on"
            self.emit(f"  ({member.name} {'opened' if member.user.dms_open else 'closed'} DMs)")
        else:
            raise ReplError(f"unknown action {action!r}; try 'help'")

    def _coerce(self, command: str, options: dict[str, str]) -> dict[str, Any]:
        schema = {o["name"]: o for o in self.sb.command_options(command)}
        values: dict[str, Any] = {}
        for name, raw in options.items():
            otype = schema.get(name, schema.get(name.replace("_", "-"), {})).get("type")
            value: Any = raw
            if otype in (6, 9):
                value = self.sb.member(raw.lstrip("@"))
            elif otype == 7:
                value = raw.lstrip("#")
            elif otype == 11:
                path = Path(raw)
                if not path.is_file():
                    raise ReplError(f"attachment {raw!r} is not a file")
                value = (path.name, path.read_bytes())
            values[name] = value
        return values

    async def _slash(self, member: FakeMember, text: str, channel: str | None) -> None:
        path, raw = parse_options(shlex.split(text))
        command = " ".join(path)
        options = self._coerce(command, raw)
        try:
            reply = await self.sb.slash(member, command, where=channel, **options)
        except OptionRefused as refused:
            # Discord's client, not the bot: the member sees it under the option and
            # nothing is sent. Not a failed line (a tour may show it on purpose).
            self.emit(f"  [Discord, not sent] {refused.option}: {refused.rule}")
            return
        self._show(member, reply)

    async def _complete(self, member: FakeMember, text: str, channel: str | None) -> None:
        path, raw = parse_options(shlex.split(text.lstrip("/")))
        if not raw:
            raise ReplError("complete needs the option being typed, e.g. zone:berl")
        focused = list(raw)[-1]
        typed = raw.pop(focused)
        command = " ".join(path)
        choices = await self.sb.autocomplete(
            member, command, focused, typed, where=channel, **self._coerce(command, raw)
        )
        names = ", ".join(str(c.get("name")) for c in choices) or "(none)"
        self.emit(f"  [choices] {names}")

    def _last_with(self, member: FakeMember, predicate: Callable[[MessageView], bool]) -> Any:
        for owner, view in reversed(self._seen):
            if owner not in (None, member.name):
                continue
            if view.message is not None and not view.deleted and predicate(view):
                return view
        return None

    def _saw(self, member: str | None, view: MessageView) -> None:
        if view.message is None:
            return
        owner = member if view.ephemeral or view.channel is None else None
        channel = view.channel
        if channel is not None and channel.raw.recipient is not None:
            owner = channel.raw.recipient.username
        self._seen.append((owner, view))
        self._printed.add(view.message.id)

    async def _click(self, member: FakeMember, label: str) -> None:
        def has(v: MessageView) -> bool:
            return any(
                label in (c.get("label"), c.get("custom_id"))
                for c in walk_components(v.components)
                if c.get("type") == 2
            )

        view = self._last_with(member, has)
        if view is None:
            raise ReplError(f"{member.name} has not seen a button {label!r}")
        reply = await self.sb.click(member, view, label)
        self._show(member, reply)

    async def _select(self, member: FakeMember, text: str) -> None:
        tokens = shlex.split(text)
        if len(tokens) < 2:
            raise ReplError("usage: select <placeholder> <value> [value...]")
        name, values = tokens[0], tokens[1:]

        def has(v: MessageView) -> bool:
            return any(name in (c.get("placeholder"), c.get("custom_id")) for c in v.selects)

        view = self._last_with(member, has)
        if view is None:
            raise ReplError(f"{member.name} has not seen a select {name!r}")
        reply = await self.sb.select(member, view, name, values)
        self._show(member, reply)

    async def _modal(self, member: FakeMember, text: str) -> None:
        reply = self._open_modal.pop(member.name, None)
        if reply is None:
            raise ReplError(f"{member.name} has no open form")
        values: dict[str, str] = {}
        for part in text.split(";"):
            if not part.strip():
                continue
            key, sep, value = part.partition("=")
            if not sep:
                raise ReplError(f"expected field=value, got {part.strip()!r}")
            values[key.strip()] = _unquote(value.strip())
        result = await self.sb.submit_modal(member, reply, values)
        self._show(member, result)

    async def _bot_permission(self, verb: str, text: str) -> None:
        words = text.split()
        if len(words) < 2 or not words[0].startswith("#"):
            raise ReplError(f"usage: {verb} #channel permission [permission...]")
        perms: dict[str, bool | None] = {}
        for name in words[1:]:
            if not hasattr(discord.Permissions, name):
                raise ReplError(f"no permission {name!r} (e.g. send_messages, embed_links)")
            perms[name] = verb == "allow"
        self.sb.set_bot_permissions(words[0].lstrip("#"), **perms)
        await self.sb.wait_idle()
        self.emit(
            f"  (the bot may {'now' if verb == 'allow' else 'not'} {', '.join(perms)} "
            f"in {words[0]})"
        )

    async def _time(self, text: str) -> None:
        delta = parse_duration(text)
        if self.advance_time is None:
            raise ReplError("no clock is wired into this sandbox (advance_time=None)")
        await self.advance_time(delta)
        self.emit(f"  (time advanced by {delta})")

    def _who(self) -> None:
        members = self.sb.members
        if not members:
            self.emit("  (no members yet)")
        mod_role = self.sb.guild.moderator_role_id
        roles = self.sb.guild.roles
        for m in members:
            tags = ["moderator"] if mod_role in m.roles else []
            tags += [f"@{roles[r].name}" for r in m.roles if r != mod_role and r in roles]
            if m.tz:
                tags.append(m.tz)
            self.emit(f"  {m.name}" + (f" ({', '.join(tags)})" if tags else ""))

    def _help(self) -> None:
        self.emit("  commands the bot synced:")
        for line in command_usage(self.sb.commands):
            self.emit(f"    {line}")
        self.emit(
            "  also: NAME> click LABEL | select PLACEHOLDER VALUE | modal f=v; f=v | "
            "complete /cmd opt:text | post #channel | leave | dms off|on"
        )
        self.emit(
            "        time +1d | who | deny|allow #channel PERM | delete #channel | "
            "drop | reconnect | restart"
        )
        self.emit(f"        {VOICE_HELP} | look #channel")

    # ------------------------------------------------------------ showing
    def _show(self, member: FakeMember, reply: Reply) -> None:
        self.emit("\n".join(reply_lines(reply, member.name, self.files_dir)))
        self._saw(member.name, reply)
        for f in reply.followups:
            self._saw(member.name, f)
        if reply.modal is not None:
            self._open_modal[member.name] = reply
        text = reply.all_text
        if text and self.is_error(text):
            self._error("the bot answered with an error")

    def _print_new_posts(self) -> None:
        fake = self.sb.fake
        bot_id = fake.bot_user.id
        for mid in sorted(fake.messages):
            if mid in self._printed:
                continue
            msg = fake.messages[mid]
            self._printed.add(mid)
            if msg.author.id != bot_id or msg.ephemeral or msg.deleted:
                continue
            view = MessageView(self.sb, msg)
            self.emit("\n".join(post_lines(view, self.files_dir)))
            self._saw(None, view)
            if self.is_error(view.text):
                self._error("the bot posted an error")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


async def run_script(
    sandbox: Sandbox,
    lines: Iterable[str],
    *,
    advance_time: AdvanceTime | None = None,
    out: Callable[[str], None] | None = None,
    files_dir: Path | None = None,
) -> tuple[int, list[str]]:
    """Run ``lines`` in a fresh :class:`Repl`; return (errors, transcript)."""
    repl = Repl(sandbox, advance_time=advance_time, out=out, files_dir=files_dir)
    errors = await repl.run_lines(lines)
    return errors, repl.transcript
