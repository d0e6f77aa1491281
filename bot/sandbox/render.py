"""Plain-text rendering of what members see, for transcripts and the REPL.

    alice> /settings timezone zone:Europe/Berlin
      [bot → alice, only you can see this]
      ┌ Timezone saved
      │ Your days now start at midnight Europe/Berlin.
      └ [Button: Done] [Button: Undo]

Channel posts render as ``[#daily] …``, DMs as ``[DM → alice] …``. Files are listed by name
and size, and written to ``files_dir`` when one is given.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

from bot.sandbox.models import DM, JSON
from bot.sandbox.server import FakeDiscord
from bot.sandbox.views import MessageView, Reply, walk_components

INDENT = "  "
#: Embed lines longer than this are wrapped (transcripts stay readable in a terminal).
WRAP = 88

_SELECT_KINDS = {3: "Select", 5: "User select", 6: "Role select", 7: "Mention select"}
_SELECT_KINDS[8] = "Channel select"


def component_summary(components: Iterable[JSON]) -> str:
    """``[Button: Done] [Select: Pick a level (Easy, Hard)]``"""
    parts: list[str] = []
    for c in walk_components(components):
        ctype = c.get("type")
        if ctype == 2:
            label = c.get("label") or (c.get("emoji") or {}).get("name") or c.get("custom_id")
            kind = "Link" if c.get("url") else "Button"
            off = ", disabled" if c.get("disabled") else ""
            parts.append(f"[{kind}: {label}{off}]")
        elif ctype in _SELECT_KINDS:
            name = c.get("placeholder") or c.get("custom_id")
            options = ", ".join(str(o.get("label")) for o in c.get("options") or [])
            parts.append(
                f"[{_SELECT_KINDS[ctype]}: {name}" + (f" ({options})]" if options else "]")
            )
    return " ".join(parts)


def embed_lines(embed: JSON) -> list[str]:
    """An embed as a box: title, description, ``name: value`` fields, footer."""
    head = (embed.get("author") or {}).get("name")
    title = embed.get("title")
    body: list[str] = []
    if head and title:
        body.append(str(title))
    first = str(head or title or "")
    desc = embed.get("description")
    if desc:
        body += str(desc).splitlines()
    for f in embed.get("fields") or []:
        value = str(f.get("value", "")).splitlines() or [""]
        body.append(f"{f.get('name', '')}: {value[0]}")
        body += [f"  {v}" for v in value[1:]]
    if embed.get("image"):
        body.append(f"[Image: {embed['image'].get('url', '')}]")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        body.append(f"— {footer}")
    lines = [f"┌ {first}".rstrip()]
    for b in body:
        wrapped = textwrap.wrap(b, WRAP, subsequent_indent="  ") if len(b) > WRAP else [b]
        lines += [f"│ {w}".rstrip() for w in wrapped]
    return lines


def _text_display_lines(components: Iterable[JSON]) -> list[str]:
    return [
        line
        for c in walk_components(components)
        if c.get("type") == 10
        for line in str(c.get("content", "")).splitlines()
    ]


_MENTION_RE = re.compile(r"<(#|@!?|@&)(\d+)>")


def humanize_mentions(text: str, fake: FakeDiscord) -> str:
    """``<#123>`` -> ``#daily``, ``<@456>`` -> ``@alice``, ``<@&789>`` -> ``@Moderator``."""

    def name(m: re.Match[str]) -> str:
        kind, ident = m.group(1), int(m.group(2))
        if kind == "#":
            ch = fake.channels.get(ident)
            return f"#{ch.name}" if ch else m.group(0)
        if kind == "@&":
            for guild in fake.guilds.values():
                if ident in guild.roles:
                    return f"@{guild.roles[ident].name}"
            return m.group(0)
        user = fake.users.get(ident)
        return f"@{user.username}" if user else m.group(0)

    return _MENTION_RE.sub(name, text)


def message_lines(view: MessageView, files_dir: Path | None = None) -> list[str]:
    """The visible body of a message (no header), unindented; mentions shown as names."""
    fake = view._sb.fake
    return [humanize_mentions(line, fake) for line in _message_lines(view, files_dir)]


