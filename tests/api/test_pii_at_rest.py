"""Guest PII at rest: the database holds only ciphertext and keyed hashes, yet guests are still found by email and phone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select, text

from roomiai.services import booking_lookup, calls, guests
from roomiai.store.database import Database, alembic_config
from roomiai.store.pii import PiiKeyMismatch
from roomiai.store.tables import Base, CallLogRecord, CallTranscriptRecord, GuestRecord, UTCDateTime
from roomiai.store.uow import UnitOfWork
from tests.conftest import TODAY, headers

pytestmark = pytest.mark.api

KEY = "test-pii-key-" + "0123456789abcdef" * 2
OTHER_KEY = "another-pii-key-" + "fedcba9876543210" * 2

ADA = {
    "first_name": "Ada",
    "last_name": "Quixote",
    "email": "Ada.Quixote@Example.com",
    "phone": {"country_code": "+1", "number": "(305) 555-0199"},
    "alternate_phone": {"country_code": "+44", "number": "020 7946 0321"},
    "address": {"street": "12 Marigold Lane", "city": "Coral Gables", "postal_code": "33134", "country": "US"},
    "date_of_birth": "1987-03-14",
    "id_document": {"type": "passport", "number": "P9K4471Z", "issuing_country": "GB"},
}
BEA_PHONE = {"country_code": "+1", "number": "786 555 0142"}
# what must never be readable in the database, in any spelling the guest gave it (none short enough to turn up
# by chance in base64 ciphertext or hex ids)
SECRETS = [
    "ada.quixote@example.com", "quixote@", "3055550199", "305) 555", "555 0199", "02079460321", "7946 0321",
    "marigold", "coral gables", "p9k4471z", "1987-03-14", "bea.vesper@example.org", "7865550142", "786 555 0142",
]


def assert_no_secret(dump: str, where: str) -> None:
    lowered = dump.lower()
    found = [secret for secret in SECRETS if secret in lowered]
    assert not found, f"plaintext {found} found in {where}"


async def dump_rows(db: Database) -> str:
    """Every row of every table, as text."""
    lines = []
    async with db.engine.connect() as conn:
        for table in [*Base.metadata.tables, "alembic_version"]:
            for row in (await conn.execute(text(f"SELECT * FROM {table}"))).all():
                lines.append(f"{table}: {tuple(row)}")
    return "\n".join(lines)


async def record_call(container, *, text_lines: list[str], entities: dict) -> str:
    """A call through the voice-session use cases; returns its session id."""
    async with UnitOfWork(container.db, write=True) as uow:
        started = await calls.start(uow, clock=container.clock, caller_id="+13055550199", livekit_room=None, call_type="inbound")
    sid = started.record.session_id
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.add_transcript(uow, clock=container.clock, session_id=sid,
                                   entries=[{"speaker": "guest", "text": line} for line in text_lines])
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.add_intent(uow, clock=container.clock, session_id=sid, intent="book_room", confidence=0.9, entities=entities)
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.end(uow, clock=container.clock, session_id=sid, outcome="booking_completed", entities_extracted=entities)
    return sid


async def test_guest_contact_and_calls_are_unreadable_in_the_database_file(client, container, tmp_path):
    created = await client.post("/v1/guests", json=ADA, headers=headers("staff"))
    assert created.status_code == 201, created.text
    booking = await client.post("/v1/bookings", headers=headers("agent"), json={
        "check_in": "2026-01-20", "check_out": "2026-01-22", "room_type_id": "STD", "guests": {"adults": 1},
        "primary_guest": {"first_name": "Bea", "last_name": "Vesper", "email": "Bea.Vesper@example.org", "phone": BEA_PHONE},
    })
    assert booking.status_code == 201, booking.text
    spoken = {"phone_number": "+13055550199", "email": "ada.quixote@example.com", "guest_name": "Ada Quixote"}
    sid = await record_call(container, text_lines=["my number is 305 555 0199", "email ada.quixote@example.com"],
                            entities=spoken)

    # the API still shows everything to staff
    guest = (await client.get(f"/v1/guests/{created.json()['guest_id']}", headers=headers("staff"))).json()
    assert guest["email"] == "Ada.Quixote@example.com" and guest["phone"] == {"country_code": "+1", "number": "3055550199"}
    assert guest["alternate_phone"] == {"country_code": "+44", "number": "02079460321"}
    assert guest["address"]["street"] == "12 Marigold Lane" and guest["date_of_birth"] == "1987-03-14"
    async with UnitOfWork(container.db) as uow:
        call = await calls.get(uow, sid)
        assert [line.text for line in call.transcript] == ["my number is 305 555 0199", "email ada.quixote@example.com"]
        assert call.record.entities_extracted == spoken and call.intents[0].entities == spoken

    # ... but the rows and the files on disk hold none of it
    assert_no_secret(await dump_rows(container.db), "the rows")
    files = sorted(Path(tmp_path).glob("roomiai.sqlite3*"))
    assert files and any(f.name.endswith("-wal") for f in files)
    for path in files:
        assert_no_secret(path.read_bytes().decode("latin-1"), path.name)

    async with UnitOfWork(container.db) as uow:
        stored = (await uow.session.execute(text(
            "SELECT email, email_hash, phone_hash, phone_tail_hash FROM guests WHERE last_name = 'Quixote'"))).one()
    assert stored.email.startswith("pii1:")
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in stored[1:])
    assert len(set(stored[1:])) == 3


async def test_guests_are_still_found_by_email_and_phone(client, container):
    ada = (await client.post("/v1/guests", json=ADA, headers=headers("staff"))).json()
    same_tail = {**ADA, "first_name": "Cy", "email": "cy@example.com", "phone": {"country_code": "+1", "number": "212 555 0199"}}
    cy = (await client.post("/v1/guests", json=same_tail, headers=headers("staff"))).json()

    async def found(**params) -> list[str]:
        response = await client.get("/v1/guests/search", params=params, headers=headers("staff"))
        assert response.status_code == 200, response.text
        return sorted(g["guest_id"] for g in response.json()["guests"])

    assert await found(email="  ADA.quixote@example.COM") == [ada["guest_id"]]
    assert await found(phone="0199") == sorted([ada["guest_id"], cy["guest_id"]])
    assert await found(phone="(305) 555-0199") == [ada["guest_id"]]
    assert await found(phone="2125550199") == [cy["guest_id"]]
    assert await found(phone="5550199", name="cy") == [cy["guest_id"]]
    assert await found(phone="9999") == [] and await found(email="nobody@example.com") == []
    refused = await client.post("/v1/guests", json={**ADA, "email": "other@example.com"}, headers=headers("staff"))
    assert refused.status_code == 409 and "phone" in refused.json()["detail"]

    # a booking made with the same email and last name reuses the profile; another last name gets its own
    async with UnitOfWork(container.db, write=True) as uow:
        again = await guests.find_or_create(uow.session, data={"first_name": "Ada", "last_name": "quixote ",
                                                               "email": "ada.quixote@example.com"}, now=container.clock.now())
        other = await guests.find_or_create(uow.session, data={"first_name": "Max", "last_name": "Quixano",
                                                               "phone": {"country_code": "1", "number": "305-555-0199"}},
                                            now=container.clock.now())
        await uow.commit()
    assert again.guest_id == ada["guest_id"] and other.guest_id not in (ada["guest_id"], cy["guest_id"])

    booked = await client.post("/v1/bookings", headers=headers("agent"), json={
        "check_in": "2026-01-20", "check_out": "2026-01-22", "room_type_id": "STD", "guests": {"adults": 1},
        "primary_guest": {"first_name": "Cy", "last_name": "Quixote", "phone": {"country_code": "+1", "number": "2125550199"}},
    })
    assert booked.status_code == 201 and booked.json()["booking"]["guest_id"] == cy["guest_id"]
    async with UnitOfWork(container.db) as uow:
        matches = await booking_lookup.lookup(uow, today=TODAY, phone="+1 212 555 0199")
        assert [b.record.confirmation_number for b in matches] == [booked.json()["booking"]["confirmation_number"]]
        with pytest.raises(Exception, match="No booking matches"):
            await booking_lookup.lookup(uow, today=TODAY, phone="305 555 0199")  # Ada shares the last digits, not the number
    listed = await client.get("/v1/bookings/search", params={"phone": "0199"}, headers=headers("staff"))
    assert [b["confirmation_number"] for b in listed.json()["bookings"]] == [booked.json()["booking"]["confirmation_number"]]


async def test_a_database_opened_with_another_key_says_so(client, container, settings):
    assert (await client.post("/v1/guests", json=ADA, headers=headers("staff"))).status_code == 201
    wrong = Database(settings.database_url, pii_key=OTHER_KEY)
    try:
        with pytest.raises(PiiKeyMismatch, match="encrypted with the PII key [0-9a-f]{8}, but the configured ROOMIAI_PII_KEY"):
            await wrong.migrate()
        async with UnitOfWork(wrong) as uow:
            with pytest.raises(PiiKeyMismatch, match="guests.email was encrypted with the PII key"):
                (await uow.session.execute(select(GuestRecord).where(GuestRecord.last_name == "Quixote"))).scalar_one()
    finally:
        await wrong.dispose()


# -- a database from before encryption (0001) ----------------------------------------------------------

OLD_GUESTS = sa.table(
    "guests", *(sa.column(name) for name in (
        "id", "guest_id", "first_name", "last_name", "email", "email_key", "phone_key", "notes", "total_stays",
        "total_nights", "total_revenue_cents")),
    sa.column("phone", sa.JSON), sa.column("address", sa.JSON), sa.column("id_document", sa.JSON),
    sa.column("alternate_phone", sa.JSON), sa.column("preferences", sa.JSON), sa.column("communication_preferences", sa.JSON),
    sa.column("tags", sa.JSON), sa.column("date_of_birth", sa.Date), sa.column("created_at", UTCDateTime),
    sa.column("updated_at", UTCDateTime),
)
OLD_CALLS = sa.table("call_logs", sa.column("id"), sa.column("session_id"), sa.column("call_type"), sa.column("caller_phone"),
                     sa.column("call_start", UTCDateTime), sa.column("entities_extracted", sa.JSON), sa.column("errors", sa.JSON),
                     sa.column("turn_timings", sa.JSON), sa.column("created_at", UTCDateTime))
OLD_LINES = sa.table("call_transcript", sa.column("call_id"), sa.column("timestamp", UTCDateTime), sa.column("speaker"),
                     sa.column("text"))
OLD_INTENTS = sa.table("call_intents", sa.column("call_id"), sa.column("timestamp", UTCDateTime), sa.column("intent"),
                       sa.column("confidence"), sa.column("entities", sa.JSON))


async def build_plaintext_database(db: Database) -> None:
    """The schema of revision 0001 with a guest and a call stored as earlier versions stored them."""
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0001"))
        now = dt.datetime(2026, 1, 10, 15, tzinfo=dt.timezone.utc)
        await conn.execute(OLD_GUESTS.insert().values(
            id="g1", guest_id="G-2026-00001", first_name="Ada", last_name="Quixote", email="Ada.Quixote@Example.com",
            email_key="ada.quixote@example.com", phone={"country_code": "+1", "number": "3055550199"}, phone_key="13055550199",
            address=ADA["address"], id_document=ADA["id_document"], alternate_phone=None, date_of_birth=dt.date(1987, 3, 14),
            preferences={}, communication_preferences={}, tags=[], notes="", total_stays=0, total_nights=0,
            total_revenue_cents=0, created_at=now, updated_at=now,
        ))
        await conn.execute(OLD_CALLS.insert().values(
            id="c1", session_id="session_old", call_type="inbound", caller_phone="+1305***0199", call_start=now,
            entities_extracted={"phone_number": "+13055550199"}, errors=[], turn_timings=[], created_at=now,
        ))
        await conn.execute(OLD_LINES.insert().values(call_id="c1", timestamp=now, speaker="guest", text="call me on 3055550199"))
        await conn.execute(OLD_INTENTS.insert().values(call_id="c1", timestamp=now, intent="book_room", confidence=0.9,
                                                       entities={"email": "ada.quixote@example.com"}))


async def check_upgraded(db: Database) -> None:
    """After `migrate`: the old rows read as before, are found by email and phone, and are stored encrypted."""
    async with UnitOfWork(db) as uow:
        ada = (await uow.session.execute(select(GuestRecord))).scalar_one()
        assert (ada.email, ada.phone, ada.date_of_birth) == (
            "Ada.Quixote@Example.com", {"country_code": "+1", "number": "3055550199"}, dt.date(1987, 3, 14))
        assert ada.address == ADA["address"] and ada.id_document == ADA["id_document"] and ada.alternate_phone is None
        assert [g.guest_id for g in await guests.search(uow.session, email="ada.QUIXOTE@example.com")] == ["G-2026-00001"]
        assert [g.guest_id for g in await guests.search(uow.session, phone="305-555-0199")] == ["G-2026-00001"]
        line = (await uow.session.execute(select(CallTranscriptRecord))).scalar_one()
        log = (await uow.session.execute(select(CallLogRecord))).scalar_one()
        assert line.text == "call me on 3055550199" and log.entities_extracted == {"phone_number": "+13055550199"}
        assert log.transcript_purged_at is None
    assert_no_secret(await dump_rows(db), "the upgraded rows")


async def test_a_plaintext_database_of_an_earlier_version_is_encrypted_by_migrate_and_can_go_back(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{path}", pii_key=KEY)
    try:
        await build_plaintext_database(db)
        assert "ada.quixote@example.com" in (await dump_rows_0001(db))

        await db.migrate()
        await check_upgraded(db)

        async with db.engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0001"))
            row = (await conn.execute(text("SELECT email, email_key, phone, phone_key, date_of_birth FROM guests"))).one()
            line = (await conn.execute(text("SELECT text FROM call_transcript"))).scalar_one()
        assert tuple(row[:2]) == ("Ada.Quixote@Example.com", "ada.quixote@example.com")
        assert json.loads(row.phone) == {"country_code": "+1", "number": "3055550199"} and row.phone_key == "13055550199"
        assert row.date_of_birth == "1987-03-14" and line == "call me on 3055550199"

        await db.migrate()
        await check_upgraded(db)
    finally:
        await db.dispose()


async def dump_rows_0001(db: Database) -> str:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM guests"))).all()
    return "\n".join(str(tuple(row)).lower() for row in rows)
