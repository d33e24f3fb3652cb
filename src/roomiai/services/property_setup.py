"""Sets the hotel up from a property document, writes it back, and takes rooms out of inventory (status, blocks).

The document is a plain mapping already checked at the edge (roomiai.property); amounts are currency units
there and cents here. Every change that touches rooms brings the nights from today in line with them and is
refused, with the bookings it would leave without a room, when it would oversell a night.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from ..domain.errors import Conflict, InvalidRequest, NotFound
from ..domain.hotel import to_cents
from ..domain.lifecycle import HOLDS_INVENTORY, BookingStatus
from ..domain.pools import pools_for
from ..store.locks import xact_lock
from ..store.tables import (
    BookingRecord,
    HotelSettingsRecord,
    InventoryRecord,
    RatePlanRecord,
    RoomBlockRecord,
    RoomRecord,
    RoomTypeRecord,
)
from ..store.uow import UnitOfWork
from . import catalog, inventory

SERVICE_STATUSES = ("available", "maintenance", "out_of_service")
ROOM_TYPE_FIELDS = (
    "name",
    "description",
    "base_occupancy",
    "max_occupancy",
    "max_adults",
    "bed_configurations",
    "amenities",
    "size_sqft",
    "view_options",
    "is_smoking_available",
    "is_accessible",
    "images",
)
ROOM_FIELDS = (
    "floor",
    "bed_configuration",
    "view",
    "is_smoking",
    "is_accessible",
    "features",
    "connecting_room",
    "notes",
)
RATE_FIELDS = (
    "name",
    "description",
    "currency",
    "rate_type",
    "includes",
    "eligibility",
    "min_stay",
    "max_stay",
    "advance_booking_days",
    "is_refundable",
    "is_active",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_BLOCK_NIGHTS = 366
FILE_NAMES = {"extra_person_cents": "extra_person_charge", "base_rate_cents": "base_rate", "room_type_id": "type_code"}


class RoomsSold(Conflict):
    """A change would leave sold nights without a room; `bookings` are the ones concerned."""

    code = "rooms_sold"

    def __init__(self, detail: str, bookings: list[dict[str, Any]]):
        super().__init__(detail)
        self.bookings = bookings


@dataclass(frozen=True)
class Block:
    id: str
    room_number: str
    start: dt.date
    end: dt.date
    reason: str
    created_by: str
    created_at: dt.datetime


async def lock(uow: UnitOfWork) -> None:
    """One setup change at a time: read, change and write back the document without losing another's change."""
    await xact_lock(uow.session, "property-setup")


# ---------------------------------------------------------------- export


async def export(uow: UnitOfWork) -> dict[str, Any]:
    """The property as a document (amounts in currency units); NotFound when no hotel is set up."""
    session = uow.session
    record = (await session.execute(select(HotelSettingsRecord))).scalars().first()
    if record is None:
        raise NotFound("The hotel has not been set up yet: run `roomi init --hotel FILE` or `roomi hotel import FILE`.")
    hotel = {k: v for k, v in record.data.items() if k not in ("packages", "discount_codes")}
    types = list(
        (
            await session.execute(
                select(RoomTypeRecord).order_by(RoomTypeRecord.base_occupancy, RoomTypeRecord.extra_person_cents)
            )
        ).scalars()
    )
    code = {t.id: t.type_code for t in types}
    order = {t.id: i for i, t in enumerate(types)}
    rooms = sorted(
        (await session.execute(select(RoomRecord))).scalars(),
        key=lambda r: (order.get(r.room_type_id, 0), r.floor, r.room_number),
    )
    plans = sorted(
        (await session.execute(select(RatePlanRecord))).scalars(),
        key=lambda p: (order.get(p.room_type_id, 0), p.rate_code),
    )
    return {
        "hotel": hotel,
        "room_types": [_room_type_doc(t) for t in types],
        "rooms": [_room_doc(r, code[r.room_type_id]) for r in rooms],
        "rates": [_rate_doc(p, code[p.room_type_id]) for p in plans],
        "packages": list(record.data.get("packages", [])),
        "discount_codes": list(record.data.get("discount_codes", [])),
    }


def _units(cents: int) -> float:
    return float(Decimal(cents) / 100)


def _room_type_doc(t: RoomTypeRecord) -> dict[str, Any]:
    doc = {"type_code": t.type_code, **{f: getattr(t, f) for f in ROOM_TYPE_FIELDS}}
    doc["extra_person_charge"] = _units(t.extra_person_cents)
    return doc


