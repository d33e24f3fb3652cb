"""GET /v1/rooms/availability, /v1/rooms/types and /v1/rooms/{room_type_id}/rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic_core import to_json
from sqlalchemy import func, select

from ..domain.cancellation import describe
from ..domain.hotel import HotelTerms
from ..domain.stay import Stay, make_stay
from ..services import availability, catalog
from ..store.tables import RoomRecord
from .answer_cache import AnswerCache
from .deps import AnyRole, Container, ContainerDep, ReadUow
from .read_gate import ReadGate
from .schemas.common import money
from .schemas.rooms import (
    AvailabilityRead,
    RatePlanList,
    RatePlanRead,
    RoomTypeList,
    RoomTypeRead,
)

router = APIRouter(prefix="/v1/rooms", tags=["rooms"])
ANSWERS = AnswerCache(max_entries=4096)  # availability answers of this process
# what a search may ask (api/quick_search.py answers within the same bounds)
ADULTS, CHILDREN, ROOMS, ROOM_TYPE_LENGTH = (1, 20), (0, 20), (1, 9), 40
SEARCHES = ReadGate(4)  # searches at work at once in this process: a storm of them leaves room for bookings


async def search_turn() -> AsyncIterator[None]:
    """Waits for a turn among the searches at work (before the token check and the database)."""
    async with SEARCHES:
        yield


@router.get("/availability", response_model=AvailabilityRead, summary="Rooms and rates free for a stay")
async def check_availability(
    _turn: Annotated[None, Depends(search_turn)],
    uow: ReadUow,
    c: ContainerDep,
    _: AnyRole,
    check_in: Annotated[dt.date, Query(description="YYYY-MM-DD")],
    check_out: Annotated[dt.date, Query(description="YYYY-MM-DD")],
    adults: Annotated[int, Query(ge=ADULTS[0], le=ADULTS[1])] = 1,
    children: Annotated[int, Query(ge=CHILDREN[0], le=CHILDREN[1])] = 0,
    rooms_needed: Annotated[int, Query(ge=ROOMS[0], le=ROOMS[1])] = 1,
    room_type: Annotated[str | None, Query(max_length=ROOM_TYPE_LENGTH, description="room type code or id")] = None,
) -> Response:
    today = c.clock.today()
    stay = make_stay(check_in, check_out, today=today, horizon_days=c.settings.booking_horizon_days)
    books = await availability.read_books(uow.session, stay=stay, room_type=room_type, quick=c.db.quick)
    hotel = books.hotel or await catalog.load_hotel(uow.session)  # the latter says the hotel is not set up
    body = answer(
        c, books, hotel=hotel, stay=stay, today=today, adults=adults, children=children, rooms_needed=rooms_needed
    )
    return Response(body, media_type="application/json")


def answer(
    c: Container,
    books: availability.Books,
    *,
    hotel: HotelTerms,
    stay: Stay,
    today: dt.date,
    adults: int,
    children: int,
    rooms_needed: int,
) -> bytes:
    """The search's JSON answer from the books just read: kept by everything it depends on (api/answer_cache.py)."""
    # the answer is a pure function of the books and the request: repeated searches skip pricing and JSON
    key = (str(c.db.url), books.key(), today, stay.check_in, stay.check_out, adults, children, rooms_needed)
    body = ANSWERS.get(key)
    if body is not None:
        return body
    result = availability.evaluate(
        books, hotel=hotel, stay=stay, today=today, adults=adults, children=children, rooms_needed=rooms_needed
    )
    # plain dicts in AvailabilityRead's field order, serialised by pydantic's own JSON writer: the same bytes as
    # the model would write (tests/api/test_quick_search.py checks), without building ~70 models per answer
    body = to_json(
        {
            "available": bool(result.options),
            "date_range": {"check_in": stay.check_in, "check_out": stay.check_out, "nights": stay.nights},
            "guests": {"adults": adults, "children": children},
            "rooms_needed": rooms_needed,
            "options": [_option(option) for option in result.options],
            "unavailable": [
                {
                    "room_type_id": u.room_type.id,
                    "room_type_code": u.room_type.type_code,
                    "room_type": u.room_type.name,
                    "reason": u.reason,
                    "code": u.code,
                    "limit": u.limit,
                }
                for u in result.unavailable
            ],
        }
    )
    ANSWERS.put(key, body)
    return body


