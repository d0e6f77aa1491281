"""The dashboard's pure parts and its command line: the change feed, text diffs and problem
lines, the settings a dashboard needs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.catalog import PackIssue
from bot.cli import main as cli_main
from bot.core.changes import CONTENT, SCHEDULE, ChangeFeed
from bot.core.clock import FakeClock
from bot.core.store import Store
from bot.ops.exits import EXIT_CONFIG
from bot.web.textdiff import annotate, side_by_side


async def test_the_change_feed_applies_other_processes_changes_once(
    store: Store, clock: FakeClock
) -> None:
    bot = ChangeFeed(store, clock, "bot")
    web = ChangeFeed(store, clock, "bot-web")
    seen: list[tuple[str, int]] = []

    async def record(topic: str, guild_id: int) -> None:
        seen.append((topic, guild_id))

    bot.subscribe(SCHEDULE, lambda g: record(SCHEDULE, g))
    bot.subscribe(CONTENT, lambda g: record(CONTENT, g))
    await web.publish(1, "schedule")  # before the bot started: already in what it loaded
    await bot.start()
    for guild_id, topic in ((1, SCHEDULE), (1, SCHEDULE), (2, CONTENT)):
        await web.publish(guild_id, topic)
    await bot.publish(3, CONTENT)  # its own: already applied
    assert await bot.poll() == 2
    assert seen == [(SCHEDULE, 1), (CONTENT, 2)]
    assert await bot.poll() == 0


def test_side_by_side_pairs_changes_and_folds_unchanged_runs() -> None:
    old = [f"line {i}" for i in range(20)]
    new = [*old[:5], "changed 5", *old[6:15], *old[16:], "added"]
    rows = side_by_side(old, new, context=1)
    kinds = [row.kind for row in rows]
    assert kinds.count("gap") == 2
    changed = next(row for row in rows if row.kind == "changed")
    assert (changed.left_no, changed.left, changed.right_no, changed.right) == (
        6,
        "line 5",
        6,
        "changed 5",
    )
    assert any(r.kind == "removed" and r.left == "line 15" for r in rows)
    assert rows[-1].kind == "added" and rows[-1].right == "added"
    assert side_by_side(old, old) == []


def test_problems_are_placed_beside_their_lines() -> None:
    issues = [
        PackIssue("p.yaml", 2, 5, "questions[0].difficulty", "must be 1-5"),
        PackIssue("p.yaml", None, None, "", "the pack clashes with a built-in id"),
        PackIssue("p.yaml", 99, None, "x", "past the end"),
    ]
    lines, placeless = annotate("a: 1\ndifficulty: 9\n", issues)
    assert [line.problems for line in lines] == [(), ("questions[0].difficulty: must be 1-5",)]
    assert placeless == ["the pack clashes with a built-in id", "x: past the end"]


@pytest.mark.parametrize("missing", ["WEB_PUBLIC_URL", "DISCORD_CLIENT_SECRET"])
def test_studybot_web_names_what_is_missing_and_exits_2(
    missing: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    values = {
        "WEB_PUBLIC_URL": "https://study.example.org",
        "DISCORD_CLIENT_ID": "1234",
        "DISCORD_CLIENT_SECRET": "s3cret",
        "WEB_SESSION_SECRET": "x" * 40,
        "DISCORD_TOKEN": "token",
    }
    del values[missing]
    for name in (*values, missing, "STUDYBOT_HOME"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    assert cli_main(["--home", str(tmp_path), "web"]) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert missing in err
    if missing != "WEB_PUBLIC_URL":  # the redirect URI to register is spelled out
        assert "https://study.example.org/auth/callback" in err
    assert err.count("\n") == 1  # one paragraph
    assert "never on the command line" in err and "README: Web dashboard" in err


def test_a_short_session_secret_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("WEB_SESSION_SECRET", raising=False)
    (tmp_path / ".env").write_text("WEB_SESSION_SECRET=short\n")
    assert cli_main(["--home", str(tmp_path), "web"]) == EXIT_CONFIG
    assert "WEB_SESSION_SECRET" in capsys.readouterr().err


def test_help_lists_the_web_command() -> None:
    from bot.cli import build_parser

    out = io.StringIO()
    build_parser().print_help(out)
    assert "web" in out.getvalue()