def _room_doc(r: RoomRecord, type_code: str) -> dict[str, Any]:
    status = "available" if r.status not in SERVICE_STATUSES else r.status  # occupied: in service
    return {
        "room_number": r.room_number,
        "type_code": type_code,
        "status": status,
        **{f: getattr(r, f) for f in ROOM_FIELDS},
    }


def _rate_doc(p: RatePlanRecord, type_code: str) -> dict[str, Any]:
    policy = dict(p.cancellation_policy or {})
    if policy.get("penalty_type") == "flat":
        policy["penalty_amount"] = _units(int(policy.get("penalty_amount", 0)))
    return {
        "rate_code": p.rate_code,
        "type_code": type_code,
        **{f: getattr(p, f) for f in RATE_FIELDS},
        "base_rate": _units(p.base_rate_cents),
        "valid_from": p.valid_from.isoformat() if p.valid_from else None,
        "valid_to": p.valid_to.isoformat() if p.valid_to else None,
        "day_of_week_rates": {day: _units(int(cents)) for day, cents in (p.day_of_week_rates or {}).items()},
        "cancellation_policy": policy,
    }


# ---------------------------------------------------------------- import


async def apply(uow: UnitOfWork, document: dict[str, Any], *, now: dt.datetime, today: dt.date) -> list[str]:
    """Make the database hold exactly this property, in the caller's transaction; what changed, one line each.

    Room types still named by bookings are never removed; rooms are kept occupied while a guest is in them.
    """
    session = uow.session
    await lock(uow)
    changes: list[str] = []
    hotel = {
        **document["hotel"],
        "packages": document.get("packages", []),
        "discount_codes": document.get("discount_codes", []),
    }
    record = (await session.execute(select(HotelSettingsRecord))).scalars().first()
    fresh = record is None
    if record is None:
        session.add(HotelSettingsRecord(hotel_id=hotel["hotel_id"], data=hotel, updated_at=now))
        changes.append(f"hotel {hotel['name']}: create")
    elif record.data != hotel:
        keys = sorted(k for k in set(record.data) | set(hotel) if record.data.get(k) != hotel.get(k))
        record.hotel_id, record.data, record.updated_at = hotel["hotel_id"], hotel, now
        changes.append(f"hotel settings: update {', '.join(keys)}")

    types = {t.type_code: t for t in (await session.execute(select(RoomTypeRecord))).scalars()}
    wanted_types = {t["type_code"]: t for t in document.get("room_types", [])}
    for type_code, spec in wanted_types.items():
        values = {f: spec.get(f) for f in ROOM_TYPE_FIELDS} | {
            "extra_person_cents": to_cents(spec.get("extra_person_charge", 0))
        }
        changes += _upsert(
            session, types, type_code, RoomTypeRecord, values, f"room type {type_code}", now, type_code=type_code
        )
    await session.flush()
    type_ids = {code: t.id for code, t in types.items()}

    affected: set[str] = set()
    rooms = {r.room_number: r for r in (await session.execute(select(RoomRecord))).scalars()}
    wanted_rooms = {r["room_number"]: r for r in document.get("rooms", [])}
    for number, spec in wanted_rooms.items():
        room = rooms.get(number)
        values = {f: spec.get(f) for f in ROOM_FIELDS} | {"room_type_id": type_ids[spec["type_code"]]}
        status = spec.get("status", "available")
        if not (room is not None and room.status == "occupied" and status == "available"):
            values["status"] = status
        before = _supply(room) if room is not None else None
        changes += _upsert(session, rooms, number, RoomRecord, values, f"room {number}", now, room_number=number)
        after = _supply(rooms[number])
        if before != after:
            affected |= {after[0]} | ({before[0]} if before else set())
    for number, room in rooms.items():
        if number not in wanted_rooms:
            if room.status == "occupied":
                raise Conflict(f"Room {number} is occupied: check its guest out before removing it.")
            affected.add(room.room_type_id)
            await session.execute(delete(RoomBlockRecord).where(RoomBlockRecord.room_id == room.id))
            await session.delete(room)
            changes.append(f"room {number}: remove")

    plans = {(p.rate_code, p.room_type_id): p for p in (await session.execute(select(RatePlanRecord))).scalars()}
    names = {t.id: code for code, t in types.items()}
    wanted_plans = {(r["rate_code"], type_ids[r["type_code"]]): r for r in document.get("rates", [])}
    for key, spec in wanted_plans.items():
        changes += _upsert(
            session,
            plans,
            key,
            RatePlanRecord,
            _rate_values(spec),
            f"rate {key[0]} for {names[key[1]]}",
            now,
            rate_code=key[0],
            room_type_id=key[1],
        )
    for key, plan in plans.items():
        if key not in wanted_plans:
            await session.delete(plan)
            changes.append(f"rate {key[0]} for {names.get(key[1], '?')}: remove")

    await session.flush()
    for type_code, room_type in types.items():
        if type_code in wanted_types:
            continue
        booked = (
            await session.execute(select(func.count()).where(BookingRecord.room_type_id == room_type.id))
        ).scalar_one()
        if booked:
            raise Conflict(
                f"Room type {type_code} cannot be removed: {booked} bookings refer to it. Keep it in the file; "
                "without rooms or rates it sells nothing."
            )
        await session.execute(delete(InventoryRecord).where(InventoryRecord.room_type_id == room_type.id))
        await session.delete(room_type)
        affected.discard(room_type.id)
        changes.append(f"room type {type_code}: remove")

    if changes:
        await session.flush()
        await catalog.changed(session, fresh=fresh)
        await _recount(uow, sorted(affected - {None}), today=today)
    return changes