def _option(option: availability.RoomTypeOption) -> dict:
    """A RoomOptionRead as a dict."""
    return {
        "room_type_id": option.room_type.id,
        "room_type_code": option.room_type.type_code,
        "room_type": option.room_type.name,
        "available_count": option.available_count,
        "nightly_availability": [{"date": d, "available": n} for d, n in sorted(option.nightly.items())],
        "views_available": option.views_available,
        "beds_available": option.beds_available,
        "max_occupancy": option.room_type.max_occupancy,
        "rates": [_rate(rate) for rate in option.rates],
    }


def _rate(rate: availability.RateOption) -> dict:
    """A RateOptionRead as a dict."""
    q = rate.quote
    return {
        "rate_code": rate.plan.record.rate_code,
        "name": rate.plan.record.name,
        "per_night": money(q.average_night_cents),
        "total": money(q.room_total_cents),
        "taxes": money(q.taxes_cents),
        "fees": money(q.fees_cents),
        "grand_total": money(q.grand_total_cents),
        "currency": q.currency,
        "nightly": [
            {"date": n.date, "rate": money(n.rate_cents), "extra_person": money(n.extra_person_cents)}
            for n in q.nightly
        ],
        "tax_lines": [{"name": t.name, "amount": money(t.cents)} for t in q.taxes],
        "fee_lines": [{"name": f.name, "amount": money(f.cents)} for f in q.fees],
        "includes": list(rate.plan.record.includes),
        "eligibility": rate.plan.record.eligibility,
        "cancellation": rate.cancellation,
        "refundable": rate.plan.terms.cancellation.refundable,
    }


@router.get("/types", response_model=RoomTypeList, summary="All room types")
async def list_room_types(uow: ReadUow, _: AnyRole) -> RoomTypeList:
    types = await catalog.room_types(uow.session)
    counts = dict(
        (
            await uow.session.execute(select(RoomRecord.room_type_id, func.count()).group_by(RoomRecord.room_type_id))
        ).all()
    )
    return RoomTypeList(
        room_types=[
            RoomTypeRead(
                id=t.id,
                code=t.type_code,
                name=t.name,
                description=t.description,
                base_occupancy=t.base_occupancy,
                max_occupancy=t.max_occupancy,
                extra_person_charge=money(t.extra_person_cents),
                bed_configurations=t.bed_configurations,
                amenities=t.amenities,
                size_sqft=t.size_sqft,
                view_options=t.view_options,
                is_accessible=t.is_accessible,
                images=t.images,
                rooms=counts.get(t.id, 0),
            )
            for t in types
        ]
    )


@router.get("/{room_type_id}/rates", response_model=RatePlanList, summary="Rate plans of a room type")
async def list_rates(room_type_id: Annotated[str, Path(max_length=40)], uow: ReadUow, _: AnyRole) -> RatePlanList:
    room_type = await catalog.room_type(uow.session, room_type_id)
    plans = (await catalog.rate_plans(uow.session, [room_type.id]))[room_type.id]
    return RatePlanList(
        room_type_id=room_type.id,
        room_type=room_type.name,
        rates=[
            RatePlanRead(
                rate_code=p.record.rate_code,
                name=p.record.name,
                description=p.record.description,
                base_rate=money(p.record.base_rate_cents),
                currency=p.record.currency,
                rate_type=p.record.rate_type,
                day_of_week_rates={k: money(v) for k, v in p.terms.day_of_week_cents.items()},
                includes=p.record.includes,
                eligibility=p.record.eligibility,
                valid_from=p.record.valid_from,
                valid_to=p.record.valid_to,
                min_stay=p.record.min_stay,
                max_stay=p.record.max_stay,
                advance_booking_days=p.record.advance_booking_days,
                cancellation_policy=dict(
                    type=p.terms.cancellation.type,
                    free_cancellation_hours=p.terms.cancellation.free_cancellation_hours,
                    penalty_type=p.terms.cancellation.penalty_type,
                    penalty_amount=p.terms.cancellation.penalty_amount,
                    refundable=p.terms.cancellation.refundable,
                ),
                cancellation=describe(p.terms.cancellation),
                is_refundable=p.record.is_refundable,
                is_active=p.record.is_active,
            )
            for p in plans
        ],
    )
