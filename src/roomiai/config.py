"""Settings from the environment (prefix ROOMIAI_) and an optional .env file."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    cors_origins: str = Field("", description="comma-separated origins allowed to call the API from a browser")
    login_failures_allowed: int = Field(5, description="failed logins per client and user within login_window_seconds")
    login_window_seconds: int = 300
    vault_path: Path | None = None
    vault_key: str = ""
    brain: Literal["deterministic", "llm"] = Field(
        "deterministic", description="what drives the receptionist's tools: the offline dialogue engine or an LLM")
    llm_provider: Literal["groq", "openai"] = Field(
        "groq", description="groq (GROQ_API_KEY) or openai (OPENAI_API_KEY, or any endpoint in llm_base_url)")
    llm_model: str = Field("llama-3.3-70b-versatile", description="the provider's model name")
    llm_base_url: str = Field("", description="an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama)")
    llm_api_key: str = Field("", repr=False, description="falls back to GROQ_API_KEY or OPENAI_API_KEY")
    llm_temperature: float = Field(0.3, ge=0.0, le=2.0)

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
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def llm_configured(self) -> bool:
        """Whether an LLM brain can be built: an OpenAI-compatible base URL, or an API key for the provider."""
        return bool(self.llm_base_url.strip() or self.resolved_llm_api_key())

    def resolved_llm_provider(self) -> Literal["groq", "openai"]:
        """The provider actually used: a base URL always means an OpenAI-compatible endpoint."""
        return "openai" if self.llm_base_url.strip() else self.llm_provider

    def resolved_llm_api_key(self) -> str:
        """ROOMIAI_LLM_API_KEY, else the provider's own variable (GROQ_API_KEY or OPENAI_API_KEY)."""
        fallback = "OPENAI_API_KEY" if self.resolved_llm_provider() == "openai" else "GROQ_API_KEY"
        return (self.llm_api_key or os.environ.get(fallback, "")).strip()

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
