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

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from bot.sandbox.idle import BUSY_TASK_PREFIXES
from bot.sandbox.lifecycle import DEFAULT_CHANNELS, BotFactory
from bot.sandbox.models import (
    JSON,
    FakeChannel,
    FakeMember,
    FakeMessage,
    InteractionRecord,
    StoredFile,
    attachment_payload,
)
from bot.sandbox.payloads import OPTION_TYPES, command_data, command_options, modal_components
from bot.sandbox.views import ChannelHandle, MessageView, Reply, flatten_embed, walk_components
from bot.sandbox.voice import SandboxVoice

#: With the names this module defined before it was split up (still imported from here).
__all__ = [
    "BUSY_TASK_PREFIXES",
    "DEFAULT_CHANNELS",
    "OPTION_TYPES",
    "QUICK_ANSWER_SECONDS",
    "BotFactory",
    "ChannelHandle",
    "MessageView",
    "NoResponse",
    "Reply",
    "Sandbox",
    "flatten_embed",
    "walk_components",
]

QUICK_ANSWER_SECONDS = 1.0


class NoResponse(AssertionError):
    """The bot finished handling an interaction without answering it (or never followed up)."""


class Sandbox(SandboxVoice):
    """A fake Discord plus a real bot, and a readable API to act as members."""

    # ------------------------------------------------------------ interactions
    def command_options(self, path: str) -> list[JSON]:
        """The option schema of ``path`` (a leaf command like ``"settings timezone"``)."""
        return command_options(self.commands, path)

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
            resolved.setdefault("attachments", {})[str(f.id)] = attachment_payload(
                f, self.fake.base_url
            )
            return str(f.id)
        raise ValueError(f"option {name}: unsupported type {otype}")

    def _build_command_data(
        self, path: str, values: Mapping[str, Any], *, focused: str | None = None
    ) -> JSON:
        return command_data(self.commands, path, values, self._option_value, focused=focused)

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
        submitted = modal_components(modal, values)
        data = {"custom_id": modal["custom_id"], "components": submitted}
        orig = reply.interaction
        ch = self.fake.channels[orig.channel_id]
        msg = self.fake.messages.get(orig.message_id or 0)
        rec = await self._dispatch_interaction(member, 5, data, ch, message=msg)
        return await self._answer(rec, f"the modal {modal.get('title')!r}")
