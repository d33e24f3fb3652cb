"""Settings from the environment (prefix ROOMIAI_) and an optional .env file."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .private_files import private_dir

PII_KEY_MIN_CHARS = 32
JWT_SECRET_MIN_CHARS = 32
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "your_secure_jwt_secret", "your_encryption_key"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROOMIAI_", env_file=".env", extra="ignore")

    env: str = Field("dev", description="dev (embedded, demo secrets allowed) or prod")
    data_dir: Path = Path("var")
    database_url: str = ""
    today: dt.date | None = Field(None, description="pins the hotel's clock to this date")
    jwt_secret: str = Field("", repr=False)
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    desk_refresh_grace_seconds: int = Field(
        30,
        ge=0,
        le=300,
        description="seconds after a desk session is renewed during which its old refresh token "
        "still renews it (two tabs at once) instead of signing it out",
    )
    booking_horizon_days: int = 550
    max_body_bytes: int = 64 * 1024
    cors_origins: str = Field("", description="comma-separated origins allowed to call the API from a browser")
    trusted_proxies: str = Field(
        "",
        description="comma-separated addresses or networks (e.g. 10.0.0.0/8) of the TLS proxies in front of "
        "`roomi serve`, whose X-Forwarded-For and X-Forwarded-Proto are believed; * trusts any peer",
    )
    redis_url: str = Field(
        "",
        repr=False,
        description="redis://[:password@]host:6379/0 shared by every API process: rate limits, login and "
        "lookup throttles (keys under roomiai:); empty: each process keeps its own (one process)",
    )
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="API processes behind one port for `roomi serve` (--workers); more "
        "than one needs ROOMIAI_REDIS_URL for limits that hold across them",
    )
    login_failures_allowed: int = Field(5, description="failed logins per client and user within login_window_seconds")
    login_window_seconds: int = 300
    lookup_failures_allowed: int = Field(
        30,
        ge=0,
        description="failed booking lookups and guest-name proofs in 10 minutes, per call for the voice agent "
        "and per token and address for staff (0: no limit)",
    )
    agent_lookup_failures_allowed: int = Field(
        300,
        ge=0,
        description="failed booking lookups and guest-name proofs in 10 minutes for the agent token, all calls "
        "together (0: no limit)",
    )
    booking_rate_per_minute: int = Field(
        30, ge=0, description="bookings one staff or admin user may create per minute from one address; 0: no limit"
    )
    agent_booking_rate_per_minute: int = Field(
        120,
        ge=0,
        description="bookings one agent token may create per minute from one address (every call of the hotel "
        "shares it); 0: no limit",
    )
    vault_path: Path | None = None
    vault_key: str = Field("", repr=False)
    pii_key: str = Field("", repr=False, description="encrypts guests' personal data; at least 32 random characters")
    transcript_retention_days: int = Field(
        90, ge=1, description="`roomi purge` deletes call transcripts older than this"
    )
    card_retention_days: int = Field(
        30, ge=1, description="`roomi purge` deletes the cards of stays that ended more than this many days ago"
    )
    payment_gateway: Literal["local", "stripe"] = Field(
        "local", description="local (the embedded card vault) or stripe (ROOMIAI_STRIPE_SECRET_KEY)"
    )
    stripe_secret_key: str = Field("", repr=False, description="Stripe secret (sk_) or restricted (rk_) API key")
    log_dir: Path | None = Field(None, description="also write JSON logs to a rotating roomiai.log in this folder")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    metrics_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="also serve the Prometheus metrics without a "
        "token on this port (GET /metrics needs an admin token)",
    )
    metrics_host: str = Field("127.0.0.1", description="the address ROOMIAI_METRICS_PORT listens on")
    access_log: bool = Field(
        False,
        description="`roomi serve` logs one line per HTTP request (request counts and "
        "latency per route are in the metrics without it)",
    )
    brain: Literal["deterministic", "llm"] = Field(
        "deterministic", description="what drives the receptionist's tools: the offline dialogue engine or an LLM"
    )
    llm_provider: Literal["groq", "openai"] = Field(
        "groq", description="groq (GROQ_API_KEY) or openai (OPENAI_API_KEY, or any endpoint in llm_base_url)"
    )
    llm_model: str = Field("llama-3.3-70b-versatile", description="the provider's model name")
    llm_base_url: str = Field("", description="an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama)")
    llm_api_key: str = Field("", repr=False, description="falls back to GROQ_API_KEY or OPENAI_API_KEY")
    llm_temperature: float = Field(0.3, ge=0.0, le=2.0)
    speech: Literal["local", "deepgram"] = Field(
        "local", description="local (bundled Whisper, Piper, silero) or deepgram (DEEPGRAM_API_KEY; local as fallback)"
    )
    local_voice: Literal["piper", "espeak"] = Field("piper", description="Roomi's local voice")
    deepgram_api_key: str = Field("", repr=False, description="falls back to DEEPGRAM_API_KEY")
    deepgram_stt_model: str = "nova-3"
    deepgram_tts_model: str = "aura-2-thalia-en"
    deepgram_endpointing_ms: int = Field(
        25,
        ge=0,
        le=5000,
        description="silence after which Deepgram finalises what it heard (interim results come before)",
    )
    read_back_below: float = Field(
        0.45,
        ge=0.0,
        le=1.0,
        description="a confirmation number, phone number, date or "
        "surname heard with less speech confidence than this is read back first; 0: never",
    )
    stt_beam_size: int = Field(5, ge=1, le=8, description="Whisper beam size: 5 hears better, 1 is about 60 ms faster")
    speech_threads: int = Field(2, ge=1, le=64, description="CPU threads for Whisper")
    stt_workers: int = Field(
        2, ge=1, le=16, description="Whisper transcriptions that may run at once (simultaneous calls)"
    )
    stt_fit_window: bool = Field(
        True,
        description="encode a caller's turn in a window fitted to it, not Whisper's "
        "padded 30 s (about 10x less work on a short turn)",
    )
    stt_speculate_after_seconds: float = Field(
        0.15,  # transcript ~110-140 ms sooner, no more cut-offs, WER within run-to-run noise (bench/README.md)
        ge=0.0,
        le=2.0,
        description="start transcribing after this much of the silence that ends a turn, "
        "discarding the result if the caller goes on; 0: only after the silence",
    )
    unfinished_turn_seconds: float = Field(
        1.5,
        ge=0.0,
        le=5.0,
        description='how long Roomi waits for a caller whose words stop mid-sentence ("my name '
        'is", half a phone number) before answering; 0: no such check',
    )
    tts_cache_phrases: int = Field(
        256,
        ge=0,
        le=10000,
        description="phrases of Roomi's local voice kept rendered (greeting, fixed lines, frequent answers); 0: off",
    )
    vad_silence_seconds: float = Field(0.35, ge=0.1, le=2.0, description="silence that ends a caller's speech")
    endpointing_seconds: float = Field(0.3, ge=0.0, le=3.0, description="extra wait before Roomi takes her turn")
    provider_timeout_seconds: float = Field(5.0, gt=0, le=60, description="a cloud STT/TTS/LLM attempt's time limit")
    silence_prompt_seconds: float = Field(6.0, gt=0, le=120, description="a silent caller is asked if they are there")
    silence_goodbye_seconds: float = Field(10.0, gt=0, le=120, description="then Roomi says goodbye and hangs up")
    mail_delivery: Literal["auto", "smtp", "files", "off"] = Field(
        "auto",
        description="guests' e-mails: smtp (ROOMIAI_SMTP_URL), files (.eml files in ROOMIAI_MAIL_DIR) or off; "
        "auto: smtp when ROOMIAI_SMTP_URL is set, else files in dev mode, else off",
    )
    smtp_url: str = Field(
        "",
        repr=False,
        description="smtp://user:password@host:587 (STARTTLS when offered; "
        "?starttls=require to insist) or smtps://user:password@host:465",
    )
    mail_from: str = Field(
        "",
        description="the From address of guests' e-mails, e.g. Grand Hotel <reservations@"
        "grandhotel.example>; empty: the hotel's own e-mail address",
    )
    mail_dir: Path | None = Field(
        None, description="where .eml files are written (files delivery); default <data_dir>/mail"
    )
    mail_templates_dir: Path | None = Field(
        None, description="the hotel's own message templates: a file here replaces the shipped one of the same name"
    )
    mail_poll_seconds: float = Field(
        10.0, gt=0, le=3600, description="how often the outbox is checked for due messages"
    )

    @field_validator("today", mode="before")
    @classmethod
    def _blank_today(cls, value):
        return value or None

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str) -> str:
        if value.strip():
            from .messaging.smtp import parse_smtp_url

            parse_smtp_url(value)
        return value.strip()

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        from email.utils import parseaddr

        if value.strip() and "@" not in parseaddr(value)[1]:
            raise ValueError(
                "ROOMIAI_MAIL_FROM must be an e-mail address, e.g. Grand Hotel <reservations@grandhotel.example>"
            )
        return value.strip()

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value.strip() and not value.strip().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                "ROOMIAI_REDIS_URL must start with redis://, rediss:// or unix:// (e.g. redis://redis:6379/0)"
            )
        return value.strip()

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        proxy_list(value)
        return value

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'roomiai.sqlite3'}"
        if self.vault_path is None:
            self.vault_path = self.data_dir / "vault.sqlite3"
        if self.env != "dev":
            for name in ("jwt_secret", "vault_key"):
                if getattr(self, name).strip().lower() in PLACEHOLDER_SECRETS:
                    raise ValueError(f"ROOMIAI_{name.upper()} must be set to a real secret when ROOMIAI_ENV={self.env}")
            if len(self.jwt_secret.strip()) < JWT_SECRET_MIN_CHARS:
                raise ValueError(
                    f"ROOMIAI_JWT_SECRET is too short: use at least {JWT_SECRET_MIN_CHARS} random characters, "
                    "e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
        if self.payment_gateway == "local" and self.vault_key and not _fernet_key(self.vault_key):
            raise ValueError(
                "ROOMIAI_VAULT_KEY is not a valid key: it must be 32 url-safe base64-encoded bytes, e.g. from: "
                "python -c 'import secrets, base64; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'"
            )
        if self.mail_delivery == "smtp" and not self.smtp_url:
            raise ValueError(
                "ROOMIAI_MAIL_DELIVERY=smtp needs ROOMIAI_SMTP_URL, e.g. smtp://user:password@mail.example.com:587"
            )
        stripe_key_prefixes = ("sk_live_", "sk_test_", "rk_live_", "rk_test_")
        if self.payment_gateway == "stripe" and not self.stripe_secret_key.startswith(stripe_key_prefixes):
            raise ValueError(
                "ROOMIAI_STRIPE_SECRET_KEY must be set to a Stripe secret key (sk_live_... or sk_test_...) "
                "or restricted key (rk_...) when ROOMIAI_PAYMENT_GATEWAY=stripe"
            )
        return self

    @model_validator(mode="after")
    def _check_pii_key(self) -> Settings:
        key = self.pii_key.strip()
        if self.env != "dev" and key.lower() in PLACEHOLDER_SECRETS:
            raise ValueError(f"ROOMIAI_PII_KEY must be set to a real secret when ROOMIAI_ENV={self.env}")
        if key and len(key) < PII_KEY_MIN_CHARS:
            raise ValueError(
                f"ROOMIAI_PII_KEY must be at least {PII_KEY_MIN_CHARS} random characters, "
                "e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return self

    def resolved_mail_delivery(self) -> Literal["smtp", "files", "off"]:
        """How guests' e-mails go out (auto resolved); smtp without ROOMIAI_SMTP_URL is refused when settings load."""
        if self.mail_delivery != "auto":
            return self.mail_delivery
        if self.smtp_url:
            return "smtp"
        return "files" if self.env == "dev" else "off"

    @property
    def trusted_proxy_list(self) -> list[str]:
        return proxy_list(self.trusted_proxies)

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

    def resolved_pii_key(self) -> str:
        """The configured PII key, or in dev mode one generated once and kept in the data dir (pii.key)."""
        return self.pii_key.strip() or _dev_key(self.data_dir / "pii.key")


