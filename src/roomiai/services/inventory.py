"""Per-night inventory: what can be sold, and taking or releasing rooms atomically."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.errors import SoldOut
from ..domain.pools import ALL, pools_for
from ..domain.stay import Stay
from ..store.locks import xact_lock
from ..store.tables import InventoryRecord, RoomBlockRecord, RoomRecord
from ..store.upsert import insert_inventory_rows, sell_nights
from . import catalog


async def lock(session: AsyncSession, room_type_ids: list[str]) -> None:
    """Serialise inventory changes per room type, in one order, so they cannot deadlock.

    The conditional UPDATEs in `take` remain what makes overselling impossible.
    """
    await xact_lock(session, *(f"room-type:{room_type_id}" for room_type_id in room_type_ids))


async def free_by_night(
    session: AsyncSession, *, room_type_ids: list[str], stay: Stay
) -> dict[str, dict[str, dict[dt.date, int]]]:
    """Rooms still free per room type, pool and night; nights never sold count at capacity."""
    caps = await catalog.capacities(session, room_type_ids)
    query = select(
        InventoryRecord.room_type_id,
        InventoryRecord.pool,
        InventoryRecord.stay_date,
        InventoryRecord.total - InventoryRecord.sold - InventoryRecord.blocked,
    ).where(
        InventoryRecord.room_type_id.in_(room_type_ids),
        InventoryRecord.stay_date >= stay.check_in,
        InventoryRecord.stay_date < stay.check_out,
    )
    return free_from_rows(caps, (await session.execute(query)).all(), room_type_ids=room_type_ids, stay=stay)


def free_from_rows(
    caps: dict[str, Counter], rows, *, room_type_ids: list[str], stay: Stay
) -> dict[str, dict[str, dict[dt.date, int]]]:
    """Rooms free per room type, pool and night from inventory rows (room type, pool, night, rooms left)."""
    nights = stay.dates()
    free = {rid: {pool: dict.fromkeys(nights, cap) for pool, cap in caps[rid].items()} for rid in room_type_ids}
    for room_type_id, pool, night, left in rows:
        pools = free[room_type_id]
        if pool not in pools:  # a pool no room in service belongs to any more
            pools[pool] = dict.fromkeys(nights, 0)
        pools[pool][night] = max(0, left)
    return free


def read_free_rows(connection, room_type_ids: list[str], first: str, end: str) -> tuple[int, list[tuple]]:
    """On a SQLite connection (store.quick_reads): the catalog's version and the inventory rows of these nights."""
    version = connection.execute("SELECT value FROM sequences WHERE name = ?", (catalog.VERSION,)).fetchone()
    marks = ", ".join("?" * len(room_type_ids))
    rows = connection.execute(
        f"SELECT room_type_id, pool, stay_date, total - sold - blocked FROM inventory "
        f"WHERE room_type_id IN ({marks}) AND stay_date >= ? AND stay_date < ?",
        (*room_type_ids, first, end),
    ).fetchall()
    return (version[0] if version else 0), [
        (rid, pool, dt.date.fromisoformat(night), left) for rid, pool, night, left in rows
    ]


async def take(
    session: AsyncSession, *, room_type_id: str, stay: Stay, rooms: int, pools: list[str], label: str
) -> None:
    """Sell `rooms` rooms for every night of the stay in every pool, or raise SoldOut and change nothing."""
    await lock(session, [room_type_id])
    caps = (await catalog.capacities(session, [room_type_id]))[room_type_id]
    if caps[ALL] < rooms:
        raise SoldOut(f"The hotel has only {caps[ALL]} rooms of type {label} in service; {rooms} were asked for.")
    missing = [pool for pool in pools if caps[pool] < rooms]
    if missing:
        raise SoldOut(f"The hotel has no {label} with {_describe(missing)} for {rooms} room{'s' if rooms > 1 else ''}.")
    nights = stay.dates()
    # rows in (night, pool) order, the primary key's: concurrent sellers lock shared nights in the same order
    rows = [
        {
            "room_type_id": room_type_id,
            "stay_date": night,
            "pool": pool,
            "total": caps[pool],
            "sold": rooms,
            "blocked": 0,
        }
        for night in nights
        for pool in sorted(pools)
    ]
    sold = await sell_nights(session, rows, rooms)
    for pool in pools:
        if any((pool, night) not in sold for night in nights):
            what = label if pool == ALL else f"{label} with {_describe([pool])}"
            raise SoldOut(
                f"Sorry, no {what} is left for {stay.check_in.isoformat()} to {stay.check_out.isoformat()}"
                f" ({rooms} room{'s' if rooms > 1 else ''} asked for)."
            )


