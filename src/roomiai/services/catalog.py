"""Reads the hotel's settings, room types and rate plans, and turns them into domain terms."""

from __future__ import annotations

import copy
import secrets
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.errors import InvalidRequest, NotFound
from ..domain.hotel import HotelTerms, hotel_terms
from ..domain.pools import pools_for
from ..domain.pricing import CancellationTerms, RateTerms, RoomTypeTerms
from ..store.tables import HotelSettingsRecord, RatePlanRecord, RoomRecord, RoomTypeRecord, SequenceRecord
from ..store.upsert import next_sequence

OUT_OF_INVENTORY = ("out_of_service", "maintenance")


@dataclass(frozen=True)
class RatePlan:
    record: RatePlanRecord
    terms: RateTerms


@dataclass
class Snapshot:
    """The hotel's slowly changing data, cached per process and checked against a version in the database."""

    version: int
    settings: dict
    room_types: list[RoomTypeRecord]
    plans: dict[str, list[RatePlan]]
    capacities: dict[str, Counter]
    hotel: HotelTerms | None


_SNAPSHOTS: dict[str, Snapshot] = {}
VERSION = "catalog"


async def snapshot(session: AsyncSession) -> Snapshot:
    """The current catalog: one small query when nothing changed, a reload when an admin changed something."""
    cached = session.info.get("roomiai_catalog")
    if cached is not None:
        return cached
    version = (await session.execute(select(SequenceRecord.value).where(SequenceRecord.name == VERSION))).scalar() or 0
    if session.info.get("roomiai_catalog_changed"):  # uncommitted changes: never shared, they may be rolled back
        return await _load(session, version)
    key = str(session.get_bind().engine.url)
    current = _SNAPSHOTS.get(key)
    if current is None or current.version != version:
        current = await _load(session, version)
        _SNAPSHOTS[key] = current
    session.info["roomiai_catalog"] = current
    return current


def cached(session: AsyncSession) -> Snapshot | None:
    """The catalog this process last loaded for the session's database, without reading anything; None if none yet."""
    return cached_for(str(session.get_bind().engine.url))


def cached_for(url: str) -> Snapshot | None:
    """The catalog this process last loaded for the database at `url` (as the engine renders it); None if none yet."""
    return _SNAPSHOTS.get(url)


async def changed(session: AsyncSession, *, fresh: bool = False) -> None:
    """Mark the catalog changed so every process reloads it; `fresh` starts a new database at a random version."""
    if fresh:
        await session.merge(SequenceRecord(name=VERSION, value=secrets.randbelow(2**62)))
    else:
        await next_sequence(session, VERSION)
    session.info.pop("roomiai_catalog", None)
    session.info["roomiai_catalog_changed"] = True


async def _load(session: AsyncSession, version: int) -> Snapshot:
    record = (await session.execute(select(HotelSettingsRecord))).scalars().first()
    query = select(RoomTypeRecord).order_by(RoomTypeRecord.base_occupancy, RoomTypeRecord.extra_person_cents)
    types = list((await session.execute(query)).scalars())
    plans: dict[str, list[RatePlan]] = {t.id: [] for t in types}
    for plan in (await session.execute(select(RatePlanRecord).order_by(RatePlanRecord.rate_code))).scalars():
        plans.setdefault(plan.room_type_id, []).append(RatePlan(plan, rate_terms(plan)))
    caps: dict[str, Counter] = {t.id: Counter() for t in types}
    rooms = (
        select(RoomRecord.room_type_id, RoomRecord.bed_configuration, RoomRecord.view, func.count())
        .where(RoomRecord.status.not_in(OUT_OF_INVENTORY))
        .group_by(RoomRecord.room_type_id, RoomRecord.bed_configuration, RoomRecord.view)
    )
    for rid, bed, view, count in await session.execute(rooms):
        for pool in pools_for(bed, view):
            caps.setdefault(rid, Counter())[pool] += count
    for loaded in [*types, *(plan.record for group in plans.values() for plan in group)]:
        session.expunge(loaded)  # shared across sessions: a later rollback must not expire them
    settings = copy.deepcopy(record.data) if record else {}
    return Snapshot(version, settings, types, plans, caps, hotel_terms(settings) if record else None)


