"""/content through the fake Discord: upload with preview and confirm, versions, rollback,
disable/enable, export, reload — and a broken upload that changes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.app import create_bot
from bot.catalog import MAX_PACK_BYTES
from bot.content import store as content_rows
from bot.core.clock import FakeClock
from bot.core.errors import UserFacingError
from bot.core.settings import DEFAULT_CONTENT_DIR, Settings
from bot.sandbox import Sandbox
from bot.studybot import StudyBot
from tests.e2e.conftest import bot_of

#: One pack per file in content/ (the count grows with the curriculum).
BUILTIN_PACKS = len(list(DEFAULT_CONTENT_DIR.glob("*.yaml")))

PACKS = Path(__file__).resolve().parent / "packs"
V1 = ("kaggle-club.yaml", (PACKS / "kaggle-track-1.0.0.yaml").read_bytes())
V11 = ("kaggle-club.yaml", (PACKS / "kaggle-track-1.1.0.yaml").read_bytes())
EXTRA = ("kaggle-extra.yaml", (PACKS / "kaggle-questions.yaml").read_bytes())
MOD_ONLY = "Only moderators"


def questions(sb: Sandbox) -> set[str]:
    return set(bot_of(sb).services.catalog.for_guild(sb.guild.id).questions)


async def stored_versions(sb: Sandbox, pack_id: str) -> list[str]:
    async with bot_of(sb).services.core.store.connect() as conn:
        return [r["version"] for r in await content_rows.versions(conn, sb.guild.id, pack_id)]


async def upload(sb: Sandbox, file: tuple[str, bytes]) -> None:
    """Upload and confirm as morgan; asserts it worked."""
    mod = sb.member("morgan", moderator=True)
    preview = await sb.slash(mod, "content upload", file=file)
    assert preview.buttons == ["Confirm", "Cancel"], preview.text
    done = await sb.click(mod, preview, "Confirm")
    assert "Pack uploaded" in done.text, done.text


async def test_dry_run_then_confirm_changes_the_catalog_at_once(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    assert "q-kaggle-leaky-cv" not in questions(sb)

    dry = await sb.slash(mod, "content upload", file=V1, dry_run=True)
    assert dry.ephemeral
    assert "Dry run: nothing stored" in dry.text
    assert "New pack `kaggle-club` version 1.0.0" in dry.text
    assert "q-kaggle-leaky-cv" in dry.text and "kaggle-validation" in dry.text
    assert dry.buttons == []
    assert "q-kaggle-leaky-cv" not in questions(sb)
    assert await stored_versions(sb, "kaggle-club") == []

    preview = await sb.slash(mod, "content upload", file=V1)
    assert preview.ephemeral and "Upload preview" in preview.text
    assert preview.buttons == ["Confirm", "Cancel"]
    assert "q-kaggle-leaky-cv" not in questions(sb)  # nothing before the confirmation

    done = await sb.click(mod, preview, "Confirm")
    assert "Pack uploaded" in done.text and "stored and live" in done.text
    assert done.buttons == []  # the preview became the result
    assert "q-kaggle-leaky-cv" in questions(sb)
    catalog = bot_of(sb).services.catalog.for_guild(sb.guild.id)
    assert catalog.track_of_skill("kaggle-validation").id == "kaggle"
    assert await stored_versions(sb, "kaggle-club") == ["1.0.0"]

    # The version row keeps the exact text, a checksum and the uploader.
    async with bot_of(sb).services.core.store.connect() as conn:
        row = await content_rows.version(conn, sb.guild.id, "kaggle-club", "1.0.0")
    assert row is not None
    assert row["source"].encode() == V1[1]
    assert row["uploaded_by"] == mod.id and len(row["checksum"]) == 64


async def test_new_version_shows_the_diff_and_rollback_restores_the_previous(
    sb: Sandbox,
) -> None:
    mod = sb.member("morgan", moderator=True)
    await upload(sb, V1)
    preview = await sb.slash(mod, "content upload", file=V11)
    assert "`kaggle-club`: version 1.0.0 → 1.1.0" in preview.text
    assert "+ added" in preview.text and "q-kaggle-ensemble" in preview.text
    assert "~ changed" in preview.text and "q-kaggle-leaky-cv" in preview.text
    await sb.click(mod, preview, "Confirm")
    assert {"q-kaggle-leaky-cv", "q-kaggle-ensemble"} <= questions(sb)
    assert (
        "5-fold"
        in bot_of(sb).services.catalog.for_guild(sb.guild.id).questions["q-kaggle-leaky-cv"].prompt
    )

    back = await sb.slash(mod, "content rollback", pack="kaggle-club")
    assert "back at version 1.0.0 (was 1.1.0)" in back.text
    assert "removed" in back.text and "q-kaggle-ensemble" in back.text
    assert "q-kaggle-ensemble" not in questions(sb)
    assert "q-kaggle-leaky-cv" in questions(sb)
    assert sorted(await stored_versions(sb, "kaggle-club")) == ["1.0.0", "1.1.0"]

    # Nothing earlier than 1.0.0; a named version moves forward again.
    again = await sb.slash(mod, "content rollback", pack="kaggle-club")
    assert "no version before 1.0.0" in again.text
    forward = await sb.slash(mod, "content rollback", pack="kaggle-club", version="1.1.0")
    assert "back at version 1.1.0" in forward.text
    assert "q-kaggle-ensemble" in questions(sb)
    unknown = await sb.slash(mod, "content rollback", pack="kaggle-club", version="9.9.9")
    assert "no stored version 9.9.9" in unknown.text and "1.0.0, 1.1.0" in unknown.text

    # The current version survives a restart; so do the versions.
    await sb.restart_bot()
    assert "q-kaggle-ensemble" in questions(sb)
    shown = await sb.slash(mod, "content show", pack="kaggle-club")
    assert "Versions (2)" in shown.text and "▶ 1.1.0" in shown.text
    assert "Questions: 2" in shown.text and "enabled" in shown.text


async def test_same_or_lower_version_is_refused(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await upload(sb, V11)
    same = await sb.slash(mod, "content upload", file=V11)
    assert "Version 1.1.0 of `kaggle-club` is already stored" in same.text
    lower = await sb.slash(mod, "content upload", file=V1)
    assert "needs a higher version than 1.1.0" in lower.text
    assert lower.buttons == []


async def test_broken_uploads_change_nothing_and_name_file_and_line(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    before = questions(sb)

    broken = await sb.slash(
        mod, "content upload", file=("broken.yaml", b"pack:\n  id: x\n  name: [unclosed\n")
    )
    assert broken.ephemeral
    assert "`broken.yaml` was refused — nothing was stored" in broken.text
    assert "broken.yaml:4:1: YAML syntax error" in broken.text

    dangling = V1[1].replace(b"skills: [kaggle-validation, model-evaluation]", b"skills: [kagle]")
    refused = await sb.slash(mod, "content upload", file=("dangling.yaml", dangling))
    assert "does not fit with this server's packs" in refused.text
    line = dangling.decode().splitlines().index("    skills: [kagle]") + 1
    assert f"dangling.yaml:{line}" in refused.text and "kagle" in refused.text

    typo = V1[1].replace(b"    prompt:", b"    promt:")
    many = await sb.slash(mod, "content upload", file=("typo.yaml", typo))
    assert "unknown key `promt` — did you mean `prompt`?" in many.text
    assert "missing required key `prompt`" in many.text

    assert questions(sb) == before
    assert await stored_versions(sb, "kaggle-club") == []
    listed = await sb.slash(mod, "content list")
    assert "None yet" in listed.text


async def test_error_list_is_truncated_politely(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    items = "".join(
        f"  - id: q-{i:03d}\n    category: nope\n    difficulty: 9\n    prompt: p\n"
        for i in range(60)
    )
    data = f"pack:\n  id: many-errors\n  name: Many\n  version: 1.0.0\nquestions:\n{items}"
    reply = await sb.slash(mod, "content upload", file=("many.yaml", data.encode()))
    assert "many.yaml:7" in reply.text
    assert "more problems" in reply.text
    assert len(reply.text) <= 2000


async def test_file_type_and_size_are_checked_before_download(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads: list[str] = []
    original = discord.Attachment.read

    async def counting_read(self: discord.Attachment, **kwargs: Any) -> bytes:
        downloads.append(self.filename)
        return await original(self, **kwargs)

    monkeypatch.setattr(discord.Attachment, "read", counting_read)
    mod = sb.member("morgan", moderator=True)
    wrong = await sb.slash(mod, "content upload", file=("pack.json", b"{}"))
    assert ".yaml" in wrong.text and wrong.ephemeral
    huge = await sb.slash(mod, "content upload", file=("huge.yaml", b"#" * (MAX_PACK_BYTES + 1)))
    assert "at most 1,048,576 bytes" in huge.text
    assert downloads == []
    await sb.slash(mod, "content upload", file=V1, dry_run=True)
    assert downloads == ["kaggle-club.yaml"]


async def test_builtin_pack_id_is_refused(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    data = V1[1].replace(b"id: kaggle-club", b"id: roadmap")
    reply = await sb.slash(mod, "content upload", file=("mine.yaml", data))
    assert "`roadmap` is the id of a built-in pack" in reply.text


async def test_cancel_and_a_stale_preview_store_nothing(sb: Sandbox, e2e_clock: FakeClock) -> None:
    mod = sb.member("morgan", moderator=True)
    preview = await sb.slash(mod, "content upload", file=V1)
    cancelled = await sb.click(mod, preview, "Cancel")
    assert "Upload cancelled" in cancelled.text and cancelled.buttons == []
    assert await stored_versions(sb, "kaggle-club") == []

    # A preview expires after 15 minutes.
    preview = await sb.slash(mod, "content upload", file=V1)
    e2e_clock.advance(timedelta(minutes=16))
    late = await sb.click(mod, preview, "Confirm")
    assert "This preview expired" in late.text
    assert await stored_versions(sb, "kaggle-club") == []

    # A restart between preview and confirm: the old button says so, nothing is applied.
    preview = await sb.slash(mod, "content upload", file=V1)
    await sb.restart_bot()
    stale = await sb.click(mod, preview, "Confirm")
    assert "This preview expired" in stale.text and "Upload the file again" in stale.text
    assert "q-kaggle-leaky-cv" not in questions(sb)
    assert await stored_versions(sb, "kaggle-club") == []


async def test_a_moderator_keeps_at_most_three_open_previews(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    first = await sb.slash(mod, "content upload", file=V1)
    for _ in range(3):
        await sb.slash(mod, "content upload", file=V1)
    assert "This preview expired" in (await sb.click(mod, first, "Confirm")).text
    assert await stored_versions(sb, "kaggle-club") == []


async def test_a_preview_is_refused_when_the_pack_changed_meanwhile(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await upload(sb, V1)
    first = await sb.slash(mod, "content upload", file=V11)
    await upload(sb, V11)  # a second preview of the same file, confirmed first
    late = await sb.click(mod, first, "Confirm")
    assert "changed since this preview" in late.text
    assert await stored_versions(sb, "kaggle-club") == ["1.0.0", "1.1.0"]


async def test_only_the_uploader_can_confirm(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    other = sb.member("riley", moderator=True)
    preview = await sb.slash(mod, "content upload", file=V1)
    token = preview.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    content = bot_of(sb).services.content
    with pytest.raises(UserFacingError, match="Only the moderator who uploaded"):
        await content.confirm_upload(sb.guild.id, other.id, token)
    assert await stored_versions(sb, "kaggle-club") == []
    await sb.click(mod, preview, "Confirm")
    assert await stored_versions(sb, "kaggle-club") == ["1.0.0"]


async def test_confirm_that_no_longer_fits_stores_nothing(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await upload(sb, V1)
    preview = await sb.slash(mod, "content upload", file=EXTRA)  # needs kaggle-club's skill
    assert preview.buttons == ["Confirm", "Cancel"]
    off = await sb.slash(mod, "content disable", pack="kaggle-club")
    assert "Pack disabled" in off.text
    late = await sb.click(mod, preview, "Confirm")
    assert "could not be applied — nothing was stored" in late.text
    assert "kaggle-extra@0.1.0:" in late.text and "kaggle-validation" in late.text
    assert await stored_versions(sb, "kaggle-extra") == []
    assert "q-kaggle-shakeup" not in questions(sb)


async def test_disable_and_enable_and_dangling_references(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await upload(sb, V1)
    await upload(sb, EXTRA)
    assert "q-kaggle-shakeup" in questions(sb)

    refused = await sb.slash(mod, "content disable", pack="kaggle-club")
    assert "would leave references dangling" in refused.text
    assert "kaggle-extra@0.1.0:" in refused.text and "kaggle-validation" in refused.text
    assert "q-kaggle-leaky-cv" in questions(sb)

    off = await sb.slash(mod, "content disable", pack="kaggle-extra")
    assert "Pack disabled" in off.text
    assert "q-kaggle-shakeup" not in questions(sb)
    again = await sb.slash(mod, "content disable", pack="kaggle-extra")
    assert "Already disabled" in again.text
    listed = await sb.slash(mod, "content list")
    assert "`kaggle-extra` 0.1.0 — disabled" in listed.text
    assert "`kaggle-club` 1.0.0 — enabled" in listed.text
    assert "`roadmap`" in listed.text

    # Disabled stays disabled across a restart.
    await sb.restart_bot()
    assert "q-kaggle-shakeup" not in questions(sb)
    on = await sb.slash(mod, "content enable", pack="kaggle-extra")
    assert "Pack enabled" in on.text
    assert "q-kaggle-shakeup" in questions(sb)

    # The roadmap is what every other pack's skills refer to: it cannot be switched off.
    builtin = await sb.slash(mod, "content disable", pack="roadmap")
    assert "would leave references dangling" in builtin.text
    assert "q-kaggle-shakeup" in questions(sb)
    unknown = await sb.slash(mod, "content enable", pack="nope")
    assert "no pack `nope`" in unknown.text


async def test_export_returns_the_yaml(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await upload(sb, V1)
    await upload(sb, V11)
    current = await sb.slash(mod, "content export", pack="kaggle-club")
    assert current.ephemeral
    assert current.files == [("kaggle-club-1.1.0.yaml", V11[1])]
    older = await sb.slash(mod, "content export", pack="kaggle-club", version="1.0.0")
    assert older.files == [("kaggle-club-1.0.0.yaml", V1[1])]
    builtin = await sb.slash(mod, "content export", pack="roadmap")
    assert builtin.files == [("roadmap.yaml", (DEFAULT_CONTENT_DIR / "roadmap.yaml").read_bytes())]
    missing = await sb.slash(mod, "content export", pack="nope")
    assert "no pack `nope`" in missing.text and missing.files == []


async def test_show_and_autocomplete(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await upload(sb, V1)
    choices = await sb.autocomplete(mod, "content show", "pack", "kag")
    assert [c["value"] for c in choices] == ["kaggle-club"]
    choices = await sb.autocomplete(mod, "content show", "pack", "questions")
    assert "questions-coding" in [c["value"] for c in choices]
    versions = await sb.autocomplete(mod, "content rollback", "version", "", pack="kaggle-club")
    assert [c["value"] for c in versions] == ["1.0.0"]
    shown = await sb.slash(mod, "content show", pack="roadmap")
    assert "ML engineering roadmap" in shown.text and "built-in" in shown.text
    shown = await sb.slash(mod, "content show", pack="kaggle-club")
    assert "Kaggle club" in shown.text and "Tracks: 1" in shown.text
    assert "Study Lab moderators" in shown.text
    missing = await sb.slash(mod, "content show", pack="nope")
    assert "no pack `nope`" in missing.text


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


@pytest.fixture
def make_bot_with_copy(
    e2e_settings: Settings, e2e_clock: FakeClock, content_copy: Path
) -> Callable[[], StudyBot]:
    settings = e2e_settings.model_copy(update={"content_dir": content_copy})

    def factory() -> StudyBot:
        return create_bot(settings, clock=e2e_clock)

    return factory


async def test_reload_builtins_all_or_nothing(
    make_bot_with_copy: Callable[[], StudyBot], content_copy: Path
) -> None:
    async with Sandbox(make_bot_with_copy) as sb:
        mod = sb.member("morgan", moderator=True)
        same = await sb.slash(mod, "content reload")
        assert f"Re-read {BUILTIN_PACKS} built-in packs" in same.all_text
        assert "No file changed" in same.all_text

        # A new built-in pack appears for every guild without a restart.
        shutil.copy(PACKS / "kaggle-track-1.0.0.yaml", content_copy / "kaggle.yaml")
        added = await sb.slash(mod, "content reload")
        assert "Added" in added.all_text and "kaggle-club" in added.all_text
        assert "q-kaggle-leaky-cv" in questions(sb)

        # A broken file: every problem shown, the old built-ins stay.
        (content_copy / "broken.yaml").write_text("pack: [\n")
        broken = await sb.slash(mod, "content reload")
        assert "not reloaded — nothing changed" in broken.all_text
        assert "broken.yaml:" in broken.all_text
        assert "q-kaggle-leaky-cv" in questions(sb)
        (content_copy / "broken.yaml").unlink()

        # Built-ins that clash with a guild's uploaded pack are refused too.
        (content_copy / "kaggle.yaml").unlink()
        await sb.slash(mod, "content reload")
        await upload(sb, V1)
        shutil.copy(PACKS / "kaggle-track-1.1.0.yaml", content_copy / "kaggle.yaml")
        clash = await sb.slash(mod, "content reload")
        assert "nothing changed" in clash.all_text and f"guild {sb.guild.id}" in clash.all_text
    assert not sb.errors, sb.errors


async def test_a_stored_pack_that_no_longer_fits_is_skipped_at_start(
    make_bot_with_copy: Callable[[], StudyBot], content_copy: Path
) -> None:
    async with Sandbox(make_bot_with_copy) as sb:
        mod = sb.member("morgan", moderator=True)
        await upload(sb, V1)
        await upload(sb, EXTRA)
        # The operator ships a built-in with the same question id; the bot restarts.
        shutil.copy(PACKS / "kaggle-track-1.1.0.yaml", content_copy / "kaggle.yaml")
        text = (content_copy / "kaggle.yaml").read_text().replace("id: kaggle-club", "id: kb")
        (content_copy / "kaggle.yaml").write_text(text)
        await sb.restart_bot()
        # kaggle-club clashes with the new built-in and is skipped; kaggle-extra still fits
        # (its skill now comes from the built-in) and stays loaded.
        loaded = [p.id for p in bot_of(sb).services.catalog.guild_packs(sb.guild.id)]
        assert loaded == ["kaggle-extra"]
        listed = await sb.slash(mod, "content list")
        assert "enabled, **not loaded**" in listed.text and "already" in listed.text
        shown = await sb.slash(mod, "content show", pack="kaggle-club")
        assert "Not loaded because" in shown.text
        # Enabling retries it: still clashing, it is refused with the reason ...
        retry = await sb.slash(mod, "content enable", pack="kaggle-club")
        assert "would break this server's catalog" in retry.text
        # ... and once the operator removes the clash, it loads again.
        # kaggle-extra now needs the built-in's skill, so removing it alone is refused.
        (content_copy / "kaggle.yaml").unlink()
        refused = await sb.slash(mod, "content reload")
        assert "not reloaded" in refused.all_text and "kaggle-extra@0.1.0" in refused.all_text
        await sb.slash(mod, "content disable", pack="kaggle-extra")
        reloaded = await sb.slash(mod, "content reload")
        assert "Removed" in reloaded.all_text and "`kb`" in reloaded.all_text
        for pack in ("kaggle-club", "kaggle-extra"):
            retry = await sb.slash(mod, "content enable", pack=pack)
            assert "Pack enabled" in retry.text
        assert {"q-kaggle-leaky-cv", "q-kaggle-shakeup"} <= questions(sb)
        listed = await sb.slash(mod, "content list")
        assert "not loaded" not in listed.text
    assert not sb.errors, sb.errors


@pytest.fixture
def roadmap_only(tmp_path: Path) -> Path:
    """A built-in content folder with the roadmap alone: no interview questions."""
    target = tmp_path / "roadmap-only"
    target.mkdir()
    shutil.copy(DEFAULT_CONTENT_DIR / "roadmap.yaml", target / "roadmap.yaml")
    return target


async def test_the_uploaded_question_is_served_by_the_next_practice(
    e2e_settings: Settings, e2e_clock: FakeClock, roadmap_only: Path
) -> None:
    settings = e2e_settings.model_copy(update={"content_dir": roadmap_only})
    async with Sandbox(lambda: create_bot(settings, clock=e2e_clock)) as sb:
        alice = sb.member("alice")
        before = await sb.slash(alice, "interview practice")
        assert "cross-validation score is 0.95" not in before.text
        await upload(sb, V1)
        served = await sb.slash(alice, "interview practice")
        assert "Your cross-validation score is 0.95" in served.text
    assert not sb.errors, sb.errors


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("content upload", {"file": V1}),
        ("content list", {}),
        ("content show", {"pack": "roadmap"}),
        ("content disable", {"pack": "kaggle-club"}),
        ("content enable", {"pack": "kaggle-club"}),
        ("content rollback", {"pack": "kaggle-club"}),
        ("content export", {"pack": "roadmap"}),
        ("content reload", {}),
    ],
)
async def test_members_are_refused(sb: Sandbox, command: str, options: dict[str, Any]) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, command, **options)
    assert reply.ephemeral and MOD_ONLY in reply.text
    assert reply.files == []
    assert "q-kaggle-leaky-cv" not in questions(sb)


async def test_forget_guild_drops_stored_packs_and_the_catalog(sb: Sandbox) -> None:
    await upload(sb, V1)
    mod = sb.member("morgan", moderator=True)
    pending = await sb.slash(mod, "content upload", file=V11)
    shown = await sb.slash(mod, "setup show")
    assert f"{BUILTIN_PACKS} built-in packs, 1 uploaded enabled" in shown.text
    await bot_of(sb).services.content.forget_guild(sb.guild.id)
    assert "q-kaggle-leaky-cv" not in questions(sb)
    assert await stored_versions(sb, "kaggle-club") == []
    late = await sb.click(mod, pending, "Confirm")
    assert "This preview expired" in late.text
    summary = dict(await bot_of(sb).services.setup_summary(sb.guild.id))
    assert summary["Content packs"] == f"{BUILTIN_PACKS} built-in packs"


async def test_a_built_in_pack_can_be_switched_off_and_on_per_server(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    services = bot_of(sb).services
    before = set(services.catalog.for_guild(sb.guild.id).prompts)
    assert any(p.startswith("math-") for p in before)
    off = await sb.slash(mod, "content disable", pack="prompts-math")
    assert off.ephemeral and "disabled" in off.text.lower()
    after = set(services.catalog.for_guild(sb.guild.id).prompts)
    assert after and not any(p.startswith("math-") for p in after)
    listed = await sb.slash(mod, "content list")
    assert "`prompts-math`" in listed.text and "disabled" in listed.text
    # The choice survives a restart and applies to this server only.
    await sb.restart_bot()
    assert not any(
        p.startswith("math-") for p in bot_of(sb).services.catalog.for_guild(sb.guild.id).prompts
    )
    assert any(p.startswith("math-") for p in bot_of(sb).services.catalog.builtin.prompts)
    on = await sb.slash(mod, "content enable", pack="prompts-math")
    assert "enabled" in on.text.lower()
    assert set(bot_of(sb).services.catalog.for_guild(sb.guild.id).prompts) == before


async def test_a_moderator_demoted_before_confirming_is_refused_and_nothing_is_stored(
    sb: Sandbox,
) -> None:
    mod = sb.member("morgan", moderator=True)
    preview = await sb.slash(mod, "content upload", file=V1)
    assert preview.buttons == ["Confirm", "Cancel"]

    # Losing the Moderator role (Manage Server) while the preview is open.
    sb.take_role(mod, "Moderator")
    refused = await sb.click(mod, preview, "Confirm")
    assert refused.ephemeral and MOD_ONLY in refused.text
    assert await stored_versions(sb, "kaggle-club") == []
    assert "q-kaggle-leaky-cv" not in questions(sb)

    # A moderator role set with /setup moderator-role counts the same way.
    helpers = sb.add_role("Study Helpers")
    owner = sb.member("olga", moderator=True)
    await sb.slash(owner, "setup moderator-role", role="Study Helpers")
    helper = sb.member("hana")
    sb.give_role(helper, helpers)
    helper_preview = await sb.slash(helper, "content upload", file=V1)
    assert helper_preview.buttons == ["Confirm", "Cancel"]
    sb.take_role(helper, helpers)
    assert MOD_ONLY in (await sb.click(helper, helper_preview, "Confirm")).text
    assert await stored_versions(sb, "kaggle-club") == []

    # Moderator again: the preview was not used up by the refusal.
    sb.give_role(mod, "Moderator")
    done = await sb.click(mod, preview, "Confirm")
    assert "Pack uploaded" in done.text
    assert await stored_versions(sb, "kaggle-club") == ["1.0.0"]
