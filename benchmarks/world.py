"""The benchmark world: one fixed instant, the fake Discord's ids and the bot factory.

The sandbox's fake Discord hands out deterministic snowflakes, so building the same sandbox
(same channels, then the same members in the same order) always yields the same guild,
channel and member ids. The dataset is generated for those ids; every benchmark that talks
through the fake builds its sandbox with :func:`new_sandbox` and gets a guild whose members
already have 28 days of history in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.sandbox import Sandbox

# Monday 2 March 2026, 07:00 UTC: the dataset's "now" (its 28 days of history end here).
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
# Members that exist in the fake guild too (the ones interactions are sent as); the other
# members of the dataset live only in the database, as in a large guild whose member list
# Discord does not send at start (no startup chunking).
FAKE_MEMBERS = 200
EXTRA_CHANNELS = 0


def member_name(index: int) -> str:
    return f"member{index:04d}"


def new_sandbox(
    factory: Callable[[], Any], *, members: int = FAKE_MEMBERS, timeout: float = 60.0
) -> Sandbox:
    """A sandbox (not started) whose ids match :class:`Layout`."""
    sb = Sandbox(factory, timeout=timeout)
    for index in range(members):
        sb.member(member_name(index), dms_open=True)
    return sb


@dataclass(frozen=True)
class Layout:
    guild_id: int
    daily_channel_id: int
    accountability_channel_id: int
    interview_channel_id: int
    first_member_id: int
    fake_members: int

    @classmethod
    def build(cls) -> Layout:
        sb = new_sandbox(lambda: None)
        return cls.of(sb)

    @classmethod
    def of(cls, sb: Sandbox) -> Layout:
        fake_members = [
            m for m in sb.guild.members.values() if m.user.username.startswith("member")
        ]
        return cls(
            guild_id=sb.guild.id,
            daily_channel_id=sb.channel("daily").id,
            accountability_channel_id=sb.channel("accountability").id,
            interview_channel_id=sb.channel("interview").id,
            first_member_id=min(m.id for m in fake_members),
            fake_members=len(fake_members),
        )

    def user_ids(self, count: int) -> range:
        """Member ids: the fake members first (consecutive snowflakes), then more after them."""
        return range(self.first_member_id, self.first_member_id + count)

    @property
    def message_id_base(self) -> int:
        # Far above anything the fake hands out during a run.
        return self.first_member_id + 10**12


def check_layout(sb: Sandbox, layout: Layout) -> None:
    actual = Layout.of(sb)
    if actual != layout:
        raise RuntimeError(f"sandbox ids drifted from the dataset layout: {actual} != {layout}")


def shipped_cpu_workers() -> int:
    """The bot as shipped runs CPU-heavy work in worker processes (the test suite's bots use
    threads, `bot.testing.settings`); the benchmarks measure what a server owner runs."""
    from bot.core.settings import Settings

    default = Settings.model_fields["cpu_workers"].default
    assert isinstance(default, int)
    return default


def bot_factory(database: Path | str, **overrides: Any) -> Callable[[], Any]:
    """A factory for the real StudyBot on `database` (a database URL, or a SQLite file),
    with the clock at NOW."""
    from bot import testing

    url = database if isinstance(database, str) else f"sqlite+aiosqlite:///{database}"
    overrides.setdefault("cpu_workers", shipped_cpu_workers())
    settings = testing.settings(database_url=url, **overrides)
    clock = testing.FakeClock(NOW)

    def factory() -> Any:
        return testing.build_bot(settings, clock)

    return factory