async def release(
    session: AsyncSession, *, room_type_id: str, start: dt.date, end: dt.date, rooms: int, pools: list[str]
) -> None:
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
        .values(
            sold=func.max(InventoryRecord.sold - rooms, 0)
            if session.get_bind().dialect.name == "sqlite"
            else func.greatest(InventoryRecord.sold - rooms, 0)
        )
        .execution_options(synchronize_session=False)
    )


def _describe(pools: list[str]) -> str:
    words = []
    for pool in pools:
        for part in pool.split("|"):
            kind, _, value = part.partition(":")
            words.append(f"a {value.lower()} bed" if kind == "bed" else f"a {value} view" if kind == "view" else "")
    return " and ".join(w for w in dict.fromkeys(words) if w)


@dataclass(frozen=True)
class Oversold:
    room_type_id: str
    pool: str
    night: dt.date
    total: int
    sold: int
    blocked: int


async def recount(session: AsyncSession, *, room_type_ids: list[str], today: dt.date) -> list[Oversold]:
    """Set the rooms and blocked rooms of every night from `today` to the rooms in service and their blocks now.

    Returns the nights that would then be sold beyond the rooms left (the caller refuses such a change).
    """
    if not room_type_ids:
        return []
    await lock(session, room_type_ids)
    caps: dict[str, Counter] = {rid: Counter() for rid in room_type_ids}
    in_service = RoomRecord.status.not_in(catalog.OUT_OF_INVENTORY)
    rooms = (
        select(RoomRecord.room_type_id, RoomRecord.bed_configuration, RoomRecord.view, func.count())
        .where(RoomRecord.room_type_id.in_(room_type_ids), in_service)
        .group_by(RoomRecord.room_type_id, RoomRecord.bed_configuration, RoomRecord.view)
    )
    for rid, bed, view, count in await session.execute(rooms):
        for pool in pools_for(bed, view):
            caps[rid][pool] += count
    blocked: Counter = Counter()
    blocks = (
        select(
            RoomRecord.room_type_id,
            RoomRecord.bed_configuration,
            RoomRecord.view,
            RoomBlockRecord.start_date,
            RoomBlockRecord.end_date,
        )
        .join(RoomRecord, RoomRecord.id == RoomBlockRecord.room_id)
        .where(RoomRecord.room_type_id.in_(room_type_ids), in_service, RoomBlockRecord.end_date > today)
    )
    for rid, bed, view, start, end in await session.execute(blocks):
        night = max(start, today)
        while night < end:
            for pool in pools_for(bed, view):
                blocked[(rid, pool, night)] += 1
            night += dt.timedelta(days=1)
    present = (
        select(InventoryRecord.room_type_id, InventoryRecord.pool)
        .where(InventoryRecord.room_type_id.in_(room_type_ids), InventoryRecord.stay_date >= today)
        .distinct()
    )
    pools = {(rid, pool) for rid, pool in await session.execute(present)}
    pools |= {(rid, pool) for rid in room_type_ids for pool in caps[rid]}
    for rid, pool in sorted(pools):
        await session.execute(
            update(InventoryRecord)
            .where(
                InventoryRecord.room_type_id == rid, InventoryRecord.pool == pool, InventoryRecord.stay_date >= today
            )
            .values(total=caps[rid][pool], blocked=0)
            .execution_options(synchronize_session=False)
        )
    if blocked:
        await insert_inventory_rows(
            session,
            [
                {
                    "room_type_id": rid,
                    "stay_date": night,
                    "pool": pool,
                    "total": caps[rid][pool],
                    "sold": 0,
                    "blocked": 0,
                }
                for rid, pool, night in blocked
            ],
        )
        for (rid, pool, night), count in blocked.items():
            await session.execute(
                update(InventoryRecord)
                .where(
                    InventoryRecord.room_type_id == rid,
                    InventoryRecord.pool == pool,
                    InventoryRecord.stay_date == night,
                )
                .values(blocked=count)
                .execution_options(synchronize_session=False)
            )
    over = (
        select(InventoryRecord)
        .where(
            InventoryRecord.room_type_id.in_(room_type_ids),
            InventoryRecord.stay_date >= today,
            InventoryRecord.sold + InventoryRecord.blocked > InventoryRecord.total,
        )
        .order_by(InventoryRecord.stay_date, InventoryRecord.room_type_id, InventoryRecord.pool)
    )
    rows = (await session.execute(over.execution_options(populate_existing=True))).scalars().all()
    return [Oversold(r.room_type_id, r.pool, r.stay_date, r.total, r.sold, r.blocked) for r in rows]
