"""Which guilds this process serves: its Discord shards (`SHARD_COUNT`, `SHARD_IDS`).

Discord puts a guild on shard `(guild_id >> 22) % shard_count`. A process that runs shards
`ids` of `count` gets gateway events only for those guilds, so it also schedules, catches up,
sweeps and reminds only for them: `ShardPlan.owns` in Python, `ShardPlan.owns_column` in SQL.
Unsharded (the default) owns every guild.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Integer, literal_column, true

from bot.core.records import frozen


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events on."""
    return (guild_id >> 22) % shard_count


@frozen
class ShardPlan:
    """This process's shards: `ids` of `count`; `count=None` means one unsharded process."""

    count: int | None = None
    ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, count: int | None, ids: Iterable[int] | None) -> ShardPlan:
        """The plan for the settings: every shard of `count` when `ids` is not given."""
        if count is None:
            return cls()
        chosen = tuple(sorted(set(ids))) if ids is not None else tuple(range(count))
        return cls(count, chosen)

    @property
    def sharded(self) -> bool:
        return self.count is not None

    @property
    def share(self) -> float:
        """The fraction of all shards this process runs (its part of the token's rate)."""
        return 1.0 if self.count is None else len(self.ids) / self.count

    @property
    def covers_all(self) -> bool:
        return self.count is None or len(self.ids) == self.count

    def owns(self, guild_id: int) -> bool:
        return self.covers_all or shard_of(guild_id, self.count or 1) in self.ids

    def owns_column(self, guild_id: ColumnElement[int]) -> ColumnElement[bool]:
        """The SQL form of `owns` (plain integer arithmetic: SQLite and PostgreSQL agree)."""
        if self.covers_all or self.count is None:
            return true()
        # Inline numbers: PostgreSQL has `bigint >> integer` but no `bigint >> bigint`, which
        # a bound parameter beside a bigint column would become.
        shift = literal_column("22", Integer)
        count = literal_column(str(int(self.count)), Integer)
        return guild_id.op(">>")(shift).op("%")(count).in_(self.ids)

    def describe(self) -> str:
        if self.count is None:
            return "unsharded"
        return f"shards {', '.join(map(str, self.ids))} of {self.count}"


#: One process, every guild.
UNSHARDED = ShardPlan()
