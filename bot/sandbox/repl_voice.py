"""The REPL's voice lines (``studybot sandbox``), and a look at a message edited in place::

voice-channel #study-hall           a voice channel is created
afk #afk                            #afk becomes the server's AFK channel
alice> voice #study-hall camera     alice joins (or moves to) it; "camera", "stream" optional
alice> voice off                    alice disconnects from voice
look #study-hall                    the bot's latest embed there, as it is now (edits)
"""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.driver import Sandbox
from bot.sandbox.models import FakeMember
from bot.sandbox.render import post_lines

VOICE_HELP = "voice-channel #name | afk #name | NAME> voice #name [camera] [stream] | voice off"
_FLAGS = frozenset({"camera", "stream"})


class VoiceLines:
    """Mixed into :class:`~bot.sandbox.repl.Repl`."""

    sb: Sandbox
    files_dir: Path | None

    def emit(self, text: str) -> None:
        raise NotImplementedError

    async def world_line(self, head: str, rest: str) -> bool:
        """Run a voice world line or ``look``; False when ``head`` is none of them."""
        name = rest.strip().lstrip("#")
        if head == "voice-channel":
            self.sb.add_voice_channel(name)
            await self.sb.wait_idle()
            self.emit(f"  (voice channel #{name} created)")
        elif head == "afk":
            await self.sb.set_afk_channel(name)
            self.emit(f"  (#{name} is the server's AFK channel)")
        elif head == "look":
            shown = [m for m in self.sb.channel(name).messages if m.embeds]
            if not shown:
                raise LookupError(f"the bot has no embed in #{name}")
            self.emit("\n".join(post_lines(shown[-1], self.files_dir)))
        else:
            return False
        return True

    async def voice(self, member: FakeMember, text: str) -> None:
        """``voice #channel [camera] [stream]`` or ``voice off``."""
        words = text.split()
        if words == ["off"]:
            await self.sb.leave_voice(member)
            self.emit(f"  ({member.name} left voice)")
            return
        flags = set(words[1:])
        if not words or not words[0].startswith("#") or flags - _FLAGS:
            raise ValueError("usage: NAME> voice #channel [camera] [stream], or NAME> voice off")
        name = words[0].lstrip("#")
        await self.sb.join_voice(member, name, camera="camera" in flags, stream="stream" in flags)
        extras = " and ".join(sorted(flags))
        self.emit(f"  ({member.name} is in voice #{name}" + (f", {extras} on)" if extras else ")"))
