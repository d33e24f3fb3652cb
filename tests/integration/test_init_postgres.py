"""First run in production: `roomi init` on an empty PostgreSQL database, then a booking through the API."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from roomiai import cli
from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.config import Settings
from tests.unit.test_property_file import BNB

pytestmark = pytest.mark.integration

PROD = {"ENV": "prod", "JWT_SECRET": "prod-secret-" + "s" * 40, "PII_KEY": "prod-pii-key-" + "p" * 40,
        "VAULT_KEY": "v" * 43 + "=", "TODAY": "2026-01-12", "NEW_PASSWORD": "harbour-admin-2026"}


async def test_init_then_book_through_the_api(empty_pg_url, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for name, value in {**PROD, "DATABASE_URL": empty_pg_url, "DATA_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(f"ROOMIAI_{name}", value)
    assert await asyncio.to_thread(cli.main, ["seed", "--demo"]) == 2
    assert await asyncio.to_thread(cli.main, ["init", "--hotel", str(BNB), "--admin", "maeve"]) == 0
    assert "hotel Harbour View B&B (2 room types, 12 rooms, 2 rates), admin user maeve" in capsys.readouterr().out
    assert await asyncio.to_thread(cli.main, ["init", "--hotel", str(BNB)]) == 2

    container = build_container(Settings())
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)),
                                     base_url="http://roomi.test") as client:
            for username, password in (("admin", "grandhotel-admin"), ("maeve", PROD["NEW_PASSWORD"])):
                login = await client.post("/v1/auth/token", data={"username": username, "password": password})
                assert login.status_code == (200 if username == "maeve" else 401)
            auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
            body = {"check_in": "2026-01-16", "check_out": "2026-01-18", "room_type_id": "DBL", "rate_code": "BB",
                    "guests": {"adults": 2}, "accept_policies": True,
                    "primary_guest": {"first_name": "Nora", "last_name": "Barnacle", "email": "nora@example.com"}}
            r = await client.post("/v1/bookings", json=body, headers=auth)
            assert r.status_code == 201, r.text
            pricing = r.json()["booking"]["pricing"]
            assert (pricing["room_total"], pricing["taxes"], pricing["grand_total"]) == (270.0, 27.3, 297.3)
            assert pricing["currency"] == "EUR"
    finally:
        await container.db.dispose()
        close = getattr(container.gateway, "close", None)
        if close:
            close()
