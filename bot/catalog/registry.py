"""Per-guild catalogs: built-ins plus each guild's enabled packs, swapped atomically."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .catalog import Catalog
from .errors import PackError, PackIssue
from .models import Pack

__all__ = ["CatalogRegistry"]


@dataclass(frozen=True, slots=True)
class _State:
    builtin_packs: tuple[Pack, ...]
    builtin: Catalog
    guild_packs: Mapping[int, tuple[Pack, ...]]
    guild_catalogs: Mapping[int, Catalog]
    # Built-in pack ids a guild's moderators switched off (built-ins are split by kind and
    # track so parts can be disabled).
    guild_disabled: Mapping[int, frozenset[str]] = field(
        default_factory=lambda: MappingProxyType({})
    )


class CatalogRegistry:
    """Holds the built-in packs and each guild's enabled packs; builds each guild's Catalog
    once per change and swaps it atomically (a failed build leaves the old catalog in place).

    Readers never lock: all state lives in one immutable snapshot that writers replace with
    a single assignment, so a reader sees either the old or the new catalogs, never a mix.
    Writers are serialised by a lock, so two changes cannot undo each other.
    """

    def __init__(self, builtin: Sequence[Pack]) -> None:
        packs = tuple(builtin)
        self._lock = threading.Lock()
        self._state = _State(
            packs, Catalog.build(packs), MappingProxyType({}), MappingProxyType({})
        )

    @property
    def builtin(self) -> Catalog:
        """The catalog of the built-in packs alone."""
        return self._state.builtin

    @property
    def builtin_packs(self) -> tuple[Pack, ...]:
        return self._state.builtin_packs

    def for_guild(self, guild_id: int) -> Catalog:
        """The guild's catalog (cached); the built-in catalog when it has no packs."""
        state = self._state
        return state.guild_catalogs.get(guild_id, state.builtin)

    def guild_packs(self, guild_id: int) -> tuple[Pack, ...]:
        """The guild's own enabled packs (not the built-ins)."""
        return self._state.guild_packs.get(guild_id, ())

    def guilds(self) -> tuple[int, ...]:
        """Guilds that have packs of their own."""
        return tuple(self._state.guild_packs)

    def disabled_builtin(self, guild_id: int) -> frozenset[str]:
        """Built-in pack ids switched off in this guild."""
        return self._state.guild_disabled.get(guild_id, frozenset())

    @staticmethod
    def _build(
        builtin: Sequence[Pack], packs: Sequence[Pack], disabled: frozenset[str] = frozenset()
    ) -> Catalog:
        return Catalog.build([*(p for p in builtin if p.id not in disabled), *packs])

    def try_guild_packs(self, guild_id: int, packs: Sequence[Pack]) -> Catalog:
        """Dry run: the catalog the guild would get with ``packs``; nothing is swapped.

        Raises :class:`PackError` exactly as :meth:`set_guild_packs` would.
        """
        return self._build(self._state.builtin_packs, packs, self.disabled_builtin(guild_id))

    def set_builtin_disabled(self, guild_id: int, pack_ids: Sequence[str]) -> Catalog:
        """Switch built-in packs off (or back on) for one guild; validated first.

        Raises :class:`PackError` (nothing changes) when what stays would not hold together,
        e.g. the guild's other packs use skills of a pack being switched off.
        """
        disabled = frozenset(pack_ids)
        with self._lock:
            state = self._state
            packs = state.guild_packs.get(guild_id, ())
            catalog = self._build(state.builtin_packs, packs, disabled)
            return self._swap(state, guild_id, packs, disabled, catalog)

    def set_guild_packs(self, guild_id: int, packs: Sequence[Pack]) -> Catalog:
        """Replace the guild's enabled packs (an empty list: back to built-ins only).

        The merged catalog is built first; on :class:`PackError` nothing changes.
        """
        packs = tuple(packs)
        with self._lock:
            state = self._state
            disabled = state.guild_disabled.get(guild_id, frozenset())
            catalog = (
                self._build(state.builtin_packs, packs, disabled)
                if packs or disabled
                else state.builtin
            )
            return self._swap(state, guild_id, packs, disabled, catalog)

    def _swap(
        self,
        state: _State,
        guild_id: int,
        packs: tuple[Pack, ...],
        disabled: frozenset[str],
        catalog: Catalog,
    ) -> Catalog:
        """Replace `state` with one where the guild has these packs, switched-off built-ins
        and catalog (call with the lock held); a guild with neither packs nor switched-off
        built-ins is forgotten and gets the built-in catalog, which is returned."""
        guild_packs = dict(state.guild_packs)
        guild_catalogs = dict(state.guild_catalogs)
        guild_disabled = dict(state.guild_disabled)
        if packs:
            guild_packs[guild_id] = packs
        else:
            guild_packs.pop(guild_id, None)
        if disabled:
            guild_disabled[guild_id] = disabled
        else:
            guild_disabled.pop(guild_id, None)
        if packs or disabled:
            guild_catalogs[guild_id] = catalog
        else:
            catalog = state.builtin
            guild_catalogs.pop(guild_id, None)
        self._state = _State(
            state.builtin_packs,
            state.builtin,
            MappingProxyType(guild_packs),
            MappingProxyType(guild_catalogs),
            MappingProxyType(guild_disabled),
        )
        return catalog

    def forget_guild(self, guild_id: int) -> None:
        """Drop a guild's packs and choices (the bot left the guild)."""
        self.set_guild_packs(guild_id, ())
        self.set_builtin_disabled(guild_id, ())

    def replace_builtin(self, packs: Sequence[Pack]) -> None:
        """Swap the built-in packs (``/content reload``) and rebuild every guild's catalog.

        All or nothing: if the new built-ins are invalid, or clash with any guild's packs,
        :class:`PackError` lists every problem (clashes say which guild) and nothing changes.
        """
        builtin_packs = tuple(packs)
        with self._lock:
            state = self._state
            builtin = Catalog.build(builtin_packs)
            issues: list[PackIssue] = []
            guild_catalogs: dict[int, Catalog] = {}
            for guild_id in {*state.guild_packs, *state.guild_disabled}:
                guild_packs = state.guild_packs.get(guild_id, ())
                disabled = state.guild_disabled.get(guild_id, frozenset())
                try:
                    guild_catalogs[guild_id] = self._build(builtin_packs, guild_packs, disabled)
                except PackError as exc:
                    issues.extend(
                        PackIssue(
                            i.source, i.line, i.column, i.path, f"{i.message} (guild {guild_id})"
                        )
                        for i in exc.issues
                    )
            if issues:
                raise PackError(issues)
            self._state = _State(
                builtin_packs,
                builtin,
                state.guild_packs,
                MappingProxyType(guild_catalogs),
                state.guild_disabled,
            )
