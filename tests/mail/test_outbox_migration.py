"""Migration 0005 (outbox, booking contacts, contact history) both ways, with a booking and its message in the database."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import text

from roomiai.api.app import create_app
from roomiai.store.database import alembic_config
from tests.api.test_bookings import booking_body
from tests.conftest import headers

pytestmark = pytest.mark.mail


async def check_outbox_migration(container) -> None:
    """head -> 0004 drops the outbox and the new columns and keeps the bookings; 0004 -> head brings them back."""
    db = container.db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)), base_url="http://t") as http:
        made = await http.post("/v1/bookings", json=booking_body(), headers=headers("agent"))
        assert made.status_code == 201 and made.json()["confirmation_email"] == "queued"
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0004"))
            tables = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
            booking_columns = await conn.run_sync(lambda sync: [c["name"] for c in sa.inspect(sync).get_columns("bookings")])
            guest_columns = await conn.run_sync(lambda sync: [c["name"] for c in sa.inspect(sync).get_columns("guests")])
            assert "outbox_messages" not in tables and "contact_email" not in booking_columns
            assert "contact_history" not in guest_columns
            numbers = (await conn.execute(text("SELECT confirmation_number FROM bookings"))).scalars().all()
            assert made.json()["booking"]["confirmation_number"] in numbers
        await db.migrate()
        again = await http.post("/v1/bookings", json=booking_body(check_in="2026-02-02", check_out="2026-02-04"),
                                headers=headers("agent"))
        assert again.status_code == 201 and again.json()["confirmation_email"] == "queued"
        old = await http.get(f"/v1/bookings/{made.json()['booking']['confirmation_number']}", headers=headers("staff"))
        assert old.status_code == 200 and old.json()["confirmation_email"] is None  # its message went with the downgrade
        found = await http.get("/v1/bookings/search", params={"email": "john.smith@email.com"}, headers=headers("staff"))
        assert found.json()["count"] == 2  # the older one through its guest's address


async def test_the_outbox_migration_goes_both_ways_on_sqlite(container):
    await check_outbox_migration(container)