def proxy_list(value: str) -> list[str]:
    """The addresses and networks in a comma-separated list (* for any); ValueError names what is wrong, not the value."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if item != "*":
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    "ROOMIAI_TRUSTED_PROXIES (--forwarded-allow-ips) lists IP addresses or networks "
                    "(e.g. 127.0.0.1,10.0.0.0/8) separated by commas"
                ) from None
    return items


def _fernet_key(value: str) -> bool:
    """Whether `value` is a Fernet key: 32 bytes in url-safe base64."""
    try:
        return len(base64.urlsafe_b64decode(value.strip().encode("ascii"))) == 32
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


def describe_settings_error(error: Exception) -> str:
    """One line per problem naming the ROOMIAI_ variable and what is wrong, never the value it was given."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return type(error).__name__  # its message might quote a value
    problems = []
    for item in error.errors(include_input=False, include_url=False, include_context=False):
        message = item.get("msg", "is not valid").removeprefix("Value error, ")
        field = next((str(part) for part in item.get("loc", ()) if isinstance(part, str)), "")
        problems.append(f"ROOMIAI_{field.upper()}: {message}" if field and "ROOMIAI_" not in message else message)
    return "; ".join(problems)


def masked_url(url: str) -> str:
    """A database URL fit to print: its password replaced by ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(a database URL that cannot be read; check ROOMIAI_DATABASE_URL)"


def _dev_key(path: Path) -> str:
    """The key in `path`, written whole and owner-only the first time; processes starting together get the same one."""
    if not path.exists():
        private_dir(path.parent)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)  # fails if another process was first; its key is kept
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _dev_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    private_dir(path.parent)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
