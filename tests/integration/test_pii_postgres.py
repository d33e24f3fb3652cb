"""Guest PII at rest and transcript retention on a real PostgreSQL server: TEXT columns, the migration's casts, the hashes."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import text

from roomiai.services import booking_lookup
from roomiai.store.database import Database, alembic_config
from roomiai.store.uow import UnitOfWork
from tests.api.test_pii_at_rest import (
    ADA, BEA_PHONE, KEY, assert_no_secret, build_plaintext_database, check_upgraded, dump_rows, record_call,
)
from tests.api.test_retention import call_state, make_call, purge
from tests.conftest import TODAY, headers

pytestmark = pytest.mark.integration


async def test_guests_are_stored_encrypted_and_found_by_email_and_phone(pg_client, pg_container):
    ada = await pg_client.post("/v1/guests", json=ADA, headers=headers("staff"))
    assert ada.status_code == 201, ada.text
    booked = await pg_client.post("/v1/bookings", headers=headers("agent"), json={
        "check_in": "2026-01-20", "check_out": "2026-01-22", "room_type_id": "STD", "guests": {"adults": 1},
        "primary_guest": {"first_name": "Bea", "last_name": "Vesper", "email": "Bea.Vesper@example.org", "phone": BEA_PHONE},
    })
    assert booked.status_code == 201, booked.text
    await record_call(pg_container, text_lines=["it's 305 555 0199"], entities={"email": "ada.quixote@example.com"})

    assert_no_secret(await dump_rows(pg_container.db), "the PostgreSQL rows")
    async with pg_container.db.engine.connect() as conn:
        types = dict((await conn.execute(text(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'guests'"))).all())
    assert {types[c] for c in ("email", "phone", "alternate_phone", "address", "date_of_birth", "id_document")} == {"text"}

    async def found(**params) -> list[str]:
        return [g["guest_id"] for g in (await pg_client.get("/v1/guests/search", params=params, headers=headers("staff"))).json()["guests"]]

    assert await found(email="ADA.Quixote@example.com") == [ada.json()["guest_id"]]
    assert await found(phone="305.555.0199") == await found(phone="0199") == [ada.json()["guest_id"]]
    number = booked.json()["booking"]["confirmation_number"]
    async with UnitOfWork(pg_container.db) as uow:
        matches = await booking_lookup.lookup(uow, today=TODAY, phone="+1 (786) 555-0142")
        assert [b.record.confirmation_number for b in matches] == [number]


async def test_a_plaintext_database_of_an_earlier_version_is_encrypted_by_migrate_and_can_go_back(empty_pg_url):
    db = Database(empty_pg_url, pii_key=KEY)
    try:
        await build_plaintext_database(db)
        await db.migrate()
        await check_upgraded(db)

        async with db.engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0001"))
            row = (await conn.execute(text("SELECT email_key, phone, phone_key, date_of_birth FROM guests"))).one()
            types = dict((await conn.execute(text(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'guests'"))).all())
        assert row.email_key == "ada.quixote@example.com" and row.phone_key == "13055550199"
        phone = row.phone if isinstance(row.phone, dict) else json.loads(row.phone)
        assert phone == {"country_code": "+1", "number": "3055550199"} and row.date_of_birth.isoformat() == "1987-03-14"
        assert (types["email"], types["phone"], types["date_of_birth"]) == ("character varying", "json", "date")

        await db.migrate()
        await check_upgraded(db)
    finally:
        await db.dispose()


async def test_purge_on_postgresql(pg_container):
    old = await make_call(pg_container, days_ago=100, recording="s3://calls/a.wav")
    recent = await make_call(pg_container, days_ago=10)

    report = await purge(pg_container)

    assert (report.calls, report.transcript_lines, report.recordings) == (1, 2, 1)
    assert report.first_call.date() == report.last_call.date() and report.first_call.tzinfo is not None
    state = await call_state(pg_container, old)
    assert (state["lines"], state["entities"], state["recording"], state["outcome"]) == (0, {}, None, "transferred")
    assert (await call_state(pg_container, recent))["lines"] == 2