async def hotel_settings(session: AsyncSession) -> dict:
    current = await snapshot(session)
    if current.hotel is None:
        raise NotFound(NOT_SET_UP)
    return current.settings


async def load_hotel(session: AsyncSession) -> HotelTerms:
    hotel = (await snapshot(session)).hotel
    if hotel is None:
        raise NotFound(NOT_SET_UP)
    return hotel


NOT_SET_UP = "The hotel has not been set up yet: run `roomi seed --demo` or configure it."


def room_type_terms(record: RoomTypeRecord) -> RoomTypeTerms:
    return RoomTypeTerms(
        code=record.type_code,
        name=record.name,
        base_occupancy=record.base_occupancy,
        max_occupancy=record.max_occupancy,
        extra_person_cents=record.extra_person_cents,
        max_adults=record.max_adults,
    )


def rate_terms(record: RatePlanRecord) -> RateTerms:
    policy = record.cancellation_policy or {}
    return RateTerms(
        rate_code=record.rate_code,
        name=record.name,
        base_rate_cents=record.base_rate_cents,
        currency=record.currency,
        rate_type=record.rate_type,
        day_of_week_cents={day: int(cents) for day, cents in (record.day_of_week_rates or {}).items()},
        valid_from=record.valid_from,
        valid_to=record.valid_to,
        min_stay=record.min_stay,
        max_stay=record.max_stay,
        advance_booking_days=record.advance_booking_days,
        includes=tuple(record.includes or ()),
        cancellation=CancellationTerms(
            type=policy.get("type", "flexible"),
            free_cancellation_hours=int(policy.get("free_cancellation_hours", 24)),
            penalty_type=policy.get("penalty_type", "first_night"),
            penalty_amount=int(policy.get("penalty_amount", 0)),
            refundable=record.is_refundable,
        ),
        is_active=record.is_active,
    )


async def room_types(session: AsyncSession, *, code: str | None = None) -> list[RoomTypeRecord]:
    return types_of((await snapshot(session)), code=code)


def matching_types(current: Snapshot, code: str) -> list[RoomTypeRecord]:
    """The snapshot's room types with this code (any case) or id; empty when there is none."""
    wanted = code.strip()
    return [r for r in current.room_types if r.type_code.lower() == wanted.lower() or r.id == wanted]


def types_of(current: Snapshot, *, code: str | None = None) -> list[RoomTypeRecord]:
    """The snapshot's room types: all, or the one with this code or id (NotFound names the ones there are)."""
    records = current.room_types
    if code is None:
        return list(records)
    wanted = matching_types(current, code)
    if not wanted:
        known = ", ".join(r.type_code for r in records)
        raise NotFound(f"There is no room type {code!r}; the hotel has {known}.", field="room_type")
    return wanted


async def room_type(session: AsyncSession, id_or_code: str) -> RoomTypeRecord:
    return (await room_types(session, code=id_or_code))[0]


async def rate_plans(session: AsyncSession, room_type_ids: list[str]) -> dict[str, list[RatePlan]]:
    plans = (await snapshot(session)).plans
    return {rid: list(plans.get(rid, [])) for rid in room_type_ids}


async def capacities(session: AsyncSession, room_type_ids: list[str]) -> dict[str, Counter]:
    """Sellable rooms per room type and pool, from the rooms in service."""
    caps = (await snapshot(session)).capacities
    return {rid: Counter(caps.get(rid, {})) for rid in room_type_ids}


async def rate_plan(session: AsyncSession, *, room_type_id: str, rate_code: str) -> RatePlan:
    plans = (await rate_plans(session, [room_type_id]))[room_type_id]
    for plan in plans:
        if plan.record.rate_code.upper() == rate_code.strip().upper():
            return plan
    known = ", ".join(p.record.rate_code for p in plans)
    raise InvalidRequest(
        f"Rate {rate_code!r} is not offered for this room type; choose one of {known}.", field="rate_code"
    )
