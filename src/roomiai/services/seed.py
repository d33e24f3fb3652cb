"""Loads the demo hotel (settings, room types, rooms, rate plans, users) into an empty database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from .. import demo_hotel
from ..domain.hotel import to_cents
from ..store.tables import HotelSettingsRecord, RatePlanRecord, RoomRecord, RoomTypeRecord
from ..store.uow import UnitOfWork
from . import auth, catalog

WEEKEND = ("friday", "saturday")


async def is_seeded(uow: UnitOfWork) -> bool:
    return (await uow.session.execute(select(func.count()).select_from(HotelSettingsRecord))).scalar_one() > 0


async def seed_demo(uow: UnitOfWork, *, now: dt.datetime) -> bool:
    """Load Grand Hotel unless a hotel is already there; True when it loaded."""
    if await is_seeded(uow):
        return False
    session = uow.session
    settings = dict(demo_hotel.HOTEL_SETTINGS)
    session.add(HotelSettingsRecord(hotel_id=settings["hotel_id"], data=settings, updated_at=now))
    for spec in demo_hotel.ROOM_TYPES:
        room_type = RoomTypeRecord(
            type_code=spec["type_code"], name=spec["name"], description=spec["description"],
            base_occupancy=spec["base_occupancy"], max_occupancy=spec["max_occupancy"], max_adults=spec["max_adults"],
            extra_person_cents=to_cents(spec["extra_person_charge"]), bed_configurations=spec["bed_configurations"],
            amenities=spec["amenities"], size_sqft=spec["size_sqft"], view_options=spec["view_options"],
            is_smoking_available=False, is_accessible=spec["is_accessible"], images=[], created_at=now, updated_at=now,
        )
        session.add(room_type)
        await session.flush()
        _add_rooms(session, room_type, spec["rooms"], now)
        weekday, weekend = demo_hotel.BAR_PRICES[spec["type_code"]]
        for plan in demo_hotel.RATE_PLANS:
            base = to_cents(round(weekday * plan["factor"]) + plan["extra"])
            peak = to_cents(round(weekend * plan["factor"]) + plan["extra"])
            session.add(
                RatePlanRecord(
                    rate_code=plan["rate_code"], name=plan["name"], description=plan["description"],
                    room_type_id=room_type.id, base_rate_cents=base, currency="USD", rate_type="per_night",
                    includes=plan["includes"], eligibility=plan["eligibility"], valid_from=None, valid_to=None,
                    day_of_week_rates={day: peak for day in WEEKEND}, min_stay=plan["min_stay"],
                    max_stay=plan["max_stay"], advance_booking_days=plan["advance_booking_days"],
                    cancellation_policy=plan["policy"], is_refundable=True, is_active=True,
                    created_at=now, updated_at=now,
                )
            )
    await catalog.changed(session, fresh=True)
    for username, role, password in demo_hotel.DEMO_USERS:
        await auth.create_user(uow, username=username, password=password, role=role, now=now)
    await uow.commit()
    return True


def _add_rooms(session, room_type: RoomTypeRecord, layout: dict, now: dt.datetime) -> None:
    beds, views = layout["beds"], layout["views"]
    index = 0
    for floor in layout["floors"]:
        for slot in range(1, layout["per_floor"] + 1):
            session.add(
                RoomRecord(
                    room_number=f"{floor}{slot:02d}", floor=floor, room_type_id=room_type.id,
                    bed_configuration=beds[index % len(beds)], view=views[(index // len(beds)) % len(views)],
                    status="available", is_smoking=False, is_accessible=slot in (1, 2),
                    features=["near_elevator"] if slot in (1, 2) else (["corner_room"] if slot == layout["per_floor"] else []),
                    connecting_room=None, notes="", created_at=now, updated_at=now,
                )
            )
            index += 1
