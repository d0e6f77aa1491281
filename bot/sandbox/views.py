"""What a test looks at: handles on channels, and live views of the messages the fake stores.

Views read the fake through their sandbox on every access, so edits and deletions show up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from bot.sandbox.models import EPHEMERAL, JSON, FakeChannel, FakeMessage, InteractionRecord
from bot.sandbox.server import FakeDiscord


class HasFake(Protocol):
    """What views need from their sandbox: the fake Discord they read."""

    @property
    def fake(self) -> FakeDiscord: ...


def walk_components(components: Iterable[JSON]) -> Iterator[JSON]:
    """Every component, depth first (action rows, containers, sections, labels)."""
    for comp in components:
        yield comp
        yield from walk_components(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


def flatten_embed(embed: JSON) -> list[str]:
    """An embed's visible text: author, title, description, ``name: value`` fields, footer."""
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

    def __init__(self, sandbox: HasFake, message: FakeMessage | None) -> None:
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
        self, sandbox: HasFake, interaction: InteractionRecord, message: FakeMessage | None
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

    def __init__(self, sandbox: HasFake, channel: FakeChannel) -> None:
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
