"""The REPL and the transcript renderer, driven by the sample bot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from bot.sandbox.render import component_summary, embed_lines
from bot.sandbox.repl import Repl, parse_duration, parse_options, run_script

SCRIPT = Path(__file__).resolve().parent / "sample_script.txt"


def test_parse_duration() -> None:
    assert parse_duration("+1d") == timedelta(days=1)
    assert parse_duration("+3h") == timedelta(hours=3)
    assert parse_duration("+1d2h30m") == timedelta(days=1, hours=2, minutes=30)
    with pytest.raises(ValueError):
        parse_duration("+soon")


def test_parse_options() -> None:
    path, opts = parse_options(["setup", "daily", "time:09:00", "topic:linear algebra"])
    assert path == ["setup", "daily"]
    assert opts == {"time": "09:00", "topic": "linear algebra"}


def test_render_embed_and_components() -> None:
    embed = {
        "title": "Streak",
        "description": "7 days",
        "fields": [{"name": "Best", "value": "12"}],
        "footer": {"text": "keep going"},
    }
    assert embed_lines(embed) == ["┌ Streak", "│ 7 days", "│ Best: 12", "│ — keep going"]
    row = {"type": 1, "components": [{"type": 2, "label": "Done", "custom_id": "d", "style": 1}]}
    assert component_summary([row]) == "[Button: Done]"


async def test_repl_runs_a_script(sb: Sandbox, tmp_path: Path) -> None:
    advanced: list[timedelta] = []

    async def advance_time(delta: timedelta) -> None:
        advanced.append(delta)

    lines = SCRIPT.read_text().splitlines()
    errors, transcript = await run_script(
        sb, lines, advance_time=advance_time, out=lambda _: None, files_dir=tmp_path
    )
    text = "\n".join(transcript)
    assert errors == 0, text
    assert advanced == [timedelta(days=1)]
    assert "alice> /settings timezone zone:Europe/Berlin" in transcript
    assert "  [bot → alice, only you can see this]" in transcript
    assert "    ┌ Timezone saved" in transcript
    assert "    └ [Button: Hint] [Button: Done] [Select: Pick a level (Easy, Hard)]" in transcript
    assert "    level=hard" in transcript
    assert "  [choices] Europe/Berlin, Europe/London" in transcript
    assert "    count is 1" in transcript
    assert "[DM → alice] Reminder: review FSRS cards" in transcript
    assert "[#daily] Daily prompt: explain the bias-variance trade-off" in transcript
    mod = sb.member("mod")
    assert sb.guild.moderator_role_id in mod.roles


async def test_repl_counts_errors(sb: Sandbox) -> None:
    out: list[str] = []
    repl = Repl(sb, out=out.append)
    errors = await repl.run_lines(
        [
            "# errors below",
            "",
            "alice> /boom",  # the bot's error reply
            "alice> /silent",  # no answer at all
            "alice> click Nowhere",  # no such button
            "alice> /nope",  # no such command
            "time +1h",  # no clock wired
            "alice> /log minutes:5 kind:course",  # fine
        ]
    )
    assert errors == 5, "\n".join(out)
    assert any("Something went wrong" in line for line in out)
    assert any("!! NoResponse" in line for line in out)
    assert "    Logged 5 min of course." in out


async def test_repl_files_saved(sb: Sandbox, tmp_path: Path) -> None:
    src = tmp_path / "notes.txt"
    src.write_bytes(b"hello")
    out: list[str] = []
    repl = Repl(sb, out=out.append, files_dir=tmp_path / "files")
    assert await repl.run_lines([f"alice> /upload file:{src}"]) == 0
    saved = list((tmp_path / "files").iterdir())
    assert [p.read_bytes() for p in saved] == [b"olleh"]
    assert any("[File: reversed.bin, 5 bytes" in line for line in out)


async def test_repl_public_messages_are_seen_by_everyone(sb: Sandbox) -> None:
    out: list[str] = []
    repl = Repl(sb, out=out.append)
    errors = await repl.run_lines(
        [
            "alice> /counter",
            "bob> click 'Count 0'",
            "alice> /settings timezone zone:UTC",
            "bob> click Hint",  # alice's ephemeral answer: bob never saw it
            "alice@daily> /log minutes:5 kind:course public:true",
            "who",
            "help",
        ]
    )
    assert errors == 1, "\n".join(out)
    assert "    count is 1" in out
    assert "  [bot → #daily]" in out
    assert "  alice" in out and "    /settings timezone zone:<text>" in out


async def test_repl_interactive_reads_until_quit(sb: Sandbox) -> None:
    import io

    out: list[str] = []
    repl = Repl(sb, out=out.append)
    stream = io.StringIO("alice> /log minutes:5 kind:course\nquit\nalice> /boom\n")
    assert await repl.interactive(stream) == 0
    assert "    Logged 5 min of course." in out
    assert not any("boom" in line for line in out)


async def test_repl_shows_mentions_as_names(sb: Sandbox) -> None:
    out: list[str] = []
    repl = Repl(sb, out=out.append)
    line = "mod!> /announce channel:#accountability text:hello ping:@alice"
    assert await repl.run_lines([line]) == 0, "\n".join(out)
    assert "[#accountability] @alice hello" in out


async def test_repl_world_actions(sb: Sandbox) -> None:
    out: list[str] = []
    repl = Repl(sb, out=out.append)
    errors = await repl.run_lines(
        [
            "alice> dms off",
            "alice> /remind text:x",
            "deny #daily send_messages",
            "mod!> /announce channel:#daily text:hi",
            "allow #daily send_messages",
            "mod!> /announce channel:#daily text:again",
            "drop",
            "reconnect",
            "restart",
            "alice> /log minutes:5 kind:course",
            "delete #interview",
        ]
    )
    assert errors == 0, "\n".join(out)
    assert "    Your DMs are closed." in out
    assert "    I can't post there (missing permissions)." in out
    assert "[#daily] again" in out
    assert "  (#interview was deleted)" in out


async def test_discord_refuses_a_value_outside_the_declared_range(sb: Sandbox) -> None:
    """As Discord's client: the line is shown as refused, nothing reaches the bot, and it is
    not a failed line (a tour may show it on purpose)."""
    out: list[str] = []
    repl = Repl(sb, out=out.append)
    errors = await repl.run_lines(["alice> /log minutes:0 kind:course"])
    assert errors == 0, "\n".join(out)
    assert "  [Discord, not sent] minutes: the value must be between 1 and 600" in out
    assert not sb.fake.interactions
