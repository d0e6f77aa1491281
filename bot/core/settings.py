"""Operator configuration, read from the environment and `.env` (pydantic-settings).

Every variable is documented in `.env.example`. A bad value stops the bot with a message
naming the variable and what it expects (see `format_settings_error`).

The **home folder** (`--home` / `STUDYBOT_HOME`, default: the current folder) holds `.env`,
`data/` (the default SQLite database) and `backups/`. Relative paths in the settings (a SQLite
file in `DATABASE_URL`, `CONTENT_DIR`) are resolved against it, so the bot started from any
folder finds the same `.env` and database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.core.shards import ShardPlan

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONTENT_DIR = REPO_ROOT / "content"
HOME_VARIABLE = "STUDYBOT_HOME"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/studybot.db"
DISCORD_API = "https://discord.com/api/v10"


def resolve_home(home: Path | str | None = None) -> Path:
    """The home folder: `home` if given, else `STUDYBOT_HOME`, else the current folder."""
    chosen = home if home is not None else os.environ.get(HOME_VARIABLE) or None
    return Path(chosen).expanduser().absolute() if chosen is not None else Path.cwd()


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _resolve_database_url(database_url: str, home: Path) -> str:
    path = sqlite_path(database_url)
    if path is None or path.is_absolute():
        return database_url
    url = make_url(database_url).set(database=str(home / path))
    return url.render_as_string(hide_password=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    studybot_home: Path = Field(
        default_factory=Path.cwd,
        description="Folder holding .env, data/ and backups/; relative paths resolve against it.",
    )
    discord_token: SecretStr | None = Field(
        default=None, description="The bot token from the Discord developer portal."
    )
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
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
    instance_name: str = Field(
        default="studybot",
        min_length=1,
        max_length=64,
        description="This process's name on a shared database: its ledger claims are its own, "
        "so a restart retries them and another process leaves them alone. Give every "
        "process on one database its own name.",
    )
    claim_lease_seconds: float = Field(
        default=300.0,
        gt=0,
        le=3600,
        description="How long a claimed send is held for its owner; past it, any process "
        "may take the send over (its owner died mid-send).",
    )
    # Past one process: Discord shards (see README "Scaling out").
    shard_count: int | None = Field(
        default=None,
        ge=1,
        le=4096,
        description="How many shards the whole bot runs (every process the same number); "
        "unset: one process, one shard.",
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None,
        description="The shards this process runs, e.g. 0,1 (needs SHARD_COUNT; unset: all).",
    )
    discord_api_base: str | None = Field(
        default=None,
        description="Send REST calls to this base URL instead of Discord's (a shared rate-limit "
        "proxy such as nirn-proxy in front of every process), e.g. http://proxy:8080/api/v10.",
    )
    send_rate_per_second: float = Field(default=25.0, gt=0, le=50)
    send_burst: int = Field(default=10, ge=1, le=100)
    dm_rate_per_second: float = Field(default=2.0, gt=0, le=10)

    # CPU-heavy work (the pitfall sweep's rules) runs in this many worker processes, on
    # another core than the event loop's; 0 runs it in slices on the loop instead.
    cpu_workers: int = Field(default=1, ge=0, le=8)

    # Members and data.
    max_active_projects: int = Field(default=3, ge=1, le=20)
    retention_days: int = Field(default=30, ge=1, le=3650)

    # discord.py waits this long after the last GUILD_CREATE before on_ready.
    guild_ready_timeout: float = Field(default=2.0, gt=0, le=60)

    # Start-up when Discord cannot be reached: attempts, and the first wait (doubling, <= 60 s).
    connect_attempts: int = Field(default=4, ge=1, le=100)
    connect_retry_seconds: float = Field(default=2.0, ge=0, le=60)

    # The web dashboard (`studybot web`, bot/web). Secrets come from the environment or .env
    # only, never from the command line (where `ps` would show them).
    web_public_url: str | None = Field(
        default=None,
        description="The address members open, e.g. https://study.example.org (no trailing "
        "slash); the OAuth2 redirect URI is this plus /auth/callback.",
    )
    web_host: str = Field(default="127.0.0.1", min_length=1)
    web_port: int = Field(default=8080, ge=0, le=65535)
    discord_client_id: str | None = Field(
        default=None, description="The application's OAuth2 client id (its application id)."
    )
    discord_client_secret: SecretStr | None = Field(
        default=None, description="The application's OAuth2 client secret."
    )
    web_session_secret: SecretStr | None = Field(
        default=None, description="Signs the dashboard's session cookies; 32+ random characters."
    )
    #: Where the dashboard sends people to log in (the sandbox points it at its fake Discord;
    #: the API itself is `api_base`).
    discord_authorize_url: str = Field(default="https://discord.com/oauth2/authorize", min_length=1)

    @field_validator("studybot_home")
    @classmethod
    def _existing_home(cls, value: Path) -> Path:
        home = value.expanduser().absolute()
        if not home.is_dir():
            raise ValueError(f"{home} is not a folder (create it, or fix --home/STUDYBOT_HOME)")
        return home

    @model_validator(mode="after")
    def _resolve_relative_paths(self) -> Self:
        """Relative paths mean "inside the home folder", wherever the bot was started from."""
        self.database_url = _resolve_database_url(self.database_url, self.studybot_home)
        if not self.content_dir.is_absolute():
            self.content_dir = self.studybot_home / self.content_dir
        return self

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

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: object) -> object:
        """`SHARD_IDS=0,1` (or `0 1`); empty means all of this bot's shards."""
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
            return [part.strip() for part in parts] or None
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Self:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT (how many shards the whole bot runs)")
        wrong = [shard for shard in self.shard_ids if not 0 <= shard < self.shard_count]
        if wrong:
            raise ValueError(
                f"SHARD_IDS {wrong} out of range: shards are numbered 0 to {self.shard_count - 1}"
            )
        return self

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator(
        "metrics_port", "shard_count", "discord_api_base", "discord_client_id", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`METRICS_PORT=` (empty, as in .env.example) means unset, like leaving it out."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("web_public_url", mode="before")
    @classmethod
    def _public_url(cls, value: object) -> object:
        """Empty means unset; the address keeps no trailing slash and must be http(s)."""
        if not isinstance(value, str):
            return value
        value = value.strip().rstrip("/")
        if not value:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("expected an address such as https://study.example.org")
        return value

    @field_validator("web_session_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and 0 < len(value.get_secret_value().strip()) < 32:
            raise ValueError("too short: use 32 or more random characters (openssl rand -hex 32)")
        return value

    @property
    def home(self) -> Path:
        """The home folder (see the module docstring)."""
        return self.studybot_home

    @property
    def env_file(self) -> Path:
        """Where `.env` is read from: the home folder."""
        return self.studybot_home / ".env"

    @property
    def backups_dir(self) -> Path:
        """Where `studybot db backup` writes by default."""
        return self.studybot_home / "backups"

    @property
    def api_base(self) -> str:
        """Where REST calls go: DISCORD_API_BASE (a shared proxy, or the sandbox's fake
        Discord), else Discord's own API."""
        return (self.discord_api_base or DISCORD_API).rstrip("/")

    @property
    def shards(self) -> ShardPlan:
        """This process's shards (every guild when the bot is not sharded)."""
        return ShardPlan.of(self.shard_count, self.shard_ids)

    @property
    def process_send_rate(self) -> float:
        """This process's part of `send_rate_per_second`: the token's budget is shared by
        every shard process, so each takes its share of the shards (all of it behind a shared
        REST proxy, which keeps the one budget itself)."""
        if self.discord_api_base is not None:
            return self.send_rate_per_second
        return self.send_rate_per_second * self.shards.share

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


def load_settings(*, home: Path | str | None = None, **overrides: object) -> Settings:
    """Read settings from `<home>/.env` and the environment; `overrides` win over both (tests
    and the sandbox use them; `_env_file=None` reads no `.env`). `home`: see `resolve_home`."""
    folder = resolve_home(home)
    values: dict[str, object] = {"_env_file": folder / ".env", "studybot_home": folder}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
