"""The data folder and the databases in it are created for their owner only, -wal and -shm files included
(issue 9, finding 14)."""

from __future__ import annotations

import asyncio
import stat

import httpx
import pytest

from roomiai import cli
from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.config import Settings
from roomiai.demo.seed import seed_demo
from roomiai.store.uow import UnitOfWork
from tests.api.test_bookings import booking_body
from tests.conftest import PII_KEY, SECRET, TODAY, headers

pytestmark = pytest.mark.api


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_roomi_migrate_and_the_api_create_owner_only_files(tmp_path, monkeypatch):
    data = tmp_path / "deploy" / "var"
    for name, value in {"DATA_DIR": str(data), "PII_KEY": PII_KEY, "JWT_SECRET": SECRET, "TODAY": TODAY.isoformat()}.items():
        monkeypatch.setenv(f"ROOMIAI_{name}", value)
    assert await asyncio.to_thread(cli.main, ["migrate"]) == 0
    settings = Settings(data_dir=data, pii_key=PII_KEY, jwt_secret=SECRET, today=TODAY, _env_file=None)
    container = build_container(settings)
    async with UnitOfWork(container.db, write=True) as uow:
        await seed_demo(uow, now=container.clock.now())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)), base_url="http://roomi.test") as client:
        saved = await client.post("/v1/payments/cards", json={"card_number": "4111111111111111", "expiry": "12/28"},
                                  headers=headers("agent"))
        booked = await client.post("/v1/bookings", json=booking_body(), headers=headers("agent"))
        files = sorted(path.name for path in data.iterdir())
        modes = {path.name: mode(path) for path in data.iterdir()}
    await container.db.dispose()
    container.gateway.close()

    assert saved.status_code == 201 and booked.status_code == 201, booked.text
    assert {"roomiai.sqlite3", "roomiai.sqlite3-wal", "roomiai.sqlite3-shm", "vault.sqlite3", "vault.key"} <= set(files)
    assert mode(data) == 0o700 and mode(data.parent) == 0o700
    assert modes == {name: 0o600 for name in files}, modes
