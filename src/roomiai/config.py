"""Settings from the environment (prefix ROOMIAI_) and an optional .env file."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "your_secure_jwt_secret", "your_encryption_key"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROOMIAI_", env_file=".env", extra="ignore")

    env: str = Field("dev", description="dev (embedded, demo secrets allowed) or prod")
    data_dir: Path = Path("var")
    database_url: str = ""
    today: dt.date | None = Field(None, description="pins the hotel's clock to this date")
    jwt_secret: str = ""
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    booking_horizon_days: int = 550
    max_body_bytes: int = 64 * 1024
    vault_path: Path | None = None
    vault_key: str = ""

    @field_validator("today", mode="before")
    @classmethod
    def _blank_today(cls, value):
        return value or None

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'roomiai.sqlite3'}"
        if self.vault_path is None:
            self.vault_path = self.data_dir / "vault.sqlite3"
        if self.env != "dev":
            for name in ("jwt_secret", "vault_key"):
                if getattr(self, name).strip().lower() in PLACEHOLDER_SECRETS:
                    raise ValueError(f"ROOMIAI_{name.upper()} must be set to a real secret when ROOMIAI_ENV={self.env}")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_jwt_secret(self) -> str:
        """The configured secret, or in dev mode one generated once and kept in the data dir."""
        if self.jwt_secret:
            return self.jwt_secret
        return _dev_secret(self.data_dir / "jwt_secret")


def _dev_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
