"""Operator configuration, read from the environment and `.env` (pydantic-settings).

Every variable is documented in `.env.example`. A bad value stops the bot with a message
naming the variable and what it expects (see `format_settings_error`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONTENT_DIR = REPO_ROOT / "content"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    discord_token: SecretStr | None = Field(
        default=None, description="The bot token from the Discord developer portal."
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///data/studybot.db",
        description="SQLAlchemy async URL; SQLite by default, postgresql+asyncpg also works.",
    )
    content_dir: Path = Field(
        default=DEFAULT_CONTENT_DIR, description="Folder of the built-in YAML content packs."
    )
    dev_guild_id: int | None = Field(
        default=None, description="Sync commands instantly to this guild (development)."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text", description="text for people, json for log collectors (one per line)."
    )

    # Operations: /healthz and /metrics (off unless a port is set; 0 picks a free port).
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_host: str = Field(default="127.0.0.1", min_length=1)

    # Scheduling and delivery.
    dispatcher_interval_seconds: float = Field(default=30.0, gt=0, le=600)
    catchup_grace_hours: float = Field(default=6.0, ge=0, le=48)
    send_rate_per_second: float = Field(default=25.0, gt=0, le=50)
    send_burst: int = Field(default=10, ge=1, le=100)
    dm_rate_per_second: float = Field(default=2.0, gt=0, le=10)

    # Members and data.
    max_active_projects: int = Field(default=3, ge=1, le=20)
    retention_days: int = Field(default=30, ge=1, le=3650)

    # discord.py waits this long after the last GUILD_CREATE before on_ready.
    guild_ready_timeout: float = Field(default=2.0, gt=0, le=60)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("expected a URL such as sqlite+aiosqlite:///data/studybot.db")
        scheme = value.split("://", 1)[0]
        if scheme in {"sqlite", "postgresql", "postgres"}:
            raise ValueError(
                "needs an async driver: use sqlite+aiosqlite://… or postgresql+asyncpg://…"
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _empty_port_is_off(cls, value: object) -> object:
        """`METRICS_PORT=` (empty, as in .env.example) means off, like leaving it out."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def token(self) -> str | None:
        if self.discord_token is None:
            return None
        secret = self.discord_token.get_secret_value().strip()
        return secret or None


def format_settings_error(error: ValidationError) -> str:
    """One line per bad variable: its environment name, what is wrong, what is expected."""
    lines = ["Configuration error (check your environment or .env; see .env.example):"]
    for issue in error.errors():
        name = "_".join(str(part) for part in issue["loc"]).upper() or "(settings)"
        lines.append(f"  {name}: {issue['msg']}")
    return "\n".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Read settings; `overrides` win over the environment (used by tests and the sandbox)."""
    return Settings(**overrides)  # type: ignore[arg-type]
