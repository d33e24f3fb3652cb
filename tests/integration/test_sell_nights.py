"""Selling a stay's nights in one statement (inventory.take), and several counters in one (next_sequences).

On the SQLite file database and on PostgreSQL: a stay is sold on every night and pool or on none, a night
sold out in the middle refuses the whole stay, and the counters behind references stay gapless.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from roomiai.domain.errors import SoldOut
from roomiai.domain.pools import ALL
from roomiai.domain.stay import Stay
from roomiai.services import catalog, inventory
from roomiai.store.tables import InventoryRecord
from roomiai.store.uow import UnitOfWork
from roomiai.store.upsert import next_sequences
from tests.conftest import TODAY

pytestmark = pytest.mark.integration

CHECK_IN = TODAY + dt.timedelta(days=30)
STAY = Stay(CHECK_IN, CHECK_IN + dt.timedelta(days=3))


async def _suite(db) -> tuple[str, dict]:
    async with UnitOfWork(db) as uow:
        room_type = await catalog.room_type(uow.session, "STE")
        return room_type.id, dict((await catalog.capacities(uow.session, [room_type.id]))[room_type.id])


async def _rows(db, room_type_id: str) -> dict[tuple[str, dt.date], tuple[int, int, int]]:
    async with UnitOfWork(db) as uow:
        rows = await uow.session.execute(
            select(InventoryRecord).where(
                InventoryRecord.room_type_id == room_type_id,
                InventoryRecord.stay_date >= STAY.check_in,
                InventoryRecord.stay_date < STAY.check_out,
            )
        )
        return {(r.pool, r.stay_date): (r.total, r.sold, r.blocked) for r in rows.scalars()}


async def _take(db, room_type_id: str, *, rooms: int = 1, pools: list[str] | None = None) -> None:
    async with UnitOfWork(db, write=True) as uow:
        await inventory.take(
            uow.session, room_type_id=room_type_id, stay=STAY, rooms=rooms, pools=pools or [ALL], label="Suite"
        )
        await uow.commit()


async def test_a_stay_is_sold_on_every_night_and_pool_creating_missing_rows(any_container):
    db = any_container.db
    room_type_id, caps = await _suite(db)
    pool = min((p for p in caps if p != ALL), key=lambda p: caps[p])
    nights = STAY.dates()
    async with UnitOfWork(db, write=True) as uow:  # one night already has a row with a booking and a block
        uow.session.add(InventoryRecord(room_type_id=room_type_id, stay_date=nights[1], pool=ALL, total=caps[ALL],
                                        sold=1, blocked=1))
        await uow.commit()

    await _take(db, room_type_id, rooms=1, pools=[ALL, pool])

    rows = await _rows(db, room_type_id)
    assert rows[(ALL, nights[0])] == (caps[ALL], 1, 0)
    assert rows[(ALL, nights[1])] == (caps[ALL], 2, 1)
    assert rows[(ALL, nights[2])] == (caps[ALL], 1, 0)
    assert all(rows[(pool, night)] == (caps[pool], 1, 0) for night in nights)
    assert len(rows) == 2 * len(nights)


async def test_a_night_sold_out_in_the_middle_refuses_the_whole_stay_and_sells_nothing(any_container):
    db = any_container.db
    room_type_id, caps = await _suite(db)
    nights = STAY.dates()
    async with UnitOfWork(db, write=True) as uow:
        uow.session.add(InventoryRecord(room_type_id=room_type_id, stay_date=nights[0], pool=ALL, total=caps[ALL],
                                        sold=2, blocked=0))
        uow.session.add(InventoryRecord(room_type_id=room_type_id, stay_date=nights[1], pool=ALL, total=caps[ALL],
                                        sold=caps[ALL] - 1, blocked=1))
        await uow.commit()
    before = await _rows(db, room_type_id)

    with pytest.raises(SoldOut, match="no Suite is left"):
        await _take(db, room_type_id)

    assert await _rows(db, room_type_id) == before  # the first night's sale and the third night's row rolled back


async def test_a_full_bed_pool_refuses_the_stay_although_the_room_type_has_rooms(any_container):
    db = any_container.db
    room_type_id, caps = await _suite(db)
    pool = min((p for p in caps if p != ALL), key=lambda p: caps[p])
    for _ in range(caps[pool]):
        await _take(db, room_type_id, pools=[ALL, pool])
    before = await _rows(db, room_type_id)
    assert before[(ALL, STAY.check_in)][1] == caps[pool] < caps[ALL]

    with pytest.raises(SoldOut):
        await _take(db, room_type_id, pools=[ALL, pool])
    await _take(db, room_type_id)  # a suite without that wish is still there

    after = await _rows(db, room_type_id)
    assert all(after[(pool, night)] == before[(pool, night)] for night in STAY.dates())
    assert all(after[(ALL, night)][1] == caps[pool] + 1 for night in STAY.dates())


async def test_many_sellers_at_once_sell_exactly_the_rooms_there_are(any_container):
    db = any_container.db
    room_type_id, caps = await _suite(db)

    async def sell() -> bool:
        try:
            await _take(db, room_type_id)
        except SoldOut:
            return False
        return True

    sold = await asyncio.gather(*(sell() for _ in range(caps[ALL] + 6)))

    assert sum(sold) == caps[ALL]
    rows = await _rows(db, room_type_id)
    assert all(rows[(ALL, night)] == (caps[ALL], caps[ALL], 0) for night in STAY.dates())


async def test_several_counters_advance_together_and_roll_back_together(any_container):
    db = any_container.db
    async with UnitOfWork(db, write=True) as uow:
        assert await next_sequences(uow.session, ["t:b", "t:a"]) == {"t:a": 1, "t:b": 1}
        await uow.commit()
    async with UnitOfWork(db, write=True) as uow:
        assert await next_sequences(uow.session, ["t:a", "t:c"]) == {"t:a": 2, "t:c": 1}
        # not committed: rolled back
    async with UnitOfWork(db, write=True) as uow:
        assert await next_sequences(uow.session, ["t:a", "t:b", "t:c"]) == {"t:a": 2, "t:b": 2, "t:c": 1}
