"""The main API flows on a real PostgreSQL server: the dialect paths SQLite never takes.

ON CONFLICT upserts (sequences, inventory rows), RETURNING, greatest(), advisory locks, JSON columns,
naive-UTC timestamp columns, ILIKE search, FOR UPDATE — and the migrations themselves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from roomiai.clock import Clock
from roomiai.demo.seed import seed_demo
from roomiai.store.database import Database, alembic_config
from roomiai.store.tables import (
    Base, BookingRecord, GuestRecord, HotelSettingsRecord, InventoryRecord, PaymentRecord, RoomRecord, RoomTypeRecord,
    SequenceRecord,
)
from roomiai.store.uow import UnitOfWork
from tests.conftest import HOTEL_TZ, PII_KEY, TODAY, headers

pytestmark = pytest.mark.integration

CARD = "4111111111111111"
PROBLEM = "application/problem+json"


def booking_body(**overrides) -> dict:
    body = {
        "check_in": "2026-01-20",
        "check_out": "2026-01-25",
        "room_type_id": "DLX",
        "rate_code": "BAR",
        "bed_configuration": "KING",
        "view": "city",
        "guests": {"adults": 2, "children": 1},
        "primary_guest": {
            "title": "Ms", "first_name": "Zoë", "last_name": "O'Brien-Łukasz", "email": "zoe.obrien@example.com",
            "phone": {"country_code": "+1", "number": "(305) 555-0147"},
        },
        "additional_guests": [{"first_name": "Mia", "is_adult": False, "age": 7}],
        "special_requests": ["high floor", "crib — please"],
        "special_occasion": "anniversary",
        "estimated_arrival": "18:30",
        "room_preferences": {"floor": "high", "quiet_room": True, "other": ["away from the lift"]},
        "packages": ["romance_package", "breakfast"],
        "discount_code": "WELCOME25",
        "accept_policies": True,
    }
    body.update(overrides)
    return body


async def book(client, role: str = "agent", key: str | None = None, **overrides):
    h = headers(role)
    if key:
        h["Idempotency-Key"] = key
    return await client.post("/v1/bookings", json=booking_body(**overrides), headers=h)


async def scalar(db: Database, statement):
    async with UnitOfWork(db) as uow:
        return (await uow.session.execute(statement)).scalar_one()


async def set_deposit(db: Database, percent: int) -> None:
    """Make the hotel take a deposit: an UPDATE of the JSON settings document."""
    async with UnitOfWork(db, write=True) as uow:
        record = (await uow.session.execute(select(HotelSettingsRecord))).scalar_one()
        data = dict(record.data)
        data["policies"] = {**data["policies"], "deposit_required": True, "deposit_percentage": percent}
        record.data = data
        await uow.commit()


# -- schema ------------------------------------------------------------------------------------------

async def test_migrations_build_an_empty_database_and_running_them_again_changes_nothing(empty_pg_url):
    db = Database(empty_pg_url, pii_key=PII_KEY)
    try:
        await db.migrate()
        await db.migrate()  # idempotent
        async with db.engine.connect() as conn:
            tables = set((await conn.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))).scalars())
            versions = list((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars())
            drift = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        assert versions == [ScriptDirectory.from_config(alembic_config()).get_current_head()]
        assert drift == [], f"the migrations and tables.py disagree on PostgreSQL: {drift}"
        now = Clock(HOTEL_TZ, pinned_date=TODAY).now()
        async with UnitOfWork(db, write=True) as uow:
            assert await seed_demo(uow, now=now) is True
        async with UnitOfWork(db, write=True) as uow:
            assert await seed_demo(uow, now=now) is False
        assert await scalar(db, select(func.count()).select_from(RoomRecord)) == 100
    finally:
        await db.dispose()


# -- booking, reading, searching ---------------------------------------------------------------------

async def test_booking_with_a_card_round_trips_json_and_utc_times(pg_client, pg_container):
    created = await book(pg_client, payment={"card_number": "4111 1111 1111 1111", "expiry": "12/27", "cvv": "123",
                                             "name_on_card": "Zoe OBrien"})
    assert created.status_code == 201, created.text
    booking = created.json()["booking"]
    assert booking["confirmation_number"] == "ROOMI-20260112-001"  # INSERT … ON CONFLICT DO UPDATE … RETURNING
    second = await book(pg_client, primary_guest={"first_name": "Ann", "last_name": "Lee", "email": "ann@example.org"})
    assert second.json()["booking"]["confirmation_number"] == "ROOMI-20260112-002"
    assert booking["payment_method"] == {"type": "credit_card", "card_type": "visa", "card_last_four": "1111", "expiry": "12/27"}
    assert booking["guest_name"] == "Ms. Zoë O'Brien-Łukasz"
    assert booking["special_requests"] == ["high floor", "crib — please"]
    assert booking["pricing"]["discounts"] == 25.0 and [p["code"] for p in booking["pricing"]["package_lines"]] == [
        "romance_package", "breakfast"]

    read = await pg_client.get(f"/v1/bookings/{booking['confirmation_number'].lower()}", headers=headers("staff"))
    assert read.status_code == 200
    assert read.json() == booking  # every JSON column and timestamp comes back as it went in

    created_at = dt.datetime.fromisoformat(booking["created_at"])
    assert created_at.utcoffset() == dt.timedelta(0)
    # the pinned clock starts at noon in Miami (17:00 UTC) and then runs in real time
    assert created_at.tzinfo is not None
    assert dt.timedelta(0) <= created_at.replace(tzinfo=None) - dt.datetime(2026, 1, 12, 17, 0) < dt.timedelta(minutes=5)
    async with pg_container.db.engine.connect() as conn:
        raw = (await conn.execute(text(
            "SELECT created_at, pricing, room_preferences FROM bookings ORDER BY confirmation_number"))).first()
        kinds = dict((await conn.execute(text(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'bookings'"))).all())
        seq = (await conn.execute(select(SequenceRecord.value).where(SequenceRecord.name == "booking:20260112"))).scalar_one()
    assert kinds["created_at"] == "timestamp without time zone" and kinds["pricing"] == "json"
    assert raw.created_at.tzinfo is None
    assert dt.timedelta(0) <= raw.created_at - dt.datetime(2026, 1, 12, 17, 0) < dt.timedelta(minutes=5)
    assert raw.pricing["grand_total_cents"] == round(booking["pricing"]["grand_total"] * 100)
    assert raw.room_preferences == {"floor": "high", "quiet_room": True, "other": ["away from the lift"]}
    assert seq == 2

    # the card number is nowhere in the database, in any table
    async with pg_container.db.engine.connect() as conn:
        for table in Base.metadata.tables:
            dump = " ".join((await conn.execute(text(f'SELECT t::text FROM "{table}" t'))).scalars())
            assert CARD not in dump and "1111 1111" not in dump, table

    # the same guest calling again is found by phone and by email
    await book(pg_client, primary_guest={"first_name": "Zoë", "last_name": "O'Brien-Łukasz", "phone": {"number": "3055550147"}})
    assert await scalar(pg_container.db, select(func.count()).select_from(GuestRecord)) == 2


async def test_search_is_case_insensitive_and_filters_by_contact_dates_and_status(pg_client):
    await book(pg_client)
    await book(pg_client, check_in="2026-02-10", check_out="2026-02-12", room_type_id="STE", bed_configuration=None, view=None,
               primary_guest={"first_name": "Sarah", "last_name": "JOHNSON", "phone": {"number": "2125550199"}})
    cancelled = await book(pg_client, check_in="2026-03-01", check_out="2026-03-03",
                           primary_guest={"first_name": "Carl", "last_name": "Johnsson", "email": "carl@example.com"})
    cn = cancelled.json()["booking"]["confirmation_number"]
    assert (await pg_client.request("DELETE", f"/v1/bookings/{cn}", headers=headers("staff"))).status_code == 200

    async def search(**params):
        r = await pg_client.get("/v1/bookings/search", params=params, headers=headers("staff"))
        assert r.status_code == 200, r.text
        return [b["guest_name"] for b in r.json()["bookings"]]

    assert await search(guest_name="johns") == ["Sarah JOHNSON", "Carl Johnsson"]  # ILIKE on PostgreSQL
    assert await search(guest_name="ZOË") == ["Zoë O'Brien-Łukasz"]
    assert await search(guest_name="sarah johnson") == ["Sarah JOHNSON"]
    assert await search(email="ZOE.OBRIEN@EXAMPLE.COM") == ["Zoë O'Brien-Łukasz"]
    assert await search(phone="0199") == ["Sarah JOHNSON"]
    assert await search(phone="305-555-0147") == ["Zoë O'Brien-Łukasz"]
    assert await search(date_from="2026-02-01", date_to="2026-02-28") == ["Sarah JOHNSON"]
    assert await search(status="cancelled") == ["Carl Johnsson"]
    assert await search(guest_name="johns", status="confirmed") == ["Sarah JOHNSON"]


# -- changing and cancelling -------------------------------------------------------------------------

async def sold(db: Database, code: str, pool: str = "*") -> dict[str, int]:
    async with UnitOfWork(db) as uow:
        rows = await uow.session.execute(
            select(InventoryRecord.stay_date, InventoryRecord.sold)
            .join(RoomTypeRecord, RoomTypeRecord.id == InventoryRecord.room_type_id)
            .where(RoomTypeRecord.type_code == code, InventoryRecord.pool == pool)
            .order_by(InventoryRecord.stay_date)
        )
        return {d.isoformat(): n for d, n in rows.all() if n}


async def test_modify_dates_and_room_type_moves_inventory(pg_client, pg_container):
    booking = (await book(pg_client)).json()["booking"]
    cn = booking["confirmation_number"]
    assert await sold(pg_container.db, "DLX", "bed:KING|view:city") == {f"2026-01-{d}": 1 for d in range(20, 25)}

    preview = await pg_client.put(f"/v1/bookings/{cn}", params={"preview": "true"}, json={"check_out": "2026-01-27"},
                                  headers=headers("staff"))
    assert preview.status_code == 200 and await sold(pg_container.db, "DLX") == {f"2026-01-{d}": 1 for d in range(20, 25)}
    r = await pg_client.put(f"/v1/bookings/{cn}", json={"check_in": "2026-01-22", "check_out": "2026-01-27",
                                                        "modification_reason": "Flight moved"}, headers=headers("staff"))
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["booking"]["nights"] == 5 and moved["price_change"]["changes"]["check_in"] == ["2026-01-20", "2026-01-22"]
    # released with greatest(sold - 1, 0), new nights inserted ON CONFLICT DO NOTHING then taken
    assert await sold(pg_container.db, "DLX") == {f"2026-01-{d}": 1 for d in range(22, 27)}
    assert await sold(pg_container.db, "DLX", "view:city") == {f"2026-01-{d}": 1 for d in range(22, 27)}

    r = await pg_client.put(f"/v1/bookings/{cn}", json={"room_type_id": "STE", "guests": {"adults": 2, "children": 0}},
                            headers=headers("staff"))
    assert r.status_code == 200, r.text
    assert r.json()["booking"]["room_type_code"] == "STE" and r.json()["booking"]["view"] is None
    assert await sold(pg_container.db, "DLX") == {}
    assert await sold(pg_container.db, "STE") == {f"2026-01-{d}": 1 for d in range(22, 27)}

    same = await pg_client.put(f"/v1/bookings/{cn}", json={"room_type_id": "STE"}, headers=headers("staff"))
    assert same.status_code == 422 and "changes nothing" in same.json()["detail"]
    history = (await pg_client.get(f"/v1/bookings/{cn}", headers=headers("staff"))).json()["modification_history"]
    assert [h["action"] for h in history] == ["created", "modified", "modified"]
    assert history[1]["reason"] == "Flight moved" and history[1]["timestamp"].endswith("Z")


async def test_cancellation_refunds_the_deposit_beyond_the_penalty(pg_client, pg_container, clock):
    await set_deposit(pg_container.db, 60)
    card = {"card_number": CARD, "expiry": "12/27", "cvv": "123"}
    no_card = await book(pg_client)
    assert no_card.status_code == 422 and no_card.json()["field"] == "payment"

    early = (await book(pg_client, payment=card)).json()["booking"]
    late = (await book(pg_client, payment=card, check_in="2026-01-13", check_out="2026-01-15", packages=[],
                       discount_code=None, guests={"adults": 2})).json()["booking"]
    assert early["payment_status"] == late["payment_status"] == "partial"

    r = await pg_client.request("DELETE", f"/v1/bookings/{early['confirmation_number']}",
                                json={"cancellation_reason": "Plans changed"}, headers=headers("staff"))
    assert r.status_code == 200, r.text
    free = r.json()
    deposit = round(early["pricing"]["grand_total"] * 0.6, 2)
    assert free["free_cancellation"] is True and free["penalty"] == 0
    assert abs(free["paid"] - deposit) <= 0.01
    assert free["refund"] == {"eligible": True, "amount": free["paid"], "status": "processing", "estimated_days": 5}

    clock.pinned_date = dt.date(2026, 1, 13)  # noon on arrival day: past the 24-hour deadline
    preview = (await pg_client.request("DELETE", f"/v1/bookings/{late['confirmation_number']}", params={"preview": "true"},
                                       headers=headers("staff"))).json()
    assert preview["free_cancellation"] is False
    assert preview["penalty"] == late["cancellation_policy"]["penalty"] == round(199 * 1.125, 2)
    assert abs(preview["paid"] - round(late["pricing"]["grand_total"] * 0.6, 2)) <= 0.01
    assert preview["refund"]["amount"] == round(preview["paid"] - preview["penalty"], 2) > 0
    done = await pg_client.request("DELETE", f"/v1/bookings/{late['confirmation_number']}", headers=headers("staff"))
    assert done.status_code == 200 and done.json()["refund"] == preview["refund"]
    after = (await pg_client.get(f"/v1/bookings/{late['confirmation_number']}", headers=headers("staff"))).json()
    assert after["status"] == "cancelled" and after["payment_status"] == "partial"
    assert after["cancellation"]["cancellation_reference"] == f"CXL-{late['confirmation_number']}"

    async with UnitOfWork(pg_container.db) as uow:
        payments = [(p.payment_id, p.payment_type, p.amount_cents, p.status) for p in
                    (await uow.session.execute(select(PaymentRecord).order_by(PaymentRecord.payment_id))).scalars()]
    assert [p[:2] for p in payments] == [("PAY-2026-00001", "deposit"), ("PAY-2026-00002", "deposit"),
                                         ("PAY-2026-00003", "refund"), ("PAY-2026-00004", "refund")]
    assert payments[2][2] == round(free["refund"]["amount"] * 100)
    assert payments[3][2] == round(preview["refund"]["amount"] * 100)
    assert all(p[3] == "completed" for p in payments)
    assert await sold(pg_container.db, "DLX") == {}


# -- the front desk ----------------------------------------------------------------------------------

async def test_check_in_and_check_out_lifecycle(pg_client, pg_container, clock):
    created = await book(pg_client, check_in="2026-01-12", check_out="2026-01-14", packages=[], discount_code=None)
    cn = created.json()["booking"]["confirmation_number"]
    early = await pg_client.post(f"/v1/bookings/{cn}/check-out", headers=headers("staff"))
    assert early.status_code == 409 and early.headers["content-type"] == PROBLEM
    assert "confirmed cannot be checked out" in early.json()["detail"]
    assert (await pg_client.post(f"/v1/bookings/{cn}/check-in", headers=headers("agent"))).status_code == 403

    r = await pg_client.post(f"/v1/bookings/{cn}/check-in", headers=headers("staff"))
    assert r.status_code == 200, r.text
    room = r.json()["room_numbers"][0]
    assert r.json()["status"] == "checked_in" and room.startswith(("5", "6", "7"))
    assert r.json()["modification_history"][-1]["changes"] == {"rooms": [room]}
    again = await pg_client.post(f"/v1/bookings/{cn}/check-in", headers=headers("staff"))
    assert again.status_code == 409 and "checked in cannot be checked in" in again.json()["detail"]
    assert (await pg_client.request("DELETE", f"/v1/bookings/{cn}", headers=headers("staff"))).status_code == 409
    status = await scalar(pg_container.db, select(RoomRecord.status).where(RoomRecord.room_number == room))
    assert status == "occupied"

    clock.pinned_date = dt.date(2026, 1, 14)
    out = await pg_client.post(f"/v1/bookings/{cn}/check-out", headers=headers("staff"))
    assert out.status_code == 200 and out.json()["status"] == "checked_out"
    async with UnitOfWork(pg_container.db) as uow:
        record = (await uow.session.execute(select(BookingRecord).where(BookingRecord.confirmation_number == cn))).scalar_one()
        guest = await uow.session.get(GuestRecord, record.primary_guest_id)
        room_status = (await uow.session.execute(select(RoomRecord.status).where(RoomRecord.room_number == room))).scalar_one()
        stay = (record.actual_check_in, record.actual_check_out)
        guest_history = (guest.total_stays, guest.total_nights, guest.first_stay, guest.last_stay, guest.total_revenue_cents)
        total = record.grand_total_cents
    assert room_status == "available"
    assert all(t.tzinfo == dt.timezone.utc for t in stay)
    assert stay[0].replace(microsecond=0, second=0) == dt.datetime(2026, 1, 12, 17, 0, tzinfo=dt.timezone.utc)
    assert stay[1].date() == dt.date(2026, 1, 14) and stay[1].hour == 17
    assert guest_history[:4] == (1, 2, dt.date(2026, 1, 12), dt.date(2026, 1, 12))
    assert guest_history[4] == total
    assert await sold(pg_container.db, "DLX") == {"2026-01-12": 1, "2026-01-13": 1}  # nights slept stay sold


async def test_no_show_frees_the_remaining_nights(pg_client, pg_container, clock):
    cn = (await book(pg_client, room_type_id="STE", bed_configuration=None, view=None, check_in="2026-01-13",
                     check_out="2026-01-16", packages=[], discount_code=None)).json()["booking"]["confirmation_number"]
    assert (await pg_client.post(f"/v1/bookings/{cn}/no-show", headers=headers("staff"))).status_code == 409
    clock.pinned_date = dt.date(2026, 1, 14)
    r = await pg_client.post(f"/v1/bookings/{cn}/no-show", headers=headers("staff"))
    assert r.status_code == 200 and r.json()["status"] == "no_show"
    assert await sold(pg_container.db, "STE") == {"2026-01-13": 1}


# -- availability and errors -------------------------------------------------------------------------

async def test_availability_and_rates_read_from_postgres(pg_client):
    for _ in range(2):
        assert (await book(pg_client, room_type_id="STE", bed_configuration=None, view="ocean", rooms=4,
                           guests={"adults": 4}, packages=[], discount_code=None)).status_code == 201
    r = await pg_client.get("/v1/rooms/availability", headers=headers("agent"),
                            params={"check_in": "2026-01-19", "check_out": "2026-01-22", "adults": 2})
    assert r.status_code == 200
    body = r.json()
    ste = next(o for o in body["options"] if o["room_type_code"] == "STE")
    assert [n["available"] for n in ste["nightly_availability"]] == [12, 4, 4]
    assert ste["available_count"] == 4 and ste["views_available"] == ["city"]
    dlx = next(o for o in body["options"] if o["room_type_code"] == "DLX")
    assert dlx["available_count"] == 33
    rates = await pg_client.get(f"/v1/rooms/{ste['room_type_id']}/rates", headers=headers("agent"))
    bar = next(p for p in rates.json()["rates"] if p["rate_code"] == "BAR")
    assert bar["day_of_week_rates"] == {"friday": 449.0, "saturday": 449.0} and bar["base_rate"] == 389.0


async def test_errors_are_problem_json_on_postgres(pg_client):
    async def check(r, status: int, words: str):
        assert r.status_code == status, r.text
        assert r.headers["content-type"] == PROBLEM
        assert words in r.json()["detail"], r.json()

    await check(await pg_client.get("/v1/bookings/ROOMI-20990101-001"), 401, "Log in first")
    await check(await pg_client.get("/v1/bookings/ROOMI-20990101-001", headers=headers("staff")), 404,
                "No booking with confirmation number")
    await check(await book(pg_client, check_out="2026-01-19"), 422, "must be after check-in")
    await check(await book(pg_client, room_type_id="PENTHOUSE"), 404, "no room type")
    await check(await book(pg_client, guests={"adults": "two"}), 422, "guests.adults")
    await check(await book(pg_client, estimated_arrival="25:00"), 422, "estimated_arrival")
    full = dict(room_type_id="STE", bed_configuration=None, view=None, packages=[], discount_code=None,
                check_in="2026-01-21", check_out="2026-01-22")
    assert (await book(pg_client, rooms=6, guests={"adults": 6}, **full)).status_code == 201
    assert (await book(pg_client, rooms=6, guests={"adults": 6}, **full)).status_code == 201
    sold_out = await book(pg_client, **full)
    await check(sold_out, 409, "no Suite is left for 2026-01-21 to 2026-01-22")
    assert sold_out.json()["title"] == "Not available"
    first = await book(pg_client, key="call-1")
    assert first.status_code == 201
    await check(await book(pg_client, key="call-1", check_out="2026-01-26"), 409, "Idempotency-Key")
    replay = await book(pg_client, key="call-1")
    assert replay.status_code == 201 and replay.json() == first.json()
    cn = first.json()["booking"]["confirmation_number"]
    assert (await pg_client.request("DELETE", f"/v1/bookings/{cn}", headers=headers("staff"))).status_code == 200
    await check(await pg_client.request("DELETE", f"/v1/bookings/{cn}", headers=headers("staff")), 409,
                "cancelled cannot be cancelled")
    await check(await pg_client.put(f"/v1/bookings/{cn}", json={"check_out": "2026-01-27"}, headers=headers("staff")), 409,
                "can no longer be changed")
    await check(await pg_client.get("/v1/bookings/search", params={"phone": "12"}, headers=headers("staff")), 422,
                "last four digits")


# -- auth on PostgreSQL ------------------------------------------------------------------------------

async def login(client, username="admin", password="grandhotel-admin"):
    return await client.post("/v1/auth/token", data={"username": username, "password": password})


async def test_login_and_refresh_rotation(pg_client, pg_container):
    first = await login(pg_client)
    assert first.status_code == 200
    second = await pg_client.post("/v1/auth/refresh", data={"refresh_token": first.json()["refresh_token"]})
    assert second.status_code == 200
    reused = await pg_client.post("/v1/auth/refresh", data={"refresh_token": first.json()["refresh_token"]})
    assert reused.status_code == 401 and "already used" in reused.json()["detail"]
    revoked = await pg_client.post("/v1/auth/refresh", data={"refresh_token": second.json()["refresh_token"]})
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    async with pg_container.db.engine.connect() as conn:
        expires = (await conn.execute(text("SELECT expires_at FROM refresh_tokens LIMIT 1"))).scalar_one()
    assert expires.tzinfo is None  # naive UTC in a timestamp column, as on SQLite


async def test_concurrent_refreshes_with_one_token_issue_one_new_pair(pg_client):
    token = (await login(pg_client)).json()["refresh_token"]
    answers = await asyncio.gather(*(pg_client.post("/v1/auth/refresh", data={"refresh_token": token}) for _ in range(5)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200, 401, 401, 401, 401], (
        f"{statuses.count(200)} concurrent refreshes of one refresh token succeeded; reuse was not detected"
    )
    assert all(re.search("already used|revoked", r.json()["detail"]) for r in answers if r.status_code == 401)
