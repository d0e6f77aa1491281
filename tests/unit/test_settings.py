from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core.settings import format_settings_error, load_settings


def test_defaults_are_usable_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.token is None
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert (settings.content_dir / "FORMAT.md").exists()


def test_reads_dotenv_and_keeps_the_token_secret(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=abc.def\nDEV_GUILD_ID=42\nLOG_LEVEL=debug\n")
    settings = load_settings(_env_file=env)
    assert settings.token == "abc.def"
    assert "abc.def" not in repr(settings)
    assert settings.dev_guild_id == 42
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DEV_GUILD_ID", "not-a-number", "DEV_GUILD_ID"),
        ("DATABASE_URL", "sqlite:///plain.db", "async driver"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("SEND_RATE_PER_SECOND", "500", "SEND_RATE_PER_SECOND"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as caught:
        load_settings(_env_file=None)
    message = format_settings_error(caught.value)
    assert expected in message
    assert variable in message
    assert "Traceback" not in message


def test_relative_paths_resolve_against_the_home_folder(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path, _env_file=None, content_dir="packs")
    assert settings.home == tmp_path
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/data/studybot.db"
    assert settings.content_dir == tmp_path / "packs"
    elsewhere = load_settings(
        home=tmp_path, _env_file=None, database_url="sqlite+aiosqlite:////var/lib/s.db"
    )
    assert elsewhere.database_url == "sqlite+aiosqlite:////var/lib/s.db"
    postgres = "postgresql+asyncpg://bot:secret@db.example/studybot"
    assert load_settings(home=tmp_path, _env_file=None, database_url=postgres).database_url == (
        postgres
    )


def test_the_home_folder_s_env_is_read_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISCORD_TOKEN", "DATABASE_URL", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".env").write_text("DISCORD_TOKEN=from.home\nLOG_LEVEL=debug\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text("DISCORD_TOKEN=from.cwd\n")
    monkeypatch.chdir(elsewhere)
    assert load_settings().token == "from.cwd"  # default home: the current folder, as before
    monkeypatch.setenv("STUDYBOT_HOME", str(home))
    settings = load_settings()
    assert settings.token == "from.home" and settings.log_level == "DEBUG"
    assert settings.database_url.endswith(f"{home}/data/studybot.db")
    assert load_settings(home=elsewhere).token == "from.cwd"  # --home wins over the variable


def test_a_missing_home_folder_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings(home=tmp_path / "nope", _env_file=None)
    message = format_settings_error(caught.value)
    assert "STUDYBOT_HOME" in message and "is not a folder" in message


def test_env_example_documents_every_setting() -> None:
    from bot.core.settings import Settings

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for name in Settings.model_fields:
        assert name.upper() in example, name
