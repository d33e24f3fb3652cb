"""The demo booking generator: real bookings that respect inventory and prices, the same every time."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter

import pytest
from sqlalchemy import select

from roomiai.clock import Clock
from roomiai.domain.lifecycle import BookingStatus
from roomiai.domain.pricing import quote_stay
from roomiai.domain.stay import Stay
from roomiai.payments.local_vault import LocalVault
from roomiai.demo import bookings as demo_bookings
from roomiai.services import catalog
from roomiai.store.database import Database
from roomiai.store.tables import BookingRecord, InventoryRecord
from roomiai.store.uow import UnitOfWork
from roomiai.domain.pools import ALL, pools_for

from ..conftest import HOTEL_TZ, PII_KEY, TODAY

pytestmark = pytest.mark.api

START = TODAY - dt.timedelta(days=4)  # four days of history (checked in, out, no-shows) and six days ahead
DAYS = 10
HOLDING = {BookingStatus.CONFIRMED.value, BookingStatus.CHECKED_IN.value, BookingStatus.CHECKED_OUT.value}


async def _generate(db: Database, gateway, clock: Clock) -> demo_bookings.GenerationReport:
    return await demo_bookings.generate(
        db, clock=clock, gateway=gateway, start=START, days=DAYS, occupancy=0.35, seed=11, repeat_guests=60
    )


async def _bookings(db: Database) -> list[BookingRecord]:
    async with UnitOfWork(db) as uow:
        records = list((await uow.session.execute(select(BookingRecord).order_by(BookingRecord.confirmation_number))).scalars())
        uow.session.expunge_all()
    return records


async def test_generated_bookings_respect_inventory_and_prices_and_repeat(container, seeded_template, tmp_path):
    report = await _generate(container.db, container.gateway, container.clock)

    assert report.bookings > 0
    assert report.checked_in > 0 and report.checked_out > 0, "the week of history goes through the front desk"
    assert report.front_desk_refused == 0
    records = await _bookings(container.db)
    assert len(records) == report.bookings
    assert sum(r.grand_total_cents for r in records) == report.revenue_cents
    assert {r.status for r in records} >= {"confirmed", "checked_in", "checked_out"}

    async with UnitOfWork(container.db) as uow:
        session = uow.session
        hotel = await catalog.load_hotel(session)
        types = {t.id: t for t in await catalog.room_types(session)}
        plans = await catalog.rate_plans(session, list(types))
        capacity = await catalog.capacities(session, list(types))
        rows = list((await session.execute(select(InventoryRecord))).scalars())
        session.expunge_all()

    # what the bookings hold, night by night and pool by pool, is exactly what inventory says is sold
    held: Counter = Counter()
    for record in records:
        if record.status not in HOLDING:
            continue  # cancelled and no-show bookings gave their nights back
        for night in Stay(record.check_in_date, record.check_out_date).dates():
            for pool in pools_for(record.bed_configuration, record.view):
                held[(record.room_type_id, night, pool)] += record.rooms_count
    sold = {(row.room_type_id, row.stay_date, row.pool): row.sold for row in rows if row.sold}
    assert sold == dict(held)
    for row in rows:
        assert row.total == capacity[row.room_type_id][row.pool]
        assert 0 <= row.sold + row.blocked <= row.total, row
    for (room_type_id, _night, pool), count in held.items():
        if pool == ALL:
            assert count <= capacity[room_type_id][ALL]

    # every stored price is what the hotel's terms give again today
    for record in records:
        room_type = types[record.room_type_id]
        plan = next(p for p in plans[room_type.id] if p.record.rate_code == record.rate_code)
        code = record.pricing.get("discount_code")
        quote = quote_stay(
            stay=Stay(record.check_in_date, record.check_out_date), room_type=catalog.room_type_terms(room_type),
            rate=plan.terms, adults=record.adults, children=record.children, rooms=record.rooms_count,
            taxes=hotel.taxes, fees=hotel.fees, packages=tuple(hotel.packages[c] for c in record.pricing["package_codes"]),
            discount=hotel.discounts[code.upper()] if code else None,
        )
        assert record.grand_total_cents == quote.grand_total_cents, record.confirmation_number
        assert [n["rate_cents"] for n in record.pricing["nightly"]] == [n.rate_cents for n in quote.nightly]

    # the same seed on a fresh copy of the hotel gives the same bookings
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(seeded_template, again / "roomiai.sqlite3")
    db = Database(f"sqlite+aiosqlite:///{again / 'roomiai.sqlite3'}", pii_key=PII_KEY)
    vault = LocalVault(again / "vault.sqlite3", key=b"1" * 43 + b"=")
    try:
        second = await _generate(db, vault, Clock(HOTEL_TZ, pinned_date=TODAY))
        replayed = await _bookings(db)
    finally:
        await db.dispose()
        vault.close()
    assert (second.bookings, second.revenue_cents, second.room_nights) == (report.bookings, report.revenue_cents, report.room_nights)
    assert [(r.confirmation_number, r.grand_total_cents, r.status) for r in replayed] == [
        (r.confirmation_number, r.grand_total_cents, r.status) for r in records
    ]
