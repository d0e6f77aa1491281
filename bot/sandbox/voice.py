"""Voice in the fake Discord: voice channels, who is in them, and the AFK channel.

The bot never connects to voice; it only sees voice *states*. GUILD_CREATE carries who is in
voice (`FakeGuild.voice_states`), and VOICE_STATE_UPDATE (with the member, as Discord sends
it) is dispatched when a member joins, moves, turns their camera or screen share on or off,
or leaves. Before the bot starts, joining only arranges the world: the states arrive with
GUILD_CREATE, as for a bot restarted while people sit in a room.

    room = sb.add_voice_channel("study-hall")
    await sb.join_voice(alice, room, camera=True)   # VOICE_STATE_UPDATE, then idle
    await sb.join_voice(alice, "other-room")        # a move
    await sb.leave_voice(alice)                     # channel_id null
"""

from __future__ import annotations

from bot.sandbox.handles import SandboxWorld
from bot.sandbox.models import GUILD_VOICE, JSON, FakeChannel, FakeGuild, FakeMember
from bot.sandbox.views import ChannelHandle
from bot.sandbox.world import World

_HIDDEN = ("members", "channels", "threads", "voice_states", "presences")


def voice_state(
    member: FakeMember, channel_id: int | None, *, camera: bool = False, stream: bool = False
) -> JSON:
    """A member's voice state as GUILD_CREATE lists it (no guild id, no member)."""
    return {
        "user_id": str(member.id),
        "channel_id": str(channel_id) if channel_id is not None else None,
        "session_id": f"voice-session-{member.id}",
        "deaf": False,
        "mute": False,
        "self_deaf": False,
        "self_mute": False,
        "self_video": camera,
        "self_stream": stream,
        "suppress": False,
        "request_to_speak_timestamp": None,
    }


def voice_update(member: FakeMember, channel_id: int | None, **flags: bool) -> JSON:
    """The data of VOICE_STATE_UPDATE: the state, its guild and the member."""
    return {
        **voice_state(member, channel_id, **flags),
        "guild_id": str(member.guild_id),
        "member": member.payload(),
    }


def set_voice(world: World, member: FakeMember, channel: FakeChannel | None, **flags: bool) -> JSON:
    """Put ``member`` in ``channel`` (None: out of voice) in the world; the event's data."""
    guild = world.guilds[member.guild_id]
    if channel is not None and channel.type != GUILD_VOICE:
        raise ValueError(f"#{channel.name} is not a voice channel")
    if channel is None:
        guild.voice_states.pop(member.id, None)
    else:
        guild.voice_states[member.id] = voice_state(member, channel.id, **flags)
    return voice_update(member, channel.id if channel is not None else None, **flags)


def guild_update(guild: FakeGuild) -> JSON:
    """GUILD_UPDATE's data: the guild without what only GUILD_CREATE carries."""
    return {key: value for key, value in guild.payload().items() if key not in _HIDDEN}


class SandboxVoice(SandboxWorld):
    """Voice channels, the AFK channel, and members joining, moving and leaving voice."""

    def add_voice_channel(self, name: str) -> ChannelHandle:
        """A voice channel in the default guild (CHANNEL_CREATE once started)."""
        channel = self.fake.add_channel(self._guild, name, type=GUILD_VOICE, dispatch=self._started)
        return ChannelHandle(self, channel)

    async def set_afk_channel(self, channel: str | ChannelHandle | None) -> None:
        """The server's AFK channel (GUILD_UPDATE once started); None clears it."""
        self._guild.afk_channel_id = self._channel(channel).id if channel is not None else None
        if self._started:
            await self.fake.flush()
            await self.fake.dispatch("GUILD_UPDATE", guild_update(self._guild))
            await self.wait_idle()

    def voice_channel_of(self, member: FakeMember) -> ChannelHandle | None:
        """The voice channel ``member`` is in, if any."""
        state = self.fake.guilds[member.guild_id].voice_states.get(member.id)
        if state is None:
            return None
        return self.channel(int(state["channel_id"]))

    async def join_voice(
        self,
        member: FakeMember,
        channel: str | ChannelHandle,
        *,
        camera: bool = False,
        stream: bool = False,
    ) -> None:
        """``member`` joins (or moves to, or changes their camera/stream in) ``channel``;
        once started, VOICE_STATE_UPDATE, then wait until the bot is idle."""
        await self._voice(member, self._channel(channel), camera=camera, stream=stream)

    async def leave_voice(self, member: FakeMember) -> None:
        """``member`` disconnects from voice (VOICE_STATE_UPDATE with no channel)."""
        await self._voice(member, None)

    async def _voice(self, member: FakeMember, channel: FakeChannel | None, **flags: bool) -> None:
        data = set_voice(self.fake, member, channel, **flags)
        if not self._started:
            return
        await self.fake.flush()
        await self.fake.dispatch("VOICE_STATE_UPDATE", data)
        await self.wait_idle()