def _supply(room: RoomRecord) -> tuple:
    """What a room adds to inventory: its type and pools, if it is in service."""
    return room.room_type_id, room.bed_configuration, room.view, room.status in catalog.OUT_OF_INVENTORY


def _upsert(
    session, existing: dict, key, table, values: dict[str, Any], label: str, now: dt.datetime, **ids
) -> list[str]:
    record = existing.get(key)
    if record is None:
        existing[key] = table(**ids, **values, created_at=now, updated_at=now)
        session.add(existing[key])
        return [f"{label}: create"]
    different = [f for f, v in values.items() if getattr(record, f) != v]
    if not different:
        return []
    for f in different:
        setattr(record, f, values[f])
    record.updated_at = now
    return [f"{label}: update {', '.join(FILE_NAMES.get(f, f) for f in different)}"]


def _rate_values(spec: dict[str, Any]) -> dict[str, Any]:
    policy = dict(spec.get("cancellation_policy") or {})
    if policy.get("penalty_type") == "flat":
        policy["penalty_amount"] = to_cents(policy.get("penalty_amount", 0))
    else:
        policy["penalty_amount"] = int(policy.get("penalty_amount", 0))
    days = spec.get("day_of_week_rates") or {}
    return {f: spec.get(f) for f in RATE_FIELDS} | {
        "base_rate_cents": to_cents(spec["base_rate"]),
        "valid_from": dt.date.fromisoformat(spec["valid_from"]) if spec.get("valid_from") else None,
        "valid_to": dt.date.fromisoformat(spec["valid_to"]) if spec.get("valid_to") else None,
        "day_of_week_rates": {day: to_cents(days[day]) for day in WEEKDAYS if days.get(day) is not None},
        "cancellation_policy": policy,
    }


# ---------------------------------------------------------------- rooms out of inventory


async def set_room_status(
    uow: UnitOfWork, *, room_number: str, status: str, now: dt.datetime, today: dt.date
) -> RoomRecord:
    """Put a room in service (available) or take it out (maintenance, out_of_service) from tonight on."""
    if status not in SERVICE_STATUSES:
        raise InvalidRequest(f"A room's status can be set to {', '.join(SERVICE_STATUSES)}.", field="status")
    await lock(uow)
    room = await _room(uow, room_number)
    was_out = room.status in catalog.OUT_OF_INVENTORY
    if room.status == "occupied" and status == "available":
        return room
    room.status, room.updated_at = status, now
    if was_out != (status in catalog.OUT_OF_INVENTORY):
        await uow.session.flush()
        await catalog.changed(uow.session)
        await _recount(uow, [room.room_type_id], today=today)
    return room


async def blocks(uow: UnitOfWork, *, room_number: str) -> list[Block]:
    room = await _room(uow, room_number)
    query = select(RoomBlockRecord).where(RoomBlockRecord.room_id == room.id).order_by(RoomBlockRecord.start_date)
    return [_block(b, room_number) for b in (await uow.session.execute(query)).scalars()]


