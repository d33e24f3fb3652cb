"""Per-night inventory: what can be sold, and taking or releasing rooms atomically."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.errors import SoldOut
from ..domain.stay import Stay
from ..store.tables import InventoryRecord, RoomRecord
from ..store.locks import xact_lock
from ..store.upsert import insert_inventory_rows

OUT_OF_INVENTORY = ("out_of_service",)
ALL = "*"


def pools_for(bed: str | None, view: str | None) -> list[str]:
    """The pools a booking draws from: the room type, and its bed and view wishes if any."""
    pools = [ALL]
    if bed:
        pools.append(f"bed:{bed}")
    if view:
        pools.append(f"view:{view}")
    if bed and view:
        pools.append(f"bed:{bed}|view:{view}")
    return pools


async def lock(session: AsyncSession, room_type_ids: list[str]) -> None:
    """Serialise inventory changes per room type, in one order, so they cannot deadlock.

    The conditional UPDATEs in `take` remain what makes overselling impossible.
    """
    await xact_lock(session, *(f"room-type:{room_type_id}" for room_type_id in room_type_ids))


async def capacities(session: AsyncSession, room_type_ids: list[str]) -> dict[str, Counter]:
    """Sellable rooms per room type and pool, from the rooms in service."""
    query = (
        select(RoomRecord.room_type_id, RoomRecord.bed_configuration, RoomRecord.view, func.count())
        .where(RoomRecord.room_type_id.in_(room_type_ids), RoomRecord.status.not_in(OUT_OF_INVENTORY))
        .group_by(RoomRecord.room_type_id, RoomRecord.bed_configuration, RoomRecord.view)
    )
    result: dict[str, Counter] = {rid: Counter() for rid in room_type_ids}
    for rid, bed, view, count in await session.execute(query):
        for pool in pools_for(bed, view):
            result[rid][pool] += count
    return result


async def free_by_night(
    session: AsyncSession, *, room_type_ids: list[str], stay: Stay
) -> dict[str, dict[str, dict[dt.date, int]]]:
    """Rooms still free per room type, pool and night; nights never sold count at capacity."""
    caps = await capacities(session, room_type_ids)
    free = {rid: {pool: {night: cap for night in stay.dates()} for pool, cap in caps[rid].items()} for rid in room_type_ids}
    query = select(InventoryRecord).where(
        InventoryRecord.room_type_id.in_(room_type_ids),
        InventoryRecord.stay_date >= stay.check_in,
        InventoryRecord.stay_date < stay.check_out,
    )
    for row in (await session.execute(query)).scalars():
        nights = free[row.room_type_id].setdefault(row.pool, {night: 0 for night in stay.dates()})
        nights[row.stay_date] = max(0, row.total - row.sold - row.blocked)
    return free


async def take(session: AsyncSession, *, room_type_id: str, stay: Stay, rooms: int, pools: list[str], label: str) -> None:
    """Sell `rooms` rooms for every night of the stay in every pool, or raise SoldOut and change nothing."""
    await lock(session, [room_type_id])
    caps = (await capacities(session, [room_type_id]))[room_type_id]
    if caps[ALL] < rooms:
        raise SoldOut(f"The hotel has only {caps[ALL]} rooms of type {label} in service; {rooms} were asked for.")
    missing = [pool for pool in pools if caps[pool] < rooms]
    if missing:
        raise SoldOut(f"The hotel has no {label} with {_describe(missing)} for {rooms} room{'s' if rooms > 1 else ''}.")
    await insert_inventory_rows(
        session,
        [
            {"room_type_id": room_type_id, "stay_date": night, "pool": pool, "total": caps[pool], "sold": 0, "blocked": 0}
            for pool in pools
            for night in stay.dates()
        ],
    )
    for pool in pools:
        result = await session.execute(
            update(InventoryRecord)
            .where(
                InventoryRecord.room_type_id == room_type_id,
                InventoryRecord.pool == pool,
                InventoryRecord.stay_date >= stay.check_in,
                InventoryRecord.stay_date < stay.check_out,
                InventoryRecord.total - InventoryRecord.sold - InventoryRecord.blocked >= rooms,
            )
            .values(sold=InventoryRecord.sold + rooms)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != stay.nights:
            what = label if pool == ALL else f"{label} with {_describe([pool])}"
            raise SoldOut(
                f"Sorry, no {what} is left for {stay.check_in.isoformat()} to {stay.check_out.isoformat()}"
                f" ({rooms} room{'s' if rooms > 1 else ''} asked for)."
            )


async def release(session: AsyncSession, *, room_type_id: str, start: dt.date, end: dt.date, rooms: int, pools: list[str]) -> None:
    """Give back rooms for the nights from `start` up to `end`."""
    if start >= end:
        return
    await lock(session, [room_type_id])
    await session.execute(
        update(InventoryRecord)
        .where(
            InventoryRecord.room_type_id == room_type_id,
            InventoryRecord.pool.in_(pools),
            and_(InventoryRecord.stay_date >= start, InventoryRecord.stay_date < end),
        )
        .values(sold=func.max(InventoryRecord.sold - rooms, 0) if session.bind.dialect.name == "sqlite" else func.greatest(InventoryRecord.sold - rooms, 0))
        .execution_options(synchronize_session=False)
    )


def _describe(pools: list[str]) -> str:
    words = []
    for pool in pools:
        for part in pool.split("|"):
            kind, _, value = part.partition(":")
            words.append(f"a {value.lower()} bed" if kind == "bed" else f"a {value} view" if kind == "view" else "")
    return " and ".join(w for w in dict.fromkeys(words) if w)
