"""Reading a guild's packs: `/content list·show·export`, autocomplete and `/setup show`."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Set

from bot.catalog import Pack
from bot.content import store as content_rows
from bot.content.rules import VERSION_MAX, export_filename, pack_counts, semver_key
from bot.content.service.guild_packs import GuildPacks
from bot.content.service.results import ExportedPack, PackDetails, PackSummary, PackVersion
from bot.core.errors import UserFacingError


def _builtin_summary(pack: Pack, switched_off: Set[str]) -> PackSummary:
    on = pack.id not in switched_off
    return PackSummary(pack.id, pack.header.name, pack.version, True, on, on, pack_counts(pack))


class Reading(GuildPacks):
    """What a guild has: listings, details, choices for autocomplete, exports."""

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """The `/setup show` line: built-in packs, and this server's enabled/disabled ones."""
        async with self.store.connect() as conn:
            heads = await content_rows.heads(conn, guild_id)
        enabled = sum(1 for h in heads if h["enabled"])
        text = f"{len(self.catalog.builtin_packs)} built-in packs"
        if heads:
            text += f", {enabled} uploaded enabled"
            if enabled < len(heads):
                text += f" ({len(heads) - enabled} disabled)"
        return [("Content packs", text)]

    async def list_packs(self, guild_id: int) -> list[PackSummary]:
        """Built-in packs, then the guild's uploaded packs (enabled or not)."""
        off = self.catalog.disabled_builtin(guild_id)
        out = [_builtin_summary(p, off) for p in self.catalog.builtin_packs]
        async with self.store.connect() as conn:
            heads = await content_rows.heads(conn, guild_id)
        loaded = {p.id: p for p in self.catalog.guild_packs(guild_id)}
        for head in heads:
            pack = loaded.get(head["pack_id"])
            out.append(
                PackSummary(
                    pack_id=head["pack_id"],
                    name=head["name"],
                    version=head["current_version"],
                    builtin=False,
                    enabled=bool(head["enabled"]),
                    loaded=pack is not None,
                    counts=pack_counts(pack) if pack is not None else {},
                    problem=self._problem(
                        guild_id,
                        head["pack_id"],
                        enabled=head["enabled"],
                        loaded=pack is not None,
                    ),
                )
            )
        return out

    async def show_pack(self, guild_id: int, pack_id: str) -> PackDetails:
        """A pack's header, item counts and (for an uploaded pack) every stored version."""
        builtin = self._builtin(pack_id)
        if builtin is not None:
            header = builtin.header
            summary = _builtin_summary(builtin, self.catalog.disabled_builtin(guild_id))
            return PackDetails(summary, header.description, header.authors, header.license)
        async with self.store.connect() as conn:
            head = await self._head(conn, guild_id, pack_id)
            pack = await self._stored_pack(conn, guild_id, head)
            rows = await content_rows.versions(conn, guild_id, pack_id)
        loaded = self._loaded(guild_id, pack_id) is not None
        current = head["current_version"]
        versions = tuple(
            PackVersion(
                r["version"],
                r["filename"],
                r["checksum"],
                r["uploaded_by"],
                r["uploaded_at"],
                r["version"] == current,
            )
            for r in sorted(rows, key=lambda r: semver_key(r["version"]))
        )
        name = next((r["name"] for r in rows if r["version"] == current), pack_id)
        summary = PackSummary(
            pack_id,
            pack.header.name if pack else name,
            current,
            False,
            bool(head["enabled"]),
            loaded,
            pack_counts(pack) if pack else {},
            self._problem(guild_id, pack_id, enabled=head["enabled"], loaded=loaded),
        )
        if pack is None:
            return PackDetails(summary, "", (), None, versions)
        header = pack.header
        return PackDetails(summary, header.description, header.authors, header.license, versions)

    async def pack_choices(self, guild_id: int, typed: str) -> list[str]:
        """Pack ids for autocomplete: the guild's uploaded packs first, then built-ins."""
        async with self.store.connect() as conn:
            own = await content_rows.pack_ids(conn, guild_id)
        builtin = [p.id for p in self.catalog.builtin_packs]
        needle = typed.strip().lower()
        return [i for i in dict.fromkeys([*own, *builtin]) if needle in i][:25]

    async def version_choices(self, guild_id: int, pack_id: str, typed: str) -> list[str]:
        """Stored versions of a pack for autocomplete, newest first."""
        async with self.store.connect() as conn:
            rows = await content_rows.versions(conn, guild_id, pack_id)
        found = sorted((r["version"] for r in rows), key=semver_key, reverse=True)
        return [v for v in found if typed.strip() in v][:25]

    async def export(self, guild_id: int, pack_id: str, version: str | None = None) -> ExportedPack:
        """The YAML of a pack, byte for byte.

        For an uploaded pack its current (or named) stored version; for a built-in pack its
        file, if unchanged since it was loaded.
        """
        builtin = self._builtin(pack_id)
        if builtin is not None:
            return await asyncio.to_thread(self._export_builtin, builtin)
        async with self.store.connect() as conn:
            head = await self._head(conn, guild_id, pack_id)
            wanted = version.strip() if version else str(head["current_version"])
            row = await content_rows.version(conn, guild_id, pack_id, wanted)
        if row is None:
            raise UserFacingError(f"`{pack_id}` has no stored version {wanted[:VERSION_MAX]}.")
        data = str(row["source"]).encode("utf-8")
        return ExportedPack(export_filename(pack_id, wanted), data, pack_id, wanted, False)

    def _export_builtin(self, pack: Pack) -> ExportedPack:
        path = self.settings.content_dir / pack.source
        try:
            data = path.read_bytes()
        except OSError:
            raise UserFacingError(
                f"The file of built-in pack `{pack.id}` cannot be read any more."
            ) from None
        if hashlib.sha256(data).hexdigest() != pack.checksum:
            raise UserFacingError(
                f"The file of built-in pack `{pack.id}` changed on disk since it was loaded; "
                "run `/content reload` first."
            )
        return ExportedPack(pack.source, data, pack.id, pack.version, True)
