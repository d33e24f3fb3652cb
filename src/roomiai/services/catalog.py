"""Reads the hotel's settings, room types and rate plans, and turns them into domain terms."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.errors import InvalidRequest, NotFound
from ..domain.hotel import HotelTerms, hotel_terms
from ..domain.pricing import CancellationTerms, RateTerms, RoomTypeTerms
from ..store.tables import HotelSettingsRecord, RatePlanRecord, RoomTypeRecord


@dataclass(frozen=True)
class RatePlan:
    record: RatePlanRecord
    terms: RateTerms


async def hotel_settings(session: AsyncSession) -> dict:
    record = (await session.execute(select(HotelSettingsRecord))).scalars().first()
    if record is None:
        raise NotFound("The hotel has not been set up yet: run `roomi seed --demo` or configure it.")
    return record.data


async def load_hotel(session: AsyncSession) -> HotelTerms:
    return hotel_terms(await hotel_settings(session))


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
    query = select(RoomTypeRecord).order_by(RoomTypeRecord.base_occupancy, RoomTypeRecord.extra_person_cents)
    records = list((await session.execute(query)).scalars())
    if code is None:
        return records
    wanted = [r for r in records if r.type_code.lower() == code.strip().lower() or r.id == code.strip()]
    if not wanted:
        known = ", ".join(r.type_code for r in records)
        raise NotFound(f"There is no room type {code!r}; the hotel has {known}.", field="room_type")
    return wanted


async def room_type(session: AsyncSession, id_or_code: str) -> RoomTypeRecord:
    return (await room_types(session, code=id_or_code))[0]


async def rate_plans(session: AsyncSession, room_type_ids: list[str]) -> dict[str, list[RatePlan]]:
    query = select(RatePlanRecord).where(RatePlanRecord.room_type_id.in_(room_type_ids)).order_by(RatePlanRecord.rate_code)
    plans: dict[str, list[RatePlan]] = {rid: [] for rid in room_type_ids}
    for record in (await session.execute(query)).scalars():
        plans[record.room_type_id].append(RatePlan(record, rate_terms(record)))
    return plans


async def rate_plan(session: AsyncSession, *, room_type_id: str, rate_code: str) -> RatePlan:
    plans = (await rate_plans(session, [room_type_id]))[room_type_id]
    for plan in plans:
        if plan.record.rate_code.upper() == rate_code.strip().upper():
            return plan
    known = ", ".join(p.record.rate_code for p in plans)
    raise InvalidRequest(f"Rate {rate_code!r} is not offered for this room type; choose one of {known}.", field="rate_code")
