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
