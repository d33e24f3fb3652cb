"""Shared fixtures: a migrated, seeded SQLite database per test and an httpx client on the app."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

import httpx
import pytest

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.clock import Clock
from roomiai.config import Settings
from roomiai.payments.local_vault import LocalVault
from roomiai.services.auth import access_token
from roomiai.demo.seed import seed_demo
from roomiai.store.database import Database
from roomiai.store.uow import UnitOfWork

TODAY = dt.date(2026, 1, 12)  # a Monday
SECRET = "test-secret-0123456789abcdef0123456789"
PII_KEY = "test-pii-key-0123456789abcdef0123456789"
HOTEL_TZ = "America/New_York"


async def _make_template(path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}", pii_key=PII_KEY)
    await db.migrate()
    async with UnitOfWork(db, write=True) as uow:
        await seed_demo(uow, now=Clock(HOTEL_TZ, pinned_date=TODAY).now())
    await db.dispose()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "roomiai.sqlite3"
    asyncio.run(_make_template(path))
    return path


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'roomiai.sqlite3'}",
                    jwt_secret=SECRET, vault_key="", pii_key=PII_KEY, today=TODAY, _env_file=None)


@pytest.fixture
def clock() -> Clock:
    return Clock(HOTEL_TZ, pinned_date=TODAY)


@pytest.fixture
async def container(settings, clock, seeded_template, tmp_path):
    shutil.copy(seeded_template, tmp_path / "roomiai.sqlite3")
    vault = LocalVault(tmp_path / "vault.sqlite3", key=b"0" * 43 + b"=")
    c = build_container(settings, clock=clock, gateway=vault)
    yield c
    await c.db.dispose()
    vault.close()


@pytest.fixture
async def client(container):
    app = create_app(container)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://roomi.test") as http:
        yield http


def token_for(role: str, subject: str | None = None) -> str:
    return access_token(secret=SECRET, subject=subject or f"test-{role}", role=role, minutes=30,
                        now=dt.datetime.now(dt.timezone.utc))


def headers(role: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(role)}"}