def _message_lines(view: MessageView, files_dir: Path | None) -> list[str]:
    lines: list[str] = []
    if view.content:
        lines += view.content.splitlines()
    lines += _text_display_lines(view.components)
    summary = component_summary(view.components)
    embeds = view.embeds
    for i, embed in enumerate(embeds):
        lines += embed_lines(embed)
        closing = summary if i == len(embeds) - 1 else ""
        lines.append(f"└ {closing}".rstrip())
    if summary and not embeds:
        lines.append(summary)
    for name, data in view.files:
        note = f"[File: {name}, {len(data)} bytes"
        if files_dir is not None and view.message_id is not None:
            files_dir.mkdir(parents=True, exist_ok=True)
            path = files_dir / f"{view.message_id}-{Path(name).name}"
            path.write_bytes(data)
            note += f" → {path}"
        lines.append(note + "]")
    if view.deleted:
        lines.append("(deleted)")
    if not lines:
        lines.append("(empty message)")
    return lines


def _indent(lines: Iterable[str], prefix: str = INDENT) -> list[str]:
    return [f"{prefix}{line}" for line in lines]


def reply_lines(reply: Reply, member: str, files_dir: Path | None = None) -> list[str]:
    """What ``member`` sees after an interaction: response, modal or choices, then followups."""
    out: list[str] = []
    if reply.modal is not None:
        modal = reply.modal
        out.append(f"[bot → {member}, opens a form] {modal.get('title', '')}")
        for comp in walk_components(modal.get("components") or []):
            if comp.get("type") == 18:
                inner = comp.get("component") or {}
                star = "*" if inner.get("required", True) else ""
                out.append(f"{INDENT}field: {comp.get('label')}{star} ({inner.get('custom_id')})")
            elif comp.get("type") == 4 and comp.get("label"):
                star = "*" if comp.get("required", True) else ""
                out.append(f"{INDENT}field: {comp.get('label')}{star} ({comp.get('custom_id')})")
        return _indent(out)
    if reply.choices is not None:
        names = ", ".join(str(c.get("name")) for c in reply.choices) or "(none)"
        return _indent([f"[choices] {names}"])
    if reply.message is not None:
        out.append(_header(reply, member, "") + _updated(reply))
        out += _indent(message_lines(reply, files_dir))
    elif reply.response_type == 6:
        out.append(f"[bot → {member}: acknowledged]")
    for f in reply.followups:
        out.append(_header(f, member, "followup"))
        out += _indent(message_lines(f, files_dir))
    return _indent(out)


def _updated(reply: Reply) -> str:
    return " (message updated)" if reply.response_type in (6, 7) else ""


def _header(view: MessageView, member: str, what: str) -> str:
    extra = f", {what}" if what else ""
    if view.ephemeral:
        return f"[bot → {member}{extra}, only you can see this]"
    channel = view.channel
    where = f"#{channel.name}" if channel is not None else "?"
    if channel is not None and channel.raw.type == DM:
        return f"[DM → {member}{extra}]"
    return f"[bot → {where}{extra}]"


def post_lines(view: MessageView, files_dir: Path | None = None) -> list[str]:
    """A message the bot posted on its own: ``[#daily] …`` or ``[DM → alice] …``."""
    channel = view.channel
    if channel is None:
        head = "[?]"
    elif channel.raw.type == DM:
        recipient = channel.raw.recipient
        head = f"[DM → {recipient.username if recipient else '?'}]"
    elif channel.raw.is_thread:
        parent = view._sb.fake.channels.get(channel.raw.parent_id or 0)
        head = f"[#{parent.name if parent else '?'} › thread {channel.name!r}]"
    else:
        head = f"[#{channel.name}]"
    body = message_lines(view, files_dir)
    if len(body) == 1 and not body[0].startswith(("┌", "[")):
        return [f"{head} {body[0]}"]
    return [head, *_indent(body)]


def render_reply(reply: Reply, member: str, files_dir: Path | None = None) -> str:
    return "\n".join(reply_lines(reply, member, files_dir))


def render_post(view: MessageView, files_dir: Path | None = None) -> str:
    return "\n".join(post_lines(view, files_dir))