async def add_block(
    uow: UnitOfWork,
    *,
    room_number: str,
    start: dt.date,
    end: dt.date,
    reason: str,
    actor: str,
    now: dt.datetime,
    today: dt.date,
) -> Block:
    """Take the room out of inventory for the nights from `start` up to the night before `end`."""
    if end <= start:
        raise InvalidRequest(
            f"`to` ({end}) must be after `from` ({start}): the block ends the morning of `to`.", field="to"
        )
    if start < today:
        raise InvalidRequest(f"`from` ({start}) is in the past; the hotel's date is {today}.", field="from")
    if (end - start).days > MAX_BLOCK_NIGHTS:
        raise InvalidRequest(
            f"A block is at most {MAX_BLOCK_NIGHTS} nights; set the room out of service instead.", field="to"
        )
    await lock(uow)
    session = uow.session
    room = await _room(uow, room_number)
    overlapping = (
        (
            await session.execute(
                select(RoomBlockRecord).where(
                    RoomBlockRecord.room_id == room.id,
                    RoomBlockRecord.start_date < end,
                    RoomBlockRecord.end_date > start,
                )
            )
        )
        .scalars()
        .first()
    )
    if overlapping is not None:
        raise Conflict(
            f"Room {room_number} is already blocked from {overlapping.start_date} to {overlapping.end_date}."
        )
    in_room = await _guests_in_room(uow, room_number, start, end)
    if in_room:
        raise RoomsSold(f"Room {room_number} has a guest checked in for some of these nights.", in_room)
    block = RoomBlockRecord(
        room_id=room.id, start_date=start, end_date=end, reason=reason, created_by=actor, created_at=now
    )
    session.add(block)
    await session.flush()
    await _recount(uow, [room.room_type_id], today=today)
    return _block(block, room_number)


async def remove_block(uow: UnitOfWork, *, room_number: str, block_id: str, today: dt.date) -> None:
    await lock(uow)
    room = await _room(uow, room_number)
    block = await uow.session.get(RoomBlockRecord, block_id)
    if block is None or block.room_id != room.id:
        raise NotFound(f"Room {room_number} has no block {block_id!r}.", field="block_id")
    await uow.session.delete(block)
    await uow.session.flush()
    await _recount(uow, [room.room_type_id], today=today)


async def _room(uow: UnitOfWork, room_number: str) -> RoomRecord:
    room = (
        (await uow.session.execute(select(RoomRecord).where(RoomRecord.room_number == room_number))).scalars().first()
    )
    if room is None:
        raise NotFound(f"There is no room {room_number!r}.", field="room_number")
    return room


def _block(b: RoomBlockRecord, room_number: str) -> Block:
    return Block(b.id, room_number, b.start_date, b.end_date, b.reason, b.created_by, b.created_at)


async def _guests_in_room(uow: UnitOfWork, room_number: str, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    query = select(BookingRecord).where(
        BookingRecord.status == BookingStatus.CHECKED_IN.value,
        BookingRecord.check_in_date < end,
        BookingRecord.check_out_date > start,
    )
    found = (await uow.session.execute(query)).scalars()
    return [_booking_summary(b) for b in found if room_number in (b.room_numbers or [])]


async def _recount(uow: UnitOfWork, room_type_ids: list[str], *, today: dt.date) -> None:
    oversold = await inventory.recount(uow.session, room_type_ids=room_type_ids, today=today)
    if not oversold:
        return
    nights = {(o.room_type_id, o.pool, o.night) for o in oversold}
    first, last = min(o.night for o in oversold), max(o.night for o in oversold)
    query = (
        select(BookingRecord)
        .where(
            BookingRecord.room_type_id.in_({o.room_type_id for o in oversold}),
            BookingRecord.status.in_([s.value for s in HOLDS_INVENTORY]),
            BookingRecord.check_in_date <= last,
            BookingRecord.check_out_date > first,
        )
        .order_by(BookingRecord.check_in_date, BookingRecord.confirmation_number)
    )
    concerned = []
    for booking in (await uow.session.execute(query)).scalars():
        night = max(booking.check_in_date, today)
        pools = pools_for(booking.bed_configuration, booking.view)
        while night < booking.check_out_date:
            if any((booking.room_type_id, pool, night) in nights for pool in pools):
                concerned.append(_booking_summary(booking))
                break
            night += dt.timedelta(days=1)
    days = sorted({o.night for o in oversold})
    span = days[0].isoformat() if len(days) == 1 else f"{len(days)} nights from {days[0]} to {days[-1]}"
    raise RoomsSold(
        f"This would leave sold nights without a room ({span}): {len(concerned)} booking"
        f"{'s' if len(concerned) != 1 else ''} need those rooms. Move or cancel them first, or choose other dates.",
        concerned,
    )


def _booking_summary(b: BookingRecord) -> dict[str, Any]:
    return {
        "confirmation_number": b.confirmation_number,
        "status": b.status,
        "check_in": b.check_in_date.isoformat(),
        "check_out": b.check_out_date.isoformat(),
        "rooms": b.rooms_count,
        "bed_configuration": b.bed_configuration,
        "view": b.view,
    }
